"""The personas of issue 11 on the real default catalogue, end to end on Telegram.

Demo mode off: the catalogue is the one a clinic deploys, with the 943 real
NA, AA and CA meetings of the fellow-finder copy (18 July 2026) and no sample
meeting. The real Application talks HTTP to the fake Bot API; the clock is at
Monday 23 November 2026, 10:00 in Amsterdam. Each person must get a truthful
screen: real meetings with their "as of" date and official link where they
exist, and otherwise the fitting organisations themselves, of the person's
country, with how to reach them — never an empty screen or a sample, no
distance across the water and no map pin for an online meeting.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date
from functools import cache
from typing import Any

import pytest
from conftest import BotHarness
from fakebotapi import Reply
from test_english_complete import dutch_in, proper_names
from test_telegram_personas import result_titles

from catalogue.crossings import Crossings
from catalogue.geo import distance_km
from catalogue.holder import LoadedCatalogue
from catalogue.kinds import Country, Problem, Relation, Seeker
from catalogue.loading import bundled_files, load_files
from catalogue.places import PlaceIndex

CHAT = 5550012
TODAY = date(2026, 11, 23)
AS_OF_NL = "Gegevens van 18 juli 2026"
SAMPLE_WORDS = ("[voorbeeld]", "voorbeelden", "bestaan niet echt", "[sample]")


@cache
def _real() -> Any:
    """The real default catalogue and its indexes, built once for this module."""
    return LoadedCatalogue.build(
        load_files(bundled_files(samples=False), today=TODAY), PlaceIndex.bundled()
    )


@pytest.fixture
async def real_bot(
    make_bot: Callable[..., Awaitable[BotHarness]], monkeypatch: pytest.MonkeyPatch
) -> BotHarness:
    """The bot as a clinic runs it: demo mode off, the real catalogue."""
    monkeypatch.delenv("ZELFHULPWIJZER_SAMPLES", raising=False)
    harness = await make_bot(loaded=_real())
    assert not any(m.source.sample for m in harness.catalogue.meetings.values())
    return await harness.start()


async def search(bot: BotHarness, *presses: str, place: str) -> Reply:
    await bot.say(CHAT, "/start")
    for label in presses:
        await bot.press(CHAT, label)
    await bot.say(CHAT, place)
    return await bot.press(CHAT, "Klopt")  # the summary of what was understood


def contacts(reply: Reply) -> list[str]:
    """The organisations the screen offers, as their bullet lines."""
    return [line for line in reply.text.splitlines() if line.startswith("• ")]


def organisation_names(seeker: Seeker, problem: Problem, relation: Relation | None = None):
    """Every fitting organisation serving the Netherlands, and those that do not."""
    data = _real().catalogue
    fitting = [data.organisations[o] for o in data.fitting_organisations(seeker, problem, relation)]
    dutch = [o.name for o in fitting if Country.NL in o.countries]
    other = [o.name for o in fitting if Country.NL not in o.countries]
    return dutch, other


def assert_truthful(reply: Reply) -> None:
    """Never empty, never a sample."""
    assert reply.text.strip()
    assert not any(word in reply.text for word in SAMPLE_WORDS)


async def test_a_mother_whose_son_uses_cocaine_gets_the_parents_groups_and_real_ca(
    real_bot: BotHarness,
) -> None:
    reply = await search(
        real_bot,
        "Voor iemand die dicht bij me staat",
        "Ik ben vader of moeder",
        "Steun voor mezelf",
        "Cocaïne",
        place="Amsterdam",
    )
    assert_truthful(reply)
    # No group for parents has meetings in the real catalogue: the screen says so, and
    # does not claim that none is near.
    assert "staan (nog) niet in mijn lijst" in reply.text
    assert "In de buurt van Amsterdam" not in reply.text
    dutch, other = organisation_names(Seeker.NAASTE, Problem.COCAINE, Relation.PARENT)
    for name in dutch:
        assert any(line.startswith(f"• {name}") for line in contacts(reply)), name
    assert other and not any(name in reply.text for name in other)  # Vlaams Trefpunt Zelfhulp
    assert "https://www.lsovd.nl" in reply.text and "https://www.moedigemoeders.nl" in reply.text
    assert " km" not in reply.text

    # A group for her son instead: real CA meetings in Amsterdam, CA first.
    await real_bot.press(CHAT, "Opnieuw beginnen")
    reply = await search(
        real_bot,
        "Voor iemand die dicht bij me staat",
        "Ik ben vader of moeder",
        "Een groep voor de ander",
        "Cocaïne",
        place="Amsterdam",
    )
    assert_truthful(reply)
    titles = result_titles(reply)
    assert titles and titles[0].startswith("CA: ")
    page = await real_bot.press(CHAT, reply.buttons[0])
    assert AS_OF_NL in page.text
    assert "officiële pagina: https://ca-holland.nl/meetings/" in page.text
    assert "Adres: " in page.text


async def test_a_fifteen_year_old_whose_father_drinks_gets_alateen_and_the_kindertelefoon(
    real_bot: BotHarness,
) -> None:
    reply = await search(
        real_bot,
        "Voor iemand die dicht bij me staat",
        "Ik ben een kind (tiener)",
        "Alcohol",
        place="Utrecht",
    )
    assert_truthful(reply)
    assert "Het is niet jouw schuld" in reply.text
    assert "De Kindertelefoon: bel 0800-0432" in reply.text
    assert "iemand op school die je vertrouwt" in reply.text
    lines = contacts(reply)
    assert lines[0] == "• Alateen (Al-Anon): https://www.al-anon.nl"
    assert "Vlaams Trefpunt" not in reply.text
    assert "staan (nog) niet in mijn lijst" in reply.text


async def test_an_expat_gets_real_english_screens_with_the_date_and_official_link(
    real_bot: BotHarness,
) -> None:
    await real_bot.say(CHAT, "/start")
    await real_bot.say(CHAT, "/language")
    await real_bot.press(CHAT, "English")
    await real_bot.press(CHAT, "For myself")
    await real_bot.press(CHAT, "Alcohol")
    await real_bot.say(CHAT, "Amsterdam")
    reply = await real_bot.press(CHAT, "Yes, that's right")
    names = proper_names(real_bot.catalogue)
    assert_truthful(reply)
    assert "Best fit first" in reply.text and result_titles(reply)[0].startswith("AA: ")
    assert not dutch_in(reply.text, names)
    first = reply.text.split("\n\n1. ", 1)[1].split("\n\n", 1)[0]
    assert "in Dutch" not in first  # an English-speaking group comes first
    page = await real_bot.press(CHAT, reply.buttons[0])
    assert "Alcoholics Anonymous" in page.text and "Anonieme Alcoholisten" not in page.text
    assert "18 July 2026" in page.text and "https://aa-nederland.nl/meetings/" in page.text
    assert not dutch_in(page.text, names)


async def test_a_woman_on_sleeping_pills_gets_real_meetings_and_svmg_with_where_to_ask(
    real_bot: BotHarness,
) -> None:
    reply = await search(real_bot, "Voor mezelf", "Medicijnen", place="Utrecht")
    assert_truthful(reply)
    assert result_titles(reply)[0].startswith("NA: ")
    # SVMG fits best but has no meetings, website or phone here: it is still offered,
    # with what it is and where to ask.
    svmg = reply.text.split("• Stichting Vrouwen en Medicijngebruik\n", 1)[1]
    assert svmg.startswith("  Voor vrouwen die merken")
    assert "Je huisarts of de verslavingszorg" in svmg.split("\n•")[0]
    assert "geen website of telefoonnummer bekend" not in reply.text


async def test_a_gambler_in_antwerp_gets_the_flemish_centre_and_no_dutch_group(
    real_bot: BotHarness,
) -> None:
    reply = await search(real_bot, "Voor mezelf", "Gokken", place="Antwerpen")
    assert_truthful(reply)
    assert "staan (nog) niet in mijn lijst" in reply.text
    assert contacts(reply) == ["• Vlaams Trefpunt Zelfhulp: https://www.zelfhulp.be"]
    assert "hulplijnen onder /hulp" in reply.text
    assert result_titles(reply) == []  # no meeting to offer, and none invented
    assert "Andere dag of filters" not in reply.buttons  # no filter could find one


async def test_schiermonnikoog_measures_from_the_ferry_port_and_online_has_no_pin(
    real_bot: BotHarness,
) -> None:
    reply = await search(real_bot, "Voor mezelf", "Alcohol", place="Schiermonnikoog")
    assert_truthful(reply)
    assert "Schiermonnikoog is een eiland" in reply.text and "Lauwersoog" in reply.text
    port = Crossings.bundled().island_at(53.48, 6.15).port
    first_km = int(re.search(r"^(\d+) km", reply.text, re.M).group(1))
    page = await real_bot.press(CHAT, reply.buttons[0])
    meeting = next(m for m in real_bot.catalogue.meetings.values() if m.name in page.text)
    assert meeting.venue is not None
    assert first_km == round(distance_km(port.lat, port.lon, meeting.venue.lat, meeting.venue.lon))
    assert AS_OF_NL in page.text and "https://aa-nederland.nl/meetings/" in page.text

    # From home instead: real online meetings, and the page of one has no address or pin.
    await real_bot.press(CHAT, "Terug naar de lijst")
    await real_bot.press(CHAT, "Andere plaats")
    reply = await real_bot.say(CHAT, "Online")  # a key of the reply keyboard
    assert_truthful(reply)
    assert "Online bijeenkomsten, de eerstvolgende eerst" in reply.text
    page = await real_bot.press(CHAT, reply.buttons[0])
    assert page.venue is None and "Adres:" not in page.text and "Op de kaart" not in page.buttons
    assert "Online: https://" in page.text and AS_OF_NL in page.text


async def test_vaals_gets_real_meetings_near_and_the_border_note(real_bot: BotHarness) -> None:
    reply = await search(real_bot, "Voor mezelf", "Drugs", place="Vaals")
    assert_truthful(reply)
    assert "dicht bij de grens" in reply.text and "Aken (Duitsland)" in reply.text
    assert result_titles(reply)[0].startswith("NA: ")
    page = await real_bot.press(CHAT, reply.buttons[0])
    assert AS_OF_NL in page.text and "https://www.nanederland.nl/meetings/" in page.text


async def test_a_gambler_in_vaals_gets_the_dutch_organisations_only(
    real_bot: BotHarness,
) -> None:
    reply = await search(real_bot, "Voor mezelf", "Gokken", place="Vaals")
    assert_truthful(reply)
    assert "dicht bij de grens" in reply.text
    assert "staan (nog) niet in mijn lijst" in reply.text
    dutch, other = organisation_names(Seeker.SELF, Problem.GAMBLING)
    assert [line.split(":")[0] for line in contacts(reply)] == [f"• {n}" for n in dutch]
    assert other and not any(name in reply.text for name in other)
    assert contacts(reply)[0] == "• AGOG Anonieme Gokkers: https://www.stoppenmetgokken.nl"


async def test_a_drinker_in_antwerp_gets_aa_vlaanderen_with_the_phone_its_site_gives(
    real_bot: BotHarness,
) -> None:
    reply = await search(real_bot, "Voor mezelf", "Alcohol", place="Antwerpen")
    assert_truthful(reply)
    aa_vlaanderen = real_bot.catalogue.organisations["aa-vlaanderen"]
    assert aa_vlaanderen.contact_source.url.startswith("https://www.aavlaanderen.org/")
    assert contacts(reply)[0] == (
        "• AA Vlaanderen: https://www.aavlaanderen.org · bel 078 05 27 27 · info@aavlaanderen.org"
    )
    assert not any("InTact" in line for line in contacts(reply))  # Dutch groups only
