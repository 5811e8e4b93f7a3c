"""Benchmark: the operator's commands on a database of many people.

Run: ``.venv/bin/python tests/benchmarks/bench_ops.py`` (``--users N``, default 10,000).

Seeds a data directory through the bot's own storage and reminder service: N people
mid-conversation, every fifth with a weekly reminder. Then times ``backup`` (SQLite's online
backup API into the archive), ``restore`` into a fresh directory (integrity check
included), ``rotate-key`` (every user re-sealed, one transaction each), ``check``, and one
``/metrics`` scrape (which counts the open reminders in SQLite). Prints each figure.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import health_routes, open_core
from bot.backup import backup, restore
from bot.check import check
from bot.config import Config
from bot.key_rotation import NEW_KEY_ENV, rotate_key
from bot.telegram_request import ApiWatch
from dialogs import DialogState, state_to_json
from dialogs.effects import SetReminder

OLD_KEY, NEW_KEY = "1f" * 32, "2e" * 32
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
MEETING = "aa-utrecht-dinsdag"


async def seed(config: Config, users: int) -> None:
    core = await open_core(config, sender=None)  # type: ignore[arg-type]  # nothing is sent
    try:
        state = state_to_json(DialogState())
        for n in range(users):
            chat = 7_000_000_000 + n
            key = core.storage.user_key(chat)
            await core.storage.save_conversation(key, chat, state, "nl", NOW)
            if n % 5 == 0:
                effect = SetReminder(MEETING, (120, 24 * 60), True)
                await core.reminders.set_reminder(key, effect, NOW)
    finally:
        await core.close()


async def scrape_ms(config: Config) -> float:
    core = await open_core(config, sender=None)  # type: ignore[arg-type]
    try:
        routes = health_routes(core, ApiWatch())
        started = time.perf_counter()
        await routes.metrics.render(routes.refresh)
        return (time.perf_counter() - started) * 1000
    finally:
        await core.close()


def timed(label: str, function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label:<28} {time.perf_counter() - started:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(data_dir=Path(tmp) / "var", secret_key=OLD_KEY)
        started = time.perf_counter()
        asyncio.run(seed(config, args.users))
        print(
            f"seeded {args.users:,} people, {args.users // 5:,} weekly reminders "
            f"in {time.perf_counter() - started:.1f} s"
        )
        archive = Path(tmp) / "backup.tar.gz"
        size_mb = config.database_path.stat().st_size / 1e6
        print(f"database {size_mb:.1f} MB")
        timed("backup", backup, config, archive)
        print(f"{'archive':<28} {archive.stat().st_size / 1e6:7.2f} MB")
        restored = Config(data_dir=Path(tmp) / "restored", secret_key=OLD_KEY)
        timed("restore (with integrity)", restore, restored, archive)
        timed("rotate-key", rotate_key, config, {NEW_KEY_ENV: NEW_KEY})
        rotated = Config(data_dir=config.data_dir, secret_key=NEW_KEY)
        timed("check (catalogue + db)", lambda: asyncio.run(check(rotated, io.StringIO())))
        print(f"{'/metrics scrape':<28} {asyncio.run(scrape_ms(rotated)):7.1f} ms")


if __name__ == "__main__":
    main()
