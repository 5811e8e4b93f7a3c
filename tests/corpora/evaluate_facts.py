"""How well the reader takes the facts of real-looking messages (tests/corpora/facts.yaml).

Run ``.venv/bin/python tests/corpora/evaluate_facts.py`` to print the accuracy per fact
and every miss; `facts_figures()` gives the same figures to a combined command and to
`tests/test_reader_corpus.py`, which holds them to their floors.

Accuracy of a fact is over all messages: a message that does not state it must leave it
empty, so a fact read where there is none counts as a miss too.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from catalogue.places import PlaceIndex
from dialogs.reader import Reading, read

CORPUS = Path(__file__).with_name("facts.yaml")
FACTS = (
    "who",
    "relation",
    "gender",
    "age",
    "problems",
    "place",
    "online_only",
    "english",
    "for_them",
    "navigation",
    "question",
)


def load_corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The labelled messages, each a dict with `text` and the facts it states."""
    messages = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    for message in messages:
        unknown = set(message) - {"text", *FACTS}
        if unknown:
            raise ValueError(f"{message['text']!r}: unknown fields {sorted(unknown)}")
    return messages


def expected(message: dict[str, Any], fact: str) -> Any:
    """The value a fact should read as, in the shape `observed` gives."""
    value = message.get(fact)
    if fact == "problems":
        return tuple(value or ())
    if fact in ("online_only", "english"):
        return bool(value)
    return value


def observed(reading: Reading, fact: str) -> Any:
    """A reading's fact as plain data: enum values, the place's name."""
    if fact == "who":
        return "unsure" if reading.who_unsure else (reading.who and reading.who.value)
    if fact == "relation":
        return reading.relation and reading.relation.value
    if fact == "gender":
        return reading.gender and reading.gender.value
    if fact == "problems":
        return tuple(p.value for p in reading.problems)
    if fact == "place":
        lookup = reading.place
        if lookup is None:
            return None
        place = lookup.place or (lookup.choices[0] if lookup.choices else None)
        return place.name if place else None
    if fact == "navigation":
        return reading.navigation and reading.navigation.value
    return getattr(reading, fact)


@dataclass
class Figures:
    """Accuracy per fact, the share of multi-fact messages read in full, and the misses."""

    total: int = 0
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FACTS, 0))
    several: int = 0
    several_all: int = 0
    silent: int = 0
    silent_not_understood: int = 0
    misses: list[str] = field(default_factory=list)

    def accuracy(self, fact: str) -> float:
        return self.correct[fact] / self.total if self.total else 0.0

    @property
    def several_rate(self) -> float:
        return self.several_all / self.several if self.several else 0.0

    @property
    def silent_rate(self) -> float:
        return self.silent_not_understood / self.silent if self.silent else 0.0


def facts_figures(messages: list[dict[str, Any]] | None = None) -> Figures:
    """Read every message of the corpus and count what was taken right."""
    places = PlaceIndex.bundled()
    figures = Figures()
    for message in load_corpus() if messages is None else messages:
        reading = read(message["text"], places)
        figures.total += 1
        stated = [f for f in FACTS if f in message]
        wrong = []
        for fact in FACTS:
            want, got = expected(message, fact), observed(reading, fact)
            if want == got:
                figures.correct[fact] += 1
            else:
                wrong.append(f"{fact}: expected {want!r}, read {got!r}")
        if len(stated) >= 2:
            figures.several += 1
            figures.several_all += all(expected(message, f) == observed(reading, f) for f in stated)
        if not stated:
            figures.silent += 1
            figures.silent_not_understood += not reading.understood
            if reading.understood:
                wrong.append("understood, though it states nothing")
        if wrong:
            figures.misses.append(f"{message['text']!r}\n    " + "\n    ".join(wrong))
    return figures


def main() -> None:
    figures = facts_figures()
    print(f"{figures.total} messages (tests/corpora/facts.yaml)")
    for fact in FACTS:
        print(f"  {fact:<12} {figures.accuracy(fact):7.1%}")
    print(
        f"  all facts of messages stating several: {figures.several_rate:.1%} "
        f"({figures.several_all}/{figures.several})"
    )
    print(
        f"  messages stating nothing, not understood: {figures.silent_rate:.1%} "
        f"({figures.silent_not_understood}/{figures.silent})"
    )
    print(f"\n{len(figures.misses)} messages with a miss:")
    for miss in figures.misses:
        print(" -", miss)


if __name__ == "__main__":
    main()
