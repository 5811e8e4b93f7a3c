"""Next occurrences: wall-clock times across DST, fortnightly and monthly rules, exceptions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from catalogue.models import Meeting, Source
from catalogue.recurrence import (
    check_rule,
    next_meeting_at,
    next_meeting_on_weekday,
    occurrences_between,
    rule_weekdays,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BRUSSELS = ZoneInfo("Europe/Brussels")
SOURCE = Source("test", date(2026, 1, 1))


def meeting(
    rule: str,
    first_on: date,
    start: time = time(19, 30),
    zone: str = "Europe/Amsterdam",
    **extra,
) -> Meeting:
    return Meeting("m", "aa", "Test", rule, first_on, start, None, zone, SOURCE, **extra)


# The last Sundays of March (clocks forward) and October (clocks back).
DST_SUNDAYS = [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)]


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "Europe/Brussels"])
@pytest.mark.parametrize("sunday", DST_SUNDAYS, ids=str)
def test_sunday_evening_meeting_stays_at_1930_on_the_day_the_clocks_change(
    zone: str, sunday: date
) -> None:
    weekly = meeting("FREQ=WEEKLY;BYDAY=SU", date(2020, 1, 5), zone=zone)
    saturday_noon = datetime.combine(sunday - timedelta(days=1), time(12), ZoneInfo(zone))
    before = next_meeting_at(weekly, saturday_noon - timedelta(days=1))  # the Sunday before
    on_the_day = next_meeting_at(weekly, saturday_noon)
    assert on_the_day is not None and before is not None
    assert on_the_day.date() == sunday
    assert (on_the_day.hour, on_the_day.minute) == (19, 30)
    assert before == on_the_day  # from Friday noon too
    week_earlier = next_meeting_at(weekly, saturday_noon - timedelta(days=7))
    assert week_earlier is not None and (week_earlier.hour, week_earlier.minute) == (19, 30)
    # The offset moved, the wall clock did not: summer +02:00, winter +01:00.
    expected = timedelta(hours=2) if sunday.month == 3 else timedelta(hours=1)
    assert on_the_day.utcoffset() == expected
    assert week_earlier.utcoffset() == expected + (
        -timedelta(hours=1) if sunday.month == 3 else timedelta(hours=1)
    )
    assert on_the_day.astimezone(UTC).hour == (17 if sunday.month == 3 else 18)


def test_tuesday_after_clocks_forward() -> None:
    tuesday = meeting("FREQ=WEEKLY;BYDAY=TU", date(2026, 1, 6))
    assert next_meeting_at(tuesday, datetime(2026, 3, 30, tzinfo=UTC)) == datetime(
        2026, 3, 31, 19, 30, tzinfo=AMSTERDAM
    )


def test_result_is_in_the_meetings_zone_whatever_zone_asked_in() -> None:
    ghent = meeting("FREQ=WEEKLY;BYDAY=MO", date(2026, 1, 5), zone="Europe/Brussels")
    found = next_meeting_at(ghent, datetime(2026, 11, 23, 0, 0, tzinfo=UTC))
    assert found == datetime(2026, 11, 23, 19, 30, tzinfo=BRUSSELS)
    assert found.tzinfo == BRUSSELS


def test_meeting_already_started_is_not_next_but_one_starting_now_is() -> None:
    tuesday = meeting("FREQ=WEEKLY;BYDAY=TU", date(2026, 1, 6))
    starts = datetime(2026, 11, 24, 19, 30, tzinfo=AMSTERDAM)
    assert next_meeting_at(tuesday, starts) == starts
    assert next_meeting_at(tuesday, starts + timedelta(minutes=1)) == starts + timedelta(days=7)


def test_fortnightly_counts_from_first_on() -> None:
    fortnightly = meeting("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", date(2026, 1, 6))
    found = occurrences_between(
        fortnightly,
        datetime(2026, 11, 1, tzinfo=AMSTERDAM),
        datetime(2026, 12, 31, tzinfo=AMSTERDAM),
    )
    assert [d.date() for d in found] == [
        date(2026, 11, 10),
        date(2026, 11, 24),
        date(2026, 12, 8),
        date(2026, 12, 22),
    ]
    assert all((first_on_distance := (d.date() - date(2026, 1, 6)).days) % 14 == 0 for d in found)
    assert first_on_distance > 0
    # The week in between has no meeting.
    assert next_meeting_at(fortnightly, datetime(2026, 11, 11, tzinfo=AMSTERDAM)) == datetime(
        2026, 11, 24, 19, 30, tzinfo=AMSTERDAM
    )


def test_long_ago_anchor_gives_the_same_series_as_a_recent_one() -> None:
    """The start of the walk is moved forward internally; the dates must not shift."""
    old = meeting("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", date(2019, 1, 1))
    recent = meeting("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", date(2026, 11, 10))
    window = (datetime(2026, 11, 11, tzinfo=AMSTERDAM), datetime(2027, 3, 1, tzinfo=AMSTERDAM))
    assert occurrences_between(old, *window) == occurrences_between(recent, *window)
    monthly_old = meeting("FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE", date(2019, 2, 6))
    found = occurrences_between(monthly_old, *window)
    assert [d.date() for d in found] == [date(2027, 2, 3)]  # Feb, May, Aug, Nov... 2019 onwards


def test_second_and_fourth_tuesday_of_the_month() -> None:
    monthly = meeting("FREQ=MONTHLY;BYDAY=2TU,4TU", date(2026, 1, 13))
    found = occurrences_between(
        monthly, datetime(2026, 3, 1, tzinfo=AMSTERDAM), datetime(2026, 5, 1, tzinfo=AMSTERDAM)
    )
    assert [d.date() for d in found] == [
        date(2026, 3, 10),
        date(2026, 3, 24),
        date(2026, 4, 14),
        date(2026, 4, 28),
    ]
    # 24 March is before the clocks change, 14 April after: same 19:30 on the wall.
    assert {(d.hour, d.minute) for d in found} == {(19, 30)}


def test_cancelled_date_is_skipped() -> None:
    tuesday = meeting(
        "FREQ=WEEKLY;BYDAY=TU", date(2026, 1, 6), cancelled_on=frozenset({date(2026, 12, 29)})
    )
    assert next_meeting_at(tuesday, datetime(2026, 12, 28, tzinfo=AMSTERDAM)) == datetime(
        2027, 1, 5, 19, 30, tzinfo=AMSTERDAM
    )


def test_ends_on_is_the_last_possible_date() -> None:
    tuesday = meeting("FREQ=WEEKLY;BYDAY=TU", date(2026, 1, 6), ends_on=date(2027, 6, 29))
    assert next_meeting_at(tuesday, datetime(2027, 6, 28, tzinfo=AMSTERDAM)) == datetime(
        2027, 6, 29, 19, 30, tzinfo=AMSTERDAM
    )
    assert next_meeting_at(tuesday, datetime(2027, 6, 30, tzinfo=AMSTERDAM)) is None


def test_retired_meeting_has_no_occurrences_from_retirement() -> None:
    tuesday = meeting("FREQ=WEEKLY;BYDAY=TU", date(2026, 1, 6), retired_on=date(2026, 11, 20))
    assert next_meeting_at(tuesday, datetime(2026, 11, 21, tzinfo=AMSTERDAM)) is None
    assert next_meeting_at(tuesday, datetime(2026, 11, 16, tzinfo=AMSTERDAM)) == datetime(
        2026, 11, 17, 19, 30, tzinfo=AMSTERDAM
    )


def test_nothing_before_first_on() -> None:
    tuesday = meeting("FREQ=WEEKLY;BYDAY=TU", date(2027, 2, 2))
    assert next_meeting_at(tuesday, datetime(2026, 11, 23, tzinfo=AMSTERDAM)) == datetime(
        2027, 2, 2, 19, 30, tzinfo=AMSTERDAM
    )


def test_until_in_utc_is_honoured() -> None:
    until = meeting("FREQ=WEEKLY;BYDAY=TU;UNTIL=20260301T000000Z", date(2026, 1, 6))
    assert next_meeting_at(until, datetime(2026, 2, 20, tzinfo=AMSTERDAM)) == datetime(
        2026, 2, 24, 19, 30, tzinfo=AMSTERDAM
    )
    assert next_meeting_at(until, datetime(2026, 2, 25, tzinfo=AMSTERDAM)) is None


def test_next_on_a_weekday_of_a_two_day_rule() -> None:
    twice = meeting("FREQ=WEEKLY;BYDAY=MO,TH", date(2026, 1, 5))
    monday = datetime(2026, 11, 23, 20, 0, tzinfo=AMSTERDAM)  # after Monday's meeting began
    assert next_meeting_at(twice, monday) == datetime(2026, 11, 26, 19, 30, tzinfo=AMSTERDAM)
    assert next_meeting_on_weekday(twice, monday, 0) == datetime(
        2026, 11, 30, 19, 30, tzinfo=AMSTERDAM
    )
    assert next_meeting_on_weekday(twice, monday, 2) is None


def test_rule_weekdays() -> None:
    assert rule_weekdays("FREQ=MONTHLY;BYDAY=2TU,4TU", date(2026, 1, 13)) == {1}
    assert rule_weekdays("FREQ=WEEKLY", date(2026, 1, 9)) == {4}
    assert rule_weekdays("FREQ=MONTHLY;BYMONTHDAY=1", date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("rule", "ok"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", True),
        ("FREQ=MONTHLY;BYDAY=2TU,4TU", True),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", True),
        ("FREQ=WEEKLY;BYDAY=XX", False),
        ("FREQ=HOURLY", False),
        ("RRULE:FREQ=WEEKLY", False),
        ("every tuesday", False),
        ("", False),
    ],
)
def test_check_rule(rule: str, ok: bool) -> None:
    problem = check_rule(rule)
    assert (problem is None) is ok, problem
