"""Meeting Guide JSON: the open feed AA intergroups and the 12 Step Meeting List publish.

Spec: github.com/code4recovery/spec (README, "Meeting Guide API"). The file
is a JSON array of meetings. What we read from each record:

- `name`, `slug` (required; `slug` is the stable key: the catalogue id is
  ``<source>-<slug>``, so a re-import finds the same meeting again);
- `day` 0–6 with **0 = Sunday**, or a list of such days; `time` and optional
  `end_time` as ``HH:MM``. A record without day or time ("by appointment")
  is skipped. A `day` list becomes ONE meeting with one weekly rule
  (``FREQ=WEEKLY;BYDAY=MO,TH``): the feed has one slug, one name and one
  time for it, and one id keeps re-imports and reminders simple;
- `types` codes (table below); other codes are ignored;
- `address`, `city`, `postal_code`, `country`, or `formatted_address` alone
  (``"Oudegracht 1, 3511 AB Utrecht, Netherlands"``); `latitude`/`longitude`
  when given, else the venue is placed at its postcode area or town;
  `approximate: "yes"` marks an address that is not a real venue;
- `conference_url` / `conference_phone` (+ their `_notes`): an online way in;
- `timezone` (IANA), else the venue's country's zone;
- `updated` (``YYYY-MM-DD HH:MM:SS``) becomes the meeting's `verified_on`;
- `location`, `location_notes`, `notes` become the meeting's notes.

In person, online or both: a record with a street address (not approximate)
is held there; with a conference link or phone it can also be joined online
(hybrid). `TC` (location temporarily closed) drops the venue: the meeting
stays as online only if it has a way in online, else it is skipped.

| Meeting Guide type | Catalogue |
|---|---|
| O Open | attribute `open` |
| C Closed | attribute `closed` |
| W Women | attribute `women` |
| M Men | attribute `men` |
| Y Young People | attribute `youth` |
| EN English | attribute `english`, language `en` |
| X Wheelchair Access | attribute `wheelchair` |
| LGBTQ, G Gay, L Lesbian, T Transgender, BI Bisexual, NB Non-Binary | attribute `lgbtq` |
| TC Location Temporarily Closed | venue dropped (online only) |
| ONL Online (TSML) | nothing by itself: `conference_url`/`conference_phone` decide |
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from catalogue.errors import FeedImportError
from catalogue.importers.feedfile import read_json
from catalogue.importers.records import (
    FeedContext,
    ParsedFeed,
    RecordProblem,
    build_venue,
    checked_attributes,
    collect,
    first_occurrence_on,
    joined_notes,
    meeting_timezone,
    parse_coordinate,
    parse_country,
    parse_online,
    parse_time,
    text_of,
)
from catalogue.kinds import Attribute, Country
from catalogue.models import Meeting
from catalogue.recurrence import weekly_rule

TYPE_ATTRIBUTES: dict[str, Attribute] = {
    "O": Attribute.OPEN,
    "C": Attribute.CLOSED,
    "W": Attribute.WOMEN,
    "M": Attribute.MEN,
    "Y": Attribute.YOUTH,
    "EN": Attribute.ENGLISH,
    "X": Attribute.WHEELCHAIR,
    "LGBTQ": Attribute.LGBTQ,
    "G": Attribute.LGBTQ,
    "L": Attribute.LGBTQ,
    "T": Attribute.LGBTQ,
    "BI": Attribute.LGBTQ,
    "NB": Attribute.LGBTQ,
}
TEMPORARILY_CLOSED = "TC"

_POSTCODE_CITY = re.compile(r"^(?:B-?)?([1-9][0-9]{3}(?:\s?[A-Za-z]{2})?)\s+(\S.*)$")
_POSTCODE_ONLY = re.compile(r"^(?:B-?)?([1-9][0-9]{3}(?:\s?[A-Za-z]{2})?)$")


def parse_meeting_guide(path: Path, ctx: FeedContext) -> ParsedFeed:
    """Meetings from a Meeting Guide JSON file; bad records are skipped with a reason."""
    data = read_json(path)
    if not isinstance(data, list):
        raise FeedImportError(f"{path}: expected a JSON array of meetings (Meeting Guide format)")
    labelled = ((_label(i, raw), raw) for i, raw in enumerate(data))
    return collect(ctx.file, labelled, lambda raw, notes: [_meeting(raw, ctx, notes)])


def _label(index: int, raw: Any) -> str:
    slug = text_of(raw.get("slug")) if isinstance(raw, dict) else ""
    return f"record {index + 1}" + (f" '{slug}'" if slug else "")


def _meeting(raw: Any, ctx: FeedContext, notes: list[str]) -> Meeting:
    if not isinstance(raw, dict):
        raise RecordProblem("not a JSON object")
    name, key = text_of(raw.get("name")), text_of(raw.get("slug"))
    if not name:
        raise RecordProblem("field 'name' is missing")
    if not key:
        raise RecordProblem("field 'slug' is missing")
    weekdays = _weekdays(raw.get("day"))
    if not text_of(raw.get("time")):
        raise RecordProblem("no 'time': meetings by appointment are not listed")
    start = parse_time(raw.get("time"), "time")
    end = parse_time(raw.get("end_time"), "end_time") if text_of(raw.get("end_time")) else None
    types = _types(raw.get("types"))

    online = parse_online(raw.get("conference_url"), raw.get("conference_phone"), notes)
    address, postcode, city, country = _address(raw)
    is_approximate = text_of(raw.get("approximate")).lower() == "yes"
    closed_for_now = TEMPORARILY_CLOSED in types
    in_person = bool(address) and not is_approximate and not closed_for_now
    if not in_person and online is None:
        if closed_for_now:
            raise RecordProblem("location temporarily closed (TC) and no online way to join")
        raise RecordProblem("no street address and no conference link or phone")
    venue = None
    if in_person:
        venue = build_venue(
            ctx,
            notes,
            address=address,
            postcode=postcode,
            city=city,
            country=country,
            lat=parse_coordinate(raw.get("latitude"), "latitude", 90),
            lon=parse_coordinate(raw.get("longitude"), "longitude", 180),
        )
    timezone = meeting_timezone(raw.get("timezone"), venue, country)
    rule = weekly_rule(weekdays)
    return Meeting(
        id=ctx.meeting_id(key),
        organisation_id=ctx.organisation_id,
        name=name,
        rrule=rule,
        first_on=first_occurrence_on(rule, ctx.today),
        start=start,
        end=end,
        timezone=timezone,
        source=ctx.source(_updated_on(raw.get("updated"))),
        venue=venue,
        online=online,
        attributes=checked_attributes(TYPE_ATTRIBUTES[t] for t in types if t in TYPE_ATTRIBUTES),
        language="en" if "EN" in types else "nl",
        notes=joined_notes(raw, _note_fields(online is not None)),
    )


def _weekdays(value: Any) -> list[int]:
    """Meeting Guide days (0 = Sunday … 6 = Saturday) as `date.weekday()` numbers."""
    if value is None or value == "" or value == []:
        raise RecordProblem("no 'day': meetings by appointment are not listed")
    values = value if isinstance(value, list) else [value]
    weekdays = []
    for item in values:
        text = text_of(item)
        if isinstance(item, bool) or not text.isdigit() or not 0 <= int(text) <= 6:
            raise RecordProblem(f"field 'day': {item!r} is not a day 0-6 (0 = Sunday)")
        weekdays.append((int(text) - 1) % 7)
    return weekdays


def _types(value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):  # a sheet-style "O, W"
        value = re.split(r"[,;\s]+", value)
    if not isinstance(value, list):
        raise RecordProblem("field 'types' is not a list of codes")
    return {text_of(t).upper() for t in value if text_of(t)}


def _address(raw: dict[str, Any]) -> tuple[str, str, str, Country | None]:
    """Street, postcode, town and country, from the separate fields or `formatted_address`."""
    address = text_of(raw.get("address"))
    postcode = text_of(raw.get("postal_code"))
    city = text_of(raw.get("city"))
    country_text = text_of(raw.get("country"))
    formatted = text_of(raw.get("formatted_address"))
    if formatted and not (address or city or postcode):
        address, postcode, city, country_text = _split_formatted(formatted, country_text)
    return address, postcode, city, parse_country(country_text)


def _split_formatted(formatted: str, country_text: str) -> tuple[str, str, str, str]:
    """``"Oudegracht 1, 3511 AB Utrecht, Netherlands"`` → street, postcode, town, country.

    A first part without a digit is not a street address (``"Utrecht, Netherlands"``
    is the approximate place of an online meeting).
    """
    parts = [p.strip() for p in formatted.split(",") if p.strip()]
    if len(parts) > 1 and not country_text:
        try:
            if parse_country(parts[-1]):
                country_text = parts.pop()
        except RecordProblem:
            country_text = parts.pop()  # a country, but not ours: parse_country will say so
    postcode = city = ""
    rest = []
    for part in parts:
        if not postcode and (match := _POSTCODE_CITY.match(part)):
            postcode, city = match[1], match[2]
        elif not postcode and (match := _POSTCODE_ONLY.match(part)):
            postcode = match[1]
        else:
            rest.append(part)
    address = rest.pop(0) if rest and re.search(r"\d", rest[0]) else ""
    if not city and rest:
        city = rest[-1]
    return address, postcode, city, country_text


def _updated_on(value: Any) -> date | None:
    """The date part of `updated` (``YYYY-MM-DD HH:MM:SS``, UTC); None when absent or unreadable."""
    text = text_of(value)
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _note_fields(is_online: bool) -> list[str]:
    """Where a Meeting Guide record keeps practical notes; conference notes only when online."""
    keys = ["location", "location_notes", "notes"]
    if is_online:
        keys += ["conference_url_notes", "conference_phone_notes"]
    return keys
