"""Offline geocoding of what people type: names, short forms, typos, postcodes, coordinates."""

from __future__ import annotations

import pytest

from catalogue.kinds import Country
from catalogue.places import PlaceIndex
from catalogue.text import name_key


@pytest.fixture(scope="module")
def places() -> PlaceIndex:
    return PlaceIndex.bundled()


def found(places: PlaceIndex, text: str):
    lookup = places.lookup(text)
    assert lookup.place is not None, (text, lookup)
    return lookup.place


@pytest.mark.parametrize(
    ("typed", "name", "province"),
    [
        ("den bosch", "'s-Hertogenbosch", "Noord-Brabant"),
        ("Den Bosch", "'s-Hertogenbosch", "Noord-Brabant"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch", "Noord-Brabant"),
        ("s hertogenbosch", "'s-Hertogenbosch", "Noord-Brabant"),
        ("Alphen a/d Rijn", "Alphen aan den Rijn", "Zuid-Holland"),
        ("alphen aan de rijn", "Alphen aan den Rijn", "Zuid-Holland"),
        ("Amsterdm", "Amsterdam", "Noord-Holland"),
        ("AMSTERDAM", "Amsterdam", "Noord-Holland"),
        ("Utreht", "Utrecht", "Utrecht"),
        ("Den Haag", "Den Haag", "Zuid-Holland"),
        ("'s-Gravenhage", "Den Haag", "Zuid-Holland"),
        ("Maastricht", "Maastricht", "Limburg (NL)"),
        ("St. Oedenrode", "Sint-Oedenrode", "Noord-Brabant"),
        ("Gent", "Gent", "Oost-Vlaanderen"),
        ("Antwerpen", "Antwerpen", "Antwerpen"),
        ("Brussel", "Brussel", "Brussel"),
        ("Bruxelles", "Brussel", "Brussel"),
        ("Genk", "Genk", "Limburg (BE)"),
        ("Leuven", "Leuven", "Vlaams-Brabant"),
        ("Luik", "Liège", "Luik"),
        ("Bergen NH", "Bergen", "Noord-Holland"),
        ("Bergen (NH)", "Bergen", "Noord-Holland"),
    ],
)
def test_forgiving_names(places: PlaceIndex, typed: str, name: str, province: str) -> None:
    place = found(places, typed)
    assert (place.name, place.province) == (name, province)


def test_diacritics_and_hyphens_do_not_matter() -> None:
    assert name_key("Liège") == name_key("liege")
    assert name_key("Sint-Niklaas") == name_key("sint niklaas")
    assert name_key("Alphen a.d. Rijn") == name_key("Alphen aan den Rijn")


@pytest.mark.parametrize("typed", ["3511", "3511 AB", "3511ab", " 3511 ab "])
def test_dutch_postcode_is_placed_at_its_locality(places: PlaceIndex, typed: str) -> None:
    place = found(places, typed)
    assert (place.id, place.name, place.country) == ("pc:NL:3511", "Utrecht", Country.NL)
    assert place.lat == pytest.approx(52.09, abs=0.05)
    assert places.get("pc:NL:3511") == place


def test_belgian_postcode(places: PlaceIndex) -> None:
    place = found(places, "9000")
    assert (place.name, place.province, place.country) == ("Gent", "Oost-Vlaanderen", Country.BE)
    # A code both countries use is Dutch unless the text says Belgium.
    assert found(places, "B-3511").country is Country.BE
    assert found(places, "3511").country is Country.NL


def test_postcode_of_a_locality_geonames_lacks_is_placed_by_its_neighbours(
    places: PlaceIndex,
) -> None:
    """5854 is "Bergen L": placed in Limburg, near the postcodes around it."""
    place = found(places, "5854")
    assert place.province == "Limburg (NL)"
    assert place.lat == pytest.approx(51.6, abs=0.15) and place.lon == pytest.approx(6.05, abs=0.2)


def test_bergen_is_three_places_each_with_its_province(places: PlaceIndex) -> None:
    lookup = places.lookup("Bergen")
    assert lookup.place is None
    assert [p.province for p in lookup.choices] == [
        "Noord-Holland",
        "Limburg (NL)",
        "Henegouwen",
    ]
    assert found(places, "Bergen Limburg").province == "Limburg (NL)"


def test_unknown_word_gives_the_closest_suggestions(places: PlaceIndex) -> None:
    lookup = places.lookup("Amstrdem")
    assert lookup.place is None and not lookup.choices
    assert 1 <= len(lookup.suggestions) <= 5
    assert lookup.suggestions[0].name == "Amsterdam"


def test_nonsense_gives_nothing(places: PlaceIndex) -> None:
    assert places.lookup("qqqqxxxzzz").suggestions == ()
    assert places.lookup("   ").place is None


def test_nearest_from_a_shared_location(places: PlaceIndex) -> None:
    place = places.nearest(52.0907, 5.1214)  # Domplein, Utrecht
    assert place is not None and place.name == "Utrecht"
    assert places.get(place.id) == place


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(54.5, 3.0), (52.52, 13.40), (48.85, 2.35)],
    ids=["north-sea", "berlin", "paris"],
)
def test_nearest_far_outside_nl_be_is_none(places: PlaceIndex, lat: float, lon: float) -> None:
    assert places.nearest(lat, lon) is None


def test_coordinates_typed_as_text(places: PlaceIndex) -> None:
    place = found(places, "52.0907, 5.1214")
    assert place.name == "Utrecht" and place.id == "geo:52.091,5.121"
    assert places.get(place.id) == place


def test_get_unknown_id(places: PlaceIndex) -> None:
    assert places.get("gn:0") is None
    assert places.get("pc:NL:0000") is None
    assert places.get("geo:nonsense") is None


def test_same_name_in_two_countries_is_a_choice(places: PlaceIndex) -> None:
    lookup = places.lookup("Hasselt")
    assert {(p.province, p.country) for p in lookup.choices} == {
        ("Limburg (BE)", Country.BE),
        ("Overijssel", Country.NL),
    }


def test_named_finds_only_a_places_own_name_or_nickname(places: PlaceIndex) -> None:
    assert places.named("Den Bosch").place.name == "'s-Hertogenbosch"
    assert places.named("zwolle").place.name == "Zwolle"
    assert len(places.named("Bergen").choices) == 3
    assert places.named("Amsterdm") is None  # no typos: lookup forgives those
    assert places.named("liever") is None  # lookup would suggest Lievelde
    assert places.named("") is None
