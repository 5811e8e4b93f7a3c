"""Import files: ``<data dir>/imports/<format>-<slug>.yaml``, merged idempotently.

One feed owns one file, in the same meeting schema as the bundled
``meetings.yaml`` (records written by `catalogue.loading.meeting_to_record`,
each with its own `source:`), so `load_catalogue` reads it like any other.
The file is written as JSON, which is YAML too (so it stays a ``.yaml`` data
file that can be read, checked and even edited as one), and which the loader
parses fifty times faster (`catalogue.yaml_files`): a full reload of ten
thousand imported meetings no longer waits seconds for the YAML parser.
Dates are written as ``YYYY-MM-DD`` text, which the loader reads as dates.

Merging a new import into the file already there:

- a meeting whose content is the same as before is kept **as it was**,
  byte for byte, source and import date included (`unchanged`);
- a changed meeting is replaced, with the new source and import date (`updated`);
- a meeting gone from the feed is kept with `retired_on` set to the import
  date, never deleted (`retired`); one already retired keeps its date;
- a retired meeting that is back in the feed loses `retired_on` (`restored`).

`first_on` is only an anchor: for a rule without INTERVAL every occurrence
is an equally good anchor, so when the schedule is unchanged the old anchor
is kept and a re-import on another day changes nothing.

Files are written atomically (a temporary file renamed over the old one).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from catalogue.errors import DataFileError, FeedImportError
from catalogue.loading import meeting_to_record, source_to_record
from catalogue.models import Meeting, Source
from catalogue.yaml_files import read_yaml

IMPORTS_DIR = "imports"

#: Fields that say where a record came from, not what the meeting is.
_BOOKKEEPING = ("source", "retired_on", "first_on")


@dataclass(frozen=True, slots=True)
class ImportFile:
    """What an import file holds: the feed's source line and the meeting records."""

    source: dict[str, Any] | None
    records: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Merge:
    """The records to write and what happened to each meeting id."""

    records: tuple[dict[str, Any], ...]
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()


def import_path(data_dir: Path, format_name: str, slug: str) -> Path:
    """Where a feed's meetings live: ``<data_dir>/imports/<format>-<slug>.yaml``."""
    return Path(data_dir) / IMPORTS_DIR / f"{format_name}-{slug}.yaml"


def read_import_file(path: Path) -> ImportFile:
    """The file as written by an earlier import; empty when there is none yet."""
    if not path.exists():
        return ImportFile(None, ())
    try:
        data = read_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as error:
        raise FeedImportError(f"{path}: the earlier import cannot be read ({error})") from None
    except DataFileError as error:  # names the file and the line
        raise FeedImportError(f"the earlier import cannot be read: {error}") from None
    records = data.get("meetings") if isinstance(data, dict) else None
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and isinstance(r.get("id"), str) for r in records
    ):
        raise FeedImportError(f"{path}: the earlier import is not a meetings file")
    source = data.get("source")
    return ImportFile(source if isinstance(source, dict) else None, tuple(records))


def merge(old: Iterable[dict[str, Any]], new: Iterable[Meeting], today: date) -> Merge:
    """Fold a new import into the records of the previous one (see module docstring).

    Records are compared as the file holds them (dates as text), whether the
    earlier file was written as JSON or, by an earlier version, as YAML.
    """
    previous = {r["id"]: _as_written(r) for r in old}
    records: dict[str, dict[str, Any]] = {}
    added, updated, unchanged, restored = [], [], [], []
    for meeting in new:
        record = _as_written(meeting_to_record(meeting))
        before = previous.get(meeting.id)
        if before is None:
            added.append(meeting.id)
            records[meeting.id] = record
            continue
        if before.get("schedule") == record["schedule"] and "INTERVAL=" not in record["schedule"]:
            record["first_on"] = before.get("first_on", record["first_on"])
        if _content(before) != _content(record) or before.get("first_on") != record["first_on"]:
            updated.append(meeting.id)
            records[meeting.id] = record
        elif "retired_on" in before:
            restored.append(meeting.id)
            records[meeting.id] = record
        else:
            unchanged.append(meeting.id)
            records[meeting.id] = before
    retired = []
    for mid, before in previous.items():
        if mid in records:
            continue
        if "retired_on" in before:
            records[mid] = before
        else:
            retired.append(mid)
            records[mid] = {**before, "retired_on": today.isoformat()}
    return Merge(
        records=tuple(records[mid] for mid in sorted(records)),
        added=tuple(added),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        retired=tuple(retired),
        restored=tuple(restored),
    )


def _content(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in _BOOKKEEPING}


def _as_written(record: dict[str, Any]) -> dict[str, Any]:
    """The record as its JSON text reads back: dates as ``YYYY-MM-DD``, tuples as lists."""
    return json.loads(_json(record))


def _json(value: Any, **options: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_date_text, **options)


def _date_text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def render_import_file(source: Source, records: Iterable[dict[str, Any]]) -> str:
    """The JSON text of an import file: one meeting per line, the feed's source first.

    The top-level source is the feed as of the last import; each meeting keeps
    its own. A re-import overwrites changes made here by hand.
    """
    lines = [_json(dict(record), separators=(", ", ": ")) for record in records]
    meetings = "[\n  " + ",\n  ".join(lines) + "\n ]" if lines else "[]"
    return f'{{"source": {_json(source_to_record(source))},\n "meetings": {meetings}\n}}\n'


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step: readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
