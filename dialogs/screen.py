"""What the bot shows in one turn, in no channel's terms.

A `Screen` is rendered by an adapter: Telegram sends its text with inline
buttons (or a reply keyboard when it asks for a location), then a map pin
for `venue` and a file for `attachment`; the terminal prints the text and
numbers the buttons. A screen holds no Telegram types and no words of the
adapter's own: all its text is already translated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Button:
    """A choice; `action` goes back to `advance` as `ButtonPressed(action)` (≤ 64 bytes)."""

    label: str
    action: str

    def __post_init__(self) -> None:
        if len(self.action.encode()) > 64:
            raise ValueError(f"button action longer than 64 bytes: {self.action!r}")


@dataclass(frozen=True, slots=True)
class AskLocation:
    """Ask the person to share a location; `label` is the share button's text."""

    label: str
    other_labels: tuple[str, ...] = ()  # more keys, e.g. "Online", sent back as typed text


@dataclass(frozen=True, slots=True)
class VenuePin:
    """A place to show as a map pin (Telegram venue) after the text."""

    lat: float
    lon: float
    title: str
    address: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to send after the text, e.g. an iCalendar file."""

    filename: str
    content: bytes
    mime_type: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Screen:
    """One answer to one turn.

    `edit` says the screen may replace the message whose button was pressed
    (a menu changing in place) instead of arriving as a new message.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    ask: AskLocation | None = None
    venue: VenuePin | None = None
    attachment: Attachment | None = None
    edit: bool = False


def join(*parts: str | None) -> str:
    """Paragraphs, skipping empty ones."""
    return "\n\n".join(p for p in parts if p)


def with_hint(screen: Screen, hint: str | None) -> Screen:
    """The same screen with a line above it (a kind re-ask); a hint is never an edit in place."""
    if not hint:
        return screen
    return replace(screen, text=join(hint, screen.text), edit=False)
