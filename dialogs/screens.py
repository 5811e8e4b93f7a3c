"""The questions and fixed pages of the conversation, as screens.

Every function takes the `TurnContext` for its language and returns a
`Screen` whose text is already translated. `hint` is a short line put
above a question that is asked again ("Kies een van de knoppen…").
Buttons carry actions made with `dialogs.actions.action`.
"""

from __future__ import annotations

from collections.abc import Iterable

from catalogue.kinds import Country, Problem, Relation
from catalogue.models import Helpline
from dialogs.actions import GLOBAL, action
from dialogs.context import TurnContext
from dialogs.formatting import day
from dialogs.screen import AskLocation, Button, Screen
from dialogs.state import DialogState, Step
from locales import N_

Rows = tuple[tuple[Button, ...], ...]

RELATION_LABELS: dict[Relation, str] = {
    Relation.PARTNER: N_("Ik ben de partner"),
    Relation.PARENT: N_("Ik ben vader of moeder"),
    Relation.TEEN_CHILD: N_("Ik ben een kind (tiener)"),
    Relation.ADULT_CHILD: N_("Ik ben een kind (volwassen)"),
    Relation.FAMILY_FRIEND: N_("Andere familie of vriend(in)"),
}

PROBLEM_LABELS: dict[Problem, str] = {
    Problem.ALCOHOL: N_("Alcohol"),
    Problem.DRUGS: N_("Drugs"),
    Problem.COCAINE: N_("Cocaïne"),
    Problem.CANNABIS: N_("Cannabis"),
    Problem.GAMBLING: N_("Gokken"),
    Problem.MEDICATION: N_("Medicijnen"),
    Problem.OTHER: N_("Iets anders of meerdere"),
    Problem.UNSURE: N_("Weet ik niet"),
}


def with_hint(screen: Screen, hint: str | None) -> Screen:
    """The same screen with a line above it (for a kind re-ask)."""
    if not hint:
        return screen
    return Screen(
        text=f"{hint}\n\n{screen.text}",
        buttons=screen.buttons,
        ask=screen.ask,
        venue=screen.venue,
        attachment=screen.attachment,
        edit=False,
    )


def join(*parts: str | None) -> str:
    """Paragraphs, skipping empty ones."""
    return "\n\n".join(p for p in parts if p)


def welcome_text(ctx: TurnContext) -> str:
    """What the bot does, that it is anonymous, and how to stop."""
    _ = ctx.gettext
    return join(
        _(
            "Hoi! Ik help je een zelfhulpgroep voor verslaving te vinden, "
            "en de eerstvolgende bijeenkomst bij jou in de buurt of online."
        ),
        _("Het is anoniem: ik vraag niet naar je naam en ik deel niets met anderen."),
        _("Met /stop stop je wanneer je wilt. Met /privacy lees je wat ik bewaar."),
    )


def who_buttons(ctx: TurnContext) -> Rows:
    _ = ctx.gettext
    rows: list[tuple[Button, ...]] = [
        (Button(_("Voor mezelf"), action(Step.WHO, "self")),),
        (Button(_("Voor iemand die dicht bij me staat"), action(Step.WHO, "naaste")),),
        (Button(_("Weet ik nog niet: wat is een zelfhulpgroep?"), action(Step.WHO, "unsure")),),
    ]
    if ctx.offer_english:
        rows.append((Button("English?", action(GLOBAL, "lang", "en")),))
    return tuple(rows)


def who_screen(ctx: TurnContext, welcome: bool = False, hint: str | None = None) -> Screen:
    """For whom? (with the welcome text on the first screen)."""
    _ = ctx.gettext
    text = join(welcome_text(ctx) if welcome else None, _("Voor wie zoek je een groep?"))
    return with_hint(Screen(text, who_buttons(ctx)), hint)


def explain_screen(ctx: TurnContext) -> Screen:
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
    return Screen(text, who_buttons(ctx))


def relation_screen(ctx: TurnContext, hint: str | None = None) -> Screen:
    _ = ctx.gettext
    text = join(
        _("Fijn dat je er voor iemand bent, en ook aan jezelf denkt."),
        _("Wat ben jij van die persoon?"),
    )
    buttons = tuple(
        (Button(_(label), action(Step.RELATION, relation.value)),)
        for relation, label in RELATION_LABELS.items()
    )
    return with_hint(Screen(text, buttons), hint)


def aim_screen(ctx: TurnContext, hint: str | None = None) -> Screen:
    _ = ctx.gettext
    text = join(
        _(
            "Zoek je steun voor jezelf, of een groep voor de ander om door te geven? "
            "Allebei is goed, en veel mensen zoeken allebei."
        ),
    )
    buttons = (
        (Button(_("Steun voor mezelf"), action(Step.AIM, "me")),),
        (Button(_("Een groep voor de ander"), action(Step.AIM, "them")),),
    )
    return with_hint(Screen(text, buttons), hint)


def problem_screen(
    state: DialogState, ctx: TurnContext, hint: str | None = None, intro: str | None = None
) -> Screen:
    _ = ctx.gettext
    if state.seeker is not None and state.seeker.value == "naaste":
        question = _("Waar gaat het om bij de ander?")
    else:
        question = _("Waar gaat het om?")
    text = join(intro, question, _("Kies een knop, of typ het in je eigen woorden."))
    labels = [
        Button(_(label), action(Step.PROBLEM, p.value)) for p, label in PROBLEM_LABELS.items()
    ]
    buttons = (
        tuple(labels[0:2]),
        tuple(labels[2:4]),
        tuple(labels[4:6]),
        (labels[6],),
        (labels[7],),
    )
    return with_hint(Screen(text, buttons), hint)


def where_screen(ctx: TurnContext, hint: str | None = None, intro: str | None = None) -> Screen:
    _ = ctx.gettext
    text = join(
        intro,
        _("Waar wil je zoeken?"),
        _(
            "Deel je locatie met de knop hieronder, of typ een plaats of postcode. "
            "Typ 'online' voor bijeenkomsten die je vanuit huis kunt volgen."
        ),
        _("Ik bewaar alleen de plaats, niet je precieze locatie."),
    )
    ask = AskLocation(_("Deel mijn locatie"), other_label=_("Online"))
    return with_hint(Screen(text, ask=ask), hint)


def place_label(name: str, province: str, country: Country, ctx: TurnContext) -> str:
    """ "Bergen (Noord-Holland)", "Nieuw-Bergen (Limburg)"; Belgian places say so.

    The catalogue tells the two Limburgs apart as "Limburg (NL)" and "Limburg (BE)";
    a label says the country in words instead of nesting brackets.
    """
    _ = ctx.gettext
    province = province.removesuffix(" (NL)").removesuffix(" (BE)")
    if country is Country.BE:
        return _("{name} ({province}, België)").format(name=name, province=province)
    return f"{name} ({province})" if province else name


def help_screen(ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    text = join(
        _(
            "Ik help je een zelfhulpgroep te vinden. Kies steeds een knop, "
            "of typ gewoon wat je bedoelt."
        ),
        "\n".join(
            [
                _("/start: beginnen of verdergaan"),
                _("/opnieuw: opnieuw beginnen"),
                _("/taal: Nederlands of English"),
                _("/herinneringen: je herinneringen bekijken of stoppen"),
                _("/hulp: professionele hulp en hulplijnen"),
                _("/privacy: wat ik bewaar en hoe lang"),
                _("/stop: stoppen, en als je wilt alles wissen"),
                _("/vergeet: meteen alles wissen"),
            ]
        ),
    )
    return Screen(text, (resume_row(ctx),))


def privacy_screen(ctx: TurnContext) -> Screen:
    """What is stored, why and how long: the short form of the README's privacy section."""
    _ = ctx.gettext
    text = join(
        _("Wat ik bewaar, en waarom:"),
        "\n".join(
            [
                _(
                    "• Je antwoorden in dit gesprek (zoals voor wie, waarover en welke plaats), "
                    "zodat je later verder kunt. Versleuteld."
                ),
                _("• Je taalkeuze."),
                _("• Herinneringen die je zelf aanzet, tot ze voorbij zijn of je ze stopt."),
            ]
        ),
        _(
            "Ik vraag en bewaar geen naam, geen telefoonnummer, geen berichten en geen "
            "precieze locatie: van een gedeelde locatie onthoud ik alleen de plaats. "
            "Je chat-nummer staat alleen versleuteld opgeslagen."
        ),
        _(
            "Kwam je via een link van een zorginstelling? Dan tel ik alleen hoe vaak die link "
            "gebruikt wordt, nooit door wie."
        ),
        _(
            "Na 90 dagen zonder gesprek en zonder herinnering wis ik alles vanzelf. "
            "Met /vergeet wis je alles meteen."
        ),
    )
    return Screen(text, (resume_row(ctx),))


def language_screen(ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    return Screen(
        _("In welke taal wil je verder?"),
        (
            (
                Button("Nederlands", action(GLOBAL, "lang", "nl")),
                Button("English", action(GLOBAL, "lang", "en")),
            ),
        ),
        edit=True,
    )


def stop_screen(ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    text = join(
        _("Je kunt altijd stoppen. Wil je dat ik ook alles wis wat ik van je bewaar?"),
        _("Dat zijn je antwoorden in dit gesprek, je taalkeuze en je herinneringen."),
    )
    return Screen(
        text,
        (
            (Button(_("Ja, wis alles"), action(GLOBAL, "forget")),),
            (Button(_("Nee, bewaar het"), action(GLOBAL, "keep")),),
        ),
    )


def stopped_screen(ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    return Screen(
        _(
            "Goed, dan stoppen we hier. Ik stuur je niets uit mezelf, behalve herinneringen "
            "die je hebt aangezet. Met /start ga je verder wanneer je wilt."
        )
    )


def forgotten_screen(ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    return Screen(
        _(
            "Alles is gewist: je antwoorden, je taalkeuze en je herinneringen. "
            "Met /start kun je altijd opnieuw beginnen."
        )
    )


def resume_row(ctx: TurnContext) -> tuple[Button, ...]:
    _ = ctx.gettext
    return (Button(_("Verder waar ik was"), action(GLOBAL, "resume")),)


def continue_or_restart_screen(ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    return Screen(
        _("Welkom terug. Wil je verder waar je was, of opnieuw beginnen?"),
        (
            resume_row(ctx),
            (Button(_("Opnieuw beginnen"), action(GLOBAL, "restart")),),
        ),
    )


def _ordered_helplines(
    helplines: Iterable[Helpline], kinds: tuple[str, ...], country: Country | None
) -> list[Helpline]:
    """Helplines of these kinds: by kind, then the person's country first."""
    chosen = [h for h in helplines if h.kind in kinds]

    def rank(helpline: Helpline) -> tuple[int, int]:
        local = 0 if country is None or country in helpline.countries else 1
        return (kinds.index(helpline.kind), local)

    return sorted(chosen, key=rank)  # stable: the catalogue's own order within a rank


def _helpline_line(helpline: Helpline, ctx: TurnContext, with_details: bool) -> str:
    _ = ctx.gettext
    name = helpline.name.get(ctx.language)
    head = f"• {name}: {helpline.number}" if helpline.number else f"• {name}"
    if helpline.countries == frozenset({Country.BE}) and _("België") not in name:
        head += " " + _("(België)")
    lines = [head]
    if with_details:
        lines.append("  " + helpline.description.get(ctx.language))
        if helpline.hours is not None:
            lines.append("  " + helpline.hours.get(ctx.language))
        if helpline.url:
            lines.append("  " + helpline.url)
        lines.append(
            "  "
            + _("Gecontroleerd op {date}.").format(date=day(helpline.source.dated_on, ctx.language))
        )
    return "\n".join(lines)


def crisis_screen(state: DialogState, ctx: TurnContext, country: Country | None) -> Screen:
    """A calm answer to words of crisis: who to call now; then the way back."""
    _ = ctx.gettext
    helplines = _ordered_helplines(
        ctx.catalogue.helplines.values(), ("emergency", "crisis"), country
    )
    if helplines:
        numbers = "\n".join(_helpline_line(h, ctx, with_details=False) for h in helplines)
    else:  # a catalogue without helplines must still never leave someone without a number
        numbers = _(
            "• Direct gevaar: bel 112.\n"
            "• 113 Zelfmoordpreventie: bel 113 of gratis 0800-0113.\n"
            "• In België: Zelfmoordlijn 1813."
        )
    text = join(
        _("Wat je schrijft klinkt heel zwaar. Fijn dat je het zegt."),
        _(
            "Ik ben geen hulpdienst en kan je nu niet zelf helpen. "
            "Deze mensen wel, en je mag ze altijd bellen:"
        ),
        numbers,
        _("Je hoeft dit niet alleen te dragen. Als je wilt, gaan we daarna verder waar we waren."),
    )
    buttons = (resume_row(ctx), (Button(_("Meer hulp en hulplijnen"), action(GLOBAL, "hulp")),))
    return Screen(text, buttons)


def professional_help_screen(ctx: TurnContext, country: Country | None) -> Screen:
    """/hulp: professional help and the helplines, each with its verified date."""
    _ = ctx.gettext
    helplines = _ordered_helplines(
        ctx.catalogue.helplines.values(), ("emergency", "crisis", "professional"), country
    )
    text = join(
        _(
            "Een zelfhulpgroep werkt vaak het best samen met professionele hulp. "
            "Hier kun je terecht:"
        ),
        "\n\n".join(_helpline_line(h, ctx, with_details=True) for h in helplines)
        or _("Bij direct gevaar: bel 112."),
        _("Ik ben zelf geen hulpdienst."),
    )
    return Screen(text, (resume_row(ctx),))
