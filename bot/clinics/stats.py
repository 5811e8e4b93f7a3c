"""The clinic counts as a table, with small numbers hidden.

Any count from 1 to 4 is shown as ``<5``: with so few, a clinic could guess
who it was ("only Mrs X got the link this week"). The table has no totals
on purpose: a total of exact counts would let a reader subtract the visible
numbers and recover a hidden one.

The same text goes to the operator's terminal (`python -m bot clinic stats`)
and to an administrator's `/stats` in Telegram. It is for operators, so it
is in English, like the other operator commands.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.clinics.counters import METRICS
from bot.storage import Storage, StorageError
from dialogs.effects import Metric

__all__ = ["WeekCounts", "format_table", "masked", "read_stats", "read_stats_file"]

SMALL_COUNT_LIMIT = 5
"""Counts below this (and above zero) are shown as "<5"."""

COLUMN_TITLES: Mapping[Metric, str] = {
    Metric.STARTED: "started",
    Metric.SEARCHED: "searched",
    Metric.VIEWED: "viewed",
    Metric.REMINDER_SET: "reminders",
    Metric.WENT: "went",
}

_QUERY = """
    SELECT clinic_id, iso_week, metric, count FROM counters
    WHERE (:since IS NULL OR iso_week >= :since) AND (:clinic IS NULL OR clinic_id = :clinic)
    ORDER BY clinic_id, iso_week
"""


@dataclass(frozen=True, slots=True)
class WeekCounts:
    """One clinic's counts in one ISO week (metrics never counted are 0)."""

    clinic_id: str
    iso_week: str
    counts: Mapping[Metric, int] = field(default_factory=dict)

    def count(self, metric: Metric) -> int:
        return self.counts.get(metric, 0)


def masked(count: int) -> str:
    """How a count is shown: 0 as "0", 1–4 as "<5", anything else as itself.

    >>> [masked(n) for n in (0, 1, 4, 5, 12)]
    ['0', '<5', '<5', '5', '12']
    """
    return "<5" if 0 < count < SMALL_COUNT_LIMIT else str(count)


def _grouped(records: Iterable[tuple[str, str, str, int]]) -> list[WeekCounts]:
    """Rows (clinic, week, metric, count) into one `WeekCounts` per clinic and week.

    A metric this version does not know (written by a newer one) is left out.
    """
    known = {metric.value: metric for metric in METRICS}
    grouped: dict[tuple[str, str], dict[Metric, int]] = {}
    for clinic_id, week, metric, count in records:
        counts = grouped.setdefault((clinic_id, week), {})
        if metric in known:
            counts[known[metric]] = int(count)
    return [WeekCounts(clinic, week, counts) for (clinic, week), counts in grouped.items()]


def _parameters(since_week: str | None, clinic_id: str | None) -> dict[str, str | None]:
    return {"since": since_week, "clinic": clinic_id}


async def read_stats(
    storage: Storage, since_week: str | None = None, clinic_id: str | None = None
) -> list[WeekCounts]:
    """The counts from the bot's open storage, from ISO week `since_week` on (``2026-W40``)."""
    async with (
        storage.read() as db,
        db.execute(_QUERY, _parameters(since_week, clinic_id)) as cursor,
    ):
        return _grouped(await cursor.fetchall())


def read_stats_file(
    database: Path, since_week: str | None = None, clinic_id: str | None = None
) -> list[WeekCounts]:
    """The counts read straight from the SQLite file, read-only (for the CLI).

    Needs no secret key (counters are not encrypted: they name no one) and
    never creates or migrates the file. Raises `StorageError` if it cannot.
    """
    if not database.is_file():
        raise StorageError(f"no database at {database}")
    try:
        connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            records = connection.execute(_QUERY, _parameters(since_week, clinic_id)).fetchall()
        finally:
            connection.close()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return []  # a database from before counting existed: nothing counted yet
        raise StorageError(f"reading {database}: {error}") from error
    except sqlite3.Error as error:
        raise StorageError(f"reading {database}: {error}") from error
    return _grouped(records)


def format_table(rows: Iterable[WeekCounts]) -> str:
    """A plain-text table, one line per clinic and week, small counts masked.

    >>> print(format_table([WeekCounts("kliniek", "2026-W48", {Metric.STARTED: 7,
    ...                                                       Metric.SEARCHED: 3})]))
    clinic   week      started  searched  viewed  reminders  went
    kliniek  2026-W48        7        <5       0          0     0
    """
    rows = sorted(rows, key=lambda row: (row.clinic_id, row.iso_week))
    if not rows:
        return "No counts yet."
    header = ["clinic", "week", *(COLUMN_TITLES[metric] for metric in METRICS)]
    lines = [
        [row.clinic_id, row.iso_week, *(masked(row.count(metric)) for metric in METRICS)]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        left = [cell.ljust(width) for cell, width in zip(cells[:2], widths[:2], strict=True)]
        right = [cell.rjust(width) for cell, width in zip(cells[2:], widths[2:], strict=True)]
        return "  ".join(left + right).rstrip()

    return "\n".join(render(cells) for cells in [header, *lines])
