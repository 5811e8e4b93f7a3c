"""Reading and validating the catalogue's data files: the only module that opens them.

Rules of this module:

- Everything is checked before anything is used. Every problem found is
  collected as a `DataFileError(file, record, field, problem)` and the load
  ends in one `DataFilesError` listing them all, so an operator fixes a file
  in one go. A catalogue is returned whole or not at all: it never half-loads.
- Typos must not pass silently: unknown fields, duplicate keys and unknown
  words (a problem, a weekday, an attribute) are errors, with the expected
  value in the message.
- The clock is not read here, except `load_catalogue`'s default for "today"
  (used only to reject verified dates in the future).

The same meeting from two sources (the bundled copy and a feed, or two
feeds) is listed once, from the fresher source (`catalogue.duplicates`).

Which file holds what is decided by its top-level key (`organisations:`,
`meetings:`, `helplines:`, `clinics:` or `fit:`), so importers may write
any number of meeting files into ``<data dir>/imports/``. Each file may give
a default `source:` for its records and a `sources:` table of named sources
that records refer to by name (``source: echo-2009``).

Where the work is done: `catalogue.yaml_files` parses a file's text,
`catalogue.schema` reads each record through its pydantic model into a model
value, and this module joins the files into one `Catalogue` and makes the
checks that span files.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from catalogue.duplicates import one_entry_per_meeting
from catalogue.errors import CatalogueError, DataFileError, DataFilesError
from catalogue.kinds import Relation, Seeker
from catalogue.models import Catalogue, FitRule, Helpline, Meeting, Organisation, Source
from catalogue.schema import KINDS, FileContext, SourceBlock, read_record, read_source
from catalogue.values import show
from catalogue.yaml_files import read_yaml

__all__ = [
    "BUNDLED_DATA_DIR",
    "DATA_DIR_ENV",
    "FileCache",
    "bundled_files",
    "default_data_dir",
    "import_files",
    "load_bundled_catalogue",
    "load_catalogue",
    "load_files",
    "meeting_from_record",
    "meeting_to_record",
    "source_to_record",
]

BUNDLED_DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_DIR_ENV = "ZELFHULPWIJZER_DATA_DIR"
SAMPLES_ENV = "ZELFHULPWIJZER_SAMPLES"
SAMPLE_MEETINGS = "meetings.yaml"
#: The bundled copies of real meeting lists (fellow-finder JSON), read by their importer.
REAL_COPIES_DIR = BUNDLED_DATA_DIR / "real"


# --------------------------------------------------------------------------- public API


def default_data_dir() -> Path:
    """The directory the bot and the CLI keep their state in (imports, SQLite, key file).

    `ZELFHULPWIJZER_DATA_DIR` when set, else ``./var`` relative to the working directory.
    """
    return Path(os.environ.get(DATA_DIR_ENV) or "var")


def samples_wanted() -> bool:
    """Demo mode (``ZELFHULPWIJZER_SAMPLES=1``): the invented sample meetings, not the real ones."""
    return os.environ.get(SAMPLES_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def bundled_files(*, samples: bool | None = None) -> list[Path]:
    """The data files shipped with the code, in a stable order.

    By default the real meetings (the fellow-finder copy in ``data/real/``);
    in demo mode (`samples` True, or None and `samples_wanted()`) the sample
    meetings of ``meetings.yaml`` instead, which are labelled wherever shown.
    """
    samples = samples_wanted() if samples is None else samples
    files = [
        path
        for path in sorted(BUNDLED_DATA_DIR.glob("*.yaml"))
        if samples or path.name != SAMPLE_MEETINGS
    ]
    return files if samples else [*files, *sorted(REAL_COPIES_DIR.glob("*.json"))]


def import_files(data_dir: Path) -> list[Path]:
    """The meeting files importers wrote into ``<data_dir>/imports/``, in a stable order."""
    return sorted((data_dir / "imports").glob("*.yaml"))


def load_catalogue(
    data_dir: Path | None = None, *, today: date | None = None, cache: FileCache | None = None
) -> Catalogue:
    """Load the bundled files plus ``<data_dir>/imports/*.yaml``, all validated.

    Args:
        data_dir: the bot's data directory; None means `default_data_dir()`.
        today: the date used to reject `verified_on`/`imported_on` in the future;
            None means the system date (only this sanity check reads the clock).
        cache: files already read, so that only changed files are read again
            (the running bot's reloads); None reads every file.

    Raises:
        DataFilesError: listing every problem found; nothing is returned then.
    """
    directory = default_data_dir() if data_dir is None else Path(data_dir)
    return load_files([*bundled_files(), *import_files(directory)], today=today, cache=cache)


@lru_cache(maxsize=1)
def load_bundled_catalogue() -> Catalogue:
    """The shipped catalogue only (no imports), loaded once: for tests and tools."""
    return load_files(bundled_files())


def load_files(
    paths: Iterable[Path], *, today: date | None = None, cache: FileCache | None = None
) -> Catalogue:
    """Load exactly these files as one catalogue (what `validate PATH ...` checks).

    Files under the bundled data directory are named by their file name in
    messages (``meetings.yaml: ...``); other files by the path as given.
    """
    loader = _Loader(today=today or date.today(), cache=cache)
    for path in paths:
        loader.read_file(Path(path))
    return loader.finish()


def meeting_from_record(
    record: Mapping[str, Any], file: str, default_source: Source | None
) -> Meeting:
    """Build one meeting from its data-file record, validated like a loaded one.

    Importers use this to check what they are about to write. Cross-file checks
    (does the organisation exist, is the id unique) happen only in a full load.

    Raises:
        DataFilesError: every problem of this record.
    """
    default = None if default_source is None else SourceBlock.from_source(default_source)
    context = FileContext(file=file, default_source=default)
    meeting, errors = read_record(KINDS["meetings"], record, 0, context)
    if errors:
        raise DataFilesError(errors)
    return meeting


def meeting_to_record(meeting: Meeting, default_source: Source | None = None) -> dict[str, Any]:
    """The data-file record of a meeting: `meeting_from_record` reads it back unchanged.

    The meeting's `source` is left out when it equals `default_source` (the
    file-level one), so files stay short.
    """
    record: dict[str, Any] = {
        "id": meeting.id,
        "organisation": meeting.organisation_id,
        "name": meeting.name,
        "schedule": meeting.rrule,
        "first_on": meeting.first_on,
        "start": meeting.start.strftime("%H:%M"),
    }
    if meeting.end is not None:
        record["end"] = meeting.end.strftime("%H:%M")
    record["timezone"] = meeting.timezone
    if meeting.venue is not None:
        v = meeting.venue
        record["venue"] = {"name": v.name} if v.name else {}
        record["venue"] |= {"address": v.address}
        if v.postcode:  # many feeds leave it out; the venue is placed by its coordinates
            record["venue"]["postcode"] = v.postcode
        record["venue"] |= {
            "city": v.city,
            "country": v.country.value,
            "lat": v.lat,
            "lon": v.lon,
        }
    if meeting.online is not None:
        online = {"url": meeting.online.url, "phone": meeting.online.phone}
        record["online"] = {k: v for k, v in online.items() if v is not None}
    if meeting.attributes:
        record["attributes"] = sorted(a.value for a in meeting.attributes)
    record["languages"] = list(meeting.languages)
    if meeting.ages is not None:
        ages = {"youngest": meeting.ages.youngest, "oldest": meeting.ages.oldest}
        record["ages"] = {k: v for k, v in ages.items() if v is not None}
    if meeting.notes is not None:
        record["notes"] = {"nl": meeting.notes.nl, "en": meeting.notes.en}
    optional = {
        "location_notes": meeting.location_notes,
        "group_notes": meeting.group_notes,
        "url": meeting.url,
        "feedback": list(meeting.feedback) or None,
        "changed_on": meeting.changed_on,
    }
    record |= {k: v for k, v in optional.items() if v is not None}
    if meeting.cancelled_on:
        record["cancelled_on"] = sorted(meeting.cancelled_on)
    if meeting.ends_on is not None:
        record["ends_on"] = meeting.ends_on
    if meeting.retired_on is not None:
        record["retired_on"] = meeting.retired_on
    if meeting.source != default_source:
        record["source"] = source_to_record(meeting.source)
    return record


def source_to_record(source: Source) -> dict[str, Any]:
    """The data-file form of a `Source` (for a file's top-level `source:` or a record)."""
    record: dict[str, Any] = {"name": source.name, "url": source.url}
    if source.verified_on is not None:
        record["verified_on"] = source.verified_on
    record["sample"] = source.sample
    optional = {
        "imported_on": source.imported_on,
        "as_of": source.as_of,
        "via": source.via,
        "checked_by": source.checked_by,
        "dated": source.dated,
    }
    return record | {k: v for k, v in optional.items() if v is not None}


# --------------------------------------------------------------------------- whole load


@dataclass
class _Loaded:
    """One record and where it came from, for cross-file checks."""

    record: Any
    file: str
    label: str


class FileCache:
    """What each file yielded (records and errors), kept while the file stays the same.

    A running bot reloads its catalogue when one feed's import file changed;
    with a cache only that file is parsed and checked again, the others are
    taken as they were. A file counts as the same while its inode, size and
    modification time are (an import replaces the file: a new inode). The
    checks across files (ids, organisations, fit rules) are always made anew.
    """

    def __init__(self) -> None:
        self._files: dict[Path, tuple[tuple[Any, ...], list[DataFileError], dict[str, list]]] = {}

    @staticmethod
    def stamp(path: Path, today: date) -> tuple[Any, ...] | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns, today)

    def get(
        self, path: Path, stamp: tuple[Any, ...]
    ) -> tuple[list[DataFileError], dict[str, list]] | None:
        found = self._files.get(path)
        return found[1:] if found is not None and found[0] == stamp else None

    def put(
        self,
        path: Path,
        stamp: tuple[Any, ...],
        errors: list[DataFileError],
        records: dict[str, list],
    ) -> None:
        self._files[path] = (stamp, errors, records)


class _Loader:
    """Collects records and errors from any number of files; `finish` cross-checks."""

    def __init__(self, today: date, cache: FileCache | None = None) -> None:
        self.today = today
        self.cache = cache
        self.errors: list[DataFileError] = []
        self.files: list[str] = []
        self.records: dict[str, list[_Loaded]] = {key: [] for key in KINDS}
        self.left_out: list[str] = []

    @staticmethod
    def display_name(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(BUNDLED_DATA_DIR))
        except ValueError:
            return str(path)

    def read_file(self, path: Path) -> None:
        stamp = FileCache.stamp(path, self.today) if self.cache is not None else None
        if self.cache is None or stamp is None:
            self.read_new_file(path)
            return
        hit = self.cache.get(path, stamp)
        if hit is not None:
            self.files.append(self.display_name(path))
            self.errors.extend(hit[0])
            for key, items in hit[1].items():
                self.records[key].extend(items)
            return
        errors_before = len(self.errors)
        records_before = {key: len(items) for key, items in self.records.items()}
        self.read_new_file(path)
        self.cache.put(
            path,
            stamp,
            self.errors[errors_before:],
            {key: items[records_before[key] :] for key, items in self.records.items()},
        )

    def read_new_file(self, path: Path) -> None:
        file = self.display_name(path)
        self.files.append(file)
        if path.suffix == ".json":
            self.read_real_copy(path, file)
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.errors.append(DataFileError(file, None, None, f"cannot be read: {exc}"))
            return
        try:
            data = read_yaml(text, file)
        except DataFileError as error:
            self.errors.append(error)
            return
        if not isinstance(data, Mapping):
            self.errors.append(
                DataFileError(
                    file,
                    None,
                    None,
                    "is not a data file (expected "
                    "top-level keys such as 'source:' and 'meetings:')",
                )
            )
            return
        self.read_data(file, data)

    def read_data(self, file: str, data: Mapping[str, Any]) -> None:
        kinds = [key for key in data if key in KINDS]
        for key in data:
            if key not in KINDS and key not in ("source", "sources"):
                close = difflib.get_close_matches(str(key), [*KINDS, "source", "sources"], n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else ("expected source, sources and one of: " + ", ".join(KINDS))
                )
                self.errors.append(
                    DataFileError(file, None, str(key), f"unknown top-level key ({hint})")
                )
        if len(kinds) != 1:
            found = ", ".join(kinds) or "none"
            self.errors.append(
                DataFileError(
                    file,
                    None,
                    None,
                    f"holds {found} (expected exactly one of: {', '.join(KINDS)})",
                )
            )
            return
        context = FileContext(file=file, today=self.today)
        context.named_sources = self.named_sources(file, data.get("sources"), context)
        if data.get("source") is not None:
            source, errors = read_source(data["source"], "file source", context)
            self.errors.extend(errors)
            # When it is wrong, records would each repeat "missing source"; the one error is enough.
            context.default_source = source or SourceBlock.from_source(
                Source(name="?", verified_on=date.min)
            )
        key = kinds[0]
        kind = KINDS[key]
        items = data[key]
        if not isinstance(items, list):
            self.errors.append(
                DataFileError(
                    file,
                    None,
                    key,
                    f"{show(items)} is not a list "
                    f"(expected a list of {kind.label} records, each starting with '- ')",
                )
            )
            return
        for index, raw in enumerate(items):
            loaded, errors = read_record(kind, raw, index, context)
            self.errors.extend(errors)
            if loaded is not None:
                rid = getattr(loaded, "id", None)
                label = f"{kind.label} '{rid}'" if rid else f"{kind.label} #{index + 1}"
                self.records[key].append(_Loaded(loaded, file, label))

    def read_real_copy(self, path: Path, file: str) -> None:
        """A fellow-finder copy, read by its importer and checked by the meeting model.

        The copy is kept as it was published, so a record the importer cannot
        use is left out (`python -m catalogue validate` lists them), not an error.
        """
        from catalogue.importers.real_copies import read_real_copy

        try:
            parsed = read_real_copy(path, file, self.today)
        except CatalogueError as error:
            self.errors.append(DataFileError(file, None, None, str(error)))
            return
        self.left_out.extend(str(skipped) for skipped in parsed.skipped)
        for meeting in parsed.meetings:
            self.records["meetings"].append(_Loaded(meeting, file, f"meeting '{meeting.id}'"))

    def named_sources(self, file: str, raw: Any, context: FileContext) -> dict[str, SourceBlock]:
        """A file's `sources:` table, that records name (``source: echo-2009``)."""
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.errors.append(
                DataFileError(
                    file,
                    None,
                    "sources",
                    "is not a block (expected name: {name, verified_on, ...} lines)",
                )
            )
            return {}
        named: dict[str, SourceBlock] = {}
        for name, block in raw.items():
            source, errors = read_source(block, f"source '{name}'", context)
            self.errors.extend(errors)
            if source is not None:
                named[str(name)] = source
        return named

    def finish(self) -> Catalogue:
        organisations = self.unique("organisations")
        meetings = self.unique("meetings")
        helplines = self.unique("helplines")
        clinics = self.unique("clinics")
        for item in self.records["meetings"]:
            m: Meeting = item.record
            org = organisations.get(m.organisation_id)
            if org is None:
                self.cross_error(
                    item,
                    "organisation",
                    f"'{m.organisation_id}' is not an "
                    "organisation in organisations.yaml (expected one of: "
                    f"{', '.join(sorted(organisations))})",
                )
            elif m.venue is not None and m.venue.country not in org.countries:
                self.cross_error(
                    item,
                    "venue.country",
                    f"{m.venue.country} is not a country "
                    f"of organisation '{org.id}' (expected one of: "
                    f"{', '.join(sorted(org.countries))})",
                )
        for item in self.records["helplines"]:
            h: Helpline = item.record
            if h.organisation_id is not None and h.organisation_id not in organisations:
                self.cross_error(
                    item,
                    "organisation",
                    f"'{h.organisation_id}' is not an organisation in organisations.yaml",
                )
        for item in self.records["fit"]:
            self.check_fit_rule(item, organisations)
        if self.errors:
            raise DataFilesError(self.errors)
        meetings, merged = one_entry_per_meeting(meetings)  # the import reports what it merged
        return Catalogue(
            organisations=organisations,
            meetings=meetings,
            helplines=helplines,
            clinics=clinics,
            fit_rules=tuple(item.record for item in self.records["fit"]),
            files=tuple(self.files),
            left_out=tuple(self.left_out),
            merged_into={m.dropped: m.kept for m in merged},
        )

    def check_fit_rule(self, item: _Loaded, organisations: Mapping[str, Organisation]) -> None:
        """Each organisation of a row must exist and be for its seeker, problems and relations.

        A row with no relations means any relation, so its naaste organisations
        must then be for every relation.
        """
        rule: FitRule = item.record
        relations = rule.relations or (frozenset(Relation) if rule.seeker is Seeker.NAASTE else ())
        for oid in rule.organisation_ids:
            org = organisations.get(oid)
            if org is None:
                self.cross_error(
                    item,
                    "organisations",
                    f"'{oid}' is not an organisation in organisations.yaml (expected one of: "
                    f"{', '.join(sorted(organisations))})",
                )
                continue
            gaps = [
                f"{what} {', '.join(sorted(missing))}"
                for what, missing in (
                    ("seeker", {rule.seeker} - org.seekers),
                    ("problem", rule.problems - org.problems),
                    ("relation", set(relations) - org.relations),
                )
                if missing
            ]
            if gaps:
                self.cross_error(
                    item,
                    "organisations",
                    f"'{oid}' is not for {'; '.join(gaps)} (expected organisations whose "
                    "seekers, problems and relations in organisations.yaml cover this row)",
                )

    def unique(self, key: str) -> dict[str, Any]:
        """The records of one kind by id; a second record with an id already used is an error."""
        found: dict[str, Any] = {}
        where: dict[str, str] = {}
        for item in self.records[key]:
            rid = item.record.id
            if rid in found:
                self.cross_error(
                    item,
                    "id",
                    f"'{rid}' is already used in {where[rid]} "
                    f"(expected an id unique across all files)",
                )
                continue
            found[rid], where[rid] = item.record, item.file
        return found

    def cross_error(self, item: _Loaded, field: str, problem: str) -> None:
        self.errors.append(DataFileError(item.file, item.label, field, problem))
