"""Benchmark: build the search index and search it, at 1,000 / 10,000 / 100,000 meetings.

Run: ``.venv/bin/python tests/benchmarks/bench_search.py`` (add ``--quick`` for 1k/10k only).

The meetings are generated around real Dutch and Belgian places (weighted by
population, jittered a few km), for the real organisations and fit table;
schedules mix weekly, fortnightly, monthly and online meetings. Searches are
from random places for random (seeker, problem, relation) combinations that
the fit table knows, at a fixed moment. Prints build time and the median and
99th percentile of one `find`, measured twice: as is, and after `gc.freeze()`
(which a long-running bot should call once the catalogue is loaded: otherwise
the occasional full garbage collection walks all 100,000 meetings in the middle
of a search, which is what the first p99 shows).
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from catalogue.kinds import Attribute, Country, Problem, Relation, Seeker
from catalogue.loading import load_catalogue
from catalogue.models import Catalogue, Meeting, Online, Source, Venue
from catalogue.places import PlaceIndex
from catalogue.search import Filters, Query, SearchIndex

SOURCE = Source("benchmark", date(2026, 11, 1), sample=True)
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NOW = datetime(2026, 11, 23, 17, 45, tzinfo=ZoneInfo("Europe/Amsterdam"))


def generate(base: Catalogue, places: PlaceIndex, count: int, seed: int = 1) -> Catalogue:
    rng = random.Random(seed)
    towns = [p for p in places._by_id.values() if p.id.startswith("gn:")]
    weights = [max(places._population.get(p.id, 0), 500) ** 0.5 for p in towns]
    organisations = list(base.organisations)
    meetings = {}
    for n in range(count):
        town = rng.choices(towns, weights)[0]
        day = rng.randrange(7)
        first_on = date(2020, 1, 6) + timedelta(days=rng.randrange(0, 2400))
        first_on += timedelta(days=(day - first_on.weekday()) % 7)
        kind = rng.random()
        if kind < 0.7:
            rule = f"FREQ=WEEKLY;BYDAY={DAYS[day]}"
        elif kind < 0.85:
            rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={DAYS[day]}"
        else:
            rule = f"FREQ=MONTHLY;BYDAY=2{DAYS[day]},4{DAYS[day]}"
        online_only = rng.random() < 0.05
        venue = None
        if not online_only:
            venue = Venue(
                "Straat 1",
                "1234 AB",
                town.name,
                town.country,
                town.lat + rng.uniform(-0.03, 0.03),
                town.lon + rng.uniform(-0.05, 0.05),
            )
        attributes = {rng.choice([Attribute.OPEN, Attribute.CLOSED])}
        if rng.random() < 0.05:
            attributes.add(Attribute.WOMEN)
        if rng.random() < 0.05:
            attributes.add(Attribute.YOUTH)
        meeting_id = f"m{n}"
        meetings[meeting_id] = Meeting(
            id=meeting_id,
            organisation_id=rng.choice(organisations),
            name=f"Groep {town.name} {n}",
            rrule=rule,
            first_on=first_on,
            start=clock(rng.choice([10, 14, 19, 20]), rng.choice([0, 30])),
            end=None,
            timezone=Country(town.country).timezone,
            source=SOURCE,
            venue=venue,
            online=Online(url="https://example.org/meet") if online_only else None,
            attributes=frozenset(attributes),
            ends_on=date(2027, 6, 30) if rng.random() < 0.05 else None,
        )
    return Catalogue(base.organisations, meetings, base.helplines, base.clinics, base.fit_rules)


def queries(base: Catalogue, places: PlaceIndex, count: int, seed: int = 2) -> list[Query]:
    rng = random.Random(seed)
    towns = [p for p in places._by_id.values() if p.id.startswith("gn:")]
    combos = [(Seeker.SELF, problem, None) for problem in Problem]
    combos += [(Seeker.NAASTE, problem, relation) for problem in Problem for relation in Relation]
    combos = [c for c in combos if base.fitting_organisations(*c)]
    found = []
    for _ in range(count):
        seeker, problem, relation = rng.choice(combos)
        filters = Filters(weekday=rng.randrange(7)) if rng.random() < 0.2 else Filters()
        found.append(Query(seeker, problem, relation, rng.choice(towns), filters))
    return found


def print_nearest_figures(places: PlaceIndex) -> None:
    """How long placing a shared location takes (the bot does it on every shared location)."""
    rng = random.Random(7)
    points = [(rng.uniform(50.7, 53.5), rng.uniform(2.6, 7.2)) for _ in range(5000)]
    times_ms = []
    for lat, lon in points:
        started = time.perf_counter()
        places.nearest(lat, lon)
        times_ms.append((time.perf_counter() - started) * 1000)
    times_ms.sort()
    median, p99 = times_ms[len(times_ms) // 2], times_ms[int(len(times_ms) * 0.99)]
    print(f"PlaceIndex.nearest(): median {median:.3f} ms, p99 {p99:.3f} ms (5000 points)")


def main() -> None:
    started = time.perf_counter()
    places = PlaceIndex.bundled()
    print(f"PlaceIndex.bundled(): {time.perf_counter() - started:.3f} s, {len(places)} places")
    print_nearest_figures(places)
    base = load_catalogue()
    sizes = (1_000, 10_000) if "--quick" in sys.argv else (1_000, 10_000, 100_000)
    for size in sizes:
        catalogue = generate(base, places, size)
        started = time.perf_counter()
        index = SearchIndex(catalogue)
        build_s = time.perf_counter() - started
        batch = queries(base, places, 2000)
        for query in batch[:200]:  # warm the rule caches as a running bot would have them
            index.find(query, NOW)
        figures = []
        for frozen in (False, True):
            if frozen:
                gc.collect()
                gc.freeze()
            timings = []
            results = 0
            for query in batch:
                started = time.perf_counter()
                result = index.find(query, NOW)
                timings.append(time.perf_counter() - started)
                results += len(result.matches)
            timings.sort()
            median_ms = statistics.median(timings) * 1000
            p99_ms = timings[int(len(timings) * 0.99)] * 1000
            figures.append(f"median {median_ms:.3f} ms, p99 {p99_ms:.3f} ms")
        gc.unfreeze()
        print(
            f"{size:>7,} meetings: build {build_s:.3f} s; find {figures[0]}; "
            f"after gc.freeze(): {figures[1]} "
            f"({len(batch)} searches, {results / len(batch):.1f} results each)"
        )
        del index, catalogue
        gc.collect()


if __name__ == "__main__":
    main()
