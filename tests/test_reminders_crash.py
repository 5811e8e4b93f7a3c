"""A crash in the middle of a burst of due reminders loses none and repeats at most one.

The real ``python -m bot`` runs in a subprocess against the fake Bot API server; it is killed
with SIGKILL while it sends, and started again on the same data directory and key.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fakebotapi import FakeBotAPI

from bot.config import Config
from bot.reminders.schedule import Kind
from bot.reminders.store import PlannedRow, ReminderStore
from bot.secrets import Secrets
from bot.storage import Storage
from catalogue.loading import load_bundled_catalogue
from catalogue.recurrence import next_meeting_at

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 120
FIRST_CHAT = 7_000_000


async def seed(config: Config, key_hex: str, now: datetime) -> None:
    """PEOPLE people, each with a reminder due now for a real meeting tomorrow or later."""
    meeting = load_bundled_catalogue().meetings["aa-utrecht-dinsdag"]
    occurrence_at = next_meeting_at(meeting, now + timedelta(hours=3))
    assert occurrence_at is not None
    storage = await Storage.open(
        config.database_path, Secrets.from_master_key(bytes.fromhex(key_hex))
    )
    store = ReminderStore(storage)
    for chat_id in range(FIRST_CHAT, FIRST_CHAT + PEOPLE):
        key = storage.user_key(chat_id)
        await storage.save_conversation(key, chat_id, "{}", "nl", now)
        row = PlannedRow(Kind.REMINDER, now, occurrence_at, 120)
        await store.set_reminder(key, meeting.id, (120,), False, None, [row], now)
    await storage.close()


def start_bot(api: FakeBotAPI, data_dir: Path, key_hex: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZELFHULP"))}
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_API_BASE_URL=api.root_url,
        ZELFHULPWIJZER_DATA_DIR=str(data_dir),
        ZELFHULPWIJZER_SECRET_KEY=key_hex,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def delivered(api: FakeBotAPI) -> Counter[int]:
    return Counter(
        c.chat_id for c in api.calls_of("sendMessage") if c.ok and c.text.startswith("⏰")
    )


async def test_sigkill_during_a_burst_then_restart_delivers_all_and_repeats_at_most_one(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    key_hex = secrets.token_hex(32)
    config = Config(data_dir=tmp_path)
    await seed(config, key_hex, datetime.now(UTC))

    first = start_bot(fake_api, tmp_path, key_hex)
    try:
        await fake_api.wait_until(
            lambda: sum(delivered(fake_api).values()) >= PEOPLE // 3, timeout=30
        )
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    at_kill = sum(delivered(fake_api).values())
    assert 0 < at_kill < PEOPLE  # killed in the middle of the burst

    second = start_bot(fake_api, tmp_path, key_hex)
    try:
        await fake_api.wait_until(lambda: len(delivered(fake_api)) == PEOPLE, timeout=60)
        await asyncio.sleep(1.0)  # a late duplicate would show now
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=20)

    counts = delivered(fake_api)
    assert set(counts) == set(range(FIRST_CHAT, FIRST_CHAT + PEOPLE))  # none lost
    assert sum(n - 1 for n in counts.values()) <= 1  # at most the one in flight, twice
    with sqlite3.connect(config.database_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        open_rows = db.execute(
            "SELECT count(*) FROM outbox WHERE kind = 'reminder' AND state != 'sent'"
        ).fetchone()
    assert open_rows == (0,)
