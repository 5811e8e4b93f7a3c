"""Setting a reminder for a meeting: when, how often, and the exact times to confirm.

The reminder itself is an effect (`SetReminder`) that `bot/` schedules; the
messages the bot sends later, and their buttons, live in
`dialogs.reminder_messages`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum

from catalogue.models import Meeting
from catalogue.recurrence import next_meeting_at
from catalogue.reminder_times import (
    TWO_HOURS_BEFORE_MINUTES,
    evening_before_minutes,
    pick_occurrence,
    reminder_due_at,
)
from dialogs.context import TurnContext
from dialogs.effects import Effect, Metric, SetReminder, metric
from dialogs.formatting import meeting_time
from dialogs.pages.info import not_understood
from dialogs.pages.meeting import meeting_buttons, meeting_gone, meeting_of
from dialogs.pages.page import Back, Outcome, Page, Reply, Show, choice, typed_choice
from dialogs.screen import Screen, join
from dialogs.state import DialogState, Step
from dialogs.turn import Turn
from locales import N_


class When(StrEnum):
    EVENING = "evening"  # the evening before, at 19:00
    TWO_HOURS = "2h"
    BOTH = "both"
    BACK = "back"


class Repeat(StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"
    BACK = "back"


class YesNo(StrEnum):
    YES = "yes"
    NO = "no"


def remind_when_screen(meeting: Meeting, ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    return Screen(
        _("Wanneer wil je een herinnering voor {meeting}?").format(meeting=meeting.name),
        (
            (choice(_("De avond ervoor"), Step.REMIND_WHEN, When.EVENING),),
            (choice(_("Twee uur ervoor"), Step.REMIND_WHEN, When.TWO_HOURS),),
            (choice(_("Allebei"), Step.REMIND_WHEN, When.BOTH),),
            (choice(_("Terug"), Step.REMIND_WHEN, When.BACK),),
        ),
    )


def remind_repeat_screen(ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    return Screen(
        _("Alleen voor de volgende keer, of elke keer dat de groep samenkomt?"),
        (
            (choice(_("Alleen de volgende keer"), Step.REMIND_REPEAT, Repeat.ONCE),),
            (choice(_("Elke keer"), Step.REMIND_REPEAT, Repeat.WEEKLY),),
            (choice(_("Terug"), Step.REMIND_REPEAT, Repeat.BACK),),
        ),
    )


def reminder_occurrence(
    meeting: Meeting, offsets_minutes: tuple[int, ...], ctx: TurnContext
) -> datetime | None:
    """The first occurrence for which at least one reminder is still ahead of now."""
    occurrences: list[datetime] = []
    after = ctx.now
    while len(occurrences) < 3 and (occurrence := next_meeting_at(meeting, after)) is not None:
        occurrences.append(occurrence)
        after = occurrence + timedelta(minutes=1)
    return pick_occurrence(occurrences, offsets_minutes, ctx.now)


def remind_confirm_screen(
    meeting: Meeting, state: DialogState, ctx: TurnContext
) -> tuple[Screen, datetime | None]:
    """The exact reminder times, to confirm; and the occurrence they are for."""
    _ = ctx.gettext
    occurrence = reminder_occurrence(meeting, state.remind_offsets, ctx)
    if occurrence is None:
        return (
            Screen(
                _(
                    "Voor deze bijeenkomst staat geen volgende datum gepland, "
                    "dus een herinnering kan nu niet."
                ),
                meeting_buttons(meeting, ctx, can_remind=False),
            ),
            None,
        )
    planned = (reminder_due_at(occurrence, m) for m in state.remind_offsets)
    times = sorted(t for t in planned if t > ctx.now)
    lines = "\n".join(f"• {meeting_time(t, ctx.language)}" for t in times)
    text = join(
        ctx.ngettext(
            "Dan stuur ik je een herinnering op:",
            "Dan stuur ik je herinneringen op:",
            len(times),
        ),
        lines,
        _("Voor de bijeenkomst van {when}.").format(when=meeting_time(occurrence, ctx.language)),
        _("De andere herinnering is voor deze keer al voorbij.")
        if len(times) < len(state.remind_offsets)
        else None,
        _("Daarna elke keer opnieuw, tot je ze stopt met /herinneringen.")
        if state.remind_weekly
        else None,
        _("Is dat goed?"),
    )
    screen = Screen(
        text,
        (
            (choice(_("Ja, graag"), Step.REMIND_CONFIRM, YesNo.YES),),
            (choice(_("Nee, toch niet"), Step.REMIND_CONFIRM, YesNo.NO),),
        ),
    )
    return screen, occurrence


# -- the pages -----------------------------------------------------------------------------

_WHEN_WORDS = {
    When.BOTH: {"allebei", "beide", "both"},
    When.EVENING: {"avond", "evening", "ervoor", "before"},
    When.TWO_HOURS: {"uur", "hours", "2", "twee", "two"},
}
_REPEAT_WORDS = {  # in this order: "elke volgende keer" is every time
    Repeat.WEEKLY: {"elke", "iedere", "altijd", "wekelijks", "every", "weekly", "always"},
    Repeat.ONCE: {"eenmalig", "volgende", "once", "next", "alleen"},
}
_YES_NO_WORDS = {
    YesNo.YES: {"ja", "jawel", "graag", "yes", "yeah", "yep", "ok", "oke", "okay", "goed"},
    YesNo.NO: {"nee", "neen", "no", "nope", "niet", "liever"},
}


def _when_show(state: DialogState, ctx: TurnContext) -> Turn:
    found = meeting_of(state, ctx)
    if found is None:
        return meeting_gone(state, ctx)
    return Turn(state, (remind_when_screen(found[0], ctx),))


def on_remind_when(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """The evening before, two hours before, or both."""
    found = meeting_of(state, ctx)
    if found is None:
        return meeting_gone(state, ctx)
    meeting = found[0]
    answer = reply.answer or _typed_when(reply.text)
    evening = evening_before_minutes(meeting.start)
    offsets = {
        When.EVENING: (evening,),
        When.TWO_HOURS: (TWO_HOURS_BEFORE_MINUTES,),
        When.BOTH: (evening, TWO_HOURS_BEFORE_MINUTES),
    }
    if answer is When.BACK:
        return Back(state)
    if answer not in offsets:
        return Show(state, hint=not_understood(ctx))
    return Show(replace(state, step=Step.REMIND_REPEAT, remind_offsets=offsets[answer]))


def _typed_when(text: str) -> StrEnum | None:
    """ "de avond ervoor", "2 uur", "allebei"; an evening and hours together are both."""
    answer = typed_choice(text, _WHEN_WORDS)
    if answer is When.EVENING and typed_choice(text, {When.TWO_HOURS: _WHEN_WORDS[When.TWO_HOURS]}):
        return When.BOTH
    return answer


def _repeat_show(state: DialogState, ctx: TurnContext) -> Turn:
    return Turn(state, (remind_repeat_screen(ctx),))


def on_remind_repeat(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """Only the next time, or every time the group meets."""
    found = meeting_of(state, ctx)
    if found is None:
        return meeting_gone(state, ctx)
    answer = reply.answer or typed_choice(reply.text, _REPEAT_WORDS)
    if answer is Repeat.BACK:
        return Back(state)
    if answer not in (Repeat.ONCE, Repeat.WEEKLY) or not state.remind_offsets:
        return Show(state, hint=not_understood(ctx))
    return Show(replace(state, step=Step.REMIND_CONFIRM, remind_weekly=answer is Repeat.WEEKLY))


def _confirm_show(state: DialogState, ctx: TurnContext) -> Turn:
    found = meeting_of(state, ctx)
    if found is None:
        return meeting_gone(state, ctx)
    screen, occurrence = remind_confirm_screen(found[0], state, ctx)
    if occurrence is None:  # no date ahead any more: back to the meeting's page
        return Turn(replace(state, step=Step.MEETING), (screen,))
    return Turn(state, (screen,))


def on_remind_confirm(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """Yes: the reminder is set (an effect for the bot); no: back to the meeting."""
    _ = ctx.gettext
    found = meeting_of(state, ctx)
    if found is None:
        return meeting_gone(state, ctx)
    meeting = found[0]
    answer = reply.answer or typed_choice(reply.text, _YES_NO_WORDS)
    if answer is None:
        return Show(state, hint=not_understood(ctx))
    back = replace(state, step=Step.MEETING, remind_offsets=(), remind_weekly=False)
    if answer is YesNo.NO:
        text = _("Goed, dan zet ik geen herinnering.")
        return Turn(back, (Screen(text, meeting_buttons(meeting, ctx, True)),))
    screen, occurrence = remind_confirm_screen(meeting, state, ctx)
    if occurrence is None or not state.remind_offsets:
        return Turn(back, (screen,))
    effects: tuple[Effect, ...] = (
        SetReminder(meeting.id, state.remind_offsets, state.remind_weekly, occurrence),
        *metric(state.clinic_id, Metric.REMINDER_SET),
    )
    text = _(
        "Afgesproken. Je krijgt een bericht van me op tijd. "
        "Met /herinneringen zie of stop je je herinneringen."
    )
    if not ctx.reminders:  # said once: with the first reminder a person sets
        text += "\n\n" + _(
            "Meldingen kunnen op je vergrendelscherm te zien zijn. Daarom staat in de eerste "
            "regel alleen de tijd, niet de groep; de rest lees je als je het bericht opent."
        )
    return Turn(back, (Screen(text, meeting_buttons(meeting, ctx, True)),), effects)


PAGES = (
    Page(
        Step.REMIND_WHEN,
        When,
        _when_show,
        on_remind_when,
        N_("Wanneer wil je een herinnering?"),
    ),
    Page(
        Step.REMIND_REPEAT,
        Repeat,
        _repeat_show,
        on_remind_repeat,
        N_("Alleen de volgende keer, of elke keer?"),
    ),
    Page(
        Step.REMIND_CONFIRM,
        YesNo,
        _confirm_show,
        on_remind_confirm,
        N_("Zal ik de herinnering zo zetten?"),
    ),
)
