"""Danger, typed at any step, through the real bot over HTTP against the fake Bot API server.

Each kind is typed at three different steps of one conversation (the first
question, the problem question and the place question): the reply's first
line holds the kind's number, the step does not move, and after "verder
waar ik was" the same question comes back and the conversation goes on.
"""

from __future__ import annotations

import pytest
from conftest import BotHarness
from fakebotapi import Reply

CHAT = 5550042

KINDS = {
    "acute": (
        "Bel nu 112.",
        [
            "mijn vriend is niet wakker te krijgen na ghb",
            "ik heb net een hele strip slaappillen geslikt",
            "I took way too many pills",
        ],
    ),
    "suicidal": (
        "Praat erover met 113 Zelfmoordpreventie: bel 113 of 0800-0113.",
        [
            "ik zie het niet meer zitten",
            "iedereen is beter af zonder mij",
            "ik wil slapen en nooit meer wakker worden",
        ],
    ),
    "violence": (
        "Bel Veilig Thuis: 0800-2000.",
        [
            "mijn man slaat me als hij gedronken heeft",
            "mn vriend mishandeld me als hij coke op heeft",
            "my husband hits me when he drinks",
        ],
    ),
    "child": (
        "Bel De Kindertelefoon: 0800-0432.",
        [
            "ik ben 12 en ik durf niet naar huis",
            "ik ben 13 en mama is altijd dronken en ik ben bang",
            "im 14 and my dad drinks every night and im scared",
        ],
    ),
}


def first_line(reply: Reply) -> str:
    return reply.texts[0].splitlines()[0]


async def danger_then_back(bot: BotHarness, message: str, number_line: str) -> Reply:
    """Type `message`; its number comes first; then go back to where we were."""
    reply = await bot.say(CHAT, message)
    assert first_line(reply) == number_line, reply.text
    assert "Wil je verder zoeken naar een groep?" in reply.text
    return await bot.press(CHAT, "verder waar ik was")


@pytest.mark.parametrize("kind", KINDS)
async def test_each_kind_of_danger_at_three_steps_gets_its_number_first_and_goes_on(
    bot_app: BotHarness, kind: str
) -> None:
    number_line, messages = KINDS[kind]
    await bot_app.say(CHAT, "/start")

    back = await danger_then_back(bot_app, messages[0], number_line)  # who is it for?
    assert "Voor mezelf" in back.buttons
    await bot_app.press(CHAT, "Voor mezelf")

    back = await danger_then_back(bot_app, messages[1], number_line)  # which problem?
    assert "Alcohol" in back.buttons
    await bot_app.press(CHAT, "Alcohol")

    await danger_then_back(bot_app, messages[2], number_line)  # where?
    await bot_app.say(CHAT, "Utrecht")
    reply = await bot_app.press(CHAT, "Klopt")
    assert "Utrecht" in reply.text and any("AA" in label for label in reply.buttons)


async def test_in_flanders_the_flemish_numbers_come_first(bot_app: BotHarness) -> None:
    await bot_app.say(CHAT, "/start")
    await bot_app.press(CHAT, "Voor mezelf")
    await bot_app.press(CHAT, "Alcohol")
    await bot_app.say(CHAT, "Gent")
    results = await bot_app.press(CHAT, "Klopt")
    assert "Gent" in results.text

    reply = await bot_app.say(CHAT, "ik zie het ni meer zitten")
    assert first_line(reply) == "Praat erover met Zelfmoordlijn 1813 (België): bel 1813."
    assert reply.text.index("1813") < reply.text.index("113 Zelfmoordpreventie")
    reply = await bot_app.say(CHAT, "mijne vent klopt mij als hij zat is")
    assert first_line(reply) == "Bel 1712 (België): 1712."
    back = await bot_app.press(CHAT, "verder waar ik was")
    assert "Gent" in back.text  # the results again, the page not turned


async def test_a_photo_caption_is_read_for_danger(bot_app: BotHarness) -> None:
    await bot_app.say(CHAT, "/start")
    reply = await bot_app.step(
        lambda: bot_app.api.send_photo(CHAT, caption="ik heb net al mijn pillen genomen")
    )
    assert first_line(reply) == "Bel nu 112."


async def test_in_english_the_numbers_come_first_too(bot_app: BotHarness) -> None:
    await bot_app.say(CHAT, "/start", language_code="en")
    reply = await bot_app.say(CHAT, "i want to kill myself", language_code="en")
    assert first_line(reply) == "Talk to 113 Suicide Prevention about it: call 113 or 0800-0113."
    assert "Are you safe right now?" in reply.text
