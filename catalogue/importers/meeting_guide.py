"""Meeting Guide JSON: the open feed AA intergroups and the 12 Step Meeting List publish.

Spec: github.com/code4recovery/spec (README, "Meeting Guide API"). The
document is a JSON array of meetings, each read by `MeetingGuideRecord`
(extra fields ignored). What we read from each record:

- `name`, `slug` (required; `slug` is the stable key: the catalogue id is
  ``<source>-<slug>``, so a re-import finds the same meeting again; a slug
  used twice keeps both meetings, the second as ``<slug>-2``);
- `day` 0–6 with **0 = Sunday**, or a list of such days; `time` and optional
  `end_time` as ``HH:MM`` (no `end_time`, or one equal to `time`: "end not
  given", no length assumed). A record without day or time ("by
  appointment") is skipped. A `day` list becomes ONE meeting with one weekly
  rule (``FREQ=WEEKLY;BYDAY=MO,TH``);
- `types`, read against the organisation's own code list
  (`catalogue.importers.type_codes`): attributes and languages; codes the
  list does not know are reported and ignored;
- `address`, `city`, `postal_code`, `country`, or `formatted_address` alone
  (``"Oudegracht 1, 3511 AB Utrecht, Netherlands"``); `latitude`/`longitude`
  or `coordinates` (``"lat,lon"``), else the venue is placed at its
  postcode area or town; `location` is the venue's name;
- attendance: `attendance_option` (``in_person``, ``hybrid``, ``online``;
  ``inactive`` is skipped) when given; else a street address that is not
  `approximate` (``true`` or ``"yes"``: the address is only a region) and not
  `TC` (location temporarily closed) is a venue, and a conference link or
  phone makes it (also) online;
- `conference_url`: only a known provider's link (Zoom, Teams, Meet, Jitsi,
  Webex, Whereby, GoToMeeting ...) is a way to join; `conference_phone` is
  kept with its codes (``+31 20 123 4567,,987654#``);
- `url` (the official listing), `feedback_url`, `feedback_emails`;
- `location_notes` (how to find the room) and `notes`, `group_notes`,
  `conference_*_notes` (the group's own words);
- `timezone` (IANA), else the venue's country's zone;
- `updated` (``YYYY-MM-DD HH:MM:SS``): when the source last changed the
  record (`changed_on`; never shown as "checked").
"""

from __future__ import annotations

import re
from typing import Any

from catalogue.errors import FeedImportError
from catalogue.importers.feed_records import (
    ChangedOn,
    Coordinates,
    FeedRecord,
    Latitude,
    Longitude,
    Text,
    Texts,
    Time,
    Timezone,
    TypeCodes,
    Weekdays,
    YesNo,
    read,
    required,
)
from catalogue.importers.records import (
    FeedContext,
    ParsedFeed,
    RecordProblem,
    build_venue,
    checked_end,
    collect,
    first_occurrence_on,
    joined_texts,
    meeting_timezone,
    official_link,
    parse_country,
    parse_online,
    read_types,
    text_of,
)
from catalogue.importers.type_codes import CodeList, Flag, TypeReading, code_list
from catalogue.kinds import Country
from catalogue.models import Meeting, Online
from catalogue.recurrence import weekly_rule
from catalogue.values import EMAIL_PATTERN

#: The spec's `attendance_option` values.
ATTENDANCE_OPTIONS = ("in_person", "hybrid", "online", "inactive")
_BY_APPOINTMENT = "meetings by appointment are not listed"

_POSTCODE_CITY = re.compile(r"^(?:B-?)?([1-9][0-9]{3}(?:\s?[A-Za-z]{2})?)\s+(\S.*)$")
_POSTCODE_ONLY = re.compile(r"^(?:B-?)?([1-9][0-9]{3}(?:\s?[A-Za-z]{2})?)$")


class MeetingGuideRecord(FeedRecord):
    """One meeting of a Meeting Guide feed, by the spec's field names (see the module's notes)."""

    name: required(Text)  # type: ignore[valid-type]
    slug: required(Text)  # type: ignore[valid-type]
    day: required(Weekdays, _BY_APPOINTMENT)  # type: ignore[valid-type]
    time: required(Time, _BY_APPOINTMENT)  # type: ignore[valid-type]
    end_time: Time = None
    types: TypeCodes = None
    location: Text = None
    address: Text = None
    city: Text = None
    postal_code: Text = None
    country: Text = None
    formatted_address: Text = None
    latitude: Latitude = None
    longitude: Longitude = None
    coordinates: Coordinates = None
    approximate: YesNo = None
    attendance_option: Text = None
    conference_url: Text = None
    conference_url_notes: Text = None
    conference_phone: Text = None
    conference_phone_notes: Text = None
    timezone: Timezone = None
    url: Text = None
    feedback_url: Text = None
    feedback_emails: Texts = None
    location_notes: Text = None
    notes: Text = None
    group_notes: Text = None
    updated: ChangedOn = None


def parse_meeting_guide(data: Any, ctx: FeedContext) -> ParsedFeed:
    """Meetings from a parsed Meeting Guide document; bad records are skipped with a reason."""
    if not isinstance(data, list):
        raise FeedImportError(
            f"{ctx.file}: expected a JSON array of meetings (Meeting Guide format)"
        )
    codes = code_list(ctx.organisation_id)
    labelled = ((_label(i, raw), raw) for i, raw in enumerate(data))
    return collect(ctx.file, labelled, lambda raw, notes: [_meeting(raw, ctx, codes, notes)])


def _label(index: int, raw: Any) -> str:
    slug = text_of(raw.get("slug")) if isinstance(raw, dict) else ""
    return f"record {index + 1}" + (f" '{slug}'" if slug else "")


def _meeting(raw: Any, ctx: FeedContext, codes: CodeList, notes: list[str]) -> Meeting:
    record = read(MeetingGuideRecord, raw)
    reading = codes.read(record.types or ())
    online = parse_online(record.conference_url, record.conference_phone, notes)
    address, postcode, city, country = _address(record)
    in_person, online = _attendance(record, reading, bool(address), online, notes)
    venue = None
    if in_person:
        lat, lon = _point(record)
        venue = build_venue(
            ctx,
            notes,
            address=address,
            postcode=postcode,
            city=city,
            country=country,
            lat=lat,
            lon=lon,
            name=record.location,
        )
    rule = weekly_rule(list(record.day))
    conference_notes = (
        (record.conference_url_notes, record.conference_phone_notes) if online else ()
    )
    return Meeting(
        id=ctx.meeting_id(record.slug),
        organisation_id=ctx.organisation_id,
        name=record.name,
        rrule=rule,
        first_on=first_occurrence_on(rule, ctx.today),
        start=record.time,
        end=checked_end(record.time, record.end_time, notes),
        timezone=meeting_timezone(record.timezone, venue, country),
        source=ctx.source(),
        venue=venue,
        online=online,
        attributes=read_types(reading, notes),
        languages=reading.languages or ("nl",),
        url=official_link(record.url, "url", notes),
        feedback=_feedback(record, notes),
        location_notes=record.location_notes,
        group_notes=joined_texts(record.notes, record.group_notes, *conference_notes),
        changed_on=record.updated,
    )


def _attendance(
    record: MeetingGuideRecord,
    reading: TypeReading,
    has_address: bool,
    online: Online | None,
    notes: list[str],
) -> tuple[bool, Online | None]:
    """(held in person?, online way in): from `attendance_option`, else the address and types."""
    option = (record.attendance_option or "").lower()
    if option == "inactive":
        raise RecordProblem("attendance_option 'inactive': the meeting is not held")
    if option and option not in ATTENDANCE_OPTIONS:
        notes.append(
            f"attendance_option {option!r} is not one of the spec's: read from the address"
        )
        option = ""
    approximate = record.approximate is True
    closed_for_now = Flag.TEMPORARILY_CLOSED in reading.flags
    if option == "online" or (not option and (approximate or closed_for_now)):
        in_person = False
    elif option in ("in_person", "hybrid"):
        in_person = True
    else:
        in_person = has_address
    if in_person and not has_address:
        raise RecordProblem("held in person, but no street address")
    if option == "in_person" and online is not None:
        notes.append("in person only (attendance_option): its conference details are not shown")
        online = None
    if option == "hybrid" and online is None:
        notes.append("hybrid without a conference link or phone: imported as in person")
    if not in_person and online is None:
        if closed_for_now:
            raise RecordProblem("location temporarily closed (TC) and no online way to join")
        raise RecordProblem("no street address and no conference link or phone")
    return in_person, online


def _point(record: MeetingGuideRecord) -> tuple[float | None, float | None]:
    """`latitude`/`longitude`, else `coordinates` ("lat,lon")."""
    if record.latitude is None or record.longitude is None:
        return record.coordinates or (None, None)
    return record.latitude, record.longitude


def _feedback(record: MeetingGuideRecord, notes: list[str]) -> tuple[str, ...]:
    """`feedback_url` and `feedback_emails` (a list, or one address) as links."""
    found: list[str] = []
    if link := official_link(record.feedback_url, "feedback_url", notes):
        found.append(link)
    for address in record.feedback_emails or ():
        if EMAIL_PATTERN.match(address):
            found.append(f"mailto:{address}")
        else:
            notes.append(f"feedback e-mail {address!r} left out: not an e-mail address")
    return tuple(found)


def _address(record: MeetingGuideRecord) -> tuple[str, str, str, Country | None]:
    """Street, postcode, town and country, from the separate fields or `formatted_address`."""
    address = record.address or ""
    postcode = record.postal_code or ""
    city = record.city or ""
    country_text = record.country or ""
    formatted = record.formatted_address or ""
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
