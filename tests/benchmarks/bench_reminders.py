"""Benchmark: reminders at scale. Prints figures; not collected by pytest.

    .venv/bin/python tests/benchmarks/bench_reminders.py [--pending 100000] [--burst 3000]

1. Start-up with N pending reminders (target: under 3 s, under 300 MB resident): a fresh
   process opens the SQLite file, loads the catalogue and indexes, builds the PTB Application
   against the fake Bot API server and runs ``post_init`` (which recovers rows in flight,
   checks every open occurrence against the catalogue and arms the JobQueue).
2. A burst: M reminders due in the same minute, sent through the real Application with the
   rate limiter at Telegram's 30 messages a second against the fake Bot API server (target:
   all sent within 110 s, none lost, none twice).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bot.reminders.schedule import Kind, checkin_due_at  # noqa: E402
from bot.secrets import Secrets  # noqa: E402
from bot.storage import (  # noqa: E402
    SEALED_BUCKETS,
    Storage,
    meeting_key,
    seal_meeting,
    to_db_time,
)

STATE_JSON = '{"v":1}'


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB, from /proc."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, value = line.split(":")
            fields[name] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


async def seed(path: Path, secrets: Secrets, users: int, due_at_fn, now: datetime) -> None:
    """N users with one weekly reminder each (a reminder row and a check-in row), in bulk."""
    from catalogue.loading import load_bundled_catalogue
    from catalogue.recurrence import next_meeting_at

    catalogue = load_bundled_catalogue()
    meetings = [m for m in catalogue.meetings.values() if next_meeting_at(m, now)]
    storage = await Storage.open(path, secrets)
    try:
        async with storage.transaction() as db:
            for start in range(0, users, 10_000):
                user_rows, reminder_rows, outbox_rows = [], [], []
                for n in range(start, min(users, start + 10_000)):
                    chat_id = 10_000_000 + n
                    key = storage.user_key(chat_id)
                    sealed = secrets.seal(
                        str(chat_id).encode(),
                        f"users.chat_id|{key}",
                        SEALED_BUCKETS["users.chat_id"],
                    )
                    state = secrets.seal(
                        STATE_JSON.encode(), f"users.state|{key}", SEALED_BUCKETS["users.state"]
                    )
                    user_rows.append((key, sealed, "nl", state, to_db_time(now)))
                    meeting = meetings[n % len(meetings)]
                    due_at, occurrence_at = due_at_fn(n, meeting)
                    reminder_rows.append(
                        (
                            n + 1,
                            key,
                            meeting_key(secrets, meeting.id),
                            seal_meeting(secrets, meeting.id, "reminders", key),
                            "120",
                            1,
                            to_db_time(now),
                        )
                    )
                    outbox_rows.append(
                        (
                            key,
                            n + 1,
                            Kind.REMINDER,
                            meeting_key(secrets, meeting.id),
                            seal_meeting(secrets, meeting.id, "outbox", key),
                            to_db_time(occurrence_at),
                            120,
                            to_db_time(due_at),
                        )
                    )
                    checkin_at = checkin_due_at(occurrence_at, meeting.duration)
                    outbox_rows.append(
                        (
                            key,
                            n + 1,
                            Kind.CHECKIN,
                            meeting_key(secrets, meeting.id),
                            seal_meeting(secrets, meeting.id, "outbox", key),
                            to_db_time(occurrence_at),
                            None,
                            to_db_time(checkin_at),
                        )
                    )
                await db.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?)", user_rows)
                await db.executemany(
                    "INSERT INTO reminders (id, user_key, meeting_key, meeting_enc, offsets, "
                    "weekly, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    reminder_rows,
                )
                await db.executemany(
                    "INSERT INTO outbox (user_key, reminder_id, kind, meeting_key, meeting_enc, "
                    "occurrence_at, offset_minutes, due_at, state) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                    outbox_rows,
                )
    finally:
        await storage.close()


def spread_over_the_week(now: datetime):
    """Reminders two hours before each meeting's next occurrences, spread over weeks."""
    from catalogue.recurrence import next_meeting_at

    def due(n: int, meeting) -> tuple[datetime, datetime]:
        after = now + timedelta(hours=3) + timedelta(weeks=n % 4)
        occurrence_at = next_meeting_at(meeting, after)
        return occurrence_at - timedelta(hours=2), occurrence_at

    return due


async def build_bot(data_dir: Path, secrets: Secrets, api, clock):
    """The bot as `python -m bot` builds it (`bot.app.build_telegram`), at 30 messages/s."""
    from bot.app import build_telegram
    from bot.config import Config
    from bot.telegram_adapter import RetryingRateLimiter

    config = Config(
        telegram_bot_token=api.token, telegram_api_base_url=api.root_url, data_dir=data_dir
    )
    bot = await build_telegram(
        config,
        clock=clock,
        secrets=secrets,
        rate_limiter=RetryingRateLimiter(overall_max_rate=30),
    )
    return bot.core.storage, bot.application, bot.core.reminders, bot.trigger


# --- 1. start-up (run in a fresh process) ---------------------------------------------------


async def startup_child(data_dir: Path, key_hex: str) -> dict:
    from fakebotapi import FakeBotAPI

    from bot.reminders.trigger import JobQueueTrigger
    from bot.telegram_adapter import running

    api = await FakeBotAPI().start()
    reminders_started = []
    real_start = JobQueueTrigger.start

    async def timed_start(self: JobQueueTrigger):  # the reminders' own start-up, timed
        reminders_started.append(time.perf_counter())
        return await real_start(self)

    JobQueueTrigger.start = timed_start  # type: ignore[method-assign]
    before = rss_mb()[0]
    started = time.perf_counter()
    storage, app, service, _trigger = await build_bot(
        data_dir, Secrets.from_master_key(bytes.fromhex(key_hex)), api, lambda: datetime.now(UTC)
    )
    async with running(app, poll_timeout_s=1):
        ready = time.perf_counter()
        jobs = len(app.job_queue.jobs())
        open_rows = await service.store.count_open()
    current, peak = rss_mb()
    await storage.close()
    await api.stop()
    return {
        "startup_s": ready - started,
        "reminders_start_s": ready - reminders_started[0],
        "rss_mb": current,
        "peak_rss_mb": peak,
        "rss_before_mb": before,
        "jobs": jobs,
        "open_rows": open_rows,
    }


def bench_startup(pending: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        key = os.urandom(32)
        now = datetime.now(UTC)
        t0 = time.perf_counter()
        asyncio.run(
            seed(
                data_dir / "zelfhulpwijzer.sqlite3",
                Secrets.from_master_key(key),
                pending,
                spread_over_the_week(now),
                now,
            )
        )
        seeded_s = time.perf_counter() - t0
        done = subprocess.run(
            [sys.executable, __file__, "--startup-child", str(data_dir), key.hex()],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["seed_s"] = seeded_s
        return result


# --- 2. a burst ----------------------------------------------------------------------------


async def bench_burst(count: int) -> dict:
    from fakebotapi import FakeBotAPI

    from bot.telegram_adapter import running

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        secrets = Secrets.from_master_key(os.urandom(32))
        now = datetime.now(UTC)
        due_at = now + timedelta(seconds=5)
        ams = ZoneInfo("Europe/Amsterdam")

        def same_minute(n: int, meeting) -> tuple[datetime, datetime]:
            occurrence_at = (now + timedelta(days=1)).astimezone(ams)
            return due_at, occurrence_at

        await seed(data_dir / "zelfhulpwijzer.sqlite3", secrets, count, same_minute, now)
        # Every reminder is for a real occurrence: put them on the meetings' next ones.
        async with _storage(data_dir, secrets) as storage:
            await _align_occurrences(storage, now + timedelta(hours=12))
        api = await FakeBotAPI().start()
        storage, app, _service, _trigger = await build_bot(
            data_dir, secrets, api, lambda: datetime.now(UTC)
        )
        async with running(app, poll_timeout_s=1):
            deadline = time.monotonic() + 200
            while time.monotonic() < deadline:
                sent = [c for c in api.calls_of("sendMessage") if c.text.startswith("⏰")]
                if len(sent) >= count:
                    break
                await asyncio.sleep(0.2)
            all_sent_at = time.time()
            await asyncio.sleep(3)  # anything sent twice would show up now
        reminders = [c for c in api.calls_of("sendMessage") if c.text.startswith("⏰") and c.ok]
        per_chat = Counter(c.chat_id for c in reminders)
        first = min(c.at for c in reminders)
        last = max(c.at for c in reminders)
        await storage.close()
        await api.stop()
        return {
            "count": count,
            "sent": len(reminders),
            "chats_reached": len(per_chat),
            "sent_twice": sum(1 for n in per_chat.values() if n > 1),
            "lost": count - len(per_chat),
            "first_to_last_s": last - first,
            "due_to_all_sent_s": all_sent_at - due_at.timestamp(),
            "rate_per_s": len(reminders) / (last - first) if last > first else float("inf"),
        }


class _storage:
    def __init__(self, data_dir: Path, secrets: Secrets) -> None:
        self.path, self.secrets = data_dir / "zelfhulpwijzer.sqlite3", secrets

    async def __aenter__(self) -> Storage:
        self.storage = await Storage.open(self.path, self.secrets)
        return self.storage

    async def __aexit__(self, *exc: object) -> None:
        await self.storage.close()


async def _align_occurrences(storage: Storage, after: datetime) -> None:
    from catalogue.loading import load_bundled_catalogue
    from catalogue.recurrence import next_meeting_at

    catalogue = load_bundled_catalogue()
    async with storage.transaction() as db:
        for meeting in catalogue.meetings.values():
            occurrence_at = next_meeting_at(meeting, after)
            if occurrence_at is None:
                continue
            await db.execute(
                "UPDATE outbox SET occurrence_at = ? WHERE meeting_key = ?",
                (to_db_time(occurrence_at), meeting_key(storage.secrets, meeting.id)),
            )
            await db.execute(
                "UPDATE outbox SET due_at = ? WHERE meeting_key = ? AND kind = 'checkin'",
                (
                    to_db_time(checkin_due_at(occurrence_at, meeting.duration)),
                    meeting_key(storage.secrets, meeting.id),
                ),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=3_000)
    parser.add_argument("--startup-child", nargs=2, metavar=("DATA_DIR", "KEY_HEX"))
    args = parser.parse_args()
    if args.startup_child:
        result = asyncio.run(startup_child(Path(args.startup_child[0]), args.startup_child[1]))
        print(json.dumps(result))
        return

    print(f"Start-up with {args.pending:,} pending reminders (fresh process)")
    startup = bench_startup(args.pending)
    print(f"  seeding the database:          {startup['seed_s']:.1f} s (not part of start-up)")
    print(f"  start-up until running:        {startup['startup_s']:.2f} s   (target < 3 s)")
    print(f"    of which reminders (post_init): {startup['reminders_start_s']:.2f} s")
    print(
        f"  resident memory after start:   {startup['rss_mb']:.0f} MB "
        f"(peak {startup['peak_rss_mb']:.0f} MB; target < 300 MB)"
    )
    print(f"  open rows / jobs armed:        {startup['open_rows']:,} / {startup['jobs']}")

    print(f"\n{args.burst:,} reminders due in the same minute, rate limit 30 msg/s, fake Bot API")
    burst = asyncio.run(bench_burst(args.burst))
    print(f"  sent:                          {burst['sent']:,} to {burst['chats_reached']:,} chats")
    print(f"  due time to all sent:          {burst['due_to_all_sent_s']:.1f} s   (target < 110 s)")
    print(f"  first to last send:            {burst['first_to_last_s']:.1f} s")
    print(f"  rate:                          {burst['rate_per_s']:.1f} msg/s")
    print(f"  lost / sent twice:             {burst['lost']} / {burst['sent_twice']}")


if __name__ == "__main__":
    main()
