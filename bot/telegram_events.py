"""Telegram updates as dialog events: the only place that reads an `Update`'s content.

A button press is `ButtonPressed`, a command `Command`, text `TextSent`, a
shared location or venue `LocationShared`; stickers, photos, voice and the like
are `Unsupported` (the dialogue answers those kindly). Service messages (someone
joined, a pin…) and live-location edits are None: not for the dialogue.
"""

from __future__ import annotations

from telegram import Message, Update

from dialogs.events import ButtonPressed, Command, Event, LocationShared, TextSent, Unsupported

__all__ = ["message_event", "parse_command", "to_event"]

_UNSUPPORTED_KINDS = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "document",
    "animation",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
)


def to_event(update: Update) -> Event | None:
    """Translate one update into a dialog event; None if it is not for the dialogue.

    Service messages (someone joined, a pin…) and live-location updates (edits
    of a shared location) are not for the dialogue.
    """
    if (query := update.callback_query) is not None:
        return ButtonPressed(query.data or "")
    if (message := update.edited_message) is not None:
        if message.location:
            return None
        return Unsupported("edited", message.text or message.caption or "")
    if (message := update.message) is None:
        return None
    return message_event(message)


def message_event(message: Message) -> Event | None:
    """The event for a new message: command, text, location, or an unsupported kind."""
    if message.text:
        command = parse_command(message)
        return command if command is not None else TextSent(message.text)
    if message.venue is not None:
        location = message.venue.location
        return LocationShared(location.latitude, location.longitude)
    if message.location is not None:
        return LocationShared(message.location.latitude, message.location.longitude)
    for kind in _UNSUPPORTED_KINDS:
        if getattr(message, kind, None):
            return Unsupported(kind, message.caption or "")
    if message.text is not None or message.caption is not None:
        return Unsupported("other", message.caption or "")
    return None  # a service message


def parse_command(message: Message) -> Command | None:
    """``/start@bot abc`` → ``Command("start", "abc")``; None if the text is no command."""
    text = message.text or ""
    entity = next(iter(message.entities), None)
    if entity is None or entity.type != "bot_command" or entity.offset != 0:
        return None
    name = text[1 : entity.length].split("@", 1)[0].lower()
    return Command(name, text[entity.length :].strip())
