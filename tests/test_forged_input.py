"""Forged button data and coordinates get a kind answer, never an error (issue 12, problem 6).

Button data comes from the client and can be anything up to 64 bytes: ``²`` passes
``str.isdigit()`` yet fails ``int()``, a 40-digit id overflows SQLite, a latitude of 1e308
overflows the place grid. Each once ended in an apology and an ERROR line. The real bot
(reminders and counters attached) now answers each like a stale button, and logs no error.
"""

from __future__ import annotations

import logging

import pytest
from conftest import BotHarness

CHAT = 7_070_000_001
APOLOGY = "Sorry, er ging aan mijn kant iets mis"
HUGE = "9" * 40

FORGED_BUTTONS = [
    "res:open:²",
    f"res:open:{HUGE}",
    "res:open:-1",
    "rm:no:1:²",
    f"rm:no:1:{HUGE}",
    f"rm:later:1:{HUGE}",
    f"rm:later:{HUGE}:1",
    f"rm:stop:{HUGE}",
    "rm:stop:١٢",  # Arabic-Indic digits: isdigit() is true for these too
    "where:place:geo:1e308,5",
    "where:place:geo:nan,nan",
    "where:place:geo:-1e308,inf",
    "ci:went:" + "x" * 50,
]


@pytest.fixture
async def bot(make_bot) -> BotHarness:
    harness = await make_bot()
    return await harness.start()


async def at_results(bot: BotHarness) -> None:
    await bot.say(CHAT, "/start")
    await bot.press(CHAT, "Voor mezelf")
    await bot.press(CHAT, "Alcohol")
    await bot.say(CHAT, "Utrecht")


@pytest.mark.parametrize("data", FORGED_BUTTONS)
async def test_forged_button_data_gets_a_kind_answer_and_no_error(
    bot: BotHarness, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    await at_results(bot)
    with caplog.at_level(logging.WARNING):
        reply = await bot.press_data(CHAT, data)
    assert reply.text and APOLOGY not in reply.text
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(("lat", "lon"), [(1e308, 5.0), (-1e308, 5.0), (52.1, 1e308), (91.0, 5.0)])
async def test_a_forged_location_gets_a_kind_answer_and_no_error(
    bot: BotHarness, lat: float, lon: float, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.say(CHAT, "/start")
    await bot.press(CHAT, "Voor mezelf")
    await bot.press(CHAT, "Alcohol")
    with caplog.at_level(logging.WARNING):
        reply = await bot.share_location(CHAT, lat, lon)
    assert reply.text and APOLOGY not in reply.text
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    # The question is still open: a real place goes on.
    reply = await bot.say(CHAT, "Utrecht")
    assert "Utrecht" in reply.text
