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
- `formats`: comma-separated format keys. A server names its formats in its
  own words (a Dutch server's keys are Dutch), so when the feed carries its
  `formats` list each key is translated to its standard `world_id` (the
  field bmlt-root-server's `FormatResource` writes) and read against the
  world-id list below; without that list, keys are read as world ids;
- `lang_enum`: the meeting's language; formats whose world id is ``LANG``
  add their language (their key: ``ENG``, ``FR``, ``DE`` ...);
- `location_text` (the venue's name), `location_info` (how to find it),
  `comments` (the group's own words); `location_street`,
  `location_postal_code_1`, `location_municipality`, `location_nation`,
  `latitude`, `longitude` (``"0"``/empty: placed by postcode or town);
- `virtual_meeting_link` (only a known provider's link is a way to join),
  `phone_meeting_number` (kept with its codes);
- `time_zone` (IANA), else the venue's country's zone.

A virtual meeting needs a link or phone (else skipped); a hybrid one without
them is kept as in person. `TC` (facility temporarily closed) drops the venue.
The semantic JSON has no last-changed date, so `changed_on` stays empty; the
feed's date (`as_of`) is the day it was read.

| world id | Catalogue |
|---|---|
| OPEN, CLOSED | attribute `open`, `closed` |
| W, M, Y | attribute `women`, `men`, `youth` |
| WCHR | attribute `wheelchair` |
| GL | attribute `lgbtq` |
| BEG | attribute `newcomers` |
| RA | attribute `restricted` |
| VM, HYBR | virtual, hybrid (when `venue_type` is empty) |
| TC | venue dropped: online only |
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from catalogue.errors import FeedImportError
from catalogue.importers.records import (
    FeedContext,
    ParsedFeed,
    RecordProblem,
    build_venue,
    collect,
    end_after,
    feed_text,
    first_occurrence_on,
    joined_texts,
    meeting_timezone,
    parse_coordinate,
    parse_country,
    parse_online,
    parse_time,
    read_types,
    text_of,
)
from catalogue.importers.type_codes import CodeList, Flag
from catalogue.kinds import Attribute
from catalogue.models import Meeting
from catalogue.recurrence import weekly_rule

#: BMLT's standard world ids (the list bmlt-root-server's TSML output maps from).
WORLD_IDS = CodeList(
    "BMLT world ids",
    {
        "OPEN": Attribute.OPEN,
        "CLOSED": Attribute.CLOSED,
        "W": Attribute.WOMEN,
        "M": Attribute.MEN,
        "Y": Attribute.YOUTH,
        "WCHR": Attribute.WHEELCHAIR,
        "GL": Attribute.LGBTQ,
        "BEG": Attribute.NEWCOMERS,
        "RA": Attribute.RESTRICTED,
        "VM": Flag.ONLINE,
        "TC": Flag.TEMPORARILY_CLOSED,
        **dict.fromkeys(
            (
                "BT",
                "CAN",
                "CPT",
                "CW",
                "DISC",
                "HYBR",
                "IP",
                "IW",
                "JFT",
                "LC",
                "LIT",
                "MED",
                "NS",
                "QA",
                "SMOK",
                "SPAD",
                "SPK",
                "STEP",
                "SWG",
                "TOP",
                "TRAD",
                "VAR",
            ),
            Flag.KNOWN,
        ),
    },
)
VIRTUAL, HYBRID, TEMPORARILY_CLOSED = "VM", {"HY", "HYBR"}, "TC"
IN_PERSON_VENUE, VIRTUAL_VENUE, HYBRID_VENUE = "1", "2", "3"
LANGUAGE_WORLD_ID = "LANG"

#: Keys of language formats (world id LANG) as ISO 639-1 codes.
#: The world ids of a server's default English format keys, for a feed without its formats list.
DEFAULT_KEYS = {
    "O": "OPEN",
    "C": "CLOSED",
    "WC": "WCHR",
    "YP": "Y",
    "B": "BEG",
    "GL": "GL",
    "HY": "HYBR",
}

#: Language keys that are also another format's key elsewhere (TR Traditions, SP Speaker ...).
AMBIGUOUS_KEYS = frozenset({"SP", "TR", "PO", "AR"})
LANGUAGE_KEYS = {
    "EN": "en",
    "ENG": "en",
    "NL": "nl",
    "DE": "de",
    "GER": "de",
    "FR": "fr",
    "FRA": "fr",
    "ES": "es",
    "SP": "es",
    "SPA": "es",
    "PL": "pl",
    "POL": "pl",
    "PO": "pl",
    "RU": "ru",
    "RUS": "ru",
    "FA": "fa",
    "FAR": "fa",
    "IT": "it",
    "ITA": "it",
    "PT": "pt",
    "POR": "pt",
    "AR": "ar",
    "TR": "tr",
    "TUR": "tr",
}

_DURATION = re.compile(r"^\s*([0-9]{1,2}):([0-5][0-9])(?::([0-5][0-9]))?\s*$")


def parse_bmlt(data: Any, ctx: FeedContext) -> ParsedFeed:
    """Meetings from a parsed GetSearchResults document; bad records are skipped with a reason."""
    world_ids: dict[str, str] = {}
    if isinstance(data, dict) and isinstance(data.get("meetings"), list):
        for fmt in data.get("formats") or []:
            if isinstance(fmt, dict) and text_of(fmt.get("key_string")):
                world_id = text_of(fmt.get("world_id"))
                if world_id:
                    world_ids[text_of(fmt.get("key_string"))] = world_id.upper()
        data = data["meetings"]
    if not isinstance(data, list):
        raise FeedImportError(
            f"{ctx.file}: expected a JSON array of meetings (BMLT GetSearchResults format)"
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
    keys = [k.strip() for k in text_of(raw.get("formats")).split(",") if k.strip()]
    formats = {_world_id(k, world_ids) for k in keys}
    venue_type = _venue_type(text_of(raw.get("venue_type")), formats)
    languages = _languages(raw.get("lang_enum"), keys, world_ids)
    reading = WORLD_IDS.read(
        f for f in formats if f != LANGUAGE_WORLD_ID and LANGUAGE_KEYS.get(f) not in languages
    )

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
            name=text_of(raw.get("location_text")),
        )
    timezone = meeting_timezone(raw.get("time_zone"), venue, country)
    rule = weekly_rule([weekday])
    online_notes = (
        (raw.get("virtual_meeting_additional_info"), raw.get("phone_meeting_additional_info"))
        if online
        else ()
    )
    return Meeting(
        id=ctx.meeting_id(key),
        organisation_id=ctx.organisation_id,
        name=name,
        rrule=rule,
        first_on=first_occurrence_on(rule, ctx.today),
        start=start,
        end=end,
        timezone=timezone,
        source=ctx.source(),
        venue=venue,
        online=online,
        attributes=read_types(reading, notes),
        languages=languages,
        location_notes=feed_text(raw.get("location_info")),
        group_notes=joined_texts(raw.get("comments"), *online_notes),
    )


def _world_id(key: str, world_ids: dict[str, str]) -> str:
    """A format key's world id: from the feed's formats list, else the server's default keys."""
    if world_ids:
        return world_ids.get(key, key.upper())
    return DEFAULT_KEYS.get(key.upper(), key.upper())


def _languages(lang_enum: Any, keys: list[str], world_ids: dict[str, str]) -> tuple[str, ...]:
    """The meeting's `lang_enum` first, then each language format's language."""
    found: list[str] = []
    main = text_of(lang_enum).lower()
    if len(main) == 2 and main.isalpha():
        found.append(main)
    for key in keys:
        if world_ids:
            is_language = world_ids.get(key) == LANGUAGE_WORLD_ID
        else:  # no formats list: only keys that are no other standard format's
            is_language = key.upper() not in AMBIGUOUS_KEYS
        language = LANGUAGE_KEYS.get(key.upper()) if is_language else None
        if language and language not in found:
            found.append(language)
    return tuple(found) or ("nl",)


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


def _venue_type(text: str, formats: set[str]) -> str:
    if text in (IN_PERSON_VENUE, VIRTUAL_VENUE, HYBRID_VENUE):
        return text
    if text:
        raise RecordProblem(f"field 'venue_type': {text!r} is not 1, 2 or 3")
    if formats & HYBRID:
        return HYBRID_VENUE
    return VIRTUAL_VENUE if VIRTUAL in formats else IN_PERSON_VENUE
