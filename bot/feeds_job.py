"""Keeping the running bot's catalogue current: feeds on the JobQueue, import files watched.

`CatalogueRefresher` does three things, on PTB's JobQueue on Telegram (in the terminal,
which has no JobQueue, `refresh_due` does the same on a plain loop):

- **Feeds**: each feed in ``feeds.yaml`` is refreshed on its own interval
  (daily by default) with a jitter of up to a tenth of it (at most 15 min), so
  many bots never knock on a volunteer's server in the same second. The first
  run comes one interval after the feed's last success, or within a minute
  when it is overdue or new. The fetch and import run in a worker thread.
- **Watching**: every `watch_every` (30 s) it compares the import files and
  ``feeds.yaml`` with what it last loaded (names, sizes, modification
  times: a few ``stat`` calls). A `python -m catalogue feeds refresh` or
  `import` from the command line, or a hand edit, is picked up that way.
- **Swapping**: a change rebuilds the catalogue and its search index off the
  event loop (`bot.catalogue_builder`: a worker process), then swaps them
  into the `CatalogueHolder` at once and lets the reminders follow it (moved,
  cancelled, retired meetings). A catalogue that no longer loads (a bad hand
  edit) is logged and the old one stays.

Once a day it warns in the log about feeds not refreshed for over 7 days
(feed names and ages only: nothing personal); a feed not refreshed for over
30 days is marked outdated in the held catalogue, and its meetings then say
that the data may be out of date.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.catalogue_builder import CatalogueBuilder
from bot.health import Check, CheckRun
from bot.metrics import Metrics
from catalogue.errors import CatalogueError
from catalogue.feeds import (
    OUTDATED_AFTER,
    WARN_AFTER,
    Feed,
    Limits,
    Refresh,
    read_feeds,
    read_health,
)
from catalogue.feeds.fetching import DEFAULT_LIMITS
from catalogue.feeds.refresh import refresh_feed
from catalogue.feeds.subscriptions import feeds_path
from catalogue.holder import CatalogueHolder, LoadedCatalogue
from catalogue.loading import import_files

__all__ = ["CatalogueRefresher", "feed_checks", "feed_metrics"]

log = logging.getLogger(__name__)

MAX_JITTER = timedelta(minutes=15)
JOB_PREFIX = "feed:"

OnSwap = Callable[[datetime], Awaitable[None]]
"""Called after each swap with the time, e.g. the reminders' `follow_catalogue`."""


class CatalogueRefresher:
    """Refreshes feeds and swaps new catalogues into `holder` (see module docstring)."""

    def __init__(
        self,
        holder: CatalogueHolder,
        data_dir: Path,
        clock: Callable[[], datetime],
        *,
        limits: Limits = DEFAULT_LIMITS,
        watch_every: timedelta = timedelta(seconds=30),
        rng: random.Random | None = None,
        on_swap: list[OnSwap] | None = None,
    ) -> None:
        self.holder = holder
        self.data_dir = Path(data_dir)
        self.clock = clock
        self.limits = limits
        self.watch_every = watch_every
        self.rng = rng or random.Random()
        self.on_swap: list[OnSwap] = list(on_swap or [])
        self.feeds: dict[str, Feed] = {}
        self._loaded = self._signature()
        self._feeds_file = self._feeds_signature()
        self._swap_lock = asyncio.Lock()
        self._job_queue: Any = None
        self.builder = CatalogueBuilder()
        self.swaps = 0

    # --- wiring ---------------------------------------------------------------------

    async def start(self, job_queue: Any | None) -> None:
        """Schedule the feeds, the watcher and the daily overdue check (call in post_init).

        Without a JobQueue (the terminal) it only reads the feeds; the caller then calls
        `refresh_due` on its own loop.
        """
        self._job_queue = job_queue
        self._schedule_feeds()
        self.mark_outdated()
        if job_queue is None:
            return
        seconds = self.watch_every.total_seconds()
        job_queue.run_repeating(self._on_watch, interval=seconds, first=seconds, name="feeds:watch")
        job_queue.run_repeating(
            self._on_overdue_check, interval=24 * 3600, first=120, name="feeds:overdue"
        )

    def close(self) -> None:
        """Stop the worker process that builds catalogues (call when the bot stops)."""
        self.builder.close()

    # --- what the jobs do ---------------------------------------------------------------

    async def refresh(self, name: str) -> Refresh:
        """Fetch and import one feed in a worker thread, then swap in what changed."""
        feed = self.feeds[name]
        result = await asyncio.to_thread(
            refresh_feed, feed, self.data_dir, now=self.clock(), limits=self.limits
        )
        if result.error:
            log.warning("feed %s failed, its last good copy stays: %s", name, result.error)
        else:
            log.info("%s", result.summary())
        if await self.reload_if_changed() is None:
            self.mark_outdated()
        return result

    async def refresh_due(self) -> None:
        """What the jobs do, for a caller without a JobQueue: refresh each feed whose
        interval has passed since it was last tried (or never tried), then pick up import
        files changed from the command line."""
        now, health = self.clock(), read_health(self.data_dir)
        for name, feed in list(self.feeds.items()):
            tried = health.get(name)
            if tried is None or tried.last_attempt_at is None:
                due = True
            else:
                due = now - tried.last_attempt_at >= feed.interval
            if due:
                await self.refresh(name)
        await self.reload_if_changed()

    async def reload_if_changed(self) -> LoadedCatalogue | None:
        """Rebuild and swap if an import file changed since the last load; else None."""
        if self._feeds_signature() != self._feeds_file:
            self._feeds_file = self._feeds_signature()
            self._schedule_feeds()
        if self._signature() == self._loaded:
            return None
        return await self.reload()

    async def reload(self) -> LoadedCatalogue | None:
        """Build the catalogue and its index off the event loop, then swap them in at once."""
        async with self._swap_lock:
            signature = self._signature()
            today = self.clock().date()
            try:
                catalogue, search = await self.builder.build(self.data_dir, today)
            except CatalogueError as error:
                log.error("the changed catalogue does not load; the old one stays:\n%s", error)
                self._loaded = signature  # do not retry until the files change again
                return None
            loaded = LoadedCatalogue(
                catalogue, self.holder.current.places, search, self.outdated_feeds()
            )
            self.holder.swap(loaded)
            self._loaded = signature
            self.swaps += 1
            log.info("catalogue swapped in (%d meetings)", len(catalogue.meetings))
            now = self.clock()
            for hook in self.on_swap:
                await hook(now)
            return loaded

    def outdated_feeds(self) -> frozenset[str]:
        """The addresses of feeds not refreshed for over 30 days (their meetings say so)."""
        now, health = self.clock(), read_health(self.data_dir)
        return frozenset(
            feed.url
            for name, feed in self.feeds.items()
            if name in health and health[name].is_overdue(now, OUTDATED_AFTER)
        )

    def mark_outdated(self) -> None:
        """Swap in the same catalogue with the outdated feeds of today, if they changed."""
        outdated = self.outdated_feeds()
        if outdated != self.holder.current.outdated_feeds:
            self.holder.swap(replace(self.holder.current, outdated_feeds=outdated))

    def warn_overdue(self) -> list[str]:
        """Log a warning per feed not refreshed for over 7 days; returns their names."""
        now, health = self.clock(), read_health(self.data_dir)
        overdue = [
            name
            for name in self.feeds
            if health.get(name) and health[name].is_overdue(now, WARN_AFTER)
        ]
        for name in overdue:
            age = health[name].age(now)
            since = f"{age.days} days" if age is not None else "ever (it never succeeded)"
            log.warning("feed %s has not been refreshed for %s", name, since)
        return overdue

    # --- scheduling -------------------------------------------------------------------

    def _schedule_feeds(self) -> None:
        """(Re)arm one repeating job per feed in ``feeds.yaml``."""
        try:
            feeds = read_feeds(self.data_dir)
        except CatalogueError as error:
            log.error("feeds.yaml is not valid; the feeds keep their schedule:\n%s", error)
            return
        self.feeds = {feed.name: feed for feed in feeds}
        if self._job_queue is None:
            return
        for job in self._job_queue.jobs():
            if job.name and job.name.startswith(JOB_PREFIX):
                job.schedule_removal()
        health = read_health(self.data_dir)
        now = self.clock()
        for feed in feeds:
            first = self._first_run(feed, health.get(feed.name), now)
            self._job_queue.run_repeating(
                self._on_feed,
                interval=(feed.interval + self._jitter(feed.interval)).total_seconds(),
                first=first.total_seconds(),
                name=f"{JOB_PREFIX}{feed.name}",
                data=feed.name,
            )

    def _first_run(self, feed: Feed, health: Any, now: datetime) -> timedelta:
        """One interval after the last success; within a minute if overdue or never fetched."""
        soon = timedelta(seconds=self.rng.uniform(5, 60))
        if health is None or health.last_success_at is None:
            return soon
        due = health.last_success_at + feed.interval - now
        return max(due + self._jitter(feed.interval), soon)

    def _jitter(self, interval: timedelta) -> timedelta:
        return min(interval / 10, MAX_JITTER) * self.rng.random()

    def _signature(self) -> tuple[tuple[str, int, int], ...]:
        """What the catalogue was loaded from: each import file's name, size and mtime."""
        found = []
        for path in import_files(self.data_dir):
            try:
                stat = path.stat()
            except OSError:  # removed between listing and stat
                continue
            found.append((path.name, stat.st_size, stat.st_mtime_ns))
        return tuple(found)

    def _feeds_signature(self) -> tuple[int, int] | None:
        try:
            stat = feeds_path(self.data_dir).stat()
        except OSError:
            return None
        return (stat.st_size, stat.st_mtime_ns)

    # --- job callbacks ------------------------------------------------------------------

    async def _on_feed(self, context: Any) -> None:
        if context.job.data in self.feeds:
            await self.refresh(context.job.data)

    async def _on_watch(self, context: Any) -> None:
        await self.reload_if_changed()

    async def _on_overdue_check(self, context: Any) -> None:
        self.warn_overdue()
        self.mark_outdated()


def feed_checks(data_dir: Path, clock: Callable[[], datetime]) -> tuple[CheckRun, ...]:
    """For ``/readyz``: one check per subscribed feed, failing after 7 days without a refresh.

    The bot goes on answering from the last good copy; the check is there so
    that monitoring tells the operator before people are told (after 30 days).
    """
    try:
        feeds = read_feeds(data_dir)
    except CatalogueError:
        return ()

    def check_for(name: str) -> CheckRun:
        async def feed() -> Check:
            now = clock()
            health = read_health(data_dir).get(name)
            if health is None or health.last_attempt_at is None:
                return Check(f"feed {name}", True, "not fetched yet")
            overdue = health.is_overdue(now, WARN_AFTER)
            age = health.age(now)
            detail = "never refreshed" if age is None else f"last refreshed {age.days} days ago"
            return Check(f"feed {name}", not overdue, detail)

        return feed

    return tuple(check_for(feed.name) for feed in feeds)


def feed_metrics(
    data_dir: Path, clock: Callable[[], datetime], metrics: Metrics
) -> Callable[[], Awaitable[None]]:
    """For ``/metrics``: each feed's age and record count, read from its health at a scrape."""

    async def refresh() -> None:
        now, health = clock(), read_health(data_dir)
        for name, feed in health.items():
            age = feed.age(now)
            if age is not None:
                metrics.feed_age_seconds.labels(name).set(age.total_seconds())
            if feed.record_count is not None:
                metrics.feed_records.labels(name).set(feed.record_count)

    return refresh
