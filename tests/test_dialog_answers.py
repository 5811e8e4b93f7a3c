"""Typed answers with all their facts, the summary to confirm, a way back, doubters, English."""

from __future__ import annotations

import pytest
from dialogkit import Chat, catalogue

from catalogue.kinds import Problem, Relation, Seeker
from dialogs import DialogState, SetLanguage, Step, state_to_json


def at(step: Step) -> Chat:
    """A Dutch conversation of a partner (support for herself, alcohol, Utrecht) at `step`."""
    chat = Chat()
    chat.start()
    path = {
        Step.RELATION: ["Voor iemand die dicht bij me staat"],
        Step.AIM: ["Voor iemand die dicht bij me staat", "Ik ben de partner"],
        Step.PROBLEM: ["Voor iemand die dicht bij me staat", "Ik ben de partner", "Steun"],
        Step.WHERE: ["Voor iemand die dicht bij me staat", "Ik ben de partner", "Steun", "Alcohol"],
    }
    for label in path.get(step, []):
        chat.press(label)
    if step in (Step.CONFIRM, Step.CHANGE, Step.RESULTS):
        for label in (
            "Voor iemand die dicht bij me staat",
            "Ik ben de partner",
            "Steun",
            "Alcohol",
        ):
            chat.press(label)
        chat.type("Utrecht")
    if step is Step.CHANGE:
        chat.press("Iets aanpassen")
    if step is Step.RESULTS:
        chat.press("Klopt")
    assert chat.state.step is step
    return chat


def test_one_message_answers_every_question_it_can():
    chat = Chat()
    chat.start()
    chat.type("mijn vrouw drinkt, we wonen in Den Bosch")
    state = chat.state
    assert (state.seeker, state.relation, state.problem) == (
        Seeker.NAASTE,
        Relation.PARTNER,
        Problem.ALCOHOL,
    )
    assert state.place_id is not None and state.step is Step.AIM  # only the aim was not said
    chat.press("Steun voor mezelf")
    assert chat.state.step is Step.CONFIRM
    assert chat.text.startswith(
        "Ik begrijp: je zoekt steun voor jezelf, als partner van iemand die drinkt, "
        "bij 's-Hertogenbosch."
    )
    assert "voor hoe het met jóu gaat" in chat.text  # said once, before the first search
    chat.press("Klopt")
    assert chat.state.step is Step.RESULTS
    assert "Steun voor jou als partner · Alcohol · bij 's-Hertogenbosch" in chat.text
    assert "voor hoe het met jóu gaat" not in chat.text


def test_a_teenager_whose_father_drinks_gets_a_group_for_teenagers_first():
    chat = Chat()
    chat.start()
    chat.type("mijn vader drinkt heel veel en ik ben 15")
    assert (chat.state.relation, chat.state.teen) == (Relation.TEEN_CHILD, True)
    assert chat.state.step is Step.WHERE  # a teenager looks for support for themselves
    chat.type("Utrecht")
    assert "als kind (tiener) van iemand die drinkt" in chat.text
    chat.press("Klopt")
    first = catalogue().meetings[chat.state.shown[0]]
    assert first.organisation_id == "alateen"
    assert "15" not in state_to_json(chat.state)  # the age itself is not kept, only its band


def test_iets_aanpassen_opens_one_fact_and_comes_back_to_the_summary():
    chat = at(Step.CONFIRM)
    chat.press("Iets aanpassen")
    assert "Waar het om gaat" in chat.labels and "De plaats" in chat.labels
    chat.press("Waar het om gaat")
    assert chat.state.step is Step.PROBLEM
    chat.press("Gokken")
    assert chat.state.step is Step.CONFIRM
    assert "als partner van iemand die gokt, bij Utrecht." in chat.text  # the rest kept
    chat.press("Iets aanpassen")
    chat.press("De plaats")
    chat.type("Amersfoort")
    assert chat.state.step is Step.CONFIRM and "bij Amersfoort." in chat.text


def test_a_correction_typed_at_the_summary_is_taken_at_once():
    chat = at(Step.CONFIRM)
    chat.type("nee, het is mijn broer")
    assert chat.state.step is Step.CONFIRM and chat.state.relation is Relation.FAMILY_FRIEND
    assert "als familielid of vriend(in) van iemand die drinkt" in chat.text


QUESTIONS = [Step.RELATION, Step.AIM, Step.PROBLEM, Step.WHERE, Step.CONFIRM, Step.CHANGE]
BEFORE = {
    Step.RELATION: Step.WHO,
    Step.AIM: Step.RELATION,
    Step.PROBLEM: Step.AIM,
    Step.WHERE: Step.PROBLEM,
    Step.CONFIRM: Step.WHERE,
    Step.CHANGE: Step.CONFIRM,
}


@pytest.mark.parametrize("step", QUESTIONS)
@pytest.mark.parametrize("way", ["Terug", "terug", "vorige", "back", "ga terug"])
def test_every_question_goes_back_to_the_one_asked_before(step, way):
    chat = at(step)
    answers = chat.state
    if way == "Terug" and step is not Step.WHERE:
        chat.press("Terug")
    else:  # typed, or the location question's own "Terug" key, which sends its text
        chat.type(way)
    assert chat.state.step is BEFORE[step]
    assert (chat.state.seeker, chat.state.relation) == (answers.seeker, answers.relation)


def test_going_back_twice_and_answering_again_skips_what_is_still_answered():
    chat = at(Step.WHERE)
    chat.type("terug")
    chat.type("terug")
    assert chat.state.step is Step.AIM
    chat.press("Een groep voor de ander")
    assert chat.state.step is Step.WHERE  # the problem was answered already


def test_opnieuw_and_stop_are_understood_at_any_step():
    chat = at(Step.RESULTS)
    chat.type("stop")
    assert "wis" in chat.text and chat.state.step is Step.RESULTS
    chat.type("opnieuw")
    assert chat.state == DialogState() and "We beginnen opnieuw." in chat.text


def test_typing_a_buttons_label_presses_it():
    chat = Chat()
    chat.start()
    chat.type("voor mezelf")
    assert chat.state.step is Step.PROBLEM
    chat.type("Iets anders of meerdere")
    assert chat.state.problem is Problem.OTHER


def test_a_long_sentence_with_nothing_recognised_is_never_taken_as_an_answer():
    for step in (Step.WHERE, Step.PROBLEM, Step.RESULTS):
        chat = at(step)
        before = chat.state
        chat.type("ik weet eigenlijk helemaal niet goed hoe ik hier moet beginnen met typen")
        assert chat.state == before
        assert "Ik help je een zelfhulpgroep te vinden" in chat.text
        assert chat.screens[-1].buttons or chat.screens[-1].ask is not None


def test_a_doubters_question_gets_its_answer_and_the_question_in_short():
    chat = Chat()
    chat.start()
    welcome = chat.text
    chat.type("is het religieus?")
    assert "sekte" in chat.text  # the answer, from the data file
    assert chat.text.endswith("Voor wie zoek je een groep?")
    assert "Hoi!" not in chat.text and chat.text != welcome  # not the welcome again
    assert "Voor mezelf" in chat.labels and chat.state.step is Step.WHO
    chat = at(Step.RESULTS)
    shown = chat.state.shown
    chat.type("moet ik dan zeggen dat ik alcoholist ben?")
    assert "voornaam" in chat.text and chat.state.shown == shown
    assert "Kies een bijeenkomst, of zoek verder met de knoppen." in chat.text
    assert any(label.startswith("1. ") for label in chat.labels)


def test_english_is_offered_in_one_tap_and_shows_the_open_question_in_english():
    chat = at(Step.PROBLEM)
    chat.type("sorry, do you speak english? my husband drinks")
    assert chat.screens[0].text == "I can carry on in English too."
    assert chat.state.step is Step.WHERE  # the problem was taken all the same
    chat.press("English, please")
    assert SetLanguage("en") in chat.last.effects
    assert "Where would you like to look?" in chat.text
    assert chat.state.step is Step.WHERE


def test_an_english_first_message_leads_to_english_screens():
    chat = Chat()
    chat.start()
    chat.type("hi, my husband drinks too much")
    assert SetLanguage("en") in chat.last.effects and chat.language == "en"
    assert "Support for myself" in chat.labels
    chat.press("Support for myself")
    chat.type("I live in Utrecht")
    assert chat.text.startswith("I understand: you are looking for support for yourself")
