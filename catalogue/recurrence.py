"""When a meeting takes place: its RFC 5545 rule, anchored at its first date, in its own zone.

This is the only module that imports `dateutil.rrule`. Occurrences are made
as *naive wall-clock* datetimes (``first_on`` + ``start``) and only then given
the meeting's ZoneInfo, so a 19:30 meeting stays at 19:30 local time when the
clocks change (its UTC offset moves from +01:00 to +02:00, not its hour)::

    tue = meeting(rrule="FREQ=WEEKLY;BYDAY=TU", first_on=date(2026, 1, 6), start=time(19, 30))
    assert next_meeting_at(tue, datetime(2026, 3, 30, tzinfo=UTC)) == datetime(
        2026, 3, 31, 19, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))

"Next" means the first occurrence that starts at or after the given moment:
a meeting already in progress is not the next one (you cannot walk in for a
first time halfway), so it is skipped.

Rules are parsed once and cached. dateutil walks a rule from its DTSTART, so
for a meeting anchored years ago the walk would be long; `_rule_near`
moves DTSTART forward by whole periods of the rule (which leaves the series
unchanged) to just before the asked moment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from catalogue.models import Meeting

MAX_SKIPPED = 400
"""Occurrences looked at past cancellations before giving up (a rule that never fits)."""

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""RFC 5545 weekday codes, indexed like `date.weekday()` (0 = Monday)."""

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
"""How often a rule may repeat; the bot has no use for hourly meetings."""

SCHEDULE_HORIZON = timedelta(days=2 * 366)
"""How far ahead a rule must yield a first date before it counts as empty."""

# Parts of a rule that the data files give a field of their own.
_HAS_ITS_OWN_FIELD = {
    "DTSTART": "the anchor date goes in 'first_on'",
    "UNTIL": "use 'ends_on' for the last date",
    "COUNT": "use 'ends_on' for the last date",
    "BYHOUR": "the time goes in 'start'",
    "BYMINUTE": "the time goes in 'start'",
    "BYSECOND": "the time goes in 'start'",
}


def next_meeting_at(meeting: Meeting, after: datetime) -> datetime | None:
    """The first occurrence starting at or after `after` (aware, in the meeting's zone).

    None when the meeting has ended, been retired, or has no occurrence left.
    Cancelled dates are skipped.
    """
    for occurrence in _occurrences_from(meeting, after):
        return occurrence
    return None


def next_meeting_on_weekday(meeting: Meeting, after: datetime, weekday: int) -> datetime | None:
    """The first occurrence at or after `after` that falls on `weekday` (0 = Monday)."""
    for seen, occurrence in enumerate(_occurrences_from(meeting, after)):
        if occurrence.weekday() == weekday:
            return occurrence
        if seen > MAX_SKIPPED:
            break
    return None


def occurrences_between(meeting: Meeting, start_at: datetime, end_at: datetime) -> list[datetime]:
    """Every occurrence starting in [start_at, end_at), aware, in the meeting's zone."""
    found: list[datetime] = []
    for occurrence in _occurrences_from(meeting, start_at):
        if occurrence >= end_at:
            break
        found.append(occurrence)
    return found


def rule_weekdays(rule_text: str, first_on: date) -> frozenset[int] | None:
    """The weekdays (0 = Monday) a rule can fall on, read from BYDAY; None when any day can.

    Cheap enough to filter thousands of meetings by day before computing dates:
    ``FREQ=MONTHLY;BYDAY=2TU,4TU`` -> {1}; ``FREQ=WEEKLY`` -> the weekday of `first_on`.
    """
    parts = _rule_parts(rule_text)
    if "BYDAY" in parts:
        return frozenset(WEEKDAY_CODES.index(code[-2:]) for code in parts["BYDAY"].split(","))
    if parts.get("FREQ") == "WEEKLY":
        return frozenset({first_on.weekday()})
    return None


def check_rule(rule_text: str) -> str | None:
    """What is wrong with a schedule rule, worded to follow the quoted rule; None when fine.

    The data loader prints it after the rule (``'FREQ=HOURLY' repeats HOURLY
    (expected ...)``). A rule passes when this engine can run it and the data
    files have a field for each of its parts::

        assert check_rule("FREQ=MONTHLY;BYDAY=2TU,4TU") is None
        assert check_rule("FREQ=WEEKLY;UNTIL=20270101").startswith("contains UNTIL")
    """
    text = rule_text.strip()
    if text.upper().startswith("RRULE:"):
        return "starts with RRULE: (expected only the rule, e.g. FREQ=WEEKLY;BYDAY=TU)"
    for part, advice in _HAS_ITS_OWN_FIELD.items():
        if re.search(rf"\b{part}\b", text.upper()):
            return f"contains {part} ({advice})"
    try:
        _build(text, datetime(2026, 1, 5, 12, 0))
    except _NotOneRule:
        return "is not a single RRULE (expected FREQ=...)"
    except ValueError as error:
        return (
            f"is not a valid RRULE: {error} "
            "(expected e.g. FREQ=WEEKLY;BYDAY=TU or FREQ=MONTHLY;BYDAY=2TU,4TU)"
        )
    freq = _rule_parts(text).get("FREQ")
    if freq is None:
        return "is not a single RRULE (expected FREQ=...)"
    if freq not in FREQUENCIES:
        return f"repeats {freq} (expected FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)"
    return None


def first_date_from(rule_text: str, day: date) -> date | None:
    """The first date on or after `day` of the rule anchored at `day`; None if none in two years.

    Checks an anchor (``first_date_from(rule, first_on) == first_on``) and
    finds one (an importer anchors a new rule at its first date from today)::

        assert first_date_from("FREQ=WEEKLY;BYDAY=TU", date(2026, 1, 7)) == date(2026, 1, 13)

    Raises:
        ValueError: `rule_text` is not a rule (`check_rule` says why).
    """
    anchor = datetime.combine(day, time(12, 0))
    found = _build(rule_text, anchor).after(anchor, inc=True)
    if found is None or found > anchor + SCHEDULE_HORIZON:
        return None
    return found.date()


def weekly_rule(weekdays: Iterable[int], *, interval: int = 1) -> str:
    """``FREQ=WEEKLY;BYDAY=MO,TH`` for weekdays numbered like `date.weekday()` (0 = Monday)."""
    days = ",".join(WEEKDAY_CODES[d] for d in sorted(set(weekdays)))
    every = f"INTERVAL={interval};" if interval != 1 else ""
    return f"FREQ=WEEKLY;{every}BYDAY={days}"


# -- internals ---------------------------------------------------------------------------------

_UTC_UNTIL = re.compile(r"(UNTIL=\d{8}T\d{6})Z", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _rule_parts(rule_text: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for part in rule_text.strip().upper().split(";"):
        name, _, value = part.partition("=")
        if name:
            parts[name.strip()] = value.strip()
    return parts


class _NotOneRule(ValueError):
    """The text holds a set of rules (several lines), not one rule."""


def _build(rule_text: str, dtstart: datetime) -> rrule:
    """The rule with this naive DTSTART; ValueError (or `_NotOneRule`) when it is none."""
    # UNTIL in UTC ("...T000000Z") cannot be compared with a naive DTSTART; read it as
    # wall-clock time (off by at most two hours, and UNTIL is a date in practice).
    text = _UTC_UNTIL.sub(r"\1", rule_text.strip())
    try:
        rule = rrulestr("RRULE:" + text, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise ValueError(str(error)) from None
    if not isinstance(rule, rrule):
        raise _NotOneRule("one rule expected")
    return rule


@lru_cache(maxsize=65536)
def _parse(rule_text: str, first_on: date, start: time) -> rrule:
    """The rule with DTSTART = first_on + start as naive wall-clock time."""
    return _build(rule_text, datetime.combine(first_on, start))


def _rule_near(meeting: Meeting, local_day: date) -> rrule:
    """The meeting's rule with DTSTART moved forward to at most ~2 periods before `local_day`.

    Moving DTSTART by whole periods (INTERVAL weeks, months or years) does
    not change which dates the rule yields after it; COUNT would, so such
    rules are left alone, as are month days that do not exist in every month.
    """
    rule = _parse(meeting.rrule, meeting.first_on, meeting.start)
    parts = _rule_parts(meeting.rrule)
    if "COUNT" in parts or local_day <= meeting.first_on:
        return rule
    interval = int(parts.get("INTERVAL", "1") or 1)
    first = meeting.first_on
    freq = parts.get("FREQ")
    if freq in {"DAILY", "WEEKLY"}:
        period_days = interval * (7 if freq == "WEEKLY" else 1)
        periods = ((local_day - first).days - period_days - 7) // period_days
        if periods <= 0:
            return rule
        anchor = first + timedelta(days=periods * period_days)
    elif freq in {"MONTHLY", "YEARLY"}:
        step = interval * (12 if freq == "YEARLY" else 1)
        months = (local_day.year - first.year) * 12 + local_day.month - first.month - step - 1
        periods = months // step
        if periods <= 0 or first.day > 28:
            return rule
        total = first.month - 1 + periods * step
        anchor = first.replace(year=first.year + total // 12, month=total % 12 + 1)
    else:
        return rule
    return _moved(rule, anchor, meeting.start)


@lru_cache(maxsize=65536)
def _moved(rule: rrule, anchor: date, start: time) -> rrule:
    return rule.replace(dtstart=datetime.combine(anchor, start))


def _occurrences_from(meeting: Meeting, after: datetime) -> Iterator[datetime]:
    """Aware occurrences starting at or after `after`, skipping cancellations, until the end."""
    zone = ZoneInfo(meeting.timezone)
    local_after = after.astimezone(zone).replace(tzinfo=None)
    last_on = meeting.ends_on
    if meeting.retired_on is not None:
        retired_last = meeting.retired_on - timedelta(days=1)
        last_on = retired_last if last_on is None else min(last_on, retired_last)
    if last_on is not None and local_after.date() > last_on:
        return
    rule = _rule_near(meeting, local_after.date())
    # Start a little early: around a clock change, wall-clock and real time differ by an hour.
    skipped = 0
    for local in rule.xafter(local_after - timedelta(hours=3), inc=True):
        if last_on is not None and local.date() > last_on:
            return
        if local.date() in meeting.cancelled_on:
            skipped += 1
            if skipped > MAX_SKIPPED:
                return
            continue
        occurrence = local.replace(tzinfo=zone)
        if occurrence >= after:
            yield occurrence
