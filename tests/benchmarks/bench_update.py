"""Benchmark: the in-process time to handle one update, at 10,000 meetings.

Run: ``.venv/bin/python tests/benchmarks/bench_update.py`` (``--turns N``, ``--meetings N``).

One "update" is one `TurnRunner.handle` call, exactly what the Telegram and
terminal adapters do per message: keyed hash of the chat id, load and decrypt
the state from SQLite, `dialogs.advance` (reading, search over the
catalogue, formatting), encrypt and save the state (a committed write in WAL
mode), carry out effects. No network, no rendering to Telegram.

The catalogue is the bundled one plus generated meetings around real towns
(`bench_search.generate`: weighted by population, weekly/fortnightly/monthly
and online). Simulated people walk the whole conversation with varied
choices: /start, for whom, the problem (button or typed word), a place
(typed town, postcode, or shared location), results, a meeting's page, more
results, filters, back, start again. A SQLite file in a temporary directory
holds their state, so later turns read what earlier turns wrote.

Prints the median, 90th and 99th percentile and the maximum of one turn
(target: 99th percentile under 10 ms) in wall time and in CPU time (the
process's, so the database thread counts too), the wall time of `advance`
alone, and the machine's load: on a busy machine the wall time includes
waiting for a CPU, which the CPU time does not.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import generate

from bot import turns as turns_module
from bot.app import open_core
from bot.config import Config
from bot.secrets import Secrets
from catalogue.holder import LoadedCatalogue
from catalogue.loading import load_bundled_catalogue
from catalogue.places import PlaceIndex
from catalogue.search import SearchIndex
from dialogs.events import ButtonPressed, Command, Event, LocationShared, TextSent
from dialogs.screen import Screen

START_AT = datetime(2026, 11, 23, 16, 45, tzinfo=UTC)
TOWNS = (
    "Utrecht",
    "Amsterdam",
    "Rotterdam",
    "Groningen",
    "Maastricht",
    "Zwolle",
    "Gent",
    "Antwerpen",
    "Brugge",
    "Leuven",
    "3511",
    "1012",
    "Den Bosch",
    "Eindhoven",
    "online",
)
POINTS = ((52.0907, 5.1214), (51.9244, 4.4777), (51.0543, 3.7174), (53.2194, 6.5665))
PROBLEM_WORDS = ("alcohol", "drank", "gokken", "coke", "wiet", "pillen", "drugs")


def buttons(screens: list[Screen]) -> list[str]:
    return [button.action for screen in screens for row in screen.buttons for button in row]


def next_event(rng: random.Random, screens: list[Screen], turn_in_conversation: int) -> Event:
    """What a person might do next, given what they see; mostly buttons, sometimes typing."""
    actions = buttons(screens)
    asks_place = any(screen.ask is not None for screen in screens)
    if turn_in_conversation == 0:
        return Command("start")
    if asks_place:
        choice = rng.random()
        if choice < 0.6:
            return TextSent(rng.choice(TOWNS))
        if choice < 0.9:
            return LocationShared(*rng.choice(POINTS))
    if not actions or rng.random() < 0.08:
        return TextSent(rng.choice(PROBLEM_WORDS))
    if rng.random() < 0.03:
        return Command(rng.choice(("help", "privacy", "hulp")))
    # Prefer going forward: meetings, "more", filters; avoid ending the conversation.
    forward = [a for a in actions if not a.startswith("go:") and ":restart" not in a]
    return ButtonPressed(rng.choice(forward or actions))


def percentiles(samples_s: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples_s)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return (
        f"p50 {q[49]:6.2f} ms   p90 {q[89]:6.2f} ms   p99 {q[98]:6.2f} ms   "
        f"max {ms[-1]:6.2f} ms   mean {statistics.fmean(ms):6.2f} ms   (n={len(ms)})"
    )


def timed(function: Callable[..., Any], samples: list[float]) -> Callable[..., Any]:
    def wrapper(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args)
        finally:
            samples.append(time.perf_counter() - started)

    return wrapper


async def bench(meetings: int, turns: int, people: int, seed: int) -> None:
    started = time.perf_counter()
    places = PlaceIndex.bundled()
    catalogue = generate(load_bundled_catalogue(), places, meetings, seed=seed)
    search = SearchIndex(catalogue)
    print(
        f"catalogue: {len(catalogue.meetings):,} meetings; places + generation + index "
        f"{time.perf_counter() - started:.1f} s"
    )

    advance_samples: list[float] = []
    turns_module.advance = timed(turns_module.advance, advance_samples)  # type: ignore[assignment]
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        # The runner as production builds it: reminders and clinic counters included
        # (no reminder falls due within a turn, so nothing is sent).
        core = await open_core(
            Config(data_dir=Path(tmp)),
            sender=None,  # type: ignore[arg-type]
            secrets=Secrets.from_master_key(bytes(32)),
            loaded=LoadedCatalogue(catalogue, places, search),
        )
        storage, runner = core.storage, core.runner
        chats = [7_000_000_000 + n for n in range(people)]
        seen: dict[int, list[Screen]] = {chat: [] for chat in chats}
        step_in_talk = dict.fromkeys(chats, 0)
        now = START_AT
        samples: list[float] = []
        cpu_samples: list[float] = []
        warmup = min(200, turns // 10)
        for n in range(turns + warmup):
            chat = rng.choice(chats)
            if step_in_talk[chat] >= rng.randint(6, 14):
                step_in_talk[chat] = 0  # this person starts over
            event = next_event(rng, seen[chat], step_in_talk[chat])
            now += timedelta(seconds=rng.randint(1, 20))
            began, began_cpu = time.perf_counter(), time.process_time()
            screens = await runner.handle(chat, event, rng.choice(("nl", "nl", "en", None)), now)
            if n >= warmup:
                samples.append(time.perf_counter() - began)
                cpu_samples.append(time.process_time() - began_cpu)
            seen[chat] = screens
            step_in_talk[chat] += 1
        users = await storage.count_users()
        await core.close()
    print(
        f"turns: {len(samples):,} measured after {warmup} warm-up, {users} people, one SQLite file"
    )
    print(f"one update, wall:     {percentiles(samples)}")
    print(f"one update, CPU:      {percentiles(cpu_samples)}")
    print(f"advance alone, wall:  {percentiles(advance_samples[warmup:])}")
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} (wall times include waiting)")
    p99_ms = statistics.quantiles([s * 1000 for s in samples], n=100, method="inclusive")[98]
    print(f"target p99 < 10 ms: {'met' if p99_ms < 10 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--turns", type=int, default=2_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(bench(args.meetings, args.turns, args.people, args.seed))


if __name__ == "__main__":
    main()
