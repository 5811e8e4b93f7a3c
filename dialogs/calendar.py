"""An iCalendar file for a meeting, made with the `icalendar` library.

The event starts at the next occurrence and repeats with the meeting's own
RFC 5545 rule, so a calendar shows every future meeting; cancelled dates
become EXDATEs and `ends_on` an UNTIL. The time zone travels along as a
VTIMEZONE, so 19:30 stays 19:30 across summer time in any calendar app.
Pure: the caller passes `now` (for DTSTAMP) and the texts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from catalogue.models import Meeting, Organisation


def meeting_ics(
    meeting: Meeting,
    organisation: Organisation,
    first_at: datetime,
    now: datetime,
    summary: str,
    description: str,
) -> bytes:
    """The .ics bytes for `meeting`, starting at `first_at` (aware, the meeting's zone)."""
    zone = ZoneInfo(meeting.timezone)
    first_at = first_at.astimezone(zone)
    event = Event()
    event.add("uid", f"{meeting.id}@zelfhulpwijzer")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", first_at)
    if meeting.duration is not None:  # no end given: RFC 5545 then ends the event at its start
        event.add("dtend", first_at + meeting.duration)
    event.add("summary", summary)
    event.add("description", description)
    if meeting.retired_on is None:
        rule = vRecur.from_ical(meeting.rrule)
        if meeting.ends_on is not None and "UNTIL" not in rule and "COUNT" not in rule:
            until = datetime.combine(meeting.ends_on, meeting.start, tzinfo=zone)
            rule["UNTIL"] = [until.astimezone(UTC)]
        event.add("rrule", rule)
        for cancelled_on in sorted(meeting.cancelled_on):
            if cancelled_on > first_at.date():
                event.add("exdate", datetime.combine(cancelled_on, meeting.start, tzinfo=zone))
    if meeting.venue is not None:
        venue = meeting.venue
        event.add("location", f"{venue.address}, {venue.postcode} {venue.city}".strip(", "))
        event.add("geo", (venue.lat, venue.lon))
    elif meeting.online is not None and meeting.online.url:
        event.add("location", meeting.online.url)
    url = (meeting.online.url if meeting.online else None) or organisation.website
    if url:
        event.add("url", url)

    calendar = Calendar()
    calendar.add("prodid", "-//Zelfhulpwijzer//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
