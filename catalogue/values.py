"""Parsers for the values of data-file fields: each says what it expects, and why a value fails.

A parser takes what YAML produced and returns the value the models hold, or
raises `InvalidValue` saying what is wrong with it; its `expected` text
(attached by `expects`) completes the operator's message::

    parse_time("19:30") == time(19, 30)
    parse_time("25:00")  # InvalidValue("'25:00' is not a time of day")
    parse_time.expected == 'HH:MM, in quotes, e.g. "19:30"'

`catalogue.fields.Record.get` joins the two into
``field 'start': '25:00' is not a time of day (expected HH:MM, in quotes, e.g. "19:30")``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()-]{1,20}$")
"""A phone number as the data files write it; importers clean numbers to fit it."""
_LANGUAGE = re.compile(r"^[a-z]{2}$")

T = TypeVar("T")


class InvalidValue(Exception):
    """A value is wrong; the message says what is wrong with it (not what was expected)."""


def expects(expected: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Attach the "expected ..." part of error messages to a parser."""

    def mark(fn: Callable[..., T]) -> Callable[..., T]:
        fn.expected = expected  # type: ignore[attr-defined]
        return fn

    return mark


def show(value: Any) -> str:
    """A value as an error message quotes it: its repr, dates as YYYY-MM-DD, cut at 60."""
    text = repr(value.isoformat() if isinstance(value, date) else value)
    return text if len(text) <= 60 else text[:57] + "..."


@expects("a non-empty text")
def parse_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"{show(value)} is not a non-empty text")
    return value.strip()


@expects("an id of lowercase letters, digits and hyphens, e.g. 'aa-utrecht-dinsdag'")
def parse_id(value: Any) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise InvalidValue(f"{show(value)} is not a valid id")
    return value


@expects("a date written as YYYY-MM-DD")
def parse_date(value: Any) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise InvalidValue(f"{show(value)} is not a date")
    return value


@expects('HH:MM, in quotes, e.g. "19:30"')
def parse_time(value: Any) -> time:
    match = _TIME.match(value) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidValue(f"{show(value)} is not a time of day")
    return time(int(match[1]), int(match[2]))


@expects("true or false")
def parse_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"{show(value)} is not true or false")
    return value


@expects("a web address starting with https:// or http://")
def parse_url(value: Any) -> str:
    if not isinstance(value, str) or not _URL.match(value):
        raise InvalidValue(f"{show(value)} is not a web address")
    return value


@expects('a phone number of digits, spaces and hyphens, in quotes, e.g. "0800-0113"')
def parse_phone(value: Any) -> str:
    if not isinstance(value, str) or not PHONE_PATTERN.match(value):
        raise InvalidValue(f"{show(value)} is not a phone number")
    return value


@expects("an e-mail address")
def parse_email(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", value):
        raise InvalidValue(f"{show(value)} is not an e-mail address")
    return value


@expects("a two-letter language code such as nl or en")
def parse_language(value: Any) -> str:
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise InvalidValue(f"{show(value)} is not a language code")
    return value


@expects("an IANA time zone such as Europe/Amsterdam or Europe/Brussels")
def parse_timezone(value: Any) -> str:
    if not isinstance(value, str) or "/" not in value:
        raise InvalidValue(f"{show(value)} is not a time zone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidValue(f"{show(value)} is not a known time zone") from exc
    return value


@expects("a number")
def parse_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"{show(value)} is not a number")
    return float(value)


def enum_parser(kind: type[T]) -> Callable[[Any], T]:
    """A parser for the words of a StrEnum; its message lists them all, so a typo is fixed."""
    words = ", ".join(str(m) for m in kind)  # type: ignore[attr-defined]

    @expects(f"one of: {words}")
    def parse(value: Any) -> T:
        try:
            return kind(value)  # type: ignore[call-arg]
        except ValueError:
            raise InvalidValue(f"{show(value)} is not a known {kind.__name__.lower()}") from None

    return parse


def list_parser(item: Callable[[Any], T], *, allow_empty: bool = True) -> Callable[[Any], list[T]]:
    """A parser for a list of `item`s; a value named twice is a mistake, not a set."""
    expected = getattr(item, "expected", "a value")

    @expects(f"a list [...] of {expected}")
    def parse(value: Any) -> list[T]:
        if not isinstance(value, list):
            raise InvalidValue(f"{show(value)} is not a list")
        if not value and not allow_empty:
            raise InvalidValue("is empty")
        items = [item(v) for v in value]
        if len(set(items)) != len(items):
            raise InvalidValue(f"{show(value)} names a value twice")
        return items

    return parse
