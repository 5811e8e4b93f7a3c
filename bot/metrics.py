"""What the bot counts for its operator, in Prometheus' format (``GET /metrics``).

Every metric is about the service, never about a person: label values come only from
the small fixed sets below (`UPDATE_KINDS`, `TURN_OUTCOMES`, `REMINDER_EVENTS`) or are Bot
API method names and HTTP status classes. No label holds a chat id, a place, a problem, a
clinic or a meeting id; `tests/test_ops_metrics.py` scrapes after a whole conversation and
looks for each of them.

Each `Metrics` has its own registry (not prometheus-client's global one), so a test, or a
second bot in one process, starts from zero.

======================================  =====================================================
``zhw_updates_total{kind}``             updates received: message, edited_message,
                                        callback_query, other
``zhw_turns_total{outcome}``            turns: answered, failed (the person got the
                                        apology), command (answered by the adapter, e.g.
                                        ``/stats``), flood_warned, flood_dropped
``zhw_reply_seconds``                   histogram: update handled → its screens sent
``zhw_telegram_requests_total{method}`` Bot API requests (every attempt, retries included)
``zhw_telegram_failures_total``         failed requests by method and ``status``: 4xx/5xx
  ``{method,status}``                   class, 429, or ``network``
``zhw_rate_limit_waits_total``          429 answers (each one a wait of ``retry_after``)
``zhw_rate_limit_wait_seconds_total``   the seconds Telegram asked to wait
``zhw_reminders_total{event}``          sent, dropped (too late, undeliverable, forgotten),
                                        resent (in flight at a crash, sent again)
``zhw_reminders_open``                  reminder messages planned and not yet sent
``zhw_catalogue_meetings``              meetings in the catalogue in use
``zhw_feed_age_seconds{feed}``          since a feed's last good refresh (filled by feeds)
``zhw_feed_records{feed}``              records in a feed's last good copy (filled by feeds)
``zhw_bot_api_silence_seconds``         since the Bot API last answered (readiness reads it)
======================================  =====================================================
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = [
    "CONTENT_TYPE_LATEST",
    "REMINDER_EVENTS",
    "TURN_OUTCOMES",
    "UPDATE_KINDS",
    "Metrics",
]

UPDATE_KINDS = ("message", "edited_message", "callback_query", "other")
TURN_OUTCOMES = ("answered", "failed", "command", "flood_warned", "flood_dropped")
REMINDER_EVENTS = ("sent", "dropped", "resent")
_REPLY_BUCKETS_S = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

Refresh = Callable[[], Awaitable[None]]
"""Brings a gauge up to date just before a scrape (e.g. open reminders, from SQLite)."""


class Metrics:
    """The bot's metrics in their own registry; `render` gives the Prometheus text."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter("zhw_updates", "Updates received, by kind.", ["kind"], registry=r)
        self.turns = Counter("zhw_turns", "Turns, by outcome.", ["outcome"], registry=r)
        self.reply_seconds = Histogram(
            "zhw_reply_seconds",
            "From handling an update to its screens sent.",
            buckets=_REPLY_BUCKETS_S,
            registry=r,
        )
        self.requests = Counter(
            "zhw_telegram_requests", "Bot API requests, by method.", ["method"], registry=r
        )
        self.failures = Counter(
            "zhw_telegram_failures",
            "Failed Bot API requests, by method and status class.",
            ["method", "status"],
            registry=r,
        )
        self.rate_limit_waits = Counter(
            "zhw_rate_limit_waits", "429 answers from Telegram.", registry=r
        )
        self.rate_limit_wait_seconds = Counter(
            "zhw_rate_limit_wait_seconds", "Seconds Telegram asked to wait (429).", registry=r
        )
        self.reminders = Counter(
            "zhw_reminders", "Reminder messages, by event.", ["event"], registry=r
        )
        self.reminders_open = Gauge(
            "zhw_reminders_open", "Reminder messages planned, not yet sent.", registry=r
        )
        self.catalogue_meetings = Gauge(
            "zhw_catalogue_meetings", "Meetings in the catalogue in use.", registry=r
        )
        self.feed_age_seconds = Gauge(
            "zhw_feed_age_seconds",
            "Seconds since a feed's last good refresh.",
            ["feed"],
            registry=r,
        )
        self.feed_records = Gauge(
            "zhw_feed_records", "Records in a feed's last good copy.", ["feed"], registry=r
        )
        self.bot_api_silence_seconds = Gauge(
            "zhw_bot_api_silence_seconds", "Seconds since the Bot API last answered.", registry=r
        )
        for kind in UPDATE_KINDS:
            self.updates.labels(kind)
        for outcome in TURN_OUTCOMES:
            self.turns.labels(outcome)
        for event in REMINDER_EVENTS:
            self.reminders.labels(event)

    def count_update(self, kind: str) -> None:
        self.updates.labels(kind if kind in UPDATE_KINDS else "other").inc()

    def count_turn(self, outcome: str) -> None:
        if outcome not in TURN_OUTCOMES:
            raise ValueError(f"unknown turn outcome {outcome!r}")
        self.turns.labels(outcome).inc()

    def count_reminder(self, event: str) -> None:
        if event not in REMINDER_EVENTS:
            raise ValueError(f"unknown reminder event {event!r}")
        self.reminders.labels(event).inc()

    async def render(self, refresh: Sequence[Refresh] = ()) -> bytes:
        """The Prometheus text, after bringing the scrape-time gauges up to date."""
        for step in refresh:
            await step()
        return generate_latest(self.registry)
