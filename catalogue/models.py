"""The records of the catalogue: frozen values, no I/O.

Every record that a user may read carries a `Source`: where the facts come
from, when a person last checked them (or, for a copy of someone else's
list, the date of that copy), and whether it is sample data that must be
labelled as such wherever it is shown.

Texts that a user reads (a description, what a first meeting is like) are
data, not code, so they live in the data files in both languages as a
`LocalText`; everything the bot itself says goes through gettext.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from types import MappingProxyType

from catalogue.kinds import Attendance, Attribute, Country, DangerKind, Problem, Relation, Seeker

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
    """Where a record's facts come from, and as of when.

    Two kinds of date, never mixed up:

    - `verified_on`: a person checked the facts on that day (organisations,
      helplines; shown as "checked" only with `checked_by`, who checked); for
      seed documents, their date;
    - `as_of`: the date of the copy or feed the facts were read from (a
      fellowship's own meeting list). Nobody checked them; users are shown
      "data of <as_of>" and sent to the official page.

    A helpline nobody has checked against its source has neither: `dated` is
    then the source's own date as it gives it ("2025-10-03", "2021-11").
    `name` is whose facts they are (the fellowship's own site), `via` where our
    copy came from when that is someone else (a mirror, an aggregator).
    `sample` marks invented records shipped so that the bot can be tried out:
    they are never presented as real.
    """

    name: str
    verified_on: date | None = None
    url: str | None = None
    sample: bool = False
    imported_on: date | None = None
    as_of: date | None = None
    via: str | None = None
    checked_by: str | None = None
    dated: str | None = None

    @property
    def dated_on(self) -> date | None:
        """The date the facts are from: the copy's date, else the day they were checked."""
        return self.as_of or self.verified_on


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
    contact_source: Source | None = None
    """Where website, phone and e-mail come from when not from `source` (a fresher list)."""

    def display_name(self, language: str) -> str:
        """Its name in the reader's language: the English name where it has one."""
        return self.name_en if language == "en" and self.name_en else self.name


@dataclass(frozen=True, slots=True)
class Venue:
    """A physical meeting place; coordinates are WGS84 degrees. `name`: e.g. the building."""

    address: str
    postcode: str
    city: str
    country: Country
    lat: float
    lon: float
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Online:
    """How to join a meeting from home: a video link, a dial-in, or both.

    `url` is a conference link of a known provider (`catalogue.conference`);
    `phone` is the whole dial string with its codes, as a caller needs it
    (``+31 20 123 4567,,987654#``: the number, pauses, the meeting code).
    """

    url: str | None = None
    phone: str | None = None

    @property
    def tel_uri(self) -> str | None:
        """The dial string as a tap-to-call link (RFC 3966): ``tel:+31201234567,,987654%23``."""
        if self.phone is None:
            return None
        kept = "".join(c for c in self.phone if c.isdigit() or c in "+,;*#")
        return "tel:" + kept.replace("#", "%23")


@dataclass(frozen=True, slots=True)
class AgeRange:
    """The ages a youth meeting is for, as its listing gives them ("tot 35", "14-28").

    Either end may be open; real NA and AA listings only say "youth" (their
    type ``Y``) and give no ages, so most youth meetings have no range at all.
    """

    youngest: int | None = None
    oldest: int | None = None


@dataclass(frozen=True, slots=True)
class Meeting:
    """One recurring meeting of one group.

    The schedule is an RFC 5545 recurrence rule (`rrule`, e.g.
    ``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU``) anchored at `first_on`, the date of
    a real (or planned) first occurrence: fortnightly rules count from it.
    `start` and `end` are wall-clock times in `timezone`, so a 19:30
    meeting stays at 19:30 across daylight-saving changes.

    `end` is None when the source does not say (shown as "end not given";
    no length is assumed).

    A meeting has a `venue`, an `online` way in, or both (hybrid): see
    `attendance`. `cancelled_on` lists single occurrences that do not take
    place; `ends_on` is the last date it may take place; `retired_on` is set
    when an importer no longer finds the meeting in its feed.

    What a feed says about the meeting itself: `languages` (every language
    it is held in, as ISO 639-1 codes, the main one first); `ages`, the ages
    a youth meeting is for, where given; `url`, its page
    on the official listing; `feedback`, links or e-mail addresses to report
    a mistake; `location_notes` and `group_notes`, the group's own words;
    `changed_on`, when the source last changed the record (never shown as
    "checked").
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
    languages: tuple[str, ...] = ("nl",)
    ages: AgeRange | None = None
    notes: LocalText | None = None
    cancelled_on: frozenset[date] = frozenset()
    ends_on: date | None = None
    retired_on: date | None = None
    url: str | None = None
    feedback: tuple[str, ...] = ()
    location_notes: str | None = None
    group_notes: str | None = None
    changed_on: date | None = None

    @property
    def is_online(self) -> bool:
        return self.online is not None

    @property
    def attendance(self) -> Attendance:
        """In person, online or hybrid: which of `venue` and `online` the meeting has."""
        if self.venue is not None and self.online is not None:
            return Attendance.HYBRID
        return Attendance.ONLINE if self.venue is None else Attendance.IN_PERSON

    @property
    def duration(self) -> timedelta | None:
        """How long a meeting lasts; None when the source gives no end."""
        if self.end is None:
            return None
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
    left_out: tuple[str, ...] = field(default=())
    """Records of the bundled real copies that could not be used, each with why."""
    merged_into: Mapping[str, str] = field(default_factory=dict)
    """The id of each record left out as the same meeting as another (`catalogue.duplicates`),
    mapped to the id that was kept: a reminder or an open page on the dropped record follows
    the kept one instead of stopping as if the meeting had ended."""

    def __post_init__(self) -> None:
        for name in ("organisations", "meetings", "helplines", "clinics", "merged_into"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def meeting(self, meeting_id: str) -> Meeting | None:
        """The meeting with this id, or the record it was merged into; None if neither exists."""
        found = self.meetings.get(meeting_id)
        if found is None and meeting_id in self.merged_into:
            found = self.meetings.get(self.merged_into[meeting_id])
        return found

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
