"""Which messages an occurrence gets, and whether it still stands: the catalogue, no I/O.

`plan_occurrence` lists the rows for one occurrence (its reminders still
ahead, and the check-in after it); `next_occurrence` finds the one to plan;
`occurrence_status` says whether a planned one still stands in the catalogue
as loaded now (valid, moved, cancelled that day, or stopped).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.reminders.schedule import Kind, checkin_due_at
from bot.reminders.store import PlannedRow
from catalogue.models import Meeting
from catalogue.recurrence import next_meeting_at, occurrences_between
from catalogue.reminder_times import pick_occurrence, reminder_due_at

__all__ = ["Status", "next_occurrence", "occurrence_status", "plan_occurrence"]


def plan_occurrence(
    meeting: Meeting, occurrence_at: datetime, offsets_minutes: tuple[int, ...], now: datetime
) -> list[PlannedRow]:
    """The reminders still ahead for one occurrence, and the check-in after it."""
    rows = [
        PlannedRow(Kind.REMINDER, due_at, occurrence_at, minutes)
        for minutes in sorted(set(offsets_minutes), reverse=True)
        if (due_at := reminder_due_at(occurrence_at, minutes)) > now
    ]
    rows.append(
        PlannedRow(Kind.CHECKIN, checkin_due_at(occurrence_at, meeting.duration), occurrence_at)
    )
    return rows


def next_occurrence(
    meeting: Meeting, offsets_minutes: tuple[int, ...], after: datetime, now: datetime
) -> datetime | None:
    """The first occurrence starting after `after` with a reminder still ahead of `now`."""
    occurrences: list[datetime] = []
    at = after
    while len(occurrences) < 4 and (found := next_meeting_at(meeting, at)) is not None:
        occurrences.append(found)
        at = found + timedelta(minutes=1)
    return pick_occurrence(occurrences, offsets_minutes, now)


class Status:
    VALID = "valid"
    MOVED = "moved"
    CANCELLED = "cancelled"
    STOPPED = "stopped"


def occurrence_status(meeting: Meeting | None, occurrence_at: datetime, now: datetime) -> str:
    """Whether a planned occurrence still stands in the catalogue as loaded now."""
    if meeting is None:
        return Status.STOPPED
    local = occurrence_at.astimezone(ZoneInfo(meeting.timezone))
    window = timedelta(minutes=1)
    if local in occurrences_between(meeting, local - window, local + window):
        return Status.VALID
    if next_meeting_at(meeting, min(now, local)) is None:
        return Status.STOPPED
    if local.date() in meeting.cancelled_on:
        return Status.CANCELLED
    return Status.MOVED
