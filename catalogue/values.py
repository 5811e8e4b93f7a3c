"""The value types of data-file fields, for the pydantic record models of `catalogue.schema`.

Each type is a Python type annotated with the one validator pydantic runs for
it and the "expected ..." text that completes an operator's message::

    Time  # Annotated[time, PlainValidator(...), Expected('HH:MM, in quotes, e.g. "19:30"')]

A value that fails becomes a pydantic error whose message is ours, e.g.
``'25:00' is not a time of day (expected HH:MM, in quotes, e.g. "19:30")``;
`catalogue.schema` puts the file, the record and the field in front of it.
The validators are ours rather than pydantic's built-in ones because the
operator reads these messages: they quote the value and say what would do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import PlainValidator
from pydantic_core import PydanticCustomError

from catalogue.kinds import Attribute, Country, DangerKind, Problem, Relation, Seeker

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()-]{1,20}$")
"""A phone number as the data files write it; importers clean numbers to fit it."""
DIAL_PATTERN = re.compile(r"^(\+?[0-9][0-9 ()-]{1,20}?)\s*((?:[,;]+[0-9*#]*)*)$")
"""A dial-in: a phone number, then pauses (``,``) or waits (``;``) and codes (``987654#``)."""
_LANGUAGE = re.compile(r"^[a-z]{2}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")

T = TypeVar("T")


class InvalidValue(Exception):
    """A value is wrong; the message says what is wrong with it (not what was expected)."""


@dataclass(frozen=True, slots=True)
class Expected:
    """Annotation metadata: what a field expects, for "missing (expected ...)" messages."""

    text: str


def show(value: Any) -> str:
    """A value as an error message quotes it: its repr, dates as YYYY-MM-DD, cut at 60."""
    text = repr(value.isoformat() if isinstance(value, date) else value)
    return text if len(text) <= 60 else text[:57] + "..."


def invalid(problem: str, expected: str | None = None) -> PydanticCustomError:
    """A pydantic error carrying our words; `expected` is appended in brackets."""
    if expected is None:
        return PydanticCustomError("invalid", "{problem}", {"problem": problem})
    return PydanticCustomError(
        "invalid", "{problem} (expected {expected})", {"problem": problem, "expected": expected}
    )


def missing(expected: str) -> PydanticCustomError:
    return PydanticCustomError("missing", "missing (expected {expected})", {"expected": expected})


def value_type(python_type: Any, expected: str, parse: Callable[[Any], Any]) -> Any:
    """`python_type` read by `parse` (which raises `InvalidValue`); None counts as missing."""

    def validate(value: Any) -> Any:
        if value is None:
            raise missing(expected)
        try:
            return parse(value)
        except InvalidValue as exc:
            raise invalid(str(exc), expected) from None

    return Annotated[python_type, PlainValidator(validate), Expected(expected)]


# --------------------------------------------------------------------------- parsers


def parse_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"{show(value)} is not a non-empty text")
    return value.strip()


def _parse_id(value: Any) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise InvalidValue(f"{show(value)} is not a valid id")
    return value


def parse_date(value: Any) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise InvalidValue(f"{show(value)} is not a date")
    return value


def _parse_time(value: Any) -> time:
    match = _TIME.match(value) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidValue(f"{show(value)} is not a time of day")
    return time(int(match[1]), int(match[2]))


def _parse_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"{show(value)} is not true or false")
    return value


def _parse_url(value: Any) -> str:
    if not isinstance(value, str) or not URL_PATTERN.match(value):
        raise InvalidValue(f"{show(value)} is not a web address")
    return value


def _parse_source_date(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", value):
        raise InvalidValue(f"{show(value)} is not a date of a source")
    return value


def parse_phone(value: Any) -> str:
    if not isinstance(value, str) or not PHONE_PATTERN.match(value):
        raise InvalidValue(f"{show(value)} is not a phone number")
    return value


def parse_dial_string(value: Any) -> str:
    if not isinstance(value, str) or not DIAL_PATTERN.match(value.strip()):
        raise InvalidValue(f"{show(value)} is not a phone number with optional codes")
    return value.strip()


def _parse_feedback(value: Any) -> str:
    """A feedback way: a web address, or an e-mail address (kept as ``mailto:``)."""
    if isinstance(value, str) and value.startswith("mailto:"):
        value = value.removeprefix("mailto:")
    if isinstance(value, str) and EMAIL_PATTERN.match(value):
        return f"mailto:{value}"
    return _parse_url(value)


def _parse_email(value: Any) -> str:
    if not isinstance(value, str) or not EMAIL_PATTERN.match(value):
        raise InvalidValue(f"{show(value)} is not an e-mail address")
    return value


def _parse_language(value: Any) -> str:
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise InvalidValue(f"{show(value)} is not a language code")
    return value


def _parse_timezone(value: Any) -> str:
    if not isinstance(value, str) or "/" not in value:
        raise InvalidValue(f"{show(value)} is not a time zone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidValue(f"{show(value)} is not a known time zone") from exc
    return value


def _parse_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"{show(value)} is not a number")
    return float(value)


def _parse_age(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 99:
        raise InvalidValue(f"{show(value)} is not an age")
    return value


def _parse_postcode(value: Any) -> str:
    """A postcode as text; YAML reads an unquoted Belgian 9000 as a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return parse_text(value)


def _enum_parser(kind: type[StrEnum]) -> Callable[[Any], StrEnum]:
    def parse(value: Any) -> StrEnum:
        try:
            return kind(value)
        except ValueError:
            raise InvalidValue(f"{show(value)} is not a known {kind.__name__.lower()}") from None

    return parse


def _list_parser(item: Callable[[Any], T], *, allow_empty: bool) -> Callable[[Any], tuple[T, ...]]:
    """A list of `item`s; a value named twice is a mistake, not a set."""

    def parse(value: Any) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise InvalidValue(f"{show(value)} is not a list")
        if not value and not allow_empty:
            raise InvalidValue("is empty")
        items = tuple(item(v) for v in value)
        if len(set(items)) != len(items):
            raise InvalidValue(f"{show(value)} names a value twice")
        return items

    return parse


def enum_type(kind: type[StrEnum]) -> Any:
    """One word of a StrEnum; the message lists them all, so a typo is fixed."""
    return value_type(kind, f"one of: {', '.join(kind)}", _enum_parser(kind))


def choice_type(words: tuple[str, ...], what: str) -> Any:
    """One of a few fixed words that are no enum (e.g. a helpline's kind)."""

    def parse(value: Any) -> str:
        if value not in words:
            raise InvalidValue(f"{show(value)} is not a {what}")
        return value

    return value_type(str, f"one of: {', '.join(words)}", parse)


def list_type(
    item_type: Any, expected: str, parse: Callable[[Any], Any], *, allow_empty: bool = True
) -> Any:
    """A list of items read by `parse`, as a tuple."""
    return value_type(
        tuple[item_type, ...],
        f"a list [...] of {expected}",
        _list_parser(parse, allow_empty=allow_empty),
    )


def enum_list(kind: type[StrEnum], *, allow_empty: bool = True) -> Any:
    return list_type(
        kind, f"one of: {', '.join(kind)}", _enum_parser(kind), allow_empty=allow_empty
    )


# --------------------------------------------------------------------------- the types

Text = value_type(str, "a non-empty text", parse_text)
Id = value_type(
    str, "an id of lowercase letters, digits and hyphens, e.g. 'aa-utrecht-dinsdag'", _parse_id
)
Date = value_type(date, "a date written as YYYY-MM-DD", parse_date)
Time = value_type(time, 'HH:MM, in quotes, e.g. "19:30"', _parse_time)
Bool = value_type(bool, "true or false", _parse_bool)
Url = value_type(str, "a web address starting with https:// or http://", _parse_url)
Phone = value_type(
    str, 'a phone number of digits, spaces and hyphens, in quotes, e.g. "0800-0113"', parse_phone
)
Email = value_type(str, "an e-mail address", _parse_email)
Language = value_type(str, "a two-letter language code such as nl or en", _parse_language)
Timezone = value_type(
    str, "an IANA time zone such as Europe/Amsterdam or Europe/Brussels", _parse_timezone
)
Number = value_type(float, "a number", _parse_number)
Age = value_type(int, "an age in whole years, 1 to 99", _parse_age)
Postcode = value_type(str, "a postcode as text, e.g. 3511 AB or 9000", _parse_postcode)
DialString = value_type(
    str,
    'a phone number, then optional codes, in quotes, e.g. "+31 20 123 4567,,987654#"',
    parse_dial_string,
)
Dates = list_type(date, "a date written as YYYY-MM-DD", parse_date)
Languages = list_type(
    str, "two-letter language codes such as nl or en", _parse_language, allow_empty=False
)
Feedback = list_type(str, "web or e-mail addresses", _parse_feedback)
Ids = list_type(str, "an id of lowercase letters, digits and hyphens", _parse_id, allow_empty=False)
CountryCode = enum_type(Country)
Countries = enum_list(Country, allow_empty=False)
Seekers = enum_list(Seeker, allow_empty=False)
Relations = enum_list(Relation)
Problems = enum_list(Problem)
Attributes = enum_list(Attribute)
Dangers = enum_list(DangerKind)
SourceDate = value_type(
    str,
    'the source\'s own date as it gives it: "2025-10-03", "2021-11" or "2019"',
    _parse_source_date,
)
