"""Islands and borders: where a straight line on the map is not how a person travels.

The data (`data/rules/crossings.yaml`) says which Wadden island a point lies on
and its mainland ferry port, and which town across a border we do not cover is
near::

    crossings = Crossings.bundled()
    island = crossings.island_at(53.48, 6.15)
    assert island is not None and island.name == "Schiermonnikoog"
    assert island.port.name == "Lauwersoog"
    assert crossings.island_at(52.09, 5.12) is None
    assert crossings.border_town_near(50.77, 6.02).nl == "Aken (Duitsland)"
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from catalogue.errors import DataFileError
from catalogue.geo import distance_km
from catalogue.models import LocalText
from catalogue.yaml_files import read_yaml

_FILE = "crossings.yaml"


class _Port(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class _Island(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    box: tuple[float, float, float, float]
    port: _Port


class _Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    nl: str
    en: str


class _Border(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    town: _Text
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    within_km: float = Field(gt=0, le=100)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    islands: tuple[_Island, ...]
    borders: tuple[_Border, ...]


@dataclass(frozen=True, slots=True)
class Port:
    """A mainland ferry port: where distances are measured from for an island."""

    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Island:
    name: str
    box: tuple[float, float, float, float]  # south, west, north, east
    port: Port

    def holds(self, lat: float, lon: float) -> bool:
        south, west, north, east = self.box
        return south <= lat <= north and west <= lon <= east


@dataclass(frozen=True, slots=True)
class _BorderTown:
    town: LocalText
    lat: float
    lon: float
    within_km: float


@dataclass(frozen=True, slots=True)
class Crossings:
    """The islands and border towns of `crossings.yaml`, and its source."""

    islands: tuple[Island, ...]
    border_towns: tuple[_BorderTown, ...]
    source: str

    @classmethod
    @cache
    def bundled(cls) -> Crossings:
        text = files("catalogue").joinpath("data", "rules", _FILE).read_text(encoding="utf-8")
        return cls.from_yaml(text)

    @classmethod
    def from_yaml(cls, text: str) -> Crossings:
        """Crossings from a file's text; a `DataFileError` names what is wrong."""
        try:
            parsed = _File.model_validate(read_yaml(text, _FILE))
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"])
            raise DataFileError(_FILE, None, field, error["msg"]) from None
        return cls(
            islands=tuple(
                Island(i.name, i.box, Port(i.port.name, i.port.lat, i.port.lon))
                for i in parsed.islands
            ),
            border_towns=tuple(
                _BorderTown(LocalText(b.town.nl, b.town.en), b.lat, b.lon, b.within_km)
                for b in parsed.borders
            ),
            source=parsed.source,
        )

    def island_at(self, lat: float, lon: float) -> Island | None:
        """The island this point lies on, if any."""
        return next((i for i in self.islands if i.holds(lat, lon)), None)

    def border_town_near(self, lat: float, lon: float) -> LocalText | None:
        """The nearest town across a border we do not cover, when it is near enough."""
        near = [
            (distance_km(lat, lon, b.lat, b.lon), b)
            for b in self.border_towns
            if distance_km(lat, lon, b.lat, b.lon) <= b.within_km
        ]
        return min(near, key=lambda pair: pair[0])[1].town if near else None
