"""Reminder buttons tapped again and again plan nothing twice (issue 12, problem 2).

150 taps on "Herinner me aan de keer daarna" made 292 rows and 146 identical reminders on the
day. Now rows are unique per (reminder, kind, occurrence, offset), "next time instead" is
refused for weekly reminders, its button goes away once used, and one person holds at most
`MAX_OPEN_ROWS_PER_USER` open rows.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import BotHarness
from test_reminders_telegram import (
    CHAT,
    UTRECHT_TUESDAY,
    remind,
    reminders_to,
    run_at,
)

from bot.reminders.store import MAX_OPEN_ROWS_PER_USER
from dialogs.effects import SetReminder

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
async def bot(make_bot) -> BotHarness:
    harness = await make_bot()
    return await harness.start()


def open_rows(bot: BotHarness) -> int:
    with sqlite3.connect(bot.config.database_path) as db:
        return db.execute(
            "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')"
        ).fetchone()[0]


def later_button(bot: BotHarness) -> tuple[str, int]:
    message = bot.api.last_message(CHAT)
    assert message is not None and message.reply_markup
    for row in message.reply_markup["inline_keyboard"]:
        for button in row:
            if button["callback_data"].startswith("rm:later:"):
                return button["callback_data"], message.message_id
    raise AssertionError("no 'next time instead' button")


async def test_next_time_instead_tapped_many_times_plans_one_reminder(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY)
    await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS))
    await bot.press(CHAT, "Ik kan niet")
    data, message_id = later_button(bot)
    reply = await bot.press_data(CHAT, data, message_id)
    # The answer replaces the message with the button: it cannot be tapped again.
    assert [c.method for c in reply.screens] == ["editMessageText"]
    assert bot.api.message(CHAT, message_id).reply_markup in (None, {"inline_keyboard": []})
    assert open_rows(bot) == 2  # next week's reminder and its check-in
    for _tap in range(12):  # an old copy of the button, or a forged one, tapped on
        await bot.press_data(CHAT, data, message_id)
    user_key = bot.storage.user_key(CHAT)
    row_id = int(data.rsplit(":", 1)[1])
    for _tap in range(150):
        await bot.reminders.remind_later(user_key, row_id, bot.clock.now())
    assert open_rows(bot) == 2

    await run_at(bot, datetime(2026, 12, 1, 17, 30, tzinfo=AMS))
    assert [m.text.count("dinsdag 1 december") for m in reminders_to(bot, CHAT)] == [0, 1]


async def test_next_time_instead_is_refused_for_a_weekly_reminder(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, weekly=True)
    await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS))
    reply = await bot.press(CHAT, "Ik kan niet")
    assert not any("keer daarna" in label for label in reply.buttons)
    before = open_rows(bot)
    [(reminder_id, row_id)] = [
        (r, o)
        for r, o in sqlite3.connect(bot.config.database_path).execute(
            "SELECT reminder_id, id FROM outbox WHERE kind = 'reminder' AND state = 'sent'"
        )
    ]
    reply = await bot.press_data(CHAT, f"rm:later:{reminder_id}:{row_id}")  # forged
    assert "niet meer" in reply.text
    await bot.reminders.remind_later(bot.storage.user_key(CHAT), row_id, bot.clock.now())
    assert open_rows(bot) == before


async def test_one_person_holds_at_most_a_few_open_rows(bot) -> None:
    meetings = [m.id for m in bot.catalogue.meetings.values() if m.retired_on is None]
    user_key = bot.storage.user_key(CHAT)
    for meeting_id in meetings[:60]:
        effect = SetReminder(meeting_id, (24 * 60, 120), weekly=True)
        await bot.reminders.set_reminder(user_key, effect, bot.clock.now())
    assert len(meetings) >= 30
    assert open_rows(bot) <= MAX_OPEN_ROWS_PER_USER
    # Someone else is not held back by it.
    await remind(bot, CHAT + 1, UTRECHT_TUESDAY)
    assert open_rows(bot) > MAX_OPEN_ROWS_PER_USER
