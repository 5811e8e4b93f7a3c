"""Broken data files: each error names the file, the record and the field, and nothing loads."""

from __future__ import annotations

import shutil
import textwrap
from datetime import date
from pathlib import Path

import pytest

from catalogue.errors import DataFileError, DataFilesError
from catalogue.loading import (
    BUNDLED_DATA_DIR,
    bundled_files,
    load_catalogue,
    load_files,
    meeting_from_record,
)
from catalogue.models import Source

TODAY = date(2026, 11, 23)

GOOD_MEETING = (
    "  - id: aa-test-dinsdag\n"
    "    organisation: aa\n"
    '    name: "AA Test"\n'
    '    schedule: "FREQ=WEEKLY;BYDAY=TU"\n'
    "    first_on: 2026-01-06\n"
    '    start: "19:30"\n'
    '    end: "21:00"\n'
    '    venue: {address: "Oudegracht 1", postcode: "3511 AB", city: Utrecht, country: NL, '
    "lat: 52.09, lon: 5.12}\n"
    "    attributes: [open]\n"
    "    languages: [nl]\n"
)

SOURCE = """\
source:
  name: "Test feed"
  url: null
  verified_on: 2026-11-01
  sample: false
"""


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def meetings_file(tmp_path: Path, *records: str, source: str = SOURCE) -> Path:
    return write(tmp_path / "extra.yaml", source + "meetings:\n" + "".join(records))


def errors_of(*extra: Path, replace: dict[str, Path] | None = None) -> list[DataFileError]:
    """Load the bundled files (some replaced) plus `extra`; return the errors it raised."""
    files = [(replace or {}).get(p.name, p) for p in bundled_files()]
    with pytest.raises(DataFilesError) as raised:
        load_files([*files, *extra], today=TODAY)
    return raised.value.errors


def only_error(*extra: Path, replace: dict[str, Path] | None = None) -> DataFileError:
    errors = errors_of(*extra, replace=replace)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_the_good_meeting_used_below_loads(tmp_path: Path) -> None:
    catalogue = load_files([*bundled_files(), meetings_file(tmp_path, GOOD_MEETING)], today=TODAY)
    assert catalogue.meetings["aa-test-dinsdag"].source.name == "Test feed"


def test_a_time_of_day_that_does_not_exist(tmp_path: Path) -> None:
    path = meetings_file(tmp_path, GOOD_MEETING.replace('start: "19:30"', 'start: "25:00"'))
    error = only_error(path)
    assert (error.file, error.record, error.field) == (
        str(path),
        "meeting 'aa-test-dinsdag'",
        "start",
    )
    assert str(error) == (
        f"{path}: meeting 'aa-test-dinsdag': field 'start': '25:00' is not a time of day "
        '(expected HH:MM, in quotes, e.g. "19:30")'
    )


def test_an_unquoted_time_is_still_read_as_a_time(tmp_path: Path) -> None:
    path = meetings_file(tmp_path, GOOD_MEETING.replace('start: "19:30"', "start: 19:30"))
    catalogue = load_files([*bundled_files(), path], today=TODAY)
    assert catalogue.meetings["aa-test-dinsdag"].start.strftime("%H:%M") == "19:30"


def test_an_unknown_organisation(tmp_path: Path) -> None:
    path = meetings_file(tmp_path, GOOD_MEETING.replace("organisation: aa", "organisation: aaa"))
    error = only_error(path)
    assert (error.record, error.field) == ("meeting 'aa-test-dinsdag'", "organisation")
    assert error.problem.startswith("'aaa' is not an organisation in organisations.yaml")


def test_a_schedule_that_is_no_rrule(tmp_path: Path) -> None:
    bad = GOOD_MEETING.replace("BYDAY=TU", "BYDAY=XX")
    error = only_error(meetings_file(tmp_path, bad))
    assert (error.record, error.field) == ("meeting 'aa-test-dinsdag'", "schedule")
    assert "is not a valid RRULE" in error.problem and "expected e.g. FREQ=WEEKLY" in error.problem


@pytest.mark.parametrize(
    ("schedule", "says"),
    [
        ("FREQ=HOURLY", "repeats HOURLY"),
        ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270101", "contains UNTIL (use 'ends_on'"),
        ("DTSTART:20260106T193000\\nRRULE:FREQ=WEEKLY", "contains DTSTART (the anchor date goes"),
        ("RRULE:FREQ=WEEKLY", "starts with RRULE:"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never takes place"),
    ],
)
def test_schedules_the_bot_cannot_use(tmp_path: Path, schedule: str, says: str) -> None:
    bad = GOOD_MEETING.replace('"FREQ=WEEKLY;BYDAY=TU"', f'"{schedule}"')
    error = only_error(meetings_file(tmp_path, bad))
    assert error.field == "schedule"
    assert says in error.problem


def test_an_anchor_date_that_is_not_a_meeting_day(tmp_path: Path) -> None:
    bad = GOOD_MEETING.replace("first_on: 2026-01-06", "first_on: 2026-01-07")
    error = only_error(meetings_file(tmp_path, bad))
    assert (error.record, error.field) == ("meeting 'aa-test-dinsdag'", "first_on")
    assert error.problem.startswith("2026-01-07 (Wednesday) is not a date of FREQ=WEEKLY;BYDAY=TU")
    assert "e.g. 2026-01-13" in error.problem


def test_an_unknown_field_is_a_typo_not_silence(tmp_path: Path) -> None:
    bad = GOOD_MEETING.replace('    end: "21:00"\n', '    ned: "21:00"\n')
    error = only_error(meetings_file(tmp_path, bad))
    assert (error.record, error.field) == ("meeting 'aa-test-dinsdag'", "ned")
    assert error.problem == "unknown field (did you mean 'end'?)"


def test_an_unknown_field_inside_the_venue(tmp_path: Path) -> None:
    bad = GOOD_MEETING.replace("city: Utrecht", "city: Utrecht, town: Utrecht")
    error = only_error(meetings_file(tmp_path, bad))
    assert (error.record, error.field) == ("meeting 'aa-test-dinsdag'", "venue.town")


def test_the_same_id_in_two_files(tmp_path: Path) -> None:
    path = meetings_file(tmp_path, GOOD_MEETING.replace("aa-test-dinsdag", "aa-utrecht-dinsdag"))
    error = only_error(path)
    assert (error.file, error.record, error.field) == (
        str(path),
        "meeting 'aa-utrecht-dinsdag'",
        "id",
    )
    assert error.problem == (
        "'aa-utrecht-dinsdag' is already used in meetings.yaml "
        "(expected an id unique across all files)"
    )


def test_yaml_that_does_not_parse_names_the_line(tmp_path: Path) -> None:
    path = meetings_file(tmp_path, GOOD_MEETING.replace("attributes: [open]", "attributes: [open"))
    error = only_error(path)
    assert error.file == str(path)
    assert error.record == "line 16"  # where the parser noticed; the message names line 15 too
    assert error.problem.startswith("is not valid YAML")
    assert "expected ',' or ']'" in error.problem  # libyaml says "did not find expected"
    assert error.problem.endswith("(while parsing a flow sequence that starts on line 15)")


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = meetings_file(tmp_path, GOOD_MEETING + '    start: "20:00"\n')
    error = only_error(path)
    assert error.record == "line 17" and "key 'start' appears twice" in error.problem


def test_a_meeting_without_any_source(tmp_path: Path) -> None:
    error = only_error(meetings_file(tmp_path, GOOD_MEETING, source=""))
    assert (error.record, error.field) == ("meeting 'aa-test-dinsdag'", "source")
    assert error.problem.startswith("missing (expected a source with name and verified_on")


def test_only_a_helpline_may_cite_a_source_nobody_checked(tmp_path: Path) -> None:
    source = SOURCE.replace("  verified_on: 2026-11-01\n", '  dated: "2021-11"\n')
    error = only_error(meetings_file(tmp_path, GOOD_MEETING, source=source))
    assert (error.record, error.field) == ("meeting 'aa-test-dinsdag'", "source")
    assert "has no verified_on" in error.problem
    helplines = copy_of("helplines.yaml", tmp_path, '    dated: "2021-11"', '    dated: "November"')
    error = errors_of(replace={"helplines.yaml": helplines})[0]
    assert (error.record, error.field) == ("source 'hbvl-2021'", "source.dated")
    assert error.problem.startswith("'November' is not a date of a source")


def test_a_source_with_a_bad_sample_flag_and_a_future_date(tmp_path: Path) -> None:
    source = SOURCE.replace("sample: false", 'sample: "yes"').replace("2026-11-01", "2027-01-01")
    errors = errors_of(meetings_file(tmp_path, GOOD_MEETING, source=source))
    assert [(e.record, e.field) for e in errors] == [
        ("file source", "source.sample"),
        ("file source", "source.verified_on"),
    ]
    assert errors[0].problem == "'yes' is not true or false (expected true or false)"
    assert errors[1].problem == "2027-01-01 is in the future (expected a past date)"


@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        ("lat: 52.09, lon: 5.12", "lat: 5.12, lon: 52.09", "venue.lat", "is not in NL"),
        ('postcode: "3511 AB"', 'postcode: "35111"', "venue.postcode", "is not a postcode in NL"),
        ("country: NL", "country: DE", "venue.country", "is not a known country"),
        ("languages: [nl]", "languages: [dutch]", "languages", "is not a language code"),
        ("attributes: [open]", "attributes: [open, closed]", "attributes", "both open and closed"),
        ("attributes: [open]", "attributes: [opne]", "attributes", "'opne' is not a known"),
        ("    end:", "    timezone: Europe/Utrecht\n    end:", "timezone", "not a known time zone"),
        ("first_on: 2026-01-06", "first_on: 6-1-2026", "first_on", "is not a date"),
    ],
)
def test_wrong_values_name_their_field(
    tmp_path: Path, old: str, new: str, field: str, says: str
) -> None:
    assert old in GOOD_MEETING
    error = only_error(meetings_file(tmp_path, GOOD_MEETING.replace(old, new)))
    assert (error.record, error.field) == ("meeting 'aa-test-dinsdag'", field)
    assert says in error.problem and "(expected" in error.problem


def test_a_meeting_with_neither_venue_nor_online(tmp_path: Path) -> None:
    venue_line = next(line for line in GOOD_MEETING.splitlines() if "venue:" in line)
    error = only_error(meetings_file(tmp_path, GOOD_MEETING.replace(venue_line + "\n", "")))
    assert (error.record, error.field) == ("meeting 'aa-test-dinsdag'", None)
    assert error.problem.startswith("has neither venue nor online")


def test_a_flemish_group_placed_in_the_netherlands_is_refused(tmp_path: Path) -> None:
    bad = GOOD_MEETING.replace("organisation: aa", "organisation: aa-vlaanderen")
    error = only_error(meetings_file(tmp_path, bad))
    assert error.field == "venue.country"
    assert error.problem.startswith("NL is not a country of organisation 'aa-vlaanderen'")


def test_every_error_is_reported_at_once_and_nothing_loads(tmp_path: Path) -> None:
    broken = GOOD_MEETING.replace('start: "19:30"', 'start: "7pm"')
    second = GOOD_MEETING.replace("aa-test-dinsdag", "aa-test-2").replace(
        "organisation: aa", "organisation: nope"
    )
    good = GOOD_MEETING.replace("aa-test-dinsdag", "aa-test-good")
    errors = errors_of(meetings_file(tmp_path, broken, good, second))
    assert [(e.record, e.field) for e in errors] == [
        ("meeting 'aa-test-dinsdag'", "start"),
        ("meeting 'aa-test-2'", "organisation"),
    ]


def test_a_broken_import_stops_the_whole_load(tmp_path: Path) -> None:
    imports = tmp_path / "imports"
    imports.mkdir()
    meetings_file(imports, GOOD_MEETING.replace('start: "19:30"', 'start: "19.30"'))
    with pytest.raises(DataFilesError) as raised:
        load_catalogue(tmp_path, today=TODAY)
    assert [e.field for e in raised.value.errors] == ["start"]


def test_a_record_without_id_is_named_by_its_position(tmp_path: Path) -> None:
    bad = GOOD_MEETING.replace("  - id: aa-test-dinsdag\n    organisation", "  - organisation")
    errors = errors_of(meetings_file(tmp_path, GOOD_MEETING.replace("dinsdag", "x"), bad))
    assert [(e.record, e.field) for e in errors] == [("meeting #2", "id")]
    assert errors[0].problem.startswith("missing (expected an id")


def test_a_file_with_an_unknown_top_level_key(tmp_path: Path) -> None:
    path = write(tmp_path / "extra.yaml", SOURCE + "meeting:\n" + GOOD_MEETING)
    errors = errors_of(path)
    assert [(e.file, e.record, e.field) for e in errors] == [
        (str(path), None, "meeting"),
        (str(path), None, None),
    ]
    assert errors[0].problem == "unknown top-level key (did you mean 'meetings'?)"


def copy_of(name: str, tmp_path: Path, old: str, new: str) -> Path:
    text = (BUNDLED_DATA_DIR / name).read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / name
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_a_fit_row_naming_an_unknown_organisation(tmp_path: Path) -> None:
    fit = copy_of(
        "fit.yaml", tmp_path, "organisations: [alateen, intact]", "organisations: [alatene]"
    )
    error = only_error(replace={"fit.yaml": fit})
    assert (error.file, error.record, error.field) == (str(fit), "fit rule #8", "organisations")
    assert error.problem.startswith("'alatene' is not an organisation in organisations.yaml")


def test_a_fit_row_sending_a_teenager_to_a_group_for_adults(tmp_path: Path) -> None:
    fit = copy_of(
        "fit.yaml", tmp_path, "organisations: [alateen, intact]", "organisations: [al-anon]"
    )
    error = only_error(replace={"fit.yaml": fit})
    assert (error.record, error.field) == ("fit rule #8", "organisations")
    assert error.problem.startswith("'al-anon' is not for relation teen_child")


def test_an_organisation_missing_its_english_text(tmp_path: Path) -> None:
    old = '      en: "You work with the 12 steps, together with others who also want to stop'
    orgs = copy_of("organisations.yaml", tmp_path, old, '      dutch_only: "')
    errors = errors_of(replace={"organisations.yaml": orgs})
    assert [(e.record, e.field) for e in errors][:2] == [
        ("organisation 'aa'", "way_of_working.en"),
        ("organisation 'aa'", "way_of_working.dutch_only"),
    ]
    # its meetings and fit rows are reported too: nothing is silently dropped
    assert {e.field for e in errors[2:]} == {"organisation", "organisations"}


def test_an_organisations_phone_number_needs_the_source_it_comes_from(tmp_path: Path) -> None:
    lsovd = '    website: "https://www.lsovd.nl"\n    phone: null\n'
    unsourced = copy_of(
        "organisations.yaml", tmp_path, lsovd, lsovd.replace("null", '"030-1234567"')
    )
    error = errors_of(replace={"organisations.yaml": unsourced})[0]  # then its fit rows
    assert (error.record, error.field) == ("organisation 'lsovd'", "contact_source")
    assert "never a guessed number" in error.problem
    sourced = lsovd.replace("null", '"030-1234567"') + (
        '    contact_source: {name: "LSOVD, contact page", '
        'url: "https://www.lsovd.nl/contact", as_of: 2026-11-01}\n'
    )
    pageless = copy_of(
        "organisations.yaml",
        tmp_path,
        lsovd,
        sourced.replace('url: "https://www.lsovd.nl/contact", ', ""),
    )
    error = errors_of(replace={"organisations.yaml": pageless})[0]
    assert (error.record, error.field) == ("organisation 'lsovd'", "contact_source.url")
    organisations = copy_of("organisations.yaml", tmp_path, lsovd, sourced)
    files = [organisations if p.name == "organisations.yaml" else p for p in bundled_files()]
    loaded = load_files(files, today=TODAY).organisations["lsovd"]
    assert loaded.phone == "030-1234567"
    assert loaded.contact_source is not None
    assert loaded.contact_source.url == "https://www.lsovd.nl/contact"


def test_a_helpline_number_is_never_empty_for_a_crisis_line(tmp_path: Path) -> None:
    helplines = copy_of("helplines.yaml", tmp_path, 'number: "1813"', 'number: ""')
    error = only_error(replace={"helplines.yaml": helplines})
    assert (error.record, error.field) == ("helpline 'zelfmoordlijn-1813'", "number")


def test_meeting_from_record_reports_every_problem_of_the_record() -> None:
    record = {
        "id": "x",
        "organisation": "aa",
        "name": "X",
        "schedule": "FREQ=WEEKLY",
        "first_on": date(2026, 1, 6),
        "start": "24:00",
        "online": {"url": "zoom"},
        "colour": "red",
    }
    source = Source(name="feed", verified_on=TODAY)
    with pytest.raises(DataFilesError) as raised:
        meeting_from_record(record, "imports/feed.yaml", source)
    assert [str(e) for e in raised.value.errors] == [
        "imports/feed.yaml: meeting 'x': field 'start': '24:00' is not a time of day "
        '(expected HH:MM, in quotes, e.g. "19:30")',
        "imports/feed.yaml: meeting 'x': field 'online.url': 'zoom' is not a web address "
        "(expected a web address starting with https:// or http://)",
        "imports/feed.yaml: meeting 'x': field 'colour': unknown field (expected one of: "
        "ages, attributes, cancelled_on, changed_on, end, ends_on, feedback, first_on, "
        "group_notes, id, languages, location_notes, name, notes, online, organisation, "
        "retired_on, schedule, source, start, timezone, url, venue)",
    ]


def test_a_copy_of_the_bundled_directory_loads_unchanged(tmp_path: Path) -> None:
    for path in bundled_files():
        shutil.copy(path, tmp_path / path.name)
    catalogue = load_files(sorted(tmp_path.glob("*.yaml")), today=TODAY)
    assert len(catalogue.meetings) >= 70
