"""One handler per question, and the table that maps each `Step` to it.

Rules of this module:
1. A handler gets the state, an event meant for its question (a button of
   its own step, typed text, a shared location) and the context; it returns
   a `Turn`. Commands, stickers, stale buttons and messages that signal danger never
   reach it: `dialogs.conversation` answers those for every step alike.
2. Whatever a handler does not understand, it answers with `reask`: a
   kind line and the same question, with the state unchanged.
3. No handler reads a clock, a file or the network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TypeVar

from catalogue.kinds import Problem, Relation, Seeker
from catalogue.models import Meeting, Organisation
from catalogue.places import Place
from catalogue.reminder_times import TWO_HOURS_BEFORE_MINUTES, evening_before_minutes
from dialogs import understanding as words
from dialogs.actions import action, fits, parse_action
from dialogs.context import TurnContext
from dialogs.effects import CountMetric, Effect, Metric, SetReminder
from dialogs.events import ButtonPressed, Event, LocationShared, TextSent
from dialogs.results import (
    PAGE_SIZE,
    calendar_screen,
    filters_screen,
    meeting_buttons,
    meeting_screen,
    remind_confirm_screen,
    remind_repeat_screen,
    remind_when_screen,
    share_screens,
    show_results,
)
from dialogs.screen import Button, Screen
from dialogs.screens import (
    PROBLEM_LABELS,
    aim_screen,
    explain_screen,
    place_label,
    problem_screen,
    relation_screen,
    where_screen,
    who_screen,
)
from dialogs.state import DialogState, Step
from dialogs.turn import Turn

Handler = Callable[[DialogState, Event, TurnContext], Turn]
T = TypeVar("T")


def metric(state: DialogState, which: Metric) -> tuple[Effect, ...]:
    """A clinic counter, only for conversations that came in through a clinic's link."""
    return (CountMetric(state.clinic_id, which),) if state.clinic_id else ()


def chosen(event: Event, buttons: Mapping[str, T], typed: Callable[[str], T | None]) -> T | None:
    """The answer an event gives to a question with buttons: a button's verb, or typed words.

    Every question that is answered by one of a few choices reads its buttons
    and its typed synonyms the same way; None means "not understood" (re-ask).
    """
    match event:
        case ButtonPressed(text):
            return buttons.get(parse_action(text)[1])
        case TextSent(text):
            return typed(text)
    return None


# -- asking (again) ----------------------------------------------------------------------


def current(state: DialogState, ctx: TurnContext, hint: str | None = None) -> Turn:
    """The open question shown again, with `hint` above it when given."""
    match state.step:
        case Step.WHO:
            return Turn(state, (who_screen(ctx, welcome=hint is None, hint=hint),))
        case Step.RELATION:
            return Turn(state, (relation_screen(ctx, hint),))
        case Step.AIM:
            return Turn(state, (aim_screen(ctx, hint),))
        case Step.PROBLEM:
            return Turn(state, (problem_screen(state, ctx, hint),))
        case Step.WHERE:
            return Turn(state, (where_screen(ctx, hint),))
        case Step.RESULTS:
            new, screen, _ = show_results(state, ctx, hint)
            return Turn(new, (screen,))
        case Step.FILTERS:
            return Turn(state, (filters_screen(state, ctx, hint),))
    found = _meeting(state, ctx)
    if found is None:
        return _meeting_gone(state, ctx)
    meeting, organisation = found
    match state.step:
        case Step.REMIND_WHEN:
            return Turn(state, (remind_when_screen(meeting, ctx, hint),))
        case Step.REMIND_REPEAT:
            return Turn(state, (remind_repeat_screen(ctx, hint),))
        case Step.REMIND_CONFIRM:
            screen, occurrence = remind_confirm_screen(meeting, state, ctx, hint)
            if occurrence is None:
                return Turn(replace(state, step=Step.MEETING), (screen,))
            return Turn(state, (screen,))
    return Turn(state, (meeting_screen(meeting, organisation, ctx, hint),))


def reask(state: DialogState, ctx: TurnContext) -> Turn:
    """Typed text or a location we could not use here: a kind line and the question again."""
    _ = ctx.gettext
    hint = _("Dat begreep ik niet helemaal. Kies een van de knoppen, of typ het anders.")
    return current(state, ctx, hint)


def ask_problem_or_where(state: DialogState, ctx: TurnContext, intro: str | None = None) -> Turn:
    """After "for whom" is settled: the problem question, unless it is already known."""
    if state.problem is None:
        new = replace(state, step=Step.PROBLEM)
        return Turn(new, (problem_screen(new, ctx, intro=intro),))
    return Turn(replace(state, step=Step.WHERE), (where_screen(ctx, intro=intro),))


# -- for whom ----------------------------------------------------------------------------


def on_who(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """For myself, for someone close, or "what is a self-help group?"."""
    _ = ctx.gettext
    choice = chosen(event, _WHO_BUTTONS, words.seeker_word)
    typed = event.text if isinstance(event, TextSent) else ""
    relation = words.relation_from_text(typed)  # "mijn zoon drinkt" answers two questions
    problem = words.problem_from_text(typed) or state.problem
    if choice is None and typed and problem is not None:
        return current(
            replace(state, problem=problem),
            ctx,
            _("Genoteerd: {problem}. Zoek je voor jezelf of voor iemand anders?").format(
                problem=_(PROBLEM_LABELS[problem])
            ),
        )
    if choice == "self":
        new = replace(state, seeker=Seeker.SELF, relation=None, for_them=False, problem=problem)
        return ask_problem_or_where(new, ctx)
    if choice == "naaste":
        new = replace(state, seeker=Seeker.NAASTE, relation=relation, problem=problem)
        if relation is None:
            return Turn(replace(new, step=Step.RELATION), (relation_screen(ctx),))
        return Turn(replace(new, step=Step.AIM), (aim_screen(ctx),))
    if choice == "unsure":
        return Turn(state, (explain_screen(ctx),))
    return reask(state, ctx)


_WHO_BUTTONS = {verb: verb for verb in ("self", "naaste", "unsure")}
_RELATION_BUTTONS = {relation.value: relation for relation in Relation}
_AIM_BUTTONS = {"me": False, "them": True}
_PROBLEM_BUTTONS = {problem.value: problem for problem in Problem}


def on_relation(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """How the naaste is related to the person who uses."""
    relation = chosen(event, _RELATION_BUTTONS, words.relation_from_text)
    if relation is None:
        return reask(state, ctx)
    new = replace(state, relation=relation, step=Step.AIM)
    return Turn(new, (aim_screen(ctx),))


def on_aim(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """Support for the naaste themselves, or a group for the other to pass on."""
    for_them = chosen(event, _AIM_BUTTONS, words.aim_from_text)
    if for_them is None:
        return reask(state, ctx)
    return ask_problem_or_where(replace(state, for_them=for_them), ctx)


def on_problem(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """Which problem; typed words are understood."""
    _ = ctx.gettext
    problem = chosen(event, _PROBLEM_BUTTONS, words.problem_from_text)
    if problem is None:
        return current(
            state,
            ctx,
            _("Dat herkende ik niet. Kies een knop; 'Iets anders' of 'Weet ik niet' mag ook."),
        )
    intro: str | None = None
    if problem in (Problem.UNSURE, Problem.OTHER):
        intro = _("Dat is goed. Ik zoek groepen die openstaan voor elke verslaving.")
    elif isinstance(event, TextSent):  # typed: say what was understood
        intro = _("Genoteerd: {problem}.").format(problem=_(PROBLEM_LABELS[problem]))
    new = replace(state, problem=problem, step=Step.WHERE)
    return Turn(new, (where_screen(ctx, intro=intro),))


# -- where -------------------------------------------------------------------------------


def search(state: DialogState, ctx: TurnContext, intro: str | None = None) -> Turn:
    """A new search (place, online, or filters changed): results, counted for a clinic."""
    new, screen, _ = show_results(replace(state, offset=0), ctx, intro=intro)
    effects = metric(new, Metric.SEARCHED) if new.step is Step.RESULTS else ()
    return Turn(new, (screen,), effects)


def _place_chosen(state: DialogState, place_id: str, ctx: TurnContext) -> Turn:
    return search(replace(state, place_id=place_id, online_only=False), ctx)


def _online_chosen(state: DialogState, ctx: TurnContext) -> Turn:
    return search(replace(state, place_id=None, online_only=True), ctx)


def _typed_place(state: DialogState, text: str, ctx: TurnContext) -> Turn:
    """A town or postcode: found, a choice of same-named places, or suggestions."""
    _ = ctx.gettext
    if words.is_online(text):
        return _online_chosen(state, ctx)
    found = ctx.places.lookup(text)
    if found.place is not None:
        return _place_chosen(state, found.place.id, ctx)
    shown = text.strip()[:40]
    if found.choices:
        return Turn(
            replace(state, step=Step.WHERE),
            (
                Screen(
                    _("Er zijn meer plaatsen die {name} heten. Welke bedoel je?").format(
                        name=shown
                    ),
                    _place_buttons(found.choices, ctx),
                ),
            ),
        )
    if found.suggestions:
        text_ = _("Ik ken '{name}' niet. Bedoel je een van deze?").format(name=shown)
        return Turn(
            replace(state, step=Step.WHERE),
            (Screen(text_, _place_buttons(found.suggestions, ctx)),),
        )
    return Turn(
        replace(state, step=Step.WHERE),
        (
            where_screen(
                ctx,
                hint=_(
                    "Die plaats vind ik niet. Probeer een postcode (zoals 3511) "
                    "of een grotere plaats in de buurt."
                ),
            ),
        ),
    )


def _place_buttons(places: tuple[Place, ...], ctx: TurnContext) -> tuple[tuple[Button, ...], ...]:
    """One button per place ("Bergen (Noord-Holland)"), then "type again" and "online"."""
    _ = ctx.gettext
    rows = [
        (
            Button(
                place_label(p.name, p.province, p.country, ctx), action(Step.WHERE, "place", p.id)
            ),
        )
        for p in places[:8]
        if fits(Step.WHERE, "place", p.id)
    ]
    rows.append(
        (
            Button(_("Opnieuw typen"), action(Step.WHERE, "retry")),
            Button(_("Online"), action(Step.WHERE, "online")),
        )
    )
    return tuple(rows)


def on_where(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """A shared location, a typed town or postcode, a chosen place, or online."""
    _ = ctx.gettext
    match event:
        case LocationShared(lat, lon):
            place = ctx.places.nearest(lat, lon)
            if place is None:
                return current(
                    state,
                    ctx,
                    _(
                        "Die locatie ligt buiten Nederland en Vlaanderen. Alleen daar ken ik "
                        "groepen. Typ een plaats, of kies online."
                    ),
                )
            return _place_chosen(state, place.id, ctx)
        case TextSent(text):
            return _typed_place(state, text, ctx)
        case ButtonPressed(text):
            _step, verb, argument = parse_action(text)
            if verb == "online":
                return _online_chosen(state, ctx)
            if verb == "place" and ctx.places.get(argument) is not None:
                return _place_chosen(state, argument, ctx)
            return Turn(state, (where_screen(ctx),))
    return reask(state, ctx)


# -- results and filters -----------------------------------------------------------------


def open_meeting(state: DialogState, meeting_id: str, ctx: TurnContext) -> Turn:
    """A meeting's page; counted as viewed for a clinic."""
    new = replace(state, step=Step.MEETING, meeting_id=meeting_id)
    found = _meeting(new, ctx)
    if found is None:
        return _meeting_gone(state, ctx)
    meeting, organisation = found
    return Turn(new, (meeting_screen(meeting, organisation, ctx),), metric(new, Metric.VIEWED))


def on_results(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """Open a result, page on, filter, change place; typed numbers and places work too."""
    _ = ctx.gettext
    match event:
        case ButtonPressed(text):
            _step, verb, argument = parse_action(text)
            if verb == "open" and argument.isdigit() and int(argument) < len(state.shown):
                return open_meeting(state, state.shown[int(argument)], ctx)
            if verb == "more":
                return current(replace(state, offset=state.offset + PAGE_SIZE), ctx)
            if verb == "first":
                return current(replace(state, offset=0), ctx)
            if verb == "filters":
                new = replace(state, step=Step.FILTERS)
                return Turn(new, (filters_screen(new, ctx),))
            if verb == "where":
                return Turn(replace(state, step=Step.WHERE), (where_screen(ctx),))
            if verb == "nofilters":
                return search(_without_filters(state), ctx)
            hint = _("Die knop hoort bij een eerdere lijst. Dit is de lijst van nu:")
            return current(state, ctx, hint)
        case LocationShared():
            return on_where(replace(state, step=Step.WHERE), event, ctx)
        case TextSent(text):
            number = words.number_from_text(text)
            if number is not None:
                # The list numbers on from earlier pages; "2" on page two means its second.
                for index in (number - 1 - state.offset, number - 1):
                    if 0 <= index < len(state.shown):
                        return open_meeting(state, state.shown[index], ctx)
            if words.mentions(text, {"meer", "more", "volgende", "next"}):
                return current(replace(state, offset=state.offset + PAGE_SIZE), ctx)
            if words.mentions(text, {"filter", "filters", "dag", "day"}):
                new = replace(state, step=Step.FILTERS)
                return Turn(new, (filters_screen(new, ctx),))
            if words.is_online(text):
                return _online_chosen(state, ctx)
            found = ctx.places.lookup(text)
            if found.place is not None or found.choices:
                return _typed_place(state, text, ctx)
    return reask(state, ctx)


def _without_filters(state: DialogState) -> DialogState:
    return replace(state, weekday=None, open_only=False, women=False, youth=False, english=False)


_TOGGLES = {"open": "open_only", "women": "women", "youth": "youth", "english": "english"}


def on_filters(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """Toggle filters; "show" runs the search again."""
    match event:
        case ButtonPressed(text):
            _step, verb, argument = parse_action(text)
            if verb in _TOGGLES:
                name = _TOGGLES[verb]
                new = replace(state, **{name: not getattr(state, name)}, offset=0)
                return Turn(new, (filters_screen(new, ctx),))
            if verb == "day":
                weekday = int(argument) if argument in {"0", "1", "2", "3", "4", "5", "6"} else None
                if weekday == state.weekday:
                    weekday = None
                new = replace(state, weekday=weekday, offset=0)
                return Turn(new, (filters_screen(new, ctx),))
            if verb == "done":
                return search(state, ctx)
        case TextSent(text):
            if words.mentions(
                text, {"klaar", "toon", "terug", "done", "show", "ok", "oke", "back"}
            ):
                return search(state, ctx)
    return reask(state, ctx)


# -- one meeting -------------------------------------------------------------------------


def _meeting(state: DialogState, ctx: TurnContext) -> tuple[Meeting, Organisation] | None:
    meeting = ctx.catalogue.meetings.get(state.meeting_id or "")
    if meeting is None:
        return None
    organisation = ctx.catalogue.organisations.get(meeting.organisation_id)
    return (meeting, organisation) if organisation is not None else None


def _meeting_gone(state: DialogState, ctx: TurnContext) -> Turn:
    _ = ctx.gettext
    back = replace(state, step=Step.RESULTS, meeting_id=None)
    new, screen, _result = show_results(
        back, ctx, hint=_("Die bijeenkomst staat niet meer in mijn lijst. Dit zijn de andere:")
    )
    return Turn(new, (screen,))


def on_meeting(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """Calendar, reminder, share, or back to the list."""
    found = _meeting(state, ctx)
    if found is None:
        return _meeting_gone(state, ctx)
    meeting, organisation = found
    verb = chosen(event, _MEETING_VERBS, lambda text: words.first_mentioned(text, _MEETING_WORDS))
    if verb == "cal":
        return Turn(state, (calendar_screen(meeting, organisation, ctx),))
    if verb == "remind":
        new = replace(state, step=Step.REMIND_WHEN, remind_offsets=(), remind_weekly=False)
        return Turn(new, (remind_when_screen(meeting, ctx),))
    if verb == "share":
        return Turn(state, share_screens(meeting, organisation, ctx))
    if verb == "back":
        new, screen, _result = show_results(replace(state, step=Step.RESULTS), ctx)
        return Turn(new, (screen,))
    return reask(state, ctx)


_MEETING_WORDS = {
    "cal": {"agenda", "kalender", "calendar", "ics"},
    "remind": {"herinner", "herinnering", "herinner me", "remind", "reminder", "remind me"},
    "share": {"deel", "delen", "doorsturen", "share", "forward"},
    "back": {"terug", "lijst", "back", "list"},
}
_MEETING_VERBS = {verb: verb for verb in _MEETING_WORDS}


# -- reminders ---------------------------------------------------------------------------


def _when_from_text(text: str) -> str | None:
    if words.mentions(text, {"terug", "back"}):
        return "back"
    evening = words.mentions(text, {"avond", "evening", "dag ervoor", "day before"})
    hours = words.mentions(text, {"uur", "hours", "2", "twee", "two"})
    if words.mentions(text, {"allebei", "beide", "both"}) or (evening and hours):
        return "both"
    return "evening" if evening else "2h" if hours else None


_WHEN_VERBS = {verb: verb for verb in ("evening", "2h", "both", "back")}


def on_remind_when(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """The evening before, two hours before, or both."""
    found = _meeting(state, ctx)
    if found is None:
        return _meeting_gone(state, ctx)
    meeting, organisation = found
    verb = chosen(event, _WHEN_VERBS, _when_from_text)
    evening = evening_before_minutes(meeting.start)
    offsets = {
        "evening": (evening,),
        "2h": (TWO_HOURS_BEFORE_MINUTES,),
        "both": (evening, TWO_HOURS_BEFORE_MINUTES),
    }.get(verb or "")
    if verb == "back":
        screen = meeting_screen(meeting, organisation, ctx)
        return Turn(replace(state, step=Step.MEETING), (screen,))
    if offsets is None:
        return reask(state, ctx)
    new = replace(state, step=Step.REMIND_REPEAT, remind_offsets=offsets)
    return Turn(new, (remind_repeat_screen(ctx),))


_REPEAT_WORDS = {  # in this order: "elke volgende keer" is every time
    "weekly": {"elke", "iedere", "altijd", "wekelijks", "every", "weekly", "always"},
    "once": {"een keer", "1 keer", "eenmalig", "volgende", "once", "next"},
    "back": {"terug", "back"},
}
_REPEAT_VERBS = {verb: verb for verb in _REPEAT_WORDS}


def on_remind_repeat(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """Only the next time, or every time the group meets."""
    found = _meeting(state, ctx)
    if found is None:
        return _meeting_gone(state, ctx)
    meeting, _organisation = found
    verb = chosen(event, _REPEAT_VERBS, lambda text: words.first_mentioned(text, _REPEAT_WORDS))
    if verb == "back":
        return Turn(replace(state, step=Step.REMIND_WHEN), (remind_when_screen(meeting, ctx),))
    if verb not in ("once", "weekly") or not state.remind_offsets:
        return reask(state, ctx)
    new = replace(state, step=Step.REMIND_CONFIRM, remind_weekly=verb == "weekly")
    screen, occurrence = remind_confirm_screen(meeting, new, ctx)
    if occurrence is None:
        return Turn(replace(state, step=Step.MEETING), (screen,))
    return Turn(new, (screen,))


def on_remind_confirm(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """Yes: the reminder is set (an effect for the bot); no: back to the meeting."""
    _ = ctx.gettext
    found = _meeting(state, ctx)
    if found is None:
        return _meeting_gone(state, ctx)
    meeting, _organisation = found
    answer = chosen(event, {"yes": True, "no": False}, words.yes_no)
    if answer is None:
        return reask(state, ctx)
    back = replace(state, step=Step.MEETING, remind_offsets=(), remind_weekly=False)
    if not answer:
        return Turn(
            back,
            (Screen(_("Goed, dan zet ik geen herinnering."), meeting_buttons(meeting, ctx, True)),),
        )
    screen, occurrence = remind_confirm_screen(meeting, state, ctx)
    if occurrence is None or not state.remind_offsets:
        return Turn(back, (screen,))
    effects: tuple[Effect, ...] = (
        SetReminder(meeting.id, state.remind_offsets, state.remind_weekly, occurrence),
        *metric(state, Metric.REMINDER_SET),
    )
    text = _(
        "Afgesproken. Je krijgt een bericht van me op tijd. "
        "Met /herinneringen zie of stop je je herinneringen."
    )
    return Turn(back, (Screen(text, meeting_buttons(meeting, ctx, True)),), effects)


STEPS: dict[Step, Handler] = {
    Step.WHO: on_who,
    Step.RELATION: on_relation,
    Step.AIM: on_aim,
    Step.PROBLEM: on_problem,
    Step.WHERE: on_where,
    Step.RESULTS: on_results,
    Step.FILTERS: on_filters,
    Step.MEETING: on_meeting,
    Step.REMIND_WHEN: on_remind_when,
    Step.REMIND_REPEAT: on_remind_repeat,
    Step.REMIND_CONFIRM: on_remind_confirm,
}
"""Every question and its handler: the whole conversation's moves are data."""
