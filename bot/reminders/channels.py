"""Where reminders go out: Telegram (through the adapter's renderer) or the terminal.

`attach_telegram` and `attach_terminal` are the two places that build a `ReminderService` for a
running bot: they register its effect handlers and context on the `TurnRunner` and start the
scheduling at start-up (Telegram: in ``post_init``, through the JobQueue).
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.reminders.sending import Blocked, RetryLater, SendFailed, Undeliverable
from bot.reminders.service import ReminderService
from bot.reminders.trigger import JobQueueTrigger
from bot.storage import Storage
from catalogue.holder import CatalogueHolder
from catalogue.models import Catalogue
from dialogs.screen import Screen

__all__ = ["TelegramSender", "TerminalSender", "attach_telegram", "attach_terminal"]

_GONE = ("chat not found", "user is deactivated", "bot was kicked")


class TelegramSender:
    """Sends a screen as the adapter would, and says what Telegram's errors mean for us."""

    def __init__(self, bot: Any, deps: Any) -> None:
        self.bot = bot
        self.deps = deps

    async def send(self, chat_id: int, screen: Screen) -> None:
        from bot.telegram_render import send_screens

        try:
            await send_screens(self.bot, chat_id, [screen], self.deps.view(chat_id))
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


class TerminalSender:
    """Prints a due reminder in the terminal (its buttons become the numbered choices)."""

    def __init__(self, terminal: Any) -> None:
        self.terminal = terminal

    async def send(self, chat_id: int, screen: Screen) -> None:
        self.terminal.show([screen])


def attach_telegram(
    application: Any,
    deps: Any,
    storage: Storage,
    catalogue: Catalogue | CatalogueHolder,
    *,
    horizon: timedelta = timedelta(minutes=10),
) -> tuple[ReminderService, JobQueueTrigger]:
    """Reminders for a Telegram `Application`: effects, context, and jobs armed in post_init."""
    service = ReminderService(storage, catalogue, TelegramSender(application.bot, deps))
    service.register(deps.runner)
    trigger = JobQueueTrigger(service, application.job_queue, deps.now, horizon=horizon)

    async def start(_application: Any) -> None:
        await trigger.start()

    deps.on_start.append(start)
    return service, trigger


def attach_terminal(
    terminal: Any,
    *,
    clock: Callable[[], datetime] | None = None,
    every_s: float = 30.0,
) -> Awaitable[None]:
    """For `bot.terminal.BACKGROUND`: wire the reminders in now, print them when due.

    The effect handlers and context are registered at once (before the first turn); the
    returned coroutine then sends what is due every `every_s` seconds until cancelled.
    """
    runner = terminal.runner
    now = clock or terminal.clock
    service = ReminderService(runner.storage, runner.holder, TerminalSender(terminal))
    service.register(runner)

    async def loop() -> None:
        await service.start(now())
        while True:
            await service.run_due(now())
            await asyncio.sleep(every_s)

    return loop()
