"""Telegram misbehaving on sends, end to end: replies and reminders still arrive, nothing crashes.

Faults are injected on the fake Bot API server (`Fault`): 429 with
``retry_after``, 500/502, an answer slower than the bot's read timeout, a
connection dropped without an answer. The bot's side is the real one: PTB's
`Application` with the adapter's `RetryingRateLimiter` (429: that chat waits
``retry_after``, a reminder goes back to the outbox; network trouble: exponential
backoff) and the reminder service
(row marked before and after each send). `tests/test_telegram_resilience.py`
and `tests/test_reminders_telegram.py` cover single faults; this file covers
timeouts and mixed bursts, and counts deliveries exactly.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import BotHarness
from fakebotapi import Fault

from dialogs.effects import SetReminder

AMS = ZoneInfo("Europe/Amsterdam")
CHAT = 7_750_000_001
MEETING = "aa-utrecht-dinsdag"  # Tuesdays 19:30
DUE_AT = datetime(2026, 11, 24, 17, 30, tzinfo=AMS)  # two hours before


@pytest.fixture
async def bot(make_bot) -> BotHarness:
    harness = await make_bot(read_timeout_s=2.0)
    return await harness.start()


async def remind(bot: BotHarness, chat: int) -> None:
    await bot.say(chat, "/start")
    effect = SetReminder(MEETING, (120,), False)
    assert await bot.reminders.set_reminder(bot.storage.user_key(chat), effect, bot.clock())


def reminders_per_chat(bot: BotHarness) -> Counter[int]:
    return Counter(
        c.chat_id for c in bot.api.calls_of("sendMessage") if c.ok and c.text.startswith("⏰")
    )


async def test_a_reply_whose_send_times_out_still_reaches_the_person(bot: BotHarness) -> None:
    bot.api.fail_next("sendMessage", Fault.delay(3.0))  # longer than the 2 s read timeout
    reply = await bot.say(CHAT, "/start")
    assert "Voor mezelf" in reply.buttons
    # The bot cannot know whether a timed-out message arrived, so it sends again:
    # the person may see the menu twice, never not at all.
    assert 1 <= len(bot.api.calls_of("sendMessage", CHAT)) <= 2
    assert "Alcohol" in (await bot.press(CHAT, "Voor mezelf")).buttons  # and the bot goes on


@pytest.mark.parametrize(
    "fault",
    [Fault.server_error(), Fault.bad_gateway(), Fault.drop()],
    ids=["500", "502", "dropped"],
)
async def test_a_reminder_whose_first_send_fails_arrives_exactly_once(
    bot: BotHarness, fault: Fault
) -> None:
    await remind(bot, CHAT)
    bot.api.fail_next("sendMessage", fault, chat_id=CHAT)
    bot.clock.set(DUE_AT)
    assert await bot.reminders.run_due(DUE_AT) == 1  # retried by the rate limiter, same run
    assert reminders_per_chat(bot) == {CHAT: 1}
    assert await bot.reminders.run_due(DUE_AT) == 0  # and not again


async def test_a_reminder_whose_send_times_out_arrives_once_or_twice_never_lost(
    bot: BotHarness,
) -> None:
    await remind(bot, CHAT)
    bot.api.fail_next("sendMessage", Fault.delay(3.0), chat_id=CHAT)
    bot.clock.set(DUE_AT)
    await bot.reminders.run_due(DUE_AT)
    await bot.api.wait_until(lambda: reminders_per_chat(bot)[CHAT] >= 1)
    assert reminders_per_chat(bot)[CHAT] in (1, 2)  # the slow answer may have been delivered
    assert await bot.reminders.run_due(DUE_AT) == 0


async def test_a_burst_of_due_reminders_through_mixed_faults_all_arrive_exactly_once(
    bot: BotHarness,
) -> None:
    chats = [CHAT + n for n in range(12)]
    for chat in chats:
        await remind(bot, chat)
    faults = [
        Fault.too_many_requests(retry_after=1),
        Fault.server_error(),
        Fault.bad_gateway(),
        Fault.drop(),
        Fault.server_error(),
    ]
    for chat, fault in zip(chats, faults, strict=False):  # one fault each for five people
        bot.api.fail_next("sendMessage", fault, chat_id=chat)
    for _ in range(4):  # and one person's reminder fails more often than the limiter retries
        bot.api.fail_next("sendMessage", Fault.server_error(), chat_id=chats[-1])

    bot.clock.set(DUE_AT)
    first = await bot.reminders.run_due(DUE_AT)
    # The 429's reminder went back to the outbox with its retry time (the others did not
    # wait for it), the failed one with a 30 s backoff.
    bot.clock.advance(minutes=1)
    second = await bot.reminders.run_due(bot.clock())

    assert (first, second) == (10, 2)
    assert reminders_per_chat(bot) == {chat: 1 for chat in chats}
    failed = [c for c in bot.api.calls_of("sendMessage") if not c.ok and c.chat_id in chats]
    assert len(failed) == len(faults) + 4  # every fault was really hit
