"""Typed words, understood: problem, relation, yes/no, "online", a number.

People type where a button was expected ("ik drink te veel", "Gokken",
"coke", "wiet"), in Dutch or English, with capitals, accents and small
typos. Everything here works on `normalise`d text and answers None when it
does not understand, so that the dialogue can ask again kindly.

    >>> problem_from_text("Ik drink te veel bier")
    <Problem.ALCOHOL: 'alcohol'>
    >>> problem_from_text("Cocaïne")
    <Problem.COCAINE: 'cocaine'>
    >>> problem_from_text("alchohol")
    <Problem.ALCOHOL: 'alcohol'>
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from rapidfuzz import fuzz, process

from catalogue.kinds import Problem, Relation

_FUZZY_MIN_LENGTH = 5
_FUZZY_CUTOFF = 85


def normalise(text: str) -> str:
    """Lowercase ASCII words separated by single spaces ("Cocaïne!" → "cocaine")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("'", "").replace("’", "").replace("`", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def has_phrase(normalised: str, phrase: str) -> bool:
    """Whether the words of `phrase` occur together, as whole words."""
    return f" {phrase} " in f" {normalised} "


def find_terms(text: str, terms: Mapping[str, object], fuzzy: bool = True) -> list[object]:
    """The values of every term (a word or phrase) found in `text`, in order of first mention.

    Single words of five letters or more also match with a small typo.
    """
    norm = normalise(text)
    found: list[tuple[int, object]] = []
    for term, value in terms.items():
        index = f" {norm} ".find(f" {term} ")
        if index >= 0:
            found.append((index, value))
    if fuzzy:
        single = [t for t in terms if " " not in t and len(t) >= _FUZZY_MIN_LENGTH]
        position = 0
        for word in norm.split():
            if len(word) >= _FUZZY_MIN_LENGTH and word not in terms:
                match = process.extractOne(
                    word, single, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
                )
                if match is not None:
                    found.append((position, terms[match[0]]))
            position += len(word) + 1
    found.sort(key=lambda pair: pair[0])
    values: list[object] = []
    for _, value in found:
        if value not in values:
            values.append(value)
    return values


def _each(words: str) -> list[str]:
    """The words of a space-separated list (keeps the vocabularies below readable)."""
    return words.split()


PROBLEM_TERMS: dict[str, Problem] = {
    # alcohol
    **dict.fromkeys(
        _each(
            "alcohol alcoholist alcoholisme alcoholic drank drink drinken drinkt dronk drinks "
            "drinking drank drunk dronken zuipen zuip bier biertjes beer wijn wine jenever wodka "
            "vodka whisky booze sterke"
        ),
        Problem.ALCOHOL,
    ),
    # drugs in general
    **dict.fromkeys(
        _each(
            "drugs drug harddrugs softdrugs xtc ecstasy mdma speed amfetamine amphetamine ghb "
            "ketamine heroine heroin methadon crystal meth lsd paddos paddo opiaten opioiden "
            "opioids 3mmc 4mmc cathinon gebruiken gebruikt using"
        ),
        Problem.DRUGS,
    ),
    # cocaine
    **dict.fromkeys(
        _each("coke cocaine coca crack snuiven snuift basecoke freebase"), Problem.COCAINE
    ),
    # cannabis
    **dict.fromkeys(
        _each(
            "cannabis wiet weed blowen blowt blow joint joints jointje hasj hash marihuana "
            "marijuana stoned spliff skunk"
        ),
        Problem.CANNABIS,
    ),
    # gambling
    **dict.fromkeys(
        _each(
            "gokken gok gokt gokker gokverslaving gokkast casino casinos gambling gamble gambler "
            "gokschulden betting wedden weddenschappen sportweddenschappen poker roulette "
            "fruitautomaat slots"
        ),
        Problem.GAMBLING,
    ),
    # medication
    **dict.fromkeys(
        _each(
            "medicijnen medicijn medicatie medication medications medicine pillen pills "
            "slaappillen slaappil slaapmiddel slaapmiddelen kalmeringsmiddelen kalmeringsmiddel "
            "benzo benzos benzodiazepine benzodiazepinen benzodiazepines oxazepam diazepam "
            "temazepam lorazepam oxycodon oxycodone oxy tramadol codeine pijnstillers "
            "painkillers tranquillisers tranquilizers"
        ),
        Problem.MEDICATION,
    ),
    "sleeping pills": Problem.MEDICATION,
    # something else, or several
    **dict.fromkeys(
        _each(
            "anders meerdere allebei beide eten eetbuien roken seks porno gamen gaming shoppen "
            "other several both eating smoking sex porn shopping"
        ),
        Problem.OTHER,
    ),
    "iets anders": Problem.OTHER,
    "something else": Problem.OTHER,
    # not sure
    "weet niet": Problem.UNSURE,
    "weet ik niet": Problem.UNSURE,
    "weet het niet": Problem.UNSURE,
    "weet ik het niet": Problem.UNSURE,
    "geen idee": Problem.UNSURE,
    "twijfel": Problem.UNSURE,
    "dont know": Problem.UNSURE,
    "do not know": Problem.UNSURE,
    "not sure": Problem.UNSURE,
    "unsure": Problem.UNSURE,
    "no idea": Problem.UNSURE,
}


def problem_from_text(text: str) -> Problem | None:
    """The problem a typed text names; several different ones mean `OTHER`.

    "Drugs" next to a specific drug counts as that drug ("coke en andere
    drugs" is cocaine); "I don't know" wins over anything else mentioned.
    """
    found = [p for p in find_terms(text, PROBLEM_TERMS) if isinstance(p, Problem)]
    if Problem.UNSURE in found:
        return Problem.UNSURE
    specific = [p for p in found if p is not Problem.DRUGS]
    if Problem.DRUGS in found and specific in ([Problem.COCAINE], [Problem.CANNABIS]):
        return specific[0]
    if len(found) > 1:
        return Problem.OTHER
    return found[0] if found else None


# Words for the other person, read as "the person who uses is my ...".
_THEIR_ROLE: dict[str, Relation] = {
    **dict.fromkeys(
        _each("partner man vrouw echtgenoot echtgenote husband wife vriendje boyfriend girlfriend"),
        Relation.PARTNER,
    ),
    **dict.fromkeys(_each("zoon dochter kind kinderen son daughter child kid"), Relation.PARENT),
    **dict.fromkeys(
        _each("vader moeder pa ma papa mama ouders father mother dad mum mom parents"),
        Relation.ADULT_CHILD,
    ),
    **dict.fromkeys(
        _each(
            "broer zus zuster oom tante neef nicht opa oma vriend vriendin collega buurman "
            "buurvrouw brother sister uncle aunt cousin friend colleague neighbour"
        ),
        Relation.FAMILY_FRIEND,
    ),
}

# Words for oneself, read as "I am the ... of the person who uses".
_MY_ROLE: dict[str, Relation] = {
    **dict.fromkeys(_each("partner echtgenoot echtgenote husband wife"), Relation.PARTNER),
    **dict.fromkeys(
        _each("ouder vader moeder mama papa parent father mother mum mom dad"), Relation.PARENT
    ),
    **dict.fromkeys(_each("tiener puber teen teenager"), Relation.TEEN_CHILD),
    **dict.fromkeys(_each("volwassen adult"), Relation.ADULT_CHILD),
    **dict.fromkeys(
        _each("familie vriend vriendin collega broer zus family friend colleague brother sister"),
        Relation.FAMILY_FRIEND,
    ),
}

_POSSESSIVES = {"mijn", "m", "my", "ons", "onze", "our"}


def relation_from_text(text: str) -> Relation | None:
    """How the writer is related to the person who uses, if the text says so.

    "mijn zoon" → PARENT (I am the parent); "mijn vader" → ADULT_CHILD unless
    "tiener"/"teen" is mentioned; a bare "moeder" → PARENT (I am the mother).
    """
    words = normalise(text).split()
    teen = any(w in {"tiener", "puber", "teen", "teenager", "jong", "young"} for w in words)
    for before, word in zip(["", *words], words, strict=False):
        if before in _POSSESSIVES and word in _THEIR_ROLE:
            relation = _THEIR_ROLE[word]
            if relation is Relation.ADULT_CHILD and teen:
                return Relation.TEEN_CHILD
            return relation
    for word in words:
        if word in _MY_ROLE:
            return _MY_ROLE[word]
    for word in words:
        if word in _THEIR_ROLE:
            return _THEIR_ROLE[word]
    return None


_SELF = {"mezelf", "mijzelf", "zelf", "ik", "mij", "me", "myself", "self", "i", "mine"}
_OTHER = {"iemand", "ander", "anders", "naaste", "someone", "somebody", "else", "other"}
_WHAT_IS = {"wat", "what", "uitleg", "explain", "weet", "twijfel", "unsure", "sure", "info"}


def seeker_word(text: str) -> str | None:
    """ "self", "naaste" or "unsure" for a typed answer to "for whom?", else None."""
    norm = normalise(text)
    words = set(norm.split())
    if relation_from_text(norm) is not None or words & _OTHER:
        return "naaste"
    if words & _WHAT_IS or "?" in text:
        return "unsure"
    if words & _SELF:
        return "self"
    return None


_FOR_ME = {"mezelf", "mijzelf", "zelf", "ik", "mij", "me", "myself", "mijn", "steun", "support"}
_FOR_THEM = {"hem", "haar", "hen", "hun", "zij", "die", "them", "him", "her", "they", "doorgeven"}


def aim_from_text(text: str) -> bool | None:
    """True for "a group for them", False for "support for myself", None if unclear."""
    words = set(normalise(text).split())
    for_them, for_me = bool(words & _FOR_THEM), bool(words & _FOR_ME)
    if for_them != for_me:
        return for_them
    return None


_YES = {"ja", "jawel", "jazeker", "graag", "yes", "yeah", "yep", "ok", "oke", "okay", "goed"}
_YES.add("prima")
_NO = {"nee", "neen", "no", "nope", "niet", "liever", "stop"}


def yes_no(text: str) -> bool | None:
    """True for yes, False for no, None when the text says neither (or both)."""
    words = set(normalise(text).split())
    yes, no = bool(words & _YES), bool(words & _NO)
    return yes if yes != no else None


def is_online(text: str) -> bool:
    """Whether a typed place is the word "online" (or a close variant)."""
    norm = normalise(text)
    return norm in {"online", "onlien", "onine", "internet", "thuis", "from home", "vanuit huis"}


def number_from_text(text: str) -> int | None:
    """A small number typed on its own ("2", "2.", "nummer 2"), else None."""
    words = normalise(text).split()
    numbers = [w for w in words if w.isdigit()]
    if len(numbers) == 1 and len(numbers[0]) <= 2 and len(words) <= 2:
        return int(numbers[0])
    return None


def first_mentioned(text: str, synonyms: Mapping[str, set[str]]) -> str | None:
    """The first key (in the mapping's order) whose words the text mentions, else None."""
    return next((key for key, words in synonyms.items() if mentions(text, words)), None)


def mentions(text: str, words: set[str]) -> bool:
    """Whether any of `words` (normalised, single words or phrases) occurs in the text."""
    norm = normalise(text)
    return any(has_phrase(norm, w) for w in words)
