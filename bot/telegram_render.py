"""Screens on Telegram: which message, which keyboard, edit or send.

A `Screen` holds no Telegram terms and the adapter has no words of its own,
so everything here is about *how* a screen is shown:

- text with inline buttons → ``sendMessage`` with an `InlineKeyboardMarkup`;
- a screen that asks for a location → a reply keyboard with a
  ``request_location`` key (plus the optional second key, which comes back as
  plain text); the next screen takes that keyboard away again;
- ``edit=True`` after a button press on the latest menu → ``editMessageText``
  in place; if Telegram refuses (too old, deleted, not text), a new message;
  "message is not modified" means the person already sees this screen;
- a venue → ``sendVenue`` (a map pin) after the text, an attachment →
  ``sendDocument`` after the text.

A message carries one markup only, so a reply keyboard cannot be removed by a
message that also needs inline buttons. Then a one-character message removes
it and is deleted at once (`KEYBOARD_REMOVER`), and the screen follows.

What this module remembers per chat (`ChatView`) lives in memory only: the
id of the latest menu and whether a reply keyboard is up. After a restart it
is empty, which costs at most one new message instead of an edit.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import MessageLimit
from telegram.error import BadRequest

from dialogs.events import Event, LocationShared, TextSent
from dialogs.screen import AskLocation, Screen

__all__ = [
    "KEYBOARD_REMOVER",
    "MAX_VIEWS",
    "ChatView",
    "ChatViews",
    "inline_markup",
    "location_keyboard",
    "note_keyboard_use",
    "send_screens",
    "split_text",
]

KEYBOARD_REMOVER = "…"  # not a word: shown for a moment while the reply keyboard goes away

# Telegram's answers to an edit that cannot be done; anything else is a real error.
_EDIT_REFUSALS = (
    "message to edit not found",
    "message can't be edited",
    "there is no text in the message to edit",
    "message_id_invalid",
    "message is too old",
)
_NOT_MODIFIED = "message is not modified"


@dataclass(slots=True)
class ChatView:
    """What the person sees now, as far as rendering needs to know (memory only).

    `menu_message_id` is the latest message with inline buttons; only a press
    on that one edits in place (a press on an older message answers below).
    """

    menu_message_id: int | None = None
    keyboard_shown: bool = False
    keyboard_others: tuple[str, ...] = ()  # the reply keyboard's text keys, if it has any


def note_keyboard_use(view: ChatView, event: Event) -> None:
    """A one-time reply keyboard hides itself once used (the location shared through it, or
    one of its other keys tapped): then the next screen need not remove it, which would cost a
    message of its own and its deletion."""
    if isinstance(event, LocationShared) or (
        isinstance(event, TextSent) and event.text in view.keyboard_others
    ):
        view.keyboard_shown = False


MAX_VIEWS = 10_000
"""Chats whose latest menu is remembered for editing in place."""


class ChatViews:
    """The `ChatView` of the most recently active chats, shared by replies and reminders.

    Bounded to `max_chats` (default `MAX_VIEWS`): a forgotten view only means the
    next screen arrives as a new message instead of an edit.
    """

    def __init__(self, max_chats: int | None = None) -> None:
        self.max_chats = MAX_VIEWS if max_chats is None else max_chats
        self._views: OrderedDict[int, ChatView] = OrderedDict()

    def __iter__(self) -> Iterator[int]:
        """The chats remembered, least recently active first."""
        return iter(self._views)

    def view(self, chat_id: int) -> ChatView:
        """What this chat sees now (created empty, and marked as the most recent)."""
        view = self._views.get(chat_id)
        if view is None:
            view = self._views[chat_id] = ChatView()
            while len(self._views) > self.max_chats:
                self._views.popitem(last=False)
        else:
            self._views.move_to_end(chat_id)
        return view

    def forget(self, chat_id: int) -> None:
        """Drop what this chat sees (it blocked the bot, or was forgotten)."""
        self._views.pop(chat_id, None)


def inline_markup(screen: Screen) -> InlineKeyboardMarkup | None:
    """The screen's buttons as an inline keyboard, row by row (None without buttons)."""
    rows = [
        [InlineKeyboardButton(button.label, callback_data=button.action) for button in row]
        for row in screen.buttons
        if row
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def location_keyboard(ask: AskLocation) -> ReplyKeyboardMarkup:
    """A reply keyboard whose first key shares the location; the other keys send their text."""
    rows = [[KeyboardButton(ask.label, request_location=True)]]
    if ask.other_labels:
        rows.append([KeyboardButton(label) for label in ask.other_labels])
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut a too long text into messages, at paragraph or line ends where possible.

    >>> split_text("a\\n\\nb", limit=2)
    ['a', 'b']
    """
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit))
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return [part for part in parts if part] or [text]


async def send_screens(
    bot: Bot,
    chat_id: int,
    screens: Sequence[Screen],
    view: ChatView,
    *,
    pressed_message_id: int | None = None,
) -> None:
    """Show the screens of one turn in order; `pressed_message_id` is the pressed menu, if any.

    Raises Telegram's errors other than a refused edit (e.g. `Forbidden` when
    the person blocked the bot) for the caller to handle.
    """
    for index, screen in enumerate(screens):
        may_edit = (
            index == 0
            and screen.edit
            and screen.ask is None
            and pressed_message_id is not None
            and pressed_message_id == view.menu_message_id
        )
        if not (may_edit and await _edit(bot, chat_id, screen, view, pressed_message_id)):
            await _send(bot, chat_id, screen, view)
        if screen.venue is not None:
            venue = screen.venue
            await bot.send_venue(
                chat_id,
                latitude=venue.lat,
                longitude=venue.lon,
                title=venue.title,
                address=venue.address,
            )
        if screen.attachment is not None:
            attachment = screen.attachment
            await bot.send_document(
                chat_id,
                InputFile(attachment.content, filename=attachment.filename),
                caption=attachment.caption or None,
                filename=attachment.filename,
            )


async def _edit(
    bot: Bot, chat_id: int, screen: Screen, view: ChatView, message_id: int | None
) -> bool:
    """Replace the pressed menu by this screen; False if Telegram refused (send instead)."""
    if view.keyboard_shown:
        await _remove_keyboard(bot, chat_id, view)
    markup = inline_markup(screen)
    texts = split_text(screen.text)
    if len(texts) > 1:
        return False
    try:
        await bot.edit_message_text(
            texts[0], chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except BadRequest as error:
        reason = str(error).lower()
        if _NOT_MODIFIED in reason:
            return True
        if any(refusal in reason for refusal in _EDIT_REFUSALS):
            return False
        raise
    view.menu_message_id = message_id if markup else None
    return True


async def _send(bot: Bot, chat_id: int, screen: Screen, view: ChatView) -> Message:
    """Send the screen as new message(s); the last part carries the keyboard."""
    inline = inline_markup(screen)
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
    if screen.ask is not None:
        markup = location_keyboard(screen.ask)
    elif view.keyboard_shown and inline is None:
        markup = ReplyKeyboardRemove()
    else:
        if view.keyboard_shown:
            await _remove_keyboard(bot, chat_id, view)
        markup = inline
    texts = split_text(screen.text)
    for text in texts[:-1]:
        await bot.send_message(chat_id, text)
    message = await bot.send_message(chat_id, texts[-1], reply_markup=markup)
    view.keyboard_shown = screen.ask is not None
    view.keyboard_others = screen.ask.other_labels if screen.ask is not None else ()
    if inline is not None and screen.ask is None:
        view.menu_message_id = message.message_id
    return message


async def _remove_keyboard(bot: Bot, chat_id: int, view: ChatView) -> None:
    """Take the reply keyboard away when the next message must carry inline buttons."""
    remover = await bot.send_message(
        chat_id, KEYBOARD_REMOVER, reply_markup=ReplyKeyboardRemove(), disable_notification=True
    )
    view.keyboard_shown = False
    with contextlib.suppress(BadRequest):  # if it stays visible, that is harmless
        await bot.delete_message(chat_id, remover.message_id)
