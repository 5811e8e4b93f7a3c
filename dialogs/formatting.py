"""Dates, times and distances as a person reads them, through Babel.

>>> from zoneinfo import ZoneInfo
>>> at = datetime(2026, 11, 24, 19, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
>>> meeting_time(at, "nl")
'dinsdag 24 november, 19:30'
>>> meeting_time(at, "en")
'Tuesday 24 November, 19:30'
>>> distance(3.24, "nl")
'3,2 km'
>>> relative_time(at, at.replace(hour=9), "nl", lambda text: text)
'vanavond 19:30'
>>> relative_time(at, at.replace(day=23), "nl", lambda text: text)
'morgen 19:30'
>>> relative_time(at, at.replace(day=20), "nl", lambda text: text)
'dinsdag 19:30'
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from babel.dates import format_date, format_datetime, get_day_names
from babel.numbers import format_decimal

_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def babel_locale(language: str) -> str:
    """The Babel locale for a conversation language (Dutch for anything unknown)."""
    return _LOCALES.get(language, "nl_NL")


def meeting_time(at: datetime, language: str) -> str:
    """ "dinsdag 24 november, 19:30", in the zone `at` carries (the meeting's)."""
    locale = babel_locale(language)
    return format_datetime(at, "EEEE d MMMM, HH:mm", tzinfo=at.tzinfo, locale=locale)


EVENING_FROM_HOUR = 18
"""From this hour on, today is "vanavond" (tonight)."""


def relative_time(at: datetime, now: datetime, language: str, gettext: Callable[[str], str]) -> str:
    """ "vandaag 14:00", "vanavond 19:30", "morgen 19:30", "dinsdag 19:30" within the week,
    else the full date: how a person says when, counted on the meeting's clock."""
    _ = gettext
    days = (at.date() - now.astimezone(at.tzinfo).date()).days
    clock = clock_time(at, language)
    if days == 0:
        if at.hour >= EVENING_FROM_HOUR:
            return _("vanavond {time}").format(time=clock)
        return _("vandaag {time}").format(time=clock)
    if days == 1:
        return _("morgen {time}").format(time=clock)
    if 1 < days < 7:
        return f"{weekday_name(at.weekday(), language)} {clock}"
    return meeting_time(at, language)


def clock_time(at: datetime, language: str) -> str:
    """ "19:30", in the zone `at` carries."""
    return format_datetime(at, "HH:mm", tzinfo=at.tzinfo, locale=babel_locale(language))


def day(on: date, language: str) -> str:
    """ "23 november 2026"."""
    return format_date(on, "d MMMM y", locale=babel_locale(language))


def weekday_name(weekday: int, language: str, width: str = "wide") -> str:
    """The name of a weekday (0 = Monday): "dinsdag", or "di" with width="abbreviated"."""
    return str(get_day_names(width, locale=babel_locale(language))[weekday])


def distance(distance_km: float, language: str) -> str:
    """ "3,2 km" below ten kilometres, "12 km" above."""
    pattern = "#,##0.0" if distance_km < 10 else "#,##0"
    return f"{format_decimal(distance_km, pattern, locale=babel_locale(language))} km"
