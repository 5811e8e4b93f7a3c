"""The records of the catalogue: frozen values, no I/O.

Every record that a user may read carries a `Source`: where the facts come
from, when a person last checked them, and whether it is sample data that
must be labelled as such wherever it is shown.

Texts that a user reads (a description, what a first meeting is like) are
data, not code, so they live in the data files in both languages as a
`LocalText`; everything the bot itself says goes through gettext.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from types import MappingProxyType

from catalogue.kinds import Attribute, Country, DangerKind, Problem, Relation, Seeker

LANGUAGES = ("nl", "en")


@dataclass(frozen=True, slots=True)
class LocalText:
    """A text in Dutch and English; `get` falls back to Dutch."""

    nl: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" and self.en else self.nl


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record's facts come from, and the date they are as of.

    `verified_on` is the day the facts are from: the day someone checked them
    (with `checked_by`, who), or for seed documents their date. It is None
    when nobody has checked a helpline against its source; `dated` is then
    the source's own date as it gives it ("2025-10-03", "2021-11", "2019").
    Only a source with `checked_by` is shown as "checked" on a meeting page.
    `sample` marks invented records shipped so that the bot can be tried out:
    they are never to be presented as real.
    """

    name: str
    verified_on: date | None
    url: str | None = None
    sample: bool = False
    imported_on: date | None = None
    checked_by: str | None = None
    dated: str | None = None


@dataclass(frozen=True, slots=True)
class Organisation:
    """A self-help organisation, or an information centre that points to groups."""

    id: str
    name: str
    short_name: str
    seekers: frozenset[Seeker]
    relations: frozenset[Relation]
    problems: frozenset[Problem]
    way_of_working: LocalText
    description: LocalText
    first_meeting: LocalText
    countries: frozenset[Country]
    source: Source
    website: str | None = None
    phone: str | None = None
    email: str | None = None
    name_en: str | None = None  # the name it uses in English, where it has one
    intake_first: bool = False  # a talk comes before the first group (asked via website/phone)

    def display_name(self, language: str) -> str:
        """Its name in the reader's language: the English name where it has one."""
        return self.name_en if language == "en" and self.name_en else self.name


@dataclass(frozen=True, slots=True)
class Venue:
    """A physical meeting place; coordinates are WGS84 degrees."""

    address: str
    postcode: str
    city: str
    country: Country
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Online:
    """How to join a meeting from home: a video link, a phone number, or both."""

    url: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Meeting:
    """One recurring meeting of one group.

    The schedule is an RFC 5545 recurrence rule (`rrule`, e.g.
    ``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU``) anchored at `first_on`, the date of
    a real (or planned) first occurrence: fortnightly rules count from it.
    `start` and `end` are wall-clock times in `timezone`, so a 19:30
    meeting stays at 19:30 across daylight-saving changes.

    A meeting has a `venue`, an `online` way in, or both (hybrid).
    `cancelled_on` lists single occurrences that do not take place;
    `ends_on` is the last date it may take place; `retired_on` is set when
    an importer no longer finds the meeting in its feed.
    """

    id: str
    organisation_id: str
    name: str
    rrule: str
    first_on: date
    start: time
    end: time | None
    timezone: str
    source: Source
    venue: Venue | None = None
    online: Online | None = None
    attributes: frozenset[Attribute] = frozenset()
    language: str = "nl"
    notes: LocalText | None = None
    cancelled_on: frozenset[date] = frozenset()
    ends_on: date | None = None
    retired_on: date | None = None

    @property
    def is_online(self) -> bool:
        return self.online is not None

    @property
    def duration(self) -> timedelta:
        """How long a meeting lasts; 90 minutes when the data does not say."""
        if self.end is None:
            return timedelta(minutes=90)
        end_minutes = self.end.hour * 60 + self.end.minute
        minutes = end_minutes - (self.start.hour * 60 + self.start.minute)
        return timedelta(minutes=minutes if minutes > 0 else minutes + 24 * 60)


@dataclass(frozen=True, slots=True)
class Helpline:
    """A phone line to show: emergency, crisis, professional help or an organisation's own."""

    id: str
    name: LocalText
    number: str
    kind: str  # "emergency" | "crisis" | "professional" | "organisation"
    countries: frozenset[Country]
    description: LocalText
    source: Source
    hours: LocalText | None = None
    url: str | None = None
    organisation_id: str | None = None
    serves: frozenset[DangerKind] = frozenset()
    """The kinds of danger this line is the one to call for (the safety screen)."""


@dataclass(frozen=True, slots=True)
class Clinic:
    """A care provider that hands out the bot's link; counted, never its clients."""

    id: str
    name: str
    region: str
    language: str
    source: Source


@dataclass(frozen=True, slots=True)
class FitRule:
    """One row of the fit table: who, with which problem, is helped by which organisations.

    `relations` empty means "any relation" (and is the only choice for self).
    """

    seeker: Seeker
    problems: frozenset[Problem]
    relations: frozenset[Relation]
    organisation_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Everything the bot knows, loaded and validated as one whole."""

    organisations: Mapping[str, Organisation]
    meetings: Mapping[str, Meeting]
    helplines: Mapping[str, Helpline]
    clinics: Mapping[str, Clinic]
    fit_rules: tuple[FitRule, ...]
    files: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("organisations", "meetings", "helplines", "clinics"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def fitting_organisations(
        self, seeker: Seeker, problem: Problem, relation: Relation | None = None
    ) -> tuple[str, ...]:
        """The organisation ids that fit, in the order the fit table lists them."""
        found: list[str] = []
        for rule in self.fit_rules:
            if rule.seeker is not seeker or problem not in rule.problems:
                continue
            if rule.relations and (relation is None or relation not in rule.relations):
                continue
            found.extend(oid for oid in rule.organisation_ids if oid not in found)
        return tuple(found)
