"""BMLT `GetSearchResults` JSON: the meeting lists NA service bodies publish.

Source: the BMLT semantic interface
(``<root>/client_interface/json/?switcher=GetSearchResults``), as built by
bmlt-enabled/bmlt-server (`MeetingResource`, `TsmlMeetingResource`). The
answer is a JSON array of meetings, or with ``get_used_formats=1`` an object
``{"meetings": [...], "formats": [...]}``; both are read. Every value is a
string. What we read from each meeting:

- `id_bigint`: the stable key (catalogue id ``<source>-<id_bigint>``);
- `published`: ``"0"`` is skipped;
- `meeting_name`; `weekday_tinyint` **1 = Sunday, 2 = Monday … 7 = Saturday**
  (the server stores 0-based and adds one on output);
- `start_time` ``"19:30:00"``; `duration_time` ``"01:30:00"`` gives the end
  time (start + duration, wrapping past midnight);
- `venue_type`: 1 in person, 2 virtual, 3 hybrid (when empty it is inferred
  from the VM/HY formats, as the server's own TSML output does);
- `formats`: comma-separated format keys, mapped below. When the feed carries
  its `formats` list, keys are first translated to their standard world ids
  (`worldid_mixed`), so a server's own keys (e.g. Dutch ones) map correctly;
- `location_text`, `location_info`, `comments`: notes; `location_street`,
  `location_postal_code_1`, `location_municipality`, `location_nation`,
  `latitude`, `longitude` (``"0"``/empty: placed by postcode or town);
- `virtual_meeting_link`, `phone_meeting_number` (+ `virtual_meeting_additional_info`);
- `time_zone` (IANA), else the venue's country's zone.

A virtual meeting needs a link or phone (else skipped); a hybrid one without
them is kept as in person. `TC` (facility temporarily closed) drops the venue.
The semantic JSON has no last-changed date, so `verified_on` is the import date.

| BMLT format key (world id) | Catalogue |
|---|---|
| O (OPEN) | attribute `open` |
| C (CLOSED) | attribute `closed` |
| W (W) | attribute `women` |
| M (M) | attribute `men` |
| YP, Y (Y) | attribute `youth` |
| WC, WCHR (WCHR) | attribute `wheelchair` |
| GL, LGBTQ (GL) | attribute `lgbtq` |
| ENG, EN | attribute `english`, language `en` |
| VM (VM) | virtual (when `venue_type` is empty) |
| HY (HYBR) | hybrid (when `venue_type` is empty) |
| TC (TC) | venue dropped: online only |
"""

from __future__ import annotations

import re
from datetime import timedelta
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
    end_after,
    first_occurrence_on,
    joined_notes,
    meeting_timezone,
    parse_coordinate,
    parse_country,
    parse_online,
    parse_time,
    text_of,
)
from catalogue.kinds import Attribute
from catalogue.models import Meeting
from catalogue.recurrence import weekly_rule

#: Standard world ids (and the default English keys) → attributes.
FORMAT_ATTRIBUTES: dict[str, Attribute] = {
    "OPEN": Attribute.OPEN,
    "O": Attribute.OPEN,
    "CLOSED": Attribute.CLOSED,
    "C": Attribute.CLOSED,
    "W": Attribute.WOMEN,
    "M": Attribute.MEN,
    "Y": Attribute.YOUTH,
    "YP": Attribute.YOUTH,
    "WCHR": Attribute.WHEELCHAIR,
    "WC": Attribute.WHEELCHAIR,
    "GL": Attribute.LGBTQ,
    "LGBTQ": Attribute.LGBTQ,
    "ENG": Attribute.ENGLISH,
    "EN": Attribute.ENGLISH,
}
VIRTUAL, HYBRID, TEMPORARILY_CLOSED = "VM", {"HY", "HYBR"}, "TC"
IN_PERSON_VENUE, VIRTUAL_VENUE, HYBRID_VENUE = "1", "2", "3"

_DURATION = re.compile(r"^\s*([0-9]{1,2}):([0-5][0-9])(?::([0-5][0-9]))?\s*$")


def parse_bmlt(path: Path, ctx: FeedContext) -> ParsedFeed:
    """Meetings from a BMLT GetSearchResults JSON file; bad records are skipped with a reason."""
    data = read_json(path)
    world_ids: dict[str, str] = {}
    if isinstance(data, dict) and isinstance(data.get("meetings"), list):
        for fmt in data.get("formats") or []:
            if isinstance(fmt, dict) and text_of(fmt.get("key_string")):
                world_id = text_of(fmt.get("worldid_mixed"))
                if world_id and world_id != "LANG":
                    world_ids[text_of(fmt.get("key_string"))] = world_id.upper()
        data = data["meetings"]
    if not isinstance(data, list):
        raise FeedImportError(
            f"{path}: expected a JSON array of meetings (BMLT GetSearchResults format)"
        )
    labelled = ((_label(i, raw), raw) for i, raw in enumerate(data))
    return collect(ctx.file, labelled, lambda raw, notes: [_meeting(raw, ctx, world_ids, notes)])


def _label(index: int, raw: Any) -> str:
    key = text_of(raw.get("id_bigint")) if isinstance(raw, dict) else ""
    return f"record {index + 1}" + (f" (id_bigint {key})" if key else "")


def _meeting(raw: Any, ctx: FeedContext, world_ids: dict[str, str], notes: list[str]) -> Meeting:
    if not isinstance(raw, dict):
        raise RecordProblem("not a JSON object")
    key, name = text_of(raw.get("id_bigint")), text_of(raw.get("meeting_name"))
    if not key:
        raise RecordProblem("field 'id_bigint' is missing")
    if not name:
        raise RecordProblem("field 'meeting_name' is missing")
    if text_of(raw.get("published")) == "0":
        raise RecordProblem("not published")
    weekday = _weekday(raw.get("weekday_tinyint"))
    start = parse_time(raw.get("start_time"), "start_time")
    end = end_after(start, _duration(raw.get("duration_time")))
    formats = _formats(raw.get("formats"), world_ids)
    venue_type = _venue_type(text_of(raw.get("venue_type")), formats)

    online = parse_online(raw.get("virtual_meeting_link"), raw.get("phone_meeting_number"), notes)
    if venue_type == IN_PERSON_VENUE:
        online = None  # a left-over link on an in-person meeting is not a way in
    elif venue_type == VIRTUAL_VENUE and online is None:
        raise RecordProblem("virtual meeting without a link or phone number")
    elif venue_type == HYBRID_VENUE and online is None:
        notes.append("hybrid meeting without a link or phone number: imported as in person")
    in_person = venue_type != VIRTUAL_VENUE and TEMPORARILY_CLOSED not in formats
    if not in_person and online is None:
        raise RecordProblem("facility temporarily closed (TC) and no online way to join")

    country = parse_country(raw.get("location_nation"))
    venue = None
    if in_person:
        venue = build_venue(
            ctx,
            notes,
            address=text_of(raw.get("location_street")),
            postcode=text_of(raw.get("location_postal_code_1")),
            city=text_of(raw.get("location_municipality")),
            country=country,
            lat=parse_coordinate(raw.get("latitude"), "latitude", 90),
            lon=parse_coordinate(raw.get("longitude"), "longitude", 180),
        )
    timezone = meeting_timezone(raw.get("time_zone"), venue, country)
    rule = weekly_rule([weekday])
    attributes = checked_attributes(FORMAT_ATTRIBUTES[f] for f in formats if f in FORMAT_ATTRIBUTES)
    return Meeting(
        id=ctx.meeting_id(key),
        organisation_id=ctx.organisation_id,
        name=name,
        rrule=rule,
        first_on=first_occurrence_on(rule, ctx.today),
        start=start,
        end=end,
        timezone=timezone,
        source=ctx.source(None),
        venue=venue,
        online=online,
        attributes=attributes,
        language="en" if Attribute.ENGLISH in attributes else "nl",
        notes=joined_notes(raw, _note_fields(online is not None)),
    )


def _weekday(value: Any) -> int:
    """BMLT's 1 = Sunday … 7 = Saturday as `date.weekday()` (0 = Monday)."""
    text = text_of(value)
    if not text.isdigit() or not 1 <= int(text) <= 7:
        raise RecordProblem(f"field 'weekday_tinyint': {text!r} is not a day 1-7 (1 = Sunday)")
    return (int(text) - 2) % 7


def _duration(value: Any) -> timedelta:
    text = text_of(value)
    if not text:
        return timedelta(0)
    match = _DURATION.match(text)
    if not match:
        raise RecordProblem(
            f"field 'duration_time': {text!r} is not a duration (expected HH:MM:SS)"
        )
    return timedelta(hours=int(match[1]), minutes=int(match[2]))


def _formats(value: Any, world_ids: dict[str, str]) -> set[str]:
    """Format keys, translated to world ids when the feed says which key means what."""
    keys = [k.strip() for k in text_of(value).split(",") if k.strip()]
    return {world_ids.get(k, k.upper()) for k in keys}


def _venue_type(text: str, formats: set[str]) -> str:
    if text in (IN_PERSON_VENUE, VIRTUAL_VENUE, HYBRID_VENUE):
        return text
    if text:
        raise RecordProblem(f"field 'venue_type': {text!r} is not 1, 2 or 3")
    if formats & HYBRID:
        return HYBRID_VENUE
    return VIRTUAL_VENUE if VIRTUAL in formats else IN_PERSON_VENUE


def _note_fields(is_online: bool) -> list[str]:
    """Where a BMLT record keeps what a newcomer should know; dial-in details only when online."""
    keys = ["location_text", "location_info", "comments"]
    if is_online:
        keys += ["virtual_meeting_additional_info", "phone_meeting_additional_info"]
    return keys
