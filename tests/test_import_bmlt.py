"""BMLT GetSearchResults feeds (NA) imported and loaded as the bot would see them."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from catalogue.importers import import_feed
from catalogue.kinds import Attribute
from catalogue.loading import load_catalogue
from catalogue.recurrence import next_meeting_at

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
TODAY = date(2026, 11, 23)  # a Monday
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    report = import_feed("bmlt", FEEDS / "bmlt.json", data_dir, today=TODAY)
    return report, load_catalogue(data_dir, today=TODAY)


def meeting(imported, key):
    return imported[1].meetings[f"bmlt-{key}"]


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        ("101", "FREQ=WEEKLY;BYDAY=SU"),  # weekday_tinyint 1 = Sunday
        ("104", "FREQ=WEEKLY;BYDAY=MO"),  # 2 = Monday
        ("103", "FREQ=WEEKLY;BYDAY=WE"),  # 4 = Wednesday
        ("102", "FREQ=WEEKLY;BYDAY=SA"),  # 7 = Saturday
    ],
)
def test_weekday_one_is_sunday(imported, key, rule):
    assert meeting(imported, key).rrule == rule


def test_duration_gives_the_end_time_even_past_midnight(imported):
    assert (meeting(imported, "101").start, meeting(imported, "101").end) == (
        time(19, 30),
        time(21, 0),
    )
    night = meeting(imported, "102")
    assert (night.start, night.end) == (time(23, 0), time(1, 0))


def test_sunday_meeting_next_occurs_on_sunday(imported):
    m = meeting(imported, "101")
    assert m.organisation_id == "na"
    assert next_meeting_at(m, datetime(2026, 11, 23, 12, tzinfo=AMSTERDAM)) == datetime(
        2026, 11, 29, 19, 30, tzinfo=AMSTERDAM
    )


def test_formats_map_to_attributes(imported):
    assert meeting(imported, "101").attributes == {Attribute.OPEN, Attribute.WHEELCHAIR}
    assert meeting(imported, "102").attributes == {
        Attribute.CLOSED,
        Attribute.WOMEN,
        Attribute.YOUTH,
    }
    assert meeting(imported, "103").attributes == {Attribute.OPEN, Attribute.LGBTQ}


def test_in_person_meeting_ignores_a_left_over_link(imported):
    m = meeting(imported, "101")
    assert m.online is None
    assert (m.venue.address, m.venue.postcode, m.venue.city) == (
        "Oudegracht 100",
        "3511 AX",
        "Utrecht",
    )
    assert m.venue.name == "Buurthuis De Pijl"
    assert m.location_notes == "Eerste verdieping"


def test_virtual_meeting_has_no_venue_but_link_and_phone(imported):
    m = meeting(imported, "102")
    assert m.venue is None
    assert (m.online.url, m.online.phone) == (
        "https://meet.jit.si/na-nachtuilen",
        "+31 85 123 4567",
    )
    assert m.timezone == "Europe/Amsterdam"
    assert "Code 4711" in m.group_notes


def test_hybrid_meeting_has_venue_and_link(imported):
    m = meeting(imported, "103")
    assert m.venue.city == "Amsterdam" and m.online.url == "https://meet.jit.si/na-dam"


def test_empty_venue_type_is_inferred_from_the_vm_format(imported):
    m = meeting(imported, "104")
    assert m.venue is None and m.online.url == "https://meet.jit.si/na-lunch"


def test_temporarily_closed_facility_is_online_only(imported):
    m = meeting(imported, "105")
    assert m.venue is None and m.online.url == "https://meet.jit.si/na-leiden"


def test_zero_coordinates_mean_none_and_the_postcode_places_the_venue(imported):
    m = meeting(imported, "108")
    assert m.venue.city == "Den Haag"
    assert 52.0 < m.venue.lat < 52.15 and 4.2 < m.venue.lon < 4.4
    assert m.attributes == {Attribute.MEN, Attribute.WHEELCHAIR}
    assert m.end == time(21, 0)


def test_unpublished_invalid_and_unreachable_meetings_are_skipped(imported):
    report, _ = imported
    assert [str(s) for s in report.skipped] == [
        "bmlt.json: record 6 (id_bigint 106): not published",
        "bmlt.json: record 7 (id_bigint 107): field 'weekday_tinyint': '0' is not a day "
        "(expected 1-7, 1 = Sunday)",
        "bmlt.json: record 9 (id_bigint 109): virtual meeting without a link or phone number",
    ]
    assert sorted(report.added) == [f"bmlt-{k}" for k in ("101", "102", "103", "104", "105", "108")]


def test_server_specific_format_keys_map_through_their_world_ids(tmp_path):
    import_feed("bmlt", FEEDS / "bmlt-with-formats.json", tmp_path, today=TODAY)
    m = load_catalogue(tmp_path, today=TODAY).meetings["bmlt-with-formats-201"]
    assert m.attributes == {Attribute.OPEN, Attribute.WOMEN, Attribute.WHEELCHAIR}
    assert m.rrule == "FREQ=WEEKLY;BYDAY=MO"


def test_operator_may_file_a_bmlt_feed_under_another_organisation(tmp_path):
    import_feed(
        "bmlt",
        FEEDS / "bmlt-with-formats.json",
        tmp_path,
        today=TODAY,
        organisation_id="ca",
        source_name="CA Noord",
        source_url="https://ca.example.org",
    )
    m = load_catalogue(tmp_path, today=TODAY).meetings["ca-noord-201"]
    assert m.organisation_id == "ca"
    assert (m.source.name, m.source.url) == ("CA Noord", "https://ca.example.org")
    assert (tmp_path / "imports" / "bmlt-ca-noord.yaml").exists()
