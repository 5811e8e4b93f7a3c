"""The check-in after a meeting: "How did it go?", and the answers to it.

Its buttons carry actions under their own prefix ``ci:`` that `advance` routes here at any step
(see `handles`):

    ci:went:<meeting>                       I went → how was it?
    ci:good:<meeting> / ci:mixed:<…> / ci:bad:<…>
    ci:no:<meeting>                         I didn't go
    ci:stop                                 I'd rather not be asked

The tone is the one of the groups themselves: no pressure, no judgement, keep coming back.
Every answer tells the bot that this person reads its check-ins (`CheckinAnswered`), which
keeps them coming; three unanswered ones in a row stop them (see `bot.reminders.schedule`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from catalogue.models import Meeting
from dialogs.actions import action, fits, parse_action
from dialogs.context import TurnContext
from dialogs.effects import CheckinAnswered, Metric, metric
from dialogs.formatting import meeting_time
from dialogs.reminder_messages import PREFIX as REMINDER_PREFIX
from dialogs.reminder_messages import other_groups
from dialogs.screen import Button, Screen
from dialogs.state import DialogState
from dialogs.turn import Turn
from locales import translations

__all__ = ["PREFIX", "Answer", "checkin_message", "handle", "handles"]

PREFIX = "ci"


class Answer(StrEnum):
    """What the person answered to a check-in."""

    WENT = "went"
    GOOD = "good"
    MIXED = "mixed"
    BAD = "bad"
    DID_NOT_GO = "no"
    STOP = "stop"


def handles(event_action: str) -> bool:
    """True for the actions of check-in messages (routed here from any step)."""
    return event_action.startswith(PREFIX + ":")


def checkin_message(meeting: Meeting, occurrence_at: datetime, language: str) -> Screen:
    """ "How did it go?" after a meeting the person was reminded of.

    The first line is what a lock screen shows: it names no group.
    """
    _ = translations(language).gettext
    text = (
        _("Hoe ging het?")
        + "\n\n"
        + _("Je had een herinnering voor {name} op {when}.").format(
            name=meeting.name, when=meeting_time(occurrence_at, language)
        )
    )
    rows: list[tuple[Button, ...]] = []
    if fits(PREFIX, "went", meeting.id):
        rows.append(
            (
                Button(_("Ik ben gegaan"), action(PREFIX, Answer.WENT, meeting.id)),
                Button(_("Ik ben niet gegaan"), action(PREFIX, Answer.DID_NOT_GO, meeting.id)),
            )
        )
    rows.append((Button(_("Vraag me dit liever niet"), action(PREFIX, Answer.STOP)),))
    return Screen(text, buttons=tuple(rows))


def handle(state: DialogState, event_action: str, ctx: TurnContext) -> Turn:
    """Answer a check-in button, whatever step the conversation is at."""
    _ = ctx.gettext
    _prefix, verb, meeting_id = parse_action(event_action)
    try:
        answer = Answer(verb)
    except ValueError:
        return Turn(state, (Screen(_("Die knop hoort bij een oud bericht.")),))
    meeting = ctx.catalogue.meeting(meeting_id)
    answered = CheckinAnswered(answer)
    if answer is Answer.STOP:
        text = _(
            "Goed, dan vraag ik je niet meer hoe het ging. Herinneringen die je zelf hebt "
            "aangezet blijven gewoon komen; die stop je met /herinneringen."
        )
        return Turn(state, (Screen(text),), (answered,))
    if answer is Answer.WENT:
        text = _("Wat goed dat je bent gegaan! Dat is vaak de moeilijkste stap. Hoe was het?")
        rows = (
            (
                Button(_("Goed"), action(PREFIX, Answer.GOOD, meeting_id)),
                Button(_("Gemengd"), action(PREFIX, Answer.MIXED, meeting_id)),
                Button(_("Niet goed"), action(PREFIX, Answer.BAD, meeting_id)),
            ),
        )
        effects = (answered, *metric(state.clinic_id, Metric.WENT, meeting_id))
        return Turn(state, (Screen(text, buttons=rows),), effects)
    if answer is Answer.GOOD:
        text = _(
            "Fijn om te horen. Wie blijft komen, merkt vaak dat het steeds meer helpt. "
            "Alleen voor vandaag: je bent er de volgende keer weer welkom."
        )
        return Turn(state, (Screen(text, buttons=_weekly_row(meeting, ctx)),), (answered,))
    if answer in (Answer.MIXED, Answer.BAD):
        text = _(
            "Dank je dat je het eerlijk zegt. Veel mensen proberen een paar groepen voordat er "
            "een past: dat is heel gewoon. Elke groep is anders."
        )
        rows = _other_groups_rows(meeting, ctx)
        if answer is Answer.MIXED:
            rows += _weekly_row(meeting, ctx)
        return Turn(state, (Screen(text, buttons=rows),), (answered,))
    # Answer.DID_NOT_GO
    text = _(
        "Dat geeft niets. Er is geen haast en niemand houdt bij wie er komt. "
        "Je kunt een andere keer gaan, online meedoen of een andere groep kiezen."
    )
    rows = ()
    if meeting is not None:
        rows += (
            (
                Button(
                    _("De volgende keer bekijken"),
                    action(REMINDER_PREFIX, "show", meeting.id),
                ),
            ),
        )
        rows += _online_rows(meeting, ctx)
    rows += _other_groups_rows(meeting, ctx)
    return Turn(state, (Screen(text, buttons=rows),), (answered,))


def _weekly_row(meeting: Meeting | None, ctx: TurnContext) -> tuple[tuple[Button, ...], ...]:
    """Offer a weekly reminder for this group, unless there is one already."""
    if meeting is None or not fits(REMINDER_PREFIX, "weekly", meeting.id):
        return ()
    if any(v.meeting_id == meeting.id and v.weekly for v in ctx.reminders):
        return ()
    label = ctx.gettext("Herinner me elke week aan deze groep")
    return ((Button(label, action(REMINDER_PREFIX, "weekly", meeting.id)),),)


def _other_groups_rows(meeting: Meeting | None, ctx: TurnContext) -> tuple[tuple[Button, ...], ...]:
    """Up to three other groups of the same organisation, nearest first."""
    if meeting is None:
        return ()
    rows = []
    for other, next_at in other_groups(ctx.catalogue, meeting, ctx.now)[:3]:
        if fits(REMINDER_PREFIX, "show", other.id):
            label = f"{other.name} · {meeting_time(next_at, ctx.language)}"
            rows.append((Button(label, action(REMINDER_PREFIX, "show", other.id)),))
    return tuple(rows)


def _online_rows(meeting: Meeting, ctx: TurnContext) -> tuple[tuple[Button, ...], ...]:
    """The first online meeting of the same organisation, if any (and this one is not online)."""
    if meeting.online is not None:
        return ()
    for other, next_at in other_groups(ctx.catalogue, meeting, ctx.now):
        if other.venue is None and other.online is not None:
            if not fits(REMINDER_PREFIX, "show", other.id):
                return ()
            label = ctx.gettext("Online: {name} · {when}").format(
                name=other.name, when=meeting_time(next_at, ctx.language)
            )
            return ((Button(label, action(REMINDER_PREFIX, "show", other.id)),),)
    return ()
