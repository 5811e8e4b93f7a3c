"""The Telegram adapter over real HTTP, with a scripted turn runner.

These tests pin down how screens look on Telegram and how the adapter copes
with Telegram's failures, independent of what the dialogue says: the runner
here records the events it gets and answers with screens the test chose.
The conversation itself is tested end to end in test_telegram_conversation.py.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from conftest import DEFAULT_NOW
from fakebotapi import FakeBotAPI, Fault, Reply
from telegram.ext import JobQueue

from bot.config import Config
from bot.metrics import Metrics
from bot.telegram_adapter import (
    RetryingRateLimiter,
    TelegramDeps,
    build_application,
    build_bot,
    running,
)
from bot.telegram_request import ApiWatch
from dialogs.events import ButtonPressed, Command, Event, LocationShared, TextSent, Unsupported
from dialogs.screen import AskLocation, Attachment, Button, Screen, VenuePin

CHAT = 4242001


@dataclass
class ScriptedRunner:
    """Answers every turn with the next scripted screens; records events and forgets."""

    screens: list[Sequence[Screen]] = field(default_factory=list)
    events: list[tuple[int, Event, str | None]] = field(default_factory=list)
    forgotten: list[int] = field(default_factory=list)

    async def handle(
        self, chat_id: int, event: Event, language_hint: str | None, now: datetime
    ) -> Sequence[Screen]:
        self.events.append((chat_id, event, language_hint))
        if self.screens:
            return self.screens.pop(0)
        return [Screen("Nog eens?", buttons=((Button("Verder", "next"),),))]

    async def forget(self, chat_id: int) -> None:
        self.forgotten.append(chat_id)

    @asynccontextmanager
    async def chat(self, chat_id: int) -> AsyncIterator[ScriptedChat]:
        yield ScriptedChat(self, chat_id)

    async def language_of(self, chat_id: int, language_hint: str | None = None) -> str:
        return "nl"


@dataclass
class ScriptedChat:
    """One chat's turns of a `ScriptedRunner` (what `TurnRunner.chat` yields)."""

    runner: ScriptedRunner
    chat_id: int

    async def handle(
        self, event: Event, language_hint: str | None, now: datetime
    ) -> Sequence[Screen]:
        return await self.runner.handle(self.chat_id, event, language_hint, now)

    async def forget(self) -> None:
        await self.runner.forget(self.chat_id)


@dataclass
class Rig:
    api: FakeBotAPI
    runner: ScriptedRunner
    processed: set[int]

    async def step(self, push) -> Reply:  # type: ignore[no-untyped-def]
        mark = self.api.mark()
        update_id = push()
        await self.api.wait_until(lambda: update_id in self.processed, timeout=10)
        return Reply(self.api.calls_since(mark))


@pytest.fixture
async def rig(fake_api: FakeBotAPI) -> AsyncIterator[Rig]:
    from telegram import Update
    from telegram.ext import TypeHandler

    runner = ScriptedRunner()
    config = Config(telegram_bot_token=fake_api.token, telegram_api_base_url=fake_api.root_url)
    app = build_application(
        build_bot(
            config,
            Metrics(),
            ApiWatch(),
            rate_limiter=RetryingRateLimiter(backoff_s=0.05),
            read_timeout_s=1.0,
        ),
        JobQueue(),
        TelegramDeps(runner, now=lambda: DEFAULT_NOW),
    )
    processed: set[int] = set()

    async def done(update: Update, context: object) -> None:
        processed.add(update.update_id)
        await fake_api._notify()  # wakes wait_until

    app.add_handler(TypeHandler(Update, done), group=99)
    async with running(app, poll_timeout_s=1):
        yield Rig(fake_api, runner, processed)


MENU = Screen("Voor wie zoek je?", buttons=((Button("Voor mezelf", "who:self"),),), edit=True)
NEXT = Screen("Welk probleem?", buttons=((Button("Alcohol", "p:alcohol"),),), edit=True)


async def test_updates_become_dialog_events(rig: Rig) -> None:
    api = rig.api
    await rig.step(lambda: api.send_text(CHAT, "/start kliniek-abc", language_code="en"))
    await rig.step(lambda: api.send_text(CHAT, "Utrecht"))
    await rig.step(lambda: api.send_location(CHAT, 52.09, 5.12))
    await rig.step(lambda: api.send_sticker(CHAT))
    await rig.step(lambda: api.send_photo(CHAT, caption="kijk"))
    await rig.step(lambda: api.send_voice(CHAT))
    await rig.step(lambda: api.send_contact(CHAT))
    await rig.step(lambda: api.edit_message(CHAT, 2, "Amersfoort"))
    await rig.step(lambda: api.press_button(CHAT, "who:self", 1))
    assert [event for _, event, _ in rig.runner.events] == [
        Command("start", "kliniek-abc"),
        TextSent("Utrecht"),
        LocationShared(52.09, 5.12),
        Unsupported("sticker"),
        Unsupported("photo", "kijk"),  # a caption is read for danger, never as an answer
        Unsupported("voice"),
        Unsupported("contact"),
        Unsupported("edited", "Amersfoort"),
        ButtonPressed("who:self"),
    ]
    assert rig.runner.events[0][2] == "en"
    assert {chat for chat, _, _ in rig.runner.events} == {CHAT}


async def test_every_update_gets_an_answer_and_every_button_press_is_answered(rig: Rig) -> None:
    api = rig.api
    for push in (
        lambda: api.send_sticker(CHAT),
        lambda: api.send_voice(CHAT),
        lambda: api.press_button(CHAT, "who:self", 999),  # a button from long ago
        lambda: api.press_button(CHAT, "who:self", 1),
        lambda: api.edit_message(CHAT, 1, "anders"),
    ):
        reply = await rig.step(push)
        assert reply.texts, reply
    assert len(api.calls_of("answerCallbackQuery")) == 2


async def test_group_messages_run_no_turn_and_the_bot_leaves(rig: Rig) -> None:
    reply = await rig.step(lambda: rig.api.send_text(-100555, "/start", chat_type="group"))
    assert [c.method for c in reply.calls] == ["sendMessage", "leaveChat"]
    assert rig.runner.events == []


async def test_a_pressed_menu_changes_in_place_and_an_old_one_answers_below(rig: Rig) -> None:
    api, runner = rig.api, rig.runner
    runner.screens = [[MENU], [NEXT], [MENU], [NEXT]]
    first = await rig.step(lambda: api.send_text(CHAT, "/start"))
    menu_id = first.last.result["message_id"]

    edited = await rig.step(lambda: api.press(CHAT, "Voor mezelf"))
    assert [c.method for c in edited.screens] == ["editMessageText"]
    assert api.message(CHAT, menu_id).text == "Welk probleem?"

    await rig.step(lambda: api.send_text(CHAT, "iets"))  # a newer menu arrives below
    stale = await rig.step(lambda: api.press_button(CHAT, "p:alcohol", menu_id))
    assert stale.answered_queries == 1
    assert [c.method for c in stale.screens] == ["sendMessage"]  # answered below, not above
    assert api.message(CHAT, menu_id).text == "Welk probleem?"


async def test_an_edit_telegram_refuses_becomes_a_new_message(rig: Rig) -> None:
    api, runner = rig.api, rig.runner
    runner.screens = [[MENU], [NEXT]]
    await rig.step(lambda: api.send_text(CHAT, "/start"))
    api.fail_next("editMessageText", Fault.bad_request("Bad Request: message to edit not found"))
    reply = await rig.step(lambda: api.press(CHAT, "Voor mezelf"))
    assert [c.method for c in reply.screens] == ["sendMessage"]
    assert reply.last.text == "Welk probleem?"
    assert reply.last.button_labels == ["Alcohol"]


async def test_the_same_screen_again_is_no_error(rig: Rig) -> None:
    api, runner = rig.api, rig.runner
    runner.screens = [[MENU], [MENU]]
    await rig.step(lambda: api.send_text(CHAT, "/start"))
    reply = await rig.step(lambda: api.press(CHAT, "Voor mezelf"))  # a double tap
    assert reply.answered_queries == 1
    assert [c.status for c in reply.failed] == [400]  # "message is not modified", swallowed
    assert api.last_message(CHAT).text == MENU.text


async def test_a_location_question_shows_a_location_key_that_the_next_screen_removes(
    rig: Rig,
) -> None:
    api, runner = rig.api, rig.runner
    ask = Screen("Waar zoek je?", ask=AskLocation("Deel mijn locatie", ("Online",)))
    runner.screens = [[ask], [NEXT]]
    reply = await rig.step(lambda: api.send_text(CHAT, "/start"))
    keys = reply.keyboard
    assert keys[0] == {"text": "Deel mijn locatie", "request_location": True}
    assert keys[1]["text"] == "Online"
    assert api.reply_keyboard(CHAT) is not None

    reply = await rig.step(lambda: api.send_location(CHAT, 52.09, 5.12))
    assert api.reply_keyboard(CHAT) is None  # a one-time keyboard hides once used
    # So the next screen is one message: no remover, no delete.
    assert [c.method for c in reply.calls] == ["sendMessage"]
    assert reply.last.text == "Welk probleem?"
    assert reply.last.button_labels == ["Alcohol"]


async def test_a_place_typed_at_the_location_question_removes_the_keyboard_first(
    rig: Rig,
) -> None:
    api, runner = rig.api, rig.runner
    runner.screens = [[Screen("Waar zoek je?", ask=AskLocation("Deel mijn locatie"))], [NEXT]]
    await rig.step(lambda: api.send_text(CHAT, "/start"))
    reply = await rig.step(lambda: api.send_text(CHAT, "Utrecht"))  # typed: the keys stay up
    # A message carries one markup, so the keys go with a message of their own, deleted.
    assert [c.method for c in reply.calls] == ["sendMessage", "deleteMessage", "sendMessage"]
    assert api.reply_keyboard(CHAT) is None
    assert api.last_message(CHAT).text == "Welk probleem?"  # the remover is gone


async def test_a_location_question_then_a_plain_screen_removes_the_keyboard_itself(
    rig: Rig,
) -> None:
    api, runner = rig.api, rig.runner
    runner.screens = [[Screen("Waar?", ask=AskLocation("Deel"))], [Screen("Dank je.")]]
    await rig.step(lambda: api.send_text(CHAT, "/start"))
    reply = await rig.step(lambda: api.send_text(CHAT, "Utrecht"))
    assert [c.method for c in reply.calls] == ["sendMessage"]
    assert reply.last.removes_keyboard


async def test_venue_and_document_follow_the_text(rig: Rig) -> None:
    api, runner = rig.api, rig.runner
    page = Screen(
        "AA Utrecht",
        venue=VenuePin(52.09, 5.12, "AA Utrecht", "Oudegracht 1, Utrecht"),
        attachment=Attachment(
            "groep.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"
        ),
    )
    runner.screens = [[page]]
    reply = await rig.step(lambda: api.send_text(CHAT, "/start"))
    assert [c.method for c in reply.calls] == ["sendMessage", "sendVenue", "sendDocument"]
    assert reply.venue.params["latitude"] == 52.09
    assert reply.venue.params["address"] == "Oudegracht 1, Utrecht"
    assert reply.document.filename == "groep.ics"
    assert reply.document.content.startswith(b"BEGIN:VCALENDAR")


async def test_a_too_long_screen_is_split_and_keeps_its_buttons(rig: Rig) -> None:
    api, runner = rig.api, rig.runner
    long_text = "\n\n".join(f"Alinea {n}: " + "tekst " * 60 for n in range(20))
    runner.screens = [[Screen(long_text, buttons=((Button("Verder", "next"),),))]]
    reply = await rig.step(lambda: api.send_text(CHAT, "/start"))
    assert len(reply.screens) >= 2
    assert all(len(text) <= 4096 for text in reply.texts)
    assert reply.last.button_labels == ["Verder"]
    assert [c.button_labels for c in reply.screens[:-1]] == [[]] * (len(reply.screens) - 1)


async def test_a_blocked_bot_forgets_the_person(rig: Rig) -> None:
    rig.api.block(CHAT)
    await rig.step(lambda: rig.api.send_text(CHAT, "/start"))
    assert rig.runner.forgotten == [CHAT]


async def test_rate_limits_and_server_trouble_are_retried(rig: Rig) -> None:
    api = rig.api
    api.fail_next("sendMessage", Fault.too_many_requests(retry_after=1))
    api.fail_next("sendMessage", Fault.server_error())
    api.fail_next("sendMessage", Fault.drop())
    reply = await rig.step(lambda: api.send_text(CHAT, "/start"))
    attempts = [c for c in api.calls if c.method == "sendMessage"]
    assert [c.status for c in attempts] == [429, 500, 0, 200]
    assert reply.last.text == "Nog eens?"
    # The 429 asked for one second; the retry honoured it.
    assert attempts[1].at - attempts[0].at >= 1.0


async def test_a_slow_answer_times_out_and_is_retried(rig: Rig) -> None:
    api = rig.api
    api.fail_next("sendMessage", Fault.delay(3))
    reply = await rig.step(lambda: api.send_text(CHAT, "/start"))
    assert reply.last.text == "Nog eens?"


async def test_command_menus_are_set_in_dutch_and_english(rig: Rig) -> None:
    menus = rig.api.commands
    assert set(menus) >= {("default", ""), ("default", "nl"), ("default", "en")}
    dutch = {c["command"]: c["description"] for c in menus[("default", "")]}
    english = {c["command"]: c["description"] for c in menus[("default", "en")]}
    assert menus[("default", "nl")] == menus[("default", "")]
    assert set(dutch) >= {"start", "help", "privacy", "taal", "opnieuw", "stop"}
    assert set(english) >= {"start", "help", "privacy", "language", "restart", "stop"}
    assert len(dutch) == len(english) and dutch["privacy"] != english["privacy"]


async def test_logs_hold_no_chat_id_token_or_text(
    fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    runner = ScriptedRunner()
    config = Config(telegram_bot_token=fake_api.token, telegram_api_base_url=fake_api.root_url)
    app = build_application(
        build_bot(config, Metrics(), ApiWatch(), rate_limiter=RetryingRateLimiter(backoff_s=0.01)),
        JobQueue(),
        TelegramDeps(runner, now=lambda: DEFAULT_NOW),
    )
    async with running(app, poll_timeout_s=1):
        fake_api.fail_next("sendMessage", Fault.server_error())
        fake_api.send_text(CHAT, "mijn geheime tekst")
        await fake_api.wait_for("sendMessage")
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert str(CHAT) not in logged
    assert fake_api.token not in logged
    assert fake_api.token.split(":")[1] not in logged
    assert "geheime" not in logged
