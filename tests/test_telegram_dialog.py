"""The rebuilt dialogue end to end: the real Application, over HTTP, against the fake Bot API.

One message with several facts, said back before the search; a teenager; English from the
first message; a way back.
"""

from __future__ import annotations

import re

from conftest import BotHarness

from catalogue.loading import load_bundled_catalogue

CHAT = 5550101


def meeting_labels(buttons: list[str]) -> list[str]:
    return [label for label in buttons if re.match(r"\d+\. ", label)]


async def test_my_wife_drinks_we_live_in_den_bosch_reaches_groups_in_two_taps(
    bot_app: BotHarness,
) -> None:
    await bot_app.say(CHAT, "/start")
    reply = await bot_app.say(CHAT, "mijn vrouw drinkt, we wonen in Den Bosch")
    taps = 0
    while not reply.text.startswith("Ik begrijp:"):  # only what the message did not say
        assert "Steun voor mezelf" in reply.buttons, reply
        reply = await bot_app.press(CHAT, "Steun voor mezelf")
        taps += 1
    assert "partner" in reply.text and "drinkt" in reply.text
    assert "'s-Hertogenbosch" in reply.text
    reply = await bot_app.press(CHAT, "Klopt")
    taps += 1
    assert taps <= 2
    assert "Steun voor jou als partner · Alcohol · bij 's-Hertogenbosch" in reply.text
    organisations = load_bundled_catalogue().organisations
    by_short_name = {o.short_name: o for o in organisations.values()}
    first = meeting_labels(reply.buttons)[0].split(". ", 1)[1].split(":")[0]
    assert by_short_name[first].id == "al-anon"  # a group for partners of drinkers


async def test_a_fifteen_year_old_whose_father_drinks_gets_teenagers_groups_first(
    bot_app: BotHarness,
) -> None:
    await bot_app.say(CHAT, "/start")
    await bot_app.say(CHAT, "mijn vader drinkt heel veel en ik ben 15")
    reply = await bot_app.say(CHAT, "Utrecht")
    assert "als kind (tiener) van iemand die drinkt, bij Utrecht" in reply.text
    reply = await bot_app.press(CHAT, "Klopt")
    assert meeting_labels(reply.buttons)[0].startswith("1. Alateen:")


async def test_an_english_first_message_leads_to_english_screens(bot_app: BotHarness) -> None:
    await bot_app.say(CHAT, "/start")  # a Dutch Telegram: the welcome is in Dutch
    reply = await bot_app.say(CHAT, "hi, my husband drinks too much")
    assert "Support for myself" in reply.buttons, reply
    reply = await bot_app.press(CHAT, "Support for myself")
    assert "Where would you like to look?" in reply.text
    reply = await bot_app.say(CHAT, "I live in Utrecht")
    assert reply.text.startswith("I understand: you are looking for support for yourself")
    reply = await bot_app.press(CHAT, "Yes, that's right")
    assert "these are samples" in reply.text and "Support for you as a partner" in reply.text


async def test_terug_on_every_question_and_typed_back_return_to_the_question_before(
    bot_app: BotHarness,
) -> None:
    await bot_app.say(CHAT, "/start")
    await bot_app.press(CHAT, "Voor iemand die dicht bij me staat")
    reply = await bot_app.press(CHAT, "Ik ben de partner")
    assert "Terug" in reply.buttons
    reply = await bot_app.press(CHAT, "Terug")
    assert "Wat ben jij van die persoon?" in reply.text
    await bot_app.press(CHAT, "Ik ben de partner")
    await bot_app.press(CHAT, "Steun voor mezelf")
    reply = await bot_app.press(CHAT, "Alcohol")
    assert [key["text"] for key in reply.keyboard][1:] == ["Online", "Terug"]
    reply = await bot_app.say(CHAT, "Terug")  # the location keyboard's own key
    assert "Waar gaat het om bij de ander?" in reply.text
    reply = await bot_app.say(CHAT, "vorige")
    assert "Zoek je steun voor jezelf" in reply.text
