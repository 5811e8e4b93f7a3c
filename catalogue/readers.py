"""One reader per kind of record: organisations, meetings, helplines, clinics, fit rules.

Each reader turns one raw YAML record into a model value, or returns None
after reporting every problem it found (see `catalogue.fields`). Checks that
need several files (does the organisation exist, is the id unique) are the
loader's (`catalogue.loading`). `KINDS` maps a file's top-level key to its
reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, time
from typing import Any

from catalogue.fields import (
    MISSING,
    FileContext,
    Missing,
    Record,
    all_set,
    read_local_text,
    read_record_source,
)
from catalogue.kinds import Attribute, Country, DangerKind, Problem, Relation, Seeker
from catalogue.models import Clinic, FitRule, Helpline, Meeting, Online, Organisation, Venue
from catalogue.recurrence import check_rule, first_date_from
from catalogue.values import (
    InvalidValue,
    enum_parser,
    expects,
    list_parser,
    parse_date,
    parse_email,
    parse_id,
    parse_language,
    parse_number,
    parse_phone,
    parse_text,
    parse_time,
    parse_timezone,
    parse_url,
    show,
)

__all__ = ["KINDS", "read_meeting"]

HELPLINE_KINDS = ("emergency", "crisis", "professional", "organisation")

# Rough boxes around each country (degrees): a venue outside is almost surely a typo
# (swapped lat/lon, a dropped minus, a point in the sea of another country).
COUNTRY_BOXES: Mapping[Country, tuple[float, float, float, float]] = {
    Country.NL: (50.70, 53.60, 3.30, 7.30),  # lat_min, lat_max, lon_min, lon_max
    Country.BE: (49.45, 51.55, 2.50, 6.45),
}

_POSTCODES: Mapping[Country, re.Pattern[str]] = {
    Country.NL: re.compile(r"^[1-9][0-9]{3}( ?[A-Z]{2})?$"),
    Country.BE: re.compile(r"^[1-9][0-9]{3}$"),
}

# The parsers of meeting fields, built once: an imported feed has thousands of meetings.
_COUNTRY = enum_parser(Country)
_ATTRIBUTES = list_parser(enum_parser(Attribute))
_DATES = list_parser(parse_date)
_DANGERS = list_parser(enum_parser(DangerKind))


def read_organisation(context: FileContext, raw: Any, index: int) -> Organisation | None:
    r = Record(context, "organisation", raw, index)
    oid = r.get("id", parse_id)
    name = r.get("name", parse_text)
    short_name = r.get("short_name", parse_text)
    seekers = r.get("seekers", list_parser(enum_parser(Seeker), allow_empty=False))
    relations = r.get("relations", list_parser(enum_parser(Relation)), required=False) or []
    problems = r.get("problems", list_parser(enum_parser(Problem), allow_empty=False))
    way = read_local_text(r, "way_of_working")
    description = read_local_text(r, "description")
    first_meeting = read_local_text(r, "first_meeting")
    countries = r.get("countries", list_parser(enum_parser(Country), allow_empty=False))
    website = r.get("website", parse_url, required=False)
    phone = r.get("phone", parse_phone, required=False)
    email = r.get("email", parse_email, required=False)
    source = read_record_source(context, r)
    if relations is not MISSING and seekers is not MISSING:
        if relations and Seeker.NAASTE not in seekers:
            r.error("relations", "is only for organisations of naasten (add naaste to seekers)")
        if Seeker.NAASTE in seekers and not relations:
            r.error("relations", "missing (expected the relations of naasten it is for)")
    values = (oid, name, short_name, seekers, problems, way, description, first_meeting)
    if not r.finish() or not all_set(*values, countries, source, relations):
        return None
    return Organisation(
        id=oid,
        name=name,
        short_name=short_name,
        seekers=frozenset(seekers),
        relations=frozenset(relations),
        problems=frozenset(problems),
        way_of_working=way,
        description=description,
        first_meeting=first_meeting,
        countries=frozenset(countries),
        source=source,
        website=website,
        phone=phone,
        email=email,
    )


def _check_schedule(r: Record, schedule: Any, first_on: Any) -> None:
    """The rule must be one the recurrence engine runs, and `first_on` one of its dates."""
    if not isinstance(schedule, str) or not isinstance(first_on, date):
        return
    problem = check_rule(schedule)
    if problem is not None:
        r.error("schedule", f"{show(schedule)} {problem}")
        return
    first = first_date_from(schedule, first_on)
    if first is None:
        r.error(
            "schedule",
            f"{show(schedule)} never takes place from {first_on.isoformat()} "
            "(expected a rule with dates)",
        )
    elif first != first_on:
        r.error(
            "first_on",
            f"{first_on.isoformat()} ({first_on.strftime('%A')}) is not a date "
            f"of {schedule} (expected the date of a real meeting, e.g. "
            f"{first.isoformat()})",
        )


@expects("a schedule as an RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU")
def _schedule_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"{show(value)} is not a schedule")
    return value.strip().upper()


def _read_venue(r: Record) -> Venue | Missing | None:
    v = r.nested("venue", required=False)
    if v is None:
        return None if r.raw.get("venue") is None else MISSING
    address = v.get("address", parse_text)
    postcode_raw = v.raw.get("postcode")
    postcode = (
        str(postcode_raw)
        if isinstance(postcode_raw, int) and not isinstance(postcode_raw, bool)
        else v.get("postcode", parse_text, required=False)
    )
    v.used.add("postcode")
    city = v.get("city", parse_text)
    country = v.get("country", _COUNTRY)
    lat = v.get("lat", parse_number)
    lon = v.get("lon", parse_number)
    if isinstance(country, Country):
        if isinstance(postcode, str) and postcode and not _POSTCODES[country].match(postcode):
            form = "1234 AB" if country is Country.NL else "1234"
            v.error(
                "postcode", f"{show(postcode)} is not a postcode in {country} (expected {form})"
            )
        lat_min, lat_max, lon_min, lon_max = COUNTRY_BOXES[country]
        has_point = isinstance(lat, float) and isinstance(lon, float)
        if has_point and not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
            v.error(
                "lat",
                f"{lat}, {lon} is not in {country} (expected latitude "
                f"{lat_min}..{lat_max} and longitude {lon_min}..{lon_max})",
            )
    if not v.finish() or not all_set(address, postcode, city, country, lat, lon):
        r.ok = False
        return MISSING
    return Venue(
        address=address, postcode=postcode or "", city=city, country=country, lat=lat, lon=lon
    )


def _read_online(r: Record) -> Online | Missing | None:
    o = r.nested("online", required=False)
    if o is None:
        return None if r.raw.get("online") is None else MISSING
    url = o.get("url", parse_url, required=False)
    phone = o.get("phone", parse_phone, required=False)
    if url is None and phone is None:
        o.error(None, "is empty (expected a url, a phone, or both)")
    if not o.finish() or not all_set(url, phone):
        r.ok = False
        return MISSING
    return Online(url=url, phone=phone)


def read_meeting(context: FileContext, raw: Any, index: int) -> Meeting | None:
    r = Record(context, "meeting", raw, index)
    mid = r.get("id", parse_id)
    organisation = r.get("organisation", parse_id)
    name = r.get("name", parse_text)
    schedule = r.get("schedule", _schedule_text)
    first_on = r.get("first_on", parse_date)
    start = r.get("start", parse_time)
    end = r.get("end", parse_time, required=False)
    zone = r.get("timezone", parse_timezone, required=False)
    venue = _read_venue(r)
    online = _read_online(r)
    attributes = r.get("attributes", _ATTRIBUTES, required=False) or []
    language = r.get("language", parse_language, required=False) or "nl"
    notes = read_local_text(r, "notes", required=False, need_en=False)
    cancelled_on = r.get("cancelled_on", _DATES, required=False) or []
    ends_on = r.get("ends_on", parse_date, required=False)
    retired_on = r.get("retired_on", parse_date, required=False)
    source = read_record_source(context, r)
    _check_schedule(r, schedule, first_on)
    if isinstance(start, time) and isinstance(end, time) and start == end:
        r.error("end", f"'{end.strftime('%H:%M')}' is the same as start (expected a later time)")
    if venue is None and online is None and r.raw:
        r.error(None, "has neither venue nor online (expected a venue, an online way in, or both)")
    if attributes is not MISSING and {Attribute.OPEN, Attribute.CLOSED} <= set(attributes):
        r.error("attributes", "has both open and closed (expected one of them)")
    if isinstance(ends_on, date) and isinstance(first_on, date) and ends_on < first_on:
        r.error(
            "ends_on",
            f"{ends_on.isoformat()} is before first_on {first_on.isoformat()} "
            "(expected a date on or after first_on)",
        )
    if zone is None and isinstance(venue, Venue):
        zone = venue.country.timezone
    values = (mid, organisation, name, schedule, first_on, start, end, zone, venue, online)
    more = (attributes, language, notes, cancelled_on, ends_on, retired_on, source)
    if not r.finish() or not all_set(*values, *more):
        return None
    return Meeting(
        id=mid,
        organisation_id=organisation,
        name=name,
        rrule=schedule,
        first_on=first_on,
        start=start,
        end=end,
        timezone=zone or Country.NL.timezone,
        source=source,
        venue=venue,
        online=online,
        attributes=frozenset(attributes),
        language=language,
        notes=notes,
        cancelled_on=frozenset(cancelled_on),
        ends_on=ends_on,
        retired_on=retired_on,
    )


@expects(f"one of: {', '.join(HELPLINE_KINDS)}")
def _helpline_kind(value: Any) -> str:
    if value not in HELPLINE_KINDS:
        raise InvalidValue(f"{show(value)} is not a kind of helpline")
    return value


@expects('a phone number in quotes, e.g. "0800-0113" ("" only for professional help)')
def _helpline_number(value: Any) -> str:
    if value == "":
        return ""
    return parse_phone(value)


def read_helpline(context: FileContext, raw: Any, index: int) -> Helpline | None:
    r = Record(context, "helpline", raw, index)
    hid = r.get("id", parse_id)
    name = read_local_text(r, "name")
    number = r.get("number", _helpline_number)
    kind = r.get("kind", _helpline_kind)
    countries = r.get("countries", list_parser(enum_parser(Country), allow_empty=False))
    description = read_local_text(r, "description")
    hours = read_local_text(r, "hours", required=False)
    url = r.get("url", parse_url, required=False)
    organisation = r.get("organisation", parse_id, required=False)
    serves = r.get("serves", _DANGERS, required=False)
    source = read_record_source(context, r, unverified_allowed=True)
    if number == "" and kind != "professional":
        r.error(
            "number", "is empty (expected a phone number; only professional help may have none)"
        )
    values = (
        hid,
        name,
        number,
        kind,
        countries,
        description,
        hours,
        url,
        organisation,
        serves,
        source,
    )
    if not r.finish() or not all_set(*values):
        return None
    return Helpline(
        id=hid,
        name=name,
        number=number,
        kind=kind,
        countries=frozenset(countries),
        description=description,
        source=source,
        hours=hours,
        url=url,
        organisation_id=organisation,
        serves=frozenset(serves or ()),
    )


def read_clinic(context: FileContext, raw: Any, index: int) -> Clinic | None:
    r = Record(context, "clinic", raw, index)
    cid = r.get("id", parse_id)
    name = r.get("name", parse_text)
    region = r.get("region", parse_text)
    language = r.get("language", parse_language)
    source = read_record_source(context, r)
    if not r.finish() or not all_set(cid, name, region, language, source):
        return None
    return Clinic(id=cid, name=name, region=region, language=language, source=source)


def read_fit_rule(context: FileContext, raw: Any, index: int) -> FitRule | None:
    r = Record(context, "fit rule", raw, index)
    seeker = r.get("seeker", enum_parser(Seeker))
    problems = r.get("problems", list_parser(enum_parser(Problem)), required=False) or []
    relations = r.get("relations", list_parser(enum_parser(Relation)), required=False) or []
    organisations = r.get("organisations", list_parser(parse_id, allow_empty=False))
    if seeker is Seeker.SELF and relations:
        r.error("relations", "is only for naasten (expected no relations when seeker is self)")
    if not r.finish() or not all_set(seeker, problems, relations, organisations):
        return None
    return FitRule(
        seeker=seeker,
        problems=frozenset(problems or Problem),  # empty means any problem
        relations=frozenset(relations),
        organisation_ids=tuple(organisations),
    )


KINDS: Mapping[str, tuple[str, Callable[[FileContext, Any, int], Any]]] = {
    "organisations": ("organisation", read_organisation),
    "meetings": ("meeting", read_meeting),
    "helplines": ("helpline", read_helpline),
    "clinics": ("clinic", read_clinic),
    "fit": ("fit rule", read_fit_rule),
}
