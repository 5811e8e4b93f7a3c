"""Recall and precision of the danger detector on the corpus, per kind, with every miss.

Run: .venv/bin/python tests/corpora/evaluate_danger.py [CORPUS.tsv] [--quiet]

Without a file it reads `danger.tsv`, the corpus the rules are tuned on. A fresh
batch, written without tuning on it, goes in a file of its own first: its figures
are the honest estimate of how new messages fare (README "Safety"); then it joins
the corpus.

`danger_figures()` gives the same figures to other scripts (the lead's combined
evaluation, `tests/test_danger_corpus.py`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from dialogs.danger import RULES, DangerKind, detect_danger

CORPUS = Path(__file__).with_name("danger.tsv")


@dataclass(frozen=True, slots=True)
class Labelled:
    """One corpus message and the kinds a person reading it would name."""

    text: str
    kinds: frozenset[DangerKind]
    line: int


@dataclass(slots=True)
class KindFigures:
    """How one kind fared: counts, and the messages it got wrong."""

    kind: DangerKind
    true_positives: int = 0
    false_negatives: list[Labelled] = field(default_factory=list)
    false_positives: list[Labelled] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of the messages with this kind that fired it."""
        total = self.true_positives + len(self.false_negatives)
        return self.true_positives / total if total else 1.0

    @property
    def precision(self) -> float:
        """Share of the firings of this kind that were right."""
        total = self.true_positives + len(self.false_positives)
        return self.true_positives / total if total else 1.0


def read_corpus(path: Path = CORPUS) -> list[Labelled]:
    """The labelled messages of a corpus file ("labels<TAB>text", "#" comments)."""
    messages = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        labels, text = line.split("\t", 1)
        kinds = frozenset() if labels == "none" else frozenset(map(DangerKind, labels.split("+")))
        messages.append(Labelled(text, kinds, number))
    return messages


def danger_figures(path: Path = CORPUS) -> dict[DangerKind, KindFigures]:
    """Per kind, the detector's recall and precision on the corpus, and its mistakes."""
    figures = {kind: KindFigures(kind) for kind in DangerKind}
    for message in read_corpus(path):
        found = detect_danger(message.text)
        for kind, kind_figures in figures.items():
            if kind in message.kinds and kind in found:
                kind_figures.true_positives += 1
            elif kind in message.kinds:
                kind_figures.false_negatives.append(message)
            elif kind in found:
                kind_figures.false_positives.append(message)
    return figures


def main(argv: list[str]) -> int:
    """Print the figures per kind, then the misses and false alarms unless --quiet."""
    files = [Path(arg) for arg in argv if not arg.startswith("--")]
    path = files[0] if files else CORPUS
    messages = read_corpus(path)
    dangerous = sum(1 for m in messages if m.kinds)
    print(
        f"{path.name}: {len(messages)} messages, {dangerous} dangerous, "
        f"{len(messages) - dangerous} look-alikes"
    )
    figures = danger_figures(path)
    print(f"{'kind':<10} {'messages':>8} {'recall':>7} {'precision':>9}")
    for kind, f in figures.items():
        total = f.true_positives + len(f.false_negatives)
        print(f"{kind:<10} {total:>8} {f.recall:>7.1%} {f.precision:>9.1%}")
    if "--quiet" not in argv:
        for kind, f in figures.items():
            for message in f.false_negatives:
                print(f"missed {kind} (line {message.line}): {message.text}")
            for message in f.false_positives:
                rules = [r.entry.text for k, r in RULES.explain(message.text) if k is kind]
                print(f"false {kind} (line {message.line}): {message.text}  <- {rules[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
