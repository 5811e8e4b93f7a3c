"""Reading the fields of one record, noting every problem instead of stopping at the first.

A reader asks `Record.get(field, parser)` for each field. A wrong or missing
value is reported as a `DataFileError(file, record, field, problem)` in the
file's shared error list and comes back as `MISSING`; `Record.finish` then
reports fields nobody asked for (typos). The blocks several kinds of record
share, a {nl, en} text and a source, are read here too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from catalogue.errors import DataFileError
from catalogue.models import LocalText, Source
from catalogue.values import (
    InvalidValue,
    expects,
    parse_bool,
    parse_date,
    parse_text,
    parse_url,
    show,
)

T = TypeVar("T")


@dataclass
class FileContext:
    """What the readers of one file share: its name, the error list, its sources."""

    file: str
    errors: list[DataFileError]
    default_source: Source | None = None
    named_sources: Mapping[str, Source] | None = None
    today: date | None = None


class Missing:
    """The type of `MISSING`: a value that was wrong or absent, already reported."""


MISSING = Missing()


class Record:
    """Reads the fields of one record, noting every problem; `ok` says if all were fine."""

    def __init__(self, context: FileContext, kind: str, raw: Any, index: int, prefix: str = ""):
        self.context, self.kind, self.prefix = context, kind, prefix
        self.raw: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        self.used: set[str] = set()
        self.ok = True
        record_id = self.raw.get("id") if not prefix else None
        if isinstance(record_id, str) and record_id:
            self.label = f"{kind} '{record_id}'"
        else:
            self.label = f"{kind} #{index + 1}"
        if not isinstance(raw, Mapping):
            self.ok = False
            self.error(None, f"{show(raw)} is not a record (expected key: value lines)")

    def error(self, field: str | None, problem: str) -> None:
        self.ok = False
        name = f"{self.prefix}{field}" if field else (self.prefix.rstrip(".") or None)
        self.context.errors.append(DataFileError(self.context.file, self.label, name, problem))

    def get(self, field: str, parse: Callable[[Any], T], *, required: bool = True) -> Any:
        """The parsed value, None when absent and optional, or `MISSING` when wrong."""
        self.used.add(field)
        expected = getattr(parse, "expected", "a value")
        if field not in self.raw or (self.raw[field] is None and required):
            if required:
                self.error(field, f"missing (expected {expected})")
                return MISSING
            return None
        if self.raw[field] is None:
            return None
        try:
            return parse(self.raw[field])
        except InvalidValue as exc:
            self.error(field, f"{exc} (expected {expected})")
            return MISSING

    def nested(self, field: str, *, required: bool = True) -> Record | None:
        """A sub-record (venue, online); None when absent and optional or wrong."""
        self.used.add(field)
        value = self.raw.get(field)
        if value is None:
            if required:
                self.error(field, "missing (expected a block of key: value lines)")
            return None
        if not isinstance(value, Mapping):
            self.error(field, f"{show(value)} is not a block (expected key: value lines)")
            return None
        sub = Record(self.context, self.kind, value, 0, prefix=f"{self.prefix}{field}.")
        sub.label = self.label
        return sub

    def finish(self, *others: Record | None) -> bool:
        """Report unknown fields; True when this record (and its sub-records) are fine."""
        for key in self.raw:
            if key not in self.used:
                known = sorted(self.used)
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "expected one of: "
                hint += "" if close else ", ".join(known)
                self.error(str(key), f"unknown field ({hint})")
        return self.ok and all(o.finish() for o in others if o is not None)


def read_local_text(record: Record, field: str, *, required: bool = True, need_en: bool = True):
    """A {nl, en} text; English may be left out where `need_en` is False."""
    sub = record.nested(field, required=required)
    if sub is None:
        return None if not required and record.raw.get(field) is None else MISSING
    nl = sub.get("nl", parse_text)
    en = sub.get("en", parse_text, required=need_en)
    if not sub.finish():
        record.ok = False
        return MISSING
    return LocalText(nl=nl, en=en or "")


def read_source_block(context: FileContext, raw: Any, label: str, kind: str) -> Source | Missing:
    record = Record(context, kind, raw, 0, prefix="source.")
    record.label = label
    name = record.get("name", parse_text)
    url = record.get("url", parse_url, required=False)
    verified_on = record.get("verified_on", parse_date, required=False)
    dated = record.get("dated", _parse_source_date, required=False)
    sample = record.get("sample", parse_bool, required=False)
    imported_on = record.get("imported_on", parse_date, required=False)
    today = context.today
    if today is not None:
        for field, value in (("verified_on", verified_on), ("imported_on", imported_on)):
            if isinstance(value, date) and value > today + timedelta(days=1):
                record.error(field, f"{value.isoformat()} is in the future (expected a past date)")
    if not record.finish():
        return MISSING
    return Source(
        name=name,
        verified_on=verified_on,
        url=url,
        sample=bool(sample),
        imported_on=imported_on,
        dated=dated,
    )


@expects("the source's own date: YYYY-MM-DD, YYYY-MM or YYYY, in quotes")
def _parse_source_date(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", value):
        raise InvalidValue(f"{show(value)} is not a date of a source")
    return value


def read_record_source(
    context: FileContext, record: Record, *, unverified_allowed: bool = False
) -> Source | Missing:
    """The record's own `source:` (a block or the name of one in `sources:`), else the file's.

    A source without `verified_on` is refused unless `unverified_allowed`
    (helplines only): every other record says when it was last checked.
    """
    source = _record_source(context, record)
    if isinstance(source, Source) and source.verified_on is None and not unverified_allowed:
        record.error(
            "source", f"'{source.name}' has no verified_on (expected the date you checked)"
        )
        return MISSING
    return source


def _record_source(context: FileContext, record: Record) -> Source | Missing:
    record.used.add("source")
    raw = record.raw.get("source")
    if raw is None:
        if context.default_source is None:
            record.error(
                "source",
                "missing (expected a source with name and verified_on, "
                "here or at the top of the file)",
            )
            return MISSING
        return context.default_source
    if isinstance(raw, str):
        named = context.named_sources or {}
        if raw in named:
            return named[raw]
        record.error(
            "source",
            f"{show(raw)} is not a source named in this file's 'sources:' "
            f"(expected one of: {', '.join(named) or 'none defined'})",
        )
        return MISSING
    source = read_source_block(context, raw, record.label, record.kind)
    if source is MISSING:
        record.ok = False
    return source


def all_set(*values: Any) -> bool:
    """True when no value is `MISSING`: only then may a record be built."""
    return not any(v is MISSING for v in values)
