"""The daily purge: whoever has been idle for ``IDLE_DAYS`` with no reminder pending is forgotten.

Why a job of its own: people rarely say goodbye. Someone who found a group and
stopped talking to the bot should not stay in the database for ever, so once a
day everything of every user whose last turn is older than ``IDLE_DAYS`` (90 by
default) is deleted (`Storage.purge_idle`: conversation state, language choice,
reminders, check-ins, in one transaction). A pending reminder keeps its user:
the bot promised to send it, and its buttons need the conversation.

The job runs a minute after start (a bot restarted every night still purges)
and then every 24 hours, on PTB's JobQueue; the clock is injected, so tests
run the real job at any date. It logs a count, never who.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.storage import Storage

__all__ = ["PURGE_EVERY", "PURGE_FIRST", "PURGE_JOB", "purge_idle_users", "schedule_daily_purge"]

log = logging.getLogger(__name__)

PURGE_EVERY = timedelta(days=1)
PURGE_FIRST = timedelta(minutes=1)
PURGE_JOB = "purge-idle"


async def purge_idle_users(storage: Storage, now: datetime, idle_days: int) -> int | None:
    """Forget everyone idle since before ``now - idle_days`` with no pending reminder.

    Returns how many people's data were deleted, or None if the purge failed
    (logged by exception type only; tomorrow's run tries again).
    """
    try:
        purged = await storage.purge_idle(now - timedelta(days=idle_days))
    except Exception as error:
        log.error("the idle purge failed: %s", type(error).__name__)
        return None
    log.info("idle purge: %d people's data deleted", purged)
    return purged


def schedule_daily_purge(
    job_queue: Any,
    storage: Storage,
    clock: Callable[[], datetime],
    idle_days: int,
    *,
    first: timedelta = PURGE_FIRST,
    every: timedelta = PURGE_EVERY,
) -> Any:
    """Put the purge on PTB's `JobQueue` (first after `first`, then every `every`); the Job."""

    async def purge(context: Any) -> None:
        await purge_idle_users(storage, clock(), idle_days)

    return job_queue.run_repeating(purge, interval=every, first=first, name=PURGE_JOB)
