"""'The evening before' is an evening, whatever time the meeting starts, in summer and winter."""

from __future__ import annotations

import doctest
from datetime import datetime, time
from zoneinfo import ZoneInfo

import catalogue.reminder_times
from catalogue.reminder_times import (
    TWO_HOURS_BEFORE_MINUTES,
    evening_before_minutes,
    pick_occurrence,
    reminder_due_at,
)

AMS = ZoneInfo("Europe/Amsterdam")
BRU = ZoneInfo("Europe/Brussels")


def test_the_evening_before_a_morning_meeting_is_the_previous_evening() -> None:
    saturday_morning = datetime(2026, 11, 28, 10, 0, tzinfo=AMS)
    due = reminder_due_at(saturday_morning, evening_before_minutes(saturday_morning.time()))
    assert due == datetime(2026, 11, 27, 19, 0, tzinfo=AMS)


def test_the_evening_before_stays_at_19_across_both_clock_changes() -> None:
    for meeting_at in (
        datetime(2026, 3, 29, 19, 30, tzinfo=BRU),  # summer time starts that night
        datetime(2026, 10, 25, 19, 30, tzinfo=AMS),  # winter time starts that night
    ):
        due = reminder_due_at(meeting_at, evening_before_minutes(time(19, 30)))
        assert (due.date().day, due.hour, due.minute) == (meeting_at.day - 1, 19, 0)


def test_two_hours_before_counts_real_time_across_the_clock_change() -> None:
    # 03:30 summer time on 29 March 2026 is 00:30 winter time: two real hours earlier.
    early = datetime(2026, 3, 29, 3, 30, tzinfo=AMS)
    due = reminder_due_at(early, TWO_HOURS_BEFORE_MINUTES)
    assert due.isoformat() == "2026-03-29T00:30:00+01:00"


def test_a_passed_evening_reminder_moves_to_next_weeks_meeting() -> None:
    tonight = datetime(2026, 11, 24, 19, 30, tzinfo=AMS)
    next_week = datetime(2026, 12, 1, 19, 30, tzinfo=AMS)
    now = datetime(2026, 11, 24, 18, 0, tzinfo=AMS)
    evening = evening_before_minutes(time(19, 30))
    assert pick_occurrence([tonight, next_week], (evening,), now) == next_week
    assert pick_occurrence([tonight], (evening, TWO_HOURS_BEFORE_MINUTES), now) is None
    assert pick_occurrence([tonight, next_week], (60,), now) == tonight


def test_the_module_examples_hold() -> None:
    assert doctest.testmod(catalogue.reminder_times).failed == 0
