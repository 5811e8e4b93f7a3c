"""Ranking by fit, then distance, for the personas of issue 11, on the bundled catalogue."""

from __future__ import annotations

import pytest
from dialogkit import NOW, search_index

from catalogue.errors import DataFileError
from catalogue.kinds import AgeBand, Attribute, Gender, Problem, Relation, Seeker
from catalogue.places import PlaceIndex
from catalogue.ranking import Person, RankingRules, Standing
from catalogue.search import Query


def place(name: str):
    found = PlaceIndex.bundled().lookup(name).place
    assert found is not None, name
    return found


def ranked(query: Query, limit: int = 10) -> list[str]:
    return [m.meeting.name for m in search_index().find(query, NOW, limit=limit).matches]


def test_a_mother_whose_son_uses_cocaine_gets_ca_before_womens_and_dual_diagnosis_groups():
    query = Query(
        Seeker.NAASTE, Problem.COCAINE, Relation.PARENT, origin=place("Amsterdam"), for_them=True
    )
    matches = search_index().find(query, NOW, limit=10).matches
    names = [m.meeting.name for m in matches]
    assert names[0] == "CA Amsterdam"
    for specific in ("NA Amsterdam Vrouwen", "NA Amsterdam Dubbele Diagnose"):
        assert names.index(specific) > names.index("CA Amsterdam")
    # Every group for anyone comes before every group for a specific audience.
    audiences = {Attribute.WOMEN, Attribute.DUAL_DIAGNOSIS}
    specific = [
        bool(m.meeting.attributes & audiences) or m.meeting.languages[:1] != ("nl",)
        for m in matches
    ]
    assert specific == sorted(specific) and any(specific)


def test_cannabis_puts_ma_first_and_an_english_group_after_the_dutch_ones():
    names = ranked(Query(Seeker.SELF, Problem.CANNABIS, origin=place("Amsterdam")))
    assert names[0] == "MA Amsterdam"
    assert names.index("NA Amsterdam English-speaking") > names.index(
        "Buitenveldert-groep Amsterdam"
    )


def test_a_fifteen_year_old_whose_father_drinks_gets_alateen_first():
    query = Query(
        Seeker.NAASTE,
        Problem.ALCOHOL,
        Relation.TEEN_CHILD,
        origin=place("Utrecht"),
        person=Person(age_band=AgeBand.UNDER_18),
    )
    assert ranked(query)[0] == "Alateen Utrecht"


def test_an_expat_gets_the_english_speaking_groups_first():
    query = Query(
        Seeker.SELF, Problem.ALCOHOL, origin=place("Amsterdam"), person=Person(language="en")
    )
    assert ranked(query)[0] == "AA Amsterdam English-speaking"
    dutch = ranked(Query(Seeker.SELF, Problem.ALCOHOL, origin=place("Amsterdam")))
    assert dutch[0] == "AA Amsterdam Centrum"
    assert dutch.index("AA Amsterdam English-speaking") > dutch.index("AA Almere Stad")


def test_a_woman_on_sleeping_pills_gets_svmg_first_and_nobody_else_does():
    woman = Query(
        Seeker.SELF, Problem.MEDICATION, origin=place("Utrecht"), person=Person(gender=Gender.WOMAN)
    )
    assert ranked(woman)[0] == "SVMG Vrouwengroep Utrecht"
    unknown = ranked(Query(Seeker.SELF, Problem.MEDICATION, origin=place("Utrecht")))
    assert unknown[0] == "Buitenveldert-groep Utrecht"
    assert unknown.index("SVMG Vrouwengroep Utrecht") > 0
    # A men's group is never first for a woman.
    assert ranked(woman)[-1] == "NA Utrecht Mannen"


def test_youth_and_restricted_groups_no_longer_come_first_for_anyone_in_utrecht():
    names = ranked(Query(Seeker.SELF, Problem.ALCOHOL, origin=place("Utrecht")))
    assert names[0] == "AA Utrecht Centrum"
    assert names.index("AA Utrecht Jongeren (tot 35)") > names.index("Buitenveldert-groep Utrecht")
    assert names.index("AA Utrecht Kliniekgroep") > names.index("Buitenveldert-groep Utrecht")
    young = Query(
        Seeker.SELF,
        Problem.ALCOHOL,
        origin=place("Utrecht"),
        person=Person(age_band=AgeBand.UNDER_35),
    )
    assert ranked(young)[0] == "AA Utrecht Jongeren (tot 35)"


def test_online_meetings_for_another_language_come_after_the_others():
    dutch = Query(Seeker.SELF, Problem.ALCOHOL, origin=None)
    names = ranked(dutch)
    assert names.index("AA Online English Sunday") == len(names) - 1
    english = ranked(Query(Seeker.SELF, Problem.ALCOHOL, origin=None, person=Person(language="en")))
    assert "English" in english[0] and "English" not in names[0]


def test_standing_of_a_meeting_for_a_person():
    rules = RankingRules.bundled()
    women = frozenset({Attribute.WOMEN, Attribute.CLOSED})
    assert rules.standing(women, ("nl",), Person(gender=Gender.WOMAN)) is Standing.OWN
    assert rules.standing(women, ("nl",), Person()) is Standing.OTHERS
    assert rules.standing(women, ("en",), Person(gender=Gender.WOMAN)) is Standing.OTHERS
    assert rules.standing(frozenset({Attribute.RESTRICTED}), ("nl",), Person()) is Standing.OTHERS
    assert rules.standing(frozenset({Attribute.OPEN}), ("nl",), Person()) is Standing.GENERAL


def test_the_ranking_file_is_validated():
    with pytest.raises(DataFileError, match="fit_step_km"):
        RankingRules.from_yaml("fit_step_km: far\nown_audience_km: 5\naudiences: []\n")
    with pytest.raises(DataFileError, match="unknown wmoen"):
        RankingRules.from_yaml("fit_step_km: 10\nown_audience_km: 5\naudiences: [wmoen]\n")
    rules = RankingRules.from_yaml("fit_step_km: 0\nown_audience_km: 0\naudiences: [women]\n")
    assert rules.audiences == {Attribute.WOMEN} and not rules.other_language_is_audience
