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

from enum import StrEnum

GLOBAL = "go"


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
