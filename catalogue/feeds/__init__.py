"""Subscribed feeds: which ones (``feeds.yaml``), fetching, refreshing, and their health.

    subscriptions.py  Feed, read_feeds, add_feed: the operator's ``<data dir>/feeds.yaml``
    fetching.py       fetch(): httpx, conditional GET, timeout, size and redirect limits, retries
    refresh.py        refresh_feed / refresh_feeds: fetch -> import -> health, failures contained
    health.py         FeedHealth per feed in ``<data dir>/feeds/health.json``
    status.py         status_report: the operator's view of all feeds (CLI and /stats)

The running bot calls `refresh_feed` on its JobQueue (`bot.feeds_job`); an
operator calls it with ``python -m catalogue feeds refresh``.
"""

from catalogue.feeds.fetching import Fetched, Limits, fetch
from catalogue.feeds.health import (
    OUTDATED_AFTER,
    WARN_AFTER,
    FeedHealth,
    read_health,
)
from catalogue.feeds.refresh import Outcome, Refresh, refresh_feed, refresh_feeds
from catalogue.feeds.status import status_report
from catalogue.feeds.subscriptions import (
    Feed,
    add_feed,
    feeds_path,
    format_interval,
    parse_interval,
    read_feeds,
)

__all__ = [
    "OUTDATED_AFTER",
    "WARN_AFTER",
    "Feed",
    "FeedHealth",
    "Fetched",
    "Limits",
    "Outcome",
    "Refresh",
    "add_feed",
    "feeds_path",
    "fetch",
    "format_interval",
    "parse_interval",
    "read_feeds",
    "read_health",
    "refresh_feed",
    "refresh_feeds",
    "status_report",
]
