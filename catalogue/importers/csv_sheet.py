"""CSV from a spreadsheet: the template a clinic or regional network fills in.

The template is ``catalogue/data/import-template.csv``: one header row, one
meeting per row, comma or semicolon separated (Excel in Dutch saves with
``;``), UTF-8. Column names are fixed (English, lowercase); their order is
free and unknown columns are reported and ignored. Rows whose `id` starts
with ``voorbeeld-`` are the template's examples and are skipped.

Columns (required ones marked *; each row is read by `SheetRow`):

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
from typing import Any

from catalogue.errors import FeedImportError
from catalogue.importers.feed_records import (
    CountryName,
    Date,
    FeedRecord,
    Latitude,
    Longitude,
    Text,
    Time,
    Timezone,
    feed_type,
    read,
    required,
)
from catalogue.importers.records import (
    FeedContext,
    ParsedFeed,
    RecordProblem,
    build_venue,
    checked_attributes,
    collect,
    first_occurrence_on,
    meeting_timezone,
    parse_online,
    slugify,
    text_of,
)
from catalogue.kinds import Attribute, Country
from catalogue.models import LocalText, Meeting
from catalogue.recurrence import WEEKDAY_CODES, weekly_rule
from catalogue.values import InvalidValue, show

REQUIRED_COLUMNS = ("id", "organisation", "name", "day", "start")
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
    "weekly": "weekly",
    "wekelijks": "weekly",
    "fortnightly": "fortnightly",
    "tweewekelijks": "fortnightly",
    "biweekly": "fortnightly",
    "monthly": "monthly",
    "maandelijks": "monthly",
}


def _words(text: str) -> list[str]:
    """A cell's words, separated by spaces, ``,``, ``;`` or ``/``, lower case."""
    return [word for word in re.split(r"[\s,;/]+", text.lower()) if word]


def _sheet_id(value: str) -> str:
    if slugify(value) != value.lower():
        raise InvalidValue(f"{show(value)} is not an id")
    return value


def _weekdays(value: str) -> tuple[int, ...]:
    names = [name.rstrip(".") for name in _words(value)]
    unknown = [name for name in names if name not in _DAY_NAMES]
    if unknown:
        raise InvalidValue(f"{show(unknown[0])} is not a weekday")
    return tuple(sorted({_DAY_NAMES[name] for name in names}))


def _repeat(value: str) -> str:
    kind = _REPEATS.get(value.strip().lower())
    if kind is None:
        raise InvalidValue(f"{show(value)} is not a repeat")
    return kind


def _weeks(value: str) -> tuple[str, ...]:
    numbers = _words(value)
    wrong = [number for number in numbers if number not in ("1", "2", "3", "4", "-1")]
    if wrong:
        raise InvalidValue(f"{show(wrong[0])} is not a week of the month")
    return tuple(numbers)


def _attribute_words(value: str) -> tuple[str, ...]:
    words = _words(value)
    for word in words:
        if word not in _ATTRIBUTE_NAMES and word not in _ENGLISH_WORDS:
            raise InvalidValue(f"{show(word)} is not an attribute")
    return tuple(words)


def _language_codes(value: str) -> tuple[str, ...]:
    codes = _words(value)
    for code in codes:
        if not re.fullmatch(r"[a-z]{2}", code):
            raise InvalidValue(f"{show(code)} is not a two-letter code")
    return tuple(dict.fromkeys(codes))


SheetId = feed_type(str, "letters, digits and hyphens, e.g. utrecht-dinsdag", _sheet_id)
SheetDays = feed_type(tuple[int, ...], "ma, di, … or mon, tue, …; several allowed", _weekdays)
Repeat = feed_type(str, "weekly, fortnightly or monthly", _repeat)
Weeks = feed_type(tuple[str, ...], "1-4, or -1 for the last; several allowed, e.g. 2,4", _weeks)
AttributeWords = feed_type(
    tuple[str, ...], f"any of {' '.join(a.value for a in Attribute)}", _attribute_words
)
LanguageCodes = feed_type(tuple[str, ...], "two-letter codes such as nl or en", _language_codes)


class SheetRow(FeedRecord):
    """One row of the template, by its column names, in the template's order."""

    id: required(SheetId)  # type: ignore[valid-type]
    organisation: Text = None
    name: required(Text)  # type: ignore[valid-type]
    day: required(SheetDays)  # type: ignore[valid-type]
    start: required(Time)  # type: ignore[valid-type]
    end: Time = None
    repeat: Repeat = None
    weeks: Weeks = None
    first_date: Date = None
    address: Text = None
    postcode: Text = None
    city: Text = None
    country: CountryName = None
    lat: Latitude = None
    lon: Longitude = None
    online_url: Text = None
    online_phone: Text = None
    attributes: AttributeWords = None
    language: LanguageCodes = None
    timezone: Timezone = None
    notes_nl: Text = None
    notes_en: Text = None
    ends_on: Date = None
    verified_on: Date = None

    def attribute_values(self) -> list[Attribute]:
        """The `attributes` column's attributes (English in it is a language, see `languages`)."""
        words = self.attributes or ()
        return [_ATTRIBUTE_NAMES[word] for word in words if word not in _ENGLISH_WORDS]

    def languages(self) -> tuple[str, ...]:
        """The `language` column's codes; ``english`` in `attributes` (older sheets) adds en."""
        found = list(self.language or ())
        if _ENGLISH_WORDS & set(self.attributes or ()) and "en" not in found:
            found.append("en")
        return tuple(found) or ("nl",)


COLUMNS = tuple(SheetRow.model_fields)


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


def _meeting(raw: dict[str, Any], ctx: FeedContext, notes: list[str]) -> Meeting:
    row = read(SheetRow, raw, word="column")
    organisation = row.organisation or ctx.organisation_id
    if not organisation:
        raise RecordProblem("column 'organisation' is empty")
    rule = _rule(row)
    if row.first_date is not None:
        if first_occurrence_on(rule, row.first_date) != row.first_date:
            raise RecordProblem(
                f"column 'first_date': {row.first_date.isoformat()} is not a meeting day "
                "of this schedule"
            )
        first_on = row.first_date
    elif "INTERVAL=" in rule:
        raise RecordProblem("column 'first_date' is needed for a fortnightly meeting")
    else:
        first_on = first_occurrence_on(rule, ctx.today)

    online = parse_online(row.online_url, row.online_phone, notes)
    country = row.country or Country.NL
    venue = None
    if row.address:
        venue = build_venue(
            ctx,
            notes,
            address=row.address,
            postcode=row.postcode or "",
            city=row.city or "",
            country=country,
            lat=row.lat,
            lon=row.lon,
        )
    elif online is None:
        raise RecordProblem("no address and no online link or phone")
    notes_nl, notes_en = row.notes_nl, row.notes_en
    return Meeting(
        id=ctx.meeting_id(row.id),
        organisation_id=organisation,
        name=row.name,
        rrule=rule,
        first_on=first_on,
        start=row.start,
        end=row.end,
        timezone=meeting_timezone(row.timezone, venue, country),
        source=ctx.source(row.verified_on),
        venue=venue,
        online=online,
        attributes=checked_attributes(row.attribute_values(), notes),
        languages=row.languages(),
        notes=LocalText(nl=notes_nl or notes_en, en=notes_en or notes_nl)
        if notes_nl or notes_en
        else None,
        ends_on=row.ends_on,
    )


def _rule(row: SheetRow) -> str:
    """The row's schedule as an RRULE: weekly (the default), fortnightly, or monthly by week."""
    kind = row.repeat or "weekly"
    if kind == "weekly":
        return weekly_rule(list(row.day))
    if kind == "fortnightly":
        return weekly_rule(list(row.day), interval=2)
    if not row.weeks:
        raise RecordProblem("column 'weeks' is needed for a monthly meeting (e.g. 2,4)")
    codes = [WEEKDAY_CODES[d] for d in row.day]
    return "FREQ=MONTHLY;BYDAY=" + ",".join(f"{w}{c}" for w in row.weeks for c in codes)
