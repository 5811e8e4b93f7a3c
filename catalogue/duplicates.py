"""One meeting, one entry: the same meeting from two sources is listed once.

The same meeting can reach the catalogue twice: from the bundled copy of a
fellowship's list and from its own feed, or from two feeds that overlap (a
region's and the country's). Two active records are taken for one meeting
when they have the same official listing link (`Meeting.url`), or else when
they are of the same organisation, on the same schedule (the same
recurrence rule) at the same start time, and either at the same venue
(postcode and street address, compared without case, spaces or punctuation)
or, online only, behind the same conference link. That second match never
joins two records of one source (it lists them as two meetings: a
Russian-speaking group beside a Dutch one in the same building, at the same
hour), nor two records whose official links differ.

The fresher source wins: the one whose data is of a later date (`as_of`,
else the day it was imported or checked); on the same day an imported
record wins over a bundled one. The other is left out of the
catalogue, and `Merged` says which one was kept, so that the import report
and ``feeds status`` can list it.

>>> from dataclasses import replace
>>> from datetime import date, time
>>> from catalogue.models import Source, Venue
>>> venue = Venue("Oudegracht 1", "3511 AB", "Utrecht", "NL", 52.09, 5.12)
>>> old = Meeting("a", "aa", "AA Utrecht", "FREQ=WEEKLY;BYDAY=TU", date(2026, 7, 21),
...     time(19, 30), None, "Europe/Amsterdam", Source("copy", as_of=date(2026, 7, 18)), venue)
>>> new = replace(old, id="b", name="Dinsdaggroep",
...     source=Source("feed", imported_on=date(2026, 11, 23), as_of=date(2026, 11, 23)),
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

__all__ = ["Merged", "one_entry_per_meeting", "same_meeting_keys"]


@dataclass(frozen=True, slots=True)
class Merged:
    """Two records of one meeting: `kept` is in the catalogue, `dropped` is not."""

    kept: str
    dropped: str

    def __str__(self) -> str:
        return f"{self.dropped} is the same meeting as {self.kept} (kept: fresher)"


def same_meeting_keys(meeting: Meeting) -> list[tuple[str, ...]]:
    """What two records of one meeting share: its official link, and when and where it is.

    None for a retired record: it is kept for reminders to be told, never listed.
    """
    if meeting.retired_on is not None:
        return []
    keys: list[tuple[str, ...]] = []
    if meeting.url:
        keys.append(("link", meeting.url.split("#")[0].rstrip("/").lower()))
    when = (meeting.organisation_id, _rule(meeting.rrule), meeting.start.strftime("%H:%M"))
    if meeting.venue is not None:
        venue = meeting.venue
        keys.append((*when, "venue", _plain(venue.postcode or venue.city), _plain(venue.address)))
    elif meeting.online is not None and meeting.online.url:
        keys.append((*when, "online", meeting.online.url.split("?")[0].rstrip("/").lower()))
    return keys


def one_entry_per_meeting(
    meetings: Mapping[str, Meeting],
) -> tuple[dict[str, Meeting], list[Merged]]:
    """The meetings with each duplicate left out, and what was merged (by dropped id)."""
    # Records sharing any key are one meeting: join them (union-find over meeting ids).
    parent: dict[str, str] = {}

    def root(mid: str) -> str:
        while parent.get(mid, mid) != mid:
            mid = parent[mid]
        return mid

    seen: dict[tuple[str, ...], list[Meeting]] = {}
    for meeting in meetings.values():
        for key in same_meeting_keys(meeting):
            for other in seen.setdefault(key, []):
                if (key[0] == "link" or _may_be_one(meeting, other)) and root(other.id) != root(
                    meeting.id
                ):
                    parent[root(meeting.id)] = root(other.id)
            seen[key].append(meeting)
    groups: dict[str, list[Meeting]] = {}
    for mid in parent:
        groups.setdefault(root(mid), [])
    for meeting in meetings.values():
        if root(meeting.id) in groups:
            groups[root(meeting.id)].append(meeting)
    merged = []
    for group in groups.values():
        kept = max(group, key=_freshness)  # the first of equals: the earlier file
        merged.extend(Merged(kept.id, other.id) for other in group if other is not kept)
    dropped = {m.dropped for m in merged}
    kept_meetings = {mid: m for mid, m in meetings.items() if mid not in dropped}
    return kept_meetings, sorted(merged, key=lambda m: m.dropped)


def _may_be_one(a: Meeting, b: Meeting) -> bool:
    """Whether a match on time and place may join two records.

    Not within one source (it lists two meetings there: a Russian-speaking
    group beside a Dutch one in the same building), and not when both give an
    official link and the links differ.
    """
    if (a.source.name, a.source.url) == (b.source.name, b.source.url):
        return False
    return not (a.url and b.url and a.url != b.url)


def _freshness(meeting: Meeting) -> tuple[date, bool]:
    source = meeting.source
    return (source.as_of or source.imported_on or source.dated_on, source.imported_on is not None)


def _rule(rrule: str) -> str:
    return ";".join(sorted(rrule.upper().split(";")))


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())
