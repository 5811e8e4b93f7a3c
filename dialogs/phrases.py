"""Phrases with gaps, matched against the words of a message: one syntax for every data file.

A data file (``danger.yaml`` and the reader's ``who``, ``relations``,
``problems``, ``navigation``, ``language``, ``places``, ``questions``) writes
what to look for as words separated by spaces; the matcher finds them in
`dialogs.words.Words` however the person typed them:

- ``slaan`` matches the word itself and every word whose lemma it is
  ("slaat", "sloeg", "geslagen"); ``slaat`` matches only "slaat";
  ``=zijn`` only the word "zijn" itself, not "ben" or "is";
- ``a|b`` is either word; ``zelfmoord*`` any word that starts so
  ("zelfmoordgedachten"); ``#`` any number; ``{pills}`` any word of the
  named word list; ``$`` the end of the message;
- ``...`` lets up to 3 other words stand in between, ``...5`` up to 5; code
  may also allow a few words between every two words of a phrase
  (``Vocabulary.pattern(text, gap=2)``: "ik ben al jaren verslaafd" holds
  "ik ben verslaafd");
- a small typo in a word that the lemmatiser does not know ("ziten",
  "oxazapam", "selfmoord", "wied", "gelsikt") counts as the word it is
  closest to among the words the patterns use: one edit (a letter added,
  dropped, changed, or two letters swapped) for words up to seven letters,
  two for longer ones; a real word such as "koken" never becomes "roken".

    >>> from dialogs.words import words
    >>> book = Vocabulary({"pills": ("pillen", "oxazepam")})
    >>> found = book.pattern("net ... {pills} ... nemen|slikken")
    >>> found.spans(book.keys_of(words("ik heb net 20 oxazepam geslikt")))
    [(2, 5)]
    >>> found.spans(book.keys_of(words("ik heb net 20 oxazapam geslikt")))
    [(2, 5)]
    >>> found.spans(book.keys_of(words("ik neem elke ochtend oxazepam")))
    []

The danger rules use `Pattern` directly; the reader groups phrases with what
they stand for in a `PhraseSet` and asks it for `Match`es in a `View`:

    >>> book = Vocabulary()
    >>> questions = PhraseSet(book, [("moet praten", "must_talk")], gap=3)
    >>> [m.value for m in questions.find(book.view("moet ik dan echt praten?"))]
    ['must_talk']
    >>> questions.find(book.view("ik praat niet"))
    []

Matching is fast enough to run on every message: the keys of a word are
computed once (cached), `candidates` names the few patterns whose rarest term
the message holds, and a pattern is only tried from the positions where its
first term matches.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import simplemma
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from dialogs.words import LEMMA_LANGUAGES, Words, words

__all__ = ["Keys", "Match", "Pattern", "PatternError", "PhraseSet", "View", "Vocabulary"]

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
LONG_WORD = 8
"""A typo of a word this long may be two edits away ("selfmoord" is one); shorter ones, one."""


def _edits_allowed(length: int) -> int:
    """How many edits (a letter added, dropped, changed, or two swapped) a typo may be off."""
    return 2 if length >= LONG_WORD else 1


def _fuzzy_cutoff(length: int) -> float:
    """How close (rapidfuzz ratio, 0–100) the start of a word must be to a ``prefix*``."""
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
        return [(found[0], found[-1]) for found in self.matches(keys)]

    def matches(self, keys: Keys) -> list[tuple[int, ...]]:
        """The positions of the words each match consists of, one match per start, in order."""
        found = []
        first = self.terms[0]
        for start, start_keys in enumerate(keys):
            if first & start_keys:
                positions = self.match_from(keys, start)
                if positions is not None:
                    found.append(positions)
        return found

    def match_from(self, keys: Keys, start: int) -> tuple[int, ...] | None:
        """The positions of the match whose first term is the word at `start`, if any."""
        return self._rest(keys, 1, (start,))

    def _rest(self, keys: Keys, index: int, taken: tuple[int, ...]) -> tuple[int, ...] | None:
        """The match completed from element `index` on, after the words `taken`.

        Words next to each other are followed in a loop; only a gap may try
        several positions (the first that lets the rest match wins).
        """
        positions = list(taken)
        at = positions[-1]
        while index < len(self.elements):
            element = self.elements[index]
            if isinstance(element, _Gap):
                term = self.elements[index + 1]
                assert not isinstance(term, _Gap)
                for position in range(at + 1, min(at + 2 + element.most, len(keys))):
                    if term & keys[position]:
                        found = self._rest(keys, index + 2, (*positions, position))
                        if found is not None:
                            return found
                return None
            at += 1
            if at >= len(keys) or not element & keys[at]:
                return None
            positions.append(at)
            index += 1
        return tuple(positions)


@dataclass(frozen=True, slots=True)
class Match:
    """Where a phrase of a `PhraseSet` was found: words `start` to `end` (inclusive)."""

    start: int
    end: int
    value: object
    """What the phrase stands for (a problem, a relation, a question id...)."""
    positions: tuple[int, ...]
    """The words the phrase's words matched (the others in between are a gap's)."""


@dataclass(frozen=True, slots=True)
class View:
    """A message with its keys; `found` keeps each phrase set's matches, so asking twice is free."""

    words: Words
    keys: Keys
    found: dict[int, list[Match]] = field(default_factory=dict, compare=False, hash=False)

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.words.tokens


class Vocabulary:
    """Named word lists, and every word the patterns built from it use (for typos).

    Build all patterns first (`pattern`), then match: a word's keys depend on
    the whole vocabulary, and are cached once matching starts.
    """

    def __init__(self, word_lists: Mapping[str, Iterable[str]] | None = None) -> None:
        self.word_lists = {name: tuple(w) for name, w in (word_lists or {}).items()}
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

    def pattern(
        self, text: str, *, gaps: bool = True, gap: int = 0, typo_target: bool = True
    ) -> Pattern:
        """Read one pattern; `gaps=False` for a phrase (words next to each other only).

        `gap`: words allowed between every two words the text does not join by
        ``...``. `typo_target=False` keeps its words out of typo correction
        (the reader's hedge "denk ik" must not turn "drnk" into "denk").
        """
        if self._sealed:
            raise RuntimeError("all patterns must be built before the first match")
        elements: list[Term | _Gap] = []
        for part in text.split():
            if written := _GAP.match(part):
                if not gaps:
                    raise PatternError(f"{text!r}: a phrase has no gaps ('...'); use a pattern")
                if not elements or isinstance(elements[-1], _Gap):
                    raise PatternError(f"{text!r}: '...' must stand between two words")
                elements.append(_Gap(int(written.group(1) or DEFAULT_GAP)))
            else:
                if gap and elements and not isinstance(elements[-1], _Gap):
                    elements.append(_Gap(gap))
                elements.append(self._term(text, part, typo_target))
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

    def _term(self, text: str, part: str, typo_target: bool = True) -> Term:
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
                if typo_target or alternative.endswith("*"):
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

    def __contains__(self, word: object) -> bool:
        """Whether a pattern or word list uses this word (as itself, not as a prefix)."""
        return word in self._words

    def keys_of(self, message: Words) -> Keys:
        """Per word of the message: everything a term may match it by; then the end (``$``)."""
        self._seal()
        found = zip(message.tokens, message.lemmas, strict=True)
        return (*(self._key_cache(t, m) for t, m in found), _AT_END)

    def view(self, text: str) -> View:
        """The message `text` ready for `PhraseSet.find` (its words cached via `words`)."""
        message = words(text)
        return View(message, self.keys_of(message))

    def correct(self, token: str) -> str | None:
        """The word of the patterns closest to a token it counts as a typo of, if any."""
        self._seal()
        return self._correct_cache(token)

    def _seal(self) -> None:
        if not self._sealed:
            self._sealed = True
            self._choices = sorted(self._words)
            self._key_cache = lru_cache(maxsize=65536)(self._keys)
            self._correct_cache = lru_cache(maxsize=65536)(self._corrections)

    def _corrections(self, token: str) -> str | None:
        """The closest word of the patterns, for a token that may be a typo (`_is_typo`)."""
        if not self._is_typo(token):
            return None
        found = process.extractOne(
            token,
            self._choices,
            scorer=OSA.distance,
            score_cutoff=_edits_allowed(len(token)),
        )
        return found[0] if found is not None else None

    def _is_typo(self, token: str) -> bool:
        """Whether a token may be a typo: long enough, not a number, unknown as it is."""
        return (
            len(token) >= FUZZY_MIN_LENGTH
            and token not in self._words
            and not token.isdigit()
            and not simplemma.is_known(token, lang=LEMMA_LANGUAGES)
        )

    def _keys(self, token: str, lemma: str) -> frozenset[str]:
        keys = {token, lemma, EXACT + token}
        if token.isdigit():
            keys.add(ANY_NUMBER)
        typo = self._is_typo(token)
        if typo and (fixed := self._correct_cache(token)) is not None:
            keys.add(fixed)
        for prefix in self._prefixes:
            if token.startswith(prefix) or (
                typo
                and len(token) >= len(prefix)
                and fuzz.ratio(token[: len(prefix)], prefix) >= _fuzzy_cutoff(len(prefix))
            ):
                keys.add(prefix + "*")
        return frozenset(keys)


class PhraseSet:
    """Phrases of the reader's data files and what each stands for, found in order of position."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        phrases: Iterable[tuple[str, object]],
        gap: int = 0,
        typo_targets: bool = True,
    ) -> None:
        """`gap`: words allowed between every two words of a phrase; `typo_targets`: whether
        misspelt words may be corrected into this set's words."""
        self._by_first: dict[str, list[tuple[Pattern, object]]] = defaultdict(list)
        for text, value in phrases:
            pattern = vocabulary.pattern(text, gap=gap, typo_target=typo_targets)
            for key in pattern.first:
                self._by_first[key].append((pattern, value))
        self._firsts = frozenset(self._by_first)

    def find(self, message: View) -> list[Match]:
        """Every phrase found, by start position; the longest first where two start together."""
        if (known := message.found.get(id(self))) is not None:
            return known
        found: list[Match] = []
        for start, keys in enumerate(message.keys):
            hits = keys & self._firsts
            if not hits:
                continue
            candidates = {id(p): (p, v) for key in hits for p, v in self._by_first[key]}
            matches = [
                Match(start, positions[-1], value, positions)
                for pattern, value in candidates.values()
                if (positions := pattern.match_from(message.keys, start)) is not None
            ]
            found.extend(sorted(matches, key=lambda m: (-(m.end - m.start), str(m.value))))
        message.found[id(self)] = found
        return found
