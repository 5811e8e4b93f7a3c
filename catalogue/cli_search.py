"""``python -m catalogue search``: find meetings for a person, as the bot would (English output).

    python -m catalogue search --near Utrecht --for self --problem alcohol
    python -m catalogue search --near "3511 AB" --for naaste --relation parent --problem drugs
    python -m catalogue search --near 52.09,5.12 --for self --problem gambling --day tue
    python -m catalogue search --online --for self --problem alcohol --at 2026-11-23T18:00

Exit 0 with results (or the fallback contacts), 2 when the place is ambiguous
or unknown (the choices or suggestions are printed), 1 when the data is broken.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from catalogue.cli_options import add_data_dir
from catalogue.errors import DataFilesError
from catalogue.kinds import Attribute, Problem, Relation, Seeker
from catalogue.loading import default_data_dir, load_catalogue
from catalogue.models import Meeting
from catalogue.places import Place, PlaceIndex
from catalogue.search import Filters, Match, Query, SearchIndex

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_ZONE = ZoneInfo("Europe/Amsterdam")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``search``."""
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--near", metavar="PLACE", help="a place, a postcode or LAT,LON")
    where.add_argument("--online", action="store_true", help="online meetings only")
    parser.add_argument("--for", dest="seeker", required=True, choices=[s.value for s in Seeker])
    parser.add_argument("--relation", choices=[r.value for r in Relation])
    parser.add_argument(
        "--problem", default=Problem.UNSURE.value, choices=[p.value for p in Problem]
    )
    parser.add_argument(
        "--for-them",
        action="store_true",
        help="a naaste looking for a group for the person with the addiction",
    )
    parser.add_argument("--at", metavar="ISO-DATETIME", help="search as of this moment")
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--open-only", action="store_true")
    parser.add_argument("--women", action="store_true")
    parser.add_argument("--youth", action="store_true")
    parser.add_argument("--english", action="store_true")
    parser.add_argument("--day", choices=DAYS)
    add_data_dir(parser)


def main(args: argparse.Namespace) -> int:
    """Run one search and print the ranked results."""
    now = _moment(args.at)
    if now is None:
        print(f"--at: {args.at!r} is not an ISO date-time (e.g. 2026-11-23T18:00)")
        return 2
    origin: Place | None = None
    if args.near is not None:
        found = _place(args.near)
        if isinstance(found, int):
            return found
        origin = found
    try:
        catalogue = load_catalogue(default_data_dir() if args.data_dir is None else args.data_dir)
    except DataFilesError as error:
        print(error)
        return 1
    filters = Filters(
        weekday=None if args.day is None else DAYS.index(args.day),
        open_only=args.open_only,
        women=args.women,
        youth=args.youth,
        english=args.english,
    )
    query = Query(
        Seeker(args.seeker),
        Problem(args.problem),
        Relation(args.relation) if args.relation else None,
        origin,
        filters,
        for_them=args.for_them,
    )
    result = SearchIndex(catalogue).find(query, now, limit=max(args.limit, 1))
    where = "online" if origin is None else f"near {origin.name} ({origin.province})"
    print(f"Meetings {where}, as of {now.isoformat(timespec='minutes')}:")
    if result.nearby:
        print(f"{result.total} found, showing {len(result.matches)}.")
        for number, match in enumerate(result.matches, 1):
            _print_match(number, match)
        return 0
    print("Nothing fits nearby. Contact the organisations instead:")
    for organisation in result.contacts:
        ways = " · ".join(w for w in (organisation.website, organisation.phone) if w)
        print(f"  - {organisation.name}: {ways}")
    if result.online:
        print("Online meetings:")
        for number, match in enumerate(result.online, 1):
            _print_match(number, match)
    return 0


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return datetime.now(DEFAULT_ZONE)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=DEFAULT_ZONE)


def _place(text: str) -> Place | int:
    """The place typed, or exit code 2 after printing the choices or suggestions."""
    lookup = PlaceIndex.bundled().lookup(text)
    if lookup.place is not None:
        return lookup.place
    if lookup.choices:
        print(f"--near: {text!r} is more than one place; choose one of:")
        for place in lookup.choices:
            print(f"  {place.name} ({place.province})")
    elif lookup.suggestions:
        print(f"--near: {text!r} is not a known place; did you mean:")
        for place in lookup.suggestions:
            print(f"  {place.name} ({place.province})")
    else:
        print(f"--near: {text!r} is not a known place, postcode or LAT,LON in NL/BE")
    return 2


def _print_match(number: int, match: Match) -> None:
    meeting = match.meeting
    sample = " [sample]" if meeting.source.sample else ""
    print(f"{number:>2}. {match.organisation.short_name} — {meeting.name}{sample}")
    where = "online" if match.distance_km is None else f"{match.distance_km:.1f} km"
    if match.distance_km is not None and meeting.online is not None:
        where += " (also online)"
    when = format_datetime(match.next_at, "EEEE d MMMM y HH:mm", locale="nl")
    access = "closed" if Attribute.CLOSED in meeting.attributes else "open"
    extras = sorted(a.value for a in meeting.attributes - {Attribute.OPEN, Attribute.CLOSED})
    print(f"    {where} · next: {when} · {access}" + (f" · {', '.join(extras)}" if extras else ""))
    if meeting.venue is not None:
        venue = meeting.venue
        print(f"    {', '.join(p for p in (venue.address, venue.postcode) if p)} {venue.city}")
    print(f"    {provenance(meeting)}")


def provenance(meeting: Meeting) -> str:
    """``data as of 2026-07-18 (NA Nederland (nanederland.nl)) · https://...``: date and source."""
    source = meeting.source
    if source.sample:
        return f"sample data ({source.name})"
    dated = f"data as of {source.as_of}" if source.as_of else f"checked {source.verified_on}"
    link = meeting.url or source.url
    return f"{dated} ({source.name})" + (f" · {link}" if link else "")


if __name__ == "__main__":  # pragma: no cover - normally run through ``python -m catalogue``
    parser = argparse.ArgumentParser(prog="python -m catalogue search")
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
