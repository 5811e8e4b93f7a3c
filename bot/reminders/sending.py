"""What a reminder channel must do (`Sender`), and the four ways a send can fail.

The service decides what each failure means for the row; a channel
(`bot.reminders.channels`) only maps its own errors onto these.
"""

from __future__ import annotations

from typing import Protocol

from dialogs.screen import Screen

__all__ = ["Blocked", "RetryLater", "SendFailed", "Sender", "Undeliverable"]


class Blocked(Exception):
    """The person blocked the bot or deleted their account (Telegram 403): forget them."""


class RetryLater(Exception):
    """Telegram asked to wait (429) even after the rate limiter's own retries."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class SendFailed(Exception):
    """Network trouble or a server error: try again later."""


class Undeliverable(Exception):
    """Telegram refused this message for good (400): it will not get better."""


class Sender(Protocol):
    """Shows one screen in one chat; raises the exceptions above."""

    async def send(self, chat_id: int, screen: Screen) -> None: ...
