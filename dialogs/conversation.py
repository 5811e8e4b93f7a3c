"""`advance`: one event in, one turn out, for every channel.

Rules of this module:
1. Pure: no I/O, no clock, no randomness. The same state, event and
   context give the same turn. `bot/` persists the state, sends the
   screens and carries out the effects.
2. Order of concerns in one turn: danger first (`dialogs.danger`, in typed
   text, a command's words and a caption, at any step; the state kept, so
   a danger message is never taken as an answer); then commands;
   then buttons valid everywhere (``go:``), a reminder's and a check-in's
   buttons; then buttons from an older question (answered kindly); then
   the open page (`dialogs.pages`). Typed text is read once
   (`dialogs.reader`): a button's label counts as pressing it; "terug",
   "opnieuw" and "stop" work at every step; a doubter's question is
   answered with the open question after it; a message in English offers
   English; the rest goes to the open page as a `Reading`.
3. Nothing a person sends is an error: every turn answers with at least
   one screen in the person's language.
"""

from __future__ import annotations

from dataclasses import replace

from dialogs import checkin, reminder_messages
from dialogs.actions import GLOBAL, Everywhere, parse_action
from dialogs.context import TurnContext
from dialogs.danger import detect_danger
from dialogs.deeplink import Preselection, decode_payload
from dialogs.effects import Effect, ForgetUser, Metric, SetLanguage, metric
from dialogs.events import ButtonPressed, Command, Event, LocationShared, TextSent, Unsupported
from dialogs.pages import PAGES, answer, ask_next, current, go_back
from dialogs.pages.info import (
    continue_or_restart_screen,
    doubter_screen,
    english_row,
    forgotten_screen,
    help_screen,
    language_screen,
    privacy_screen,
    professional_help_screen,
    resume_row,
    stop_screen,
    stopped_screen,
    welcome_text,
)
from dialogs.pages.page import Reply
from dialogs.pages.questions import facts_of, next_step, who_screen
from dialogs.pages.results import country_of
from dialogs.questions import question_answer
from dialogs.reader import Navigation, Reading, read
from dialogs.safety import countries_of, safety_screen
from dialogs.screen import Screen, join, with_hint
from dialogs.state import DialogState, Step
from dialogs.turn import Turn
from dialogs.words import normalise
from locales import LANGUAGES, translations

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
            return _button(state, text, ctx)
        case Unsupported(kind=kind):
            return current(state, ctx, _unsupported_hint(kind, ctx))
        case LocationShared(lat, lon):
            if state.step not in (Step.WHERE, Step.RESULTS):
                _ = ctx.gettext
                hint = _("Dank je, maar je locatie heb ik nu niet nodig. Ik bewaar hem ook niet.")
                return current(state, ctx, hint)
            return answer(state, Reply(location=(lat, lon)), ctx)
        case TextSent(text):
            return _typed(state, text, ctx)
    return current(state, ctx)


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


# -- buttons -----------------------------------------------------------------------------


def _button(state: DialogState, pressed: str, ctx: TurnContext) -> Turn:
    """A button: valid everywhere, a reminder's or check-in's, or the open page's own."""
    step, verb, argument = parse_action(pressed)
    if step == GLOBAL:
        return _everywhere(state, verb, argument, ctx)
    if reminder_messages.handles(pressed):  # a reminder message's buttons, at any step
        return reminder_messages.handle(state, pressed, ctx)
    if checkin.handles(pressed):  # "how did it go?", at any step
        return checkin.handle(state, pressed, ctx)
    page = PAGES[state.step]
    chosen = page.answer(verb) if step == state.step.value else None
    if chosen is None:
        _ = ctx.gettext
        return current(state, ctx, _("Die knop hoort bij een eerder bericht. Hier waren we:"))
    return answer(state, Reply(answer=chosen, argument=argument), ctx)


def _everywhere(state: DialogState, verb: str, argument: str, ctx: TurnContext) -> Turn:
    _ = ctx.gettext
    match verb:
        case Everywhere.RESUME:
            return current(state, ctx)
        case Everywhere.BACK:
            return go_back(state, ctx)
        case Everywhere.RESTART:
            return _restart(state, ctx)
        case Everywhere.LANGUAGE if argument in LANGUAGES:
            ctx = ctx.in_language(argument)
            _ = ctx.gettext
            turn = current(state, ctx, _("Prima, we gaan verder in het Nederlands."))
            return Turn(turn.state, turn.screens, (SetLanguage(argument), *turn.effects))
        case Everywhere.FORGET:
            return Turn(DialogState(), (forgotten_screen(ctx),), (ForgetUser(),))
        case Everywhere.KEEP:
            return Turn(state, (stopped_screen(ctx),))
        case Everywhere.HELP:
            return Turn(state, (professional_help_screen(ctx, country_of(state, ctx)),))
    return current(state, ctx, _("Die knop hoort bij een eerder bericht. Hier waren we:"))


# -- typed text --------------------------------------------------------------------------


def _typed(state: DialogState, text: str, ctx: TurnContext) -> Turn:
    """Typed text: a button's label, a way back, a doubter's question, or facts for the page."""
    if not text.strip():
        return current(state, ctx)
    if (pressed := _label_pressed(state, text, ctx)) is not None:
        return _button(state, pressed, ctx)
    reading = read(text, ctx.places)
    if not reading.english or ctx.language == "en":
        return _read(state, text, reading, ctx)
    if state.is_fresh:  # an English first message: English from here on
        turn = _read(state, text, reading, ctx.in_language("en"))
        return Turn(turn.state, turn.screens, (SetLanguage("en"), *turn.effects))
    turn = _read(state, text, reading, ctx)
    return Turn(turn.state, (_english_offer(), *turn.screens), turn.effects)


def _label_pressed(state: DialogState, text: str, ctx: TurnContext) -> str | None:
    """The action of the open page's button whose label is what was typed, if any."""
    typed = normalise(text)
    for screen in PAGES[state.step].show(state, ctx).screens:
        for row in screen.buttons:
            for button in row:
                if normalise(button.label) == typed:
                    return button.action
    return None


def _english_offer() -> Screen:
    """English in one tap, said in English (the person wrote in English)."""
    _ = translations("en").gettext
    return Screen(_("Ik kan ook in het Engels verder."), (english_row(),))


def _read(state: DialogState, text: str, reading: Reading, ctx: TurnContext) -> Turn:
    match reading.navigation:
        case Navigation.BACK:
            return go_back(state, ctx)
        case Navigation.RESTART:
            return _restart(state, ctx)
        case Navigation.STOP:
            return Turn(state, (stop_screen(ctx),))
    if reading.question is not None:
        return _doubter(state, text, reading, ctx)
    return answer(state, Reply(reading=reading, text=text), ctx)


_QUESTIONS = frozenset({Step.WHO, Step.RELATION, Step.AIM, Step.PROBLEM, Step.WHERE})
"""The questions before the summary: there a doubter's question also gives its facts."""


def _doubter(state: DialogState, text: str, reading: Reading, ctx: TurnContext) -> Turn:
    """A doubter's question: its answer, then the open question in one line (or the facts taken)."""
    _ = ctx.gettext
    said = question_answer(reading.question or "", ctx.language)
    if facts_of(reading) and state.step in _QUESTIONS:  # "is het religieus? mijn man drinkt"
        turn = answer(state, Reply(reading=replace(reading, question=None), text=text), ctx)
        return Turn(turn.state, (with_hint(turn.screens[0], said), *turn.screens[1:]), turn.effects)
    page = PAGES[state.step]
    turn = page.show(state, ctx)
    return Turn(turn.state, (doubter_screen(said, _(page.short), turn.screens[0]),))


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
            screen = reminder_messages.reminders_list_screen(ctx)
            return Turn(state, (Screen(screen.text, (*screen.buttons, resume_row(ctx))),))
    return current(state, ctx, _("Dat commando ken ik niet. Met /help zie je wat ik kan."))


def _start(state: DialogState, payload: str, ctx: TurnContext) -> Turn:
    """/start: a clinic's link lands further on; in the middle, offer to go on or start over."""
    preselection = decode_payload(payload, ctx.catalogue) if payload else None
    if preselection is not None:
        return land(preselection, ctx)
    if state.is_fresh:
        return Turn(state, (who_screen(state, ctx, welcome=True),))
    return Turn(state, (continue_or_restart_screen(ctx),))


def _restart(state: DialogState, ctx: TurnContext) -> Turn:
    """A fresh conversation; a clinic's link stays the source of the counts."""
    _ = ctx.gettext
    fresh = DialogState(clinic_id=state.clinic_id)
    return Turn(fresh, (with_hint(who_screen(fresh, ctx), _("We beginnen opnieuw.")),))


def land(preselection: Preselection, ctx: TurnContext) -> Turn:
    """Arriving through a link: answer what it preselects, then ask the first open question."""
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
    place = ctx.places.get(preselection.place_id) if preselection.place_id else None
    state = DialogState(
        clinic_id=clinic.id if clinic is not None else None,
        seeker=preselection.seeker,
        relation=preselection.relation,
        for_them=preselection.for_them,
        problem=preselection.problem,
        place_id=place.id if place is not None else None,
    )
    effects.extend(metric(state.clinic_id, Metric.STARTED))
    via = None
    if clinic is not None:
        via = _("Je kwam hier via een link van {clinic}.").format(clinic=clinic.name)
    intro = join(welcome_text(ctx), via)
    if preselection.seeker is not None or preselection.problem is not None:
        intro = join(
            intro, _("Een paar vragen heb ik alvast ingevuld. Met /opnieuw kies je alles zelf.")
        )
    if next_step(state) is Step.CONFIRM:  # a link that fills in everything lands on the list,
        state = replace(state, confirmed=True)  # whose heading says for whom, what and where
    if next_step(state) is Step.WHO:  # the welcome is the intro: not twice
        return Turn(state, (with_hint(who_screen(state, ctx), intro),), tuple(effects))
    turn = ask_next(state, ctx, intro)
    return Turn(turn.state, turn.screens, (*effects, *turn.effects))
