"""Is the bot alive, and can it do its work? The checks behind ``/readyz`` and ``check``.

Alive (``/healthz``) only means the process answers HTTP. Ready (``/readyz``, and
``python -m bot check`` once, for cron and orchestrators) means every `Check` passes:

- ``catalogue``: a catalogue with meetings is loaded;
- ``database``: the SQLite file takes a write (the write lock is taken and released);
- ``bot_api``: the Bot API answered within the last ``READY_MAX_SILENCE_MINUTES`` (a poll
  returns at least every poll timeout; with a webhook the probe asks every minute);
- one check per subscribed feed (`bot.feeds_job.feed_checks`): refreshed within 7 days.

A check says what it found in a few words and never anything about a person.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.storage import Storage, StorageError
from bot.telegram_request import ApiWatch
from catalogue.holder import CatalogueHolder

__all__ = [
    "Check",
    "CheckRun",
    "bot_api_check",
    "catalogue_check",
    "database_check",
    "probe_webhook",
    "run_checks",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Check:
    """One readiness check's verdict: its name, whether it passed, and what it saw."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


CheckRun = Callable[[], Awaitable[Check]]
"""Runs one check now."""


async def run_checks(checks: Sequence[CheckRun]) -> list[Check]:
    """Run every check (one that raises counts as failed); the bot is ready if all pass."""
    results = []
    for check in checks:
        try:
            results.append(await check())
        except Exception as error:  # a broken check must not hide the others
            name = getattr(check, "__name__", "check")
            results.append(Check(name, False, f"the check failed: {type(error).__name__}"))
    return results


def catalogue_check(holder: CatalogueHolder) -> CheckRun:
    async def catalogue() -> Check:
        meetings = len(holder.catalogue.meetings)
        return Check("catalogue", meetings > 0, f"{meetings} meetings loaded")

    return catalogue


def database_check(storage: Storage) -> CheckRun:
    async def database() -> Check:
        try:
            await storage.check_writable()
        except StorageError as error:
            return Check("database", False, f"not writable ({_first_words(error)})")
        return Check("database", True, "writable")

    return database


def bot_api_check(watch: ApiWatch, max_silence_s: float) -> CheckRun:
    async def bot_api() -> Check:
        silence = watch.silence_s()
        if silence is None:
            return Check("bot_api", False, "no answer from the Bot API yet")
        ok = silence <= max_silence_s
        return Check(
            "bot_api", ok, f"last answer {silence:.0f} s ago (at most {max_silence_s:.0f})"
        )

    return bot_api


async def probe_webhook(bot: Any) -> None:
    """Ask Telegram about the webhook: its answer keeps ``bot_api`` fresh when nobody writes.

    Telegram's view is logged when it reports delivery errors (its description holds no
    personal data: it is about our HTTPS endpoint).
    """
    try:
        info = await bot.get_webhook_info()
    except Exception as error:  # counted by MeteredRequest; readiness goes stale by itself
        log.warning("getWebhookInfo failed: %s", type(error).__name__)
        return
    if info.last_error_message:
        log.warning(
            "Telegram reports webhook delivery trouble (%d updates pending): %s",
            info.pending_update_count,
            info.last_error_message,
        )


def _first_words(error: Exception) -> str:
    return str(error).split(":", 1)[0][:80]
