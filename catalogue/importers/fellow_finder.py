"""fellow-finder JSON: one nightly copy of the Dutch AA, NA and CA meeting lists.

Source: the open repository fellowfinder/fellow-finder-data (``meetings.json``),
which fetches nanederland.nl, aa-nederland.nl and ca-holland.nl each night.
Its own notes: free to use, not an official publication of any fellowship;
where it and a fellowship's site differ, the site is right. The bundled
catalogue is such a copy (``catalogue/data/real/``, see its README).

The document is one object: `generated` (ISO time of the copy: the meetings'
"as of" date), `timezone`, `count`, `programs` and `meetings`. Each meeting,
read by `FellowFinderRecord`:

- `id` ``PROGRAM:slug`` (stable between copies: the catalogue id is its slug,
  ``na-<slug>``, after the feed's prefix); `program` ``NA``, ``AA`` or ``CA``
  names the organisation (`PROGRAMS`), and each program's codes are read
  against its own list (`catalogue.importers.type_codes`);
- `name`; `day` 0 = Sunday … 6 = Saturday; `time`, `endTime` ``HH:MM``.
  The copy fills in a missing end as time + 90 minutes, so an end exactly 90
  minutes after the start is read as "end not given" (a real 90-minute
  meeting loses its end rather than anyone being told a guess);
- `location` (the venue's name), `address`, `city`, `postalCode`, `lat`,
  `lng` (`region` is the province: not read); a record with a town and
  coordinates but no street is kept, placed at its town, and reported;
- `types`, and `lang` (the main language) first among the languages;
- `isOnline`, `conferenceUrl` (only a known provider's link is a way to
  join), `conferencePhone` (kept with its codes);
- `notes` (the group's own words), `locationNotes`;
- `url`, the meeting's page on the fellowship's own site (the official
  listing); `updated`, when the source last changed the record.

Each meeting's source is its fellowship's site (`PROGRAMS`), via this copy,
as of the copy's date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import Field

from catalogue.errors import FeedImportError
from catalogue.importers.feed_records import (
    ChangedOn,
    FeedRecord,
    Language,
    Latitude,
    Longitude,
    Text,
    Time,
    Timezone,
    TypeCodes,
    Weekdays,
    YesNo,
    feed_type,
    read,
    required,
)
from catalogue.importers.records import (
    FeedContext,
    ParsedFeed,
    RecordProblem,
    build_venue,
    collect,
    first_occurrence_on,
    meeting_timezone,
    official_link,
    parse_online,
    read_types,
    text_of,
)
from catalogue.importers.type_codes import code_list
from catalogue.kinds import Country
from catalogue.models import Meeting, Source
from catalogue.recurrence import weekly_rule
from catalogue.values import InvalidValue, show

#: What the copy fills in when a source gives no end time.
FILLED_IN_LENGTH = timedelta(minutes=90)


@dataclass(frozen=True, slots=True)
class Program:
    """One fellowship in the copy: its organisation id and its own site."""

    organisation_id: str
    site_name: str
    site_url: str


PROGRAMS = {
    "NA": Program("na", "NA Nederland (nanederland.nl)", "https://www.nanederland.nl/"),
    "AA": Program("aa", "AA Nederland (aa-nederland.nl)", "https://aa-nederland.nl/"),
    "CA": Program("ca", "CA Holland (ca-holland.nl)", "https://ca-holland.nl/"),
}


def _program(value: Any) -> str:
    code = text_of(value).upper() if isinstance(value, str) else ""
    if code not in PROGRAMS:
        raise InvalidValue(f"{show(value)} is not a program of this copy")
    return code


ProgramCode = feed_type(str, "NA, AA or CA", _program)


class FellowFinderRecord(FeedRecord):
    """One meeting of the copy, by its field names (see the module's notes)."""

    id: required(Text)  # type: ignore[valid-type]
    program: required(ProgramCode)  # type: ignore[valid-type]
    name: required(Text)  # type: ignore[valid-type]
    day: required(Weekdays)  # type: ignore[valid-type]
    time: required(Time)  # type: ignore[valid-type]
    end_time: Time = Field(None, alias="endTime")
    timezone: Timezone = None
    location: Text = None
    address: Text = None
    city: Text = None
    postal_code: Text = Field(None, alias="postalCode")
    lat: Latitude = None
    lng: Longitude = None
    types: TypeCodes = None
    lang: Language = None
    is_online: YesNo = Field(None, alias="isOnline")
    conference_url: Text = Field(None, alias="conferenceUrl")
    conference_phone: Text = Field(None, alias="conferencePhone")
    notes: Text = None
    location_notes: Text = Field(None, alias="locationNotes")
    url: Text = None
    updated: ChangedOn = None


def copy_date(data: Any) -> date | None:
    """The date of the copy (`generated`), or None when the document has none."""
    generated = text_of(data.get("generated")) if isinstance(data, dict) else ""
    try:
        return datetime.fromisoformat(generated.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def parse_fellow_finder(data: Any, ctx: FeedContext) -> ParsedFeed:
    """Meetings from a parsed fellow-finder document; bad records are skipped with a reason."""
    if not isinstance(data, dict) or not isinstance(data.get("meetings"), list):
        raise FeedImportError(
            f"{ctx.file}: expected an object with a 'meetings' list (fellow-finder format)"
        )
    as_of = copy_date(data)
    if as_of is None:
        raise FeedImportError(f"{ctx.file}: no 'generated' date: the copy's date is unknown")
    ctx = replace(ctx, as_of=as_of, via=ctx.via or ctx.source_name)
    sources = {
        code: replace(ctx.source(), name=program.site_name, url=program.site_url)
        for code, program in PROGRAMS.items()
    }
    filled: list[str] = []
    labelled = ((_label(i, raw), raw) for i, raw in enumerate(data["meetings"]))
    parsed = collect(
        ctx.file, labelled, lambda raw, notes: [_meeting(raw, ctx, sources, notes, filled)]
    )
    if not filled:
        return parsed
    note = (
        f"{ctx.file}: {len(filled)} end times are 90 minutes after the start, which this "
        "format fills in when the source gives none: shown as end not given"
    )
    return replace(parsed, notes=(*parsed.notes, note))


def _label(index: int, raw: Any) -> str:
    key = text_of(raw.get("id")) if isinstance(raw, dict) else ""
    return f"record {index + 1}" + (f" '{key}'" if key else "")


def _meeting(
    raw: Any,
    ctx: FeedContext,
    sources: dict[str, Source],
    notes: list[str],
    filled: list[str],
) -> Meeting:
    record = read(FellowFinderRecord, raw)
    program = PROGRAMS[record.program]
    end = _end(record.time, record.end_time, record.id, filled)
    reading = code_list(program.organisation_id).read(record.types or ())

    online = parse_online(record.conference_url, record.conference_phone, notes)
    venue = None
    address, city = record.address or "", record.city or ""
    if not address and city and record.lat is not None and record.is_online is not True:
        notes.append(f"no street address: placed at its town {city}, see the official page")
        address = city
    if address:
        venue = build_venue(
            ctx,
            notes,
            address=address,
            postcode=record.postal_code or "",
            city=city,
            country=Country.NL,
            lat=record.lat,
            lon=record.lng,
            name=record.location,
        )
    elif online is None:
        raise RecordProblem("no address and no conference link or phone")
    languages = [record.lang] if record.lang else []
    languages += [code for code in reading.languages if code not in languages]
    rule = weekly_rule(list(record.day))
    return Meeting(
        id=ctx.meeting_id(record.id),
        organisation_id=program.organisation_id,
        name=record.name,
        rrule=rule,
        first_on=first_occurrence_on(rule, ctx.today),
        start=record.time,
        end=end,
        timezone=meeting_timezone(record.timezone, venue, Country.NL),
        source=sources[record.program],
        venue=venue,
        online=online,
        attributes=read_types(reading, notes),
        languages=tuple(languages) or ("nl",),
        url=official_link(record.url, "url", notes),
        location_notes=record.location_notes,
        group_notes=record.notes,
        changed_on=record.updated,
    )


def _end(start: time, end: time | None, key: str, filled: list[str]) -> time | None:
    """The end time, unless it is the copy's filler (start + 90 minutes) or the start itself."""
    if end is None:
        return None
    minutes = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % (24 * 60)
    if minutes == FILLED_IN_LENGTH.total_seconds() // 60:
        filled.append(key)
        return None
    return None if minutes == 0 else end
