"""How fitting meetings are ordered: fit first, then distance, general groups before others'.

The rule's numbers are a choice, so they are data (`data/rules/ranking.yaml`, which
explains them); this module reads them and says, per meeting, how it counts
for one person::

    rules = RankingRules.bundled()
    woman = Person(gender=Gender.WOMAN)
    assert rules.standing(frozenset({Attribute.WOMEN}), ("nl",), woman) == Standing.OWN
    assert rules.standing(frozenset({Attribute.WOMEN}), ("nl",), Person()) == Standing.OTHERS
    assert rules.standing(frozenset(), ("en",), Person(language="nl")) == Standing.OTHERS
    assert rules.standing(frozenset(), ("nl",), Person()) == Standing.GENERAL

`catalogue.search` turns a standing and a fit rank into the score it sorts by.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from importlib.resources import files

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from catalogue.errors import DataFileError
from catalogue.kinds import AgeBand, Attribute, Gender
from catalogue.yaml_files import read_yaml

LANGUAGE = "language"
"""The audience "a meeting in another language than the person's", in `ranking.yaml`."""

_FILE = "ranking.yaml"


class Standing(IntEnum):
    """Whom a meeting is for, seen from one person; lower comes first."""

    OWN = 0  # for an audience the person belongs to (a women's group for a woman)
    GENERAL = 1  # for anyone
    OTHERS = 2  # for an audience the person does not belong to: after all the others


@dataclass(frozen=True, slots=True)
class Person:
    """What the person the search is for has said about themselves; unknown is None/False.

    `gender` and `age_band` come only from what the person wrote ("ik ben een
    vrouw", "ik ben 24"; see `dialogs.reader`), or from a filter they chose
    (the women's filter makes `gender` a woman); `language` is the language
    they read (the conversation's, or English when they asked for English groups).
    """

    language: str = "nl"
    gender: Gender | None = None
    age_band: AgeBand | None = None
    youth: bool = False  # chose groups for young people, or is a teenager whose parent drinks

    @property
    def is_young(self) -> bool:
        """Youth groups are for them: under 35 (AA's youth groups' limit), or asked for them."""
        return self.youth or (self.age_band is not None and self.age_band.is_young)

    def belongs_to(self, attribute: Attribute) -> bool:
        if attribute is Attribute.WOMEN:
            return self.gender is Gender.WOMAN
        if attribute is Attribute.MEN:
            return self.gender is Gender.MAN
        if attribute is Attribute.YOUTH:
            return self.is_young
        return False


class _RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fit_step_km: float = Field(ge=0, le=100)
    own_audience_km: float = Field(ge=0, le=100)
    audiences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RankingRules:
    """The numbers of `ranking.yaml`: see that file for what they mean."""

    fit_step_km: float
    own_audience_km: float
    audiences: frozenset[Attribute]
    other_language_is_audience: bool

    @classmethod
    @cache
    def bundled(cls) -> RankingRules:
        """The rules shipped in `catalogue/data/ranking.yaml`, read once."""
        text = files("catalogue").joinpath("data", "rules", _FILE).read_text(encoding="utf-8")
        return cls.from_yaml(text)

    @classmethod
    def from_yaml(cls, text: str) -> RankingRules:
        """Rules from the text of a ranking file; a `DataFileError` names what is wrong."""
        try:
            parsed = _RulesFile.model_validate(read_yaml(text, _FILE))
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"])
            raise DataFileError(_FILE, None, field, error["msg"]) from None
        known = {a.value: a for a in Attribute}
        unknown = [a for a in parsed.audiences if a not in known and a != LANGUAGE]
        if unknown:
            raise DataFileError(
                _FILE,
                None,
                "audiences",
                f"unknown {', '.join(unknown)} (expected meeting attributes or '{LANGUAGE}')",
            )
        return cls(
            fit_step_km=parsed.fit_step_km,
            own_audience_km=parsed.own_audience_km,
            audiences=frozenset(known[a] for a in parsed.audiences if a in known),
            other_language_is_audience=LANGUAGE in parsed.audiences,
        )

    def standing(
        self, attributes: frozenset[Attribute], languages: tuple[str, ...], person: Person
    ) -> Standing:
        """Whether a meeting with these attributes and languages is for this person's audience,
        for anyone, or for another audience."""
        if self.others_count(attributes, languages, person):
            return Standing.OTHERS
        return Standing.OWN if attributes & self.audiences else Standing.GENERAL

    def others_count(
        self, attributes: frozenset[Attribute], languages: tuple[str, ...], person: Person
    ) -> int:
        """For how many audiences the person is not in a meeting is: a Dutch women's group is
        for two for an English-speaking man, and comes after a Dutch group for anyone."""
        count = sum(1 for a in attributes & self.audiences if not person.belongs_to(a))
        if self.other_language_is_audience and languages and person.language not in languages:
            count += 1
        return count

    def score_km(self, distance_km: float, fit_rank: int, standing: Standing) -> float:
        """The number the search sorts by within one standing: lower first."""
        bonus = self.own_audience_km if standing is Standing.OWN else 0.0
        return distance_km + fit_rank * self.fit_step_km - bonus
