"""Benchmark: how long `dialogs.reader.read` takes for one message. Prints figures.

    .venv/bin/python tests/benchmarks/bench_reader.py [--rounds 5]

Reads every message of tests/corpora/facts.yaml with the real bundled `PlaceIndex`.
Each message is timed as if it were new: the per-message cache (`words`) is cleared
before each read; the per-word caches (lemmas, keys, typo corrections)
stay warm, as they are in a running bot after its first messages. Target: well under 1 ms a
typical message (the whole turn's budget is p99 < 10 ms).

Two p99 figures: over every timing (includes the machine's scheduling noise when it is
shared), and over each message's best of the rounds (the reader's own cost).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpora.evaluate_facts import load_corpus  # noqa: E402

from catalogue.places import PlaceIndex  # noqa: E402
from dialogs import words  # noqa: E402
from dialogs.reader import read  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the corpus")
    rounds = parser.parse_args().rounds
    places = PlaceIndex.bundled()
    texts = [m["text"] for m in load_corpus()]
    start = time.perf_counter()
    for text in texts:  # first pass: loads the data files and warms the per-word caches
        read(text, places)
    first_pass_s = time.perf_counter() - start
    by_text: dict[str, list[float]] = {text: [] for text in texts}
    for _ in range(rounds):
        for text in texts:
            words.words.cache_clear()
            t0 = time.perf_counter()
            read(text, places)
            by_text[text].append((time.perf_counter() - t0) * 1000)
    timings_ms = sorted(t for times in by_text.values() for t in times)
    best_ms = sorted(min(times) for times in by_text.values())
    print(f"read(): {len(texts)} messages x {rounds} rounds, real PlaceIndex ({len(places)})")
    print(f"  first pass (data files loaded, word caches cold): {first_pass_s:.2f} s")
    print(
        f"  every timing: median {statistics.median(timings_ms):.3f} ms, "
        f"p99 {_p99(timings_ms):.3f} ms, max {timings_ms[-1]:.3f} ms"
    )
    print(
        f"  best of {rounds} per message: median {statistics.median(best_ms):.3f} ms, "
        f"p99 {_p99(best_ms):.3f} ms, max {best_ms[-1]:.3f} ms"
    )


def _p99(sorted_ms: list[float]) -> float:
    return sorted_ms[max(0, int(len(sorted_ms) * 0.99) - 1)]


if __name__ == "__main__":
    main()
