"""Where reminders go out: Telegram (through the adapter's renderer) or the terminal.

Each is a `bot.reminders.sending.Sender`; `bot.app` gives one to the `ReminderService`.
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any, Protocol

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.reminders.sending import Blocked, RetryLater, SendFailed, Undeliverable
from bot.telegram_limits import no_waiting
from bot.telegram_render import ChatViews, send_screens
from dialogs.screen import Screen

__all__ = ["ScreenPrinter", "TelegramSender", "TerminalSender"]

_GONE = ("chat not found", "user is deactivated", "bot was kicked")


class TelegramSender:
    """Sends a screen as the adapter would, and says what Telegram's errors mean for us."""

    def __init__(self, bot: Any, views: ChatViews) -> None:
        self.bot = bot
        self.views = views

    async def send(self, chat_id: int, screen: Screen) -> None:
        """Send now or raise: a chat Telegram asked to wait is `RetryLater` at once, so the
        reminder goes back to the outbox and the next person's goes out meanwhile."""
        try:
            with no_waiting():
                await send_screens(self.bot, chat_id, [screen], self.views.view(chat_id))
        except Forbidden as error:
            raise Blocked from error
        except RetryAfter as error:
            with warnings.catch_warnings():  # PTB 22 warns that this becomes a timedelta
                warnings.simplefilter("ignore")
                wait = error.retry_after
            raise RetryLater(
                wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            ) from error
        except BadRequest as error:
            if any(reason in str(error).lower() for reason in _GONE):
                raise Blocked from error
            raise Undeliverable from error
        except NetworkError as error:  # includes TimedOut
            raise SendFailed from error


class ScreenPrinter(Protocol):
    """What prints screens in the terminal (`bot.terminal.Printer`)."""

    def show(self, screens: list[Screen]) -> None: ...


class TerminalSender:
    """Prints a due reminder in the terminal (its buttons become the numbered choices)."""

    def __init__(self, printer: ScreenPrinter) -> None:
        self.printer = printer

    async def send(self, chat_id: int, screen: Screen) -> None:
        self.printer.show([screen])
