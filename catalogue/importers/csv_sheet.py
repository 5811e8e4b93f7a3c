"""CSV from a spreadsheet: the template a clinic or regional network fills in.

The template is ``catalogue/data/import-template.csv``: one header row, one
meeting per row, comma or semicolon separated (Excel in Dutch saves with
``;``), UTF-8. Column names are fixed (English, lowercase); their order is
free and unknown columns are reported and ignored. Rows whose `id` starts
with ``voorbeeld-`` are the template's examples and are skipped.

Columns (required ones marked *):

- `id`* your own key for the meeting, e.g. ``utrecht-dinsdag``; keep it the
  same on every import (lowercase letters, digits, hyphens).
- `organisation`* organisation id from ``catalogue/data/organisations.yaml``,
  e.g. ``aa``, ``na`` (empty: the ``--organisation`` option).
- `name`* the group's or meeting's name.
- `day`* weekday ``ma di wo do vr za zo``, ``maandag`` …, or ``mon`` … ``sun``;
  several days separated by spaces, ``,``, ``/`` or ``;``.
- `start`* start time ``HH:MM`` (24 h, local time); `end` end time ``HH:MM``.
- `repeat` ``weekly`` (default; also ``wekelijks``), ``fortnightly``
  (``tweewekelijks``, needs `first_date`) or ``monthly`` (``maandelijks``, needs `weeks`).
- `weeks` for monthly: weeks of the month ``1``–``4``, ``-1`` for the last;
  ``2,4`` = 2nd and 4th.
- `first_date` a date the meeting is held, ``YYYY-MM-DD``; needed for
  fortnightly, otherwise the first meeting on or after the import date.
- `address`, `postcode`, `city` for a meeting in person (``3511 AB`` or ``9000``);
  `country` ``NL`` (default) or ``BE``.
- `lat`, `lon` decimal degrees; empty: the venue is placed at its postcode area.
- `online_url` video link ``https://…``; `online_phone` dial-in number.
- `attributes` any of ``open closed women men youth english lgbtq wheelchair``
  (Dutch too: ``gesloten vrouwen mannen jongeren engels lhbti rolstoel``).
- `language` ``nl`` (default) or ``en``; `timezone` IANA zone (default from country).
- `notes_nl`, `notes_en` practical notes (door, floor, parking).
- `ends_on` last date the meeting is held; `verified_on` when you checked the
  row (default: the import date); both ``YYYY-MM-DD``.

A row needs an address (in person), an online link or phone (online), or both (hybrid).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from catalogue.errors import FeedImportError
from catalogue.importers.records import (
    FeedContext,
    ParsedFeed,
    RecordProblem,
    build_venue,
    checked_attributes,
    collect,
    first_occurrence_on,
    meeting_timezone,
    parse_coordinate,
    parse_country,
    parse_online,
    parse_time,
    slugify,
    text_of,
)
from catalogue.kinds import Attribute, Country
from catalogue.models import LocalText, Meeting
from catalogue.recurrence import WEEKDAY_CODES, weekly_rule

REQUIRED_COLUMNS = ("id", "organisation", "name", "day", "start")
COLUMNS = (
    *REQUIRED_COLUMNS,
    "end",
    "repeat",
    "weeks",
    "first_date",
    "address",
    "postcode",
    "city",
    "country",
    "lat",
    "lon",
    "online_url",
    "online_phone",
    "attributes",
    "language",
    "timezone",
    "notes_nl",
    "notes_en",
    "ends_on",
    "verified_on",
)
EXAMPLE_PREFIX = "voorbeeld-"

_DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("ma", "maandag", "mon", "monday", "mo"),
        ("di", "dinsdag", "tue", "tuesday", "tu"),
        ("wo", "woensdag", "wed", "wednesday", "we"),
        ("do", "donderdag", "thu", "thursday", "th"),
        ("vr", "vrijdag", "fri", "friday", "fr"),
        ("za", "zaterdag", "sat", "saturday", "sa"),
        ("zo", "zondag", "sun", "sunday", "su"),
    )
):
    _DAY_NAMES.update(dict.fromkeys(_names, _index))

_ATTRIBUTE_NAMES: dict[str, Attribute] = {a.value: a for a in Attribute} | {
    "gesloten": Attribute.CLOSED,
    "vrouwen": Attribute.WOMEN,
    "mannen": Attribute.MEN,
    "jongeren": Attribute.YOUTH,
    "nieuwkomers": Attribute.NEWCOMERS,
    "beginners": Attribute.NEWCOMERS,
    "beperkt": Attribute.RESTRICTED,
    "lhbti": Attribute.LGBTQ,
    "lhbtiq": Attribute.LGBTQ,
    "lhbtiq+": Attribute.LGBTQ,
    "rolstoel": Attribute.WHEELCHAIR,
}
#: Older sheets list English among the attributes; it is a language now.
_ENGLISH_WORDS = frozenset({"english", "engels"})
_REPEATS = {
    "": "weekly",
    "weekly": "weekly",
    "wekelijks": "weekly",
    "fortnightly": "fortnightly",
    "tweewekelijks": "fortnightly",
    "biweekly": "fortnightly",
    "monthly": "monthly",
    "maandelijks": "monthly",
}


def parse_csv(text: str, ctx: FeedContext) -> ParsedFeed:
    """Meetings from a filled-in template's text; bad rows are skipped with a reason."""
    rows = _rows(ctx.file, text)
    header = rows.fieldnames or []
    unknown = [c for c in header if c and c not in COLUMNS]
    skipped_examples: list[str] = []

    def labelled():
        for row in rows:
            key = text_of(row.get("id"))
            if key.startswith(EXAMPLE_PREFIX):
                skipped_examples.append(key)
                continue
            if not any(text_of(v) for k, v in row.items() if k):
                continue  # an empty line at the end of a sheet
            yield f"line {rows.line_num}" + (f" '{key}'" if key else ""), row

    parsed = collect(ctx.file, labelled(), lambda row, notes: [_meeting(row, ctx, notes)])
    notes = list(parsed.notes)
    if unknown:
        notes.append(f"{ctx.file}: unknown columns ignored: {', '.join(unknown)}")
    if skipped_examples:
        notes.append(f"{ctx.file}: {len(skipped_examples)} example rows from the template skipped")
    return ParsedFeed(parsed.file, parsed.meetings, parsed.skipped, parsed.degraded, tuple(notes))


def _rows(path: str, text: str) -> csv.DictReader:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        raise FeedImportError(f"{path}: not a readable CSV file ({error})") from None
    reader.fieldnames = [h.strip().lower().replace(" ", "_") for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in reader.fieldnames]
    if missing:
        raise FeedImportError(
            f"{path}: missing columns {', '.join(missing)} "
            "(expected the header row of catalogue/data/import-template.csv)"
        )
    return reader


def _meeting(row: dict[str, Any], ctx: FeedContext, notes: list[str]) -> Meeting:
    key = text_of(row.get("id"))
    if not key or slugify(key) != key.lower():
        raise RecordProblem(f"column 'id': {key!r} must be letters, digits and hyphens")
    organisation = text_of(row.get("organisation")) or ctx.organisation_id
    if not organisation:
        raise RecordProblem("column 'organisation' is empty")
    name = text_of(row.get("name"))
    if not name:
        raise RecordProblem("column 'name' is empty")
    weekdays = _weekdays(text_of(row.get("day")))
    start = parse_time(row.get("start"), "start")
    end = parse_time(row.get("end"), "end") if text_of(row.get("end")) else None
    first_date = _date(row, "first_date")
    rule = _rule(text_of(row.get("repeat")).lower(), weekdays, text_of(row.get("weeks")))
    if first_date is not None:
        if first_occurrence_on(rule, first_date) != first_date:
            raise RecordProblem(
                f"column 'first_date': {first_date.isoformat()} is not a meeting day "
                "of this schedule"
            )
        first_on = first_date
    elif "INTERVAL=" in rule:
        raise RecordProblem("column 'first_date' is needed for a fortnightly meeting")
    else:
        first_on = first_occurrence_on(rule, ctx.today)

    online = parse_online(row.get("online_url"), row.get("online_phone"), notes)
    country = parse_country(row.get("country")) or Country.NL
    venue = None
    if text_of(row.get("address")):
        venue = build_venue(
            ctx,
            notes,
            address=text_of(row.get("address")),
            postcode=text_of(row.get("postcode")),
            city=text_of(row.get("city")),
            country=country,
            lat=parse_coordinate(row.get("lat"), "lat", 90),
            lon=parse_coordinate(row.get("lon"), "lon", 180),
        )
    elif online is None:
        raise RecordProblem("no address and no online link or phone")
    languages = _languages(text_of(row.get("language")), text_of(row.get("attributes")))
    notes_nl, notes_en = text_of(row.get("notes_nl")), text_of(row.get("notes_en"))
    return Meeting(
        id=ctx.meeting_id(key),
        organisation_id=organisation,
        name=name,
        rrule=rule,
        first_on=first_on,
        start=start,
        end=end,
        timezone=meeting_timezone(row.get("timezone"), venue, country),
        source=ctx.source(_date(row, "verified_on")),
        venue=venue,
        online=online,
        attributes=checked_attributes(_attributes(text_of(row.get("attributes"))), notes),
        languages=languages,
        notes=LocalText(nl=notes_nl or notes_en, en=notes_en or notes_nl)
        if notes_nl or notes_en
        else None,
        ends_on=_date(row, "ends_on"),
    )


def _weekdays(text: str) -> list[int]:
    names = [n for n in re.split(r"[\s,;/]+", text.lower()) if n]
    if not names:
        raise RecordProblem("column 'day' is empty")
    unknown = [n for n in names if n.rstrip(".") not in _DAY_NAMES]
    if unknown:
        raise RecordProblem(
            f"column 'day': {unknown[0]!r} is not a weekday (ma, di, … or mon, tue, …)"
        )
    return sorted({_DAY_NAMES[n.rstrip(".")] for n in names})


def _rule(repeat: str, weekdays: list[int], weeks: str) -> str:
    kind = _REPEATS.get(repeat)
    if kind is None:
        raise RecordProblem(f"column 'repeat': {repeat!r} is not weekly, fortnightly or monthly")
    if kind == "weekly":
        return weekly_rule(weekdays)
    if kind == "fortnightly":
        return weekly_rule(weekdays, interval=2)
    numbers = [w for w in re.split(r"[\s,;/]+", weeks) if w]
    if not numbers or any(w not in ("1", "2", "3", "4", "-1") for w in numbers):
        raise RecordProblem(
            f"column 'weeks': {weeks!r} must list weeks of the month 1-4 or -1 (last), e.g. 2,4"
        )
    codes = [WEEKDAY_CODES[d] for d in weekdays]
    return "FREQ=MONTHLY;BYDAY=" + ",".join(f"{w}{c}" for w in numbers for c in codes)


def _languages(text: str, attributes: str) -> tuple[str, ...]:
    """The `language` column's codes (``nl``, ``nl en``); ``english`` in `attributes` adds en."""
    found = [c for c in re.split(r"[\s,;/]+", text.lower()) if c]
    for code in found:
        if not re.fullmatch(r"[a-z]{2}", code):
            raise RecordProblem(f"column 'language': {code!r} is not a two-letter code (nl, en …)")
    words = re.split(r"[\s,;/]+", attributes.lower())
    if _ENGLISH_WORDS & set(words) and "en" not in found:
        found.append("en")
    return tuple(dict.fromkeys(found)) or ("nl",)


def _attributes(text: str) -> list[Attribute]:
    found = []
    for name in (n for n in re.split(r"[\s,;/]+", text.lower()) if n):
        if name in _ENGLISH_WORDS:
            continue  # a language, read by _languages
        if name not in _ATTRIBUTE_NAMES:
            raise RecordProblem(
                f"column 'attributes': {name!r} is not one of "
                f"{' '.join(a.value for a in Attribute)}"
            )
        found.append(_ATTRIBUTE_NAMES[name])
    return found


def _date(row: dict[str, Any], column: str) -> date | None:
    text = text_of(row.get(column))
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RecordProblem(
            f"column '{column}': {text!r} is not a date (expected YYYY-MM-DD)"
        ) from None
