"""Whole conversations through the real bot, over HTTP, against the fake Bot API server.

Every test drives the real python-telegram-bot `Application` (polling the
fake server), the real `TurnRunner`, the real dialogue and catalogue, and
real SQLite storage, with the clock fixed at Monday 23 November 2026, 10:00
in Amsterdam. Assertions are about what a person would see on Telegram.
"""

from __future__ import annotations

import re

import pytest
from conftest import BotHarness
from fakebotapi import Reply
from icalendar import Calendar

CHAT = 5550001
DUTCH_DATE = re.compile(
    r"\b(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag) \d{1,2} "
    r"(november|december)\b"
)
ENGLISH_DATE = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),? "
    r"(\d{1,2} (November|December)|(November|December) \d{1,2})\b"
)
UTRECHT = (52.0907, 5.1214)


def location_key(reply: Reply) -> dict:
    keys = [key for key in reply.keyboard if key.get("request_location")]
    assert keys, f"no location key in {reply}"
    return keys[0]


async def start(bot: BotHarness, chat: int = CHAT, **kwargs: object) -> Reply:
    reply = await bot.say(chat, "/start", **kwargs)
    assert reply.buttons, reply
    return reply


async def test_for_myself_with_alcohol_typing_utrecht(bot_app: BotHarness) -> None:
    reply = await start(bot_app)
    assert "anoniem" in reply.text

    reply = await bot_app.press(CHAT, "Voor mezelf")
    assert "Alcohol" in reply.buttons
    reply = await bot_app.press(CHAT, "Alcohol")
    assert location_key(reply)["text"]
    assert bot_app.api.reply_keyboard(CHAT) is not None

    reply = await bot_app.say(CHAT, "Utrecht")
    assert reply.text == "Ik begrijp: je zoekt een groep voor jezelf, over alcohol, bij Utrecht."
    assert bot_app.api.reply_keyboard(CHAT) is None  # the location keyboard is gone
    reply = await bot_app.press(CHAT, "Klopt")
    assert "Voor jezelf · Alcohol · bij Utrecht" in reply.text
    assert "voorbeeld" in reply.text  # sample data is labelled as such
    assert DUTCH_DATE.search(reply.text), reply.text
    assert re.search(r"\b\d{1,2}:\d{2}\b", reply.text)
    assert any("AA" in label for label in reply.buttons)
    assert bot_app.api.reply_keyboard(CHAT) is None  # the location keyboard is gone


async def test_a_mother_looks_for_support_for_herself_and_shares_her_location(
    bot_app: BotHarness,
) -> None:
    await start(bot_app)
    await bot_app.press(CHAT, "dicht bij me")
    reply = await bot_app.press(CHAT, "vader of moeder")
    assert any("mezelf" in label for label in reply.buttons)
    await bot_app.press(CHAT, "Steun voor mezelf")
    reply = await bot_app.press(CHAT, "Drugs")
    assert location_key(reply)

    await bot_app.share_location(CHAT, *UTRECHT)
    reply = await bot_app.press(CHAT, "Klopt")
    assert DUTCH_DATE.search(reply.text)
    meetings = [label for label in reply.buttons if re.match(r"\d+\.", label)]
    assert meetings, reply.buttons
    # Groups for parents (LSOVD, Moedige Moeders…), not groups for the person who uses.
    assert not any(label.split(":")[0].endswith(("AA", "NA")) for label in meetings)

    page = await bot_app.press(CHAT, meetings[0])
    assert "voorbeeld" in page.text
    assert len([c for c in page.calls if c.method != "answerCallbackQuery"]) == 1
    # One message: the map pin comes on request.
    pin = await bot_app.press(CHAT, "Op de kaart")
    assert pin.venue is not None, pin
    assert pin.venue.params["title"]
    assert pin.venue.params["address"]
    assert abs(pin.venue.params["latitude"] - UTRECHT[0]) < 1.0


async def test_a_partner_looks_for_a_group_to_pass_on(bot_app: BotHarness) -> None:
    await start(bot_app)
    await bot_app.press(CHAT, "dicht bij me")
    await bot_app.press(CHAT, "partner")
    reply = await bot_app.press(CHAT, "voor de ander")
    assert "Alcohol" in reply.buttons
    await bot_app.press(CHAT, "Alcohol")
    await bot_app.say(CHAT, "Utrecht")
    reply = await bot_app.press(CHAT, "Klopt")
    # Groups for the partner who drinks: AA and the like, with a date.
    assert any(label.split(". ", 1)[-1].startswith("AA") for label in reply.buttons)
    assert DUTCH_DATE.search(reply.text)


async def test_someone_not_sure_yet_hears_what_a_group_is_and_can_go_on(
    bot_app: BotHarness,
) -> None:
    await start(bot_app)
    reply = await bot_app.press(CHAT, "Weet ik nog niet")
    assert "gratis" in reply.text
    assert "Voor mezelf" in reply.buttons  # back at the choice
    reply = await bot_app.press(CHAT, "Voor mezelf")
    assert "Alcohol" in reply.buttons


async def test_an_english_speaking_user_gets_english(bot_app: BotHarness) -> None:
    reply = await start(bot_app, language_code="en")
    assert "anonymous" in reply.text.lower()
    assert "Voor mezelf" not in reply.buttons
    await bot_app.press(CHAT, "myself", language_code="en")
    await bot_app.press(CHAT, "Alcohol", language_code="en")
    await bot_app.say(CHAT, "Utrecht", language_code="en")
    reply = await bot_app.press(CHAT, "right", language_code="en")
    assert "sample" in reply.text
    assert ENGLISH_DATE.search(reply.text), reply.text


async def test_a_german_speaking_user_gets_dutch_with_an_offer_of_english(
    bot_app: BotHarness,
) -> None:
    reply = await start(bot_app, language_code="de")
    assert "anoniem" in reply.text
    assert any("English" in label for label in reply.buttons), reply.buttons
    reply = await bot_app.press(CHAT, "English", language_code="de")
    assert "anonymous" in reply.text.lower() or "For myself" in " ".join(reply.buttons)


async def test_bad_input_at_every_step_gets_an_answer_and_the_conversation_goes_on(
    bot_app: BotHarness,
) -> None:
    api = bot_app.api
    presses = 0

    async def odd(push) -> Reply:  # type: ignore[no-untyped-def]
        reply = await bot_app.step(push)
        assert reply.texts, f"no answer: {reply}"
        return reply

    welcome = await start(bot_app)
    welcome_id = welcome.last.result["message_id"]
    await odd(lambda: api.send_text(CHAT, "hallo?"))  # (a sticker comes later: flood control
    # allows 20 updates in 10 seconds)
    await bot_app.press(CHAT, "Voor mezelf")
    presses += 1

    await odd(lambda: api.send_photo(CHAT))
    await odd(lambda: api.send_location(CHAT, *UTRECHT))  # a location nobody asked for
    reply = await bot_app.say(CHAT, "drank")  # typed words are understood
    assert location_key(reply)

    await odd(lambda: api.send_voice(CHAT))
    await odd(lambda: api.send_contact(CHAT))
    await odd(lambda: api.edit_message(CHAT, 1, "Amsterdam"))
    await odd(lambda: api.press_button(CHAT, "who:self", welcome_id))  # a stale button
    presses += 1
    await odd(lambda: api.press_button(CHAT, "nonsense-from-an-old-version", 3))
    presses += 1
    await bot_app.say(CHAT, "Utrecht")
    reply = await bot_app.press(CHAT, "Klopt")
    presses += 1
    assert DUTCH_DATE.search(reply.text)

    first = next(label for label in reply.buttons if re.match(r"\d+\.", label))
    results_id = reply.last.result["message_id"]
    double = [api.press(CHAT, first), api.press_button(CHAT, "x", results_id)]
    presses += 2
    for update_id in double:
        await bot_app.settle(update_id)
    await odd(lambda: api.send_sticker(CHAT))

    reply = await bot_app.say(CHAT, "/start")  # start again in the middle
    assert len(reply.buttons) >= 2, reply  # go on where I was, or start again
    reply = await bot_app.press(CHAT, "Opnieuw")
    presses += 1
    assert "Voor mezelf" in reply.buttons
    await bot_app.press(CHAT, "Voor mezelf")
    presses += 1
    reply = await bot_app.press(CHAT, "Alcohol")
    presses += 1
    assert location_key(reply)
    assert len(api.calls_of("answerCallbackQuery")) == presses
    assert all(call.ok for call in api.calls_of("answerCallbackQuery"))


async def test_a_restart_in_the_middle_of_a_conversation_continues_where_it_was(
    bot_app: BotHarness,
) -> None:
    await start(bot_app)
    await bot_app.press(CHAT, "Voor mezelf")  # now asked for the problem

    await bot_app.restart()
    assert bot_app.starts == 2

    reply = await bot_app.press(CHAT, "Alcohol")  # a button from before the restart
    assert location_key(reply)
    await bot_app.say(CHAT, "Utrecht")
    reply = await bot_app.press(CHAT, "Klopt")
    assert DUTCH_DATE.search(reply.text)


async def test_add_to_calendar_sends_an_icalendar_file(bot_app: BotHarness) -> None:
    await start(bot_app)
    await bot_app.press(CHAT, "Voor mezelf")
    await bot_app.press(CHAT, "Alcohol")
    await bot_app.say(CHAT, "Utrecht")
    reply = await bot_app.press(CHAT, "Klopt")
    first = next(label for label in reply.buttons if re.match(r"\d+\.", label))
    await bot_app.press(CHAT, first)

    reply = await bot_app.press(CHAT, "agenda")
    document = reply.document
    assert document is not None, reply
    assert document.filename.endswith(".ics")
    calendar = Calendar.from_ical(document.content)
    events = [component for component in calendar.walk("VEVENT")]
    assert len(events) == 1
    event = events[0]
    assert event.get("RRULE") is not None
    assert "Utrecht" in str(event.get("LOCATION"))
    assert event.decoded("DTSTART").tzinfo is not None


async def test_the_command_menu_is_set_in_dutch_and_english(bot_app: BotHarness) -> None:
    menus = bot_app.api.commands
    dutch = {c["command"]: c["description"] for c in menus[("default", "")]}
    english = {c["command"]: c["description"] for c in menus[("default", "en")]}
    assert {"start", "help", "privacy", "taal", "opnieuw", "stop"} <= set(dutch)
    assert {"start", "help", "privacy", "language", "restart", "reminders"} <= set(english)
    assert len(dutch) == len(english)
    assert dutch["start"] != english["start"]
    # Every command in either menu is one the dialogue understands.
    reply = await bot_app.say(CHAT, "/privacy")
    assert reply.texts
    for command in [*dutch, *english]:
        reply = await bot_app.say(CHAT, f"/{command}")
        assert "ken ik niet" not in reply.text, command


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
async def test_a_group_gets_a_polite_word_and_the_bot_leaves(
    bot_app: BotHarness, chat_type: str
) -> None:
    reply = await bot_app.say(-1001234, "/start", chat_type=chat_type)
    assert [c.method for c in reply.calls] == ["sendMessage", "leaveChat"]
    assert "privégesprek" in reply.text and "https://t.me/" in reply.text
    assert await bot_app.storage.count_users() == 0  # no conversation was started


async def test_added_to_a_group_or_channel_the_bot_leaves(bot_app: BotHarness) -> None:
    reply = await bot_app.step(lambda: bot_app.api.add_bot_to(-1005678, language_code="en"))
    assert [c.method for c in reply.calls] == ["sendMessage", "leaveChat"]
    assert "private chat" in reply.text
    reply = await bot_app.step(lambda: bot_app.api.add_bot_to(-1009999, "channel"))
    assert [c.method for c in reply.calls] == ["leaveChat"]  # a channel hears nothing
