"""Benchmark: the time `detect_danger` takes for one message, cold and warm.

Run: ``.venv/bin/python tests/benchmarks/bench_danger.py`` (``--rounds N``).

Every corpus message (`tests/corpora/danger.tsv`) is read once with all caches
empty ("cold": lemmas, typo look-ups and word keys are computed for the
first time, as for a message with words the bot has never seen), then
`--rounds` more times ("warm"). Prints the median, 99th percentile and maximum
per message, in CPU time of this thread, and the machine's load (the target
is well under 1 ms a message; a whole turn has 10 ms at the 99th percentile).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpora.evaluate_danger import read_corpus

from dialogs import words as words_module
from dialogs.danger import RULES, detect_danger


def timed(texts: list[str]) -> list[float]:
    """CPU milliseconds of one `detect_danger` call per text."""
    spent = []
    for text in texts:
        start = time.thread_time()
        detect_danger(text)
        spent.append((time.thread_time() - start) * 1000)
    return spent


def report(label: str, spent: list[float]) -> None:
    ordered = sorted(spent)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label:<5} {len(spent):>6} messages: median {statistics.median(spent):.3f} ms, "
        f"p99 {p99:.3f} ms, max {ordered[-1]:.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = [message.text for message in read_corpus()]
    words_module.words.cache_clear()
    words_module.lemma.cache_clear()
    RULES.vocabulary.keys_of(words_module.words("begin"))  # seal the vocabulary
    RULES.vocabulary._key_cache.cache_clear()
    print(f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {len(RULES.rules)} rules")
    report("cold", timed(texts))
    words_module.words.cache_clear()  # warm word keys, but every message read again
    report("warm", [t for _ in range(args.rounds) for t in timed(texts)])


if __name__ == "__main__":
    main()
