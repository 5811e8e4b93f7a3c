"""The Bot API connection, metered: every request counted by method, every answer timed.

`MeteredRequest` is PTB's `HTTPXRequest` with one addition: it tells `Metrics` about each
attempt (retries included, since it sits below the rate limiter) and tells `ApiWatch` when
the Bot API last answered at all. Readiness (`bot.health`) reads that: while polling, a
``getUpdates`` comes back at least every poll timeout even when nobody writes; with a
webhook, a probe (`bot.health.probe_webhook`) asks ``getWebhookInfo`` every minute.

Only the method name is recorded, taken from the end of the URL; the token earlier in the
URL is never looked at, and anything that is not a method name counts as ``other``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest

from bot.metrics import Metrics

__all__ = ["ApiWatch", "MeteredRequest"]

_METHOD_NAME = re.compile(r"[a-z][A-Za-z]{2,40}")


class ApiWatch:
    """When the Bot API last answered (any HTTP answer, even an error, means it is there)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last_answer_at: float | None = None

    def answered(self) -> None:
        self.last_answer_at = self.clock()

    def silence_s(self) -> float | None:
        """Seconds since the last answer; None if there was none yet."""
        if self.last_answer_at is None:
            return None
        return self.clock() - self.last_answer_at


class MeteredRequest(HTTPXRequest):
    """`HTTPXRequest` that counts requests and failures by method, and notes each answer."""

    def __init__(self, metrics: Metrics, watch: ApiWatch, **options: Any) -> None:
        super().__init__(**options)
        self.metrics = metrics
        self.watch = watch

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        name = name if _METHOD_NAME.fullmatch(name) else "other"
        self.metrics.requests.labels(name).inc()
        try:
            status, body = await super().do_request(url, method, *args, **kwargs)
        except NetworkError:
            self.metrics.failures.labels(name, "network").inc()
            raise
        self.watch.answered()
        if status == 429:
            self.metrics.failures.labels(name, "429").inc()
            self.metrics.rate_limit_waits.inc()
            self.metrics.rate_limit_wait_seconds.inc(_retry_after_s(body))
        elif status >= 400:
            self.metrics.failures.labels(name, f"{status // 100}xx").inc()
        return status, body


def _retry_after_s(body: bytes) -> float:
    """The ``retry_after`` of a 429 answer (0 if it cannot be read)."""
    try:
        value = json.loads(body).get("parameters", {}).get("retry_after", 0)
        return float(value)
    except (ValueError, AttributeError, TypeError):
        return 0.0
