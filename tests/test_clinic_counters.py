"""Clinic counts: per clinic, per week, per metric, and nothing that could point at a person."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clinics.cli import main
from bot.clinics.counters import count_metric, iso_week
from bot.clinics.hooks import counting_handler, stats_reply
from bot.clinics.stats import WeekCounts, format_table, read_stats, read_stats_file
from bot.config import DATABASE_FILENAME
from bot.secrets import Secrets
from bot.storage import Storage
from bot.turns import TurnScope
from dialogs.effects import CountMetric, Metric

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Monday 23 November 2026 is the first day of ISO week 48.
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=AMSTERDAM)


@pytest.fixture
async def storage(tmp_path: Path):
    opened = await Storage.open(tmp_path / DATABASE_FILENAME, Secrets.from_master_key(bytes(32)))
    yield opened
    await opened.close()


async def count(storage: Storage, clinic: str, metric: Metric, at: datetime, times: int = 1):
    for _ in range(times):
        await count_metric(storage, CountMetric(clinic, metric), at)


def test_iso_week_is_the_local_week_of_the_instant() -> None:
    assert iso_week(MONDAY_NOON) == "2026-W48"
    sunday_late = datetime(2026, 11, 29, 23, 30, tzinfo=AMSTERDAM)  # 22:30 UTC
    assert iso_week(sunday_late) == "2026-W48"
    monday_early = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # 00:30 Monday in Amsterdam
    assert iso_week(monday_early) == "2026-W49"
    assert iso_week(datetime(2027, 1, 1, 12, tzinfo=AMSTERDAM)) == "2026-W53"
    with pytest.raises(ValueError):
        iso_week(datetime(2026, 11, 23, 12))


async def test_count_metric_effect_adds_one_in_the_week_of_now(storage: Storage) -> None:
    handle = counting_handler(storage)
    scope = TurnScope(user_key="k", chat_id=42, language="nl", now=MONDAY_NOON)
    for person in ("k", "k", "k", "l", "m"):  # three people; "k" searched three times
        searched = TurnScope(person, 42, "nl", MONDAY_NOON)
        await handle(CountMetric("voorbeeldkliniek-utrecht", Metric.SEARCHED), searched)
    next_week = TurnScope("k", 42, "nl", MONDAY_NOON + timedelta(days=7))
    await handle(CountMetric("voorbeeldkliniek-utrecht", Metric.SEARCHED), next_week)
    await handle(CountMetric("voorbeeldkliniek-groningen", Metric.STARTED), scope)

    rows = {(r.clinic_id, r.iso_week): dict(r.counts) for r in await read_stats(storage)}
    assert rows == {
        ("voorbeeldkliniek-groningen", "2026-W48"): {Metric.STARTED: 1},
        ("voorbeeldkliniek-utrecht", "2026-W48"): {Metric.SEARCHED: 3},
        ("voorbeeldkliniek-utrecht", "2026-W49"): {Metric.SEARCHED: 1},
    }


async def test_a_failing_counter_never_fails_the_persons_turn(storage: Storage) -> None:
    handle = counting_handler(storage)
    await storage.close()
    await handle(
        CountMetric("voorbeeldkliniek-utrecht", Metric.VIEWED), TurnScope("k", 1, "nl", MONDAY_NOON)
    )


async def test_counters_table_holds_nothing_that_could_identify_a_person(
    storage: Storage, tmp_path: Path
) -> None:
    await count(storage, "voorbeeldkliniek-utrecht", Metric.STARTED, MONDAY_NOON, times=2)
    await storage.close()
    with sqlite3.connect(tmp_path / DATABASE_FILENAME) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(counters)")]
        assert columns == ["clinic_id", "iso_week", "metric", "count"]
        rows = db.execute("SELECT * FROM counters").fetchall()
        # WITHOUT ROWID: not even an insertion order to line up with other tables.
        with pytest.raises(sqlite3.OperationalError):
            db.execute("SELECT rowid FROM counters")
    assert rows == [("voorbeeldkliniek-utrecht", "2026-W48", "started", 2)]


def test_small_counts_are_masked_and_no_totals_give_them_away() -> None:
    rows = [
        WeekCounts("kliniek-a", "2026-W48", {Metric.STARTED: 12, Metric.SEARCHED: 5,
                                             Metric.VIEWED: 4, Metric.REMINDER_SET: 1}),
        WeekCounts("kliniek-a", "2026-W47", {Metric.STARTED: 3}),
    ]  # fmt: skip
    assert format_table(rows).splitlines() == [
        "clinic     week      started  searched  viewed  reminders  went",
        "kliniek-a  2026-W47       <5         0       0          0     0",
        "kliniek-a  2026-W48       12         5      <5         <5     0",
    ]
    assert format_table([]) == "No counts yet."


async def test_stats_cli_reads_the_bots_file_without_its_key(
    storage: Storage, tmp_path: Path
) -> None:
    week47 = MONDAY_NOON - timedelta(days=7)
    await count(storage, "voorbeeldkliniek-utrecht", Metric.STARTED, week47, times=7)
    await count(storage, "voorbeeldkliniek-utrecht", Metric.STARTED, MONDAY_NOON, times=2)
    await count(storage, "voorbeeldkliniek-utrecht", Metric.WENT, MONDAY_NOON, times=1)
    await count(storage, "voorbeeldkliniek-groningen", Metric.VIEWED, MONDAY_NOON, times=9)

    def run(*argv: str) -> tuple[int, list[str]]:
        out = io.StringIO()
        code = main(["stats", "--data-dir", str(tmp_path), *argv], environ={}, stdout=out,
                    stderr=io.StringIO())  # fmt: skip
        return code, out.getvalue().splitlines()

    code, lines = run()
    assert code == 0
    assert lines == [
        "clinic                      week      started  searched  viewed  reminders  went",
        "voorbeeldkliniek-groningen  2026-W48        0         0       9          0     0",
        "voorbeeldkliniek-utrecht    2026-W47        7         0       0          0     0",
        "voorbeeldkliniek-utrecht    2026-W48       <5         0       0          0    <5",
    ]
    _, since_date = run("--since", "2026-11-25")  # a Wednesday: its whole week counts
    _, since_week = run("--since", "2026-W48")
    assert since_date == since_week == [lines[0], lines[1], lines[3]]
    _, one_clinic = run("--clinic", "voorbeeldkliniek-utrecht")
    assert [line.split() for line in one_clinic] == [lines[i].split() for i in (0, 2, 3)]
    assert run("--since", "2026-13-01")[0] == 2


def test_stats_cli_on_a_missing_database_says_where_it_looked(tmp_path: Path) -> None:
    err = io.StringIO()
    code = main(
        ["stats", "--data-dir", str(tmp_path)], environ={}, stdout=io.StringIO(), stderr=err
    )
    assert code == 1 and str(tmp_path / DATABASE_FILENAME) in err.getvalue()
    assert not (tmp_path / DATABASE_FILENAME).exists()  # looking created nothing


def test_stats_from_a_database_older_than_counting_is_empty(tmp_path: Path) -> None:
    database = tmp_path / DATABASE_FILENAME
    sqlite3.connect(database).close()
    assert read_stats_file(database) == []


async def test_stats_reply_shows_the_last_twelve_weeks(storage: Storage) -> None:
    await count(storage, "voorbeeldkliniek-utrecht", Metric.STARTED, MONDAY_NOON, times=6)
    await count(storage, "voorbeeldkliniek-utrecht", Metric.STARTED,
                MONDAY_NOON - timedelta(weeks=12), times=8)  # fmt: skip
    text = await stats_reply(storage, MONDAY_NOON)
    assert text.splitlines()[0] == "Clinic counts per week since 2026-W37 (1-4 shown as <5)"
    assert text.splitlines()[2:] == [
        "voorbeeldkliniek-utrecht  2026-W48        6         0       0          0     0"
    ]
    other = await stats_reply(storage, MONDAY_NOON, "voorbeeldkliniek-groningen")
    assert other.splitlines()[1:] == ["No counts yet."]
