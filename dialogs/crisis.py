"""Words of crisis, recognised at any step.

Someone who writes that they want to die, or that someone took an
overdose, gets the emergency and crisis numbers at once, whatever question
was open. A false alarm costs one calm screen and a "continue" button; a
missed one may cost more, so matching leans towards recognising: phrases
as whole words, a few stems inside longer words ("zelfmoordgedachten"),
and small typos in the single words.

    >>> is_crisis("Ik wil niet meer LEVEN")
    True
    >>> is_crisis("ik heb zelfmoordgedachten")
    True
    >>> is_crisis("I want to kill myself")
    True
    >>> is_crisis("ik wil niet meer drinken")
    False
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from dialogs.understanding import has_phrase, normalise

# Stems that mean crisis wherever they occur inside a word.
_STEMS = ("zelfmoord", "zelfdoding", "suicid", "suizid", "overdos", "levensmoe")

# Whole words or phrases (normalised: lowercase, no accents, no apostrophes).
_PHRASES = (
    "ik wil dood",
    "wil dood",
    "ik wil niet meer leven",
    "wil niet meer leven",
    "niet meer willen leven",
    "niet meer leven",
    "wil niet meer verder leven",
    "ik wil er niet meer zijn",
    "er een eind aan maken",
    "er een einde aan maken",
    "een eind aan mijn leven",
    "een einde aan mijn leven",
    "einde aan maken",
    "eind aan maken",
    "van kant maken",
    "mezelf ombrengen",
    "mezelf doden",
    "mijzelf doden",
    "mezelf iets aandoen",
    "mijzelf iets aandoen",
    "mezelf wat aandoen",
    "liever dood",
    "kill myself",
    "killing myself",
    "kill my self",
    "end my life",
    "ending my life",
    "end it all",
    "take my life",
    "take my own life",
    "want to die",
    "wanna die",
    "wish i was dead",
    "wish i were dead",
    "dont want to live",
    "do not want to live",
    "dont want to be alive",
    "hurt myself",
    "harm myself",
    "self harm",
)

# "ik wil gewoon dood", "ik wil echt niet meer leven"
_PATTERNS = (
    re.compile(r"\bwil (?:\w+ ){0,2}dood\b"),
    re.compile(r"\bwil (?:\w+ ){0,2}niet meer (?:\w+ )?leven\b"),
    re.compile(r"\bwant (?:\w+ ){0,2}to die\b"),
)

_FUZZY_WORDS = ("zelfmoord", "zelfdoding", "suicide", "suicidal", "overdosis", "overdose")


def is_crisis(text: str) -> bool:
    """Whether the text speaks of suicide or an overdose, in Dutch or English."""
    norm = normalise(text)
    if not norm:
        return False
    compact = norm.replace(" ", "")
    if any(stem in compact for stem in _STEMS):
        return True
    if any(has_phrase(norm, phrase) for phrase in _PHRASES):
        return True
    if any(pattern.search(norm) for pattern in _PATTERNS):
        return True
    for word in norm.split():
        if len(word) >= 7 and process.extractOne(
            word, _FUZZY_WORDS, scorer=fuzz.ratio, score_cutoff=85
        ):
            return True
    return False
