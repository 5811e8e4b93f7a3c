"""TurnRunner with the real dialogue, catalogue and a real SQLite file."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import turns as turns_module
from bot.app import effect_handlers
from bot.reminders.service import ReminderService
from bot.secrets import Secrets
from bot.storage import Storage
from bot.turns import TurnRunner, TurnScope, apology_screen, choose_language
from catalogue.holder import CatalogueHolder, LoadedCatalogue
from catalogue.loading import load_bundled_catalogue
from catalogue.places import PlaceIndex
from dialogs import state_from_json
from dialogs.effects import CountMetric, Metric
from dialogs.events import ButtonPressed, Command, Event, TextSent
from dialogs.screen import Screen
from dialogs.state import Step

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CHAT_ID = 4242424242
SECRETS = Secrets.from_master_key(bytes(range(32)))


@pytest.fixture(scope="module")
def world() -> LoadedCatalogue:
    return LoadedCatalogue.build(load_bundled_catalogue(), PlaceIndex.bundled())


@pytest.fixture
async def storage(tmp_path: Path):
    opened = await Storage.open(tmp_path / "bot.sqlite3", SECRETS)
    yield opened
    await opened.close()


def make_runner(storage: Storage, world: LoadedCatalogue, **handlers) -> TurnRunner:
    """The runner as `bot.app` builds it (no reminder is sent here); `handlers` replace some."""
    holder = CatalogueHolder(world)
    reminders = ReminderService(storage, holder, sender=None)  # type: ignore[arg-type]
    effects = replace(effect_handlers(storage, reminders), **handlers)
    return TurnRunner(storage, holder, effects, reminders.views)


def press(screens: list[Screen], label: str) -> ButtonPressed:
    """The event of tapping the button whose label starts with `label`."""
    for screen in screens:
        for row in screen.buttons:
            for button in row:
                if button.label.startswith(label):
                    return ButtonPressed(button.action)
    shown = [b.label for s in screens for row in s.buttons for b in row]
    raise AssertionError(f"no button {label!r} in {shown}")


async def stored_step(storage: Storage, chat_id: int = CHAT_ID) -> Step:
    conversation = await storage.load_conversation(storage.user_key(chat_id))
    assert conversation is not None
    return state_from_json(conversation.state_json).step


async def test_a_person_reaches_results_and_the_state_is_stored(storage, world):
    runner = make_runner(storage, world)
    screens = await runner.handle(CHAT_ID, Command("start"), "nl", NOW)
    assert "Voor wie zoek je een groep?" in screens[-1].text
    screens = await runner.handle(CHAT_ID, press(screens, "Voor mezelf"), "nl", NOW)
    assert await stored_step(storage) is Step.PROBLEM
    screens = await runner.handle(CHAT_ID, TextSent("alcohol"), "nl", NOW)
    screens = await runner.handle(CHAT_ID, TextSent("Utrecht"), "nl", NOW)
    assert await stored_step(storage) is Step.CONFIRM
    screens = await runner.handle(CHAT_ID, press(screens, "Klopt"), "nl", NOW)
    assert await stored_step(storage) is Step.RESULTS
    assert any("Utrecht" in screen.text for screen in screens)


async def test_restart_in_the_middle_continues_the_step(tmp_path: Path, world):
    path = tmp_path / "bot.sqlite3"
    first = await Storage.open(path, SECRETS)
    runner = make_runner(first, world)
    screens = await runner.handle(CHAT_ID, Command("start"), "nl", NOW)
    screens = await runner.handle(CHAT_ID, press(screens, "Voor mezelf"), "nl", NOW)
    problem_buttons = screens[-1].buttons
    await first.close()

    # A new process: new storage, new runner, same file and key.
    second = await Storage.open(path, SECRETS)
    runner = make_runner(second, world)
    later = NOW + timedelta(hours=3)
    # A button from the message shown before the restart still works.
    screens = await runner.handle(
        CHAT_ID, press([Screen("", problem_buttons)], "Alcohol"), "nl", later
    )
    assert await stored_step(second) is Step.WHERE
    screens = await runner.handle(CHAT_ID, TextSent("Utrecht"), "nl", later)
    assert await stored_step(second) is Step.CONFIRM
    await second.close()


async def test_advance_raising_gives_an_apology_and_keeps_the_state(
    storage, world, monkeypatch, caplog
):
    runner = make_runner(storage, world)
    screens = await runner.handle(CHAT_ID, Command("start"), "nl", NOW)
    screens = await runner.handle(CHAT_ID, press(screens, "Voor mezelf"), "nl", NOW)
    before = await storage.load_conversation(storage.user_key(CHAT_ID))

    def broken(state, event, ctx):
        raise KeyError(f"secret detail {CHAT_ID} gokken")

    monkeypatch.setattr(turns_module, "advance", broken)
    with caplog.at_level(logging.ERROR, logger="bot.turns"):
        screens = await runner.handle(CHAT_ID, TextSent("gokken"), "nl", NOW + timedelta(hours=1))
    assert screens == [apology_screen("nl")]
    assert "Sorry" in screens[0].text
    after = await storage.load_conversation(storage.user_key(CHAT_ID))
    assert after == before
    assert "KeyError" in caplog.text and "step prob" in caplog.text
    assert str(CHAT_ID) not in caplog.text and "gokken" not in caplog.text

    # The way on: "Verder waar ik was" re-asks the kept question once the fault is gone.
    monkeypatch.undo()
    screens = await runner.handle(CHAT_ID, press(screens, "Verder waar ik was"), "nl", NOW)
    assert await stored_step(storage) is Step.PROBLEM
    assert "Waar gaat het om?" in screens[-1].text


async def test_a_failing_storage_apologises_in_the_persons_language(storage, world):
    runner = make_runner(storage, world)
    await storage.close()
    screens = await runner.handle(CHAT_ID, Command("start"), "en", NOW)
    assert screens == [apology_screen("en")]
    assert apology_screen("en").text != apology_screen("nl").text


async def test_a_failing_effect_handler_apologises_and_restores_the_state(storage, world):
    async def broken(effect, scope):
        raise RuntimeError("counter table is locked")

    runner = make_runner(storage, world, count_metric=broken)
    screens = await runner.handle(CHAT_ID, Command("start"), "nl", NOW)
    before = await storage.load_conversation(storage.user_key(CHAT_ID))
    # Simulate a turn whose effect fails by a dialogue that returns one.
    real_advance = turns_module.advance

    def with_metric(state, event, ctx):
        turn = real_advance(state, event, ctx)
        return type(turn)(turn.state, turn.screens, (CountMetric("c1", Metric.SEARCHED),))

    turns_module.advance = with_metric
    try:
        screens = await runner.handle(CHAT_ID, press(screens, "Voor mezelf"), "nl", NOW)
    finally:
        turns_module.advance = real_advance
    assert screens[0].text.startswith("Sorry")
    after = await storage.load_conversation(storage.user_key(CHAT_ID))
    assert after is not None and before is not None
    assert after.state_json == before.state_json


async def test_effects_reach_their_handlers(storage, world, monkeypatch):
    seen: list[tuple[object, TurnScope]] = []

    async def count(effect, scope):
        seen.append((effect, scope))

    runner = make_runner(storage, world, count_metric=count)
    real_advance = turns_module.advance

    def with_metric(state, event, ctx):
        turn = real_advance(state, event, ctx)
        return type(turn)(turn.state, turn.screens, (CountMetric("c1", Metric.STARTED),))

    monkeypatch.setattr(turns_module, "advance", with_metric)
    await runner.handle(CHAT_ID, Command("start"), "nl", NOW)
    assert seen == [
        (
            CountMetric("c1", Metric.STARTED),
            TurnScope(storage.user_key(CHAT_ID), CHAT_ID, "nl", NOW),
        )
    ]


async def test_language_choice_is_stored_and_used(storage, world):
    runner = make_runner(storage, world)
    await runner.handle(CHAT_ID, Command("start"), "nl", NOW)
    screens = await runner.handle(CHAT_ID, Command("taal"), "nl", NOW)
    await runner.handle(CHAT_ID, press(screens, "English"), "nl", NOW)
    conversation = await storage.load_conversation(storage.user_key(CHAT_ID))
    assert conversation is not None and conversation.language == "en"
    screens = await runner.handle(CHAT_ID, Command("start"), "nl", NOW)
    assert "Who are you looking" in "\n".join(s.text for s in screens)


async def test_unknown_telegram_language_gets_dutch_with_english_offered(storage, world):
    runner = make_runner(storage, world)
    screens = await runner.handle(CHAT_ID, Command("start"), "de", NOW)
    assert "Voor wie zoek je een groep?" in screens[-1].text
    assert press(screens, "English")


async def test_forget_leaves_nothing(storage, world):
    runner = make_runner(storage, world)
    screens = await runner.handle(CHAT_ID, Command("start"), "nl", NOW)
    await runner.handle(CHAT_ID, press(screens, "Voor mezelf"), "nl", NOW)
    screens = await runner.handle(CHAT_ID, Command("vergeet"), "nl", NOW)
    assert "gewist" in screens[-1].text
    assert await storage.count_users() == 0


async def test_double_taps_run_one_after_the_other(storage, world):
    order: list[str] = []
    load, save = storage.load_conversation, storage.save_conversation

    async def slow_load(user_key):
        order.append("load")
        await asyncio.sleep(0)
        return await load(user_key)

    async def slow_save(*args):
        order.append("save")
        await asyncio.sleep(0)
        return await save(*args)

    runner = make_runner(storage, world)
    screens = await runner.handle(CHAT_ID, Command("start"), "nl", NOW)
    tap: Event = press(screens, "Voor mezelf")
    storage.load_conversation, storage.save_conversation = slow_load, slow_save
    first, second = await asyncio.gather(
        runner.handle(CHAT_ID, tap, "nl", NOW), runner.handle(CHAT_ID, tap, "nl", NOW)
    )
    assert order == ["load", "save", "load", "save"]
    assert "Waar gaat het om?" in first[-1].text
    assert await stored_step(storage) is Step.PROBLEM  # the second tap did not go further
    assert second and second[-1].buttons  # and it still got a kind answer with a way on
    assert len(runner.locks) == 0  # no lock left behind per chat


def test_language_choice_order():
    assert choose_language("en", "nl") == "en"
    assert choose_language(None, "en-US") == "en"
    assert choose_language(None, "fr") == "nl"
    assert choose_language(None, None) == "nl"


async def test_every_effect_of_the_union_is_carried_out(storage, world, monkeypatch):
    """Each member of `Effect` has its handler (or is done by the runner): none is skipped."""
    from dataclasses import fields
    from typing import get_args

    from dialogs.checkin import Answer
    from dialogs.effects import (
        CancelReminder,
        CheckinAnswered,
        Effect,
        ForgetUser,
        RemindLater,
        SetLanguage,
        SetReminder,
        SkipOccurrence,
    )

    one_of_each = (
        CountMetric("c1", Metric.STARTED),
        SetReminder("aa-utrecht-dinsdag", (120,), False),
        CancelReminder("1"),
        SkipOccurrence(1),
        RemindLater(1),
        CheckinAnswered(Answer.GOOD),
        SetLanguage("en"),
        ForgetUser(),
    )
    assert {type(e) for e in one_of_each} == set(get_args(Effect))
    handled: list[type] = []

    async def record(effect, scope):
        handled.append(type(effect))

    from bot.turns import EffectHandlers

    runner = make_runner(storage, world, **{f.name: record for f in fields(EffectHandlers)})
    real_advance = turns_module.advance

    def with_all(state, event, ctx):
        turn = real_advance(state, event, ctx)
        return type(turn)(turn.state, turn.screens, one_of_each)

    monkeypatch.setattr(turns_module, "advance", with_all)
    screens = await runner.handle(CHAT_ID, Command("start"), "nl", NOW)
    assert not screens[0].text.startswith("Sorry")
    assert handled == [type(e) for e in one_of_each[:6]]
    assert await storage.count_users() == 0  # ForgetUser, carried out by the runner itself
