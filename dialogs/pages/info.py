"""Pages that are not questions: welcome, help, privacy, language, stopping, helplines, and
the answers to a doubter's questions; and the rows of buttons every page may carry.

None of these moves the conversation: after them the person goes on where they were
("Verder waar ik was"). Every function returns a `Screen` whose text is translated.
"""

from __future__ import annotations

from collections.abc import Iterable

from catalogue.kinds import Country
from catalogue.models import Helpline
from dialogs.actions import GLOBAL, Everywhere, action
from dialogs.context import TurnContext
from dialogs.data_dates import as_of_line
from dialogs.screen import Button, Screen, join

Row = tuple[Button, ...]


def everywhere(label: str, answer: Everywhere, argument: str = "") -> Button:
    """A button valid at any step (``go:``)."""
    return Button(label, action(GLOBAL, answer.value, argument))


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


def back_row(ctx: TurnContext) -> Row:
    """ "Terug": to the question asked before this one."""
    return (everywhere(ctx.gettext("Terug"), Everywhere.BACK),)


def resume_row(ctx: TurnContext) -> Row:
    return (everywhere(ctx.gettext("Verder waar ik was"), Everywhere.RESUME),)


def english_row() -> Row:
    """One tap to English, labelled in English (whatever the language now)."""
    return (everywhere("English, please", Everywhere.LANGUAGE, "en"),)


def not_understood(ctx: TurnContext) -> str:
    """A kind line for a message in which nothing was recognised: what the bot can do."""
    _ = ctx.gettext
    return _(
        "Dat begreep ik niet helemaal. Ik help je een zelfhulpgroep te vinden: vertel me "
        "voor wie, waarover en waar, of kies een knop."
    )


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
                _(
                    "• Wat je zelf over jezelf zegt (vrouw of man, je leeftijd), zodat groepen "
                    "voor jou eerst komen. Van je leeftijd alleen of je jonger bent dan 18 of 35."
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
                everywhere("Nederlands", Everywhere.LANGUAGE, "nl"),
                everywhere("English", Everywhere.LANGUAGE, "en"),
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
            (everywhere(_("Ja, wis alles"), Everywhere.FORGET),),
            (everywhere(_("Nee, bewaar het"), Everywhere.KEEP),),
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


def continue_or_restart_screen(ctx: TurnContext) -> Screen:
    _ = ctx.gettext
    return Screen(
        _("Welkom terug. Wil je verder waar je was, of opnieuw beginnen?"),
        (
            resume_row(ctx),
            (everywhere(_("Opnieuw beginnen"), Everywhere.RESTART),),
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
        lines.append("  " + as_of_line(helpline.source, ctx, with_source=False))
    return "\n".join(lines)


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


def doubter_screen(answer: str, question: str, page: Screen) -> Screen:
    """The answer to a doubter's question, then the open question in one line with its buttons.

    The open page is not repeated word for word: only its short question and its buttons.
    """
    return Screen(join(answer, question), page.buttons, ask=page.ask)
