"""How the subscribed feeds are doing, as text for operators (English).

The same lines go to ``python -m catalogue feeds status`` and to an
administrator's ``/stats`` in Telegram.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from catalogue.errors import CatalogueError
from catalogue.feeds.health import OUTDATED_AFTER, WARN_AFTER, FeedHealth, read_health
from catalogue.feeds.subscriptions import feeds_path, read_feeds


def status_report(data_dir: Path, now: datetime) -> str:
    """Every subscribed feed's status, or why there is none."""
    try:
        feeds = read_feeds(data_dir)
    except CatalogueError as error:
        return f"feeds.yaml is not valid:\n{error}"
    if not feeds:
        return f"no feeds in {feeds_path(data_dir)}"
    return "\n".join(status_lines([feed.name for feed in feeds], read_health(data_dir), now))


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
