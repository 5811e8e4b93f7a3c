"""Clinic links: payloads round-trip, every preselection lands further on, bad ones are harmless."""

from __future__ import annotations

import itertools

import pytest
from dialogkit import Chat, catalogue
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue.kinds import Problem, Relation, Seeker
from dialogs import (
    Command,
    CountMetric,
    DialogState,
    Metric,
    Preselection,
    Step,
    decode_payload,
    encode_payload,
)

CLINIC = "voorbeeldkliniek-utrecht"
PLACES = (None, "gn:2745912", "pc:NL:3511", "pc:BE:9000")


def every_preselection():
    for problem, place in itertools.product((None, *Problem), PLACES):
        yield Preselection(CLINIC, None, None, problem, place)
        yield Preselection(CLINIC, Seeker.SELF, None, problem, place)
        for relation, for_them in itertools.product((None, *Relation), (None, True, False)):
            yield Preselection(CLINIC, Seeker.NAASTE, relation, problem, place, for_them)


def test_every_preselection_round_trips_within_telegrams_limits():
    count = 0
    for preselection in every_preselection():
        payload = encode_payload(preselection)
        assert len(payload) <= 64
        assert all(c.isascii() and (c.isalnum() or c in "_-") for c in payload)
        assert decode_payload(payload, catalogue()) == preselection
        count += 1
    assert count > 500


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "hallo",
        "unknown-clinic_sn_pa",
        "voorbeeldkliniek-utrecht" + "_pa" * 20,  # too long
        "voorbeeldkliniek utrecht",
        "../../etc/passwd",
        "VOORBEELDKLINIEK-UTRECHT",
        "ünïcode_sn",
    ],
)
def test_unknown_or_malformed_payloads_give_nothing(payload):
    assert decode_payload(payload, catalogue()) is None


def test_unknown_fields_of_a_newer_or_older_poster_are_dropped_and_the_rest_kept():
    decoded = decode_payload(f"{CLINIC}_sq_pa_x123_zz", catalogue())
    assert decoded == Preselection(CLINIC, problem=Problem.ALCOHOL)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_decoding_never_raises(text):
    decoded = decode_payload(text, catalogue())
    assert decoded is None or decoded.clinic_id in catalogue().clinics


def start(preselection: Preselection) -> Chat:
    chat = Chat()
    chat.start(encode_payload(preselection))
    return chat


def metrics(chat: Chat) -> list[Metric]:
    return [e.metric for t in chat.turns for e in t.effects if isinstance(e, CountMetric)]


def test_a_clinic_link_alone_starts_at_the_welcome_and_counts_a_start():
    chat = start(Preselection(CLINIC))
    assert chat.state == DialogState(clinic_id=CLINIC)
    assert "Voorbeeldkliniek Utrecht" in chat.text and "anoniem" in chat.text
    assert chat.last.effects == (CountMetric(CLINIC, Metric.STARTED),)


def test_self_with_a_problem_lands_at_the_place_question():
    chat = start(Preselection(CLINIC, Seeker.SELF, problem=Problem.ALCOHOL))
    assert chat.state.step is Step.WHERE and chat.state.problem is Problem.ALCOHOL
    assert chat.screens[0].ask is not None
    assert "alvast ingevuld" in chat.text and "/stop" in chat.text


def test_self_without_a_problem_lands_at_the_problem_question():
    chat = start(Preselection(CLINIC, Seeker.SELF))
    assert chat.state.step is Step.PROBLEM and "Alcohol" in chat.labels


def test_a_naaste_without_relation_is_asked_the_relation():
    chat = start(Preselection(CLINIC, Seeker.NAASTE))
    assert chat.state.step is Step.RELATION


def test_a_relation_without_an_aim_is_asked_the_aim():
    chat = start(Preselection(CLINIC, Seeker.NAASTE, Relation.PARENT, Problem.DRUGS))
    assert chat.state.step is Step.AIM
    chat.press("Steun voor mezelf")
    assert chat.state.step is Step.WHERE  # the problem came with the link


def test_a_full_preselection_with_a_place_lands_at_the_results_and_counts_on():
    chat = start(
        Preselection(CLINIC, Seeker.NAASTE, Relation.PARENT, Problem.DRUGS, "gn:2745912", False)
    )
    assert chat.state.step is Step.RESULTS and "lsovd-utrecht-maandag" in chat.state.shown
    assert metrics(chat) == [Metric.STARTED, Metric.SEARCHED]
    chat.press("LSOVD")
    assert metrics(chat)[-1] is Metric.VIEWED
    chat.press("Herinner me")
    chat.press("Twee uur ervoor")
    chat.press("Alleen de volgende keer")
    chat.press("Ja, graag")
    assert metrics(chat)[-1] is Metric.REMINDER_SET
    chat.press("Terug naar de lijst")
    chat.press("Andere dag of filters")
    chat.press("Toon bijeenkomsten")
    assert metrics(chat)[-1] is Metric.SEARCHED
    chat.send(Command("opnieuw"))
    assert chat.state.clinic_id == CLINIC  # starting over still came through the link


def test_a_place_that_no_longer_exists_asks_for_the_place():
    chat = Chat()
    chat.start(f"{CLINIC}_ss_pa_g999999999")
    assert chat.state.step is Step.WHERE and chat.state.place_id is None


@pytest.mark.parametrize("payload", ["", "hallo", "unknown-clinic_ss_pa", "x" * 200])
def test_a_bad_payload_starts_the_normal_dialogue(payload):
    chat = Chat()
    chat.start(payload)
    assert chat.state == DialogState() and "Voor mezelf" in chat.labels
    assert chat.last.effects == ()


def test_an_english_clinic_link_switches_a_person_with_another_telegram_language():
    clinic = next(c for c in catalogue().clinics.values() if c.language == "en")
    chat = Chat(offer_english=True)
    chat.start(encode_payload(Preselection(clinic.id, Seeker.SELF)))
    assert chat.language == "en" and "What is it about?" in chat.text
    dutch = Chat()
    dutch.start(encode_payload(Preselection(clinic.id, Seeker.SELF)))
    assert dutch.language == "nl"  # the person's own Telegram language wins
