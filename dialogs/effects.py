"""What the adapter must do beyond sending screens.

`advance` stays pure: instead of writing to storage or scheduling jobs it
returns these values, and `bot/` carries them out after saving the new
state. Each effect is a frozen value so that tests can compare turns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # dialogs.checkin imports this module for `Metric`
    from dialogs.checkin import Answer


class Metric(StrEnum):
    """What is counted per clinic and week; counts only, never who."""

    STARTED = "started"  # a conversation began through the clinic's link
    SEARCHED = "searched"  # a search showed its first page of results
    VIEWED = "viewed"  # a meeting's page was opened
    REMINDER_SET = "reminder_set"  # a reminder was confirmed in the dialogue
    WENT = "went"  # a check-in answered "I went" (counted by the reminders code)


@dataclass(frozen=True, slots=True)
class SetLanguage:
    """Store the person's language choice ("nl" or "en") for later turns."""

    language: str


@dataclass(frozen=True, slots=True)
class ForgetUser:
    """Delete everything kept about this person, in one transaction."""


@dataclass(frozen=True, slots=True)
class CountMetric:
    """Add one to a clinic's weekly counter; carries no chat or user id.

    A person counts once per clinic, metric and week; `about` names what one person may
    count again for (the meeting of an "I went": each meeting they went to counts).
    """

    clinic_id: str
    metric: Metric
    about: str = ""


@dataclass(frozen=True, slots=True)
class SetReminder:
    """Schedule reminders before a meeting.

    `offsets_minutes` are minutes before the start of an occurrence (e.g.
    ``(120,)`` for two hours before; the evening before is computed so that
    it falls at 19:00 the day before). `weekly` repeats them for every
    occurrence; otherwise only for `first_at`, the occurrence the person
    was shown when confirming (aware, in the meeting's zone; None lets the
    scheduler pick the next one whose reminders are still ahead).
    """

    meeting_id: str
    offsets_minutes: tuple[int, ...]
    weekly: bool
    first_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CancelReminder:
    """Stop one reminder the person set; `reminder_id` is the bot's own id."""

    reminder_id: str


@dataclass(frozen=True, slots=True)
class SkipOccurrence:
    """ "I can't make it": skip what is still planned for that one occurrence (row's)."""

    row_id: int


@dataclass(frozen=True, slots=True)
class RemindLater:
    """A one-off reminder moves to the occurrence after the one of this outbox row."""

    row_id: int


@dataclass(frozen=True, slots=True)
class CheckinAnswered:
    """The person answered a check-in; `STOP` means: never ask again."""

    answer: Answer


Effect = (
    SetLanguage
    | ForgetUser
    | CountMetric
    | SetReminder
    | CancelReminder
    | SkipOccurrence
    | RemindLater
    | CheckinAnswered
)
"""Every effect a turn can ask for; `bot.turns.TurnRunner` carries out each one."""


def metric(clinic_id: str | None, which: Metric, about: str = "") -> tuple[Effect, ...]:
    """A clinic counter, only for conversations that came in through a clinic's link.

    `about` is what one person may count again for (see `CountMetric`).
    """
    return (CountMetric(clinic_id, which, about),) if clinic_id else ()
