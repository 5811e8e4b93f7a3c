"""What a person can do in one turn, in no channel's terms.

The adapters (Telegram, terminal) translate whatever arrives into one of
these; the dialogue never sees a Telegram update.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command, e.g. ``/start abc`` → ``Command("start", "abc")``; name without slash."""

    name: str
    arg: str = ""


@dataclass(frozen=True, slots=True)
class TextSent:
    """Free text typed by the person."""

    text: str


@dataclass(frozen=True, slots=True)
class ButtonPressed:
    """A button's action string (at most 64 bytes), possibly from an old message."""

    action: str


@dataclass(frozen=True, slots=True)
class LocationShared:
    """A location shared by the person (WGS84 degrees)."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Anything else: a sticker, photo, voice message, contact, edited message…

    `kind` is a short word for it ("sticker", "photo", …) and only steers
    which kind reply is given; it is never stored or logged with content.
    `text` holds any words that came with it (a photo's caption, an edited
    message's new text): they are read for danger only, never as an answer.
    """

    kind: str = "other"
    text: str = ""


Event = Command | TextSent | ButtonPressed | LocationShared | Unsupported
