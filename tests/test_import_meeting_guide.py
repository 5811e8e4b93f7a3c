"""Meeting Guide feeds (code4recovery spec) imported and loaded as the bot would see them."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from catalogue.errors import FeedImportError
from catalogue.importers import import_feed
from catalogue.kinds import Attribute, Country
from catalogue.loading import load_catalogue
from catalogue.recurrence import next_meeting_at

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
TODAY = date(2026, 11, 23)  # a Monday
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    report = import_feed("meeting-guide", FEEDS / "meeting-guide.json", data_dir, today=TODAY)
    return report, load_catalogue(data_dir, today=TODAY)


def meeting(imported, slug):
    return imported[1].meetings[f"meeting-guide-{slug}"]


def test_day_zero_is_sunday_and_record_fields_are_kept(imported):
    m = meeting(imported, "zondag-sereniteit")
    assert m.organisation_id == "aa"
    assert m.rrule == "FREQ=WEEKLY;BYDAY=SU"
    assert m.first_on == date(2026, 11, 29)  # the first Sunday on or after the import date
    assert (m.start, m.end) == (time(19, 30), time(21, 0))
    assert m.venue.address == "Oudegracht 1"
    assert m.venue.postcode == "3511 AB"
    assert (m.venue.lat, m.venue.lon) == (52.0907, 5.1214)
    assert m.attributes == {Attribute.OPEN, Attribute.WHEELCHAIR, Attribute.NEWCOMERS}
    assert m.timezone == "Europe/Amsterdam"
    assert m.venue.name == "Buurthuis De Oude Gracht"
    assert m.group_notes == "Bel aan bij de zijdeur."
    assert m.url == "https://aa.example.org/meetings/zondag-sereniteit"


def test_updated_is_when_the_source_changed_it_never_a_check(imported):
    m = meeting(imported, "zondag-sereniteit")
    assert m.changed_on == date(2026, 10, 1)
    assert m.source.sample is False
    assert m.source.verified_on is None  # nobody checked it
    assert m.source.as_of == TODAY == m.source.imported_on  # the day the feed was read
    assert meeting(imported, "jongeren-rotterdam").changed_on is None


def test_a_day_list_is_one_meeting_on_each_of_its_days(imported):
    m = meeting(imported, "ochtendgroep-jordaan")
    assert m.rrule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert m.first_on == TODAY
    after_monday = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)
    assert next_meeting_at(m, after_monday) == datetime(2026, 11, 26, 7, 30, tzinfo=AMSTERDAM)


def test_formatted_address_alone_is_split_and_placed_at_its_postcode(imported):
    report, _ = imported
    venue = meeting(imported, "ochtendgroep-jordaan").venue
    assert (venue.address, venue.postcode, venue.city) == ("Westerstraat 5", "1015 MJ", "Amsterdam")
    assert venue.country is Country.NL
    assert 52.3 < venue.lat < 52.45 and 4.8 < venue.lon < 5.0
    assert any(
        "ochtendgroep-jordaan" in d.record and "no coordinates" in d.reason for d in report.degraded
    )


def test_online_meeting_with_an_approximate_address_has_no_venue(imported):
    m = meeting(imported, "online-english")
    assert m.venue is None
    assert m.online.url == "https://zoom.us/j/123456789"
    assert m.online.phone == "+31 20 123 4567,,123456789#"  # the code gets a caller in
    assert m.online.tel_uri == "tel:+31201234567,,123456789%23"
    assert "Password: serenity" in m.group_notes
    assert m.languages == ("en",)
    assert m.timezone == "Europe/Brussels"  # the record's own zone wins


def test_street_address_plus_conference_link_is_hybrid(imported):
    m = meeting(imported, "jongeren-rotterdam")
    assert (
        m.venue.city == "Rotterdam" and m.online.url == "https://meet.jit.si/aa-jongeren-rotterdam"
    )
    assert m.attributes == {Attribute.OPEN, Attribute.YOUTH, Attribute.LGBTQ}


def test_temporarily_closed_location_keeps_only_the_online_way_in(imported):
    m = meeting(imported, "leiden-station")
    assert m.venue is None and m.online.url == "https://meet.jit.si/aa-leiden-station"
    assert m.attributes == {Attribute.CLOSED}


def test_bad_records_are_skipped_with_file_record_and_reason(imported):
    report, catalogue = imported
    lines = [str(s) for s in report.skipped]
    expected = [
        "meeting-guide.json: record 6 'haarlem-kerk': location temporarily closed (TC) "
        "and no online way to join",
        "meeting-guide.json: record 7 'nergens': no coordinates, and 'Nergenshuizen' is not "
        "a known place in NL or BE",
        "meeting-guide.json: record 8: field 'slug': missing (expected a text)",
        "meeting-guide.json: record 9 'achtste-dag': field 'day': 7 is not a day "
        "(expected 0-6 (0 = Sunday), or a list of them)",
        "meeting-guide.json: record 10 'op-afspraak': field 'day': missing: meetings by "
        "appointment are not listed (expected 0-6 (0 = Sunday), or a list of them); "
        "field 'time': missing: meetings by appointment are not listed (expected HH:MM)",
        "meeting-guide.json: record 11 'sunday-serenity-14': country 'US' is not covered "
        "(expected NL or BE)",
    ]
    assert lines == expected
    assert len(report.added) == 5
    assert not any(mid.endswith(("haarlem-kerk", "nergens")) for mid in catalogue.meetings)


def test_belgian_feed_gets_brussels_time_and_belgian_postcodes(tmp_path):
    feed = FEEDS / "meeting-guide-vlaanderen.json"
    report = import_feed(
        "meeting-guide", feed, tmp_path, today=TODAY, organisation_id="aa-vlaanderen"
    )
    catalogue = load_catalogue(tmp_path, today=TODAY)
    gent = catalogue.meetings["meeting-guide-vlaanderen-gent-kouter"]
    assert gent.organisation_id == "aa-vlaanderen"
    assert gent.timezone == "Europe/Brussels"
    assert (gent.venue.postcode, gent.venue.city, gent.venue.country) == (
        "9000",
        "Gent",
        Country.BE,
    )
    assert gent.attributes == {Attribute.CLOSED, Attribute.MEN}
    antwerpen = catalogue.meetings["meeting-guide-vlaanderen-antwerpen-centraal"]
    assert antwerpen.rrule == "FREQ=WEEKLY;BYDAY=TU,SA"
    assert Attribute.LGBTQ in antwerpen.attributes
    assert report.summary() == (
        "added 2, updated 0, unchanged 0, retired 0, restored 0, skipped 0, degraded 1"
    )


def test_belgian_venues_are_not_filed_under_a_dutch_only_organisation(tmp_path):
    report = import_feed(
        "meeting-guide", FEEDS / "meeting-guide-vlaanderen.json", tmp_path, today=TODAY
    )
    assert report.added == ()
    assert all("not active in BE" in s.reason for s in report.skipped)
    assert len(report.skipped) == 2


def test_unknown_organisation_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(FeedImportError, match=r"organisation 'xx' is not in organisations\.yaml"):
        import_feed(
            "meeting-guide",
            FEEDS / "meeting-guide.json",
            tmp_path,
            today=TODAY,
            organisation_id="xx",
        )
    assert not (tmp_path / "imports").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"meetings": []}', "expected a JSON array of meetings"),
    ],
)
def test_unreadable_feed_is_a_feed_import_error_naming_the_file(tmp_path, content, message):
    feed = tmp_path / "broken.json"
    feed.write_text(content)
    with pytest.raises(FeedImportError, match=message) as raised:
        import_feed("meeting-guide", feed, tmp_path / "data", today=TODAY)
    assert "broken.json" in str(raised.value)


def test_missing_feed_file_is_a_feed_import_error(tmp_path):
    with pytest.raises(FeedImportError, match="cannot read the file"):
        import_feed("meeting-guide", tmp_path / "nope.json", tmp_path, today=TODAY)
