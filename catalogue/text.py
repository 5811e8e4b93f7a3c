"""Normalising place names so that what people type finds what the data calls it.

A *name key* ignores case, diacritics, punctuation and spacing and folds the
Dutch short forms that people use in writing place names::

    assert name_key("'s-Hertogenbosch") == "shertogenbosch"
    assert name_key("Alphen a/d Rijn") == name_key("Alphen aan den Rijn") == "alphenadrijn"
    assert name_key("St. Oedenrode") == name_key("Sint-Oedenrode")
    assert name_key("Ré") == "re"

Keys are for lookup only; a place is always shown with its own name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_A_D = re.compile(r"\ba\s*/\s*d\b|\ba\.\s*d\.?(?=\s|$)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Token sequences folded to one token; longest first.
_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("aan", "den"), "ad"),
    (("aan", "der"), "ad"),
    (("aan", "de"), "ad"),
    (("a", "d"), "ad"),
    (("op", "den"), "od"),
    (("op", "de"), "od"),
)
_WORDS = {"st": "sint", "nw": "nieuw", "gem": "gemeente"}


def fold(text: str) -> str:
    """Lowercase and strip diacritics ("Liège" -> "liege"); keeps spacing and punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def name_tokens(text: str) -> tuple[str, ...]:
    """The words of a name after folding short forms: ``Alphen a/d Rijn`` -> alphen, ad, rijn."""
    folded = _A_D.sub(" ad ", fold(text).replace("’", "'").replace("`", "'"))
    raw = [_WORDS.get(t, t) for t in _NON_ALNUM.split(folded) if t]
    tokens: list[str] = []
    i = 0
    while i < len(raw):
        for phrase, replacement in _PHRASES:
            if tuple(raw[i : i + len(phrase)]) == phrase:
                tokens.append(replacement)
                i += len(phrase)
                break
        else:
            tokens.append(raw[i])
            i += 1
    return tuple(tokens)


def name_key(text: str) -> str:
    """The lookup key of a name: its folded words joined without spaces."""
    return "".join(name_tokens(text))


def name_keys(text: str) -> set[str]:
    """The key and its variants people also type ("hertogenbosch" for 's-Hertogenbosch)."""
    tokens = name_tokens(text)
    keys = {"".join(tokens)} if tokens else set()
    if len(tokens) > 1 and tokens[0] in {"s", "t"}:
        keys.add("".join(tokens[1:]))
    return keys
