"""BMLT `GetSearchResults` JSON: the meeting lists NA service bodies publish.

Source: the BMLT semantic interface
(``<root>/client_interface/json/?switcher=GetSearchResults``), as built by
bmlt-enabled/bmlt-server (`MeetingResource`, `TsmlMeetingResource`). The
answer is a JSON array of meetings, or with ``get_used_formats=1`` an object
``{"meetings": [...], "formats": [...]}``; both are read. Every value is a
string. Each meeting is read by `BmltRecord` (extra fields ignored), each
format by `BmltFormat`. What we read from each meeting:

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
from catalogue.importers.feed_records import (
    CountryName,
    FeedRecord,
    Language,
    Latitude,
    Longitude,
    Text,
    Time,
    Timezone,
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
    end_after,
    first_occurrence_on,
    joined_texts,
    meeting_timezone,
    parse_online,
    read_types,
    text_of,
)
from catalogue.importers.type_codes import CodeList, Flag
from catalogue.kinds import Attribute
from catalogue.models import Meeting
from catalogue.recurrence import weekly_rule
from catalogue.values import InvalidValue, show

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


def _weekday(value: Any) -> int:
    """BMLT's 1 = Sunday … 7 = Saturday as `date.weekday()` (0 = Monday)."""
    text = text_of(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not text.isdigit() or not 1 <= int(text) <= 7:
        raise InvalidValue(f"{show(value)} is not a day")
    return (int(text) - 2) % 7


def _duration(value: Any) -> timedelta:
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match:
        raise InvalidValue(f"{show(value)} is not a duration")
    return timedelta(hours=int(match[1]), minutes=int(match[2]))


def _venue_type(value: Any) -> str:
    text = text_of(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if text not in (IN_PERSON_VENUE, VIRTUAL_VENUE, HYBRID_VENUE):
        raise InvalidValue(f"{show(value)} is not a venue type")
    return text


def _format_keys(value: Any) -> tuple[str, ...]:
    if not isinstance(value, str):
        raise InvalidValue(f"{show(value)} is not a text of format keys")
    return tuple(key.strip() for key in value.split(",") if key.strip())


Weekday = feed_type(int, "1-7, 1 = Sunday", _weekday)
Duration = feed_type(timedelta, "HH:MM:SS", _duration)
VenueType = feed_type(str, "1 in person, 2 virtual or 3 hybrid", _venue_type)
FormatKeys = feed_type(
    tuple[str, ...], "format keys separated by commas, e.g. 'O,WC'", _format_keys
)


class BmltRecord(FeedRecord):
    """One meeting of a `GetSearchResults` answer, by the server's field names (all text)."""

    id_bigint: required(Text)  # type: ignore[valid-type]
    meeting_name: required(Text)  # type: ignore[valid-type]
    published: YesNo = None
    weekday_tinyint: required(Weekday)  # type: ignore[valid-type]
    start_time: required(Time)  # type: ignore[valid-type]
    duration_time: Duration = None
    venue_type: VenueType = None
    formats: FormatKeys = None
    lang_enum: Language = None
    location_text: Text = None
    location_info: Text = None
    location_street: Text = None
    location_postal_code_1: Text = None
    location_municipality: Text = None
    location_nation: CountryName = None
    latitude: Latitude = None
    longitude: Longitude = None
    virtual_meeting_link: Text = None
    virtual_meeting_additional_info: Text = None
    phone_meeting_number: Text = None
    phone_meeting_additional_info: Text = None
    comments: Text = None
    time_zone: Timezone = None


class BmltFormat(FeedRecord):
    """One entry of the `formats` list (``get_used_formats=1``): a server's key and its world id."""

    key_string: required(Text)  # type: ignore[valid-type]
    world_id: required(Text)  # type: ignore[valid-type]


def parse_bmlt(data: Any, ctx: FeedContext) -> ParsedFeed:
    """Meetings from a parsed GetSearchResults document; bad records are skipped with a reason."""
    world_ids: dict[str, str] = {}
    if isinstance(data, dict) and isinstance(data.get("meetings"), list):
        for raw in data.get("formats") or []:
            try:
                fmt = read(BmltFormat, raw)
            except RecordProblem:
                continue  # a format without a key or world id maps nothing
            world_ids[fmt.key_string] = fmt.world_id.upper()
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
    record = read(BmltRecord, raw)
    if record.published is False:
        raise RecordProblem("not published")
    start = record.start_time
    end = end_after(start, record.duration_time or timedelta(0))
    keys = record.formats or ()
    formats = {_world_id(k, world_ids) for k in keys}
    venue_type = record.venue_type or _inferred_venue_type(formats)
    languages = _languages(record.lang_enum, keys, world_ids)
    reading = WORLD_IDS.read(
        f for f in formats if f != LANGUAGE_WORLD_ID and LANGUAGE_KEYS.get(f) not in languages
    )

    online = parse_online(record.virtual_meeting_link, record.phone_meeting_number, notes)
    if venue_type == IN_PERSON_VENUE:
        online = None  # a left-over link on an in-person meeting is not a way in
    elif venue_type == VIRTUAL_VENUE and online is None:
        raise RecordProblem("virtual meeting without a link or phone number")
    elif venue_type == HYBRID_VENUE and online is None:
        notes.append("hybrid meeting without a link or phone number: imported as in person")
    in_person = venue_type != VIRTUAL_VENUE and TEMPORARILY_CLOSED not in formats
    if not in_person and online is None:
        raise RecordProblem("facility temporarily closed (TC) and no online way to join")

    country = record.location_nation
    venue = None
    if in_person:
        venue = build_venue(
            ctx,
            notes,
            address=record.location_street or "",
            postcode=record.location_postal_code_1 or "",
            city=record.location_municipality or "",
            country=country,
            lat=record.latitude,
            lon=record.longitude,
            name=record.location_text,
        )
    rule = weekly_rule([record.weekday_tinyint])
    online_notes = (
        (record.virtual_meeting_additional_info, record.phone_meeting_additional_info)
        if online
        else ()
    )
    return Meeting(
        id=ctx.meeting_id(record.id_bigint),
        organisation_id=ctx.organisation_id,
        name=record.meeting_name,
        rrule=rule,
        first_on=first_occurrence_on(rule, ctx.today),
        start=start,
        end=end,
        timezone=meeting_timezone(record.time_zone, venue, country),
        source=ctx.source(),
        venue=venue,
        online=online,
        attributes=read_types(reading, notes),
        languages=languages,
        location_notes=record.location_info,
        group_notes=joined_texts(record.comments, *online_notes),
    )


def _world_id(key: str, world_ids: dict[str, str]) -> str:
    """A format key's world id: from the feed's formats list, else the server's default keys."""
    if world_ids:
        return world_ids.get(key, key.upper())
    return DEFAULT_KEYS.get(key.upper(), key.upper())


def _languages(
    lang_enum: str | None, keys: tuple[str, ...], world_ids: dict[str, str]
) -> tuple[str, ...]:
    """The meeting's `lang_enum` first, then each language format's language."""
    found: list[str] = [lang_enum] if lang_enum else []
    for key in keys:
        if world_ids:
            is_language = world_ids.get(key) == LANGUAGE_WORLD_ID
        else:  # no formats list: only keys that are no other standard format's
            is_language = key.upper() not in AMBIGUOUS_KEYS
        language = LANGUAGE_KEYS.get(key.upper()) if is_language else None
        if language and language not in found:
            found.append(language)
    return tuple(found) or ("nl",)


def _inferred_venue_type(formats: set[str]) -> str:
    """No `venue_type`: from the VM/HY formats, as the server's own TSML output does."""
    if formats & HYBRID:
        return HYBRID_VENUE
    return VIRTUAL_VENUE if VIRTUAL in formats else IN_PERSON_VENUE
