"""When a reminder for a meeting goes out: the one rule the dialogue and the scheduler share.

The dialogue confirms "I'll remind you on Monday 23 November at 19:00" and the scheduler sends
at that minute; both ask this module, so the two can never disagree.

A reminder is stored as minutes before the start of a meeting. An offset of half a day or more
names a time of day ("the evening before, at 19:00"), so it is counted on the wall clock of the
meeting's zone and stays at 19:00 across a change to or from summer time; a shorter one ("two
hours before") is counted in real minutes.

    >>> from zoneinfo import ZoneInfo
    >>> ams = ZoneInfo("Europe/Amsterdam")
    >>> meeting_at = datetime(2026, 3, 29, 19, 30, tzinfo=ams)   # the day summer time starts
    >>> evening = evening_before_minutes(meeting_at.time())
    >>> evening
    1470
    >>> reminder_due_at(meeting_at, evening).isoformat()          # "the evening before"
    '2026-03-28T19:00:00+01:00'
    >>> reminder_due_at(meeting_at, TWO_HOURS_BEFORE_MINUTES).isoformat()
    '2026-03-29T17:30:00+02:00'
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

__all__ = [
    "EVENING_AT",
    "TWO_HOURS_BEFORE_MINUTES",
    "WALL_CLOCK_FROM_MINUTES",
    "evening_before_minutes",
    "pick_occurrence",
    "reminder_due_at",
]

EVENING_AT = time(19, 0)
"""'The evening before' means this time on the day before the meeting."""
TWO_HOURS_BEFORE_MINUTES = 120
WALL_CLOCK_FROM_MINUTES = 12 * 60
"""Offsets this long or longer are counted on the wall clock (see `reminder_due_at`)."""


def evening_before_minutes(start: time) -> int:
    """The offset that reminds at `EVENING_AT` on the day before a meeting starting at `start`.

    >>> evening_before_minutes(time(19, 30)), evening_before_minutes(time(10, 0))
    (1470, 900)
    """
    start_minutes = start.hour * 60 + start.minute
    return 24 * 60 + start_minutes - (EVENING_AT.hour * 60 + EVENING_AT.minute)


def reminder_due_at(occurrence_at: datetime, offset_minutes: int) -> datetime:
    """The instant to remind `offset_minutes` before a meeting starting at `occurrence_at`.

    Args:
        occurrence_at: aware start of the meeting, in the meeting's zone.
        offset_minutes: minutes before the start (≥ 0).
    Returns:
        An aware datetime in the meeting's zone.
    """
    zone = occurrence_at.tzinfo
    if offset_minutes < WALL_CLOCK_FROM_MINUTES:
        return (occurrence_at.astimezone(UTC) - timedelta(minutes=offset_minutes)).astimezone(zone)
    # Aware arithmetic in one zone is wall-clock arithmetic; going through UTC then fixes the
    # offset, and moves a wall time that falls in the spring-forward gap forward, as clocks do.
    wall = (occurrence_at - timedelta(minutes=offset_minutes)).replace(fold=0)
    return wall.astimezone(UTC).astimezone(zone)


def pick_occurrence(
    occurrences: list[datetime], offsets_minutes: tuple[int, ...], now: datetime
) -> datetime | None:
    """The first occurrence for which at least one of the reminders is still ahead of `now`.

    Setting "the evening before" an hour before tonight's meeting reminds of next week's.
    `occurrences` must be ascending.
    """
    for occurrence_at in occurrences:
        if any(reminder_due_at(occurrence_at, m) > now for m in offsets_minutes):
            return occurrence_at
    return None
