"""The bundled copies of real meeting lists, read at start-up like a feed.

A copy (``catalogue/data/real/*.json``, fellow-finder format) is kept exactly
as it was published. The loader reads it through the fellow-finder importer,
and each meeting through the same pydantic model as a data file's record, so
a bundled meeting is held to the same rules as an imported one. What a copy
says that the model refuses is left out and listed, never half-read.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from catalogue.errors import DataFilesError
from catalogue.importers.feedfile import read_bytes
from catalogue.importers.records import FeedContext, Locator, ParsedFeed, SkippedRecord
from catalogue.importers.run import FeedFormat, read_feed

#: Where the copies come from, as their meetings' `Source.via` says.
COPY_SOURCE = "fellow-finder-data (github.com/fellowfinder/fellow-finder-data)"
COPY_URL = "https://github.com/fellowfinder/fellow-finder-data"


def read_real_copy(path: Path, file: str, today: date) -> ParsedFeed:
    """The meetings of one bundled copy, checked by the meeting model; cached per file and day."""
    stat = Path(path).stat()
    return _read(Path(path).resolve(), stat.st_mtime_ns, file, today)


@lru_cache(maxsize=4)
def _read(path: Path, _mtime_ns: int, file: str, today: date) -> ParsedFeed:
    from catalogue.loading import meeting_from_record, meeting_to_record

    ctx = FeedContext(
        file=file,
        organisation_id="",
        id_prefix="",
        source_name=COPY_SOURCE,
        source_url=COPY_URL,
        today=today,
        locator=Locator(),
    )
    parsed = read_feed(FeedFormat.FELLOW_FINDER, read_bytes(path), ctx)
    kept, refused = [], []
    for meeting in parsed.meetings:
        try:
            meeting_from_record(meeting_to_record(meeting), file, None)
        except DataFilesError as error:
            reason = "; ".join(str(e.problem) for e in error.errors)
            refused.append(SkippedRecord(file, f"meeting '{meeting.id}'", reason))
        else:
            kept.append(meeting)
    return replace(parsed, meetings=tuple(kept), skipped=(*parsed.skipped, *refused))
