"""Sending within Telegram's limits, and again after network trouble (`RetryingRateLimiter`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

__all__ = ["RetryingRateLimiter"]

log = logging.getLogger(__name__)


class RetryingRateLimiter(AIORateLimiter):
    """Telegram's limits (30 messages/s overall, 20/min per group) plus retries.

    `AIORateLimiter` honours a 429's ``retry_after`` (up to `max_retries`
    times). This adds retries with exponential backoff for network trouble:
    5xx answers, timeouts and dropped connections. A timeout may mean the
    message did arrive; a screen twice is better than a screen lost. 400 and
    403 are not retried: they will not get better. ``getUpdates`` is left to
    the updater, which has its own backoff.
    """

    def __init__(
        self,
        *,
        max_retries: int = 3,
        network_retries: int = 3,
        backoff_s: float = 0.5,
        overall_max_rate: float = 30,
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self.network_retries = network_retries
        self.backoff_s = backoff_s

    async def process_request(
        self,
        callback: Callable[..., Any],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise
            except NetworkError as error:
                if endpoint == "getUpdates" or attempt >= self.network_retries:
                    raise
                delay_s = self.backoff_s * 2**attempt
                attempt += 1
                log.warning(
                    "%s failed (%s); retry %d in %.2f s",
                    endpoint,
                    type(error).__name__,
                    attempt,
                    delay_s,
                )
                await asyncio.sleep(delay_s)
