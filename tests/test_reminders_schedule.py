"""The timing rules of reminders and check-ins: daylight saving, quiet hours, catch-up, limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.schedule import (
    CheckinState,
    Kind,
    Verdict,
    checkin_due_at,
    checkin_verdict,
    decide,
    end_of_quiet,
    is_quiet,
)
from catalogue.reminder_times import pick_occurrence, reminder_due_at

AMS = ZoneInfo("Europe/Amsterdam")
BRU = ZoneInfo("Europe/Brussels")
NINETY = timedelta(minutes=90)


@pytest.mark.parametrize("zone", [AMS, BRU])
@pytest.mark.parametrize(
    ("meeting_on", "before_offset", "after_offset"),
    [
        ((2026, 3, 29), "+01:00", "+02:00"),  # summer time starts that Sunday
        ((2026, 10, 25), "+02:00", "+01:00"),  # and ends that Sunday
    ],
)
def test_evening_before_keeps_the_wall_clock_across_daylight_saving(
    zone, meeting_on, before_offset, after_offset
):
    meeting_at = datetime(*meeting_on, 19, 30, tzinfo=zone)

    evening_before = reminder_due_at(meeting_at, 24 * 60)

    assert evening_before.strftime("%d %H:%M") == f"{meeting_on[2] - 1:02d} 19:30"
    assert evening_before.isoformat().endswith(before_offset)
    assert meeting_at.isoformat().endswith(after_offset)


@pytest.mark.parametrize("zone", [AMS, BRU])
def test_two_hours_before_is_two_real_hours_even_over_the_night_clocks_change(zone):
    meeting_at = datetime(2026, 3, 29, 3, 30, tzinfo=zone)  # 02:00 → 03:00 that night

    due_at = reminder_due_at(meeting_at, 120)

    assert meeting_at.astimezone(UTC) - due_at.astimezone(UTC) == timedelta(hours=2)
    assert due_at.strftime("%H:%M") == "00:30"


def test_weekly_reminder_times_stay_at_the_same_local_minute_through_the_year():
    first = datetime(2026, 3, 24, 19, 30, tzinfo=AMS)  # Tuesdays, across March and October
    weeks = [first + timedelta(weeks=n) for n in range(0, 32)]

    times = {reminder_due_at(w, 120).strftime("%H:%M") for w in weeks}

    assert times == {"17:30"}


def test_pick_occurrence_skips_to_next_week_when_every_reminder_has_passed():
    tonight = datetime(2026, 11, 24, 19, 30, tzinfo=AMS)
    next_week = tonight + timedelta(weeks=1)
    an_hour_before = tonight - timedelta(hours=1)

    assert pick_occurrence([tonight, next_week], (24 * 60,), an_hour_before) == next_week
    assert pick_occurrence([tonight, next_week], (24 * 60, 30), an_hour_before) == tonight
    assert pick_occurrence([tonight], (120,), an_hour_before) is None


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(21, 59, False), (22, 0, True), (3, 0, True), (7, 59, True), (8, 0, False), (12, 0, False)],
)
def test_quiet_hours_run_from_ten_at_night_to_eight_in_the_morning(hour, minute, quiet):
    assert is_quiet(datetime(2026, 11, 24, hour, minute, tzinfo=AMS), AMS) is quiet


def test_quiet_hours_are_read_in_the_users_zone_not_utc():
    at = datetime(2026, 7, 1, 20, 30, tzinfo=UTC)  # 22:30 in Amsterdam in summer

    assert is_quiet(at, AMS)
    assert end_of_quiet(at, AMS) == datetime(2026, 7, 2, 8, 0, tzinfo=AMS)


def test_checkin_after_an_evening_meeting_waits_for_the_morning():
    meeting_at = datetime(2026, 11, 24, 19, 30, tzinfo=AMS)  # ends 21:00, +2 h = 23:00

    assert checkin_due_at(meeting_at, NINETY) == datetime(2026, 11, 25, 8, 0, tzinfo=AMS)


def test_checkin_after_an_afternoon_meeting_comes_a_few_hours_later():
    meeting_at = datetime(2026, 11, 24, 14, 0, tzinfo=BRU)

    assert checkin_due_at(meeting_at, NINETY) == datetime(2026, 11, 24, 17, 30, tzinfo=BRU)


def _decide(kind, due_at, meeting_at, now):
    return decide(kind, due_at=due_at, occurrence_at=meeting_at, duration=NINETY, zone=AMS, now=now)


def test_a_reminder_the_user_set_for_the_night_is_sent_at_night():
    meeting_at = datetime(2026, 11, 24, 7, 30, tzinfo=AMS)
    due_at = reminder_due_at(meeting_at, 120)  # 05:30

    assert _decide(Kind.REMINDER, due_at, meeting_at, due_at).verdict is Verdict.SEND


def test_a_missed_reminder_is_still_sent_while_the_meeting_is_ahead():
    meeting_at = datetime(2026, 11, 24, 19, 30, tzinfo=AMS)
    due_at = reminder_due_at(meeting_at, 120)

    back_up = datetime(2026, 11, 24, 18, 45, tzinfo=AMS)

    assert _decide(Kind.REMINDER, due_at, meeting_at, back_up).verdict is Verdict.SEND


def test_a_missed_reminder_is_dropped_once_the_meeting_has_started():
    meeting_at = datetime(2026, 11, 24, 19, 30, tzinfo=AMS)
    due_at = reminder_due_at(meeting_at, 120)

    back_up = datetime(2026, 11, 24, 19, 30, tzinfo=AMS)

    assert _decide(Kind.REMINDER, due_at, meeting_at, back_up).verdict is Verdict.DROP


def test_a_missed_reminder_found_at_night_waits_for_the_morning_if_the_meeting_is_later():
    meeting_at = datetime(2026, 11, 25, 19, 30, tzinfo=AMS)
    due_at = reminder_due_at(meeting_at, 24 * 60)  # 24 Nov 19:30, missed
    back_up = datetime(2026, 11, 24, 23, 10, tzinfo=AMS)

    decision = _decide(Kind.REMINDER, due_at, meeting_at, back_up)

    assert decision.verdict is Verdict.DEFER
    assert decision.at == datetime(2026, 11, 25, 8, 0, tzinfo=AMS)


def test_a_missed_reminder_found_at_night_before_an_early_meeting_is_dropped():
    meeting_at = datetime(2026, 11, 25, 7, 45, tzinfo=AMS)
    due_at = reminder_due_at(meeting_at, 120)  # 05:45, missed
    back_up = datetime(2026, 11, 25, 6, 30, tzinfo=AMS)

    assert _decide(Kind.REMINDER, due_at, meeting_at, back_up).verdict is Verdict.DROP


def test_a_reminder_a_few_minutes_late_at_night_still_counts_as_on_time():
    meeting_at = datetime(2026, 11, 25, 7, 45, tzinfo=AMS)
    due_at = reminder_due_at(meeting_at, 120)

    decision = _decide(Kind.REMINDER, due_at, meeting_at, due_at + timedelta(minutes=3))

    assert decision.verdict is Verdict.SEND


def test_nothing_is_sent_before_it_is_due():
    meeting_at = datetime(2026, 11, 24, 19, 30, tzinfo=AMS)
    due_at = reminder_due_at(meeting_at, 120)

    decision = _decide(Kind.REMINDER, due_at, meeting_at, due_at - timedelta(seconds=1))

    assert decision.verdict is Verdict.DEFER
    assert decision.at == due_at


def test_a_checkin_is_never_sent_at_night_and_dropped_when_stale():
    meeting_at = datetime(2026, 11, 24, 19, 30, tzinfo=AMS)
    due_at = checkin_due_at(meeting_at, NINETY)
    night = datetime(2026, 11, 25, 23, 0, tzinfo=AMS)
    two_days_later = datetime(2026, 11, 26, 12, 0, tzinfo=AMS)

    assert _decide(Kind.CHECKIN, due_at, meeting_at, due_at).verdict is Verdict.SEND
    assert _decide(Kind.CHECKIN, due_at, meeting_at, night).verdict is Verdict.DEFER
    assert _decide(Kind.CHECKIN, due_at, meeting_at, two_days_later).verdict is Verdict.DROP


def test_a_notice_waits_for_the_morning_but_is_never_dropped():
    night = datetime(2026, 11, 24, 23, 0, tzinfo=AMS)
    much_later = datetime(2026, 12, 24, 12, 0, tzinfo=AMS)

    at_night = _decide(Kind.NOTICE, night, None, night)

    assert at_night.verdict is Verdict.DEFER
    assert at_night.at == datetime(2026, 11, 25, 8, 0, tzinfo=AMS)
    assert _decide(Kind.NOTICE, night, None, much_later).verdict is Verdict.SEND


def test_checkins_stop_after_three_unanswered_or_when_declined():
    now = datetime(2026, 11, 25, 8, 0, tzinfo=AMS)

    assert checkin_verdict(CheckinState(unanswered=2), now, AMS) is Verdict.SEND
    assert checkin_verdict(CheckinState(unanswered=3), now, AMS) is Verdict.DROP
    assert checkin_verdict(CheckinState(opted_out=True), now, AMS) is Verdict.DROP


def test_at_most_one_checkin_a_week_even_when_the_clocks_change():
    last = datetime(2026, 3, 25, 8, 0, 30, tzinfo=AMS)  # winter time
    next_week = datetime(2026, 4, 1, 8, 0, 10, tzinfo=AMS)  # summer time: 6 d 23 h later
    state = CheckinState(last_sent_at=last)

    assert checkin_verdict(state, next_week, AMS) is Verdict.SEND
    assert checkin_verdict(state, next_week - timedelta(days=1), AMS) is Verdict.DROP


@pytest.mark.parametrize("zone", [AMS, BRU])
def test_evening_before_a_morning_meeting_is_at_seven_across_the_autumn_change(zone):
    meeting_at = datetime(2026, 10, 25, 10, 0, tzinfo=zone)  # summer time ended at 03:00

    evening_before = reminder_due_at(meeting_at, 15 * 60)  # "19:00 the day before"

    assert evening_before == datetime(2026, 10, 24, 19, 0, tzinfo=zone)
