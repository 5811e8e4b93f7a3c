"""The personas of issue 11, end to end: the real Application talking HTTP to the fake Bot API.

Each test is a person as they would use the bot on Telegram, with the sample
catalogue and the clock at Monday 23 November 2026, 10:00 in Amsterdam.
"""

from __future__ import annotations

from conftest import BotHarness
from fakebotapi import Reply
from test_english_complete import dutch_in, proper_names

CHAT = 5550011


def result_titles(reply: Reply) -> list[str]:
    """The result buttons, in order, without their numbers: "CA: CA Amsterdam"."""
    return [b.split(". ", 1)[1] for b in reply.buttons if b[:1].isdigit() and ". " in b]


async def search(bot: BotHarness, *presses: str, place: str) -> Reply:
    await bot.say(CHAT, "/start")
    for label in presses:
        await bot.press(CHAT, label)
    await bot.say(CHAT, place)
    return await bot.press(CHAT, "Klopt")  # the summary of what was understood


async def test_a_mother_whose_son_uses_cocaine_gets_ca_first(bot_app: BotHarness) -> None:
    reply = await search(
        bot_app,
        "Voor iemand die dicht bij me staat",
        "Ik ben vader of moeder",
        "Een groep voor de ander",
        "Cocaïne",
        place="Amsterdam",
    )
    titles = result_titles(reply)
    assert titles[0] == "CA: CA Amsterdam"
    reply = await bot_app.press(CHAT, "Meer bijeenkomsten")
    later = result_titles(reply)
    assert "NA: NA Amsterdam Vrouwen" in later and "NA: NA Amsterdam Dubbele Diagnose" in later
    assert "alleen voor vrouwen" in reply.text


async def test_a_fifteen_year_old_whose_father_drinks(bot_app: BotHarness) -> None:
    reply = await search(
        bot_app,
        "Voor iemand die dicht bij me staat",
        "Ik ben een kind (tiener)",
        "Alcohol",
        place="Utrecht",
    )
    assert result_titles(reply)[0] == "Alateen: Alateen Utrecht"
    assert "Het is niet jouw schuld" in reply.text
    assert "De Kindertelefoon: bel 0800-0432" in reply.text
    assert "iemand op school die je vertrouwt" in reply.text


async def test_an_expat_gets_english_groups_first_and_no_dutch(bot_app: BotHarness) -> None:
    await bot_app.say(CHAT, "/start")
    await bot_app.say(CHAT, "/language")
    await bot_app.press(CHAT, "English")
    await bot_app.press(CHAT, "For myself")
    await bot_app.press(CHAT, "Alcohol")
    await bot_app.say(CHAT, "Amsterdam")
    reply = await bot_app.press(CHAT, "Yes, that's right")
    assert result_titles(reply)[0] == "AA: AA Amsterdam English-speaking"
    assert "in Dutch" in reply.text  # the Dutch groups after it say so
    assert not dutch_in(reply.text, proper_names())
    reply = await bot_app.press(CHAT, "AA Amsterdam English-speaking")
    assert "Alcoholics Anonymous" in reply.text and "Anonieme Alcoholisten" not in reply.text
    assert "Every Friday" in reply.text
    assert not dutch_in(reply.text, proper_names())


async def test_a_woman_on_sleeping_pills_finds_svmg(bot_app: BotHarness) -> None:
    await search(bot_app, "Voor mezelf", "Medicijnen", place="Utrecht")
    await bot_app.press(CHAT, "Andere dag of filters")
    await bot_app.press(CHAT, "Voor vrouwen")
    reply = await bot_app.press(CHAT, "Toon bijeenkomsten")
    assert result_titles(reply)[0] == "SVMG: SVMG Vrouwengroep Utrecht"
    reply = await bot_app.press(CHAT, "SVMG Vrouwengroep Utrecht")
    assert "één tot twee jaar" in reply.text  # the kind of group, from the data
    assert "Alleen voor vrouwen" in reply.text


async def test_a_gambler_in_antwerp_gets_the_flemish_contact(bot_app: BotHarness) -> None:
    reply = await search(bot_app, "Voor mezelf", "Gokken", place="Antwerpen")
    assert "In de buurt van Antwerpen vind ik nu geen passende bijeenkomst" in reply.text
    assert "Vlaams Trefpunt Zelfhulp: https://www.zelfhulp.be" in reply.text
    assert "AGOG" not in reply.text  # a Dutch organisation: its groups are in the Netherlands
    assert "InTact Zwolle" in reply.buttons[0]  # online, from home


async def test_schiermonnikoog_gets_no_distance_across_the_water(bot_app: BotHarness) -> None:
    reply = await search(bot_app, "Voor mezelf", "Alcohol", place="Schiermonnikoog")
    assert "Schiermonnikoog is een eiland" in reply.text and "Lauwersoog" in reply.text
    assert "38 km" not in reply.text


async def test_vaals_near_the_border_gets_contacts_and_online_groups_without_a_pin(
    bot_app: BotHarness,
) -> None:
    reply = await search(bot_app, "Voor mezelf", "Drugs", place="Vaals")
    assert "dicht bij de grens" in reply.text and "Aken (Duitsland)" in reply.text
    assert "https://www.nanederland.nl" in reply.text
    assert "Vlaams Trefpunt" not in reply.text
    reply = await bot_app.press(CHAT, "InTact Zwolle")
    assert reply.venue is None  # no map pin for a venue 200 km away
    assert "Thorbeckegracht" not in reply.text and "Online: https://" in reply.text


async def test_a_meeting_page_gives_the_organisations_phone_where_a_source_gives_one(
    bot_app: BotHarness,
) -> None:
    """AA Vlaanderen's own site gives its always-open line: the meeting page says it, so
    someone who would rather call first can."""
    reply = await search(bot_app, "Voor mezelf", "Alcohol", place="Gent")
    [gent] = [b for b in reply.buttons if "AA Vlaanderen" in b or "Gent" in b][:1]
    page = await bot_app.press(CHAT, gent)
    assert "Telefoon: 078 05 27 27" in page.text
