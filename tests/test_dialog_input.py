"""Bad input at every step: a kind re-ask, the state kept; danger recognised at any step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from dialogkit import Chat, catalogue

from dialogs import (
    ButtonPressed,
    CancelReminder,
    Command,
    DialogState,
    ForgetUser,
    LocationShared,
    ReminderView,
    SetLanguage,
    Step,
    TextSent,
    Unsupported,
)


def at_who() -> Chat:
    chat = Chat()
    chat.start()
    return chat


def at_relation() -> Chat:
    chat = at_who()
    chat.press("Voor iemand die dicht bij me staat")
    return chat


def at_aim() -> Chat:
    chat = at_relation()
    chat.press("Ik ben de partner")
    return chat


def at_problem() -> Chat:
    chat = at_who()
    chat.press("Voor mezelf")
    return chat


def at_where() -> Chat:
    chat = at_problem()
    chat.press("Alcohol")
    return chat


def at_place_choice() -> Chat:
    chat = at_where()
    chat.type("Bergen")
    return chat


def at_confirm() -> Chat:
    chat = at_where()
    chat.type("Utrecht")
    return chat


def at_change() -> Chat:
    chat = at_confirm()
    chat.press("Iets aanpassen")
    return chat


def at_results() -> Chat:
    chat = at_confirm()
    chat.press("Klopt")
    return chat


def at_filters() -> Chat:
    chat = at_results()
    chat.press("Andere dag of filters")
    return chat


def at_meeting() -> Chat:
    chat = at_results()
    chat.press("AA Utrecht Centrum")
    return chat


def at_remind_when() -> Chat:
    chat = at_meeting()
    chat.press("Herinner me")
    return chat


def at_remind_repeat() -> Chat:
    chat = at_remind_when()
    chat.press("Twee uur ervoor")
    return chat


def at_remind_confirm() -> Chat:
    chat = at_remind_repeat()
    chat.press("Alleen de volgende keer")
    return chat


STEPS: dict[str, tuple[Callable[[], Chat], Step]] = {
    "who": (at_who, Step.WHO),
    "relation": (at_relation, Step.RELATION),
    "aim": (at_aim, Step.AIM),
    "problem": (at_problem, Step.PROBLEM),
    "where": (at_where, Step.WHERE),
    "place choice": (at_place_choice, Step.WHERE),
    "confirm": (at_confirm, Step.CONFIRM),
    "change": (at_change, Step.CHANGE),
    "results": (at_results, Step.RESULTS),
    "filters": (at_filters, Step.FILTERS),
    "meeting": (at_meeting, Step.MEETING),
    "remind when": (at_remind_when, Step.REMIND_WHEN),
    "remind repeat": (at_remind_repeat, Step.REMIND_REPEAT),
    "remind confirm": (at_remind_confirm, Step.REMIND_CONFIRM),
}


def assert_reasks(chat: Chat, before: DialogState, hint: str) -> None:
    """Same state, a kind line, and the question again (buttons or a location request)."""
    assert chat.state == before
    assert hint in chat.text
    assert chat.last.effects == ()
    screen = chat.screens[-1]
    assert screen.buttons or screen.ask is not None


BAD_INPUT = [
    pytest.param(TextSent("qwerty zxcv"), None, id="gibberish"),
    pytest.param(Unsupported("sticker"), "Dat kan ik niet lezen", id="sticker"),
    pytest.param(Unsupported("photo"), "Dat kan ik niet lezen", id="photo"),
    pytest.param(Unsupported("contact"), "Dat kan ik niet lezen", id="contact"),
    pytest.param(Unsupported("voice"), "Spraak- en videoberichten", id="voice"),
    pytest.param(Command("onzin"), "Dat commando ken ik niet", id="unknown command"),
    pytest.param(ButtonPressed("zz:old:1"), "eerder bericht", id="unknown button"),
    pytest.param(ButtonPressed(""), "eerder bericht", id="empty button"),
]


@pytest.mark.parametrize("where", STEPS)
@pytest.mark.parametrize(("event", "hint"), BAD_INPUT)
def test_bad_input_at_every_step_keeps_the_state_and_asks_again(where, event, hint):
    reach, step = STEPS[where]
    chat = reach()
    before = chat.state
    assert before.step is step
    chat.send(event)
    if hint is None:  # gibberish: each step says it in its own words
        assert chat.state == before
        assert chat.screens[-1].buttons or chat.screens[-1].ask is not None
        assert "begreep" in chat.text or "herkende" in chat.text or "vind ik niet" in chat.text
    else:
        assert_reasks(chat, before, hint)


@pytest.mark.parametrize(
    "where", [w for w in STEPS if STEPS[w][1] not in (Step.WHERE, Step.RESULTS)]
)
def test_a_location_where_none_was_asked_is_thanked_and_not_kept(where):
    chat = STEPS[where][0]()
    before = chat.state
    chat.send(LocationShared(52.09, 5.12))
    assert_reasks(chat, before, "je locatie heb ik nu niet nodig")


def test_a_location_on_the_results_searches_from_there():
    chat = at_results()
    chat.send(LocationShared(51.9225, 4.4792))  # Rotterdam
    assert chat.state.step is Step.RESULTS and "bij Rotterdam" in chat.text


@pytest.mark.parametrize("where", [w for w in STEPS if w not in ("who", "place choice")])
def test_a_stale_button_from_an_earlier_question_is_answered_kindly(where):
    chat = STEPS[where][0]()
    before = chat.state
    chat.send(ButtonPressed("who:self"))
    assert_reasks(chat, before, "Die knop hoort bij een eerder bericht")


def test_a_double_tap_does_not_answer_twice():
    chat = at_who()
    action = chat.action_of("Voor mezelf")
    chat.send(ButtonPressed(action))
    chat.press("Cannabis")
    after_first = chat.state
    chat.send(ButtonPressed(action))
    assert chat.state == after_first and chat.state.problem.value == "cannabis"


def test_buttons_from_before_a_restart_do_not_act_on_the_new_conversation():
    chat = at_results()
    old_result = chat.action_of("AA Utrecht Centrum")
    chat.send(Command("opnieuw"))
    assert chat.state == DialogState()
    chat.send(ButtonPressed(old_result))
    assert chat.state == DialogState() and "eerder bericht" in chat.text


@pytest.mark.parametrize(
    "action",
    [
        "res:open:99",
        "res:open:x",
        "where:place:gn:0",
        "flt:day:9",
        "go:lang:fr",
        "go:nonsense",
        "rm:x",
    ],
)
def test_tampered_or_outdated_actions_never_break(action):
    for reach in (at_results, at_where, at_filters):
        chat = reach()
        chat.send(ButtonPressed(action))
        assert chat.screens and chat.state.step in (Step.RESULTS, Step.WHERE, Step.FILTERS)


def test_a_meeting_that_left_the_catalogue_leads_back_to_the_list():
    chat = at_meeting()
    chat.state = replace(chat.state, meeting_id="gone-meeting")  # retired since it was shown
    chat.send(ButtonPressed("mt:remind"))
    assert chat.state.step is Step.RESULTS and "staat niet meer in mijn lijst" in chat.text


def test_free_text_is_understood_where_buttons_were_expected():
    chat = at_who()
    chat.type("mijn zoon gebruikt drugs")
    assert chat.state.step is Step.AIM
    assert (chat.state.relation.value, chat.state.problem.value) == ("parent", "drugs")
    chat.type("voor mezelf")
    assert chat.state.step is Step.WHERE  # the problem was already said
    chat.type("3511")
    assert chat.state.step is Step.CONFIRM
    chat.type("ja")
    chat.type("2")
    assert chat.state.step is Step.MEETING
    chat.type("herinner me")
    chat.type("de avond ervoor")
    chat.type("elke week")
    chat.type("ja")
    assert chat.state.step is Step.MEETING and chat.last.effects


@pytest.mark.parametrize("text", ["klaar", "terug", "back"])
def test_typed_words_leave_the_filters_for_the_list(text):
    chat = at_filters()
    chat.type(text)
    assert chat.state.step is Step.RESULTS


@pytest.mark.parametrize("where", STEPS)
def test_danger_at_any_step_gets_help_at_once_and_the_conversation_may_go_on(where):
    chat = STEPS[where][0]()
    before = chat.state
    chat.type("ik wil niet meer leven")
    assert chat.state == before  # never taken as an answer, a place or "more"
    assert chat.text.splitlines()[0].startswith("Praat erover met 113 Zelfmoordpreventie")
    assert "geen hulpdienst" in chat.text
    chat.press("verder waar ik was")
    assert chat.state.step is before.step


def test_a_caption_and_an_edited_message_are_read_for_danger_too():
    chat = at_where()
    before = chat.state
    chat.send(Unsupported("photo", "ik heb net al mijn pillen genomen"))
    assert chat.text.startswith("Bel nu 112.") and chat.state == before
    chat.send(Unsupported("edited", "mijn man slaat me"))
    assert chat.text.startswith("Bel Veilig Thuis: 0800-2000.")
    chat.send(Unsupported("photo", "mijn hond"))
    assert "Dat kan ik niet lezen" in chat.text


def test_a_command_with_words_of_danger_gets_the_safety_screen():
    chat = at_where()
    chat.send(Command("start", "ik wil dood"))
    assert chat.text.startswith("Praat erover met 113")


def test_commands_privacy_help_and_professional_help():
    chat = at_where()
    before = chat.state
    chat.send(Command("privacy"))
    assert "90 dagen" in chat.text and "versleuteld" in chat.text.lower() and chat.state == before
    chat.send(Command("help"))
    assert "/vergeet" in chat.text and "/hulp" in chat.text
    chat.send(Command("hulp"))
    assert "huisarts" in chat.text.lower() and "Gegevens van 1 mei 2013." in chat.text
    assert "Bron: upday.com (2025-10-03), nog niet nagekeken." in chat.text
    assert "econtroleerd" not in chat.text  # nobody checked these numbers
    assert "113" in chat.text
    chat.press("Verder waar ik was")
    assert chat.state == before and chat.screens[0].ask is not None


def test_stop_offers_to_delete_everything():
    chat = at_results()
    before = chat.state
    chat.send(Command("stop"))
    assert chat.state == before and "wis" in chat.text
    chat.press("Nee, bewaar het")
    assert chat.state == before and chat.last.effects == ()
    chat.send(Command("stop"))
    chat.press("Ja, wis alles")
    assert chat.last.effects == (ForgetUser(),) and chat.state == DialogState()
    assert "gewist" in chat.text


def test_forget_deletes_at_once():
    chat = at_meeting()
    chat.send(Command("vergeet"))
    assert chat.last.effects == (ForgetUser(),) and chat.state == DialogState()
    assert "Alles is gewist" in chat.text


def test_reminders_are_listed_each_with_a_stop_button():
    views = (ReminderView("7", "aa-utrecht-dinsdag", (1440, 120), True),)
    chat = Chat(reminders=views, state=DialogState(step=Step.WHERE))
    chat.send(Command("herinneringen"))
    assert "AA Utrecht Centrum" in chat.text
    chat.press("Stop 1")
    assert chat.last.effects == (CancelReminder("7"),)
    assert chat.state == DialogState(step=Step.WHERE)


def test_the_english_command_aliases_work():
    chat = Chat(language="en")
    chat.send(Command("language"))
    chat.press("Nederlands")
    assert chat.last.effects == (SetLanguage("nl"),) and "Nederlands" in chat.text


def test_whitespace_only_text_just_asks_again():
    chat = at_problem()
    before = chat.state
    chat.type("   ")
    assert chat.state == before and "Waar gaat het om?" in chat.text


def test_every_meeting_page_has_a_sample_label_when_the_data_is_a_sample():
    sample_ids = [m.id for m in catalogue().meetings.values() if m.source.sample]
    assert sample_ids
    for meeting_id in sample_ids[:10]:
        chat = Chat(state=DialogState(step=Step.RESULTS, shown=(meeting_id,)))
        chat.send(ButtonPressed("res:open:0"))
        assert "voorbeeld" in chat.text
