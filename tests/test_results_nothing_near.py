"""When nothing is near: every fitting organisation, online meetings without a venue pin,
and honest notes for islands and borders."""

from __future__ import annotations

import re

from dialogkit import Chat, catalogue

from catalogue.crossings import Crossings
from catalogue.kinds import Country, Problem, Seeker


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
        organisation = catalogue().organisations[organisation_id]
        if Country.NL in organisation.countries:
            assert organisation.name in chat.text
        else:  # Vlaams Trefpunt Zelfhulp finds groups in Flanders, not near Vaals
            assert organisation.name not in chat.text
    assert "https://www.nanederland.nl" in chat.text


def test_an_organisation_without_website_or_phone_is_listed_with_where_to_ask_instead():
    chat = search("Medicijnen", "Vaals")
    entry = chat.text.split("• Stichting Vrouwen en Medicijngebruik\n", 1)[1].split("\n•")[0]
    assert "slaappillen" in entry  # what it is
    assert "Ik heb geen website of telefoonnummer van ze" in entry
    assert "Je huisarts of de verslavingszorg" in entry


def test_a_hybrid_group_offered_online_far_away_has_no_address_or_pin():
    chat = search("Gokken", "Antwerpen")
    assert "Vlaams Trefpunt Zelfhulp: https://www.zelfhulp.be" in chat.text
    assert "AGOG" not in chat.text  # its groups are in the Netherlands
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
    assert "Narcotics Anonymous: https://www.nanederland.nl" in chat.text
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
