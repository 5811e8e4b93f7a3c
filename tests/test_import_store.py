"""Re-importing: same feed → same file; changes updated, vanished meetings retired, not deleted."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from catalogue.errors import FeedImportError
from catalogue.importers import import_feed
from catalogue.kinds import Problem, Seeker
from catalogue.loading import load_catalogue
from catalogue.places import PlaceIndex
from catalogue.recurrence import next_meeting_at
from catalogue.search import Filters, Query, SearchIndex

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
TODAY = date(2026, 11, 23)
NEXT_WEEK = TODAY + timedelta(days=7)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SUNDAY_ID = "aa-utrecht-zondag-sereniteit"
MORNING_ID = "aa-utrecht-ochtendgroep-jordaan"


@pytest.fixture
def feed(tmp_path):
    """A Meeting Guide feed the test may edit, like an intergroup editing its site."""
    path = tmp_path / "aa-utrecht.json"
    path.write_text((FEEDS / "meeting-guide.json").read_text(encoding="utf-8"))
    return path


def edit(path: Path, change) -> None:
    records = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(change(records)), encoding="utf-8")


def target(data_dir: Path) -> Path:
    return data_dir / "imports" / "meeting-guide-aa-utrecht.yaml"


def meetings_section(data_dir: Path) -> list[dict]:
    return yaml.safe_load(target(data_dir).read_text(encoding="utf-8"))["meetings"]


def test_importing_the_same_feed_twice_writes_the_same_file(feed, tmp_path):
    data_dir = tmp_path / "data"
    first = import_feed("meeting-guide", feed, data_dir, today=TODAY)
    written = target(data_dir).read_bytes()
    second = import_feed("meeting-guide", feed, data_dir, today=TODAY)
    assert target(data_dir).read_bytes() == written
    assert second.added == () and second.updated == () and second.retired == ()
    assert sorted(second.unchanged) == sorted(first.added)
    assert len(second.unchanged) == 5


def test_re_import_a_week_later_leaves_every_meeting_as_it_was(feed, tmp_path):
    data_dir = tmp_path / "data"
    import_feed("meeting-guide", feed, data_dir, today=TODAY)
    before = meetings_section(data_dir)
    report = import_feed("meeting-guide", feed, data_dir, today=NEXT_WEEK)
    assert meetings_section(data_dir) == before  # first_on, source and import date kept
    assert len(report.unchanged) == 5


def test_changed_meeting_is_updated_and_vanished_one_retired(feed, tmp_path):
    data_dir = tmp_path / "data"
    import_feed("meeting-guide", feed, data_dir, today=TODAY)

    def change(records):
        for record in records:
            if record.get("slug") == "zondag-sereniteit":
                record["time"], record["end_time"] = "20:00", "21:30"
        return [r for r in records if r.get("slug") != "ochtendgroep-jordaan"]

    edit(feed, change)
    report = import_feed("meeting-guide", feed, data_dir, today=NEXT_WEEK)
    assert report.summary() == (
        "added 0, updated 1, unchanged 3, retired 1, restored 0, skipped 6, degraded 0"
    )
    assert (report.updated, report.retired) == ((SUNDAY_ID,), (MORNING_ID,))

    catalogue = load_catalogue(data_dir, today=NEXT_WEEK)
    sunday = catalogue.meetings[SUNDAY_ID]
    assert (sunday.start, sunday.end) == (time(20, 0), time(21, 30))
    assert sunday.source.imported_on == NEXT_WEEK
    assert sunday.first_on == date(2026, 11, 29)  # same schedule: the anchor stays
    morning = catalogue.meetings[MORNING_ID]  # kept, not deleted
    assert morning.retired_on == NEXT_WEEK
    assert morning.source.imported_on == TODAY
    assert next_meeting_at(morning, datetime(2026, 12, 1, tzinfo=AMSTERDAM)) is None


def test_retired_meeting_keeps_its_date_and_comes_back_when_the_feed_lists_it(feed, tmp_path):
    data_dir = tmp_path / "data"
    original = json.loads(feed.read_text(encoding="utf-8"))
    import_feed("meeting-guide", feed, data_dir, today=TODAY)
    edit(feed, lambda rs: [r for r in rs if r.get("slug") != "ochtendgroep-jordaan"])
    import_feed("meeting-guide", feed, data_dir, today=TODAY + timedelta(days=1))
    again = import_feed("meeting-guide", feed, data_dir, today=TODAY + timedelta(days=2))
    assert again.retired == ()
    retired = load_catalogue(data_dir, today=NEXT_WEEK).meetings[MORNING_ID]
    assert retired.retired_on == TODAY + timedelta(days=1)  # the first day it was missing

    feed.write_text(json.dumps(original), encoding="utf-8")
    back = import_feed("meeting-guide", feed, data_dir, today=NEXT_WEEK)
    assert back.restored == (MORNING_ID,)
    restored = load_catalogue(data_dir, today=NEXT_WEEK).meetings[MORNING_ID]
    assert restored.retired_on is None
    after = datetime(2026, 12, 1, tzinfo=AMSTERDAM)
    assert next_meeting_at(restored, after) == datetime(2026, 12, 3, 7, 30, tzinfo=AMSTERDAM)


def test_a_feed_that_yields_nothing_never_retires_everything(feed, tmp_path):
    data_dir = tmp_path / "data"
    import_feed("meeting-guide", feed, data_dir, today=TODAY)
    written = target(data_dir).read_bytes()
    feed.write_text("[]", encoding="utf-8")
    with pytest.raises(FeedImportError, match="refusing to retire all 5 meetings"):
        import_feed("meeting-guide", feed, data_dir, today=NEXT_WEEK)
    assert target(data_dir).read_bytes() == written


def test_dry_run_reports_but_writes_nothing(feed, tmp_path):
    report = import_feed("meeting-guide", feed, tmp_path, today=TODAY, dry_run=True)
    assert len(report.added) == 5 and not report.written
    assert not target(tmp_path).exists()


def test_only_the_yaml_file_is_left_in_the_imports_directory(feed, tmp_path):
    import_feed("meeting-guide", feed, tmp_path, today=TODAY)
    import_feed("meeting-guide", feed, tmp_path, today=NEXT_WEEK)
    assert sorted(p.name for p in (tmp_path / "imports").iterdir()) == [target(tmp_path).name]


def test_an_id_taken_by_another_file_is_skipped_not_duplicated(feed, tmp_path):
    import_feed("meeting-guide", feed, tmp_path, today=TODAY)
    # The same feed under a second name but the same id prefix would clash: use the CSV
    # importer to write a meeting whose id collides with one already imported.
    sheet = tmp_path / "aa-utrecht.csv"
    sheet.write_text(
        "id,organisation,name,day,start,address,postcode,city,lat,lon\n"
        "zondag-sereniteit,aa,Dubbel,zo,19:30,Oudegracht 1,3511 AB,Utrecht,52.09,5.12\n"
    )
    report = import_feed("csv", sheet, tmp_path, today=TODAY)
    assert [s.reason for s in report.skipped] == [
        f"id '{SUNDAY_ID}' is already used by another data file"
    ]
    load_catalogue(tmp_path, today=TODAY)  # still loads


def test_imported_meetings_are_found_by_search_and_retired_ones_are_not(feed, tmp_path):
    places = PlaceIndex.bundled()
    utrecht = places.lookup("Utrecht").place
    query = Query(Seeker.SELF, Problem.ALCOHOL, origin=utrecht, filters=Filters(weekday=6))
    now = datetime(2026, 11, 24, 12, tzinfo=AMSTERDAM)

    import_feed("meeting-guide", feed, tmp_path, today=TODAY)
    found = SearchIndex(load_catalogue(tmp_path, today=TODAY)).find(query, now, limit=50)
    match = next(m for m in found.matches if m.meeting.id == SUNDAY_ID)
    assert match.next_at == datetime(2026, 11, 29, 19, 30, tzinfo=AMSTERDAM)
    assert match.distance_km is not None and match.distance_km < 2

    edit(feed, lambda rs: [r for r in rs if r.get("slug") != "zondag-sereniteit"])
    import_feed("meeting-guide", feed, tmp_path, today=TODAY)
    found = SearchIndex(load_catalogue(tmp_path, today=TODAY)).find(query, now, limit=50)
    assert SUNDAY_ID not in {m.meeting.id for m in (*found.matches, *found.online)}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "catalogue", "import", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
    )


def test_command_line_import_prints_counts_and_skips(tmp_path):
    feed = FEEDS / "bmlt.json"
    done = run_cli(
        "--format",
        "bmlt",
        str(feed),
        "--data-dir",
        str(tmp_path),
        "--today",
        "2026-11-23",
        "--source-name",
        "NA Holland",
        "--source-url",
        "https://na.example.org/main_server",
    )
    assert done.returncode == 0, done.stderr
    assert "bmlt.json: record 6 (id_bigint 106): not published" in done.stdout
    assert "degraded: bmlt.json: record 8 (id_bigint 108): no coordinates" in done.stdout
    assert done.stdout.strip().endswith(
        "added 6, updated 0, unchanged 0, retired 0, restored 0, skipped 3, degraded 2"
    )
    assert (tmp_path / "imports" / "bmlt-na-holland.yaml").exists()
    meeting = load_catalogue(tmp_path, today=TODAY).meetings["na-holland-101"]
    assert meeting.source.url == "https://na.example.org/main_server"


def test_command_line_import_of_a_missing_file_fails_with_exit_1(tmp_path):
    done = run_cli("--format", "csv", str(tmp_path / "nope.csv"), "--data-dir", str(tmp_path))
    assert done.returncode == 1
    assert "import failed" in done.stderr and "nope.csv" in done.stderr


def test_the_import_file_is_json_that_reads_as_the_same_yaml(feed, tmp_path):
    """JSON loads fifty times faster than YAML; it is YAML too, so the file stays a data file."""
    import_feed("meeting-guide", feed, tmp_path, today=TODAY)
    text = target(tmp_path).read_text(encoding="utf-8")
    assert json.loads(text) == yaml.safe_load(text)
    assert len(json.loads(text)["meetings"]) == 5


def test_an_import_file_an_earlier_version_wrote_in_yaml_is_merged_as_it_was(feed, tmp_path):
    import_feed("meeting-guide", feed, tmp_path, today=TODAY)
    as_yaml = yaml.safe_dump(json.loads(target(tmp_path).read_text(encoding="utf-8")))
    as_yaml = re.sub(r"'(\d{4}-\d{2}-\d{2})'", r"\1", as_yaml)  # YAML dates, unquoted
    target(tmp_path).write_text(as_yaml, encoding="utf-8")
    report = import_feed("meeting-guide", feed, tmp_path, today=NEXT_WEEK)
    assert (report.added, report.updated, report.retired) == ((), (), ())
    assert len(report.unchanged) == 5
    assert load_catalogue(tmp_path, today=NEXT_WEEK).meetings[SUNDAY_ID].source.imported_on == (
        TODAY
    )
