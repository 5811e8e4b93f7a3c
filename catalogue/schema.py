"""The data files' records as pydantic models: one model per kind of record, and their errors.

Rules of this module:

- A model says which fields a record has, which are required, and what each
  holds (the types of `catalogue.values`); pydantic reads the record and
  reports every field that is wrong, missing or unknown (``extra="forbid"``:
  a typo is an error, never silence).
- Checks that need several fields of one record (is `first_on` a date of the
  schedule, open and closed at once) are each model's `cross_checks()`, run once
  its fields are fine. Checks that need several files (does the organisation
  exist, is the id unique) are the loader's (`catalogue.loading`).
- Every error becomes a `DataFileError(file, record, field, problem)` in
  today's words: ``meeting 'x': field 'start': '24:00' is not a time of day
  (expected HH:MM, in quotes, e.g. "19:30")``.

`read_record(kind, raw, index, context)` is the one way in; `KINDS` maps a
file's top-level key to its kind.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
)

from catalogue.errors import DataFileError
from catalogue.kinds import Attribute, Country, Problem, Seeker
from catalogue.models import (
    AgeRange,
    Clinic,
    FitRule,
    Helpline,
    LocalText,
    Meeting,
    Online,
    Organisation,
    Source,
    Venue,
)
from catalogue.recurrence import check_rule, first_date_from
from catalogue.values import (
    Age,
    Attributes,
    Bool,
    Countries,
    CountryCode,
    Dangers,
    Date,
    Dates,
    DialString,
    Email,
    Expected,
    Feedback,
    Id,
    Ids,
    InvalidValue,
    Language,
    Languages,
    Number,
    Phone,
    Postcode,
    Problems,
    Relations,
    Seekers,
    SourceDate,
    Text,
    Time,
    Timezone,
    Url,
    choice_type,
    enum_list,
    enum_type,
    invalid,
    missing,
    parse_date,
    parse_phone,
    show,
    value_type,
)

__all__ = ["KINDS", "FileContext", "read_record", "read_source"]

HELPLINE_KINDS = ("emergency", "crisis", "professional", "organisation")

# Rough boxes around each country (degrees): a venue outside is almost surely a typo
# (swapped lat/lon, a dropped minus, a point in the sea of another country).
COUNTRY_BOXES: Mapping[Country, tuple[float, float, float, float]] = {
    Country.NL: (50.70, 53.60, 3.30, 7.30),  # lat_min, lat_max, lon_min, lon_max
    Country.BE: (49.45, 51.55, 2.50, 6.45),
}

_BLOCK = "a block of key: value lines"


@dataclass
class FileContext:
    """What the records of one file share: its name, its sources, and today's date."""

    file: str
    default_source: SourceBlock | None = None
    named_sources: Mapping[str, SourceBlock] = field(default_factory=dict)
    today: date | None = None


class _Record(BaseModel):
    """A record of a data file: unknown fields are errors, values are read by our types."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    def cross_checks(self) -> list[tuple[str | None, str]]:
        """(field, problem) for what only several fields together can get wrong."""
        return []


# --------------------------------------------------------------------------- shared blocks


def _past_date(value: Any, info: ValidationInfo) -> date:
    """A date not after tomorrow: a verified date in the future is a typo."""
    expected = "a date written as YYYY-MM-DD"
    if value is None:
        raise missing(expected)
    try:
        day = parse_date(value)
    except InvalidValue as exc:
        raise invalid(str(exc), expected) from None
    today = info.context.today if isinstance(info.context, FileContext) else None
    if today is not None and day > today + timedelta(days=1):
        raise invalid(f"{day.isoformat()} is in the future", "a past date")
    return day


PastDate = Annotated[date, PlainValidator(_past_date), Expected("a date written as YYYY-MM-DD")]


class SourceBlock(_Record):
    """Where a record's facts come from; `sample` before `verified_on`, as messages list them.

    A record's source has `verified_on` (someone checked) or `as_of` (the copy's date);
    only helplines whose numbers nobody has checked yet may have neither
    (`UncheckedSource`); `dated` is then the source's own date, as precise as it gives it.
    """

    name: Text
    url: Url | None = None
    sample: Bool = False
    verified_on: PastDate | None = None
    imported_on: PastDate | None = None
    as_of: PastDate | None = None
    via: Text | None = None
    checked_by: Text | None = None
    dated: SourceDate | None = None

    @classmethod
    def from_source(cls, source: Source) -> SourceBlock:
        """The block of an existing `Source` (a default handed in by code, not read)."""
        return cls.model_construct(
            name=source.name,
            url=source.url,
            sample=source.sample,
            verified_on=source.verified_on,
            imported_on=source.imported_on,
            as_of=source.as_of,
            via=source.via,
            checked_by=source.checked_by,
            dated=source.dated,
        )

    def to_source(self) -> Source:
        return Source(
            name=self.name,
            verified_on=self.verified_on,
            url=self.url,
            sample=self.sample,
            imported_on=self.imported_on,
            as_of=self.as_of,
            via=self.via,
            checked_by=self.checked_by,
            dated=self.dated,
        )


def _resolve_source(value: Any, info: ValidationInfo) -> Any:
    """A record's `source:`: its own block, the name of one in `sources:`, or the file's."""
    context = info.context if isinstance(info.context, FileContext) else FileContext("")
    if value is None:
        if context.default_source is None:
            raise invalid(
                "missing (expected a source with name and verified_on, "
                "here or at the top of the file)"
            )
        return context.default_source
    if isinstance(value, str):
        if value in context.named_sources:
            return context.named_sources[value]
        raise invalid(
            f"{show(value)} is not a source named in this file's 'sources:' "
            f"(expected one of: {', '.join(context.named_sources) or 'none defined'})"
        )
    return value


def _checked(source: SourceBlock) -> SourceBlock:
    """Every record but a helpline says when its facts are from.

    That is the day someone checked them (`verified_on`), or the date of the copy
    or feed they were read from (`as_of`).
    """
    if source.verified_on is None and source.as_of is None:
        raise invalid(
            f"'{source.name}' has no verified_on",
            "the date someone checked it, YYYY-MM-DD, or as_of: the date of the copy",
        )
    return source


RecordSource = Annotated[SourceBlock, BeforeValidator(_resolve_source), AfterValidator(_checked)]
UncheckedSource = Annotated[SourceBlock, BeforeValidator(_resolve_source)]
"""A helpline's source (the numbers come from the domain brief, and may not be checked yet),
or where an organisation's contacts come from: a page that may print no date."""
_SOURCE = Field(default=None, validate_default=True)


class BilingualText(_Record):
    """A text in Dutch and English."""

    nl: Text
    en: Text

    def to_text(self) -> LocalText:
        return LocalText(nl=self.nl, en=self.en)


class DutchText(_Record):
    """A text in Dutch, English optional (a meeting's notes)."""

    nl: Text
    en: Text | None = None

    def to_text(self) -> LocalText:
        return LocalText(nl=self.nl, en=self.en or "")


# --------------------------------------------------------------------------- organisations


class OrganisationRecord(_Record):
    id: Id
    name: Text
    short_name: Text
    name_en: Text | None = None
    seekers: Seekers
    relations: Relations = ()
    problems: enum_list(Problem, allow_empty=False)  # type: ignore[valid-type]
    way_of_working: BilingualText
    description: BilingualText
    first_meeting: BilingualText
    countries: Countries
    website: Url | None = None
    phone: Phone | None = None
    email: Email | None = None
    intake_first: Bool = False
    source: RecordSource = _SOURCE
    contact_source: UncheckedSource | None = None

    def cross_checks(self) -> list[tuple[str | None, str]]:
        if self.contact_source is not None and not self.contact_source.url:
            return [("contact_source.url", "missing (expected the page the contacts are on)")]
        if self.phone is not None and self.contact_source is None:
            return [
                (
                    "contact_source",
                    "missing (expected where the phone number comes from: a source with its "
                    "url, and its date where it gives one; never a guessed number)",
                )
            ]
        if self.relations and Seeker.NAASTE not in self.seekers:
            return [("relations", "is only for organisations of naasten (add naaste to seekers)")]
        if Seeker.NAASTE in self.seekers and not self.relations:
            return [("relations", "missing (expected the relations of naasten it is for)")]
        return []

    def build(self) -> Organisation:
        return Organisation(
            id=self.id,
            name=self.name,
            short_name=self.short_name,
            name_en=self.name_en,
            seekers=frozenset(self.seekers),
            relations=frozenset(self.relations),
            problems=frozenset(self.problems),
            way_of_working=self.way_of_working.to_text(),
            description=self.description.to_text(),
            first_meeting=self.first_meeting.to_text(),
            countries=frozenset(self.countries),
            source=self.source.to_source(),
            website=self.website,
            phone=self.phone,
            email=self.email,
            intake_first=self.intake_first,
            contact_source=self.contact_source.to_source() if self.contact_source else None,
        )


# --------------------------------------------------------------------------- meetings

_POSTCODES = {
    Country.NL: re.compile(r"^[1-9][0-9]{3}( ?[A-Z]{2})?$"),
    Country.BE: re.compile(r"^[1-9][0-9]{3}$"),
}


class VenueBlock(_Record):
    name: Text | None = None
    address: Text
    postcode: Postcode | None = None
    city: Text
    country: CountryCode
    lat: Number
    lon: Number

    def cross_checks(self) -> list[tuple[str | None, str]]:
        found: list[tuple[str | None, str]] = []
        if self.postcode and not _POSTCODES[self.country].match(self.postcode):
            form = "1234 AB" if self.country is Country.NL else "1234"
            found.append(
                (
                    "postcode",
                    f"{show(self.postcode)} is not a postcode in {self.country} (expected {form})",
                )
            )
        lat_min, lat_max, lon_min, lon_max = COUNTRY_BOXES[self.country]
        if not (lat_min <= self.lat <= lat_max and lon_min <= self.lon <= lon_max):
            found.append(
                (
                    "lat",
                    f"{self.lat}, {self.lon} is not in {self.country} (expected latitude "
                    f"{lat_min}..{lat_max} and longitude {lon_min}..{lon_max})",
                )
            )
        return found

    def build(self) -> Venue:
        return Venue(
            address=self.address,
            postcode=self.postcode or "",
            city=self.city,
            country=self.country,
            lat=self.lat,
            lon=self.lon,
            name=self.name,
        )


class OnlineBlock(_Record):
    url: Url | None = None
    phone: DialString | None = None

    def cross_checks(self) -> list[tuple[str | None, str]]:
        if self.url is None and self.phone is None:
            return [(None, "is empty (expected a url, a phone, or both)")]
        return []

    def build(self) -> Online:
        return Online(url=self.url, phone=self.phone)


class AgesBlock(_Record):
    youngest: Age | None = None
    oldest: Age | None = None

    def cross_checks(self) -> list[tuple[str | None, str]]:
        if self.youngest is None and self.oldest is None:
            return [(None, "is empty (expected youngest, oldest, or both)")]
        if self.youngest is not None and self.oldest is not None and self.youngest > self.oldest:
            return [("oldest", f"{self.oldest} is below youngest {self.youngest}")]
        return []

    def build(self) -> AgeRange:
        return AgeRange(youngest=self.youngest, oldest=self.oldest)


def _schedule_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"{show(value)} is not a schedule")
    return value.strip().upper()


Schedule = value_type(
    str, "a schedule as an RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU", _schedule_text
)


# Ten thousand meetings share a few hundred (rule, first date) pairs; each check parses the
# rule with dateutil, the costliest part of reading a meeting. Both depend on their arguments only.
_rule_problem = lru_cache(maxsize=4096)(check_rule)
_first_date = lru_cache(maxsize=65536)(first_date_from)


class MeetingRecord(_Record):
    id: Id
    organisation: Id
    name: Text
    schedule: Schedule  # type: ignore[valid-type]
    first_on: Date
    start: Time
    end: Time | None = None
    timezone: Timezone | None = None
    venue: VenueBlock | None = None
    online: OnlineBlock | None = None
    attributes: Attributes = ()
    languages: Languages = ("nl",)
    ages: AgesBlock | None = None
    notes: DutchText | None = None
    location_notes: Text | None = None
    group_notes: Text | None = None
    url: Url | None = None
    feedback: Feedback = ()
    changed_on: Date | None = None
    cancelled_on: Dates = ()
    ends_on: Date | None = None
    retired_on: Date | None = None
    source: RecordSource = _SOURCE

    def cross_checks(self) -> list[tuple[str | None, str]]:
        found = self._schedule_checks()
        if self.end is not None and self.end == self.start:
            found.append(
                (
                    "end",
                    f"'{self.end.strftime('%H:%M')}' is the same as start (expected a later time)",
                )
            )
        if self.venue is None and self.online is None:
            found.append(
                (None, "has neither venue nor online (expected a venue, an online way in, or both)")
            )
        if {Attribute.OPEN, Attribute.CLOSED} <= set(self.attributes):
            found.append(("attributes", "has both open and closed (expected one of them)"))
        if self.ends_on is not None and self.ends_on < self.first_on:
            found.append(
                (
                    "ends_on",
                    f"{self.ends_on.isoformat()} is before first_on {self.first_on.isoformat()} "
                    "(expected a date on or after first_on)",
                )
            )
        for name in ("venue", "online", "ages"):
            block = getattr(self, name)
            if block is not None:
                found.extend((f"{name}.{f}" if f else name, p) for f, p in block.cross_checks())
        return found

    def _schedule_checks(self) -> list[tuple[str | None, str]]:
        """The rule must be one the recurrence engine runs, and `first_on` one of its dates."""
        problem = _rule_problem(self.schedule)
        if problem is not None:
            return [("schedule", f"{show(self.schedule)} {problem}")]
        first = _first_date(self.schedule, self.first_on)
        if first is None:
            return [
                (
                    "schedule",
                    f"{show(self.schedule)} never takes place from {self.first_on.isoformat()} "
                    "(expected a rule with dates)",
                )
            ]
        if first != self.first_on:
            return [
                (
                    "first_on",
                    f"{self.first_on.isoformat()} ({self.first_on.strftime('%A')}) is not a date "
                    f"of {self.schedule} (expected the date of a real meeting, e.g. "
                    f"{first.isoformat()})",
                )
            ]
        return []

    def build(self) -> Meeting:
        zone = self.timezone
        if zone is None:
            zone = self.venue.country.timezone if self.venue is not None else Country.NL.timezone
        return Meeting(
            id=self.id,
            organisation_id=self.organisation,
            name=self.name,
            rrule=self.schedule,
            first_on=self.first_on,
            start=self.start,
            end=self.end,
            timezone=zone,
            source=self.source.to_source(),
            venue=self.venue.build() if self.venue is not None else None,
            online=self.online.build() if self.online is not None else None,
            attributes=frozenset(self.attributes),
            languages=self.languages,
            ages=self.ages.build() if self.ages is not None else None,
            notes=self.notes.to_text() if self.notes is not None else None,
            cancelled_on=frozenset(self.cancelled_on),
            ends_on=self.ends_on,
            retired_on=self.retired_on,
            url=self.url,
            feedback=self.feedback,
            location_notes=self.location_notes,
            group_notes=self.group_notes,
            changed_on=self.changed_on,
        )


# --------------------------------------------------------------------------- helplines, clinics


def _helpline_number(value: Any) -> str:
    return "" if value == "" else parse_phone(value)


class HelplineRecord(_Record):
    id: Id
    name: BilingualText
    number: value_type(  # type: ignore[valid-type]
        str,
        'a phone number in quotes, e.g. "0800-0113" ("" only for professional help)',
        _helpline_number,
    )
    kind: choice_type(HELPLINE_KINDS, "kind of helpline")  # type: ignore[valid-type]
    countries: Countries
    description: BilingualText
    hours: BilingualText | None = None
    url: Url | None = None
    organisation: Id | None = None
    serves: Dangers = ()
    source: UncheckedSource = _SOURCE

    def cross_checks(self) -> list[tuple[str | None, str]]:
        if self.number == "" and self.kind != "professional":
            return [
                (
                    "number",
                    "is empty (expected a phone number; only professional help may have none)",
                )
            ]
        return []

    def build(self) -> Helpline:
        return Helpline(
            id=self.id,
            name=self.name.to_text(),
            number=self.number,
            kind=self.kind,
            countries=frozenset(self.countries),
            description=self.description.to_text(),
            source=self.source.to_source(),
            hours=self.hours.to_text() if self.hours is not None else None,
            url=self.url,
            organisation_id=self.organisation,
            serves=frozenset(self.serves),
        )


class ClinicRecord(_Record):
    id: Id
    name: Text
    region: Text
    language: Language
    source: RecordSource = _SOURCE

    def build(self) -> Clinic:
        return Clinic(
            id=self.id,
            name=self.name,
            region=self.region,
            language=self.language,
            source=self.source.to_source(),
        )


class FitRecord(_Record):
    seeker: enum_type(Seeker)  # type: ignore[valid-type]
    problems: Problems = ()
    relations: Relations = ()
    organisations: Ids

    def cross_checks(self) -> list[tuple[str | None, str]]:
        if self.seeker is Seeker.SELF and self.relations:
            return [
                ("relations", "is only for naasten (expected no relations when seeker is self)")
            ]
        return []

    def build(self) -> FitRule:
        return FitRule(
            seeker=self.seeker,
            problems=frozenset(self.problems or Problem),  # empty means any problem
            relations=frozenset(self.relations),
            organisation_ids=self.organisations,
        )


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of record: how messages name it and the model that reads it."""

    label: str
    model: type[_Record]


KINDS: Mapping[str, Kind] = {
    "organisations": Kind("organisation", OrganisationRecord),
    "meetings": Kind("meeting", MeetingRecord),
    "helplines": Kind("helpline", HelplineRecord),
    "clinics": Kind("clinic", ClinicRecord),
    "fit": Kind("fit rule", FitRecord),
}


def record_label(kind: Kind, raw: Any, index: int) -> str:
    """``meeting 'aa-utrecht-dinsdag'``, or ``meeting #3`` for a record without a usable id."""
    record_id = raw.get("id") if isinstance(raw, Mapping) else None
    if isinstance(record_id, str) and record_id:
        return f"{kind.label} '{record_id}'"
    return f"{kind.label} #{index + 1}"


def read_record(
    kind: Kind, raw: Any, index: int, context: FileContext
) -> tuple[Any, list[DataFileError]]:
    """The model value of one record (Meeting, Organisation, ...), or None and every problem."""
    label = record_label(kind, raw, index)
    if not isinstance(raw, Mapping):
        problem = f"{show(raw)} is not a record (expected key: value lines)"
        return None, [DataFileError(context.file, label, None, problem)]
    record, errors = validate(kind.model, raw, context, label)
    if record is None:
        return None, errors
    checks = record.cross_checks()
    if checks:
        return None, [DataFileError(context.file, label, f, p) for f, p in checks]
    return record.build(), []


def read_source(raw: Any, label: str, context: FileContext) -> tuple[SourceBlock | None, list]:
    """A `source:` block (a file's own, or one of its named `sources:`); fields named source.x."""
    if not isinstance(raw, Mapping):
        problem = f"{show(raw)} is not a block (expected key: value lines)"
        return None, [DataFileError(context.file, label, "source", problem)]
    return validate(SourceBlock, raw, context, label, prefix="source.")


def validate(
    model: type[_Record], raw: Mapping[str, Any], context: FileContext, label: str, prefix: str = ""
) -> tuple[Any, list[DataFileError]]:
    """The validated model, or None and one `DataFileError` per pydantic error, in our words."""
    try:
        return model.model_validate(raw, context=context), []
    except ValidationError as error:
        return None, [
            DataFileError(context.file, label, *_field_and_problem(model, e, prefix))
            for e in error.errors(include_url=False)
        ]


def _field_and_problem(model: type[_Record], error: Any, prefix: str) -> tuple[str | None, str]:
    loc = tuple(part for part in error["loc"] if isinstance(part, str))
    name = (prefix + ".".join(loc)) if loc else (prefix.rstrip(".") or None)
    kind = error["type"]
    if kind == "extra_forbidden":
        known = sorted(_model_at(model, loc[:-1]).model_fields)
        close = difflib.get_close_matches(loc[-1], known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "expected one of: " + ", ".join(known)
        return name, f"unknown field ({hint})"
    if kind == "missing" and "expected" not in (error.get("ctx") or {}):
        return name, f"missing (expected {_expected_at(model, loc)})"
    if kind in ("model_type", "model_attributes_type"):
        return name, f"{show(error['input'])} is not a block (expected key: value lines)"
    return name, error["msg"]


def _model_at(model: type[_Record], loc: tuple[str, ...]) -> type[_Record]:
    """The model of the block at `loc` (``("venue",)`` → `VenueBlock`)."""
    for part in loc:
        model = _block_model(model.model_fields[part].annotation) or model
    return model


def _expected_at(model: type[_Record], loc: tuple[str, ...]) -> str:
    parent = _model_at(model, loc[:-1])
    info = parent.model_fields[loc[-1]]
    if _block_model(info.annotation) is not None:
        return _BLOCK
    return next((m.text for m in info.metadata if isinstance(m, Expected)), "a value")


def _block_model(annotation: Any) -> type[_Record] | None:
    """The record model an annotation holds (`VenueBlock | None` → `VenueBlock`), if any."""
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, _Record):
            return candidate
    return None
