"""Refreshing subscribed feeds: fetch, check whole, import, and keep score.

One refresh of one feed:

1. fetch it (`fetching.fetch`), conditionally on the last good copy's ETag /
   Last-Modified; a 304 is a success that changes nothing;
2. import the body with its format's importer (`catalogue.importers.import_feed`),
   which checks every record as the loader will and writes
   ``imports/<format>-<name>.yaml`` only if the whole catalogue still loads;
3. record the outcome in the feed's health (`health.py`).

A feed **fails**, and keeps its last good copy, when it is unreachable, the
server answers 4xx/5xx, the body is larger than the limit or not valid JSON,
every record is bad, or it has fewer than half the meetings of its last good
copy. Each failure is one line naming the feed (and, for records, the record
and the field). One feed's failure never stops the others (`refresh_feeds`).

The last good body is kept as ``<data dir>/feeds/<name>.json`` (``.csv``), so
that a 304 never leaves a feed without its import. Refreshes take a lock file
(``feeds/.lock``): the bot's job and a `feeds refresh` from the command line
never write the same files at once.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import httpx

from catalogue.errors import CatalogueError
from catalogue.feeds.fetching import DEFAULT_LIMITS, Fetched, Limits, fetch
from catalogue.feeds.health import FEEDS_STATE_DIR, FeedHealth, read_health, write_health
from catalogue.feeds.subscriptions import Feed
from catalogue.importers import FeedFormat, ImportReport, import_feed
from catalogue.importers.store import import_path

MAX_REASONS_KEPT = 100
"""Skipped records kept in the health file; the count is always exact."""


class Outcome(StrEnum):
    """What one refresh did."""

    IMPORTED = "imported"  # a new body, imported (changed or not)
    NOT_MODIFIED = "not modified"  # the server said 304
    FAILED = "failed"  # the last good copy stays


@dataclass(frozen=True, slots=True)
class Refresh:
    """The result of refreshing one feed, for the command line and the log."""

    feed: str
    outcome: Outcome
    health: FeedHealth
    report: ImportReport | None = None
    error: str | None = None

    def summary(self) -> str:
        """One line: ``na-nl: imported: added 3, updated 1, ...`` or the error."""
        if self.outcome is Outcome.FAILED:
            return f"{self.feed}: failed: {self.error}"
        if self.report is None:
            return f"{self.feed}: not modified since the last fetch"
        return f"{self.feed}: imported: {self.report.summary()}"


def body_path(data_dir: Path, feed: Feed) -> Path:
    """The last good body of a feed: ``<data dir>/feeds/<name>.json`` (or ``.csv``)."""
    suffix = ".csv" if feed.format is FeedFormat.CSV else ".json"
    return Path(data_dir) / FEEDS_STATE_DIR / f"{feed.name}{suffix}"


def refresh_feeds(
    feeds: Sequence[Feed],
    data_dir: Path,
    *,
    now: datetime,
    limits: Limits = DEFAULT_LIMITS,
    sleep: Callable[[float], None] = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> list[Refresh]:
    """Refresh each feed in turn; a failing one is recorded and the next one goes ahead."""
    return [
        refresh_feed(feed, data_dir, now=now, limits=limits, sleep=sleep, transport=transport)
        for feed in feeds
    ]


def refresh_feed(
    feed: Feed,
    data_dir: Path,
    *,
    now: datetime,
    limits: Limits = DEFAULT_LIMITS,
    sleep: Callable[[float], None] = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> Refresh:
    """Fetch and import one feed; never raises for the feed's own faults (see module doc)."""
    data_dir = Path(data_dir)
    with _locked(data_dir):
        health = read_health(data_dir)
        before = health.get(feed.name, FeedHealth())
        saved = body_path(data_dir, feed)
        have_copy = saved.exists() and _import_file(data_dir, feed).exists()
        try:
            fetched = fetch(
                feed.name,
                feed.url,
                etag=before.etag if have_copy else None,
                last_modified=before.last_modified if have_copy else None,
                limits=limits,
                transport=transport,
                sleep=sleep,
            )
            report = None if fetched.body is None else _import(feed, fetched, data_dir, now)
        except CatalogueError as error:
            after = before.model_copy(update={"last_attempt_at": now, "last_error": str(error)})
            result = Refresh(feed.name, Outcome.FAILED, after, error=str(error))
        else:
            after = _succeeded(before, fetched, report, now)
            outcome = Outcome.NOT_MODIFIED if report is None else Outcome.IMPORTED
            result = Refresh(feed.name, outcome, after, report)
        health[feed.name] = after
        write_health(data_dir, health)
        return result


def _import(feed: Feed, fetched: Fetched, data_dir: Path, now: datetime) -> ImportReport:
    """Import a fetched body; it becomes the last good copy only if the import succeeds."""
    assert fetched.body is not None
    saved = body_path(data_dir, feed)
    incoming = saved.parent / "incoming" / saved.name  # same file name: errors name the feed
    incoming.parent.mkdir(parents=True, exist_ok=True)
    incoming.write_bytes(fetched.body)
    try:
        report = import_feed(
            feed.format,
            incoming,
            data_dir,
            today=now.date(),
            organisation_id=feed.organisation,
            source_name=feed.name,
            source_url=feed.url,
            refuse_shrink=True,
        )
        kept = _kept(report)
        if not kept:
            reasons = "; ".join(str(s) for s in report.skipped[:3]) or "the feed is empty"
            raise _EveryRecordBad(
                f"{feed.name}: no usable meeting in {len(report.skipped)} records: {reasons}"
            )
        os.replace(incoming, saved)
        return report
    finally:
        incoming.unlink(missing_ok=True)


class _EveryRecordBad(CatalogueError):
    """The body was read, but not one record could be imported."""


def _succeeded(
    before: FeedHealth, fetched: Fetched, report: ImportReport | None, now: datetime
) -> FeedHealth:
    update: dict[str, object] = {
        "last_attempt_at": now,
        "last_success_at": now,
        "last_error": None,
        # A 304 may leave out the validators: the last good copy's still hold.
        "etag": fetched.etag or (before.etag if report is None else None),
        "last_modified": fetched.last_modified
        or (before.last_modified if report is None else None),
    }
    if report is not None:
        update["record_count"] = _kept(report)
        update["skipped"] = tuple(str(s) for s in report.skipped[:MAX_REASONS_KEPT])
        update["skipped_count"] = len(report.skipped)
        update["merged"] = tuple(str(m) for m in report.merged)
    return before.model_copy(update=update)


def _kept(report: ImportReport) -> int:
    return len(report.added) + len(report.updated) + len(report.unchanged) + len(report.restored)


def _import_file(data_dir: Path, feed: Feed) -> Path:
    return import_path(data_dir, feed.format.value, feed.name)


@contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    """One refresh at a time per data directory, across threads and processes."""
    lock_path = Path(data_dir) / FEEDS_STATE_DIR / ".lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
