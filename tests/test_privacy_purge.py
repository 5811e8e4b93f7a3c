"""The daily purge (`bot.housekeeping`): idle for 90 days and no reminder pending → forgotten.

The job is the one `bot.app.build_telegram` puts on the real bot's JobQueue; the test
runs it as the JobQueue would (``job.run(application)``) at an injected date,
against the real Storage on a SQLite file.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from conftest import DEFAULT_NOW, BotHarness

from bot.housekeeping import PURGE_EVERY, PURGE_JOB, purge_idle_users
from dialogs.effects import SetReminder

IDLE = 7_420_000_001  # talked 95 days ago, nothing since
REMINDED = 7_420_000_002  # talked 95 days ago, has a weekly reminder
RECENT = 7_420_000_003  # talked 10 days ago
JUST_UNDER = 7_420_000_004  # talked 89 days and 23 hours ago


@pytest.fixture
async def bot(make_bot) -> BotHarness:
    harness = await make_bot()
    return await harness.start()


async def talked(bot: BotHarness, chat: int, days_ago: float) -> str:
    bot.clock.set(DEFAULT_NOW - timedelta(days=days_ago))
    await bot.say(chat, "/start")
    await bot.press(chat, "Voor mezelf")
    return bot.storage.user_key(chat)


async def test_the_daily_job_forgets_only_the_idle_without_a_pending_reminder(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    idle = await talked(bot, IDLE, 95)
    reminded = await talked(bot, REMINDED, 95)
    weekly = SetReminder("aa-utrecht-dinsdag", (120,), True)
    assert await bot.reminders.set_reminder(reminded, weekly, bot.clock())
    recent = await talked(bot, RECENT, 10)
    just_under = await talked(bot, JUST_UNDER, 89 + 23 / 24)
    bot.clock.set(DEFAULT_NOW)

    (job,) = bot.app.job_queue.get_jobs_by_name(PURGE_JOB)
    assert job.job.trigger.interval == PURGE_EVERY
    with caplog.at_level(logging.INFO, logger="bot.housekeeping"):
        await job.run(bot.app)

    assert await bot.storage.load_conversation(idle) is None
    for kept in (reminded, recent, just_under):
        assert await bot.storage.load_conversation(kept) is not None
    assert "1 people's data deleted" in caplog.text
    assert str(IDLE) not in caplog.text and idle not in caplog.text

    # The person who was forgotten starts afresh; the others carry on where they were.
    assert "Voor mezelf" in (await bot.say(IDLE, "hallo")).buttons
    assert "Alcohol" in (await bot.say(RECENT, "hallo")).buttons

    await job.run(bot.app)  # the next day: nothing more to purge
    assert await bot.storage.count_users() == 4


async def test_a_failing_purge_is_logged_by_type_and_tried_again_tomorrow(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await talked(bot, IDLE, 95)
    await bot.storage.close()
    with caplog.at_level(logging.ERROR, logger="bot.housekeeping"):
        assert await purge_idle_users(bot.storage, DEFAULT_NOW, 90) is None
    assert "the idle purge failed: StorageError" in caplog.text
