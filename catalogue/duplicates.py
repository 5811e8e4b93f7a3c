"""One meeting, one entry: the same meeting from two sources is listed once.

The same meeting can reach the catalogue twice: from the bundled copy of a
fellowship's list and from its own feed, or from two feeds that overlap (a
region's and the country's). Two active records are taken for one meeting
when they are of the same organisation, on the same schedule (the same
recurrence rule) at the same start time, and either at the same venue
(postcode and street address, compared without case, spaces or punctuation)
or, online only, behind the same conference link.

The fresher source wins: the one imported (or checked) later; on the same
day an imported record wins over a bundled one. The other is left out of the
catalogue, and `Merged` says which one was kept, so that the import report
and ``feeds status`` can list it.

>>> from dataclasses import replace
>>> from datetime import date, time
>>> from catalogue.models import Source, Venue
>>> venue = Venue("Oudegracht 1", "3511 AB", "Utrecht", "NL", 52.09, 5.12)
>>> old = Meeting("a", "aa", "AA Utrecht", "FREQ=WEEKLY;BYDAY=TU", date(2026, 7, 21),
...     time(19, 30), None, "Europe/Amsterdam", Source("copy", date(2026, 7, 18)), venue)
>>> new = replace(old, id="b", name="Dinsdaggroep",
...     source=Source("feed", date(2026, 11, 1), imported_on=date(2026, 11, 23)),
...     venue=replace(venue, address="oudegracht  1", postcode="3511ab"))
>>> kept, merged = one_entry_per_meeting({"a": old, "b": new})
>>> sorted(kept), merged
(['b'], [Merged(kept='b', dropped='a')])
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from catalogue.models import Meeting

__all__ = ["Merged", "one_entry_per_meeting", "same_meeting_key"]


@dataclass(frozen=True, slots=True)
class Merged:
    """Two records of one meeting: `kept` is in the catalogue, `dropped` is not."""

    kept: str
    dropped: str

    def __str__(self) -> str:
        return f"{self.dropped} is the same meeting as {self.kept} (kept: fresher)"


def same_meeting_key(meeting: Meeting) -> tuple[str, ...] | None:
    """What two records of one meeting share; None for a retired record or one with no place."""
    if meeting.retired_on is not None:
        return None
    when = (meeting.organisation_id, _rule(meeting.rrule), meeting.start.strftime("%H:%M"))
    if meeting.venue is not None:
        venue = meeting.venue
        return (*when, "venue", _plain(venue.postcode or venue.city), _plain(venue.address))
    if meeting.online is not None and meeting.online.url:
        return (*when, "online", meeting.online.url.split("?")[0].rstrip("/").lower())
    return None


def one_entry_per_meeting(
    meetings: Mapping[str, Meeting],
) -> tuple[dict[str, Meeting], list[Merged]]:
    """The meetings with each duplicate left out, and what was merged (by dropped id)."""
    groups: dict[tuple[str, ...], list[Meeting]] = {}
    for meeting in meetings.values():
        key = same_meeting_key(meeting)
        if key is not None:
            groups.setdefault(key, []).append(meeting)
    merged = []
    for group in groups.values():
        kept = max(group, key=_freshness)  # the first of equals: the earlier file
        merged.extend(Merged(kept.id, other.id) for other in group if other is not kept)
    dropped = {m.dropped for m in merged}
    kept_meetings = {mid: m for mid, m in meetings.items() if mid not in dropped}
    return kept_meetings, sorted(merged, key=lambda m: m.dropped)


def _freshness(meeting: Meeting) -> tuple[date, bool]:
    source = meeting.source
    return (source.imported_on or source.verified_on, source.imported_on is not None)


def _rule(rrule: str) -> str:
    return ";".join(sorted(rrule.upper().split(";")))


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())
