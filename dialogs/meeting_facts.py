"""A meeting in words: who it is for, how often and when it meets, how a first time goes.

Small functions the results list and the meeting's page both call, so that a
list entry and a page never describe one meeting differently::

    every_tuesday = "FREQ=WEEKLY;BYDAY=TU"
    assert rule_in_words(every_tuesday, "nl", same) == "elke dinsdag"
    assert rule_in_words("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "en", same) == "every other Tuesday"
    assert rule_in_words("FREQ=MONTHLY;BYDAY=2TU,4TU", "nl", same) == (
        "de 2e en 4e dinsdag van de maand"
    )

(`same` stands for a gettext that returns its text: Dutch is the message id.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from babel import Locale
from babel.lists import format_list

from catalogue.kinds import Attribute, Seeker
from catalogue.models import AgeRange, Meeting, Organisation
from dialogs.context import TurnContext
from dialogs.formatting import (
    EVENING_FROM_HOUR,
    babel_locale,
    meeting_time,
    relative_time,
    weekday_name,
)
from locales import N_

Gettext = Callable[[str], str]

_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}

AUDIENCE_LABELS: dict[Attribute, str] = {
    Attribute.WOMEN: N_("alleen voor vrouwen"),
    Attribute.MEN: N_("alleen voor mannen"),
    Attribute.YOUTH: N_("voor jongeren"),
    Attribute.LGBTQ: N_("voor lhbti+"),
    Attribute.DUAL_DIAGNOSIS: N_("bij verslaving en psychische klachten"),
    Attribute.RESTRICTED: N_("alleen voor wie de groep zelf noemt"),
    Attribute.NEWCOMERS: N_("nieuwkomers welkom"),
    Attribute.WHEELCHAIR: N_("rolstoeltoegankelijk"),
}
"""Who a meeting is for (and whether a wheelchair gets in), in the order they are shown."""

_ORDINALS = {
    1: N_("1e"),
    2: N_("2e"),
    3: N_("3e"),
    4: N_("4e"),
    5: N_("5e"),
    -1: N_("laatste"),
}


def audience(meeting: Meeting, ctx: TurnContext) -> list[str]:
    """Who the meeting is for, in short labels; its language when it is not the reader's.

    A youth meeting says its ages where its listing gives them: "voor jongeren (tot 35)".
    """
    _ = ctx.gettext
    labels = [
        _youth(meeting.ages, ctx) if attribute is Attribute.YOUTH else _(label)
        for attribute, label in AUDIENCE_LABELS.items()
        if attribute in meeting.attributes
    ]
    reader = ctx.language
    languages = meeting.languages
    if languages and reader not in languages:
        names = Locale.parse(babel_locale(ctx.language)).languages
        spoken = format_list(
            [names.get(code, code) for code in languages], locale=babel_locale(ctx.language)
        )
        labels.insert(0, _("in het {language}").format(language=spoken))
    return labels


def _youth(ages: AgeRange | None, ctx: TurnContext) -> str:
    """ "voor jongeren", "voor jongeren (tot 35)", "voor jongeren (14 tot 28)"."""
    _ = ctx.gettext
    if ages is None:
        return _(AUDIENCE_LABELS[Attribute.YOUTH])
    if ages.youngest is not None and ages.oldest is not None:
        span = _("{youngest} tot {oldest}").format(youngest=ages.youngest, oldest=ages.oldest)
    elif ages.oldest is not None:
        span = _("tot {oldest}").format(oldest=ages.oldest)
    else:
        span = _("vanaf {youngest}").format(youngest=ages.youngest)
    return _("voor jongeren ({ages})").format(ages=span)


def rule_in_words(rrule: str, language: str, gettext: Gettext) -> str | None:
    """ "elke dinsdag", "om de week op dinsdag", "de 2e en 4e dinsdag van de maand"; None for
    a rule these words do not cover (the next date is then said on its own)."""
    _ = gettext
    try:
        parts = dict(part.split("=", 1) for part in rrule.upper().split(";"))
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return None
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    locale = babel_locale(language)
    if parts.get("FREQ") == "WEEKLY" and days and all(d in _WEEKDAYS for d in days):
        names = format_list([weekday_name(_WEEKDAYS[d], language) for d in days], locale=locale)
        if interval == 1:
            return _("elke {days}").format(days=names)
        if interval == 2:
            return _("om de week op {days}").format(days=names)
        return _("elke {n} weken op {days}").format(n=interval, days=names)
    if parts.get("FREQ") == "MONTHLY" and interval == 1 and days:
        weekday = {d[-2:] for d in days}
        try:
            ordinals = [int(d[:-2]) for d in days]
        except ValueError:
            return None
        if (
            len(weekday) != 1
            or not weekday <= _WEEKDAYS.keys()
            or not set(ordinals) <= _ORDINALS.keys()
        ):
            return None
        which = format_list([_(_ORDINALS[n]) for n in ordinals], locale=locale)
        day = weekday_name(_WEEKDAYS[weekday.pop()], language)
        return _("de {which} {day} van de maand").format(which=which, day=day)
    return None


def when_in_words(at: datetime, now: datetime, language: str, gettext: Gettext) -> str:
    """ "vanavond, dinsdag 24 november, 19:30", "morgen, …", or only the date further ahead."""
    _ = gettext
    full = meeting_time(at, language)
    days = _days_ahead(at, now)
    if days == 0:
        return (_("vanavond") if at.hour >= EVENING_FROM_HOUR else _("vandaag")) + ", " + full
    if days == 1:
        return _("morgen") + ", " + full
    return full


def when_short(at: datetime, now: datetime, language: str, gettext: Gettext) -> str:
    """ "vanavond 19:30", "morgen 19:30", or the date further ahead: for a list."""
    if _days_ahead(at, now) in (0, 1):
        return relative_time(at, now, language, gettext)
    return meeting_time(at, language)


def _days_ahead(at: datetime, now: datetime) -> int:
    """Calendar days from now to `at`, on the meeting's clock."""
    return (at.date() - now.astimezone(at.tzinfo).date()).days


def organisation_lines(organisation: Organisation, ctx: TurnContext) -> str:
    """What kind of group this is, from the data; for naasten, that it is about their own life;
    and how to ask for the intake talk where one comes first."""
    _ = ctx.gettext
    lines = [organisation.way_of_working.get(ctx.language)]
    if organisation.seekers == {Seeker.NAASTE}:
        lines.append(
            _("Deze groep is er voor jou: voor je eigen leven, ook als de ander niet verandert.")
        )
    if organisation.intake_first:
        ways = " · ".join(w for w in (organisation.website, organisation.phone) if w)
        lines.append(
            _("Je begint met een kennismakingsgesprek. Vraag het aan via {ways}.").format(
                ways=ways or organisation.display_name(ctx.language)
            )
        )
    return "\n".join(lines)


def first_time_text(meeting: Meeting, organisation: Organisation, ctx: TurnContext) -> str:
    """What a first time at this meeting is like: online, an open day, or the organisation's own
    words for a meeting in a room."""
    _ = ctx.gettext
    if meeting.venue is None:
        return _(
            "Open de link een paar minuten voor het begin. Je camera mag uit, je noemt alleen "
            "je voornaam, en alleen luisteren is ook goed."
        )
    if Attribute.OPEN_DAY in meeting.attributes:
        return _(
            "Op een open dag loop je binnen wanneer het je uitkomt. Je kijkt rond, luistert en "
            "stelt vragen als je wilt. Je hoeft niets over jezelf te vertellen."
        )
    return organisation.first_meeting.get(ctx.language)
