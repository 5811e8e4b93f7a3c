"""fellow-finder JSON: one nightly copy of the Dutch AA, NA and CA meeting lists.

Source: the open repository fellowfinder/fellow-finder-data (``meetings.json``),
which fetches nanederland.nl, aa-nederland.nl and ca-holland.nl each night.
Its own notes: free to use, not an official publication of any fellowship;
where it and a fellowship's site differ, the site is right. The bundled
catalogue is such a copy (``catalogue/data/real/``, see its README).

The document is one object: `generated` (ISO time of the copy: the meetings'
"as of" date), `timezone`, `count`, `programs` and `meetings`. Each meeting:

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

from catalogue.errors import FeedImportError
from catalogue.importers.records import (
    FeedContext,
    ParsedFeed,
    RecordProblem,
    build_venue,
    changed_on,
    collect,
    feed_text,
    first_occurrence_on,
    meeting_timezone,
    official_link,
    parse_coordinate,
    parse_online,
    parse_time,
    read_types,
    text_of,
)
from catalogue.importers.type_codes import code_list
from catalogue.kinds import Country
from catalogue.models import Meeting, Source
from catalogue.recurrence import weekly_rule

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
    if not isinstance(raw, dict):
        raise RecordProblem("not a JSON object")
    key, name = text_of(raw.get("id")), text_of(raw.get("name"))
    if not key or not name:
        raise RecordProblem("field 'id' or 'name' is missing")
    program_code = text_of(raw.get("program")).upper()
    program = PROGRAMS.get(program_code)
    if program is None:
        raise RecordProblem(f"program {program_code!r} is not NA, AA or CA")
    day = text_of(raw.get("day"))
    if not day.isdigit() or not 0 <= int(day) <= 6:
        raise RecordProblem(f"field 'day': {day!r} is not a day 0-6 (0 = Sunday)")
    start = parse_time(raw.get("time"), "time")
    end = _end(start, raw.get("endTime"), key, filled)
    reading = code_list(program.organisation_id).read(
        text_of(t) for t in raw.get("types") or [] if text_of(t)
    )

    online = parse_online(raw.get("conferenceUrl"), raw.get("conferencePhone"), notes)
    venue = None
    address, city = text_of(raw.get("address")), text_of(raw.get("city"))
    lat = parse_coordinate(raw.get("lat"), "lat", 90)
    lon = parse_coordinate(raw.get("lng"), "lng", 180)
    if not address and city and lat is not None and raw.get("isOnline") is not True:
        notes.append(f"no street address: placed at its town {city}, see the official page")
        address = city
    if address:
        venue = build_venue(
            ctx,
            notes,
            address=address,
            postcode=text_of(raw.get("postalCode")),
            city=city,
            country=Country.NL,
            lat=lat,
            lon=lon,
            name=text_of(raw.get("location")),
        )
    elif online is None:
        raise RecordProblem("no address and no conference link or phone")
    languages = [text_of(raw.get("lang")).lower()] if text_of(raw.get("lang")) else []
    languages += [code for code in reading.languages if code not in languages]
    rule = weekly_rule([(int(day) - 1) % 7])
    return Meeting(
        id=ctx.meeting_id(key),
        organisation_id=program.organisation_id,
        name=name,
        rrule=rule,
        first_on=first_occurrence_on(rule, ctx.today),
        start=start,
        end=end,
        timezone=meeting_timezone(raw.get("timezone"), venue, Country.NL),
        source=sources[program_code],
        venue=venue,
        online=online,
        attributes=read_types(reading, notes),
        languages=tuple(languages) or ("nl",),
        url=official_link(raw.get("url"), "url", notes),
        location_notes=feed_text(raw.get("locationNotes")),
        group_notes=feed_text(raw.get("notes")),
        changed_on=changed_on(raw.get("updated")),
    )


def _end(start: time, value: Any, key: str, filled: list[str]) -> time | None:
    """The end time, unless it is the copy's filler (start + 90 minutes) or the start itself."""
    if not text_of(value):
        return None
    end = parse_time(value, "endTime")
    minutes = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % (24 * 60)
    if minutes == FILLED_IN_LENGTH.total_seconds() // 60:
        filled.append(key)
        return None
    return None if minutes == 0 else end
