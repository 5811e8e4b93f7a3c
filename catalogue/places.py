"""Places in the Netherlands and Flanders, found offline by name, postcode or coordinates.

CONTRACT (implementation to follow): see the class docstrings.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.kinds import Country


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
