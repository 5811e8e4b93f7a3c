"""When to send what: the timing rules of reminders and check-ins, with no I/O.

Rules of this module:

1. No clock: every function takes `now` (aware) when it needs one.
2. No storage and no Telegram: it answers questions about instants only.
3. The user's time zone is the meeting's zone. We ask nobody where they live; the meeting they
   chose is in their country, so its zone is the one their evenings and nights are in.

Three kinds of message leave the bot on its own initiative, and they differ in who asked:

- a *reminder* the user asked for, at a time the user chose (relative to the meeting);
- a *check-in* ("how did it go?") that the user did not ask for;
- a *notice* that a meeting they are reminded of was cancelled or has stopped.

Quiet hours (22:00–08:00, user's zone) hold back everything unsolicited. A reminder is sent at
its planned minute even at night: the user chose "two hours before" a 07:30 meeting. What a
reminder may not do is arrive late *and* at night: one that the bot missed while it was down is
moved to the end of the quiet hours, if the meeting has not started by then.

    >>> from zoneinfo import ZoneInfo

    >>> ams = ZoneInfo("Europe/Amsterdam")
    >>> meeting_at = datetime(2026, 3, 29, 19, 30, tzinfo=ams)   # the day summer time starts
    >>> reminder_due_at(meeting_at, 24 * 60 + 30).isoformat()     # "the evening before"
    '2026-03-28T19:00:00+01:00'
    >>> reminder_due_at(meeting_at, 120).isoformat()              # "two hours before"
    '2026-03-29T17:30:00+02:00'

When a reminder is due is the catalogue's rule (`catalogue.reminder_times`), shared with the
dialogue that confirms the times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = [
    "CHECKIN_AFTER_END",
    "CHECKIN_USEFUL_FOR",
    "MAX_UNANSWERED_CHECKINS",
    "ON_TIME_GRACE",
    "QUIET_END",
    "QUIET_START",
    "UNSOLICITED_GAP_DAYS",
    "CheckinState",
    "Decision",
    "Kind",
    "Verdict",
    "checkin_due_at",
    "checkin_verdict",
    "decide",
    "end_of_quiet",
    "is_quiet",
]

QUIET_START = time(22, 0)
QUIET_END = time(8, 0)

CHECKIN_AFTER_END = timedelta(hours=2)
""""A few hours after the meeting": long enough to be home, soon enough to remember."""
CHECKIN_USEFUL_FOR = timedelta(hours=36)
"""Past this long after the meeting's end, "how did it go?" is odd: the check-in is dropped."""
ON_TIME_GRACE = timedelta(minutes=15)
"""A send this late still counts as on time (the rate limiter may queue a busy minute's burst)."""
MAX_UNANSWERED_CHECKINS = 3
UNSOLICITED_GAP_DAYS = 7
"""At most one unsolicited message (a check-in) per user in any 7 calendar days (user's zone).

Counted in calendar days, not hours: last week's check-in at 08:00 in winter and this week's at
08:00 in summer are 6 days 23 hours apart, and the weekly one must still go."""


class Kind(StrEnum):
    """What a scheduled message is; stored in the outbox row."""

    REMINDER = "reminder"
    CHECKIN = "checkin"
    NOTICE = "notice"


class Verdict(StrEnum):
    """What to do with a scheduled message now."""

    SEND = "send"
    DEFER = "defer"  # not now: try again at `Decision.at`
    DROP = "drop"  # no longer useful; counted, never sent


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    at: datetime | None = None  # for DEFER: when to try again (aware, UTC)


def is_quiet(at: datetime, zone: ZoneInfo) -> bool:
    """True between 22:00 and 08:00 on the wall clock of `zone`."""
    wall = at.astimezone(zone).time()
    return wall >= QUIET_START or wall < QUIET_END


def end_of_quiet(at: datetime, zone: ZoneInfo) -> datetime:
    """`at` itself outside quiet hours, else the 08:00 that ends them (aware, in `zone`)."""
    local = at.astimezone(zone)
    if not is_quiet(local, zone):
        return local
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=zone)


def likely_length(duration: timedelta | None) -> timedelta:
    """How long to reckon a meeting lasts when timing a check-in; never shown to anyone.

    A meeting whose source gives no end is taken to last an hour, the Meeting
    Guide spec's default, only so that "how did it go?" comes after it.
    """
    return timedelta(hours=1) if duration is None else duration


def checkin_due_at(occurrence_at: datetime, duration: timedelta | None) -> datetime:
    """When to ask "how did it go?": a few hours after the end, never at night."""
    zone = occurrence_at.tzinfo
    assert isinstance(zone, ZoneInfo)
    ends_at = occurrence_at.astimezone(UTC) + likely_length(duration)
    return end_of_quiet(ends_at + CHECKIN_AFTER_END, zone)


def decide(
    kind: Kind,
    *,
    due_at: datetime,
    occurrence_at: datetime | None,
    duration: timedelta | None,
    zone: ZoneInfo,
    now: datetime,
) -> Decision:
    """Whether a scheduled message may go out at `now`: the catch-up and quiet-hours policy.

    - Not yet due → DEFER to `due_at`.
    - A reminder: on time (within `ON_TIME_GRACE`) → SEND, even at night (the user chose the
      time). Late → useful only before the meeting starts: at night it is moved to 08:00 if the
      meeting is still ahead then, else DROP.
    - A check-in: never at night (DEFER to 08:00); DROP once `CHECKIN_USEFUL_FOR` has passed
      since the meeting's end.
    - A notice: never at night (DEFER to 08:00); never dropped.

        >>> ams = ZoneInfo("Europe/Amsterdam")
        >>> meeting = datetime(2026, 11, 24, 19, 30, tzinfo=ams)
        >>> late = datetime(2026, 11, 24, 19, 45, tzinfo=ams)
        >>> decide(Kind.REMINDER, due_at=meeting - timedelta(hours=2), occurrence_at=meeting,
        ...        duration=timedelta(minutes=90), zone=ams, now=late).verdict
        <Verdict.DROP: 'drop'>
    """
    if now < due_at:
        return Decision(Verdict.DEFER, due_at.astimezone(UTC))
    late = now - due_at > ON_TIME_GRACE
    if kind is Kind.REMINDER:
        if occurrence_at is None or now >= occurrence_at:
            return Decision(Verdict.DROP)
        if not late or not is_quiet(now, zone):
            return Decision(Verdict.SEND)
        morning = end_of_quiet(now, zone)
        if morning < occurrence_at:
            return Decision(Verdict.DEFER, morning.astimezone(UTC))
        return Decision(Verdict.DROP)
    ended_long_ago = (
        occurrence_at is not None
        and now - (occurrence_at + likely_length(duration)) > CHECKIN_USEFUL_FOR
    )
    if kind is Kind.CHECKIN and ended_long_ago:
        return Decision(Verdict.DROP)
    if is_quiet(now, zone):
        return Decision(Verdict.DEFER, end_of_quiet(now, zone).astimezone(UTC))
    return Decision(Verdict.SEND)


@dataclass(frozen=True, slots=True)
class CheckinState:
    """What we remember per user about check-ins: enough to stay gentle, nothing more.

    `unanswered` counts check-ins sent in a row without an answer (reset by any answer);
    `last_sent_at` is the last unsolicited message sent.
    """

    opted_out: bool = False
    unanswered: int = 0
    last_sent_at: datetime | None = None


def checkin_verdict(state: CheckinState, now: datetime, zone: ZoneInfo) -> Verdict:
    """May a check-in go to this user now? SEND, or DROP (this one is skipped).

    Stops for good when the user said "I'd rather not be asked" or left three unanswered; and
    never a second unsolicited message within a week.

        >>> ams, now = ZoneInfo("Europe/Amsterdam"), datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
        >>> checkin_verdict(CheckinState(unanswered=3), now, ams)
        <Verdict.DROP: 'drop'>
        >>> checkin_verdict(CheckinState(last_sent_at=now - timedelta(days=6)), now, ams)
        <Verdict.DROP: 'drop'>
        >>> week_ago = now - timedelta(days=7, minutes=-1)
        >>> checkin_verdict(CheckinState(unanswered=2, last_sent_at=week_ago), now, ams)
        <Verdict.SEND: 'send'>
    """
    if state.opted_out or state.unanswered >= MAX_UNANSWERED_CHECKINS:
        return Verdict.DROP
    if state.last_sent_at is not None:
        days = (now.astimezone(zone).date() - state.last_sent_at.astimezone(zone).date()).days
        if days < UNSOLICITED_GAP_DAYS:
            return Verdict.DROP
    return Verdict.SEND
