"""Which meetings fit this person, how far away they are, and when they next take place.

`SearchIndex(catalogue)` prepares once (a spatial grid per organisation, bit
masks for attributes and weekdays); `find` then looks only at meetings of the
organisations that fit, in the grid cells around the origin::

    index = SearchIndex(catalogue)
    result = index.find(Query(Seeker.SELF, Problem.ALCOHOL, origin=utrecht), now)
    assert [m.distance_km for m in result.matches] == sorted(m.distance_km for m in result.matches)
    assert all(m.next_at >= now for m in result.matches)

Ranking and fallback, in the order `find` applies them:

1. Fit: the organisations `catalogue.fitting_organisations` names for this
   seeker, problem and relation (a naaste searching *for them* searches as
   the person themselves, with the same problem).
2. Nearby: meetings with a venue within 25 km of the origin; when fewer
   than 3 pass the filters, within 50 km. Hybrid meetings count. They are
   ordered by fit, then distance (`catalogue.ranking`, `data/rules/ranking.yaml`):
   each step down the fit table counts as 10 km farther, a group for the
   person's own audience as 5 km nearer, and groups for an audience the
   person does not belong to (women, men, youth, LGBTQ+, dual diagnosis,
   restricted access, another language) come after all the others.
3. Filters: weekday (the meeting takes place on that day; `next_at` is then
   the next occurrence on that day), open only (no closed meetings), women,
   youth, English. Retired meetings and meetings without a next occurrence
   never show.
4. Fallback, when nothing is within 50 km: `nearby` is False, `contacts` are
   every fitting organisation that serves the person's country (the origin's,
   else `Query.country`; all fitting ones when none does), `online` the
   fitting online meetings, soonest first (online meetings have no country),
   and `none_listed` says whether no fitting organisation has any meeting in
   the catalogue at all (then "nothing near" would be the wrong thing to say).

With `origin=None` the search is for online meetings only: `matches` are
the online meetings, soonest first, and `nearby` says whether there are any.
Online meetings for another audience come after the others here too.

Only the returned page gets its next occurrence computed (that is the
costly step); `total` counts the meetings that pass every filter that can be
checked without computing dates, minus those found on the way to have no
next occurrence, so it may very rarely count a meeting whose every
remaining occurrence is cancelled.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from catalogue.geo import distance_km
from catalogue.kinds import Attribute, Country, Problem, Relation, Seeker
from catalogue.models import Catalogue, Meeting, Organisation
from catalogue.places import Place
from catalogue.ranking import Person, RankingRules, Standing
from catalogue.recurrence import next_meeting_at, next_meeting_on_weekday, rule_weekdays

RADIUS_KM = 25.0
#: How many fitting organisations without meetings a results page offers (best fitting first).
MAX_WITHOUT_MEETINGS = 3
WIDE_RADIUS_KM = 50.0
MIN_NEARBY = 3
"""Fewer results than this within RADIUS_KM widens the search to WIDE_RADIUS_KM."""
STEP = 400
"""Meetings per step of `SearchIndex.in_steps`: a few milliseconds on a 2-core machine."""

_KM_PER_DEG_LAT = 111.195
_CELL_LAT_DEG = 0.05  # about 5.6 km
_CELL_LON_DEG = 0.075  # about 5.2 km at 52 degrees north
_MINUTES_PER_WEEK = 7 * 24 * 60
_ANY_DAY = 0b1111111

# A meeting's filter signature: attribute bits, and at bit 8 up one bit per weekday it can be on.
_OPEN_BLOCKER = 1 << 0  # closed meeting
_WOMEN = 1 << 1
_YOUTH = 1 << 2
_ENGLISH = 1 << 3
_DAY_SHIFT = 8
_NEVER = datetime.max.toordinal()
_AFTER_OTHERS_KM = 1e6
"""Added to a meeting's score for each audience it is for that the person is not in: it then
comes after every meeting for fewer such audiences."""


@dataclass(frozen=True, slots=True)
class Filters:
    """Optional narrowing chosen by the user; all off by default."""

    weekday: int | None = None  # 0 = Monday
    open_only: bool = False
    women: bool = False
    youth: bool = False
    english: bool = False

    @property
    def required_mask(self) -> int:
        return (
            (_WOMEN if self.women else 0)
            | (_YOUTH if self.youth else 0)
            | (_ENGLISH if self.english else 0)
        )

    def signature_test(self) -> tuple[int, int]:
        """(mask, want): a meeting passes when ``signature & mask == want``."""
        day = 0 if self.weekday is None else 1 << (self.weekday + _DAY_SHIFT)
        required = self.required_mask | day
        return required | (_OPEN_BLOCKER if self.open_only else 0), required


@dataclass(frozen=True, slots=True)
class Query:
    """Who is looking, for what, from where (None = online only), and how narrowed."""

    seeker: Seeker
    problem: Problem
    relation: Relation | None = None
    origin: Place | None = None
    filters: Filters = field(default_factory=Filters)
    for_them: bool = False
    person: Person = field(default_factory=Person)
    country: Country | None = None
    """Where the person is when searching online only (`origin` says it otherwise): the
    organisations offered are those of this country."""

    @property
    def home_country(self) -> Country | None:
        """The country whose organisations the person is offered."""
        return self.origin.country if self.origin is not None else self.country


@dataclass(frozen=True, slots=True)
class Match:
    """A meeting that fits, its distance from the origin (None when online) and next start."""

    meeting: Meeting
    organisation: Organisation
    distance_km: float | None
    next_at: datetime


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of matches, how many there are in all, and the fallback when none are near."""

    matches: tuple[Match, ...]
    total: int
    nearby: bool
    contacts: tuple[Organisation, ...] = ()
    online: tuple[Match, ...] = ()
    without_meetings: tuple[Organisation, ...] = ()
    """Fitting organisations with no meeting in the catalogue: offered themselves instead."""
    none_listed: bool = False
    """Nothing near because no fitting organisation has a meeting in the catalogue at all."""


@dataclass(slots=True)
class _Bucket:
    """One organisation's meetings with a venue in one grid cell.

    `entries` are (lat, lon, signature, last day ordinal, meeting index);
    `counts` tallies signatures so that a cell lying wholly inside the radius
    and beyond the nearest results is counted without touching its meetings
    (unless some of them end, `ending`).
    """

    entries: list[tuple[float, float, int, int, int]] = field(default_factory=list)
    counts: dict[int, int] = field(default_factory=dict)
    ending: bool = False

    def add(self, lat: float, lon: float, signature: int, last: int, index: int) -> None:
        self.entries.append((lat, lon, signature, last, index))
        self.counts[signature] = self.counts.get(signature, 0) + 1
        self.ending = self.ending or last != _NEVER


class SearchIndex:
    """The catalogue's meetings arranged for fast search; build once, query often."""

    def __init__(self, catalogue: Catalogue, rules: RankingRules | None = None) -> None:
        self._prepare(catalogue, rules)
        for meeting in catalogue.meetings.values():
            self._add(meeting)

    @classmethod
    def in_steps(
        cls, catalogue: Catalogue, rules: RankingRules | None = None, *, step: int = STEP
    ) -> Iterator[SearchIndex | None]:
        """The same index, built `step` meetings at a time: None after each step, then the index.

        For the running bot, which builds the next catalogue's index on its event
        loop and lets people's turns run between the steps (a step of 400 meetings
        takes a few milliseconds), instead of holding the loop for the whole build::

            for index in SearchIndex.in_steps(catalogue):
                await asyncio.sleep(0)
        """
        index = cls.__new__(cls)
        index._prepare(catalogue, rules)
        meetings = list(catalogue.meetings.values())
        for start in range(0, len(meetings), step):
            for meeting in meetings[start : start + step]:
                index._add(meeting)
            yield None
        yield index

    def _prepare(self, catalogue: Catalogue, rules: RankingRules | None) -> None:
        """The empty index of `catalogue`, ready for its meetings to be added one by one."""
        self._catalogue = catalogue
        self._rules = rules or RankingRules.bundled()
        # Meetings share a few audiences ((attributes that mark one, languages)): each meeting
        # points at one, and a query judges each audience once for its person.
        self._audiences: list[tuple[frozenset[Attribute], tuple[str, ...]]] = []
        self._audience_of: list[int] = []
        self._audience_ids: dict[tuple[frozenset[Attribute], tuple[str, ...]], int] = {}
        self._meetings: list[Meeting] = []
        self._lat: list[float] = []
        self._lon: list[float] = []
        self._attrs: list[int] = []
        self._days: list[int] = []
        self._last_ord: list[int] = []  # last date it can take place (ends_on, retired_on - 1)
        self._slots: list[tuple[int, ...]] = []  # wall-clock minutes of the week, for ordering
        self._zone: list[str] = []
        self._grid: dict[tuple[int, int], dict[str, _Bucket]] = defaultdict(dict)
        self._online: dict[str, list[int]] = defaultdict(list)
        self._with_meetings: set[str] = set()
        self._next_cache: dict[int, tuple[datetime, datetime]] = {}
        self._fit_cache: dict[tuple[Seeker, Problem, Relation | None], tuple[str, ...]] = {}

    def _add(self, meeting: Meeting) -> None:
        """Index one meeting (one of an organisation the catalogue does not know is left out)."""
        if meeting.organisation_id not in self._catalogue.organisations:
            return
        index = len(self._meetings)
        self._meetings.append(meeting)
        self._with_meetings.add(meeting.organisation_id)
        attributes = meeting.attributes
        self._attrs.append(
            (_OPEN_BLOCKER if Attribute.CLOSED in attributes else 0)
            | (_WOMEN if Attribute.WOMEN in attributes else 0)
            | (_YOUTH if Attribute.YOUTH in attributes else 0)
            | (_ENGLISH if "en" in meeting.languages else 0)
        )
        weekdays = rule_weekdays(meeting.rrule, meeting.first_on)
        self._days.append(_ANY_DAY if weekdays is None else sum(1 << day for day in weekdays))
        minute = meeting.start.hour * 60 + meeting.start.minute
        self._slots.append(
            () if weekdays is None else tuple(day * 1440 + minute for day in weekdays)
        )
        self._zone.append(meeting.timezone)
        audience = (meeting.attributes & self._rules.audiences, meeting.languages)
        if audience not in self._audience_ids:
            self._audience_ids[audience] = len(self._audiences)
            self._audiences.append(audience)
        self._audience_of.append(self._audience_ids[audience])
        last = _NEVER
        if meeting.ends_on is not None:
            last = meeting.ends_on.toordinal()
        if meeting.retired_on is not None:
            last = min(last, meeting.retired_on.toordinal() - 1)
        self._last_ord.append(last)
        venue = meeting.venue
        if venue is not None:
            self._lat.append(venue.lat)
            self._lon.append(venue.lon)
            buckets = self._grid[_cell(venue.lat, venue.lon)]
            bucket = buckets.get(meeting.organisation_id)
            if bucket is None:
                bucket = buckets[meeting.organisation_id] = _Bucket()
            signature = self._attrs[index] | self._days[index] << _DAY_SHIFT
            bucket.add(venue.lat, venue.lon, signature, last, index)
        else:
            self._lat.append(math.nan)
            self._lon.append(math.nan)
        if meeting.online is not None:
            self._online[meeting.organisation_id].append(index)

    def __len__(self) -> int:
        return len(self._meetings)

    def find(self, query: Query, now: datetime, limit: int = 5, offset: int = 0) -> SearchResult:
        """The best fitting meetings for `query` as of `now` (aware); see the module docstring.

        Fitting organisations that have no meetings here at all come with the
        result (`without_meetings`: those that serve the person's country, at most
        `MAX_WITHOUT_MEETINGS` in order of fit), so that a person still sees them.
        """
        result = self._find(query, now, limit, offset)
        fitting = self._fitting(query)
        absent = tuple(o for o in fitting if o not in self._with_meetings)
        offered = self._contacts(absent, query.home_country, every_if_none=False)
        offered = offered[:MAX_WITHOUT_MEETINGS]
        if offered:
            result = replace(result, without_meetings=offered)
        if not result.nearby and len(absent) == len(fitting):
            result = replace(result, none_listed=True)
        return result

    def _find(self, query: Query, now: datetime, limit: int, offset: int) -> SearchResult:
        organisation_ids = self._fitting(query)
        standings = self._standings(query.person)
        if query.origin is None:
            online, total = self._soonest_online(
                organisation_ids, query.filters, standings, now, limit, offset
            )
            if online:
                return SearchResult(online, total, nearby=True)
            return SearchResult(
                (), 0, nearby=False, contacts=self._contacts(organisation_ids, query.home_country)
            )

        wanted = offset + limit
        want_ranked = wanted + 5
        while True:
            ranked, total = self._nearby(organisation_ids, query, standings, now, want_ranked)
            matches: list[Match] = []
            seen = 0
            for _distance, index in ranked:
                if seen >= wanted:
                    break
                next_at = self._next_at(index, now, query.filters.weekday)
                if next_at is None:
                    total -= 1
                    continue
                if seen >= offset:
                    matches.append(self._match(index, query.origin, next_at))
                seen += 1
            # Meetings without a next occurrence used up the spare ones: rank more.
            if seen >= wanted or len(ranked) < want_ranked:
                break
            want_ranked *= 4
        if total > 0:
            return SearchResult(tuple(matches), total, nearby=True)
        online, _ = self._soonest_online(organisation_ids, query.filters, standings, now, limit, 0)
        return SearchResult(
            (),
            0,
            nearby=False,
            contacts=self._contacts(organisation_ids, query.home_country),
            online=online,
        )

    # -- steps -----------------------------------------------------------------------------

    def _fitting(self, query: Query) -> tuple[str, ...]:
        if query.for_them:
            key = (Seeker.SELF, query.problem, None)
        else:
            key = (query.seeker, query.problem, query.relation)
        if key not in self._fit_cache:
            found = self._catalogue.fitting_organisations(*key)
            self._fit_cache[key] = tuple(o for o in found if o in self._catalogue.organisations)
        return self._fit_cache[key]

    def _standings(self, person: Person) -> list[tuple[int, Standing]]:
        """How each of the index's audiences stands for this person (by audience number):
        for how many other audiences it is, and its standing."""
        rules = self._rules
        return [
            (
                rules.others_count(attributes, languages, person),
                rules.standing(attributes, languages, person),
            )
            for attributes, languages in self._audiences
        ]

    def _nearby(
        self,
        organisation_ids: tuple[str, ...],
        query: Query,
        standings: list[tuple[int, Standing]],
        now: datetime,
        wanted: int,
    ) -> tuple[list[tuple[float, int]], int]:
        """The `wanted` best passing meetings as (score, index), and how many pass in all.

        Looks within RADIUS_KM, or WIDE_RADIUS_KM when fewer than MIN_NEARBY
        pass there. Distances are on a local flat projection (exact enough to
        rank within 50 km); `Match.distance_km` is the great-circle distance.
        """
        ranked, total = self._within(organisation_ids, query, standings, now, wanted, RADIUS_KM)
        if total < MIN_NEARBY:
            ranked, total = self._within(
                organisation_ids, query, standings, now, wanted, WIDE_RADIUS_KM
            )
        return ranked, total

    def _within(
        self,
        organisation_ids: tuple[str, ...],
        query: Query,
        standings: list[tuple[int, Standing]],
        now: datetime,
        wanted: int,
        radius_km: float,
    ) -> tuple[list[tuple[float, int]], int]:
        """The `wanted` best-scoring passing meetings within `radius_km`, and the count.

        The score (`RankingRules.score_km`) is never below the distance minus
        `own_audience_km`, so a cell wholly inside the circle whose nearest
        point is already worse than the worst kept result is only counted.
        """
        origin = query.origin
        assert origin is not None
        mask, want = query.filters.signature_test()
        first_ord = now.toordinal() - 1  # a day's slack: "now" may be tomorrow in the zone
        lat0, lon0 = origin.lat, origin.lon
        km_per_deg_lon = _KM_PER_DEG_LAT * math.cos(math.radians(lat0))
        radius_sq = radius_km * radius_km
        rules = self._rules
        audience_of = self._audience_of
        best_bonus = rules.own_audience_km
        best: list[tuple[float, int]] = []  # max-heap of the best, as (-score, index)
        total = 0
        grid = self._grid
        for near_sq, far_sq, cell in _cells_around(lat0, lon0, radius_km):
            buckets = grid.get(cell)
            if buckets is None:
                continue
            full = len(best) >= wanted
            if full and math.sqrt(near_sq) - best_bonus > -best[0][0] and far_sq <= radius_sq:
                # Wholly inside and beyond the nearest: count only.
                for organisation_id in organisation_ids:
                    bucket = buckets.get(organisation_id)
                    if bucket is None:
                        continue
                    if bucket.ending:
                        total += sum(
                            1
                            for _, _, signature, last, _ in bucket.entries
                            if signature & mask == want and last >= first_ord
                        )
                    elif mask == 0:
                        total += len(bucket.entries)
                    else:
                        total += sum(n for sig, n in bucket.counts.items() if sig & mask == want)
                continue
            for fit_rank, organisation_id in enumerate(organisation_ids):
                bucket = buckets.get(organisation_id)
                if bucket is None:
                    continue
                for lat, lon, signature, last, index in bucket.entries:
                    if signature & mask != want or last < first_ord:
                        continue
                    dy = (lat - lat0) * _KM_PER_DEG_LAT
                    dx = (lon - lon0) * km_per_deg_lon
                    distance_sq = dx * dx + dy * dy
                    if distance_sq > radius_sq:
                        continue
                    total += 1
                    others, standing = standings[audience_of[index]]
                    score = rules.score_km(math.sqrt(distance_sq), fit_rank, standing)
                    score += others * _AFTER_OTHERS_KM
                    if len(best) < wanted:
                        heapq.heappush(best, (-score, index))
                    elif score < -best[0][0]:
                        heapq.heapreplace(best, (-score, index))
        ranked = sorted((-negative, index) for negative, index in best)
        return ranked, total

    def _soonest_online(
        self,
        organisation_ids: tuple[str, ...],
        filters: Filters,
        standings: list[tuple[int, Standing]],
        now: datetime,
        limit: int,
        offset: int,
    ) -> tuple[tuple[Match, ...], int]:
        """Fitting online meetings, soonest first (those for another audience last): one page
        and the count.

        Candidates are ordered by a lower bound of their next start (the next
        weekly slot of their weekdays, in wall-clock minutes) and only computed
        exactly until no remaining candidate can start before the page is full.
        """
        required = filters.required_mask
        blocked = _OPEN_BLOCKER if filters.open_only else 0
        day_bit = _ANY_DAY if filters.weekday is None else 1 << filters.weekday
        first_ord = now.toordinal() - 1
        now_minute: dict[str, int] = {}
        bounded: dict[int, list[tuple[int, int]]] = defaultdict(list)  # by others_count
        for organisation_id in organisation_ids:
            for index in self._online.get(organisation_id, ()):
                attr = self._attrs[index]
                if (
                    attr & required != required
                    or attr & blocked
                    or not self._days[index] & day_bit
                    or self._last_ord[index] < first_ord
                ):
                    continue
                zone = self._zone[index]
                if zone not in now_minute:
                    local = now.astimezone(ZoneInfo(zone))
                    now_minute[zone] = local.weekday() * 1440 + local.hour * 60 + local.minute
                slots = self._slots[index]
                minute = now_minute[zone]
                bound = min(((s - minute) % _MINUTES_PER_WEEK for s in slots), default=0)
                others, _standing = standings[self._audience_of[index]]
                bounded[others].append((bound, index))
        wanted = offset + limit
        ordered: list[tuple[datetime, int]] = []
        total = sum(len(candidates) for candidates in bounded.values())
        for _others, candidates in sorted(bounded.items()):
            candidates.sort()
            still_wanted = wanted - len(ordered)
            exact: list[tuple[datetime, int]] = []
            for bound, index in candidates:
                if still_wanted <= 0:
                    break
                if len(exact) >= still_wanted:
                    exact.sort()
                    minutes_ahead = (exact[still_wanted - 1][0] - now).total_seconds() / 60
                    if bound > minutes_ahead + 60:  # an hour's slack for a clock change
                        break
                next_at = self._next_at(index, now, filters.weekday)
                if next_at is None:
                    total -= 1
                    continue
                exact.append((next_at, index))
            exact.sort()
            ordered.extend(exact[: max(still_wanted, 0)])
        page = ordered[offset:wanted]
        return tuple(self._match(index, None, next_at) for next_at, index in page), total

    def _next_at(self, index: int, now: datetime, weekday: int | None) -> datetime | None:
        """The next start, remembered: computed from `asked_at`, it holds for any `now`
        between `asked_at` and that start, which is how a running bot's clock moves."""
        meeting = self._meetings[index]
        if weekday is not None:
            return next_meeting_on_weekday(meeting, now, weekday)
        known = self._next_cache.get(index)
        if known is not None and known[0] <= now <= known[1]:
            return known[1]
        found = next_meeting_at(meeting, now)
        if found is not None:
            self._next_cache[index] = (now, found)
        return found

    def _match(self, index: int, origin: Place | None, next_at: datetime) -> Match:
        meeting = self._meetings[index]
        venue = meeting.venue
        distance = (
            None
            if origin is None or venue is None
            else distance_km(origin.lat, origin.lon, venue.lat, venue.lon)
        )
        organisation = self._catalogue.organisations[meeting.organisation_id]
        return Match(meeting, organisation, distance, next_at)

    def _contacts(
        self,
        organisation_ids: tuple[str, ...],
        country: Country | None,
        *,
        every_if_none: bool = True,
    ) -> tuple[Organisation, ...]:
        """The fitting organisations that serve `country`, in fit order: those without a
        website too, since a person can still ask a GP about them. An organisation of
        another country helps nobody find a group nearby (Vlaams Trefpunt Zelfhulp for
        someone in Utrecht); only when none serves the country are all of them offered
        (`every_if_none`), so that the screen is never empty."""
        organisations = tuple(self._catalogue.organisations[o] for o in organisation_ids)
        if country is None:
            return organisations
        own = tuple(o for o in organisations if country in o.countries)
        return own if own or not every_if_none else organisations


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / _CELL_LAT_DEG), math.floor(lon / _CELL_LON_DEG)


@lru_cache(maxsize=16384)
def _cells_around(
    lat0: float, lon0: float, radius_km: float
) -> tuple[tuple[float, float, tuple[int, int]], ...]:
    """Grid cells touching the circle, nearest first, as (nearest km², farthest km², cell).

    Origins are mostly the centres of a few thousand towns, so this is cached.
    """
    km_per_deg_lon = _KM_PER_DEG_LAT * math.cos(math.radians(lat0))
    dlat, dlon = radius_km / _KM_PER_DEG_LAT, radius_km / km_per_deg_lon
    row_lo, col_lo = _cell(lat0 - dlat, lon0 - dlon)
    row_hi, col_hi = _cell(lat0 + dlat, lon0 + dlon)
    radius_sq = radius_km * radius_km
    rows = []
    for row in range(row_lo, row_hi + 1):
        south, north = row * _CELL_LAT_DEG - lat0, (row + 1) * _CELL_LAT_DEG - lat0
        near = (south if south > 0 else -north if north < 0 else 0.0) * _KM_PER_DEG_LAT
        far = (-south if -south > north else north) * _KM_PER_DEG_LAT
        rows.append((row, near * near, far * far))
    cols = []
    for col in range(col_lo, col_hi + 1):
        west, east = col * _CELL_LON_DEG - lon0, (col + 1) * _CELL_LON_DEG - lon0
        near = (west if west > 0 else -east if east < 0 else 0.0) * km_per_deg_lon
        far = (-west if -west > east else east) * km_per_deg_lon
        cols.append((col, near * near, far * far))
    cells = [
        (row_near + col_near, row_far + col_far, (row, col))
        for row, row_near, row_far in rows
        for col, col_near, col_far in cols
        if row_near + col_near <= radius_sq
    ]
    cells.sort()
    return tuple(cells)
