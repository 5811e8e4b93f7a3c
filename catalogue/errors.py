"""Our exception hierarchy:

    CatalogueError
    ├── DataFileError   the operator must fix a data file (names file, record, field)
    ├── DataFilesError  several of those, found in one load
    ├── FeedImportError a feed could not be imported (names the file and the record)
    └── FeedFetchError  a subscribed feed could not be fetched (names the feed and why)

A place a user types that cannot be found is not an error: `PlaceIndex.lookup`
returns suggestions instead, and the dialogue asks again.
"""

from __future__ import annotations


class CatalogueError(Exception):
    """Something in the catalogue's data needs a person to act."""


class DataFileError(CatalogueError):
    """A data file is wrong; the message names the file, the record and the field.

    Printed as ``meetings.yaml: meeting 'aa-utrecht-dinsdag': field 'start':
    '25:00' is not a time of day (expected HH:MM)``.
    """

    def __init__(self, file: str, record: str | None, field: str | None, problem: str) -> None:
        self.file, self.record, self.field, self.problem = file, record, field, problem
        parts = [file]
        if record:
            parts.append(record)
        if field:
            parts.append(f"field '{field}'")
        super().__init__(": ".join([*parts, problem]))


class DataFilesError(CatalogueError):
    """Several data-file errors found in one load; nothing was loaded."""

    def __init__(self, errors: list[DataFileError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class FeedImportError(CatalogueError):
    """A feed could not be imported; the message names the file and the record."""


class FeedFetchError(CatalogueError):
    """A subscribed feed could not be fetched: unreachable, a server error, too large.

    The message names the feed and what went wrong (``na-nl: the server answered
    503 (after 3 tries)``); the feed keeps its last good copy.
    """
