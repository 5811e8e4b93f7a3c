"""No screen or tap is lost to Telegram's trouble (issue 12, problem 3).

Four 502s on sendMessage outlast the rate limiter's retries. The screen was lost but the
state moved on, so the next turn answered a question the person never saw; now the turn is
undone. Four 502s on answerCallbackQuery dropped the tap's turn entirely; now answering a
button goes out beside the turn, never before it, and its failure is only logged.
"""

from __future__ import annotations

import logging

import pytest
from conftest import BotHarness
from fakebotapi import Fault

CHAT = 7_310_000_001


@pytest.fixture
async def bot(make_bot) -> BotHarness:
    harness = await make_bot()
    return await harness.start()


async def test_a_screen_that_cannot_be_sent_leaves_the_conversation_where_it_was(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.say(CHAT, "/start")
    for method in ("sendMessage", "editMessageText"):
        bot.api.fail_next(method, Fault.bad_gateway(), times=4, chat_id=CHAT)
    with caplog.at_level(logging.WARNING):
        lost = await bot.press(CHAT, "Voor mezelf")
    assert not any(c.ok for c in lost.screens)  # nothing reached the person
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # They still see "for whom?", and that is the question their next message answers.
    again = await bot.say(CHAT, "hallo")
    assert "Voor mezelf" in again.buttons
    assert "Alcohol" in (await bot.press(CHAT, "Voor mezelf")).buttons


async def test_a_tap_whose_answer_fails_still_gets_its_turn(bot: BotHarness) -> None:
    await bot.say(CHAT, "/start")
    bot.api.fail_next("answerCallbackQuery", Fault.bad_gateway(), times=4)
    reply = await bot.press(CHAT, "Voor mezelf")
    assert "Alcohol" in reply.buttons


async def test_answering_a_tap_does_not_hold_up_its_turn(bot: BotHarness) -> None:
    await bot.say(CHAT, "/start")
    bot.api.fail_next("answerCallbackQuery", Fault.delay(1.5))
    reply = await bot.press(CHAT, "Voor mezelf")
    [answer] = reply.of("answerCallbackQuery")
    [screen] = [c for c in reply.screens if c.ok]
    assert screen.seq < answer.seq  # the screen was there before the slow answer came back
