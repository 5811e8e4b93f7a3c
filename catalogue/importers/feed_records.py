"""What the feeds' record models share: their base, their lenient value types, and reading one.

Each importer declares the model of its format's record beside its parser
(`MeetingGuideRecord`, `BmltRecord`, `SheetRow`, `FellowFinderRecord`),
written to the published format, by its own field names. Rules of those models:

1. Fields a model does not name are ignored (``extra="ignore"``): feeds add
   their own (12 Step Meeting List's `region`, BMLT's `service_body_bigint`),
   and a peer shows the meeting anyway.
2. Lenient where the spec and its peers are: an empty value (``null``,
   ``""``, ``[]``) is an absent one; BMLT writes numbers as strings, and a
   number where text is due (a postcode, an id) is read as text; a time is
   ``19:30``, ``19:30:00`` or ``7.30``; ``0`` coordinates are none.
3. Strict where a value would be misread: a name that is a list, a day 7, a
   flag that is neither yes nor no, a zone nobody knows. Such a record is
   skipped, and the operator reads which field and why.
4. A model reads values; what needs several fields or the feed's context (the
   attendance, placing a venue, type codes against the fellowship's list,
   what to degrade) stays in the importer.

`read(model, raw)` is the one way in: the model, or a `RecordProblem` in the
loader's words, one part per field: ``field 'day': 7 is not a day (expected
0-6 (0 = Sunday), or a list of them)``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainValidator, ValidationError
from pydantic_core import PydanticCustomError

from catalogue.importers.records import RecordProblem, parse_country, text_of
from catalogue.kinds import Country
from catalogue.values import Expected, InvalidValue, invalid, show

T = TypeVar("T")

_TIME = re.compile(r"^\s*([01]?[0-9]|2[0-3])[:.]([0-5][0-9])(?::([0-5][0-9]))?\s*$")


class FeedRecord(BaseModel):
    """A record of someone else's feed: unknown fields are theirs, and ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


ModelT = TypeVar("ModelT", bound=FeedRecord)


def read(model: type[ModelT], raw: Any, word: str = "field") -> ModelT:
    """The record read by its model, or a `RecordProblem` naming every field that is wrong.

    `word` is what the operator calls a field: ``column`` in a sheet.
    """
    if not isinstance(raw, Mapping):
        raise RecordProblem("not a JSON object")
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = (_problem(model, e, word) for e in error.errors(include_url=False))
        raise RecordProblem("; ".join(problems)) from None


def _problem(model: type[FeedRecord], error: Any, word: str) -> str:
    """``field 'x': problem (expected …)`` from one pydantic error's location and message."""
    name = str(error["loc"][0]) if error["loc"] else ""
    message = error["msg"]
    if error["type"] == "missing":
        metadata = _metadata(model, name)
        why = next((f": {m.text}" for m in metadata if isinstance(m, WhyRequired) and m.text), "")
        expected = next((m.text for m in metadata if isinstance(m, Expected)), "a value")
        message = f"missing{why} (expected {expected})"
    return f"{word} {name!r}: {message}" if name else message


def _metadata(model: type[FeedRecord], name: str) -> list[Any]:
    """The annotations of the field `name` (as the feed names it: its alias, if it has one)."""
    for field_name, info in model.model_fields.items():
        if name in (field_name, info.alias):
            return info.metadata
    return []


def feed_type(python_type: Any, expected: str, parse: Callable[[Any], Any]) -> Any:
    """`python_type` read by `parse` (which raises `InvalidValue`); an empty value is None."""

    def validate(value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "" or value == []:
            return None
        try:
            return parse(value)
        except InvalidValue as exc:
            raise invalid(str(exc), expected) from None

    return Annotated[python_type | None, PlainValidator(validate), Expected(expected)]


@dataclass(frozen=True, slots=True)
class WhyRequired:
    """Annotation metadata: why a record without this field is skipped, where the spec allows it."""

    text: str


def _present(value: T | None) -> T:
    if value is None:
        raise PydanticCustomError("missing", "missing")
    return value


def required(value_type: Any, why: str = "") -> Any:
    """A feed type the record cannot do without: empty is "missing (expected …)"."""
    return Annotated[value_type, AfterValidator(_present), WhyRequired(why)]


# --------------------------------------------------------------------------- parsers


def _text(value: Any) -> str:
    """Text, or a number written as one (ids, postcodes); a list or a block is no text.

    HTML character references are read as the characters they stand for: sites built on
    WordPress (the 12 Step Meeting List) publish ``Step Study &amp; Topics`` and
    ``&#8211;``, which a person must not see as such.
    """
    if isinstance(value, str):
        return html.unescape(value)  # stripped by `feed_type`
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"{show(value)} is not a text")
    return text_of(value)


def _time(value: Any) -> time:
    """``'19:30'``, ``'19:30:00'`` or ``'7.30'`` as a wall-clock time."""
    match = _TIME.match(value) if isinstance(value, str) else None
    if not match:
        raise InvalidValue(f"{show(value)} is not a time of day")
    return time(int(match[1]), int(match[2]))


def _coordinate(limit: float) -> Callable[[Any], float | None]:
    def parse(value: Any) -> float | None:
        """A number, or one written as text (BMLT); ``0`` is BMLT's "none"."""
        if isinstance(value, bool):
            raise InvalidValue(f"{show(value)} is not a number")
        try:
            number = float(value.replace(",", ".")) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            raise InvalidValue(f"{show(value)} is not a number") from None
        if number == 0:
            return None
        if not -limit <= number <= limit:
            raise InvalidValue(f"{show(value)} is out of range")
        return round(number, 6)

    return parse


def _coordinates(value: Any) -> tuple[float | None, float | None]:
    """Meeting Guide's ``"52.09,5.12"`` (latitude,longitude) as two numbers."""
    parts = value.split(",") if isinstance(value, str) else []
    if len(parts) != 2:
        raise InvalidValue(f"{show(value)} is not two numbers")
    return _coordinate(90)(parts[0].strip()), _coordinate(180)(parts[1].strip())


def _yes_no(value: Any) -> bool:
    """A feed's flag: true/false, ``"yes"``/``"no"``, ``1``/``0`` (Meeting Guide writes all)."""
    if isinstance(value, bool):
        return value
    word = text_of(value).lower() if isinstance(value, str | int) else None
    if word in ("yes", "true", "1", "y"):
        return True
    if word in ("no", "false", "0", "n"):
        return False
    raise InvalidValue(f"{show(value)} is neither yes nor no")


def _timezone(value: Any) -> str | None:
    """An IANA zone; BMLT writes ``"NULL"`` for none."""
    text = _text(value)
    if text.upper() == "NULL":
        return None
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValue(f"{show(value)} is not an IANA time zone") from None
    return text


def _country(value: Any) -> Country | None:
    try:
        return parse_country(_text(value))
    except RecordProblem:
        raise InvalidValue(f"{show(value)} is not covered") from None


def _changed_on(value: Any) -> date | None:
    """The date part of ``YYYY-MM-DD HH:MM:SS``; an unreadable one is no date, not an error.

    It is only "last changed by the source": leaving it out hides nothing a person needs.
    """
    try:
        return date.fromisoformat(_text(value)[:10])
    except (InvalidValue, ValueError):
        return None


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        raise InvalidValue(f"{show(value)} is not a date") from None


def _codes(value: Any) -> tuple[str, ...]:
    """Type codes in the feed's order (its first language is the main one), upper case, once."""
    if isinstance(value, str):  # a sheet-style "O, W"
        value = re.split(r"[,;\s]+", value)
    if not isinstance(value, list):
        raise InvalidValue(f"{show(value)} is not a list of codes")
    codes: dict[str, None] = {}
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise InvalidValue(f"{show(value)} is not a list of codes")
        if code := str(item).strip().upper():
            codes[code] = None
    return tuple(codes)


def _weekdays(value: Any) -> tuple[int, ...]:
    """Meeting Guide's days (0 = Sunday … 6 = Saturday), one or a list, as `date.weekday()`s."""
    weekdays = []
    for item in value if isinstance(value, list) else [value]:
        day = item if type(item) is int else -1  # a bool is no day
        if isinstance(item, str) and item.strip().isdigit():
            day = int(item)
        if not 0 <= day <= 6:
            raise InvalidValue(f"{show(item)} is not a day")
        weekdays.append((day - 1) % 7)
    return tuple(weekdays)


def _language(value: Any) -> str:
    code = _text(value).lower()
    if not re.fullmatch(r"[a-z]{2}", code):
        raise InvalidValue(f"{show(value)} is not a language code")
    return code


def _texts(value: Any) -> tuple[str, ...]:
    """A list of texts, or one text alone (Meeting Guide's `feedback_emails` is either)."""
    items = value if isinstance(value, list) else [value]
    return tuple(text for item in items if (text := _text(item).strip()))


# --------------------------------------------------------------------------- the types

Text = feed_type(str, "a text", _text)
Time = feed_type(time, "HH:MM", _time)
Latitude = feed_type(float, "a latitude in degrees, -90..90", _coordinate(90))
Longitude = feed_type(float, "a longitude in degrees, -180..180", _coordinate(180))
Coordinates = feed_type(
    tuple[float | None, float | None], "'latitude,longitude', e.g. '52.09,5.12'", _coordinates
)
YesNo = feed_type(bool, 'true or false, or "yes" or "no"', _yes_no)
Timezone = feed_type(str, "an IANA time zone, e.g. Europe/Amsterdam", _timezone)
CountryName = feed_type(Country, "NL or BE", _country)
ChangedOn = feed_type(date, "YYYY-MM-DD HH:MM:SS", _changed_on)
Date = feed_type(date, "YYYY-MM-DD", _date)
TypeCodes = feed_type(tuple[str, ...], 'a list of type codes, or one text "O, W"', _codes)
Weekdays = feed_type(tuple[int, ...], "0-6 (0 = Sunday), or a list of them", _weekdays)
Language = feed_type(str, "a two-letter language code such as nl or en", _language)
Texts = feed_type(tuple[str, ...], "a list of texts, or one text", _texts)
