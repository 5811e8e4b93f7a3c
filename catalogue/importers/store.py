"""Import files: ``<data dir>/imports/<format>-<slug>.yaml``, merged idempotently.

One feed owns one file, in the same meeting schema as the bundled
``meetings.yaml`` (records written by `catalogue.loading.meeting_to_record`,
each with its own `source:`), so `load_catalogue` reads it like any other.

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

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

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
    """Fold a new import into the records of the previous one (see module docstring)."""
    previous = {r["id"]: r for r in old}
    records: dict[str, dict[str, Any]] = {}
    added, updated, unchanged, restored = [], [], [], []
    for meeting in new:
        record = meeting_to_record(meeting)
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
            records[mid] = {**before, "retired_on": today}
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


def render_import_file(source: Source, records: Iterable[dict[str, Any]]) -> str:
    """The YAML text of an import file, with a header saying not to edit it by hand."""
    header = (
        "# Written by `python -m catalogue import`; a re-import overwrites changes made here.\n"
        "# The top-level source is the feed as of the last import; each meeting keeps its own.\n"
    )
    body = {"source": source_to_record(source), "meetings": [dict(r) for r in records]}
    return header + yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


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


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe YAML that quotes times ("07:30"), so no YAML reader takes them for numbers.

    No anchors and aliases (``&id001``): each record reads on its own.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "'" if _TIME_TEXT.match(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_TIME_TEXT = re.compile(r"^\d{1,2}:\d{2}$")
_Dumper.add_representer(str, _represent_text)
