"""The questions before a search: for whom, how related, what aim, what problem, where; then
the summary to confirm, and the choice of the one fact to change.

Rules of this module:
1. The questions are asked in one order (`next_step`), and a question that
   is already answered is skipped: a clinic's link, or one message that
   says several things ("mijn vrouw drinkt, we wonen in Den Bosch"), leaves
   fewer questions.
2. Typed text reaches a question as a `Reading` of all its facts. The
   question takes its own fact (it may change an earlier answer); every
   other fact fills a question not yet answered (`absorb`).
3. Changing for whom, the relation, the aim or the problem asks for the
   summary to be confirmed again; a new place alone does not.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Any

from catalogue.kinds import AgeBand, Country, Problem, Relation, Seeker
from catalogue.places import Place, PlaceLookup
from dialogs.context import TurnContext
from dialogs.pages.info import back_row, english_row, not_understood, welcome_text
from dialogs.pages.page import Next, Outcome, Page, Reply, Show, choice, showing
from dialogs.reader import Reading
from dialogs.screen import AskLocation, Button, Screen, join
from dialogs.state import DialogState, Step
from dialogs.summary import PROBLEM_LABELS, about_you, understood_line
from dialogs.turn import Turn
from dialogs.words import words
from locales import N_

RELATION_LABELS: dict[Relation, str] = {
    Relation.PARTNER: N_("Ik ben de partner"),
    Relation.PARENT: N_("Ik ben vader of moeder"),
    Relation.TEEN_CHILD: N_("Ik ben een kind (tiener)"),
    Relation.ADULT_CHILD: N_("Ik ben een kind (volwassen)"),
    Relation.FAMILY_FRIEND: N_("Andere familie of vriend(in)"),
}

_RECONFIRM = {"seeker", "relation", "for_them", "problem", "gender", "age_band"}
"""Facts whose change asks for the summary to be confirmed again."""

_SAID_OF_ONESELF = frozenset({"gender", "age_band"})
"""Facts about the writer: whatever they say last about themselves counts ("ik ben 36")."""


# -- the order of the questions, and the facts a message gives -----------------------------


def next_step(state: DialogState) -> Step:
    """The first question still open, or the results when all are answered and confirmed."""
    naaste = state.seeker is Seeker.NAASTE
    if state.seeker is None:
        return Step.WHO
    if naaste and state.relation is None:
        return Step.RELATION
    if naaste and state.for_them is None:
        return Step.AIM
    if state.problem is None:
        return Step.PROBLEM
    if state.place_id is None and not state.online_only:
        return Step.WHERE
    if not state.confirmed:
        return Step.CONFIRM
    return Step.RESULTS


def problem_of(problems: tuple[Problem, ...]) -> Problem | None:
    """One problem for the search: a specific drug beats "drugs"; several different are OTHER.

    "Weet ik niet" next to a named problem gives way to the named one.
    """
    named = [p for p in dict.fromkeys(problems) if p is not Problem.UNSURE]
    specific = [p for p in named if p is not Problem.DRUGS]
    if (
        Problem.DRUGS in named
        and len(specific) == 1
        and specific[0]
        in (
            Problem.COCAINE,
            Problem.CANNABIS,
        )
    ):
        return specific[0]
    if len(named) > 1:
        return Problem.OTHER
    if named:
        return named[0]
    return Problem.UNSURE if problems else None


def facts_of(reading: Reading) -> dict[str, Any]:
    """The answers a reading gives, as state fields (only those it gives)."""
    facts: dict[str, Any] = {}
    who = reading.who
    if who is None and (reading.relation is not None or reading.for_them is not None):
        who = Seeker.NAASTE  # "mijn vader drinkt" is someone close
    if who is not None:
        facts["seeker"] = who
    if who is Seeker.NAASTE and reading.relation is not None:
        facts["relation"] = reading.relation
    if who is Seeker.NAASTE and reading.for_them is not None:
        facts["for_them"] = reading.for_them
    if (problem := problem_of(reading.problems)) is not None:
        facts["problem"] = problem
    if reading.online_only:
        facts["place_id"], facts["online_only"] = None, True
    elif reading.place is not None and reading.place.place is not None:
        facts["place_id"], facts["online_only"] = reading.place.place.id, False
    if reading.gender is not None:
        facts["gender"] = reading.gender
    if reading.age is not None:
        facts["age_band"] = AgeBand.of(reading.age)  # the band only: the number is not kept
    return facts


def absorb(state: DialogState, facts: dict[str, Any], own: frozenset[str]) -> DialogState:
    """The state with the facts taken in: `own` fields always, others where still unanswered."""
    changes: dict[str, Any] = {}
    for name, value in facts.items():
        current = getattr(state, name)
        if (
            name in own
            or current is None
            or name in _SAID_OF_ONESELF
            or (name == "online_only" and "place_id" in changes)
        ):
            changes[name] = value
    new = replace(state, **changes)
    if new.seeker is Seeker.SELF:  # a relation and an aim are a naaste's
        new = replace(new, relation=None, for_them=None)
    if new.teen and new.relation is Relation.ADULT_CHILD:
        new = replace(new, relation=Relation.TEEN_CHILD)  # "mijn vader drinkt" + "ik ben 15"
    elif "age_band" in changes and not new.teen and new.relation is Relation.TEEN_CHILD:
        new = replace(new, relation=Relation.ADULT_CHILD)  # "ik ben 15" … "ik ben eigenlijk 19"
    if new.relation is Relation.TEEN_CHILD and new.for_them is None:
        new = replace(new, for_them=False)  # a teenager looks for support for themselves
    if any(getattr(new, name) != getattr(state, name) for name in _RECONFIRM):
        new = replace(new, confirmed=False)
    return new


def typed(state: DialogState, reply: Reply, ctx: TurnContext, own: frozenset[str]) -> Outcome:
    """Typed text at a question: its own fact moves on; other facts are noted; else a kind reply."""
    _ = ctx.gettext
    reading = reply.reading or Reading()
    facts = facts_of(reading)
    new = absorb(state, facts, own)
    if own & facts.keys():
        return Next(new)
    if new != state:
        return Show(new, hint=_("Dank je, dat heb ik genoteerd."))
    return Show(state, hint=not_understood(ctx))


def is_short(text: str, most: int = 3) -> bool:
    """A message of a few words: typed as an answer, not a sentence about something else."""
    return 0 < len(words(text).tokens) <= most


# -- for whom ------------------------------------------------------------------------------


class Who(StrEnum):
    SELF = "self"
    NAASTE = "naaste"
    UNSURE = "unsure"  # "what is a self-help group?"


def who_buttons(state: DialogState, ctx: TurnContext) -> tuple[tuple[Button, ...], ...]:
    _ = ctx.gettext
    rows: list[tuple[Button, ...]] = [
        (choice(_("Voor mezelf"), Step.WHO, Who.SELF),),
        (choice(_("Voor iemand die dicht bij me staat"), Step.WHO, Who.NAASTE),),
        (choice(_("Weet ik nog niet: wat is een zelfhulpgroep?"), Step.WHO, Who.UNSURE),),
    ]
    if ctx.offer_english:
        rows.append(english_row())
    if state.history:
        rows.append(back_row(ctx))
    return tuple(rows)


def who_screen(state: DialogState, ctx: TurnContext, welcome: bool = False) -> Screen:
    """For whom? (with the welcome text on the first screen)."""
    _ = ctx.gettext
    text = join(welcome_text(ctx) if welcome else None, _("Voor wie zoek je een groep?"))
    return Screen(text, who_buttons(state, ctx))


def explain_screen(state: DialogState, ctx: TurnContext) -> Screen:
    """What a self-help group is, honestly and briefly; then the choice again."""
    _ = ctx.gettext
    text = join(
        _(
            "Een zelfhulpgroep is een groep mensen die hetzelfde meemaken. "
            "Ze komen samen om elkaar te steunen, zonder hulpverlener erbij."
        ),
        "\n".join(
            [
                _("• Het is gratis, en er is geen wachtlijst of verwijzing nodig."),
                _(
                    "• Het is anoniem: je noemt alleen je voornaam. "
                    "Wat er gezegd wordt, blijft daar."
                ),
                _("• Je hoeft niets te zeggen. Alleen luisteren is ook goed."),
                _("• Open bijeenkomsten zijn voor iedereen die wil komen kijken."),
                _("• Er zijn ook groepen voor partners, ouders, kinderen en vrienden."),
            ]
        ),
        _("Veel mensen twijfelen eerst. Je bent welkom zoals je bent."),
        _("Voor wie zoek je een groep?"),
    )
    return Screen(text, who_buttons(state, ctx))


def on_who(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """For myself, for someone close, or "what is a self-help group?"."""
    match reply.answer:
        case Who.SELF:
            return Next(absorb(state, {"seeker": Seeker.SELF}, _WHO_FACTS))
        case Who.NAASTE:
            return Next(absorb(state, {"seeker": Seeker.NAASTE}, _WHO_FACTS))
        case Who.UNSURE:
            return Turn(state, (explain_screen(state, ctx),))
    reading = reply.reading or Reading()
    if reading.who_unsure and reading.who is None and reading.relation is None:
        # "weet niet" here is about whom, not which problem: what a group is, then the choice
        return Turn(state, (explain_screen(state, ctx),))
    return typed(state, reply, ctx, _WHO_FACTS)


_WHO_FACTS = frozenset({"seeker"})


# -- a naaste: how related, and what for ---------------------------------------------------


class RelationAnswer(StrEnum):
    PARTNER = Relation.PARTNER.value
    PARENT = Relation.PARENT.value
    TEEN_CHILD = Relation.TEEN_CHILD.value
    ADULT_CHILD = Relation.ADULT_CHILD.value
    FAMILY_FRIEND = Relation.FAMILY_FRIEND.value


def relation_screen(state: DialogState, ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    text = join(
        _("Fijn dat je er voor iemand bent, en ook aan jezelf denkt."),
        _("Wat ben jij van die persoon?"),
    )
    buttons = tuple(
        (choice(_(label), Step.RELATION, RelationAnswer(relation.value)),)
        for relation, label in RELATION_LABELS.items()
    )
    return Screen(text, (*buttons, back_row(ctx)))


def on_relation(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """How the naaste is related to the person who uses."""
    if reply.answer is not None:
        return Next(absorb(state, {"relation": Relation(reply.answer.value)}, _RELATION_FACTS))
    return typed(state, reply, ctx, _RELATION_FACTS)


_RELATION_FACTS = frozenset({"relation"})


class Aim(StrEnum):
    ME = "me"  # support for myself
    THEM = "them"  # a group for the other person, to pass on


def aim_screen(state: DialogState, ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    text = _(
        "Zoek je steun voor jezelf, of een groep voor de ander om door te geven? "
        "Allebei is goed, en veel mensen zoeken allebei."
    )
    buttons = (
        (choice(_("Steun voor mezelf"), Step.AIM, Aim.ME),),
        (choice(_("Een groep voor de ander"), Step.AIM, Aim.THEM),),
        back_row(ctx),
    )
    return Screen(text, buttons)


def on_aim(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """Support for the naaste themselves, or a group for the other to pass on."""
    if reply.answer is not None:
        return Next(absorb(state, {"for_them": reply.answer is Aim.THEM}, _AIM_FACTS))
    reading = reply.reading or Reading()
    if reading.for_them is None and reading.who is Seeker.SELF and is_short(reply.text, 4):
        return Next(absorb(state, {"for_them": False}, _AIM_FACTS))  # "voor mezelf"
    return typed(state, reply, ctx, _AIM_FACTS)


_AIM_FACTS = frozenset({"for_them"})


# -- what it is about ----------------------------------------------------------------------


class ProblemAnswer(StrEnum):
    ALCOHOL = Problem.ALCOHOL.value
    DRUGS = Problem.DRUGS.value
    COCAINE = Problem.COCAINE.value
    CANNABIS = Problem.CANNABIS.value
    GAMBLING = Problem.GAMBLING.value
    MEDICATION = Problem.MEDICATION.value
    OTHER = Problem.OTHER.value
    UNSURE = Problem.UNSURE.value


def problem_screen(state: DialogState, ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    if state.seeker is Seeker.NAASTE:
        question = _("Waar gaat het om bij de ander?")
    else:
        question = _("Waar gaat het om?")
    text = join(question, _("Kies een knop, of typ het in je eigen woorden."))
    labels = [
        choice(_(label), Step.PROBLEM, ProblemAnswer(p.value))
        for p, label in PROBLEM_LABELS.items()
    ]
    buttons = (
        tuple(labels[0:2]),
        tuple(labels[2:4]),
        tuple(labels[4:6]),
        (labels[6],),
        (labels[7],),
        back_row(ctx),
    )
    return Screen(text, buttons)


def on_problem(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """Which problem; typed words are understood."""
    _ = ctx.gettext
    if reply.answer is not None:
        problem = Problem(reply.answer.value)
        intro = None
        if problem in (Problem.UNSURE, Problem.OTHER):
            intro = _("Dat is goed. Ik zoek groepen die openstaan voor elke verslaving.")
        return Next(absorb(state, {"problem": problem}, _PROBLEM_FACTS), intro)
    return typed(state, reply, ctx, _PROBLEM_FACTS)


_PROBLEM_FACTS = frozenset({"problem"})


# -- where ---------------------------------------------------------------------------------


class Where(StrEnum):
    PLACE = "place"  # argument: a place id
    ONLINE = "online"
    RETRY = "retry"  # type the place again


def where_screen(state: DialogState, ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    text = join(
        _("Waar wil je zoeken?"),
        _(
            "Deel je locatie met de knop hieronder, of typ een plaats of postcode. "
            "Typ 'online' voor bijeenkomsten die je vanuit huis kunt volgen."
        ),
        _("Ik bewaar alleen de plaats, niet je precieze locatie."),
    )
    ask = AskLocation(_("Deel mijn locatie"), other_labels=(_("Online"), _("Terug")))
    return Screen(text, ask=ask)


def place_label(place: Place, ctx: TurnContext) -> str:
    """ "Bergen (Noord-Holland)", "Nieuw-Bergen (Limburg)"; Belgian places say so.

    The catalogue tells the two Limburgs apart as "Limburg (NL)" and "Limburg (BE)";
    a label says the country in words instead of nesting brackets.
    """
    _ = ctx.gettext
    province = place.province.removesuffix(" (NL)").removesuffix(" (BE)")
    if place.country is Country.BE:
        return _("{name} ({province}, België)").format(name=place.name, province=province)
    return f"{place.name} ({province})" if province else place.name


def _place_buttons(places: tuple[Place, ...], ctx: TurnContext) -> tuple[tuple[Button, ...], ...]:
    """One button per place ("Bergen (Noord-Holland)"), then "type again", "online" and back."""
    _ = ctx.gettext
    rows = [
        (choice(place_label(p, ctx), Step.WHERE, Where.PLACE, p.id),)
        for p in places[:8]
        if len(f"{Step.WHERE}:{Where.PLACE}:{p.id}".encode()) <= 64
    ]
    rows.append(
        (
            choice(_("Opnieuw typen"), Step.WHERE, Where.RETRY),
            choice(_("Online"), Step.WHERE, Where.ONLINE),
        )
    )
    rows.append(back_row(ctx))
    return tuple(rows)


def _placed(state: DialogState, place_id: str | None) -> Next:
    return Next(replace(state, place_id=place_id, online_only=place_id is None))


def typed_place(state: DialogState, text: str, found: PlaceLookup, ctx: TurnContext) -> Outcome:
    """A typed place: found, a choice of same-named places, suggestions, or ask again."""
    _ = ctx.gettext
    if found.place is not None:
        return _placed(state, found.place.id)
    shown = text.strip()[:40]
    if found.choices:
        question = _("Er zijn meer plaatsen die {name} heten. Welke bedoel je?").format(name=shown)
        return Turn(state, (Screen(question, _place_buttons(found.choices, ctx)),))
    if found.suggestions:
        question = _("Ik ken '{name}' niet. Bedoel je een van deze?").format(name=shown)
        return Turn(state, (Screen(question, _place_buttons(found.suggestions, ctx)),))
    return Show(
        state,
        hint=_(
            "Die plaats vind ik niet. Probeer een postcode (zoals 3511) "
            "of een grotere plaats in de buurt."
        ),
    )


def on_where(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """A shared location, a typed town or postcode, a chosen place, or online."""
    _ = ctx.gettext
    if reply.location is not None:
        place = ctx.places.nearest(*reply.location)
        if place is None:
            return Show(
                state,
                hint=_(
                    "Die locatie ligt buiten Nederland en Vlaanderen. Alleen daar ken ik "
                    "groepen. Typ een plaats, of kies online."
                ),
            )
        return _placed(state, place.id)
    match reply.answer:
        case Where.ONLINE:
            return _placed(state, None)
        case Where.PLACE if ctx.places.get(reply.argument) is not None:
            return _placed(state, reply.argument)
        case Where.PLACE | Where.RETRY:
            return Show(state)
    reading = reply.reading or Reading()
    if reading.place is not None and reading.place.place is None:
        new = absorb(state, facts_of(reading), frozenset())
        return typed_place(new, reply.text, reading.place, ctx)
    facts = facts_of(reading)
    if "place_id" not in facts and is_short(reply.text) and not facts:
        return typed_place(state, reply.text, ctx.places.lookup(reply.text), ctx)
    return typed(state, reply, ctx, _WHERE_FACTS)


_WHERE_FACTS = frozenset({"place_id", "online_only"})


# -- the summary, and changing one fact ----------------------------------------------------


class Confirm(StrEnum):
    YES = "yes"
    CHANGE = "change"


def confirm_screen(state: DialogState, ctx: TurnContext) -> Screen:
    """ "Ik begrijp: …" with [Klopt] [Iets aanpassen]; a naaste hears once that it is for them."""
    _ = ctx.gettext
    own_support = None
    if state.seeker is Seeker.NAASTE and not state.for_them:
        own_support = _(
            "Een groep voor naasten is er voor jou: voor hoe het met jóu gaat, "
            "ook als de ander (nog) niets verandert."
        )
    buttons = (
        (
            choice(_("Klopt"), Step.CONFIRM, Confirm.YES),
            choice(_("Iets aanpassen"), Step.CONFIRM, Confirm.CHANGE),
        ),
        back_row(ctx),
    )
    return Screen(join(understood_line(state, ctx), own_support), buttons)


_YES = {"ja", "jawel", "klopt", "juist", "goed", "prima", "ok", "oke", "okay", "yes", "yep"}
_YES |= {"yeah", "right", "correct"}
_NO = {"nee", "neen", "niet", "fout", "no", "nope", "wrong", "aanpassen", "change"}


def on_confirm(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """Klopt: search. Iets aanpassen: which fact. Typed facts correct the summary at once."""
    if reply.answer is Confirm.YES:
        return Next(replace(state, confirmed=True))
    if reply.answer is Confirm.CHANGE:
        return Show(replace(state, step=Step.CHANGE))
    reading = reply.reading or Reading()
    facts = facts_of(reading)
    if facts:
        return Show(absorb(state, facts, frozenset(facts)))
    tokens = set(words(reply.text).tokens)
    if is_short(reply.text) and tokens & _YES and not tokens & _NO:
        return Next(replace(state, confirmed=True))
    if is_short(reply.text) and tokens & _NO:
        return Show(replace(state, step=Step.CHANGE))
    return Show(state, hint=not_understood(ctx))


class Change(StrEnum):
    WHO = "who"
    RELATION = "rel"
    AIM = "aim"
    PROBLEM = "prob"
    WHERE = "where"
    ABOUT_YOU = "me"  # forget what the person said of themselves (gender, age band)


_CHANGE_STEPS = {
    Change.WHO: Step.WHO,
    Change.RELATION: Step.RELATION,
    Change.AIM: Step.AIM,
    Change.PROBLEM: Step.PROBLEM,
    Change.WHERE: Step.WHERE,
}


def change_screen(state: DialogState, ctx: TurnContext) -> Screen:
    """Which one fact to change; then that question, then the summary again."""
    _ = ctx.gettext
    rows = [(choice(_("Voor wie"), Step.CHANGE, Change.WHO),)]
    if state.seeker is Seeker.NAASTE:
        rows.append((choice(_("Wat je van de ander bent"), Step.CHANGE, Change.RELATION),))
        rows.append(
            (choice(_("Steun voor jou of een groep voor de ander"), Step.CHANGE, Change.AIM),)
        )
    rows.append((choice(_("Waar het om gaat"), Step.CHANGE, Change.PROBLEM),))
    rows.append((choice(_("De plaats"), Step.CHANGE, Change.WHERE),))
    if about_you(state, ctx):
        rows.append((choice(_("Wat ik over jou begreep"), Step.CHANGE, Change.ABOUT_YOU),))
    rows.append(back_row(ctx))
    return Screen(_("Wat wil je aanpassen?"), tuple(rows))


def on_change(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """Open the question of the chosen fact; typed facts change it directly. What the person
    said of themselves is not asked again: it is forgotten (they may type it anew)."""
    _ = ctx.gettext
    if reply.answer is Change.ABOUT_YOU:
        forgotten = replace(state, step=Step.CONFIRM, gender=None, age_band=None, confirmed=False)
        return Show(forgotten, hint=_("Goed, dat laat ik weg. Je mag het ook anders typen."))
    if isinstance(reply.answer, Change):
        return Show(replace(state, step=_CHANGE_STEPS[reply.answer], confirmed=False))
    reading = reply.reading or Reading()
    facts = facts_of(reading)
    if facts:
        return Next(absorb(state, facts, frozenset(facts)))
    return Show(state, hint=not_understood(ctx))


PAGES = (
    Page(Step.WHO, Who, showing(who_screen), on_who, N_("Voor wie zoek je een groep?")),
    Page(
        Step.RELATION,
        RelationAnswer,
        showing(relation_screen),
        on_relation,
        N_("Wat ben jij van die persoon?"),
    ),
    Page(
        Step.AIM,
        Aim,
        showing(aim_screen),
        on_aim,
        N_("Zoek je steun voor jezelf, of een groep voor de ander?"),
    ),
    Page(
        Step.PROBLEM,
        ProblemAnswer,
        showing(problem_screen),
        on_problem,
        N_("Waar gaat het om?"),
    ),
    Page(Step.WHERE, Where, showing(where_screen), on_where, N_("Waar wil je zoeken?")),
    Page(
        Step.CONFIRM,
        Confirm,
        showing(confirm_screen),
        on_confirm,
        N_("Klopt dit, of wil je iets aanpassen?"),
    ),
    Page(Step.CHANGE, Change, showing(change_screen), on_change, N_("Wat wil je aanpassen?")),
)
