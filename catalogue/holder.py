"""The catalogue a running bot reads, swapped whole when the data changes.

A turn reads `CatalogueHolder.current` once and uses that `Edition` to the
end: a catalogue and the search index built from it, always of a piece. A
refresh builds the next edition elsewhere (off the event loop) and `swap`
puts it in with one assignment, so a turn in progress finishes on the old
catalogue and the next turn sees the new one; nobody sees half of each.

>>> from catalogue.loading import load_bundled_catalogue
>>> holder = CatalogueHolder(load_bundled_catalogue())
>>> first = holder.current
>>> holder.swap(first.catalogue).number - first.number
1
"""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.models import Catalogue
from catalogue.search import SearchIndex


@dataclass(frozen=True, slots=True)
class Edition:
    """One catalogue and its search index; `number` counts the swaps (1 at start)."""

    catalogue: Catalogue
    search: SearchIndex
    number: int = 1


class CatalogueHolder:
    """Holds the current `Edition`; `swap` replaces it at once."""

    def __init__(self, catalogue: Catalogue, search: SearchIndex | None = None) -> None:
        self._current = Edition(catalogue, search or SearchIndex(catalogue))

    @property
    def current(self) -> Edition:
        return self._current

    def swap(self, catalogue: Catalogue, search: SearchIndex | None = None) -> Edition:
        """Make `catalogue` (with `search`, else a new index of it) the current edition."""
        edition = Edition(
            catalogue, search or SearchIndex(catalogue), number=self._current.number + 1
        )
        self._current = edition
        return edition
