"""How each subscribed feed is doing, kept in ``<data dir>/feeds/health.json``.

Per feed: the last attempt and the last success (aware UTC datetimes), the
last error (None after a success), the number of meetings in its last good
copy, the records it skipped with their reasons, the duplicates it merged,
and the validators (ETag, Last-Modified) for the next conditional GET.
`feeds status`, ``/stats`` for admins, and the bot's staleness checks read it.

The file is rewritten whole and atomically; it holds no personal data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from catalogue.importers.store import write_atomically

FEEDS_STATE_DIR = "feeds"
WARN_AFTER = timedelta(days=7)
"""Not refreshed for longer than this: the operator is warned in the log."""
OUTDATED_AFTER = timedelta(days=30)
"""Not refreshed for longer than this: people see that the meetings may be out of date."""


class FeedHealth(BaseModel):
    """One feed's record; every field optional, so a new feed starts empty."""

    model_config = ConfigDict(frozen=True)

    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    record_count: int | None = None
    skipped_count: int = 0
    skipped: tuple[str, ...] = ()
    """The reasons, at most `refresh.MAX_REASONS_KEPT` of them."""
    merged: tuple[str, ...] = ()
    etag: str | None = None
    last_modified: str | None = None

    def age(self, now: datetime) -> timedelta | None:
        """Time since the last success; None if there never was one."""
        return None if self.last_success_at is None else now - self.last_success_at

    def is_overdue(self, now: datetime, after: timedelta) -> bool:
        """Not refreshed successfully for longer than `after` (never counts once tried)."""
        age = self.age(now)
        if age is None:
            return self.last_attempt_at is not None and now - self.last_attempt_at > after
        return age > after


class _HealthFile(BaseModel):
    feeds: dict[str, FeedHealth] = {}


def health_path(data_dir: Path) -> Path:
    return Path(data_dir) / FEEDS_STATE_DIR / "health.json"


def read_health(data_dir: Path) -> dict[str, FeedHealth]:
    """Every feed's health by name; empty when nothing was fetched yet.

    A damaged file is read as empty (the next refresh rewrites it): health is
    bookkeeping, and losing it costs one unconditional fetch, never a meeting.
    """
    path = health_path(data_dir)
    try:
        return dict(_HealthFile.model_validate_json(path.read_bytes()).feeds)
    except (OSError, ValidationError):
        return {}


def write_health(data_dir: Path, health: dict[str, FeedHealth]) -> None:
    text = _HealthFile(feeds=dict(sorted(health.items()))).model_dump_json(indent=2)
    write_atomically(health_path(data_dir), text + "\n")


def status_lines(
    names: Iterable[str], health: Mapping[str, FeedHealth], now: datetime
) -> list[str]:
    """How each feed is doing, for ``feeds status`` and an admin's ``/stats`` (English).

    >>> at = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    >>> print("\\n".join(status_lines(["na-nl", "aa-nl"], {"na-nl": FeedHealth(
    ...     last_attempt_at=at, last_success_at=at - timedelta(days=8), record_count=40,
    ...     last_error="na-nl: the server answered 503 (after 3 tries)")}, at)))
    na-nl: FAILING, last success 2026-11-15 09:00 UTC (8 days ago), 40 meetings
      last attempt 2026-11-23 09:00 UTC: na-nl: the server answered 503 (after 3 tries)
      not refreshed for over 7 days
    aa-nl: never fetched
    """
    lines: list[str] = []
    for name in names:
        feed = health.get(name)
        if feed is None or feed.last_attempt_at is None:
            lines.append(f"{name}: never fetched")
            continue
        state = "ok" if feed.last_error is None else "FAILING"
        success = (
            "never succeeded"
            if feed.last_success_at is None
            else f"last success {_when(feed.last_success_at)} ({_ago(now - feed.last_success_at)})"
        )
        count = "" if feed.record_count is None else f", {feed.record_count} meetings"
        skipped = f", {feed.skipped_count} records skipped" if feed.skipped_count else ""
        lines.append(f"{name}: {state}, {success}{count}{skipped}")
        if feed.last_error is not None:
            lines.append(f"  last attempt {_when(feed.last_attempt_at)}: {feed.last_error}")
        lines.extend(f"  skipped: {reason}" for reason in feed.skipped[:5])
        if len(feed.skipped) > 5:
            lines.append(f"  ... and {feed.skipped_count - 5} more")
        lines.extend(f"  merged: {merged}" for merged in feed.merged[:5])
        if feed.is_overdue(now, OUTDATED_AFTER):
            lines.append("  not refreshed for over 30 days: people are told it may be out of date")
        elif feed.is_overdue(now, WARN_AFTER):
            lines.append("  not refreshed for over 7 days")
    return lines


def _when(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _ago(delta: timedelta) -> str:
    if delta >= timedelta(days=2):
        return f"{delta.days} days ago"
    if delta >= timedelta(hours=2):
        return f"{int(delta.total_seconds() // 3600)} hours ago"
    return f"{max(0, int(delta.total_seconds() // 60))} minutes ago"
