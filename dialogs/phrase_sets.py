"""Finding data-file phrases in a message, word by word, with room for typos and words between.

A phrase is written as words separated by spaces; a word may list
alternatives with ``|``. A message word matches a phrase word when its
token, its lemma, or its typo-corrected token (or that one's lemma) is one
of the alternatives; an alternative written ``=zijn`` matches only the
token itself (so "ben", whose lemma is "zijn", does not). Up to `gap`
other words may stand between two phrase words, so "moet ik dan echt
praten?" contains the phrase "moet praten" with gap 3::

    phrases = PhraseSet([Phrase("moet praten", "must_talk")], gap=3)
    assert [m.value for m in phrases.find(view("moet ik dan echt praten?"))] == ["must_talk"]
    assert phrases.find(view("ik praat niet")) == []

Typos are corrected only for tokens the lemmatiser does not know (so a real
word such as "koken" never becomes "roken"), against the words the data
files use: one edit for words up to seven letters, two for longer ones.
Every `PhraseSet` adds its words to the one `VOCABULARY` that correction
aims at (in the bot, only `dialogs.lexicon` builds them, once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import simplemma
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from dialogs.words import LEMMA_LANGUAGES, Words, lemma, words

EXACT = "="
"""Marks a phrase word that matches the token only, never a lemma or a typo."""

_FUZZY_MIN_LENGTH = 4
_LONG_WORD = 8


@dataclass(frozen=True, slots=True)
class Phrase:
    """One phrase of a data file and what it stands for."""

    text: str
    value: object

    @property
    def alternatives(self) -> tuple[frozenset[str], ...]:
        """Each phrase word as the set of its ``|``-separated spellings."""
        return tuple(frozenset(word.split("|")) for word in self.text.split())


@dataclass(frozen=True, slots=True)
class Match:
    """Where a phrase was found: token positions `start` to `end` (inclusive)."""

    start: int
    end: int
    value: object
    positions: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class View:
    """A message as the matcher sees it: every spelling each position can match.

    `found` keeps each phrase set's matches for this message, so that asking
    twice costs nothing.
    """

    words: Words
    forms: tuple[frozenset[str], ...]
    found: dict[int, list[Match]] = field(default_factory=dict, compare=False, hash=False)

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.words.tokens


class Vocabulary:
    """The words all data files use: the targets of typo correction."""

    def __init__(self) -> None:
        self._words: set[str] = set()
        self._sorted: list[str] | None = None

    def add(self, spellings: Iterable[str]) -> None:
        self._words.update(w for w in spellings if w.isalpha())
        self._sorted = None
        _corrected.cache_clear()

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def as_list(self) -> list[str]:
        """The words in a fixed order (sorted once after the last change)."""
        if self._sorted is None:
            self._sorted = sorted(self._words)
        return self._sorted

    def correct(self, token: str) -> str | None:
        """The data-file word one small typo away from an unknown token, if any."""
        return _corrected(token, self)


VOCABULARY = Vocabulary()


@lru_cache(maxsize=65536)
def _corrected(token: str, vocabulary: Vocabulary) -> str | None:
    if (
        len(token) < _FUZZY_MIN_LENGTH
        or not token.isalpha()
        or token in vocabulary
        or any(simplemma.is_known(token, lang) for lang in LEMMA_LANGUAGES)
    ):
        return None
    cutoff = 2 if len(token) >= _LONG_WORD else 1
    found = process.extractOne(
        token, vocabulary.as_list(), scorer=Levenshtein.distance, score_cutoff=cutoff
    )
    return found[0] if found is not None else None


def view(text: str) -> View:
    """The message `text` with every spelling each word can match (cached via `words`)."""
    return _view(words(text))


@lru_cache(maxsize=4096)
def _view(message: Words) -> View:
    forms = []
    for token, token_lemma in zip(message.tokens, message.lemmas, strict=True):
        spellings = {token, token_lemma, EXACT + token}
        if (fixed := VOCABULARY.correct(token)) is not None:
            spellings.update({fixed, lemma(fixed)})
        forms.append(frozenset(spellings))
    return View(message, tuple(forms))


class PhraseSet:
    """Phrases indexed by their first word, found in order of position."""

    def __init__(self, phrases: Iterable[Phrase], gap: int = 0, typo_targets: bool = True) -> None:
        """`typo_targets`: whether misspelt words may be corrected into this set's words."""
        self.gap = gap
        self._by_first: dict[str, list[tuple[Phrase, tuple[frozenset[str], ...]]]] = defaultdict(
            list
        )
        spellings: set[str] = set()
        for phrase in phrases:
            words_ = phrase.alternatives
            for spelling in words_[0]:
                self._by_first[spelling].append((phrase, words_))
            spellings.update(s for word in words_ for s in word)
        self._firsts = frozenset(self._by_first)
        if typo_targets:
            VOCABULARY.add(spellings)
        _view.cache_clear()

    def find(self, message: View) -> list[Match]:
        """Every phrase found, by start position; the longest first where two start together."""
        if (known := message.found.get(id(self))) is not None:
            return known
        found: list[Match] = []
        for start, forms in enumerate(message.forms):
            hits = forms & self._firsts
            if not hits:
                continue
            candidates = {id(p): (p, w) for form in hits for p, w in self._by_first[form]}
            matches = [
                m
                for phrase, words_ in candidates.values()
                if (m := self._match_at(message, start, phrase, words_)) is not None
            ]
            found.extend(sorted(matches, key=lambda m: (-(m.end - m.start), str(m.value))))
        message.found[id(self)] = found
        return found

    def _match_at(
        self, message: View, start: int, phrase: Phrase, words_: tuple[frozenset[str], ...]
    ) -> Match | None:
        positions = [start]
        at = start
        for word in words_[1:]:
            for nxt in range(at + 1, min(at + 2 + self.gap, len(message.forms))):
                if message.forms[nxt] & word:
                    positions.append(nxt)
                    at = nxt
                    break
            else:
                return None
        return Match(start, at, phrase.value, tuple(positions))
