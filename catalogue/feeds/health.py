"""How each subscribed feed is doing, kept in ``<data dir>/feeds/health.json``.

Per feed: the last attempt and the last success (aware UTC datetimes), the
last error (None after a success), the number of meetings in its last good
copy, the records it skipped with their reasons, the duplicates it merged,
and the validators (ETag, Last-Modified) for the next conditional GET.
`feeds status`, ``/stats`` for admins, and the bot's staleness checks read it.

The file is rewritten whole and atomically; it holds no personal data.
"""

from __future__ import annotations

from datetime import datetime, timedelta
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
