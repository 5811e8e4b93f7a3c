"""Search: fit, then distance within a radius, filters, next occurrence, fallback."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from catalogue.kinds import Attribute, Country, Problem, Relation, Seeker
from catalogue.models import (
    Catalogue,
    FitRule,
    LocalText,
    Meeting,
    Online,
    Organisation,
    Source,
    Venue,
)
from catalogue.places import Place
from catalogue.search import Filters, Query, SearchIndex

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=AMSTERDAM)  # a Monday
SOURCE = Source("test", date(2026, 11, 1), sample=True)
TEXT = LocalText("x", "x")

UTRECHT = Place("gn:2745912", "Utrecht", "Utrecht", Country.NL, 52.0908, 5.1222)
ZEIST = (52.0894, 5.2333)  # ~7.6 km east of Utrecht
AMERSFOORT = (52.155, 5.3875)  # ~19.5 km
AMSTERDAM_CENTRE = (52.374, 4.8897)  # ~35 km
GRONINGEN = Place("gn:2755251", "Groningen", "Groningen", Country.NL, 53.2192, 6.5667)
GENT = Place("gn:2797656", "Gent", "Oost-Vlaanderen", Country.BE, 51.05, 3.7167)


def organisation(oid: str, website: str | None = None, countries=(Country.NL,)) -> Organisation:
    return Organisation(
        id=oid,
        name=oid.upper(),
        short_name=oid.upper(),
        seekers=frozenset({Seeker.SELF}),
        relations=frozenset(),
        problems=frozenset({Problem.ALCOHOL}),
        way_of_working=TEXT,
        description=TEXT,
        first_meeting=TEXT,
        countries=frozenset(countries),
        source=SOURCE,
        website=website,
    )


def meeting(
    mid: str,
    org: str = "aa",
    at: tuple[float, float] | None = ZEIST,
    rule: str = "FREQ=WEEKLY;BYDAY=TU",
    first_on: date = date(2026, 1, 6),
    online: bool = False,
    attributes: tuple[Attribute, ...] = (Attribute.OPEN,),
    **extra,
) -> Meeting:
    venue = None if at is None else Venue("Straat 1", "3700 AA", "Ergens", Country.NL, *at)
    return Meeting(
        id=mid,
        organisation_id=org,
        name=mid,
        rrule=rule,
        first_on=first_on,
        start=time(19, 30),
        end=time(21, 0),
        timezone="Europe/Amsterdam",
        source=SOURCE,
        venue=venue,
        online=Online(url="https://example.org/m") if online else None,
        attributes=frozenset(attributes),
        **extra,
    )


FIT = (
    FitRule(Seeker.SELF, frozenset({Problem.ALCOHOL}), frozenset(), ("aa", "intact")),
    FitRule(Seeker.SELF, frozenset({Problem.GAMBLING}), frozenset(), ("ag",)),
    FitRule(
        Seeker.NAASTE, frozenset({Problem.ALCOHOL}), frozenset({Relation.PARTNER}), ("alanon",)
    ),
)
ORGANISATIONS = {
    "aa": organisation("aa", "https://aa.example", countries=(Country.NL, Country.BE)),
    "intact": organisation("intact"),
    "ag": organisation("ag", "https://ag.example"),
    "alanon": organisation("alanon", "https://alanon.example"),
}


def catalogue(*meetings: Meeting) -> Catalogue:
    return Catalogue(ORGANISATIONS, {m.id: m for m in meetings}, {}, {}, FIT)


def find(cat: Catalogue, query: Query, **kwargs):
    return SearchIndex(cat).find(query, NOW, **kwargs)


ALCOHOL = Query(Seeker.SELF, Problem.ALCOHOL, origin=UTRECHT)


def test_fit_then_distance_with_next_meeting() -> None:
    """InTact, second in the fit row, counts 10 km farther: at 0 km it comes after AA at
    7.6 km and before AA at 19.5 km."""
    cat = catalogue(
        meeting("amersfoort", at=AMERSFOORT),
        meeting("zeist", at=ZEIST),
        meeting("utrecht", org="intact", at=(52.091, 5.122), rule="FREQ=WEEKLY;BYDAY=TH"),
    )
    result = find(cat, ALCOHOL)
    assert result.nearby and result.total == 3
    assert [m.meeting.id for m in result.matches] == ["zeist", "utrecht", "amersfoort"]
    assert [round(m.distance_km or 0) for m in result.matches] == [8, 0, 19]
    assert result.matches[0].next_at == datetime(2026, 11, 24, 19, 30, tzinfo=AMSTERDAM)
    assert result.matches[1].next_at == datetime(2026, 11, 26, 19, 30, tzinfo=AMSTERDAM)
    assert result.matches[1].organisation.id == "intact"


def test_same_organisation_nearest_first() -> None:
    cat = catalogue(meeting("amersfoort", at=AMERSFOORT), meeting("zeist", at=ZEIST))
    assert [m.meeting.id for m in find(cat, ALCOHOL).matches] == ["zeist", "amersfoort"]


def test_only_fitting_organisations() -> None:
    cat = catalogue(meeting("aa-zeist"), meeting("ag-zeist", org="ag"))
    assert [m.meeting.id for m in find(cat, ALCOHOL).matches] == ["aa-zeist"]
    gambling = Query(Seeker.SELF, Problem.GAMBLING, origin=UTRECHT)
    assert [m.meeting.id for m in find(cat, gambling).matches] == ["ag-zeist"]


def test_naaste_for_them_searches_as_the_person_themselves() -> None:
    cat = catalogue(meeting("aa-zeist"), meeting("alanon-zeist", org="alanon"))
    own = Query(Seeker.NAASTE, Problem.ALCOHOL, Relation.PARTNER, origin=UTRECHT)
    for_them = Query(Seeker.NAASTE, Problem.ALCOHOL, Relation.PARTNER, UTRECHT, for_them=True)
    assert [m.meeting.id for m in find(cat, own).matches] == ["alanon-zeist"]
    assert [m.meeting.id for m in find(cat, for_them).matches] == ["aa-zeist"]


def test_radius_widens_to_50_km_when_fewer_than_three_nearby() -> None:
    few = catalogue(meeting("zeist"), meeting("amsterdam", at=AMSTERDAM_CENTRE))
    assert [m.meeting.id for m in find(few, ALCOHOL).matches] == ["zeist", "amsterdam"]
    enough = catalogue(
        meeting("zeist"),
        meeting("zeist-2", rule="FREQ=WEEKLY;BYDAY=WE"),
        meeting("amersfoort", at=AMERSFOORT),
        meeting("amsterdam", at=AMSTERDAM_CENTRE),
    )
    result = find(enough, ALCOHOL)
    assert result.total == 3
    assert "amsterdam" not in [m.meeting.id for m in result.matches]


def test_paging_with_offset() -> None:
    cat = catalogue(*(meeting(f"m{n}", at=(52.0908 + n * 0.01, 5.1222)) for n in range(7)))
    first = find(cat, ALCOHOL, limit=3)
    second = find(cat, ALCOHOL, limit=3, offset=3)
    third = find(cat, ALCOHOL, limit=3, offset=6)
    assert first.total == second.total == 7
    ids = [m.meeting.id for r in (first, second, third) for m in r.matches]
    assert ids == [f"m{n}" for n in range(7)]


def test_filters() -> None:
    cat = catalogue(
        meeting("open-tue"),
        meeting("closed-tue", attributes=(Attribute.CLOSED,)),
        meeting("women-wed", rule="FREQ=WEEKLY;BYDAY=WE", attributes=(Attribute.WOMEN,)),
        meeting("youth-thu", rule="FREQ=WEEKLY;BYDAY=TH", attributes=(Attribute.YOUTH,)),
        meeting("english", rule="FREQ=MONTHLY;BYDAY=1FR", languages=("en",)),
    )

    def ids(filters: Filters) -> set[str]:
        query = Query(Seeker.SELF, Problem.ALCOHOL, origin=UTRECHT, filters=filters)
        return {m.meeting.id for m in find(cat, query, limit=10).matches}

    assert len(ids(Filters())) == 5
    assert "closed-tue" not in ids(Filters(open_only=True))
    assert ids(Filters(women=True)) == {"women-wed"}
    assert ids(Filters(youth=True)) == {"youth-thu"}
    assert ids(Filters(english=True)) == {"english"}
    assert ids(Filters(weekday=1)) == {"open-tue", "closed-tue"}
    assert ids(Filters(weekday=4)) == {"english"}
    assert ids(Filters(weekday=6)) == set()


def test_weekday_filter_gives_the_next_occurrence_on_that_day() -> None:
    cat = catalogue(meeting("mo-th", rule="FREQ=WEEKLY;BYDAY=MO,TH"))
    query = Query(Seeker.SELF, Problem.ALCOHOL, origin=UTRECHT, filters=Filters(weekday=3))
    (match,) = find(cat, query).matches
    assert match.next_at == datetime(2026, 11, 26, 19, 30, tzinfo=AMSTERDAM)
    (match,) = find(cat, ALCOHOL).matches
    assert match.next_at == datetime(2026, 11, 23, 19, 30, tzinfo=AMSTERDAM)


def test_retired_ended_and_fully_cancelled_meetings_do_not_show() -> None:
    cat = catalogue(
        meeting("live"),
        meeting("retired", retired_on=date(2026, 11, 20)),
        meeting("ended", ends_on=date(2026, 11, 1)),
        meeting(
            "last-one-cancelled",
            ends_on=date(2026, 11, 24),
            cancelled_on=frozenset({date(2026, 11, 24)}),
        ),
    )
    result = find(cat, ALCOHOL)
    assert [m.meeting.id for m in result.matches] == ["live"]
    assert result.total == 1


def test_next_at_is_never_before_now() -> None:
    cat = catalogue(meeting("monday", rule="FREQ=WEEKLY;BYDAY=MO"))
    later = NOW.replace(hour=19, minute=45)  # it started a quarter of an hour ago
    (match,) = SearchIndex(cat).find(ALCOHOL, later).matches
    assert match.next_at == datetime(2026, 11, 30, 19, 30, tzinfo=AMSTERDAM)


def test_fallback_when_nothing_nearby_gives_contacts_and_online() -> None:
    cat = catalogue(
        meeting("zeist"),
        meeting("online-fri", at=None, online=True, rule="FREQ=WEEKLY;BYDAY=FR"),
        meeting("online-tue", at=None, online=True, rule="FREQ=WEEKLY;BYDAY=TU"),
        meeting("ag-online", org="ag", at=None, online=True),
    )
    result = find(cat, Query(Seeker.SELF, Problem.ALCOHOL, origin=GRONINGEN))
    assert not result.nearby and result.matches == () and result.total == 0
    # Every fitting organisation, also InTact, which has no website or phone here.
    assert [o.id for o in result.contacts] == ["aa", "intact"]
    assert [m.meeting.id for m in result.online] == ["online-tue", "online-fri"]
    assert all(m.distance_km is None for m in result.online)


def test_contacts_are_the_organisations_of_the_persons_country() -> None:
    result = find(catalogue(), Query(Seeker.SELF, Problem.ALCOHOL, origin=GENT))
    assert [o.id for o in result.contacts] == ["aa"]  # AA is in BE too; InTact is not
    online_from_gent = Query(Seeker.SELF, Problem.ALCOHOL, country=Country.BE)
    assert [o.id for o in find(catalogue(), online_from_gent).contacts] == ["aa"]
    result = find(catalogue(), Query(Seeker.SELF, Problem.ALCOHOL, origin=GRONINGEN))
    assert [o.id for o in result.contacts] == ["aa", "intact"]


def test_contacts_of_another_country_only_when_none_serves_the_persons() -> None:
    result = find(catalogue(), Query(Seeker.SELF, Problem.GAMBLING, origin=GENT))
    assert [o.id for o in result.contacts] == ["ag"]  # none in BE: the Dutch one, never none


def test_nothing_near_says_whether_any_fitting_organisation_has_meetings_at_all() -> None:
    far = find(catalogue(meeting("zeist")), Query(Seeker.SELF, Problem.ALCOHOL, origin=GRONINGEN))
    assert not far.nearby and not far.none_listed  # AA has meetings, only far away
    unlisted = find(catalogue(), Query(Seeker.SELF, Problem.GAMBLING, origin=GRONINGEN))
    assert not unlisted.nearby and unlisted.none_listed


def test_online_only_search_is_soonest_first() -> None:
    days = ["FR", "MO", "SU", "WE", "TU"]
    cat = catalogue(
        meeting("in-person"),
        *(
            meeting(f"online-{day}", at=None, online=True, rule=f"FREQ=WEEKLY;BYDAY={day}")
            for day in days
        ),
        meeting(
            "online-fortnightly-mo",
            at=None,
            online=True,
            rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            first_on=date(2026, 1, 12),  # not on 23 Nov, next on 30 Nov
        ),
        meeting("hybrid-th", online=True, rule="FREQ=WEEKLY;BYDAY=TH"),
    )
    query = Query(Seeker.SELF, Problem.ALCOHOL, origin=None)
    result = find(cat, query, limit=4)
    assert result.nearby and result.total == 7
    assert [m.meeting.id for m in result.matches] == [
        "online-MO",
        "online-TU",
        "online-WE",
        "hybrid-th",
    ]
    rest = find(cat, query, limit=4, offset=4)
    assert [m.meeting.id for m in rest.matches] == [
        "online-FR",
        "online-SU",
        "online-fortnightly-mo",
    ]
    times = [m.next_at for m in result.matches + rest.matches]
    assert times == sorted(times) and times[0] >= NOW


def test_online_only_with_nothing_fitting_gives_contacts() -> None:
    result = find(catalogue(meeting("zeist")), Query(Seeker.SELF, Problem.GAMBLING))
    assert not result.nearby and [o.id for o in result.contacts] == ["ag"]


def test_hybrid_meeting_has_a_distance_nearby() -> None:
    cat = catalogue(meeting("hybrid", online=True))
    (match,) = find(cat, ALCOHOL).matches
    assert match.distance_km == pytest.approx(7.6, abs=0.3)


def test_many_meetings_in_one_town_rank_by_distance_then_count_all() -> None:
    """Enough meetings that cells far away are only counted, not ranked."""
    spread = [
        meeting(f"m{n}", at=(52.0908 + (n % 20) * 0.009, 5.1222 + (n // 20) * 0.012))
        for n in range(400)
    ]
    result = find(catalogue(*spread), ALCOHOL)
    expected = [m for m in spread if _km(m) <= 25]
    assert result.total == len(expected)
    assert [m.meeting.id for m in result.matches] == [m.id for m in sorted(expected, key=_km)[:5]]


def _km(m: Meeting) -> float:
    from catalogue.geo import distance_km

    assert m.venue is not None
    return distance_km(UTRECHT.lat, UTRECHT.lon, m.venue.lat, m.venue.lon)


def test_next_at_across_clock_change_stays_wall_clock() -> None:
    cat = catalogue(meeting("sunday", rule="FREQ=WEEKLY;BYDAY=SU", first_on=date(2026, 1, 4)))
    saturday = datetime(2027, 3, 27, 12, tzinfo=AMSTERDAM)
    (match,) = SearchIndex(cat).find(ALCOHOL, saturday).matches
    assert match.next_at.hour == 19 and match.next_at.utcoffset() == timedelta(hours=2)


def test_same_index_later_moves_on_to_the_next_occurrence() -> None:
    index = SearchIndex(catalogue(meeting("monday", rule="FREQ=WEEKLY;BYDAY=MO")))
    (first,) = index.find(ALCOHOL, NOW).matches
    (later,) = index.find(ALCOHOL, NOW.replace(hour=19, minute=31)).matches
    (again,) = index.find(ALCOHOL, NOW.replace(hour=18)).matches
    assert first.next_at == again.next_at == datetime(2026, 11, 23, 19, 30, tzinfo=AMSTERDAM)
    assert later.next_at == datetime(2026, 11, 30, 19, 30, tzinfo=AMSTERDAM)
