"""Importers: real meeting data from the feeds the groups' own volunteers keep.

Three formats (Meeting Guide JSON, BMLT GetSearchResults JSON, the CSV
template) are parsed into `catalogue.models.Meeting` values and merged into
``<data dir>/imports/<format>-<slug>.yaml``, which `load_catalogue` reads.
Each parser module's docstring documents its fields and code mappings.
"""

from catalogue.importers.records import Locator, ParsedFeed, SkippedRecord
from catalogue.importers.run import FeedFormat, ImportReport, import_feed

__all__ = [
    "FeedFormat",
    "ImportReport",
    "Locator",
    "ParsedFeed",
    "SkippedRecord",
    "import_feed",
]
