"""`advance`: one event in, one turn out, for every channel.

Rules of this module:
1. Pure: no I/O, no clock, no randomness. The same state, event and
   context give the same turn. `bot/` persists the state, sends the
   screens and carries out the effects.
2. Order of concerns in one turn: danger first (`dialogs.danger`, in typed
   text, a command's words and a caption, at any step; the state kept, so
   a danger message is never taken as an answer); then commands; then
   buttons valid everywhere (``go:``); then buttons from an older question
   (answered kindly); then the step table in `dialogs.steps`.
3. Nothing a person sends is an error: every turn answers with at least
   one screen in the person's language.
"""

from __future__ import annotations

from dataclasses import replace

from dialogs import checkin, reminders
from dialogs.actions import GLOBAL, parse_action
from dialogs.context import TurnContext
from dialogs.danger import detect_danger
from dialogs.deeplink import Preselection, decode_payload
from dialogs.effects import Effect, ForgetUser, Metric, SetLanguage
from dialogs.events import ButtonPressed, Command, Event, LocationShared, TextSent, Unsupported
from dialogs.results import (
    country_of,
    show_results,
)
from dialogs.safety import countries_of, safety_screen
from dialogs.screen import Screen
from dialogs.screens import (
    aim_screen,
    continue_or_restart_screen,
    forgotten_screen,
    help_screen,
    join,
    language_screen,
    privacy_screen,
    problem_screen,
    professional_help_screen,
    relation_screen,
    resume_row,
    stop_screen,
    stopped_screen,
    welcome_text,
    where_screen,
    who_screen,
)
from dialogs.state import DialogState, Step
from dialogs.steps import STEPS, current, metric
from dialogs.turn import Turn
from locales import LANGUAGES

COMMAND_ALIASES: dict[str, str] = {
    "start": "start",
    "help": "help",
    "helpen": "help",
    "privacy": "privacy",
    "taal": "taal",
    "language": "taal",
    "lang": "taal",
    "opnieuw": "opnieuw",
    "restart": "opnieuw",
    "reset": "opnieuw",
    "stop": "stop",
    "vergeet": "vergeet",
    "forget": "vergeet",
    "delete": "vergeet",
    "hulp": "hulp",
    "helplines": "hulp",
    "sos": "hulp",
    "herinneringen": "herinneringen",
    "reminders": "herinneringen",
}
"""Every command `advance` understands (Dutch names first; English aliases)."""


def advance(state: DialogState, event: Event, ctx: TurnContext) -> Turn:
    """One turn of the conversation. Same input, same output; the adapter persists and sends."""
    if kinds := detect_danger(_words_of(event)):
        return Turn(state, (safety_screen(kinds, countries_of(state, ctx), ctx),))
    match event:
        case Command(name, arg):
            return _command(state, name.lower().lstrip("/"), arg, ctx)
        case ButtonPressed(text):
            step, verb, argument = parse_action(text)
            if step == GLOBAL:
                return _global(state, verb, argument, ctx)
            if reminders.handles(text):  # a reminder message's buttons, at any step
                return reminders.handle(state, text, ctx)
            if checkin.handles(text):  # "how did it go?", at any step
                return checkin.handle(state, text, ctx)
            if step != state.step.value:
                _ = ctx.gettext
                return current(
                    state, ctx, _("Die knop hoort bij een eerder bericht. Hier waren we:")
                )
            return STEPS[state.step](state, event, ctx)
        case Unsupported(kind=kind):
            return current(state, ctx, _unsupported_hint(kind, ctx))
        case LocationShared() if state.step not in (Step.WHERE, Step.RESULTS):
            _ = ctx.gettext
            return current(
                state,
                ctx,
                _("Dank je, maar je locatie heb ik nu niet nodig. Ik bewaar hem ook niet."),
            )
        case TextSent(text) if not text.strip():
            return current(state, ctx)
    return STEPS[state.step](state, event, ctx)


def _words_of(event: Event) -> str:
    """What the person wrote in this event, if anything (a button's action is not theirs)."""
    match event:
        case TextSent(text) | Command(arg=text) | Unsupported(text=text):
            return text
    return ""


def _unsupported_hint(kind: str, ctx: TurnContext) -> str:
    _ = ctx.gettext
    if kind in {"voice", "audio", "video", "video_note"}:
        return _(
            "Spraak- en videoberichten kan ik niet afspelen. Typ het gerust, of kies een knop."
        )
    return _("Dat kan ik niet lezen: ik begrijp tekst, een gedeelde locatie en de knoppen.")


# -- commands ----------------------------------------------------------------------------


def _command(state: DialogState, name: str, arg: str, ctx: TurnContext) -> Turn:
    _ = ctx.gettext
    match COMMAND_ALIASES.get(name):
        case "start":
            return _start(state, arg, ctx)
        case "help":
            return Turn(state, (help_screen(ctx),))
        case "privacy":
            return Turn(state, (privacy_screen(ctx),))
        case "taal":
            return Turn(state, (language_screen(ctx),))
        case "opnieuw":
            return _restart(state, ctx)
        case "stop":
            return Turn(state, (stop_screen(ctx),))
        case "vergeet":
            return Turn(DialogState(), (forgotten_screen(ctx),), (ForgetUser(),))
        case "hulp":
            return Turn(state, (professional_help_screen(ctx, country_of(state, ctx)),))
        case "herinneringen":
            screen = reminders.reminders_list_screen(ctx)
            return Turn(state, (Screen(screen.text, (*screen.buttons, resume_row(ctx))),))
    return current(state, ctx, _("Dat commando ken ik niet. Met /help zie je wat ik kan."))


def _start(state: DialogState, payload: str, ctx: TurnContext) -> Turn:
    """/start: a clinic's link lands further on; in the middle, offer to go on or start over."""
    preselection = decode_payload(payload, ctx.catalogue) if payload else None
    if preselection is not None:
        return land(preselection, ctx)
    if state.is_fresh:
        return Turn(state, (who_screen(ctx, welcome=True),))
    return Turn(state, (continue_or_restart_screen(ctx),))


def _restart(state: DialogState, ctx: TurnContext) -> Turn:
    """A fresh conversation; a clinic's link stays the source of the counts."""
    _ = ctx.gettext
    fresh = DialogState(clinic_id=state.clinic_id)
    screen = who_screen(ctx)
    return Turn(fresh, (Screen(join(_("We beginnen opnieuw."), screen.text), screen.buttons),))


def land(preselection: Preselection, ctx: TurnContext) -> Turn:
    """Arriving through a link: answer what it preselects, then ask the first open question."""
    _ = ctx.gettext
    effects: list[Effect] = []
    clinic = ctx.catalogue.clinics.get(preselection.clinic_id or "")
    if (
        clinic is not None
        and ctx.offer_english
        and clinic.language in LANGUAGES
        and clinic.language != ctx.language
    ):
        effects.append(SetLanguage(clinic.language))
        ctx = ctx.in_language(clinic.language)
        _ = ctx.gettext
    state = DialogState(
        clinic_id=clinic.id if clinic is not None else None,
        seeker=preselection.seeker,
        relation=preselection.relation,
        for_them=bool(preselection.for_them),
        problem=preselection.problem,
    )
    effects.extend(metric(state, Metric.STARTED))
    if clinic is not None:
        via = _("Je kwam hier via een link van {clinic}.").format(clinic=clinic.name)
    else:
        via = None
    intro = join(welcome_text(ctx), via)
    if preselection.seeker is not None or preselection.problem is not None:
        intro = join(
            intro, _("Een paar vragen heb ik alvast ingevuld. Met /opnieuw kies je alles zelf.")
        )

    if state.seeker is None:
        screen = who_screen(ctx)
        return Turn(state, (Screen(join(intro, screen.text), screen.buttons),), tuple(effects))
    if state.seeker.value == "naaste" and state.relation is None:
        screen = relation_screen(ctx)
        return Turn(
            replace(state, step=Step.RELATION),
            (Screen(join(intro, screen.text), screen.buttons),),
            tuple(effects),
        )
    if state.seeker.value == "naaste" and preselection.for_them is None:
        screen = aim_screen(ctx)
        return Turn(
            replace(state, step=Step.AIM),
            (Screen(join(intro, screen.text), screen.buttons),),
            tuple(effects),
        )
    if state.problem is None:
        new = replace(state, step=Step.PROBLEM)
        return Turn(new, (problem_screen(new, ctx, intro=intro),), tuple(effects))
    place = _preselected_place(preselection.place_id, ctx)
    if place is None:
        new = replace(state, step=Step.WHERE)
        return Turn(new, (where_screen(ctx, intro=intro),), tuple(effects))
    new, screen, _result = show_results(replace(state, place_id=place), ctx, intro=intro)
    if new.step is Step.RESULTS:
        effects.extend(metric(new, Metric.SEARCHED))
    return Turn(new, (screen,), tuple(effects))


def _preselected_place(place: str | None, ctx: TurnContext) -> str | None:
    """A link's place id, if that place still exists."""
    if not place:
        return None
    found = ctx.places.get(place)
    return found.id if found is not None else None


# -- buttons valid at any step -----------------------------------------------------------


def _global(state: DialogState, verb: str, argument: str, ctx: TurnContext) -> Turn:
    _ = ctx.gettext
    match verb:
        case "resume":
            return current(state, ctx)
        case "restart":
            return _restart(state, ctx)
        case "lang" if argument in LANGUAGES:
            ctx = ctx.in_language(argument)
            _ = ctx.gettext
            turn = current(state, ctx, _("Prima, we gaan verder in het Nederlands."))
            return Turn(turn.state, turn.screens, (SetLanguage(argument), *turn.effects))
        case "forget":
            return Turn(DialogState(), (forgotten_screen(ctx),), (ForgetUser(),))
        case "keep":
            return Turn(state, (stopped_screen(ctx),))
        case "hulp":
            return Turn(state, (professional_help_screen(ctx, country_of(state, ctx)),))
    return current(state, ctx, _("Die knop hoort bij een eerder bericht. Hier waren we:"))
