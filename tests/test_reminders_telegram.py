"""Reminders and check-ins end to end: the real bot over HTTP against the fake Bot API server.

The JobQueue only wakes the service; SQLite is the source of truth. So these tests move the
injected clock and ask the service to send what is due (`run_due`), exactly as a job does,
without sleeping. The clock starts Monday 23 November 2026, 10:00 in Amsterdam.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import BotHarness

from catalogue.models import Catalogue
from dialogs.effects import SetReminder

AMS = ZoneInfo("Europe/Amsterdam")
BRU = ZoneInfo("Europe/Brussels")
CHAT = 6660001
UTRECHT_TUESDAY = "aa-utrecht-dinsdag"  # Tuesdays 19:30, Oudegracht, Utrecht
BRUGGE_TUESDAY = "aa-vlaanderen-brugge-dinsdag"  # Tuesdays 20:00, Brussels time
ONLINE_MORNING = "aa-online-ochtend"  # daily 07:30, online
TUESDAY_AT = datetime(2026, 11, 24, 19, 30, tzinfo=AMS)


@pytest.fixture
async def bot(make_bot) -> BotHarness:
    harness = await make_bot()
    return await harness.start()


async def known_user(bot: BotHarness, chat: int = CHAT) -> str:
    """Someone who has talked to the bot (so there is a chat to send to)."""
    await bot.say(chat, "/start")
    return bot.storage.user_key(chat)


async def remind(
    bot: BotHarness,
    chat: int,
    meeting_id: str,
    offsets: tuple[int, ...] = (120,),
    weekly: bool = False,
) -> None:
    user_key = await known_user(bot, chat)
    effect = SetReminder(meeting_id, offsets, weekly)
    assert await bot.reminders.set_reminder(user_key, effect, bot.clock.now())


def reminders_to(bot: BotHarness, chat: int, since: int = 0) -> list:
    return [c for c in bot.api.sent_to(chat, since) if c.text.startswith("⏰")]


def checkins_to(bot: BotHarness, chat: int, since: int = 0) -> list:
    return [c for c in bot.api.sent_to(chat, since) if c.text.startswith("Hoe ging het?")]


async def run_at(bot: BotHarness, at: datetime) -> int:
    bot.clock.set(at)
    return await bot.reminders.run_due(at)


def rows(bot: BotHarness, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(bot.config.database_path) as db:
        return db.execute(sql, args).fetchall()


def with_meeting(catalogue: Catalogue, meeting_id: str, **changes: object) -> Catalogue:
    meetings = dict(catalogue.meetings)
    meetings[meeting_id] = replace(meetings[meeting_id], **changes)
    return replace(catalogue, meetings=meetings)


# --- setting one and seeing it fire ---------------------------------------------------------


async def test_a_reminder_set_in_the_conversation_fires_at_the_minute_confirmed(bot) -> None:
    await bot.say(CHAT, "/start")
    await bot.press(CHAT, "Voor mezelf")
    await bot.press(CHAT, "Alcohol")
    await bot.say(CHAT, "Utrecht")
    reply = await bot.press(CHAT, "Klopt")
    first = next(label for label in reply.buttons if "AA Utrecht Centrum" in label)
    await bot.press(CHAT, first)
    await bot.press(CHAT, "Herinner me")
    await bot.press(CHAT, "Twee uur ervoor")
    reply = await bot.press(CHAT, "Alleen de volgende keer")
    assert "17:30" in reply.text  # the exact time, confirmed before it is set
    reply = await bot.press(CHAT, "Ja, graag")
    assert "vergrendelscherm" in reply.text  # said once, with the first reminder

    assert await run_at(bot, datetime(2026, 11, 24, 17, 29, tzinfo=AMS)) == 0
    assert reminders_to(bot, CHAT) == []
    assert await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS)) == 1

    [message] = reminders_to(bot, CHAT)
    lock_screen, details = message.text.split("\n", 1)
    assert lock_screen == "⏰ Herinnering: vanavond 19:30"  # no group, organisation or addiction
    assert "AA Utrecht Centrum" in details
    assert "dinsdag 24 november, 19:30" in message.text
    assert "Utrecht" in message.text and "welkom" in message.text
    assert "niets te vertellen" in message.text
    assert message.button_labels == [
        "Ik ga",
        "Ik kan niet",
        "📍 Op de kaart",
        "Stop deze herinneringen",
    ]
    assert await run_at(bot, datetime(2026, 11, 24, 17, 31, tzinfo=AMS)) == 0  # not twice


async def test_the_reminders_buttons_map_pin_and_stop(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, weekly=True)
    await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS))

    reply = await bot.press(CHAT, "📍 Op de kaart")
    assert reply.venue is not None
    reply = await bot.press(CHAT, "Ik ga")
    assert "Fijn dat je gaat" in reply.text
    reply = await bot.press(CHAT, "Stop deze herinneringen")
    assert "Gestopt" in reply.text
    reply = await bot.say(CHAT, "/herinneringen")
    assert "geen herinneringen" in reply.text
    assert await run_at(bot, datetime(2026, 12, 1, 17, 30, tzinfo=AMS)) == 0


async def test_cannot_make_it_skips_this_time_only(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, offsets=(24 * 60, 120), weekly=True)
    await run_at(bot, datetime(2026, 11, 23, 19, 30, tzinfo=AMS))  # the evening before
    reply = await bot.press(CHAT, "Ik kan niet")
    assert "Geen probleem" in reply.text

    await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS))  # two hours before: skipped
    await run_at(bot, datetime(2026, 11, 25, 10, 0, tzinfo=AMS))  # no check-in either
    assert len(reminders_to(bot, CHAT)) == 1
    assert checkins_to(bot, CHAT) == []
    await run_at(bot, datetime(2026, 11, 30, 19, 30, tzinfo=AMS))  # next week goes on
    assert len(reminders_to(bot, CHAT)) == 2


async def test_herinneringen_lists_each_reminder_with_a_stop_button(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, offsets=(24 * 60, 120), weekly=True)
    await remind(bot, CHAT, BRUGGE_TUESDAY)

    reply = await bot.say(CHAT, "/herinneringen")
    assert "AA Utrecht Centrum" in reply.text and "elke week" in reply.text
    assert "één keer" in reply.text
    assert "Stop 1" in reply.buttons and "Stop 2" in reply.buttons
    await bot.press(CHAT, "Stop 2")
    assert len(rows(bot, "SELECT id FROM reminders")) == 1


# --- restarts, downtime, crashes ------------------------------------------------------------


async def test_a_restart_with_reminders_pending_fires_each_exactly_once(bot) -> None:
    chats = [CHAT + n for n in range(5)]
    for chat in chats:
        await remind(bot, chat, UTRECHT_TUESDAY)
    await bot.stop()

    bot.clock.set(datetime(2026, 11, 24, 17, 31, tzinfo=AMS))  # due while down, meeting ahead
    await bot.build()
    await bot.start()  # post_init: recover, follow the catalogue, send what is due
    await bot.restart()
    await bot.reminders.run_due(bot.clock.now())

    assert [len(reminders_to(bot, chat)) for chat in chats] == [1] * 5


async def test_a_message_in_flight_at_a_crash_is_sent_again_not_lost(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY)
    # A process that died between "sending" and "sent": the row is marked, nothing arrived.
    with sqlite3.connect(bot.config.database_path) as db:
        db.execute("UPDATE outbox SET state = 'sending' WHERE kind = 'reminder'")
    bot.clock.set(datetime(2026, 11, 24, 17, 35, tzinfo=AMS))
    await bot.restart()

    assert len(reminders_to(bot, CHAT)) == 1


async def test_a_reminder_missed_while_down_is_sent_if_the_meeting_is_ahead_else_dropped(
    bot,
) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, offsets=(24 * 60, 120))
    await bot.stop()
    bot.clock.set(datetime(2026, 11, 24, 19, 45, tzinfo=AMS))  # both missed; meeting started
    await bot.build()
    await bot.start()

    assert reminders_to(bot, CHAT) == []
    assert rows(bot, "SELECT count FROM reminder_counts WHERE name = 'reminder_dropped'") == [(2,)]

    other = CHAT + 1
    await remind(bot, other, BRUGGE_TUESDAY, offsets=(24 * 60,))  # due Tue 1 Dec 20:00
    await bot.stop()
    bot.clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=BRU))  # down from Monday to Tuesday noon
    await bot.build()
    await bot.start()
    [late] = reminders_to(bot, other)
    assert "dinsdag 1 december, 20:00" in late.text


async def test_a_reminder_missed_in_the_night_waits_for_the_morning(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, offsets=(24 * 60,))  # Mon 23 Nov 19:30
    assert await run_at(bot, datetime(2026, 11, 23, 23, 30, tzinfo=AMS)) == 0  # late, at night
    assert await run_at(bot, datetime(2026, 11, 24, 7, 59, tzinfo=AMS)) == 0
    assert await run_at(bot, datetime(2026, 11, 24, 8, 0, tzinfo=AMS)) == 1


async def test_a_reminder_the_user_set_for_early_morning_comes_at_night(bot) -> None:
    await remind(bot, CHAT, ONLINE_MORNING, offsets=(120,))  # 07:30 daily → 05:30
    assert await run_at(bot, datetime(2026, 11, 24, 5, 30, tzinfo=AMS)) == 1
    [message] = reminders_to(bot, CHAT)
    assert "Online:" in message.text
    assert "📍 Op de kaart" not in message.button_labels


# --- daylight saving ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting_id", "zone", "start", "wall"),
    [
        (UTRECHT_TUESDAY, AMS, datetime(2027, 3, 15, 10, 0), time(17, 30)),  # into summer time
        (UTRECHT_TUESDAY, AMS, datetime(2027, 10, 25, 10, 0), time(17, 30)),  # out of it
        (BRUGGE_TUESDAY, BRU, datetime(2027, 3, 15, 10, 0), time(18, 0)),
        (BRUGGE_TUESDAY, BRU, datetime(2027, 10, 25, 10, 0), time(18, 0)),
    ],
)
async def test_a_weekly_reminder_keeps_its_local_time_across_summer_time(
    bot, meeting_id, zone, start, wall
) -> None:
    bot.clock.set(start.replace(tzinfo=zone))
    await remind(bot, CHAT, meeting_id, weekly=True)
    tuesday = start.date() + timedelta(days=1)
    for week in range(3):
        due_at = datetime.combine(tuesday + timedelta(weeks=week), wall, tzinfo=zone)
        assert await run_at(bot, due_at - timedelta(minutes=1)) == 0, due_at
        assert len(reminders_to(bot, CHAT)) == week
        await run_at(bot, due_at)
        assert len(reminders_to(bot, CHAT)) == week + 1, due_at


# --- Telegram's answers ---------------------------------------------------------------------


async def test_a_blocked_user_is_forgotten_when_a_reminder_bounces(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, weekly=True)
    user_key = bot.storage.user_key(CHAT)
    bot.api.block(CHAT)

    await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS))

    assert await bot.storage.load_conversation(user_key) is None
    for table in ("users", "reminders", "outbox", "checkins"):
        assert rows(bot, f"SELECT count(*) FROM {table} WHERE user_key = ?", user_key) == [(0,)]
    assert await run_at(bot, datetime(2026, 12, 1, 17, 30, tzinfo=AMS)) == 0


async def test_a_429_sends_the_reminder_back_to_the_outbox_and_it_arrives_once(bot) -> None:
    from fakebotapi import Fault

    await remind(bot, CHAT, UTRECHT_TUESDAY)
    bot.api.fail_next("sendMessage", Fault.too_many_requests(retry_after=1))

    # The reminder goes back to the outbox with its retry time; the drain does not wait.
    assert await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS)) == 0
    assert await run_at(bot, datetime(2026, 11, 24, 17, 31, tzinfo=AMS)) == 1

    refused = [c for c in bot.api.calls_of("sendMessage", CHAT) if c.status == 429]
    assert len(refused) == 1
    assert len(reminders_to(bot, CHAT)) == 1


async def test_network_trouble_is_retried_later_until_it_arrives(bot) -> None:
    from fakebotapi import Fault

    await remind(bot, CHAT, UTRECHT_TUESDAY)
    for _ in range(4):  # more than the rate limiter's own retries
        bot.api.fail_next("sendMessage", Fault.server_error())

    assert await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS)) == 0
    assert await run_at(bot, datetime(2026, 11, 24, 17, 31, tzinfo=AMS)) == 1
    assert len(reminders_to(bot, CHAT)) == 1


# --- the catalogue changes ------------------------------------------------------------------


async def test_a_moved_meeting_moves_its_reminders(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, weekly=True)
    bot.catalogue = with_meeting(bot.catalogue, UTRECHT_TUESDAY, start=time(20, 15))
    await bot.restart()

    assert await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS)) == 0
    assert await run_at(bot, datetime(2026, 11, 24, 18, 15, tzinfo=AMS)) == 1
    [message] = reminders_to(bot, CHAT)
    assert "dinsdag 24 november, 20:15" in message.text


async def test_a_cancelled_date_is_told_and_a_weekly_reminder_goes_on(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, weekly=True)
    bot.catalogue = with_meeting(
        bot.catalogue, UTRECHT_TUESDAY, cancelled_on=frozenset({date(2026, 11, 24)})
    )
    await bot.restart()  # at Monday 10:00: the notice goes out at once

    [notice] = [c for c in bot.api.sent_to(CHAT) if "gaat niet door" in c.text]
    assert "dinsdag 24 november" in notice.text and "dinsdag 1 december" in notice.text
    assert "AA" not in notice.text.splitlines()[0]  # what a lock screen shows
    assert await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS)) == 0
    assert await run_at(bot, datetime(2026, 12, 1, 17, 30, tzinfo=AMS)) == 1


async def test_a_retired_meeting_is_told_with_another_group_and_the_reminder_stops(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, weekly=True)
    bot.catalogue = with_meeting(bot.catalogue, UTRECHT_TUESDAY, retired_on=date(2026, 11, 20))
    await bot.restart()

    [notice] = [c for c in bot.api.sent_to(CHAT) if "niet meer in mijn overzicht" in c.text]
    assert any("AA" in label for label in notice.button_labels)  # the next fitting group
    assert rows(bot, "SELECT count(*) FROM reminders") == [(0,)]
    reply = await bot.press(CHAT, notice.button_labels[0])
    assert "Herinner me" in reply.buttons  # that group's page, to set a new reminder


async def test_a_catalogue_notice_found_at_night_waits_for_the_morning(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, weekly=True)
    await bot.stop()
    bot.catalogue = with_meeting(bot.catalogue, UTRECHT_TUESDAY, retired_on=date(2026, 11, 20))
    bot.clock.set(datetime(2026, 11, 23, 23, 0, tzinfo=AMS))
    await bot.build()
    await bot.start()
    assert not [c for c in bot.api.sent_to(CHAT) if "overzicht" in c.text]
    await run_at(bot, datetime(2026, 11, 24, 8, 0, tzinfo=AMS))
    assert [c for c in bot.api.sent_to(CHAT) if "overzicht" in c.text]


# --- check-ins ------------------------------------------------------------------------------


async def attend(bot: BotHarness, week: int = 0) -> None:
    """Let the reminder of week `week` fire and the check-in after it."""
    tuesday = datetime(2026, 11, 24, 17, 30, tzinfo=AMS) + timedelta(weeks=week)
    await run_at(bot, tuesday)
    await run_at(bot, tuesday.replace(hour=23, minute=30))  # 2 h after the end: night
    await run_at(bot, (tuesday + timedelta(days=1)).replace(hour=8, minute=0))  # the morning


async def test_checkin_comes_the_morning_after_and_went_mixed_offers_other_groups(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY)
    await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS))
    await run_at(bot, datetime(2026, 11, 24, 23, 0, tzinfo=AMS))
    assert checkins_to(bot, CHAT) == []  # never at night
    await run_at(bot, datetime(2026, 11, 25, 8, 0, tzinfo=AMS))
    [checkin] = checkins_to(bot, CHAT)
    assert checkin.text.splitlines()[0] == "Hoe ging het?"  # no group on a lock screen
    assert checkin.button_labels == [
        "Ik ben gegaan",
        "Ik ben niet gegaan",
        "Vraag me dit liever niet",
    ]

    reply = await bot.press(CHAT, "Ik ben gegaan")
    assert reply.buttons == ["Goed", "Gemengd", "Niet goed"]
    reply = await bot.press(CHAT, "Gemengd")
    assert "paar groepen" in reply.text
    assert any(label.startswith("AA ") for label in reply.buttons)
    assert "Herinner me elke week aan deze groep" in reply.buttons

    await bot.press(CHAT, "Herinner me elke week aan deze groep")
    assert rows(bot, "SELECT weekly FROM reminders") == [(1,)]


async def test_checkin_went_good_says_keep_coming_back(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY)
    await attend(bot)
    await bot.press(CHAT, "Ik ben gegaan")
    reply = await bot.press(CHAT, "Goed")
    assert "blijft komen" in reply.text


async def test_checkin_did_not_go_offers_next_date_online_and_other_groups(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY)
    await attend(bot)
    reply = await bot.press(CHAT, "Ik ben niet gegaan")
    assert "geen haast" in reply.text
    assert "De volgende keer bekijken" in reply.buttons
    assert any(label.startswith("Online:") for label in reply.buttons)
    reply = await bot.press(CHAT, "De volgende keer bekijken")
    assert "Herinner me" in reply.buttons


async def test_rather_not_be_asked_stops_checkins_but_not_reminders(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, weekly=True)
    await attend(bot)
    await bot.press(CHAT, "Vraag me dit liever niet")
    for week in (1, 2):
        await attend(bot, week)
    assert len(checkins_to(bot, CHAT)) == 1
    assert len(reminders_to(bot, CHAT)) == 3


async def test_weekly_checkins_stop_after_three_unanswered(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, weekly=True)
    for week in range(5):
        await attend(bot, week)
    assert len(reminders_to(bot, CHAT)) == 5
    assert len(checkins_to(bot, CHAT)) == 3


async def test_an_answer_keeps_the_weekly_checkin_coming(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, weekly=True)
    for week in range(5):
        await attend(bot, week)
        await bot.press(CHAT, "Ik ben gegaan")
    assert len(checkins_to(bot, CHAT)) == 5


async def test_never_more_than_one_checkin_a_week(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY, weekly=True)
    await remind(bot, CHAT, BRUGGE_TUESDAY, weekly=True)
    await attend(bot)
    await run_at(bot, datetime(2026, 11, 26, 12, 0, tzinfo=AMS))
    assert len(checkins_to(bot, CHAT)) == 1


async def test_an_english_speaker_gets_the_reminder_in_english(bot) -> None:
    await bot.say(CHAT, "/start", language_code="en")
    await bot.press(CHAT, "For myself", language_code="en")
    await bot.press(CHAT, "Alcohol", language_code="en")
    await bot.say(CHAT, "Utrecht", language_code="en")
    reply = await bot.press(CHAT, "Yes, that's right", language_code="en")
    first = next(label for label in reply.buttons if "AA Utrecht Centrum" in label)
    await bot.press(CHAT, first, language_code="en")
    for label in ("Remind me", "Two hours before", "Just the next time", "Yes, please"):
        await bot.press(CHAT, label, language_code="en")

    await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS))

    [message] = [c for c in bot.api.sent_to(CHAT) if c.text.startswith("⏰ Reminder")]
    assert "Tuesday 24 November, 19:30" in message.text
    assert message.button_labels[:2] == ["I'm going", "I can't make it"]


async def test_cannot_make_it_to_a_one_off_offers_the_time_after(bot) -> None:
    await remind(bot, CHAT, UTRECHT_TUESDAY)
    await run_at(bot, datetime(2026, 11, 24, 17, 30, tzinfo=AMS))
    reply = await bot.press(CHAT, "Ik kan niet")
    await bot.press(CHAT, "Herinner me aan de keer daarna")
    assert "de keer daarna" in reply.buttons[0]

    await run_at(bot, datetime(2026, 12, 1, 17, 30, tzinfo=AMS))
    assert [m.text.count("dinsdag 1 december") for m in reminders_to(bot, CHAT)] == [0, 1]
