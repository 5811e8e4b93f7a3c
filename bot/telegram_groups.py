"""Groups and channels: the bot leaves them, politely.

Nobody should talk about their addiction where others read along, and a group the bot stays
in is a place where someone might. So when the bot is added to a group, supergroup or
channel, or anything reaches it from one, it says once that it only works in a private chat
(with the link to one) and leaves. In a channel it leaves without a word: a message there
would be posted to every subscriber.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.turns import choose_language
from locales import N_, translations

__all__ = ["LEAVE_TEXT", "leave_group"]

log = logging.getLogger(__name__)

LEAVE_TEXT = N_(
    "Ik werk alleen in een privégesprek, zodat niemand meeleest. Stuur me daar een bericht: {link}"
)
_GONE = (ChatMember.LEFT, ChatMember.BANNED)


async def leave_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave any chat that is not a private one, saying why where that is polite."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    member = update.my_chat_member
    if member is not None and member.new_chat_member.status in _GONE:
        return  # removed already: nothing to say, nowhere to leave
    user = update.effective_user
    language = choose_language(None, user.language_code if user else None)
    text = (
        translations(language)
        .gettext(LEAVE_TEXT)
        .format(link=f"https://t.me/{context.bot.username}")
    )
    try:
        if chat.type != ChatType.CHANNEL:
            await context.bot.send_message(chat.id, text)
        await context.bot.leave_chat(chat.id)
    except TelegramError as error:  # removed meanwhile, or not allowed to post: still gone
        log.info("leaving a group: %s", type(error).__name__)
        with contextlib.suppress(TelegramError):
            await context.bot.leave_chat(chat.id)
    log.info("left a %s", chat.type)
