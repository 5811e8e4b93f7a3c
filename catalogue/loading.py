"""Reading and validating the catalogue's data files: the only module that opens them.

Rules of this module:

- Everything is checked before anything is used. Every problem found is
  collected as a `DataFileError(file, record, field, problem)` and the load
  ends in one `DataFilesError` listing them all, so an operator fixes a file
  in one go. A catalogue is returned whole or not at all: it never half-loads.
- Typos must not pass silently: unknown fields, duplicate keys and unknown
  words (a problem, a weekday, an attribute) are errors, with the expected
  value in the message.
- The clock is not read here, except `load_catalogue`'s default for "today"
  (used only to reject verified dates in the future).

Which file holds what is decided by its top-level key (`organisations:`,
`meetings:`, `helplines:`, `clinics:` or `fit:`), so importers may write
any number of meeting files into ``<data dir>/imports/``. Each file may give
a default `source:` for its records and a `sources:` table of named sources
that records refer to by name (``source: echo-2009``).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from dateutil.rrule import rrule, rrulestr

from catalogue.errors import DataFileError, DataFilesError
from catalogue.kinds import Attribute, Country, Problem, Relation, Seeker
from catalogue.models import (
    Catalogue,
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

__all__ = [
    "BUNDLED_DATA_DIR",
    "DATA_DIR_ENV",
    "bundled_files",
    "default_data_dir",
    "import_files",
    "load_bundled_catalogue",
    "load_catalogue",
    "load_files",
    "meeting_from_record",
    "meeting_to_record",
    "source_to_record",
]

BUNDLED_DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_DIR_ENV = "ZELFHULPWIJZER_DATA_DIR"

HELPLINE_KINDS = ("emergency", "crisis", "professional", "organisation")

# Rough boxes around each country (degrees): a venue outside is almost surely a typo
# (swapped lat/lon, a dropped minus, a point in the sea of another country).
COUNTRY_BOXES: Mapping[Country, tuple[float, float, float, float]] = {
    Country.NL: (50.70, 53.60, 3.30, 7.30),  # lat_min, lat_max, lon_min, lon_max
    Country.BE: (49.45, 51.55, 2.50, 6.45),
}

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{1,20}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_POSTCODES: Mapping[Country, re.Pattern[str]] = {
    Country.NL: re.compile(r"^[1-9][0-9]{3}( ?[A-Z]{2})?$"),
    Country.BE: re.compile(r"^[1-9][0-9]{3}$"),
}
_RRULE_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_RRULE_FORBIDDEN = {
    "DTSTART": "the anchor date goes in 'first_on'",
    "UNTIL": "use 'ends_on' for the last date",
    "COUNT": "use 'ends_on' for the last date",
    "BYHOUR": "the time goes in 'start'",
    "BYMINUTE": "the time goes in 'start'",
    "BYSECOND": "the time goes in 'start'",
}
# How far ahead a schedule must produce a first meeting before we call it empty.
_SCHEDULE_HORIZON = timedelta(days=2 * 366)

T = TypeVar("T")


# --------------------------------------------------------------------------- public API


def default_data_dir() -> Path:
    """The directory the bot and the CLI keep their state in (imports, SQLite, key file).

    `ZELFHULPWIJZER_DATA_DIR` when set, else ``./var`` relative to the working directory.
    """
    return Path(os.environ.get(DATA_DIR_ENV) or "var")


def bundled_files() -> list[Path]:
    """The data files shipped with the code, in a stable order."""
    return sorted(BUNDLED_DATA_DIR.glob("*.yaml"))


def import_files(data_dir: Path) -> list[Path]:
    """The meeting files importers wrote into ``<data_dir>/imports/``, in a stable order."""
    return sorted((data_dir / "imports").glob("*.yaml"))


def load_catalogue(data_dir: Path | None = None, *, today: date | None = None) -> Catalogue:
    """Load the bundled files plus ``<data_dir>/imports/*.yaml``, all validated.

    Args:
        data_dir: the bot's data directory; None means `default_data_dir()`.
        today: the date used to reject `verified_on`/`imported_on` in the future;
            None means the system date (only this sanity check reads the clock).

    Raises:
        DataFilesError: listing every problem found; nothing is returned then.
    """
    directory = default_data_dir() if data_dir is None else Path(data_dir)
    return load_files([*bundled_files(), *import_files(directory)], today=today)


@lru_cache(maxsize=1)
def load_bundled_catalogue() -> Catalogue:
    """The shipped catalogue only (no imports), loaded once: for tests and tools."""
    return load_files(bundled_files())


def load_files(paths: Iterable[Path], *, today: date | None = None) -> Catalogue:
    """Load exactly these files as one catalogue (what `validate PATH ...` checks).

    Files under the bundled data directory are named by their file name in
    messages (``meetings.yaml: ...``); other files by the path as given.
    """
    loader = _Loader(today=today or date.today())
    for path in paths:
        loader.read_file(Path(path))
    return loader.finish()


def meeting_from_record(
    record: Mapping[str, Any], file: str, default_source: Source | None
) -> Meeting:
    """Build one meeting from its data-file record, validated like a loaded one.

    Importers use this to check what they are about to write. Cross-file checks
    (does the organisation exist, is the id unique) happen only in a full load.

    Raises:
        DataFilesError: every problem of this record.
    """
    errors: list[DataFileError] = []
    context = _FileContext(file=file, errors=errors, default_source=default_source)
    meeting = _read_meeting(context, record, 0)
    if errors or meeting is None:
        raise DataFilesError(errors)
    return meeting


def meeting_to_record(meeting: Meeting, default_source: Source | None = None) -> dict[str, Any]:
    """The data-file record of a meeting: `meeting_from_record` reads it back unchanged.

    The meeting's `source` is left out when it equals `default_source` (the
    file-level one), so files stay short.
    """
    record: dict[str, Any] = {
        "id": meeting.id,
        "organisation": meeting.organisation_id,
        "name": meeting.name,
        "schedule": meeting.rrule,
        "first_on": meeting.first_on,
        "start": meeting.start.strftime("%H:%M"),
    }
    if meeting.end is not None:
        record["end"] = meeting.end.strftime("%H:%M")
    record["timezone"] = meeting.timezone
    if meeting.venue is not None:
        v = meeting.venue
        record["venue"] = {
            "address": v.address,
            "postcode": v.postcode,
            "city": v.city,
            "country": v.country.value,
            "lat": v.lat,
            "lon": v.lon,
        }
    if meeting.online is not None:
        online = {"url": meeting.online.url, "phone": meeting.online.phone}
        record["online"] = {k: v for k, v in online.items() if v is not None}
    if meeting.attributes:
        record["attributes"] = sorted(a.value for a in meeting.attributes)
    record["language"] = meeting.language
    if meeting.notes is not None:
        record["notes"] = {"nl": meeting.notes.nl, "en": meeting.notes.en}
    if meeting.cancelled_on:
        record["cancelled_on"] = sorted(meeting.cancelled_on)
    if meeting.ends_on is not None:
        record["ends_on"] = meeting.ends_on
    if meeting.retired_on is not None:
        record["retired_on"] = meeting.retired_on
    if meeting.source != default_source:
        record["source"] = source_to_record(meeting.source)
    return record


def source_to_record(source: Source) -> dict[str, Any]:
    """The data-file form of a `Source` (for a file's top-level `source:` or a record)."""
    record: dict[str, Any] = {"name": source.name, "url": source.url}
    record["verified_on"] = source.verified_on
    record["sample"] = source.sample
    if source.imported_on is not None:
        record["imported_on"] = source.imported_on
    return record


# --------------------------------------------------------------------------- YAML reading


class _YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader that refuses duplicate keys and never reads ``19:30`` as a number.

    YAML 1.1 reads an unquoted 19:30 as 1170 (base 60); here it stays the
    text "19:30", so a forgotten pair of quotes does no harm. It parses with
    libyaml where PyYAML was built with it: imported feeds of thousands of
    meetings load about ten times faster than with the pure-Python parser.
    """


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:int",)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


def _construct_mapping(loader: _YamlLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, str) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' appears twice", key_node.start_mark
            )
        if isinstance(key, str):
            seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_YamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# --------------------------------------------------------------------------- value parsers


class _Invalid(Exception):
    """A value is wrong; the message says what is wrong with it (not what was expected)."""


def _expects(expected: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Attach the "expected ..." part of error messages to a parser."""

    def mark(fn: Callable[..., T]) -> Callable[..., T]:
        fn.expected = expected  # type: ignore[attr-defined]
        return fn

    return mark


def _show(value: Any) -> str:
    text = repr(value.isoformat() if isinstance(value, date) else value)
    return text if len(text) <= 60 else text[:57] + "..."


@_expects("a non-empty text")
def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"{_show(value)} is not a non-empty text")
    return value.strip()


@_expects("an id of lowercase letters, digits and hyphens, e.g. 'aa-utrecht-dinsdag'")
def _id(value: Any) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise _Invalid(f"{_show(value)} is not a valid id")
    return value


@_expects("a date written as YYYY-MM-DD")
def _date(value: Any) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise _Invalid(f"{_show(value)} is not a date")
    return value


@_expects('HH:MM, in quotes, e.g. "19:30"')
def _time(value: Any) -> time:
    match = _TIME.match(value) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise _Invalid(f"{_show(value)} is not a time of day")
    return time(int(match[1]), int(match[2]))


@_expects("true or false")
def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"{_show(value)} is not true or false")
    return value


@_expects("a web address starting with https:// or http://")
def _url(value: Any) -> str:
    if not isinstance(value, str) or not _URL.match(value):
        raise _Invalid(f"{_show(value)} is not a web address")
    return value


@_expects('a phone number of digits, spaces and hyphens, in quotes, e.g. "0800-0113"')
def _phone(value: Any) -> str:
    if not isinstance(value, str) or not _PHONE.match(value):
        raise _Invalid(f"{_show(value)} is not a phone number")
    return value


@_expects("an e-mail address")
def _email(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", value):
        raise _Invalid(f"{_show(value)} is not an e-mail address")
    return value


@_expects("a two-letter language code such as nl or en")
def _language(value: Any) -> str:
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise _Invalid(f"{_show(value)} is not a language code")
    return value


@_expects("an IANA time zone such as Europe/Amsterdam or Europe/Brussels")
def _timezone(value: Any) -> str:
    if not isinstance(value, str) or "/" not in value:
        raise _Invalid(f"{_show(value)} is not a time zone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _Invalid(f"{_show(value)} is not a known time zone") from exc
    return value


@_expects("a number")
def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid(f"{_show(value)} is not a number")
    return float(value)


def _enum(kind: type[T]) -> Callable[[Any], T]:
    words = ", ".join(str(m) for m in kind)  # type: ignore[attr-defined]

    @_expects(f"one of: {words}")
    def parse(value: Any) -> T:
        try:
            return kind(value)  # type: ignore[call-arg]
        except ValueError:
            raise _Invalid(f"{_show(value)} is not a known {kind.__name__.lower()}") from None

    return parse


def _list_of(item: Callable[[Any], T], *, allow_empty: bool = True) -> Callable[[Any], list[T]]:
    expected = getattr(item, "expected", "a value")

    @_expects(f"a list [...] of {expected}")
    def parse(value: Any) -> list[T]:
        if value is None and allow_empty:
            return []
        if not isinstance(value, list):
            raise _Invalid(f"{_show(value)} is not a list")
        if not value and not allow_empty:
            raise _Invalid("is empty")
        items = [item(v) for v in value]
        if len(set(items)) != len(items):
            raise _Invalid(f"{_show(value)} names a value twice")
        return items

    return parse


# --------------------------------------------------------------------------- records


@dataclass
class _FileContext:
    """What the readers of one file share: its name, the error list, its sources."""

    file: str
    errors: list[DataFileError]
    default_source: Source | None = None
    named_sources: Mapping[str, Source] | None = None
    today: date | None = None


class _Missing:
    pass


_MISSING = _Missing()


class _Record:
    """Reads the fields of one record, noting every problem; `ok` says if all were fine."""

    def __init__(self, context: _FileContext, kind: str, raw: Any, index: int, prefix: str = ""):
        self.context, self.kind, self.prefix = context, kind, prefix
        self.raw: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        self.used: set[str] = set()
        self.ok = True
        record_id = self.raw.get("id") if not prefix else None
        if isinstance(record_id, str) and record_id:
            self.label = f"{kind} '{record_id}'"
        else:
            self.label = f"{kind} #{index + 1}"
        if not isinstance(raw, Mapping):
            self.ok = False
            self.error(None, f"{_show(raw)} is not a record (expected key: value lines)")

    def error(self, field: str | None, problem: str) -> None:
        self.ok = False
        name = f"{self.prefix}{field}" if field else (self.prefix.rstrip(".") or None)
        self.context.errors.append(DataFileError(self.context.file, self.label, name, problem))

    def get(self, field: str, parse: Callable[[Any], T], *, required: bool = True) -> Any:
        """The parsed value, None when absent and optional, or `_MISSING` when wrong."""
        self.used.add(field)
        expected = getattr(parse, "expected", "a value")
        if field not in self.raw or (self.raw[field] is None and required):
            if required:
                self.error(field, f"missing (expected {expected})")
                return _MISSING
            return None
        if self.raw[field] is None:
            return None
        try:
            return parse(self.raw[field])
        except _Invalid as exc:
            self.error(field, f"{exc} (expected {expected})")
            return _MISSING

    def nested(self, field: str, *, required: bool = True) -> _Record | None:
        """A sub-record (venue, online); None when absent and optional or wrong."""
        self.used.add(field)
        value = self.raw.get(field)
        if value is None:
            if required:
                self.error(field, "missing (expected a block of key: value lines)")
            return None
        if not isinstance(value, Mapping):
            self.error(field, f"{_show(value)} is not a block (expected key: value lines)")
            return None
        sub = _Record(self.context, self.kind, value, 0, prefix=f"{self.prefix}{field}.")
        sub.label = self.label
        return sub

    def finish(self, *others: _Record | None) -> bool:
        """Report unknown fields; True when this record (and its sub-records) are fine."""
        for key in self.raw:
            if key not in self.used:
                known = sorted(self.used)
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "expected one of: "
                hint += "" if close else ", ".join(known)
                self.error(str(key), f"unknown field ({hint})")
        return self.ok and all(o.finish() for o in others if o is not None)


def _local_text(record: _Record, field: str, *, required: bool = True, need_en: bool = True):
    """A {nl, en} text; English may be left out where `need_en` is False."""
    sub = record.nested(field, required=required)
    if sub is None:
        return None if not required and record.raw.get(field) is None else _MISSING
    nl = sub.get("nl", _text)
    en = sub.get("en", _text, required=need_en)
    if not sub.finish():
        record.ok = False
        return _MISSING
    return LocalText(nl=nl, en=en or "")


def _source_block(context: _FileContext, raw: Any, label: str, kind: str) -> Source | _Missing:
    record = _Record(context, kind, raw, 0, prefix="source.")
    record.label = label
    name = record.get("name", _text)
    url = record.get("url", _url, required=False)
    verified_on = record.get("verified_on", _date)
    sample = record.get("sample", _bool, required=False)
    imported_on = record.get("imported_on", _date, required=False)
    today = context.today
    if today is not None:
        for field, value in (("verified_on", verified_on), ("imported_on", imported_on)):
            if isinstance(value, date) and value > today + timedelta(days=1):
                record.error(field, f"{value.isoformat()} is in the future (expected a past date)")
    if not record.finish():
        return _MISSING
    return Source(
        name=name,
        verified_on=verified_on,
        url=url,
        sample=bool(sample),
        imported_on=imported_on,
    )


def _record_source(context: _FileContext, record: _Record) -> Source | _Missing:
    """The record's own `source:` (a block or the name of one in `sources:`), else the file's."""
    record.used.add("source")
    raw = record.raw.get("source")
    if raw is None:
        if context.default_source is None:
            record.error(
                "source",
                "missing (expected a source with name and verified_on, "
                "here or at the top of the file)",
            )
            return _MISSING
        return context.default_source
    if isinstance(raw, str):
        named = context.named_sources or {}
        if raw in named:
            return named[raw]
        record.error(
            "source",
            f"{_show(raw)} is not a source named in this file's 'sources:' "
            f"(expected one of: {', '.join(named) or 'none defined'})",
        )
        return _MISSING
    source = _source_block(context, raw, record.label, record.kind)
    if source is _MISSING:
        record.ok = False
    return source


def _all_set(*values: Any) -> bool:
    return not any(v is _MISSING for v in values)


def _read_organisation(context: _FileContext, raw: Any, index: int) -> Organisation | None:
    r = _Record(context, "organisation", raw, index)
    oid = r.get("id", _id)
    name = r.get("name", _text)
    short_name = r.get("short_name", _text)
    seekers = r.get("seekers", _list_of(_enum(Seeker), allow_empty=False))
    relations = r.get("relations", _list_of(_enum(Relation)), required=False) or []
    problems = r.get("problems", _list_of(_enum(Problem), allow_empty=False))
    way = _local_text(r, "way_of_working")
    description = _local_text(r, "description")
    first_meeting = _local_text(r, "first_meeting")
    countries = r.get("countries", _list_of(_enum(Country), allow_empty=False))
    website = r.get("website", _url, required=False)
    phone = r.get("phone", _phone, required=False)
    email = r.get("email", _email, required=False)
    source = _record_source(context, r)
    if relations is not _MISSING and seekers is not _MISSING:
        if relations and Seeker.NAASTE not in seekers:
            r.error("relations", "is only for organisations of naasten (add naaste to seekers)")
        if Seeker.NAASTE in seekers and not relations:
            r.error("relations", "missing (expected the relations of naasten it is for)")
    values = (oid, name, short_name, seekers, problems, way, description, first_meeting)
    if not r.finish() or not _all_set(*values, countries, source, relations):
        return None
    return Organisation(
        id=oid,
        name=name,
        short_name=short_name,
        seekers=frozenset(seekers),
        relations=frozenset(relations),
        problems=frozenset(problems),
        way_of_working=way,
        description=description,
        first_meeting=first_meeting,
        countries=frozenset(countries),
        source=source,
        website=website,
        phone=phone,
        email=email,
    )


def _check_schedule(r: _Record, schedule: Any, first_on: Any) -> None:
    """Parse the RRULE with dateutil (the only recurrence engine) and check it fits first_on."""
    if not isinstance(schedule, str) or not isinstance(first_on, date):
        return
    parts = {p.split("=", 1)[0].upper() for p in schedule.split(";") if p}
    if schedule.startswith("RRULE:"):
        r.error(
            "schedule",
            f"{_show(schedule)} starts with RRULE: (expected only the rule, "
            "e.g. FREQ=WEEKLY;BYDAY=TU)",
        )
        return
    for part, advice in _RRULE_FORBIDDEN.items():
        if re.search(rf"\b{part}\b", schedule):
            r.error("schedule", f"{_show(schedule)} contains {part} ({advice})")
            return
    anchor = datetime.combine(first_on, time(12, 0))
    try:
        rule = rrulestr(schedule, dtstart=anchor)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        r.error(
            "schedule",
            f"{_show(schedule)} is not a valid RRULE: {exc} (expected e.g. "
            "FREQ=WEEKLY;BYDAY=TU or FREQ=MONTHLY;BYDAY=2TU,4TU)",
        )
        return
    if not isinstance(rule, rrule) or "FREQ" not in parts:
        r.error("schedule", f"{_show(schedule)} is not a single RRULE (expected FREQ=...)")
        return
    freq = next(p.split("=", 1)[1] for p in schedule.split(";") if p.upper().startswith("FREQ="))
    if freq.upper() not in _RRULE_FREQS:
        r.error(
            "schedule",
            f"{_show(schedule)} repeats {freq} (expected FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)",
        )
        return
    bounded = rule.replace(until=anchor + _SCHEDULE_HORIZON)
    first = next(iter(bounded), None)
    if first is None:
        r.error(
            "schedule",
            f"{_show(schedule)} never takes place from {first_on.isoformat()} "
            "(expected a rule with dates)",
        )
    elif first.date() != first_on:
        r.error(
            "first_on",
            f"{first_on.isoformat()} ({first_on.strftime('%A')}) is not a date "
            f"of {schedule} (expected the date of a real meeting, e.g. "
            f"{first.date().isoformat()})",
        )


@_expects("a schedule as an RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU")
def _schedule_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"{_show(value)} is not a schedule")
    return value.strip().upper()


def _read_venue(r: _Record) -> Venue | _Missing | None:
    v = r.nested("venue", required=False)
    if v is None:
        return None if r.raw.get("venue") is None else _MISSING
    address = v.get("address", _text)
    postcode_raw = v.raw.get("postcode")
    postcode = (
        str(postcode_raw)
        if isinstance(postcode_raw, int) and not isinstance(postcode_raw, bool)
        else v.get("postcode", _text, required=False)
    )
    v.used.add("postcode")
    city = v.get("city", _text)
    country = v.get("country", _enum(Country))
    lat = v.get("lat", _number)
    lon = v.get("lon", _number)
    if isinstance(country, Country):
        if isinstance(postcode, str) and postcode and not _POSTCODES[country].match(postcode):
            form = "1234 AB" if country is Country.NL else "1234"
            v.error(
                "postcode", f"{_show(postcode)} is not a postcode in {country} (expected {form})"
            )
        lat_min, lat_max, lon_min, lon_max = COUNTRY_BOXES[country]
        has_point = isinstance(lat, float) and isinstance(lon, float)
        if has_point and not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
            v.error(
                "lat",
                f"{lat}, {lon} is not in {country} (expected latitude "
                f"{lat_min}..{lat_max} and longitude {lon_min}..{lon_max})",
            )
    if not v.finish() or not _all_set(address, postcode, city, country, lat, lon):
        r.ok = False
        return _MISSING
    return Venue(
        address=address, postcode=postcode or "", city=city, country=country, lat=lat, lon=lon
    )


def _read_online(r: _Record) -> Online | _Missing | None:
    o = r.nested("online", required=False)
    if o is None:
        return None if r.raw.get("online") is None else _MISSING
    url = o.get("url", _url, required=False)
    phone = o.get("phone", _phone, required=False)
    if url is None and phone is None:
        o.error(None, "is empty (expected a url, a phone, or both)")
    if not o.finish() or not _all_set(url, phone):
        r.ok = False
        return _MISSING
    return Online(url=url, phone=phone)


def _read_meeting(context: _FileContext, raw: Any, index: int) -> Meeting | None:
    r = _Record(context, "meeting", raw, index)
    mid = r.get("id", _id)
    organisation = r.get("organisation", _id)
    name = r.get("name", _text)
    schedule = r.get("schedule", _schedule_text)
    first_on = r.get("first_on", _date)
    start = r.get("start", _time)
    end = r.get("end", _time, required=False)
    zone = r.get("timezone", _timezone, required=False)
    venue = _read_venue(r)
    online = _read_online(r)
    attributes = r.get("attributes", _list_of(_enum(Attribute)), required=False) or []
    language = r.get("language", _language, required=False) or "nl"
    notes = _local_text(r, "notes", required=False, need_en=False)
    cancelled_on = r.get("cancelled_on", _list_of(_date), required=False) or []
    ends_on = r.get("ends_on", _date, required=False)
    retired_on = r.get("retired_on", _date, required=False)
    source = _record_source(context, r)
    _check_schedule(r, schedule, first_on)
    if isinstance(start, time) and isinstance(end, time) and start == end:
        r.error("end", f"'{end.strftime('%H:%M')}' is the same as start (expected a later time)")
    if venue is None and online is None and r.raw:
        r.error(None, "has neither venue nor online (expected a venue, an online way in, or both)")
    if attributes is not _MISSING and {Attribute.OPEN, Attribute.CLOSED} <= set(attributes):
        r.error("attributes", "has both open and closed (expected one of them)")
    if isinstance(ends_on, date) and isinstance(first_on, date) and ends_on < first_on:
        r.error(
            "ends_on",
            f"{ends_on.isoformat()} is before first_on {first_on.isoformat()} "
            "(expected a date on or after first_on)",
        )
    if zone is None and isinstance(venue, Venue):
        zone = venue.country.timezone
    values = (mid, organisation, name, schedule, first_on, start, end, zone, venue, online)
    more = (attributes, language, notes, cancelled_on, ends_on, retired_on, source)
    if not r.finish() or not _all_set(*values, *more):
        return None
    return Meeting(
        id=mid,
        organisation_id=organisation,
        name=name,
        rrule=schedule,
        first_on=first_on,
        start=start,
        end=end,
        timezone=zone or Country.NL.timezone,
        source=source,
        venue=venue,
        online=online,
        attributes=frozenset(attributes),
        language=language,
        notes=notes,
        cancelled_on=frozenset(cancelled_on),
        ends_on=ends_on,
        retired_on=retired_on,
    )


@_expects(f"one of: {', '.join(HELPLINE_KINDS)}")
def _helpline_kind(value: Any) -> str:
    if value not in HELPLINE_KINDS:
        raise _Invalid(f"{_show(value)} is not a kind of helpline")
    return value


@_expects('a phone number in quotes, e.g. "0800-0113" ("" only for professional help)')
def _helpline_number(value: Any) -> str:
    if value == "":
        return ""
    return _phone(value)


def _read_helpline(context: _FileContext, raw: Any, index: int) -> Helpline | None:
    r = _Record(context, "helpline", raw, index)
    hid = r.get("id", _id)
    name = _local_text(r, "name")
    number = r.get("number", _helpline_number)
    kind = r.get("kind", _helpline_kind)
    countries = r.get("countries", _list_of(_enum(Country), allow_empty=False))
    description = _local_text(r, "description")
    hours = _local_text(r, "hours", required=False)
    url = r.get("url", _url, required=False)
    organisation = r.get("organisation", _id, required=False)
    source = _record_source(context, r)
    if number == "" and kind != "professional":
        r.error(
            "number", "is empty (expected a phone number; only professional help may have none)"
        )
    values = (hid, name, number, kind, countries, description, hours, url, organisation, source)
    if not r.finish() or not _all_set(*values):
        return None
    return Helpline(
        id=hid,
        name=name,
        number=number,
        kind=kind,
        countries=frozenset(countries),
        description=description,
        source=source,
        hours=hours,
        url=url,
        organisation_id=organisation,
    )


def _read_clinic(context: _FileContext, raw: Any, index: int) -> Clinic | None:
    r = _Record(context, "clinic", raw, index)
    cid = r.get("id", _id)
    name = r.get("name", _text)
    region = r.get("region", _text)
    language = r.get("language", _language)
    source = _record_source(context, r)
    if not r.finish() or not _all_set(cid, name, region, language, source):
        return None
    return Clinic(id=cid, name=name, region=region, language=language, source=source)


def _read_fit_rule(context: _FileContext, raw: Any, index: int) -> FitRule | None:
    r = _Record(context, "fit rule", raw, index)
    seeker = r.get("seeker", _enum(Seeker))
    problems = r.get("problems", _list_of(_enum(Problem)), required=False) or []
    relations = r.get("relations", _list_of(_enum(Relation)), required=False) or []
    organisations = r.get("organisations", _list_of(_id, allow_empty=False))
    if seeker is Seeker.SELF and relations:
        r.error("relations", "is only for naasten (expected no relations when seeker is self)")
    if not r.finish() or not _all_set(seeker, problems, relations, organisations):
        return None
    return FitRule(
        seeker=seeker,
        problems=frozenset(problems or Problem),  # empty means any problem
        relations=frozenset(relations),
        organisation_ids=tuple(organisations),
    )


_KINDS: Mapping[str, tuple[str, Callable[[_FileContext, Any, int], Any]]] = {
    "organisations": ("organisation", _read_organisation),
    "meetings": ("meeting", _read_meeting),
    "helplines": ("helpline", _read_helpline),
    "clinics": ("clinic", _read_clinic),
    "fit": ("fit rule", _read_fit_rule),
}


# --------------------------------------------------------------------------- whole load


@dataclass
class _Loaded:
    """One record and where it came from, for cross-file checks."""

    record: Any
    file: str
    label: str


class _Loader:
    """Collects records and errors from any number of files; `finish` cross-checks."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.errors: list[DataFileError] = []
        self.files: list[str] = []
        self.records: dict[str, list[_Loaded]] = {key: [] for key in _KINDS}

    @staticmethod
    def display_name(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(BUNDLED_DATA_DIR))
        except ValueError:
            return str(path)

    def read_file(self, path: Path) -> None:
        file = self.display_name(path)
        self.files.append(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.errors.append(DataFileError(file, None, None, f"cannot be read: {exc}"))
            return
        try:
            data = yaml.load(text, Loader=_YamlLoader)
        except yaml.YAMLError as exc:
            self.errors.append(DataFileError(file, *_yaml_problem(exc)))
            return
        if not isinstance(data, Mapping):
            self.errors.append(
                DataFileError(
                    file,
                    None,
                    None,
                    "is not a data file (expected "
                    "top-level keys such as 'source:' and 'meetings:')",
                )
            )
            return
        self.read_data(file, data)

    def read_data(self, file: str, data: Mapping[str, Any]) -> None:
        context = _FileContext(file=file, errors=self.errors, today=self.today)
        kinds = [key for key in data if key in _KINDS]
        for key in data:
            if key not in _KINDS and key not in ("source", "sources"):
                close = difflib.get_close_matches(str(key), [*_KINDS, "source", "sources"], n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else ("expected source, sources and one of: " + ", ".join(_KINDS))
                )
                self.errors.append(
                    DataFileError(file, None, str(key), f"unknown top-level key ({hint})")
                )
        if len(kinds) != 1:
            found = ", ".join(kinds) or "none"
            self.errors.append(
                DataFileError(
                    file,
                    None,
                    None,
                    f"holds {found} (expected exactly one of: {', '.join(_KINDS)})",
                )
            )
            return
        named: dict[str, Source] = {}
        raw_named = data.get("sources")
        if raw_named is not None and not isinstance(raw_named, Mapping):
            self.errors.append(
                DataFileError(
                    file,
                    None,
                    "sources",
                    "is not a block (expected name: {name, verified_on, ...} lines)",
                )
            )
        for name, raw in (raw_named or {}).items() if isinstance(raw_named, Mapping) else ():
            source = _source_block(context, raw, f"source '{name}'", "source")
            if isinstance(source, Source):
                named[str(name)] = source
        context.named_sources = named
        if data.get("source") is not None:
            source = _source_block(context, data["source"], "file source", "file source")
            context.default_source = source if isinstance(source, Source) else None
            if not isinstance(source, Source):
                # Records would each repeat "missing source"; the one error above is enough.
                context.default_source = Source(name="?", verified_on=date.min)
        key = kinds[0]
        label, read = _KINDS[key]
        items = data[key]
        if not isinstance(items, list):
            self.errors.append(
                DataFileError(
                    file,
                    None,
                    key,
                    f"{_show(items)} is not a list "
                    f"(expected a list of {label} records, each starting with '- ')",
                )
            )
            return
        for index, raw in enumerate(items):
            loaded = read(context, raw, index)
            if loaded is not None:
                rid = getattr(loaded, "id", None)
                self.records[key].append(
                    _Loaded(loaded, file, f"{label} '{rid}'" if rid else f"{label} #{index + 1}")
                )

    def finish(self) -> Catalogue:
        organisations = self.unique("organisations", "organisation")
        meetings = self.unique("meetings", "meeting")
        helplines = self.unique("helplines", "helpline")
        clinics = self.unique("clinics", "clinic")
        for item in self.records["meetings"]:
            m: Meeting = item.record
            org = organisations.get(m.organisation_id)
            if org is None:
                self.cross_error(
                    item,
                    "organisation",
                    f"'{m.organisation_id}' is not an "
                    "organisation in organisations.yaml (expected one of: "
                    f"{', '.join(sorted(organisations))})",
                )
            elif m.venue is not None and m.venue.country not in org.countries:
                self.cross_error(
                    item,
                    "venue.country",
                    f"{m.venue.country} is not a country "
                    f"of organisation '{org.id}' (expected one of: "
                    f"{', '.join(sorted(org.countries))})",
                )
        for item in self.records["helplines"]:
            h: Helpline = item.record
            if h.organisation_id is not None and h.organisation_id not in organisations:
                self.cross_error(
                    item,
                    "organisation",
                    f"'{h.organisation_id}' is not an organisation in organisations.yaml",
                )
        for item in self.records["fit"]:
            self.check_fit_rule(item, organisations)
        if self.errors:
            raise DataFilesError(self.errors)
        return Catalogue(
            organisations=organisations,
            meetings=meetings,
            helplines=helplines,
            clinics=clinics,
            fit_rules=tuple(item.record for item in self.records["fit"]),
            files=tuple(self.files),
        )

    def check_fit_rule(self, item: _Loaded, organisations: Mapping[str, Organisation]) -> None:
        """Each organisation of a row must exist and be for its seeker, problems and relations.

        A row with no relations means any relation, so its naaste organisations
        must then be for every relation.
        """
        rule: FitRule = item.record
        relations = rule.relations or (frozenset(Relation) if rule.seeker is Seeker.NAASTE else ())
        for oid in rule.organisation_ids:
            org = organisations.get(oid)
            if org is None:
                self.cross_error(
                    item,
                    "organisations",
                    f"'{oid}' is not an organisation in organisations.yaml (expected one of: "
                    f"{', '.join(sorted(organisations))})",
                )
                continue
            gaps = [
                f"{what} {', '.join(sorted(missing))}"
                for what, missing in (
                    ("seeker", {rule.seeker} - org.seekers),
                    ("problem", rule.problems - org.problems),
                    ("relation", set(relations) - org.relations),
                )
                if missing
            ]
            if gaps:
                self.cross_error(
                    item,
                    "organisations",
                    f"'{oid}' is not for {'; '.join(gaps)} (expected organisations whose "
                    "seekers, problems and relations in organisations.yaml cover this row)",
                )

    def unique(self, key: str, label: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        where: dict[str, str] = {}
        for item in self.records[key]:
            rid = item.record.id
            if rid in found:
                self.cross_error(
                    item,
                    "id",
                    f"'{rid}' is already used in {where[rid]} "
                    f"(expected an id unique across all files)",
                )
                continue
            found[rid], where[rid] = item.record, item.file
        return found

    def cross_error(self, item: _Loaded, field: str, problem: str) -> None:
        self.errors.append(DataFileError(item.file, item.label, field, problem))


def _yaml_problem(exc: yaml.YAMLError) -> tuple[str | None, None, str]:
    """(record, field, problem) for a YAML syntax error, naming the line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f"line {mark.line + 1}" if mark is not None else None
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None and mark is not None and context_mark != mark:
        problem += f" ({context} that starts on line {context_mark.line + 1})"
    return where, None, f"is not valid YAML: {problem}"
