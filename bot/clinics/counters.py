"""Weekly counts per clinic, and nothing else: how a clinic sees its link is used.

Rules of this module:

- A row is (clinic_id, iso_week, metric, count) and nothing more: no user
  key, no chat id, no time finer than the ISO week (the ``counters`` table
  is created by migration 4 in `bot.storage`). Two clients of the same clinic
  in the same week are one number; no row can be tied back to a person.
- Counting never breaks a conversation: a failed increment is logged (without
  any id) and swallowed by the caller that runs effects.
- One person counts once per clinic, metric and week (`count_once`): repeating
  ``/start <clinic>`` or "I went" does not inflate a count. What was counted is
  remembered as a keyed hash of the person's user key and the count (table
  ``counted``), so it says neither which clinic nor which week, and two people
  counted for the same clinic leave unrelated marks. It goes with the person.
- The week is taken from the `now` passed in, in Dutch/Belgian local time
  (both Europe/Amsterdam and Europe/Brussels keep the same offset), so a
  Sunday-evening search counts in that week, not the next.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import aiosqlite

from bot.storage import Storage
from dialogs.effects import CountMetric, Metric

__all__ = [
    "COUNTERS_COLUMNS",
    "METRICS",
    "count_metric",
    "count_once",
    "iso_week",
    "iso_week_of_date",
]

COUNTING_ZONE = ZoneInfo("Europe/Amsterdam")
METRICS: tuple[Metric, ...] = tuple(Metric)
"""Every metric, in the order a person goes through them (also the stats columns)."""
COUNTERS_COLUMNS = ("clinic_id", "iso_week", "metric", "count")
"""The table's columns, for the test that no column can identify a person."""


def iso_week_of_date(day: date) -> str:
    """The ISO week of a date as ``YYYY-Www``.

    >>> iso_week_of_date(date(2026, 11, 23))
    '2026-W48'
    >>> iso_week_of_date(date(2027, 1, 1))   # a Friday: still week 53 of 2026
    '2026-W53'
    """
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def iso_week(at: datetime) -> str:
    """The ISO week an aware instant falls in, in local (NL/BE) time."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("iso_week takes an aware datetime")
    return iso_week_of_date(at.astimezone(COUNTING_ZONE).date())


async def count_metric(storage: Storage, effect: CountMetric, now: datetime) -> None:
    """Add one to the clinic's counter for this metric in the week of `now`."""
    async with storage.transaction() as db:
        await _add_one(db, effect, now)


async def count_once(storage: Storage, user_key: str, effect: CountMetric, now: datetime) -> bool:
    """Add one unless this person was counted for it this week; True if it counted."""
    week = iso_week(now)
    mark = storage.secrets.lookup_key(
        "counted",
        f"{user_key}|{effect.clinic_id}|{week}|{Metric(effect.metric).value}|{effect.about}",
    )
    async with storage.transaction() as db:
        cursor = await db.execute(
            "INSERT OR IGNORE INTO counted (user_key, mark) VALUES (?, ?)", (user_key, mark)
        )
        if cursor.rowcount != 1:
            return False
        await _add_one(db, effect, now)
    return True


async def _add_one(db: aiosqlite.Connection, effect: CountMetric, now: datetime) -> None:
    await db.execute(
        """
        INSERT INTO counters (clinic_id, iso_week, metric, count) VALUES (?, ?, ?, 1)
        ON CONFLICT (clinic_id, iso_week, metric) DO UPDATE SET count = count + 1
        """,
        (effect.clinic_id, iso_week(now), Metric(effect.metric).value),
    )
