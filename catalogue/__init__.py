"""The catalogue: organisations, meetings, places and search, as pure Python.

No Telegram and no database here. This is what other layers may import;
each helper keeps its own names in `__all__` current.

    from catalogue import load_catalogue, SearchIndex, Query, PlaceIndex
"""

from __future__ import annotations

from catalogue.errors import CatalogueError, DataFileError, DataFilesError, FeedImportError
from catalogue.geo import distance_km
from catalogue.kinds import Attribute, Country, Problem, Relation, Seeker
from catalogue.loading import (
    default_data_dir,
    load_bundled_catalogue,
    load_catalogue,
    load_files,
    meeting_from_record,
    meeting_to_record,
    source_to_record,
)
from catalogue.models import (
    Catalogue,
    Clinic,
    FitRule,
    Helpline,
    LocalText,
    Meeting,
    Online,
    Organisation,
    Source,
    Venue,
)
from catalogue.places import Place, PlaceIndex, PlaceLookup
from catalogue.recurrence import next_meeting_at, occurrences_between
from catalogue.search import Filters, Match, Query, SearchIndex, SearchResult

__all__ = [
    "Attribute",
    "Catalogue",
    "CatalogueError",
    "Clinic",
    "Country",
    "DataFileError",
    "DataFilesError",
    "FeedImportError",
    "Filters",
    "FitRule",
    "Helpline",
    "LocalText",
    "Match",
    "Meeting",
    "Online",
    "Organisation",
    "Place",
    "PlaceIndex",
    "PlaceLookup",
    "Problem",
    "Query",
    "Relation",
    "SearchIndex",
    "SearchResult",
    "Seeker",
    "Source",
    "Venue",
    "default_data_dir",
    "distance_km",
    "load_bundled_catalogue",
    "load_catalogue",
    "load_files",
    "meeting_from_record",
    "meeting_to_record",
    "next_meeting_at",
    "occurrences_between",
    "source_to_record",
]
