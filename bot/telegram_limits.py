"""Sending within Telegram's limits, per chat, and again after network trouble.

Telegram allows about 30 messages a second overall and about one a second to one chat; a
429 (``retry_after``) concerns the chat it came for. `RetryingRateLimiter` keeps both paces
and lets a 429 hold up only its own chat: the others go on. Replies wait their turn; a
reminder (sent inside `no_waiting`) never waits for a chat that must wait, it is handed
back at once as a `RetryAfter`, so the reminder goes back to the outbox with its retry time
and the next person's reminder goes out meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

__all__ = ["RetryingRateLimiter", "no_waiting"]

log = logging.getLogger(__name__)

MAX_PACED_CHATS = 10_000
"""Chats whose pace is remembered (the most recently sent to); a forgotten one starts afresh."""

_NO_WAITING: ContextVar[bool] = ContextVar("no_waiting", default=False)


@contextlib.contextmanager
def no_waiting() -> Iterator[None]:
    """Sends inside fail with `RetryAfter` instead of waiting for a chat's 429 (reminders)."""
    token = _NO_WAITING.set(True)
    try:
        yield
    finally:
        _NO_WAITING.reset(token)


def is_message(endpoint: str) -> bool:
    """Whether a Bot API method puts a message in a chat (what Telegram's limits count).

    >>> [is_message(m) for m in ("sendMessage", "editMessageText", "deleteMessage", "getMe")]
    [True, True, False, False]
    """
    return endpoint.startswith(("send", "edit", "copy", "forward")) and endpoint != "sendChatAction"


class _ChatPace:
    """One chat's pace: about `rate` messages a second (bursts of `burst`), and until when
    Telegram asked us to wait (a 429)."""

    __slots__ = ("limiter", "not_before")

    def __init__(self, rate: float, burst: int) -> None:
        self.limiter = AsyncLimiter(burst, burst / rate)
        self.not_before = 0.0


class RetryingRateLimiter(BaseRateLimiter[int]):
    """Telegram's limits per chat and overall, a 429 per chat, retries after network trouble.

    - Messages (`is_message`) go out at most `overall_max_rate` a second, and to one chat
      about `chat_rate` a second (a burst of `chat_burst` at once). Other calls (answering a
      button, deleting a message, ``getUpdates``) are not paced.
    - A 429 makes only its chat wait ``retry_after``; the request is tried again up to
      `max_retries` times, except inside `no_waiting`, where it is raised at once (as is a
      send to a chat that still has to wait).
    - 5xx answers, timeouts and dropped connections are retried with exponential backoff
      (`network_retries` times). A timeout may mean the message did arrive; a screen twice
      is better than a screen lost. 400 and 403 are not retried: they will not get better.
      ``getUpdates`` is left to the updater, which has its own backoff.
    """

    def __init__(
        self,
        *,
        max_retries: int = 3,
        network_retries: int = 3,
        backoff_s: float = 0.5,
        overall_max_rate: float = 30,
        chat_rate: float = 1.0,
        chat_burst: int = 3,
        now_s: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_retries = max_retries
        self.network_retries = network_retries
        self.backoff_s = backoff_s
        self.chat_rate = chat_rate
        self.chat_burst = chat_burst
        self.now_s = now_s
        """Seconds on the clock a 429's wait is measured on (tests pass their own)."""
        self._overall = AsyncLimiter(overall_max_rate, 1)
        self._chats: OrderedDict[int, _ChatPace] = OrderedDict()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Any],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat_id = _chat_of(data)
        pace = self._pace(chat_id) if chat_id is not None else None
        paced = pace is not None and is_message(endpoint)
        max_retries = rate_limit_args if rate_limit_args is not None else self.max_retries
        limited, failed = 0, 0
        while True:
            if pace is not None:
                await self._wait_for_chat(pace)
            try:
                if paced:
                    assert pace is not None
                    async with pace.limiter, self._overall:
                        return await callback(*args, **kwargs)
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait_s = _seconds(error)
                if pace is not None:
                    pace.not_before = max(pace.not_before, self.now_s() + wait_s)
                if _NO_WAITING.get() or limited >= max_retries:
                    raise
                limited += 1
                log.info("%s: Telegram asked to wait %.1f s (this chat only)", endpoint, wait_s)
                if pace is None:
                    await asyncio.sleep(wait_s)
            except BadRequest:
                raise
            except NetworkError as error:
                if endpoint == "getUpdates" or failed >= self.network_retries:
                    raise
                delay_s = self.backoff_s * 2**failed
                failed += 1
                log.warning(
                    "%s failed (%s); retry %d in %.2f s",
                    endpoint,
                    type(error).__name__,
                    failed,
                    delay_s,
                )
                await asyncio.sleep(delay_s)

    def _pace(self, chat_id: int) -> _ChatPace:
        pace = self._chats.get(chat_id)
        if pace is None:
            pace = self._chats[chat_id] = _ChatPace(self.chat_rate, self.chat_burst)
            while len(self._chats) > MAX_PACED_CHATS:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return pace

    async def _wait_for_chat(self, pace: _ChatPace) -> None:
        """Wait out this chat's 429, or (inside `no_waiting`) raise it at once.

        The wait ends when `now_s` passes the chat's time, and never lasts longer in real
        time than it had left when it began (a test's clock may stand still).
        """
        wait_s = pace.not_before - self.now_s()
        if wait_s <= 0:
            return
        if _NO_WAITING.get():
            raise RetryAfter(math.ceil(wait_s))
        deadline = time.monotonic() + wait_s
        while (wait_s := pace.not_before - self.now_s()) > 0 and (
            left_s := deadline - time.monotonic()
        ) > 0:
            await asyncio.sleep(min(wait_s, left_s, 0.1))


def _chat_of(data: dict[str, Any]) -> int | None:
    chat_id = data.get("chat_id")
    with contextlib.suppress(TypeError, ValueError):
        return int(chat_id) if chat_id is not None else None
    return None


def _seconds(error: RetryAfter) -> float:
    wait = error._retry_after  # the timedelta behind PTB 22's deprecated `retry_after`
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
