"""What every feed importer shares: skipping a record, building a schedule, placing a venue.

Rules of this module:

1. A feed is other people's data. One bad record never stops an import: the
   importer raises `RecordProblem` for it, the record is skipped, and the
   operator reads a line naming the file, the record and what is wrong.
   Only a file that cannot be read at all is a `FeedImportError`. Each
   record's fields are read by its format's pydantic model
   (`catalogue.importers.feed_records`); what is here works on read values.
2. Feeds describe weekly meetings by weekday; we store RFC 5545 rules
   (``FREQ=WEEKLY;BYDAY=MO,TH``) anchored at `first_on`, the first such
   weekday on or after the import date.
3. A venue needs coordinates to be found by distance. When a record has none,
   it is placed at the centre of its postcode area (or else its town) through
   `catalogue.places.PlaceIndex`; when that fails the record is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Any

from catalogue.importers.conference import is_conference_link
from catalogue.importers.type_codes import TypeReading
from catalogue.kinds import Attribute, Country
from catalogue.models import Meeting, Online, Source, Venue
from catalogue.recurrence import first_date_from
from catalogue.schema import COUNTRY_BOXES
from catalogue.values import DIAL_PATTERN, URL_PATTERN

if TYPE_CHECKING:
    from catalogue.places import Place, PlaceIndex

#: The zone of an online meeting whose feed says nothing about place or zone.
DEFAULT_TIMEZONE = "Europe/Amsterdam"

_COUNTRY_NAMES = {
    "nl": Country.NL,
    "nld": Country.NL,
    "netherlands": Country.NL,
    "the netherlands": Country.NL,
    "nederland": Country.NL,
    "holland": Country.NL,
    "pays-bas": Country.NL,
    "be": Country.BE,
    "bel": Country.BE,
    "belgium": Country.BE,
    "belgie": Country.BE,
    "belgien": Country.BE,
    "belgique": Country.BE,
    "vlaanderen": Country.BE,
    "flanders": Country.BE,
}

_NL_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})?\s*$")
_BE_POSTCODE = re.compile(r"^\s*(?:B-?)?([1-9][0-9]{3})\s*$", re.IGNORECASE)


class RecordProblem(Exception):
    """One record cannot be imported; it is skipped and the message says why."""


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A record left out of an import, for the operator to fix in the feed."""

    file: str
    record: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.reason}"


@dataclass(frozen=True, slots=True)
class DegradedRecord:
    """A record imported with less than it said (a code ignored, a link not shown), and why."""

    file: str
    record: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a parser made of a feed: meetings, records it skipped, and records it degraded.

    A degraded record is imported, as a peer would still show it, but with
    something left out or read cautiously: e.g. a venue placed at its
    postcode's centre because the feed gave no coordinates. `notes` are about
    the feed as a whole (unknown CSV columns).
    """

    file: str
    meetings: tuple[Meeting, ...]
    skipped: tuple[SkippedRecord, ...] = ()
    degraded: tuple[DegradedRecord, ...] = ()
    notes: tuple[str, ...] = ()


class Locator:
    """Checks coordinates and places venues without them, using the bundled place index.

    The index is built on first use (it takes a moment), so parsing a feed
    whose records all carry coordinates inside NL/BE stays cheap.
    """

    def __init__(self, index: PlaceIndex | None = None) -> None:
        self._index = index

    @property
    def index(self) -> PlaceIndex:
        """The place index given, else the bundled one (imported here: it loads a large package)."""
        if self._index is None:
            from catalogue.places import PlaceIndex

            self._index = PlaceIndex.bundled()
        return self._index

    def country_at(self, lat: float, lon: float) -> Country:
        """The country a point lies in; a point far outside NL/BE is a problem."""
        place = self.index.nearest(lat, lon)
        if place is None:
            raise RecordProblem(f"coordinates {lat:.5f},{lon:.5f} lie outside NL and BE")
        return place.country

    def place_of(self, postcode: str, city: str, country: Country | None) -> Place:
        """The postcode area (else the town) of an address, or a problem saying why not."""
        tried: list[str] = []
        for text, query in (
            (postcode, f"{country.value} {postcode}" if country and postcode else postcode),
            (city, city),
        ):
            if not text:
                continue
            tried.append(text)
            found = self.index.lookup(query)
            candidates = [found.place] if found.place else list(found.choices)
            if country is not None:
                candidates = [p for p in candidates if p.country is country]
            if len(candidates) == 1:
                return candidates[0]
            if len(candidates) > 1:
                raise RecordProblem(
                    f"no coordinates, and place {text!r} is ambiguous "
                    f"({', '.join(f'{p.name} ({p.province})' for p in candidates[:4])})"
                )
        if not tried:
            raise RecordProblem("no coordinates, no postcode and no town to place the venue")
        raise RecordProblem(
            f"no coordinates, and {' / '.join(repr(t) for t in tried)} is not a known "
            "place in NL or BE"
        )


@dataclass(frozen=True, slots=True)
class FeedContext:
    """Everything a parser needs besides the feed: chosen by the operator or the run."""

    file: str
    organisation_id: str
    id_prefix: str
    source_name: str
    source_url: str | None
    today: date
    locator: Locator = field(default_factory=Locator)
    as_of: date | None = None
    via: str | None = None

    def source(self, verified_on: date | None = None) -> Source:
        """The feed as source, as of the feed's own date (else the day it was read).

        `verified_on` only when a person says they checked the record (a CSV
        sheet's column); a feed's "last updated" is no check (`Meeting.changed_on`).
        """
        return Source(
            name=self.source_name,
            verified_on=verified_on,
            url=self.source_url,
            sample=False,
            imported_on=self.today,
            as_of=self.as_of or self.today,
            via=self.via,
        )

    def meeting_id(self, key: str) -> str:
        """A catalogue id that stays the same for the same feed key on every import."""
        return f"{self.id_prefix}-{slugify(key)}" if self.id_prefix else slugify(key)


def collect(
    file: str,
    records: Iterable[tuple[str, Any]],
    build: Callable[[Any, list[str]], list[Meeting]],
) -> ParsedFeed:
    """Run `build(record, notes)` on each labelled record; skip those that raise `RecordProblem`.

    `build` appends what it had to leave out or guess to `notes`: the record
    is then reported as degraded. Two records with the same id are both kept,
    as a peer would show both: the second gets ``-2`` (``-3`` ...) after its id.
    """
    meetings: dict[str, Meeting] = {}
    skipped: list[SkippedRecord] = []
    degraded: list[DegradedRecord] = []
    for label, raw in records:
        record_notes: list[str] = []
        try:
            built = build(raw, record_notes)
        except RecordProblem as problem:
            skipped.append(SkippedRecord(file, label, str(problem)))
            continue
        for meeting in built:
            if meeting.id in meetings:
                first_id = meeting.id
                number = 2
                while f"{first_id}-{number}" in meetings:
                    number += 1
                meeting = replace(meeting, id=f"{first_id}-{number}")
                record_notes.append(f"id {first_id!r} used twice: this one is {meeting.id!r}")
            meetings[meeting.id] = meeting
        degraded.extend(DegradedRecord(file, label, note) for note in record_notes)
    return ParsedFeed(file, tuple(meetings.values()), tuple(skipped), tuple(degraded))


def slugify(text: str) -> str:
    """ASCII words joined by hyphens: ``Zondag Sérénité 14`` → ``zondag-serenite-14``."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def text_of(value: Any) -> str:
    """A feed value as stripped text; None, numbers and blanks handled."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_country(value: Any) -> Country | None:
    """NL or BE from a code or a name in Dutch, English or French; None when empty."""
    text = text_of(value)
    if not text:
        return None
    key = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    country = _COUNTRY_NAMES.get(key.strip(" ."))
    if country is None:
        raise RecordProblem(f"country {text!r} is not covered (expected NL or BE)")
    return country


def normalise_postcode(text: str, country: Country | None) -> str:
    """``'3511ab'`` → ``'3511 AB'``; Belgian ``'B-9000'`` → ``'9000'``; else as given."""
    text = text_of(text)
    if country is not Country.BE:
        match = _NL_POSTCODE.match(text)
        if match and match[2]:
            return f"{match[1]} {match[2].upper()}"
    match = _BE_POSTCODE.match(text)
    if match:
        return match[1]
    return text


def guess_country(postcode: str) -> Country | None:
    """A Dutch postcode has two letters after its digits; four digits alone could be either."""
    match = _NL_POSTCODE.match(postcode)
    return Country.NL if match and match[2] else None


def meeting_timezone(zone: str | None, venue: Venue | None, country: Country | None) -> str:
    """The record's IANA zone when it gives one, else that of the venue's (or the stated) country.

    An online meeting with neither is taken to be Dutch (`DEFAULT_TIMEZONE`).
    """
    if zone:
        return zone
    zone_country = venue.country if venue is not None else country
    return zone_country.timezone if zone_country else DEFAULT_TIMEZONE


def first_occurrence_on(rule: str, today: date) -> date:
    """The first date on or after `today` on which `rule` occurs: the rule's anchor."""
    try:
        found = first_date_from(rule, today)
    except ValueError as error:
        raise RecordProblem(f"schedule {rule!r} is not a valid RRULE ({error})") from None
    if found is None:
        raise RecordProblem(f"schedule {rule!r} has no date on or after {today.isoformat()}")
    return found


def end_after(start: time, duration: timedelta) -> time | None:
    """The wall time `duration` after `start` (wrapping past midnight); None for no duration."""
    if duration <= timedelta(0) or duration >= timedelta(hours=24):
        return None
    minutes = (start.hour * 60 + start.minute + int(duration.total_seconds()) // 60) % (24 * 60)
    return time(minutes // 60, minutes % 60)


def checked_end(start: time, end: time | None, notes: list[str]) -> time | None:
    """The end time, or None ("end not given") when it equals the start time."""
    if end is not None and end == start:
        notes.append(f"end time {end:%H:%M} is the start time: shown as end not given")
        return None
    return end


def official_link(text: str | None, field_name: str, notes: list[str]) -> str | None:
    """A web address the feed gives (its listing, a feedback form); left out when it is none."""
    if text and not URL_PATTERN.match(text):
        notes.append(f"field {field_name!r}: {text!r} left out: not a web address")
        return None
    return text or None


def joined_texts(*texts: str | None) -> str | None:
    """The non-empty texts, one a line; None when all are empty."""
    return "\n".join(text for text in texts if text) or None


def parse_online(url: str | None, phone: str | None, notes: list[str]) -> Online | None:
    """How to join from home: a known provider's link and/or a dial-in with its codes.

    A link that is not a known provider's (a group's website, a form) is not
    a way to join: it is left out with a note. A dial-in keeps its pauses and
    codes (``+31 20 123 4567,,987654#``) so that a caller gets in; one we
    cannot read is left out with a note.
    """
    url_text, phone_text = url or "", phone or ""
    if url_text and not is_conference_link(url_text):
        notes.append(
            f"link {url_text!r} is not a known video-meeting provider: not shown as a way to join"
        )
        url_text = ""
    dial = re.sub(r"[./]+", " ", phone_text).strip()
    dial = re.sub(r"\s+", " ", dial)
    if dial and not DIAL_PATTERN.match(dial):
        notes.append(f"dial-in {phone_text!r} left out: not a phone number")
        dial = ""
    if not url_text and not dial:
        return None
    return Online(url=url_text or None, phone=dial or None)


def build_venue(
    ctx: FeedContext,
    notes: list[str],
    *,
    address: str,
    postcode: str,
    city: str,
    country: Country | None,
    lat: float | None,
    lon: float | None,
    name: str | None = None,
) -> Venue:
    """A venue with coordinates, placing it by postcode or town when the feed has none.

    Coordinates inside the stated country's box are taken as they are; others
    are placed by the place index (which says which country they lie in).
    """
    if not address:
        raise RecordProblem("no street address for a meeting held in person")
    if country is None:
        country = guess_country(postcode)
    if lat is not None and lon is not None:
        if country is None or not in_country_box(country, lat, lon):
            located = ctx.locator.country_at(lat, lon)
            country = country or located
    else:
        place = ctx.locator.place_of(normalise_postcode(postcode, country), city, country)
        lat, lon = place.lat, place.lon
        country = country or place.country
        city = city or place.name
        where = "postcode area" if place.id.startswith("pc:") else "town"
        notes.append(f"no coordinates: placed at the centre of {where} {place.name}")
    if not city:
        raise RecordProblem("no town in the address")
    return Venue(
        address=address,
        postcode=normalise_postcode(postcode, country),
        city=city,
        country=country,
        lat=lat,
        lon=lon,
        name=name or None,
    )


def in_country_box(country: Country, lat: float, lon: float) -> bool:
    """Whether a point lies in the rough box the loader accepts for `country`."""
    lat_min, lat_max, lon_min, lon_max = COUNTRY_BOXES[country]
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def checked_attributes(attributes: Iterable[Attribute], notes: list[str]) -> frozenset[Attribute]:
    """The attributes as a set; open and closed together say neither, so both are dropped."""
    found = frozenset(attributes)
    if {Attribute.OPEN, Attribute.CLOSED} <= found:
        notes.append("marked both open and closed: shown as neither")
        return found - {Attribute.OPEN, Attribute.CLOSED}
    return found


def read_types(reading: TypeReading, notes: list[str]) -> frozenset[Attribute]:
    """The attributes of a type reading, noting the codes its fellowship's list does not know."""
    if reading.unknown:
        notes.append(
            f"type codes not in the fellowship's list, ignored: {', '.join(reading.unknown)}"
        )
    return checked_attributes(reading.attributes, notes)
