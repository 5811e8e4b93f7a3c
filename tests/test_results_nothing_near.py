"""When nothing is near: every fitting organisation, online meetings without a venue pin,
and honest notes for islands and borders."""

from __future__ import annotations

import re

from dialogkit import Chat, catalogue

from catalogue.crossings import Crossings
from catalogue.kinds import Problem, Seeker


def search(problem: str, place: str, language: str = "nl") -> Chat:
    chat = Chat(language)
    chat.start()
    chat.press("Voor mezelf" if language == "nl" else "For myself")
    chat.press(problem)
    chat.type(place)
    chat.press("Klopt" if language == "nl" else "Yes, that's right")  # what was understood
    return chat


def test_schiermonnikoog_measures_from_the_ferry_port_not_across_the_water():
    chat = search("Alcohol", "Schiermonnikoog")
    assert "Schiermonnikoog is een eiland" in chat.text and "Lauwersoog" in chat.text
    assert "38 km" not in chat.text  # Leeuwarden as the crow flies from the island
    distances = [int(km) for km in re.findall(r"^(\d+) km", chat.text, re.M)]
    assert distances and all(km < 38 for km in distances)


def test_vaals_says_groups_across_the_border_are_not_in_the_list_and_gives_every_contact():
    chat = search("Drugs", "Vaals")
    assert "dicht bij de grens" in chat.text and "Aken (Duitsland)" in chat.text
    fitting = catalogue().fitting_organisations(Seeker.SELF, Problem.DRUGS)
    for organisation_id in fitting:
        assert catalogue().organisations[organisation_id].name in chat.text
    assert "https://www.na-holland.nl" in chat.text


def test_an_organisation_without_website_or_phone_is_listed_and_says_so():
    chat = search("Medicijnen", "Vaals")
    assert "Stichting Vrouwen en Medicijngebruik: geen website of telefoonnummer bekend" in (
        chat.text
    )


def test_a_hybrid_group_offered_online_far_away_has_no_address_or_pin():
    chat = search("Gokken", "Antwerpen")
    assert "Vlaams Trefpunt Zelfhulp" in chat.text.split("AGOG")[0]  # home country first
    assert "AGOG Anonieme Gokkers: https://www.stoppenmetgokken.nl" in chat.text
    chat.press("InTact Zwolle")
    page = chat.screens[0]
    assert page.venue is None and "Thorbeckegracht" not in page.text
    assert "komt ook samen in Zwolle" in page.text and "Online: https://" in page.text


def test_a_hybrid_group_near_by_keeps_its_address_and_pin():
    chat = search("Alcohol", "Zwolle")
    chat.press("InTact Zwolle")
    page = chat.screens[0]
    assert "Thorbeckegracht 21" in page.text
    assert page.venue is None  # one message: the pin comes on request
    assert any("Op de kaart" in b.label for row in page.buttons for b in row)


def test_english_screens_name_the_organisations_in_english():
    chat = search("Drugs", "Vaals", language="en")
    assert "Narcotics Anonymous: https://www.na-holland.nl" in chat.text
    assert "Anonieme Verslaafden" not in chat.text
    assert "close to the border" in chat.text and "Aachen (Germany)" in chat.text


def test_every_wadden_island_has_a_mainland_port_outside_its_box():
    crossings = Crossings.bundled()
    assert {i.name for i in crossings.islands} == {
        "Texel",
        "Vlieland",
        "Terschelling",
        "Ameland",
        "Schiermonnikoog",
    }
    for island in crossings.islands:
        assert crossings.island_at(island.port.lat, island.port.lon) is None
