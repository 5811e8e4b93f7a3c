"""Benchmark: many people writing at once, through the real bot. Prints figures; not collected.

    .venv/bin/python tests/benchmarks/bench_load.py [--people 200] [--messages 10]

Each person goes through a first conversation (``/start``, "voor mezelf", "alcohol", a
location shared with the keyboard's key, "1" to open the nearest meeting, "terug",
``/hulp``, ``/privacy``, ``/herinneringen``, "dank je"). All updates are pushed at once,
person after person for each step, to the fake Bot API server (tests/fakebotapi.py); the bot
is built as ``python -m bot`` builds it (`bot.app.build_telegram`) and polls them, with the
rate limiter at Telegram's 30 messages a second overall and about one a second per chat.

Printed: updates answered; messages sent per update (``send*``/``edit*`` calls, what
Telegram's limits count; target at most 1.05); other calls (answers, deletes); and the
reply latency from the push to the update fully handled, p50 and p99, against the floor:
updates ÷ 30 per second, the time the last one must wait even with one message each
(target: p99 within 1.2 × the floor).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bot.telegram_limits import is_message  # noqa: E402

UTRECHT = (52.0907, 5.1214)
RATE = 30
STEPS = (
    "/start",
    "voor mezelf",
    "alcohol",
    UTRECHT,
    "1",
    "terug",
    "/hulp",
    "/privacy",
    "/herinneringen",
    "dank je",
)
TARGET_SENDS_PER_UPDATE = 1.05
TARGET_P99_OF_FLOOR = 1.2


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(people: int, messages: int) -> dict:
    from fakebotapi import FakeBotAPI
    from telegram import Update
    from telegram.ext import TypeHandler

    from bot.app import build_telegram
    from bot.config import Config
    from bot.secrets import Secrets
    from bot.telegram_adapter import running
    from bot.telegram_limits import RetryingRateLimiter

    api = await FakeBotAPI().start()
    done_at: dict[int, float] = {}
    finished = asyncio.Event()
    total = people * messages

    async def mark_done(update: Update, _context: object) -> None:
        done_at[update.update_id] = time.monotonic()
        if len(done_at) == total:
            finished.set()

    with tempfile.TemporaryDirectory() as tmp:
        config = Config(
            telegram_bot_token=api.token, telegram_api_base_url=api.root_url, data_dir=Path(tmp)
        )
        bot = await build_telegram(
            config,
            clock=lambda: datetime.now(UTC),
            secrets=Secrets.from_master_key(os.urandom(32)),
            rate_limiter=RetryingRateLimiter(overall_max_rate=RATE),
        )
        bot.application.add_handler(TypeHandler(Update, mark_done), group=10_000)
        try:
            async with running(bot.application, poll_timeout_s=1):
                mark = api.mark()
                pushed_at: dict[int, float] = {}
                for step in STEPS[:messages]:
                    for person in range(people):
                        chat = 9_000_000_000 + person
                        if isinstance(step, tuple):
                            update_id = api.send_location(chat, *step)
                        else:
                            update_id = api.send_text(chat, step)
                        pushed_at[update_id] = time.monotonic()
                started = time.monotonic()
                await asyncio.wait_for(finished.wait(), timeout=30 * total / RATE + 120)
                elapsed = time.monotonic() - started
                calls = [c for c in api.calls_since(mark) if c.method != "getUpdates"]
        finally:
            await bot.core.close()
            await api.stop()
    latencies = [done_at[u] - pushed_at[u] for u in pushed_at]
    by_method = Counter(c.method for c in calls)
    sends = sum(n for method, n in by_method.items() if is_message(method))
    return {
        "updates": total,
        "answered": len(done_at),
        "sends": sends,
        "other": {m: n for m, n in by_method.items() if not is_message(m)},
        "by_method": dict(by_method),
        "elapsed_s": elapsed,
        "p50_s": statistics.median(latencies),
        "p99_s": percentile(latencies, 0.99),
        "floor_s": total / RATE,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10, choices=range(1, len(STEPS) + 1))
    args = parser.parse_args()
    figures = asyncio.run(run(args.people, args.messages))
    per_update = figures["sends"] / figures["updates"]
    print(f"{args.people} people x {args.messages} messages, rate limit {RATE} msg/s, fake Bot API")
    print(f"  updates answered:      {figures['answered']:,} of {figures['updates']:,}")
    print(
        f"  messages sent:         {figures['sends']:,} = {per_update:.3f} per update"
        f"   (target <= {TARGET_SENDS_PER_UPDATE})"
    )
    print(f"  by method:             {figures['by_method']}")
    print(f"  all answered after:    {figures['elapsed_s']:.1f} s")
    floor = figures["floor_s"]
    print(f"  floor (updates / {RATE}/s): {floor:.1f} s")
    print(f"  reply latency p50:     {figures['p50_s']:.1f} s")
    p99 = figures["p99_s"]
    print(
        f"  reply latency p99:     {p99:.1f} s = {p99 / floor:.2f} x floor"
        f"   (target <= {TARGET_P99_OF_FLOOR})"
    )


if __name__ == "__main__":
    main()
