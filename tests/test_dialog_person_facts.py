"""What a person says of themselves orders their groups, is said back, and can be taken back.

"ik ben een vrouw", "ik ben 24": never asked, only read (`dialogs.reader`), kept as a gender
and an age band (never the number), shown in "Over jou: …" and passed to the ranking.
"""

from __future__ import annotations

import json

import pytest
from dialogkit import Chat, catalogue, make_ctx

from catalogue.kinds import AgeBand, Gender, Relation, Seeker
from dialogs import DialogState, Step, state_from_json, state_to_json
from dialogs.meeting_facts import audience
from dialogs.pages.results import person_of


def results_for(*messages: str) -> Chat:
    """A conversation typed in free text, up to the confirmed results."""
    chat = Chat()
    chat.start()
    for text in messages:
        chat.type(text)
    assert chat.state.step is Step.CONFIRM, chat.text
    chat.press("Klopt")
    assert chat.state.step is Step.RESULTS, chat.text
    return chat


def shown(chat: Chat) -> list[str]:
    return [catalogue().meetings[i].name for i in chat.state.shown]


def test_a_woman_who_says_so_gets_the_womens_group_as_her_own() -> None:
    chat = Chat()
    chat.start()
    chat.type("ik ben een vrouw van 41 en ik drink elke avond een fles wijn")
    chat.type("Amsterdam")
    assert "Over jou: vrouw, 35 of ouder." in chat.text
    chat.press("Klopt")
    assert shown(chat)[0] == "AA Amsterdam Vrouwengroep"
    # Someone who said nothing about themselves gets the group for anyone first.
    anyone = results_for("ik drink elke avond een fles wijn", "Amsterdam")
    assert shown(anyone)[0] == "AA Amsterdam Centrum"
    assert "AA Amsterdam Vrouwengroep" not in shown(anyone)


def test_a_24_year_old_gets_the_young_peoples_meeting_first_and_only_the_band_is_kept() -> None:
    chat = results_for("ik ben 24 en ik drink veel te veel", "Utrecht")
    assert shown(chat)[0] == "AA Utrecht Jongeren (tot 35)"
    assert "voor jongeren (tot 35)" in chat.text
    stored = state_to_json(chat.state)
    assert "24" not in stored and json.loads(stored)["age_band"] == "under_35"
    older = results_for("ik ben 52 en ik drink veel te veel", "Utrecht")
    assert shown(older)[0] == "AA Utrecht Centrum"


def test_a_man_gets_the_mens_group_and_never_a_womens_group_first() -> None:
    man = results_for("ik ben een man en ik gebruik drugs", "Utrecht")
    assert shown(man)[0] == "NA Utrecht Mannen"
    woman = results_for("ik ben een vrouw en ik gebruik drugs", "Amsterdam")
    assert shown(woman)[0] == "NA Amsterdam Vrouwen"
    man_in_amsterdam = results_for("ik ben een man en ik gebruik drugs", "Amsterdam")
    assert shown(man_in_amsterdam)[0] == "CA Amsterdam"
    assert "NA Amsterdam Vrouwen" not in shown(man_in_amsterdam)


def test_the_partners_gender_is_not_the_writers() -> None:
    chat = Chat()
    chat.start()
    chat.type("mijn vrouw drinkt, ik weet niet meer wat ik moet doen")
    assert chat.state.gender is None
    chat.type("ik ben haar man")
    assert (chat.state.relation, chat.state.gender) == (Relation.PARTNER, Gender.MAN)


@pytest.mark.parametrize(("for_them", "gender"), [(False, Gender.WOMAN), (True, None)])
def test_a_relatives_audience_is_the_writers_own_not_the_other_persons(
    for_them: bool, gender: Gender | None
) -> None:
    """A mother looking for support for herself is searched for as a woman; looking for a
    group for her son, as someone the bot knows nothing about."""
    state = DialogState(
        seeker=Seeker.NAASTE,
        relation=Relation.PARENT,
        for_them=for_them,
        gender=Gender.WOMAN,
        age_band=AgeBand.OLDER,
    )
    person = person_of(state, make_ctx())
    assert person.gender is gender
    assert person.age_band is (None if for_them else AgeBand.OLDER)


def test_a_wrong_guess_is_said_back_and_can_be_corrected_or_forgotten() -> None:
    chat = Chat()
    chat.start()
    chat.type("ik ben een vrouw van 41 en ik drink te veel")
    chat.type("Utrecht")
    assert "Over jou: vrouw, 35 of ouder." in chat.text
    chat.type("nee, ik ben een man")  # typed at the summary: corrected at once
    assert chat.state.gender is Gender.MAN and "Over jou: man, 35 of ouder." in chat.text
    chat.press("Iets aanpassen")
    chat.press("Wat ik over jou begreep")
    assert (chat.state.gender, chat.state.age_band) == (None, None)
    assert chat.state.step is Step.CONFIRM and "Over jou" not in chat.text
    chat.press("Iets aanpassen")
    assert "Wat ik over jou begreep" not in chat.labels  # nothing left to forget


def test_the_age_said_last_counts_also_for_a_teenage_child() -> None:
    chat = Chat()
    chat.start()
    chat.type("mijn vader drinkt heel veel en ik ben 15")
    assert (chat.state.relation, chat.state.age_band) == (Relation.TEEN_CHILD, AgeBand.UNDER_18)
    chat.type("sorry, ik ben eigenlijk 19")
    assert (chat.state.relation, chat.state.age_band) == (Relation.ADULT_CHILD, AgeBand.UNDER_35)


def test_a_stored_teenager_of_the_previous_version_is_still_under_18() -> None:
    old = {"v": 2, "step": "where", "seeker": "naaste", "relation": "adult_child", "teen": True}
    state = state_from_json(json.dumps(old))
    assert (state.age_band, state.teen, state.step) == (AgeBand.UNDER_18, True, Step.WHERE)
    assert state_from_json(json.dumps(old | {"teen": False})).age_band is None


def test_youth_ages_are_shown_only_where_the_listing_gives_them() -> None:
    meetings = {m.name: m for m in catalogue().meetings.values()}
    nl, en = make_ctx("nl"), make_ctx("en")
    assert "voor jongeren (tot 35)" in audience(meetings["AA Utrecht Jongeren (tot 35)"], nl)
    assert "for young people (up to 35)" in audience(meetings["AA Utrecht Jongeren (tot 35)"], en)
    apeldoorn = meetings["InTact Apeldoorn Jongeren (14-28)"]
    assert "voor jongeren (14 tot 28)" in audience(apeldoorn, nl)
    assert "voor jongeren" in audience(meetings["NA Rotterdam Jongeren"], nl)  # no ages given
