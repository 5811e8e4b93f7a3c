"""The CSV template a clinic fills in: documented columns in, loaded meetings out."""

from __future__ import annotations

import csv
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from catalogue.errors import FeedImportError
from catalogue.importers import import_feed
from catalogue.importers.csv_sheet import COLUMNS, EXAMPLE_PREFIX
from catalogue.kinds import Attribute, Country
from catalogue.loading import BUNDLED_DATA_DIR, load_catalogue
from catalogue.models import LocalText, Online
from catalogue.recurrence import next_meeting_at

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
TEMPLATE = BUNDLED_DATA_DIR / "import-template.csv"
TODAY = date(2026, 11, 23)  # a Monday


def test_template_header_is_exactly_the_documented_columns():
    with TEMPLATE.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == COLUMNS


def test_template_as_shipped_imports_nothing_and_says_its_rows_are_examples(tmp_path):
    report = import_feed("csv", TEMPLATE, tmp_path, today=TODAY)
    assert report.added == () and report.skipped == ()
    assert any("3 example rows from the template skipped" in n for n in report.notes)
    assert not report.written and not (tmp_path / "imports").exists()


@pytest.fixture(scope="module")
def filled_template(tmp_path_factory):
    """The template's example rows, filled in for real (the prefix removed)."""
    folder = tmp_path_factory.mktemp("sheet")
    sheet = folder / "kliniek.csv"
    sheet.write_text(TEMPLATE.read_text(encoding="utf-8").replace(EXAMPLE_PREFIX, ""))
    data_dir = folder / "data"
    report = import_feed("csv", sheet, data_dir, today=TODAY)
    return report, load_catalogue(data_dir, today=TODAY)


def test_template_round_trip_weekly_meeting(filled_template):
    report, catalogue = filled_template
    assert report.summary() == (
        "added 3, updated 0, unchanged 0, retired 0, restored 0, skipped 0, degraded 1"
    )
    m = catalogue.meetings["kliniek-utrecht-dinsdag"]
    assert (m.organisation_id, m.name) == ("aa", "AA Utrecht Centrum")
    assert (m.rrule, m.first_on) == ("FREQ=WEEKLY;BYDAY=TU", date(2026, 11, 24))
    assert (m.start, m.end) == (time(19, 30), time(21, 0))
    assert (m.venue.address, m.venue.postcode, m.venue.city) == (
        "Oudegracht 1",
        "3511 AB",
        "Utrecht",
    )
    assert (m.venue.lat, m.venue.lon) == (52.0907, 5.1214)
    assert m.attributes == {Attribute.OPEN, Attribute.WHEELCHAIR}
    assert m.notes == LocalText("Bel aan bij de zijdeur.", "Ring at the side door.")
    assert m.source.verified_on == date(2026, 11, 1) and m.source.imported_on == TODAY
    assert m.source.sample is False


def test_template_round_trip_fortnightly_belgian_meeting(filled_template):
    m = filled_template[1].meetings["kliniek-gent-tweewekelijks"]
    assert m.organisation_id == "aa-vlaanderen"
    assert (m.rrule, m.first_on) == ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", date(2026, 12, 3))
    assert m.timezone == "Europe/Brussels"
    assert (m.venue.postcode, m.venue.country) == ("9000", Country.BE)
    brussels = ZoneInfo("Europe/Brussels")
    after_first = datetime(2026, 12, 4, tzinfo=brussels)
    assert next_meeting_at(m, after_first) == datetime(2026, 12, 17, 20, 0, tzinfo=brussels)


def test_template_round_trip_monthly_online_meeting(filled_template):
    m = filled_template[1].meetings["kliniek-online-maandelijks"]
    assert m.rrule == "FREQ=MONTHLY;BYDAY=2WE,4WE"
    assert m.first_on == date(2026, 11, 25)  # the 4th Wednesday of November 2026
    assert m.venue is None
    assert m.online == Online(url="https://meet.jit.si/al-anon", phone="+31 20 123 4567")
    assert m.languages == ("en",) and m.attributes == {Attribute.OPEN}


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    report = import_feed("csv", FEEDS / "sheet.csv", data_dir, today=TODAY)
    return report, load_catalogue(data_dir, today=TODAY)


def test_semicolon_sheet_with_dutch_words_and_decimal_commas(sheet):
    m = sheet[1].meetings["sheet-utrecht-ma-do"]
    assert m.rrule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert (m.venue.lat, m.venue.lon) == (52.093, 5.133)
    assert m.attributes == {Attribute.OPEN, Attribute.WHEELCHAIR}


def test_monthly_weeks_include_the_last_one(sheet):
    m = sheet[1].meetings["sheet-breda-maandelijks"]
    assert m.rrule == "FREQ=MONTHLY;BYDAY=2SA,-1SA"
    assert m.first_on == date(2026, 11, 28)  # the last Saturday of November
    assert m.organisation_id == "na" and m.end is None


def test_rows_without_coordinates_are_placed_at_their_postcode(sheet):
    report, catalogue = sheet
    zwolle = catalogue.meetings["sheet-zwolle-tweewekelijks"]
    assert zwolle.venue.country is Country.NL  # the default country
    assert 52.45 < zwolle.venue.lat < 52.6
    assert any(
        "zwolle-tweewekelijks" in d.record and "postcode area Zwolle" in d.reason
        for d in report.degraded
    )


def test_bad_rows_are_skipped_naming_the_line_and_the_column(sheet):
    report, _ = sheet
    lines = [str(s) for s in report.skipped]
    assert lines[0] == (
        "sheet.csv: line 6 'onbekend-attribuut': column 'attributes': 'vegetarisch' is not "
        "an attribute (expected any of open closed women men youth lgbtq wheelchair newcomers "
        "dual_diagnosis restricted open_day)"
    )
    assert lines[1] == (
        "sheet.csv: line 7 'tweewekelijks-zonder-datum': column 'first_date' is needed for "
        "a fortnightly meeting"
    )
    assert lines[2].startswith(
        "sheet.csv: meeting 'sheet-onbekende-organisatie': organisation 'xyz' is not in "
        "organisations.yaml"
    )
    assert len(lines) == 3 and len(report.added) == 4


def test_sheet_without_the_required_columns_is_refused(tmp_path):
    sheet = tmp_path / "wrong.csv"
    sheet.write_text("naam,dag\nAA,ma\n")
    with pytest.raises(FeedImportError, match="missing columns id, organisation, name, day"):
        import_feed("csv", sheet, tmp_path, today=TODAY)


def test_excel_byte_order_mark_is_ignored(tmp_path):
    sheet = tmp_path / "excel.csv"
    rows = TEMPLATE.read_text(encoding="utf-8").replace(EXAMPLE_PREFIX, "")
    sheet.write_bytes(b"\xef\xbb\xbf" + rows.encode("utf-8"))
    assert len(import_feed("csv", sheet, tmp_path, today=TODAY).added) == 3
