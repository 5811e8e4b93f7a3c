"""Words of a message, as both readers see them: normalised tokens and their lemmas.

The danger detector (`dialogs.danger`) and the reader of facts
(`dialogs.reader`) both match data-file phrases against what people type.
They share this one view of a message so that a typo, a capital or an
inflection is handled the same way by both:

    >>> words("Ik heb net 20 Oxazepam geslikt!").tokens
    ('ik', 'heb', 'net', '20', 'oxazepam', 'geslikt')
    >>> words("Ik heb net 20 Oxazepam geslikt!").lemmas[-1]
    'slikken'
    >>> normalise("I'm  gonna   Cocaïne")
    'im gonna cocaine'

Lemmas come from simplemma, which ships its dictionaries (nothing is
downloaded), tried for Dutch first and English second. A token simplemma
does not know is its own lemma.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import simplemma

LEMMA_LANGUAGES = ("nl", "en")
"""Dutch first: a word that exists in both (e.g. "pillen") takes its Dutch lemma."""

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lowercase ASCII words separated by single spaces ("Cocaïne!" -> "cocaine").

    Apostrophes are dropped inside words, so "i'm" is "im" and "z'n" is "zn".
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("'", "").replace("’", "").replace("`", "")
    return " ".join(_NON_WORD.sub(" ", plain).split())


@lru_cache(maxsize=65536)
def lemma(token: str) -> str:
    """The dictionary form of one normalised token (Dutch, else English, else itself)."""
    if token.isdigit():
        return token
    return simplemma.lemmatize(token, lang=LEMMA_LANGUAGES).casefold()


@dataclass(frozen=True, slots=True)
class Words:
    """One message as tokens and lemmas, position by position."""

    tokens: tuple[str, ...]
    lemmas: tuple[str, ...]

    @property
    def text(self) -> str:
        """The normalised message: its tokens joined by single spaces."""
        return " ".join(self.tokens)


@lru_cache(maxsize=4096)
def words(text: str) -> Words:
    """The message's tokens and their lemmas (cached: both readers ask for the same text)."""
    tokens = tuple(normalise(text).split())
    return Words(tokens, tuple(lemma(t) for t in tokens))
