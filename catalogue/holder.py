"""The catalogue the bot answers from right now, with its indexes: one holder, read per turn.

The bot builds one `CatalogueHolder` at start-up (`bot.app`) and everything that answers
from the catalogue (turns, reminders, readiness) reads `holder.current` when it needs it
instead of keeping its own reference. So a new catalogue, once built with its indexes, is
swapped in by one assignment (`CatalogueHolder.swap`): a turn that already took `current`
finishes on the old one, the next turn sees the new one, and nobody sees a catalogue
without the indexes that belong to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.models import Catalogue
from catalogue.places import PlaceIndex
from catalogue.search import SearchIndex

__all__ = ["CatalogueHolder", "LoadedCatalogue"]


@dataclass(frozen=True, slots=True)
class LoadedCatalogue:
    """A catalogue together with the indexes built from it (always swapped as one).

    `outdated_feeds` are the addresses of subscribed feeds not refreshed for
    over 30 days: their meetings carry a line saying the data may be out of date.
    """

    catalogue: Catalogue
    places: PlaceIndex
    search: SearchIndex
    outdated_feeds: frozenset[str] = frozenset()

    @classmethod
    def build(cls, catalogue: Catalogue, places: PlaceIndex) -> LoadedCatalogue:
        """Index `catalogue` for search; the place index does not depend on it."""
        return cls(catalogue, places, SearchIndex(catalogue))


class CatalogueHolder:
    """Holds the `LoadedCatalogue` in use; `swap` replaces it at once."""

    def __init__(self, loaded: LoadedCatalogue) -> None:
        self._current = loaded

    @property
    def current(self) -> LoadedCatalogue:
        """The catalogue and indexes to answer from now (take it once per turn)."""
        return self._current

    @property
    def catalogue(self) -> Catalogue:
        """Shorthand for ``current.catalogue``."""
        return self._current.catalogue

    def swap(self, loaded: LoadedCatalogue) -> None:
        """Answer from `loaded` from the next read on."""
        self._current = loaded
