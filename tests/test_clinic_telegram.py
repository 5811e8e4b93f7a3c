"""Clinics end to end on Telegram: the real bot, over HTTP, against the fake Bot API server.

A client who taps a clinic's link lands further in the conversation and is
counted (only as a number for the clinic and the week); `/stats` answers an
administrator and, to anyone else, is just an unknown command.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable

import pytest
from conftest import BotHarness

from bot.clinics.counters import iso_week
from catalogue.kinds import Problem, Seeker
from dialogs.deeplink import Preselection, encode_payload
from dialogs.state import DialogState, Step, state_from_json

ADMIN = 7000001
CLIENT = 7000002
OTHER = 7000003
CLINIC = "voorbeeldkliniek-utrecht"

MakeBot = Callable[..., Awaitable[BotHarness]]


@pytest.fixture
async def bot(make_bot: MakeBot) -> BotHarness:
    harness = await make_bot(admin_chat_ids=frozenset({ADMIN}))
    return await harness.start()


async def stored_state(bot: BotHarness, chat_id: int) -> DialogState:
    conversation = await bot.storage.load_conversation(bot.storage.user_key(chat_id))
    assert conversation is not None
    return state_from_json(conversation.state_json)


def counters(bot: BotHarness) -> list[tuple[str, str, str, int]]:
    with sqlite3.connect(bot.config.database_path) as db:
        return sorted(db.execute("SELECT clinic_id, iso_week, metric, count FROM counters"))


async def test_a_client_through_a_clinic_link_lands_on_results_and_is_counted(
    bot: BotHarness,
) -> None:
    plain = await bot.say(OTHER, "/start")
    payload = encode_payload(
        Preselection(CLINIC, Seeker.SELF, problem=Problem.ALCOHOL, place_id="gn:2745912")
    )
    linked = await bot.say(CLIENT, f"/start {payload}")

    assert "Voorbeeldkliniek Utrecht" in linked.text
    assert linked.text != plain.text
    # No "for whom?" and no "where?": it went straight to meetings near Utrecht.
    assert plain.buttons and not set(plain.buttons) & set(linked.buttons)
    state = await stored_state(bot, CLIENT)
    assert (state.step, state.place_id, state.clinic_id) == (Step.RESULTS, "gn:2745912", CLINIC)

    week = iso_week(bot.clock.now())
    assert counters(bot) == [(CLINIC, week, "searched", 1), (CLINIC, week, "started", 1)]


async def test_a_naaste_link_skips_the_questions_it_answers(bot: BotHarness) -> None:
    payload = encode_payload(Preselection(CLINIC, Seeker.NAASTE, problem=Problem.GAMBLING))
    reply = await bot.say(CLIENT, f"/start {payload}")
    assert "Voorbeeldkliniek Utrecht" in reply.text
    assert reply.buttons  # the next question (how are you related?) is asked right away
    state = await stored_state(bot, CLIENT)
    assert (state.step, state.seeker, state.problem) == (
        Step.RELATION,
        Seeker.NAASTE,
        Problem.GAMBLING,
    )
    assert counters(bot) == [(CLINIC, iso_week(bot.clock.now()), "started", 1)]


async def test_a_broken_or_unknown_link_starts_the_normal_conversation(bot: BotHarness) -> None:
    plain = await bot.say(OTHER, "/start")
    for payload in ("kliniek-bestaat-niet_ss_pa", "%%%", "x" * 64):
        reply = await bot.say(CLIENT + len(payload), f"/start {payload}")
        assert reply.texts == plain.texts
        assert reply.buttons == plain.buttons
    assert counters(bot) == []


async def test_stats_is_an_unknown_command_to_anyone_but_an_administrator(
    bot: BotHarness,
) -> None:
    for client in range(CLIENT + 100, CLIENT + 106):  # six people (one counts once)
        await bot.say(client, f"/start {CLINIC}_ss_pa_g2745912")
    await bot.say(OTHER, "/start voorbeeldkliniek-groningen_sn")

    await bot.say(CLIENT, "/start")  # same place in the conversation for both answers
    unknown = await bot.say(CLIENT, "/geheim")
    refused = await bot.say(CLIENT, "/stats")
    assert refused.texts == unknown.texts
    assert refused.buttons == unknown.buttons
    assert "started" not in refused.text and CLINIC not in refused.text

    answered = await bot.say(ADMIN, "/stats")
    lines = answered.text.splitlines()
    week = iso_week(bot.clock.now())
    assert lines[1].split() == ["clinic", "week", "started", "searched", "viewed", "reminders",
                                "went"]  # fmt: skip
    # Groningen's single start shows as "<5": no one can be picked out.
    assert lines[2].split() == ["voorbeeldkliniek-groningen", week, "<5", "0", "0", "0", "0"]
    assert lines[3].split() == [CLINIC, week, "6", "6", "0", "0", "0"]
    one_clinic = await bot.say(ADMIN, f"/stats {CLINIC}")
    assert [line.split() for line in one_clinic.text.splitlines()[1:]] == [
        lines[1].split(),
        lines[3].split(),
    ]


async def test_one_person_repeating_a_step_counts_once(bot: BotHarness) -> None:
    payload = encode_payload(
        Preselection(CLINIC, Seeker.SELF, problem=Problem.ALCOHOL, place_id="gn:2745912")
    )
    for _again in range(6):
        reply = await bot.say(CLIENT, f"/start {payload}")
    first_meeting = reply.buttons[0]
    for _again in range(3):
        await bot.press(CLIENT, first_meeting)
        await bot.press(CLIENT, "Terug")
    meeting_id = next(iter(bot.catalogue.meetings))
    for _again in range(4):  # "Ik ben gegaan" on an old check-in, tapped on and on
        await bot.press_data(CLIENT, f"ci:went:{meeting_id}")
    week = iso_week(bot.clock.now())
    assert counters(bot) == [
        (CLINIC, week, "searched", 1),
        (CLINIC, week, "started", 1),
        (CLINIC, week, "viewed", 1),
        (CLINIC, week, "went", 1),
    ]
    # Another person counts; so does the same person next week.
    await bot.say(OTHER, f"/start {payload}")
    bot.clock.advance(days=7)
    await bot.say(CLIENT, f"/start {payload}")
    assert (CLINIC, week, "started", 2) in counters(bot)
    assert (CLINIC, iso_week(bot.clock.now()), "started", 1) in counters(bot)
