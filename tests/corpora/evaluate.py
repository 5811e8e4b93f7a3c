"""How well the bot reads people: danger per kind, and each fact, on both corpora.

Run: .venv/bin/python tests/corpora/evaluate.py

One command for the figures the README quotes. Danger: recall and precision
per kind on `danger.tsv`. Facts: accuracy per fact on `facts.yaml`, twice:
over every message (a message that does not state a fact counts as right
when none is read), and over only the messages that state it, the stricter
figure. The misses themselves are printed by the two scripts this one uses
(`evaluate_danger.py`, `evaluate_facts.py`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from evaluate_danger import danger_figures
from evaluate_facts import FACTS, expected, load_corpus, observed

from catalogue.places import PlaceIndex
from dialogs.reader import read


def main() -> int:
    print("Danger (tests/corpora/danger.tsv)")
    print(f"  {'kind':<10} {'messages':>8} {'recall':>7} {'precision':>9}")
    for kind, f in danger_figures().items():
        total = f.true_positives + len(f.false_negatives)
        print(f"  {kind:<10} {total:>8} {f.recall:>7.1%} {f.precision:>9.1%}")

    messages = load_corpus()
    places = PlaceIndex.bundled()
    readings = [(m, read(m["text"], places)) for m in messages]
    print(f"\nFacts (tests/corpora/facts.yaml, {len(messages)} messages)")
    print(f"  {'fact':<12} {'all':>7} {'stated':>8} {'of':>5}")
    for fact in FACTS:
        right = sum(expected(m, fact) == observed(r, fact) for m, r in readings)
        stated = [(m, r) for m, r in readings if fact in m]
        stated_right = sum(expected(m, fact) == observed(r, fact) for m, r in stated)
        share = stated_right / len(stated) if stated else 1.0
        print(f"  {fact:<12} {right / len(readings):>7.1%} {share:>8.1%} {len(stated):>5}")
    several = [(m, r) for m, r in readings if sum(f in m for f in FACTS) >= 2]
    whole = sum(all(expected(m, f) == observed(r, f) for f in FACTS if f in m) for m, r in several)
    print(f"  all facts of the {len(several)} messages stating several: {whole / len(several):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
