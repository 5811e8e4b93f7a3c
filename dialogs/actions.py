"""Button actions: short strings that say which question a button answers.

An action is ``<step>:<verb>`` or ``<step>:<verb>:<argument>``, where
`<step>` is the `Step` value of the question the button belonged to. When a
button from an older message arrives (a double tap, a message scrolled back
to, a conversation restarted since), its step no longer matches the state
and the dialogue answers kindly with the current question instead.

Actions under ``go:`` are valid at any step (`Everywhere`: continue, go
back, start again, choose a language, delete everything, keep it, help).

    >>> action("who", "self")
    'who:self'
    >>> parse_action("where:place:gn:2745912")
    ('where', 'place', 'gn:2745912')
"""

from __future__ import annotations

import re
from enum import StrEnum

GLOBAL = "go"
REMINDERS = "rm"
"""Actions of a reminder's buttons (`dialogs.reminders`), valid at any step; a meeting's page
uses its map pin too."""
MAX_ID_DIGITS = 9
"""Ids in button data (reminders, outbox rows, list positions) are small: a longer number is
forged, and would overflow SQLite's integers if it went on."""
_SMALL_ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


class Everywhere(StrEnum):
    """The answers of buttons under ``go:``, valid whatever question is open."""

    RESUME = "resume"  # go on where I was
    BACK = "back"  # to the question asked before this one
    RESTART = "restart"  # start again
    LANGUAGE = "lang"  # argument: "nl" or "en"
    FORGET = "forget"  # delete everything
    KEEP = "keep"  # stop, but keep my answers
    HELP = "hulp"  # professional help and helplines


def action(step: str, verb: str, argument: str = "") -> str:
    """The action string for a button (at most 64 bytes, checked by `Button`)."""
    return f"{step}:{verb}:{argument}" if argument else f"{step}:{verb}"


def parse_action(text: str) -> tuple[str, str, str]:
    """(step, verb, argument); missing parts are empty strings."""
    step, _, rest = text.partition(":")
    verb, _, argument = rest.partition(":")
    return step, verb, argument


def fits(step: str, verb: str, argument: str) -> bool:
    """Whether an action with this argument fits Telegram's 64-byte limit."""
    return len(action(step, verb, argument).encode()) <= 64


def small_id(text: str) -> int | None:
    """The id a button argument names, or None unless it is 1-9 ASCII digits.

    Button data comes from the client and can be forged: ``"²".isdigit()`` is true yet
    ``int("²")`` fails, and a 40-digit id overflows SQLite.

    >>> small_id("42"), small_id("²"), small_id("1" * 40), small_id("-1"), small_id("")
    (42, None, None, None, None)
    """
    return int(text) if _SMALL_ID.fullmatch(text) else None
