"""What people say of themselves, end to end: the real Application talking HTTP to the fake
Bot API, on the sample catalogue, the clock at Monday 23 November 2026, 10:00 in Amsterdam."""

from __future__ import annotations

from conftest import BotHarness
from test_telegram_personas import result_titles

CHAT = 5550042


async def test_a_woman_who_says_so_sees_the_womens_group_first(bot_app: BotHarness) -> None:
    await bot_app.say(CHAT, "/start")
    await bot_app.say(CHAT, "ik ben een vrouw van 41 en ik drink elke avond een fles wijn")
    reply = await bot_app.say(CHAT, "Amsterdam")
    assert "Over jou: vrouw, 35 of ouder." in reply.text
    reply = await bot_app.press(CHAT, "Klopt")
    assert result_titles(reply)[0] == "AA: AA Amsterdam Vrouwengroep"
    assert "alleen voor vrouwen" in reply.text


async def test_a_24_year_old_sees_the_young_peoples_meeting_first_with_its_ages(
    bot_app: BotHarness,
) -> None:
    await bot_app.say(CHAT, "/start")
    await bot_app.say(CHAT, "ik ben 24 en ik drink veel te veel")
    reply = await bot_app.say(CHAT, "Utrecht")
    assert "Over jou: jonger dan 35." in reply.text
    reply = await bot_app.press(CHAT, "Klopt")
    assert result_titles(reply)[0] == "AA: AA Utrecht Jongeren (tot 35)"
    assert "voor jongeren (tot 35)" in reply.text


async def test_a_man_in_english_is_told_what_was_understood_and_gets_no_womens_group_first(
    bot_app: BotHarness,
) -> None:
    await bot_app.say(CHAT, "/start")
    await bot_app.say(CHAT, "/language")
    await bot_app.press(CHAT, "English")
    await bot_app.say(CHAT, "I'm a guy, 28, and I use drugs")
    reply = await bot_app.say(CHAT, "Amsterdam")
    assert "About you: a man, under 35." in reply.text
    reply = await bot_app.press(CHAT, "Yes, that's right")
    titles = result_titles(reply)
    assert titles[0] == "NA: NA Amsterdam English-speaking"  # his language's group comes first
    assert "NA: NA Amsterdam Vrouwen" not in titles
