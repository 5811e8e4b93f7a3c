"""Importers: real meeting data from the feeds the groups' own volunteers keep.

Four formats (Meeting Guide JSON, BMLT GetSearchResults JSON, the CSV
template, fellow-finder JSON) are parsed into `catalogue.models.Meeting`
values and merged into ``<data dir>/imports/<format>-<slug>.yaml``, which
`load_catalogue` reads. Each parser module's docstring documents its fields,
and its pydantic model reads them (shared value types: `feed_records`);
`type_codes` holds each fellowship's type codes.
"""

from catalogue.importers.records import (
    DegradedRecord,
    FeedContext,
    Locator,
    ParsedFeed,
    SkippedRecord,
)
from catalogue.importers.run import FeedFormat, ImportReport, import_feed, read_feed

__all__ = [
    "DegradedRecord",
    "FeedContext",
    "FeedFormat",
    "ImportReport",
    "Locator",
    "ParsedFeed",
    "SkippedRecord",
    "import_feed",
    "read_feed",
]
