"""One import run: parse a feed, check it against the catalogue, merge, write, verify.

The API, for the CLI and for fetched feeds alike:

- `read_feed(format, content, ctx) -> ParsedFeed`: bytes (a file's, or an
  HTTP body) to meetings plus the records skipped and degraded, with reasons;
- `import_feed(format, path, data_dir, ..., content=None) -> ImportReport`:
  the whole run into ``<data_dir>/imports/``.

The run never leaves the bot with a catalogue it cannot load: every meeting
is checked the way the loader will check it (organisation known and active
in the venue's country, id not used by another file, record valid), bad ones
are skipped with the loader's own words, and after writing the whole
catalogue is loaded once more; if that fails the previous file is put back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from catalogue.duplicates import Merged, one_entry_per_meeting
from catalogue.errors import DataFilesError, FeedImportError
from catalogue.importers.bmlt import parse_bmlt
from catalogue.importers.csv_sheet import parse_csv
from catalogue.importers.feedfile import decode_json, decode_text, read_bytes
from catalogue.importers.fellow_finder import parse_fellow_finder
from catalogue.importers.meeting_guide import parse_meeting_guide
from catalogue.importers.records import (
    DegradedRecord,
    FeedContext,
    Locator,
    ParsedFeed,
    SkippedRecord,
    slugify,
)
from catalogue.importers.store import (
    import_path,
    merge,
    read_import_file,
    render_import_file,
    write_atomically,
)
from catalogue.loading import (
    bundled_files,
    import_files,
    load_catalogue,
    load_files,
    meeting_from_record,
    meeting_to_record,
)
from catalogue.models import Catalogue, Meeting


class FeedFormat(StrEnum):
    """The feed formats `python -m catalogue import --format` reads."""

    MEETING_GUIDE = "meeting-guide"
    BMLT = "bmlt"
    CSV = "csv"
    FELLOW_FINDER = "fellow-finder"

    @property
    def default_organisation(self) -> str:
        """Meeting Guide feeds are AA's, BMLT servers NA's; CSV and fellow-finder name their own."""
        return {"meeting-guide": "aa", "bmlt": "na"}.get(self.value, "")

    @property
    def label(self) -> str:
        return {
            "meeting-guide": "Meeting Guide feed",
            "bmlt": "BMLT feed",
            "csv": "CSV sheet",
            "fellow-finder": "fellow-finder copy",
        }[self.value]

    def decode(self, content: bytes, name: str) -> Any:
        """The document in `content`: parsed JSON, or a CSV sheet's text."""
        return decode_text(content, name) if self is FeedFormat.CSV else decode_json(content, name)

    @property
    def parse(self) -> Callable[[Any, FeedContext], ParsedFeed]:
        """The format's parser: a decoded document to meetings, skipped and degraded records."""
        return {
            "meeting-guide": parse_meeting_guide,
            "bmlt": parse_bmlt,
            "csv": parse_csv,
            "fellow-finder": parse_fellow_finder,
        }[self.value]


def read_feed(feed_format: FeedFormat | str, content: bytes, ctx: FeedContext) -> ParsedFeed:
    """Meetings from a feed's bytes (a file's or a fetched body), with what was left out and why.

    Raises:
        FeedImportError: the content is not this format at all (not JSON, not a list ...).
    """
    feed_format = FeedFormat(feed_format)
    return feed_format.parse(feed_format.decode(content, ctx.file), ctx)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did, by meeting id, for the operator to read."""

    path: Path
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    retired: tuple[str, ...]
    restored: tuple[str, ...]
    skipped: tuple[SkippedRecord, ...]
    degraded: tuple[DegradedRecord, ...]
    notes: tuple[str, ...]
    written: bool
    merged: tuple[Merged, ...] = ()
    """This feed's meetings that another source also lists (shown once, the fresher)."""

    def summary(self) -> str:
        """``added 3, updated 1, unchanged 40, retired 2, restored 0, skipped 1, degraded 2``."""
        counts = (
            ("added", self.added),
            ("updated", self.updated),
            ("unchanged", self.unchanged),
            ("retired", self.retired),
            ("restored", self.restored),
            ("skipped", self.skipped),
        )
        degraded = len({d.record for d in self.degraded})  # a record may have several reasons
        parts = [f"{name} {len(items)}" for name, items in counts]
        return ", ".join([*parts, f"degraded {degraded}"])


def import_feed(
    feed_format: FeedFormat | str,
    feed_path: Path,
    data_dir: Path,
    *,
    today: date,
    organisation_id: str | None = None,
    source_name: str | None = None,
    source_url: str | None = None,
    dry_run: bool = False,
    locator: Locator | None = None,
    refuse_shrink: bool = False,
    content: bytes | None = None,
) -> ImportReport:
    """Import one feed into ``<data_dir>/imports/``: the file `feed_path`, or `content` fetched.

    With `content`, `feed_path` only names the feed (messages, default source name).

    With `refuse_shrink` (subscribed feeds, fetched unattended), a feed that
    yields fewer than half the meetings of the earlier import is refused: a
    server that answers with a truncated list must not retire the rest.

    Raises:
        FeedImportError: the feed cannot be read, the organisation is unknown,
            or the result would not load (then nothing is changed).
        DataFilesError: the catalogue (apart from this feed's own file) is already broken.
    """
    feed_format = FeedFormat(feed_format)
    feed_path, data_dir = Path(feed_path), Path(data_dir)
    slug = slugify(source_name or feed_path.stem)
    if not slug:
        raise FeedImportError(f"{feed_path}: give --source-name: the file name makes no id")
    target = import_path(data_dir, feed_format.value, slug)
    # Everything but this feed's own file, which is read (fast) and merged below.
    others = [path for path in import_files(data_dir) if path.resolve() != target.resolve()]
    catalogue = load_files([*bundled_files(), *others], today=today)
    organisation_id = organisation_id or feed_format.default_organisation
    if organisation_id and organisation_id not in catalogue.organisations:
        raise FeedImportError(
            f"organisation {organisation_id!r} is not in organisations.yaml "
            f"(expected one of: {', '.join(sorted(catalogue.organisations))})"
        )
    earlier = read_import_file(target)
    ctx = FeedContext(
        file=feed_path.name,
        organisation_id=organisation_id,
        id_prefix=slug,
        source_name=source_name or f"{feed_format.label} {feed_path.name}",
        source_url=source_url,
        today=today,
        locator=locator or Locator(),
    )
    parsed = read_feed(feed_format, read_bytes(feed_path) if content is None else content, ctx)
    meetings, rejected = _checked(parsed, catalogue, set(catalogue.meetings), str(target))
    skipped = (*parsed.skipped, *rejected)
    active_before = [r for r in earlier.records if "retired_on" not in r]
    if not meetings and active_before:
        raise FeedImportError(
            f"{feed_path}: no meeting could be imported; refusing to retire all "
            f"{len(active_before)} meetings of {target.name} (is this the right feed?)"
        )
    if refuse_shrink and len(meetings) * 2 < len(active_before):
        raise FeedImportError(
            f"{feed_path}: suspiciously small: {len(meetings)} meetings where the last good "
            f"copy had {len(active_before)} (fewer than half); the last good copy is kept"
        )
    result = merge(earlier.records, meetings, today)
    written = False
    if not dry_run and (result.records or earlier.records):
        _write_verified(
            target, render_import_file(ctx.source(None), result.records), data_dir, today
        )
        written = True
    return ImportReport(
        path=target,
        added=result.added,
        updated=result.updated,
        unchanged=result.unchanged,
        retired=result.retired,
        restored=result.restored,
        skipped=tuple(skipped),
        degraded=parsed.degraded,
        notes=parsed.notes,
        written=written,
        merged=_merged(meetings, catalogue),
    )


def _checked(
    parsed: ParsedFeed, catalogue: Catalogue, other_ids: set[str], target: str
) -> tuple[list[Meeting], list[SkippedRecord]]:
    """The meetings the loader will accept; the others as skipped records, in its words."""
    kept: list[Meeting] = []
    rejected: list[SkippedRecord] = []
    for meeting in parsed.meetings:
        label = f"meeting '{meeting.id}'"
        organisation = catalogue.organisations.get(meeting.organisation_id)
        if organisation is None:
            problem = (
                f"organisation {meeting.organisation_id!r} is not in organisations.yaml "
                f"(expected one of: {', '.join(sorted(catalogue.organisations))})"
            )
        elif meeting.venue is not None and meeting.venue.country not in organisation.countries:
            problem = (
                f"organisation {organisation.id!r} is not active in {meeting.venue.country} "
                f"(it is in {', '.join(sorted(organisation.countries))})"
            )
        elif meeting.id in other_ids:
            problem = f"id {meeting.id!r} is already used by another data file"
        else:
            try:
                meeting_from_record(meeting_to_record(meeting), target, None)
            except DataFilesError as error:
                problem = "; ".join(
                    e.problem if not e.field else f"field '{e.field}': {e.problem}"
                    for e in error.errors
                )
            else:
                kept.append(meeting)
                continue
        rejected.append(SkippedRecord(parsed.file, label, problem))
    return kept, rejected


def _merged(meetings: list[Meeting], catalogue: Catalogue) -> tuple[Merged, ...]:
    """The new meetings that are one meeting with another record, as the loader will merge."""
    new_ids = {meeting.id for meeting in meetings}
    _, merged = one_entry_per_meeting({**catalogue.meetings, **{m.id: m for m in meetings}})
    return tuple(m for m in merged if m.kept in new_ids or m.dropped in new_ids)


def _write_verified(target: Path, text: str, data_dir: Path, today: date) -> None:
    """Write the file, then load the whole catalogue; put the old file back if it fails."""
    previous = target.read_text(encoding="utf-8") if target.exists() else None
    write_atomically(target, text)
    try:
        load_catalogue(data_dir, today=today)
    except DataFilesError as error:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            write_atomically(target, previous)
        raise FeedImportError(
            f"{target}: the import would not load, nothing changed:\n{error}"
        ) from None
