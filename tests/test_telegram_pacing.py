"""Sends are paced per chat, and a 429 holds up only its own chat (issue 12, problems 2 and 8).

Telegram allows about one message a second to one chat and about 30 a second overall; a
429's ``retry_after`` concerns the chat it came for. PTB's own limiter paused every send
for everyone on any 429: another chat waited 4.9 s behind one chat's ``retry_after``.
"""

from __future__ import annotations

import time

from conftest import BotHarness
from fakebotapi import Fault

ALICE, BOB = 7_210_000_001, 7_210_000_002


def ok_sends(bot: BotHarness, chat: int) -> list:
    return [c for c in bot.api.calls_of("sendMessage", chat) if c.ok]


async def test_a_429_for_one_chat_does_not_hold_up_another(make_bot) -> None:
    bot: BotHarness = await make_bot()
    await bot.start()
    bot.api.fail_next("sendMessage", Fault.too_many_requests(retry_after=3), chat_id=ALICE)
    alice = bot.api.send_text(ALICE, "/start")
    await bot.api.wait_for("sendMessage", lambda c: c.status == 429, include_failed=True)
    started = time.monotonic()
    await bot.say(BOB, "/start")
    assert time.monotonic() - started < 1.5  # Bob did not wait out Alice's 3 s
    assert ok_sends(bot, BOB) and not ok_sends(bot, ALICE)  # Alice is still waiting
    bot.clock.advance(seconds=3)  # her wait is measured on the bot's clock
    await bot.settle(alice)
    assert len(ok_sends(bot, ALICE)) == 1  # and then she got her answer, once


async def test_one_chat_gets_about_one_message_a_second_and_others_are_not_slowed(
    make_bot,
) -> None:
    bot: BotHarness = await make_bot(chat_rate=1.0)
    await bot.start()
    pushed = [bot.api.send_text(ALICE, text) for text in ("/start", "/hulp", "/privacy") * 2]
    bob = bot.api.send_text(BOB, "/start")
    await bot.settle(bob)
    for update_id in pushed:
        await bot.settle(update_id)
    alice = [c.at for c in ok_sends(bot, ALICE)]
    assert len(alice) >= 6
    # A burst of three goes at once, then about one a second.
    assert alice[-1] - alice[0] >= (len(alice) - 3) * 0.9
    assert ok_sends(bot, BOB)[0].at - alice[0] < 1.0  # Bob was not queued behind Alice
