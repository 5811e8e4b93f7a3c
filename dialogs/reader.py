"""Interim reader: the contract of branch `reader`, built on `dialogs.understanding`.

This file stands in for the reader of branch `reader` until that branch is
merged; it is replaced by that branch's `dialogs/reader.py` (same names, same
fields) and deleted with `dialogs/understanding.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum

from catalogue.kinds import Problem, Relation, Seeker
from catalogue.places import PlaceLookup
from dialogs import understanding
from dialogs.context import Places
from dialogs.words import words


class Navigation(StrEnum):
    BACK = "back"
    RESTART = "restart"
    STOP = "stop"


@dataclass(frozen=True, slots=True)
class Reading:
    who: Seeker | None = None
    who_unsure: bool = False
    relation: Relation | None = None
    age: int | None = None
    problems: tuple[Problem, ...] = ()
    place: PlaceLookup | None = None
    online_only: bool = False
    english: bool = False
    for_them: bool | None = None
    navigation: Navigation | None = None
    question: str | None = None

    @property
    def understood(self) -> bool:
        return any(getattr(self, f.name) not in (None, False, ()) for f in fields(self))


_NAVIGATION = {
    "terug": Navigation.BACK,
    "vorige": Navigation.BACK,
    "back": Navigation.BACK,
    "opnieuw": Navigation.RESTART,
    "stop": Navigation.STOP,
}
_ENGLISH = {"my", "i", "im", "the", "is", "please", "hi", "hello", "and", "drinks", "english"}


def read(text: str, places: Places) -> Reading:
    tokens = words(text).tokens
    seeker = understanding.seeker_word(text)
    problem = understanding.problem_from_text(text)
    lookup = places.lookup(text) if 0 < len(tokens) <= 3 else None
    if lookup is not None and (lookup.place is None or words(lookup.place.name).tokens != tokens):
        lookup = None
    return Reading(
        who=Seeker.SELF if seeker == "self" else Seeker.NAASTE if seeker == "naaste" else None,
        who_unsure=seeker == "unsure",
        relation=understanding.relation_from_text(text),
        problems=(problem,) if problem else (),
        place=lookup,
        online_only=understanding.is_online(text),
        english=len(set(tokens) & _ENGLISH) >= 2,
        for_them=understanding.aim_from_text(text) if seeker is None else None,
        navigation=_NAVIGATION.get(" ".join(tokens)),
    )


def question_answer(question_id: str, language: str) -> str:
    return ""
