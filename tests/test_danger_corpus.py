"""The danger detector on the corpus: recall and precision floors for every kind.

The floors sit just under the figures the rules reach (README "Safety"), so that a
change to the rules that loses a few messages of any kind fails here.
"""

from __future__ import annotations

import pytest
from corpora.evaluate_danger import danger_figures, read_corpus

from dialogs.danger import DangerKind

RECALL_FLOOR = 0.975
PRECISION_FLOOR = 0.98
FIGURES = danger_figures()


def test_the_corpus_is_large_and_balanced_enough():
    messages = read_corpus()
    dangerous = [m for m in messages if m.kinds]
    assert len(messages) >= 2200
    assert len(dangerous) >= 1100 and len(messages) - len(dangerous) >= 1000
    for kind in DangerKind:
        assert sum(kind in m.kinds for m in messages) >= 150, kind


@pytest.mark.parametrize("kind", list(DangerKind))
def test_recall_of_each_kind_is_at_least_97_5_percent(kind):
    figures = FIGURES[kind]
    missed = [m.text for m in figures.false_negatives]
    assert figures.recall >= RECALL_FLOOR, f"{kind}: recall {figures.recall:.1%}, missed {missed}"


@pytest.mark.parametrize("kind", list(DangerKind))
def test_precision_of_each_kind_is_at_least_98_percent(kind):
    figures = FIGURES[kind]
    wrong = [m.text for m in figures.false_positives]
    assert figures.precision >= PRECISION_FLOOR, (
        f"{kind}: precision {figures.precision:.1%}, false alarms {wrong}"
    )
