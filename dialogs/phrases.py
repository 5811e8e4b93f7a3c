"""Phrases with gaps, matched against the words of a message.

A data file writes what to look for as words separated by spaces; the
matcher finds them in `dialogs.words.Words` however the person typed them:

- ``slaan`` matches the word itself and every word whose lemma it is
  ("slaat", "sloeg", "geslagen"); ``slaat`` matches only "slaat";
  ``=zijn`` only the word "zijn" itself, not "ben" or "is";
- ``a|b`` is either word; ``zelfmoord*`` any word that starts so
  ("zelfmoordgedachten"); ``#`` any number; ``{pills}`` any word of the
  named word list; ``$`` the end of the message;
- ``...`` lets up to 3 other words stand in between, ``...5`` up to 5;
- a small typo in a word that the lemmatiser does not know ("ziten",
  "oxazapam", "selfmoord") counts as the word it is closest to.

    >>> from dialogs.words import words
    >>> book = Vocabulary({"pills": ("pillen", "oxazepam")})
    >>> found = book.pattern("net ... {pills} ... nemen|slikken")
    >>> found.spans(book.keys_of(words("ik heb net 20 oxazepam geslikt")))
    [(2, 5)]
    >>> found.spans(book.keys_of(words("ik heb net 20 oxazapam geslikt")))
    [(2, 5)]
    >>> found.spans(book.keys_of(words("ik neem elke ochtend oxazepam")))
    []

Matching is fast enough to run on every message: the keys of a word are
computed once (cached), `candidates` names the few patterns whose rarest term
the message holds, and a pattern is only tried from the positions where its
first term matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import simplemma
from rapidfuzz import fuzz, process

from dialogs.words import LEMMA_LANGUAGES, Words

__all__ = ["Keys", "Pattern", "PatternError", "Vocabulary"]

DEFAULT_GAP = 3
"""Words that ``...`` lets stand in between."""

ANY_NUMBER = "#"
END = "$"
"""The end of the message: ``wil niet meer $`` is "ik wil niet meer" and nothing after."""
_AT_END = frozenset({END})
EXACT = "="
"""Before a word: that word only, not the other forms of its lemma."""

_GAP = re.compile(r"^\.\.\.(\d*)$")
_SET = re.compile(r"^\{([a-z0-9_]+)\}$")
_WORD = re.compile(r"^[a-z0-9_]+\*?$")

FUZZY_MIN_LENGTH = 4
"""Shorter words are too easily close to another word to be read as a typo."""


def _fuzzy_cutoff(length: int) -> float:
    """How close (rapidfuzz ratio, 0–100) a typo must be: stricter for short words."""
    return 88.0 if length <= 5 else 84.0


class PatternError(ValueError):
    """A pattern in a data file cannot be read; the message says which part and why."""


@dataclass(frozen=True, slots=True)
class _Gap:
    most: int


Term = frozenset[str]
"""The keys any one of which a word must have: words, ``=word``, ``prefix*`` and ``#``."""

Keys = tuple[frozenset[str], ...]
"""Per word of a message, everything a term may match it by; the last entry is the end."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """Terms in order, with gaps of a few words allowed where the text says ``...``."""

    text: str
    elements: tuple[Term | _Gap, ...]
    terms: tuple[Term, ...]
    """The elements without the gaps; `terms[0]` starts every match."""
    number: int
    """Its place among the vocabulary's patterns (see `Vocabulary.candidates`)."""

    @property
    def first(self) -> Term:
        """The term every match starts with (patterns never start with a gap)."""
        return self.terms[0]

    def may_match(self, present: frozenset[str]) -> bool:
        """False when a term has none of its keys in the message: no need to look further."""
        return all(term & present for term in self.terms)

    def spans(self, keys: Keys) -> list[tuple[int, int]]:
        """Every (first, last) word position where the pattern matches, in order.

        `keys` are the message's, from `Vocabulary.keys_of`.
        """
        found = []
        first = self.terms[0]
        for start, start_keys in enumerate(keys):
            if first & start_keys:
                end = self._end_from(keys, 1, start)
                if end is not None:
                    found.append((start, end))
        return found

    def _end_from(self, keys: Keys, index: int, at: int) -> int | None:
        """The last position of a match whose element `index - 1` matched at `at`."""
        if index == len(self.elements):
            return at
        element = self.elements[index]
        if isinstance(element, _Gap):
            term = self.elements[index + 1]
            assert not isinstance(term, _Gap)
            for position in range(at + 1, min(at + 2 + element.most, len(keys))):
                if term & keys[position]:
                    end = self._end_from(keys, index + 2, position)
                    if end is not None:
                        return end
            return None
        if at + 1 < len(keys) and element & keys[at + 1]:
            return self._end_from(keys, index + 1, at + 1)
        return None


class Vocabulary:
    """Named word lists, and every word the patterns built from it use (for typos).

    Build all patterns first (`pattern`), then match: a word's keys depend on
    the whole vocabulary, and are cached once matching starts.
    """

    def __init__(self, word_lists: Mapping[str, Iterable[str]]) -> None:
        self.word_lists = {name: tuple(w) for name, w in word_lists.items()}
        self._words: set[str] = set()
        self._prefixes: set[str] = set()
        self._anchors: dict[str, set[int]] = {}
        self._count = 0
        self._sealed = False
        for name, listed in self.word_lists.items():
            for word in listed:
                if word != ANY_NUMBER and not _WORD.match(word):
                    raise PatternError(
                        f"word list {name!r}: {word!r} is not one lowercase word, word* or #"
                    )
                self._add(word)

    def pattern(self, text: str, *, gaps: bool = True) -> Pattern:
        """Read one pattern; `gaps=False` for a phrase (words next to each other only)."""
        if self._sealed:
            raise RuntimeError("all patterns must be built before the first match")
        elements: list[Term | _Gap] = []
        for part in text.split():
            if gap := _GAP.match(part):
                if not gaps:
                    raise PatternError(f"{text!r}: a phrase has no gaps ('...'); use a pattern")
                if not elements or isinstance(elements[-1], _Gap):
                    raise PatternError(f"{text!r}: '...' must stand between two words")
                elements.append(_Gap(int(gap.group(1) or DEFAULT_GAP)))
            else:
                elements.append(self._term(text, part))
        if not elements:
            raise PatternError("empty pattern")
        if isinstance(elements[-1], _Gap):
            raise PatternError(f"{text!r}: '...' must stand between two words")
        terms = tuple(e for e in elements if not isinstance(e, _Gap))
        pattern = Pattern(text, tuple(elements), terms, self._count)
        self._count += 1
        for key in min(terms, key=len):  # its rarest term: every match needs one of these
            self._anchors.setdefault(key, set()).add(pattern.number)
        return pattern

    def candidates(self, present: frozenset[str]) -> set[int]:
        """The numbers of the patterns that may match a message with these keys."""
        found: set[int] = set()
        for key in present:
            if anchored := self._anchors.get(key):
                found.update(anchored)
        return found

    def _term(self, text: str, part: str) -> Term:
        keys: set[str] = set()
        for alternative in part.split("|"):
            if alternative in (ANY_NUMBER, END):
                keys.add(alternative)
            elif named := _SET.match(alternative):
                if named.group(1) not in self.word_lists:
                    raise PatternError(f"{text!r}: no word list named {named.group(1)!r}")
                keys.update(self.word_lists[named.group(1)])
            elif alternative.startswith(EXACT) and _WORD.match(alternative[1:]):
                keys.add(alternative)
            elif _WORD.match(alternative):
                self._add(alternative)
                keys.add(alternative)
            else:
                raise PatternError(
                    f"{text!r}: {alternative!r} is not a lowercase word, =word, word*, "
                    "{list}, # or $"
                )
        return frozenset(keys)

    def _add(self, word: str) -> None:
        if word == ANY_NUMBER:
            return
        if word.endswith("*"):
            self._prefixes.add(word[:-1])
        else:
            self._words.add(word)

    def keys_of(self, message: Words) -> Keys:
        """Per word of the message: everything a term may match it by; then the end (``$``)."""
        if not self._sealed:
            self._sealed = True
            self._choices = sorted(self._words)
            self._key_cache = lru_cache(maxsize=65536)(self._keys)
        found = zip(message.tokens, message.lemmas, strict=True)
        return (*(self._key_cache(t, m) for t, m in found), _AT_END)

    def _keys(self, token: str, lemma: str) -> frozenset[str]:
        keys = {token, lemma, EXACT + token}
        if token.isdigit():
            keys.add(ANY_NUMBER)
        typo = (
            len(token) >= FUZZY_MIN_LENGTH
            and token not in self._words
            and not token.isdigit()
            and not simplemma.is_known(token, lang=LEMMA_LANGUAGES)
        )
        if typo:
            cutoff = _fuzzy_cutoff(len(token))
            for word, _score, _index in process.extract(
                token, self._choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3
            ):
                keys.add(word)
        for prefix in self._prefixes:
            if token.startswith(prefix) or (
                typo
                and len(token) >= len(prefix)
                and fuzz.ratio(token[: len(prefix)], prefix) >= _fuzzy_cutoff(len(prefix))
            ):
                keys.add(prefix + "*")
        return frozenset(keys)
