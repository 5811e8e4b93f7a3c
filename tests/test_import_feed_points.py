"""One test per point of issue 10's lists, on records written to the published specs.

Meeting Guide records follow code4recovery/spec (README "Meeting Guide API",
data/types.json); BMLT records follow the semantic interface's
GetSearchResults output (bmlt-root-server `MeetingResource`, and `FormatResource`
for `formats`). Each test parses the feed as the bot does (`read_feed`).
"""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from catalogue.importers import FeedContext, Locator, read_feed
from catalogue.kinds import Attendance, Attribute

TODAY = date(2026, 11, 23)

UTRECHT = {
    "address": "Oudegracht 1",
    "city": "Utrecht",
    "postal_code": "3511 AB",
    "country": "NL",
    "latitude": 52.0907,
    "longitude": 5.1214,
}


def mg_record(**fields: Any) -> dict[str, Any]:
    """A Meeting Guide record: required name, slug, day, time, plus a venue in Utrecht."""
    return {"name": "Test", "slug": "test", "day": 2, "time": "19:30", **UTRECHT, **fields}


def read(records: Any, *, fmt: str = "meeting-guide", organisation: str = "aa"):
    ctx = FeedContext(
        file="feed.json",
        organisation_id=organisation,
        id_prefix="feed",
        source_name="Test feed",
        source_url=None,
        today=TODAY,
        locator=Locator(),
    )
    return read_feed(fmt, json.dumps(records).encode(), ctx)


def one(records: Any, **options: Any):
    parsed = read(records, **options)
    assert len(parsed.meetings) == 1, parsed.skipped
    return parsed.meetings[0], parsed


# --------------------------------------------------------------------------- shown wrong


def test_a_womens_open_meeting_says_women_and_so_do_men_youth_lgbtq_newcomers_wheelchair():
    meeting, _ = one([mg_record(types=["O", "W", "X", "BE"])])
    assert meeting.attributes == {
        Attribute.OPEN,
        Attribute.WOMEN,
        Attribute.WHEELCHAIR,
        Attribute.NEWCOMERS,
    }
    meeting, _ = one([mg_record(types=["C", "M", "Y", "LGBTQ"])])
    assert meeting.attributes == {
        Attribute.CLOSED,
        Attribute.MEN,
        Attribute.YOUTH,
        Attribute.LGBTQ,
    }


def test_every_language_a_feed_states_is_kept_as_a_language_code():
    meeting, _ = one([mg_record(types=["POL", "EN"])])
    assert meeting.languages == ("pl", "en")
    meeting, _ = one([mg_record(types=["RUS"])])
    assert meeting.languages == ("ru",)
    meeting, _ = one([mg_record(types=["FR", "DE"])], organisation="aa-vlaanderen")
    assert meeting.languages == ("fr", "de")


def test_na_nederlands_eng_and_farsi_are_languages_not_dutch():
    meeting, _ = one([mg_record(types=["O", "ENG"])], organisation="na")
    assert meeting.languages == ("en",)
    meeting, _ = one([mg_record(types=["C", "FAR"])], organisation="na")
    assert meeting.languages == ("fa",)
    meeting, _ = one([mg_record(types=["C", "SP", "TOP"])], organisation="na")
    assert meeting.languages == ("es",)  # "Solo por Hoy / Spaanse meeting"
    meeting, _ = one([mg_record(types=["O", "SP"])], organisation="aa")
    assert meeting.languages == ("nl",)  # AA's SP is a speaker meeting


def bmlt_record(**fields: Any) -> dict[str, Any]:
    """A GetSearchResults meeting: every value a string, weekday 1 = Sunday."""
    return {
        "id_bigint": "501",
        "meeting_name": "NA Test",
        "weekday_tinyint": "3",
        "start_time": "19:30:00",
        "duration_time": "01:30:00",
        "venue_type": "1",
        "published": "1",
        "formats": "",
        "lang_enum": "nl",
        "location_street": "Oudegracht 1",
        "location_municipality": "Utrecht",
        "location_postal_code_1": "3511 AB",
        "location_nation": "NL",
        "latitude": "52.0907",
        "longitude": "5.1214",
        **fields,
    }


def test_bmlt_lang_enum_is_read():
    meeting, _ = one([bmlt_record(lang_enum="fr")], fmt="bmlt", organisation="na")
    assert meeting.languages == ("fr",)


def test_dial_in_codes_are_kept_and_there_is_a_tap_to_call_form():
    record = mg_record(
        conference_url="https://us06web.zoom.us/j/987654",
        conference_phone="+31 20 123 4567,,987654#",
    )
    meeting, _ = one([record])
    assert meeting.online.phone == "+31 20 123 4567,,987654#"
    assert meeting.online.tel_uri == "tel:+31201234567,,987654%23"


def test_a_missing_end_time_is_not_given_never_assumed():
    meeting, _ = one([mg_record()])
    assert meeting.end is None and meeting.duration is None


def test_updated_is_last_changed_by_the_source_and_no_feed_is_checked():
    meeting, _ = one([mg_record(updated="2026-07-13 17:56:45")])
    assert meeting.changed_on == date(2026, 7, 13)
    assert meeting.source.verified_on is None and meeting.source.as_of == TODAY
    bmlt, _ = one([bmlt_record()], fmt="bmlt", organisation="na")
    assert bmlt.source.verified_on is None and bmlt.changed_on is None


# --------------------------------------------------------------------------- read wrong


def test_restricted_access_and_the_newcomer_flags_are_read():
    meeting, _ = one([mg_record(types=["RA", "BEG", "LGBT"])], organisation="na")
    assert meeting.attributes == {Attribute.RESTRICTED, Attribute.NEWCOMERS, Attribute.LGBTQ}
    meeting, _ = one([mg_record(types=["BE"])])
    assert meeting.attributes == {Attribute.NEWCOMERS}


def test_big_book_is_no_newcomer_flag_in_meeting_guides_list():
    meeting, parsed = one([mg_record(types=["B", "O"])])
    assert meeting.attributes == {Attribute.OPEN}
    assert not parsed.degraded  # a known code, quietly not used


def test_codes_are_read_against_each_fellowships_own_list():
    aca, _ = one([mg_record(types=["T", "Y"])], organisation="aca")
    assert aca.attributes == frozenset()  # not transgender, not young people
    alateen, _ = one([mg_record(types=["Y", "C"])], organisation="al-anon")
    assert alateen.attributes == {Attribute.YOUTH}  # Y is Alateen; C is families only
    aa, _ = one([mg_record(types=["T", "Y"])])
    assert aa.attributes == {Attribute.LGBTQ, Attribute.YOUTH}


def test_an_unknown_code_is_kept_in_the_report_and_ignored():
    meeting, parsed = one([mg_record(types=["O", "ZZZ"])])
    assert meeting.attributes == {Attribute.OPEN}
    assert [d.reason for d in parsed.degraded] == [
        "type codes not in the fellowship's list, ignored: ZZZ"
    ]


def test_a_boolean_approximate_address_is_no_venue():
    record = mg_record(approximate=True, conference_url="https://meet.google.com/abc-defg-hij")
    meeting, _ = one([record])
    assert meeting.venue is None and meeting.attendance is Attendance.ONLINE


def test_a_groups_own_website_is_not_a_way_to_join():
    record = mg_record(conference_url="https://www.aa-utrecht.nl/")
    meeting, parsed = one([record])
    assert meeting.online is None and meeting.attendance is Attendance.IN_PERSON
    assert "not a known video-meeting provider" in parsed.degraded[0].reason


def test_bmlt_formats_map_through_the_servers_world_id():
    document = {
        "meetings": [bmlt_record(formats="Op,Vr,Bg,Eng")],
        "formats": [
            {
                "key_string": "Op",
                "name_string": "Open",
                "lang": "nl",
                "id": "1",
                "world_id": "OPEN",
            },
            {
                "key_string": "Vr",
                "name_string": "Vrouwen",
                "lang": "nl",
                "id": "2",
                "world_id": "W",
            },
            {
                "key_string": "Bg",
                "name_string": "Beginners",
                "lang": "nl",
                "id": "3",
                "world_id": "BEG",
            },
            {
                "key_string": "Eng",
                "name_string": "Engels",
                "lang": "nl",
                "id": "4",
                "world_id": "LANG",
            },
        ],
    }
    meeting, _ = one(document, fmt="bmlt", organisation="na")
    assert meeting.attributes == {Attribute.OPEN, Attribute.WOMEN, Attribute.NEWCOMERS}
    assert meeting.languages == ("nl", "en")


# --------------------------------------------------------------------------- degraded, not dropped


def test_no_postal_code_is_still_a_meeting():
    record = mg_record()
    del record["postal_code"]
    meeting, _ = one([record])
    assert meeting.venue.postcode == "" and meeting.venue.city == "Utrecht"


def test_both_open_and_closed_is_shown_as_neither_and_reported():
    meeting, parsed = one([mg_record(types=["O", "C", "W"])])
    assert meeting.attributes == {Attribute.WOMEN}
    assert parsed.degraded[0].reason == "marked both open and closed: shown as neither"


def test_an_end_time_equal_to_the_start_is_end_not_given():
    meeting, parsed = one([mg_record(end_time="19:30")])
    assert meeting.end is None
    assert "shown as end not given" in parsed.degraded[0].reason


def test_duplicate_slugs_keep_both_meetings():
    parsed = read([mg_record(name="A"), mg_record(name="B", day=4)])
    assert [m.id for m in parsed.meetings] == ["feed-test", "feed-test-2"]
    assert parsed.degraded[0].reason == "id 'feed-test' used twice: this one is 'feed-test-2'"


# --------------------------------------------------------------------------- fields read


def test_coordinates_are_read_from_lat_lon_text():
    record = mg_record(coordinates="52.3702,4.8952")
    del record["latitude"], record["longitude"]
    meeting, parsed = one([record])
    assert (meeting.venue.lat, meeting.venue.lon) == (52.3702, 4.8952)
    assert not parsed.degraded  # not placed by postcode


def test_attendance_option_decides_online_hybrid_and_in_person():
    link = "https://teams.microsoft.com/l/meetup-join/abc"
    online, _ = one([mg_record(attendance_option="online", conference_url=link)])
    hybrid, _ = one([mg_record(attendance_option="hybrid", conference_url=link)])
    in_person, _ = one([mg_record(attendance_option="in_person", conference_url=link)])
    assert online.attendance is Attendance.ONLINE and online.venue is None
    assert hybrid.attendance is Attendance.HYBRID
    assert in_person.attendance is Attendance.IN_PERSON and in_person.online is None
    assert read([mg_record(attendance_option="inactive")]).meetings == ()


def test_the_official_listing_feedback_and_the_groups_own_words_are_kept():
    record = mg_record(
        url="https://aa-nederland.nl/meetings/test/",
        feedback_url="https://aa-nederland.nl/feedback/",
        feedback_emails=["secretaris@aa-test.nl"],
        location_notes="Ingang aan de achterkant.",
        group_notes="We beginnen met koffie.",
        notes="Elke eerste dinsdag een spreker.",
    )
    meeting, _ = one([record])
    assert meeting.url == "https://aa-nederland.nl/meetings/test/"
    assert meeting.feedback == ("https://aa-nederland.nl/feedback/", "mailto:secretaris@aa-test.nl")
    assert meeting.location_notes == "Ingang aan de achterkant."
    assert meeting.group_notes == "Elke eerste dinsdag een spreker.\nWe beginnen met koffie."


def test_a_known_end_time_stays():
    meeting, _ = one([mg_record(end_time="21:00")])
    assert meeting.end == time(21, 0)


# --------------------------------------------------------------------------- read by the models


def skip_reason(records: Any, **options: Any) -> str:
    parsed = read(records, **options)
    assert parsed.meetings == () and len(parsed.skipped) == 1, parsed
    return parsed.skipped[0].reason


def test_what_the_spec_and_its_peers_write_loosely_is_read():
    """12 Step Meeting List writes days as text, sheets write types as one text, BMLT all text."""
    meeting, _ = one(
        [
            mg_record(
                day=["1", 4],
                types="O, W",
                approximate="no",
                postal_code=3511,
                region="Binnenstad",
                entity="Intergroep Utrecht",
            )
        ]
    )
    assert meeting.rrule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert meeting.attributes == {Attribute.OPEN, Attribute.WOMEN}
    assert meeting.venue is not None
    bmlt, _ = one(
        [bmlt_record(service_body_bigint="12", latitude="0", longitude="0")],
        fmt="bmlt",
        organisation="na",
    )
    assert bmlt.venue.city == "Utrecht"  # "0" coordinates: placed by its postcode


def test_a_name_that_is_a_list_is_refused_not_shown_as_brackets():
    assert skip_reason([mg_record(name=["Dinsdaggroep"])]) == (
        "field 'name': ['Dinsdaggroep'] is not a text (expected a text)"
    )


def test_an_approximate_flag_that_is_neither_yes_nor_no_is_refused_not_read_as_a_venue():
    assert skip_reason([mg_record(approximate="misschien")]) == (
        "field 'approximate': 'misschien' is neither yes nor no "
        '(expected true or false, or "yes" or "no")'
    )


def test_a_type_list_holding_a_block_is_refused_not_read_as_an_unknown_code():
    assert skip_reason([mg_record(types=["O", {"code": "W"}])]).startswith(
        "field 'types': ['O', {'code': 'W'}] is not a list of codes"
    )


def test_every_wrong_field_of_a_record_is_named_at_once():
    assert skip_reason([mg_record(day=7, time="25:00", latitude="noord")]) == (
        "field 'day': 7 is not a day (expected 0-6 (0 = Sunday), or a list of them); "
        "field 'time': '25:00' is not a time of day (expected HH:MM); "
        "field 'latitude': 'noord' is not a number (expected a latitude in degrees, -90..90)"
    )


def test_a_bmlt_language_that_is_no_code_is_refused_not_read_as_dutch():
    reason = skip_reason([bmlt_record(lang_enum="english")], fmt="bmlt", organisation="na")
    assert reason == (
        "field 'lang_enum': 'english' is not a language code "
        "(expected a two-letter language code such as nl or en)"
    )


def test_a_fellow_finder_field_is_named_as_the_copy_names_it():
    record = {
        "id": "NA:test",
        "program": "NA",
        "name": "NA Test",
        "day": 2,
        "time": "19:30",
        "endTime": "half negen",
        "address": "Oudegracht 1",
        "city": "Utrecht",
        "lat": 52.0907,
        "lng": 5.1214,
        "types": [],
    }
    document = {"generated": "2026-07-18T05:34:48Z", "meetings": [record]}
    assert skip_reason(document, fmt="fellow-finder") == (
        "field 'endTime': 'half negen' is not a time of day (expected HH:MM)"
    )


def test_html_character_references_are_read_as_the_characters():
    """12 Step Meeting List sites (WordPress) and the fellow-finder copy write '&amp;'."""
    meeting, _ = one(
        [mg_record(name="Step Study &amp; Topics", location_notes="Zij&#8209;ingang &gt; trap")]
    )
    assert meeting.name == "Step Study & Topics"
    assert meeting.location_notes == "Zij\u2011ingang > trap"
