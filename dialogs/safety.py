"""The safety screen: the right number first, for the kinds of danger a message signals.

`dialogs.danger` says which kinds a message signals; this module answers
them. The numbers are data (`catalogue/data/helplines.yaml`, field
`serves`); the sentences are written here, short and without judgement.
The first line always holds the number to call for the most urgent kind:

- acute: "Bel nu 112.", then the crisis line;
- suicidal: 113 Zelfmoordpreventie (Zelfmoordlijn 1813 in Flanders), and
  "Ben je nu veilig?";
- violence: Veilig Thuis (1712 in Flanders), and 112 if it is happening now;
- child: De Kindertelefoon (Awel in Flanders), with the above where it applies.

The person's country decides which country's numbers come first: the
country of the place they chose, else the bot's hint (`ctx.country`), else
the Netherlands and then Flanders. The other country's numbers follow in one
short line, so that nobody is left with a number that does not work where
they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from babel.lists import format_list

from catalogue.kinds import Country, DangerKind
from catalogue.models import Helpline
from dialogs.actions import GLOBAL, action
from dialogs.context import TurnContext
from dialogs.pages.results import country_of
from dialogs.screen import Button, Screen
from dialogs.state import DialogState

__all__ = ["countries_of", "safety_screen"]


def countries_of(state: DialogState, ctx: TurnContext) -> tuple[Country, ...]:
    """The countries whose numbers to show, the person's own first (both when unknown)."""
    first = country_of(state, ctx) or Country.NL
    return (first, *(c for c in Country if c is not first))


def safety_screen(
    kinds: Iterable[DangerKind], countries: tuple[Country, ...], ctx: TurnContext
) -> Screen:
    """What to answer a message that signals danger: numbers first, then the way back."""
    _ = ctx.gettext
    ordered = sorted(set(kinds), key=lambda kind: kind.urgency) or [DangerKind.SUICIDAL]
    home, *others = countries
    lines = _lines_by_kind(ctx.catalogue.helplines.values(), home)
    paragraphs = [_first_line(ordered[0], lines, ctx)]
    paragraphs.extend(_advice(kind, ordered, lines, ctx) for kind in ordered)
    # After 112 for acute danger, the crisis line: someone to talk to once help is on its way.
    listed = [*ordered, *([DangerKind.SUICIDAL] if DangerKind.ACUTE in ordered else [])]
    shown = _unique(h for kind in listed for h in lines.get(kind, ()))
    paragraphs.append("\n".join(_bullet(h, ctx) for h in shown))
    for country in others:
        abroad = _lines_by_kind(ctx.catalogue.helplines.values(), country)
        elsewhere = _unique(
            h for kind in listed for h in abroad.get(kind, ()) if home not in h.countries
        )
        if elsewhere:
            where = _("In België:") if country is Country.BE else _("In Nederland:")
            numbers = "; ".join(f"{h.name.get(ctx.language)}: {h.number}" for h in elsewhere)
            paragraphs.append(f"{where} {numbers}")
    paragraphs.append(
        _("Ik ben geen hulpdienst, maar je mag hier gewoon verder schrijven.")
        + "\n"
        + _("Wil je verder zoeken naar een groep?")
    )
    buttons = (
        (Button(_("Ja, verder waar ik was"), action(GLOBAL, "resume")),),
        (Button(_("Meer hulp en hulplijnen"), action(GLOBAL, "hulp")),),
    )
    return Screen("\n\n".join(p for p in paragraphs if p), buttons)


def _lines_by_kind(
    helplines: Iterable[Helpline], country: Country
) -> dict[DangerKind, list[Helpline]]:
    """Per kind, the lines that serve it in this country, in the file's order."""
    found: dict[DangerKind, list[Helpline]] = {}
    for helpline in helplines:
        if country in helpline.countries:
            for kind in helpline.serves:
                found.setdefault(kind, []).append(helpline)
    return found


def _numbers(helplines: list[Helpline], ctx: TurnContext) -> str:
    """ "113 of 0800-0113": every number of these lines, in the person's language."""
    numbers = list(dict.fromkeys(h.number for h in helplines))
    return format_list(numbers, style="or", locale=ctx.language)


def _first_line(kind: DangerKind, lines: dict[DangerKind, list[Helpline]], ctx: TurnContext) -> str:
    """The most urgent kind's number, in one sentence that says what to do."""
    _ = ctx.gettext
    helplines = lines.get(kind) or lines.get(DangerKind.ACUTE) or []
    if not helplines:  # a catalogue without safety lines must still give the emergency number
        return _("Bel nu 112.")
    numbers = _numbers(helplines, ctx)
    name = helplines[0].name.get(ctx.language)
    if kind is DangerKind.ACUTE:
        return _("Bel nu {numbers}.").format(numbers=numbers)
    if kind is DangerKind.SUICIDAL:
        return _("Praat erover met {name}: bel {numbers}.").format(name=name, numbers=numbers)
    return _("Bel {name}: {numbers}.").format(name=name, numbers=numbers)


def _advice(
    kind: DangerKind,
    kinds: list[DangerKind],
    lines: dict[DangerKind, list[Helpline]],
    ctx: TurnContext,
) -> str:
    """A few short sentences for one kind; 112 is said once, by the most urgent kind."""
    _ = ctx.gettext
    urgent = DangerKind.ACUTE in kinds
    match kind:
        case DangerKind.ACUTE if DangerKind.VIOLENCE in kinds:
            return _("Zeg waar je bent. Ga als het kan naar een plek waar je veilig bent.")
        case DangerKind.ACUTE if DangerKind.SUICIDAL in kinds:
            return _("Zeg waar je bent. Blijf niet alleen: zoek iemand op of laat iemand komen.")
        case DangerKind.ACUTE:
            return _(
                "Zeg wat er is gebeurd en waar je bent. Blijf bij iemand die niet goed "
                "wakker is of slecht ademt, als dat veilig is voor jou."
            )
        case DangerKind.SUICIDAL:
            chat = next((h.url for h in lines.get(kind, ()) if h.url), None)
            there = (
                _("Ze zijn er dag en nacht. Chatten kan ook: {url}").format(url=chat)
                if chat
                else _("Ze zijn er dag en nacht.")
            )
            safe = _("Ben je nu veilig?") if urgent else _("Ben je nu veilig? Zo niet: bel 112.")
            return "\n".join((_("Fijn dat je het vertelt."), safe, there))
        case DangerKind.VIOLENCE:
            advice = _("Je kunt er anoniem om advies vragen, ook over iemand anders.")
            if urgent:
                return advice
            return "\n".join((advice, _("Gebeurt het nu, of ben je in gevaar? Bel 112.")))
        case DangerKind.CHILD:
            return _(
                "Je mag altijd bellen of chatten, ook als je niet zeker weet of het erg genoeg "
                "is. Praat er ook over met een volwassene die je vertrouwt."
            )


def _bullet(helpline: Helpline, ctx: TurnContext) -> str:
    """One line per helpline: name, number, hours, link."""
    parts = [f"• {helpline.name.get(ctx.language)}: {helpline.number}"]
    if helpline.hours is not None:
        parts.append(helpline.hours.get(ctx.language))
    if helpline.url:
        parts.append(helpline.url)
    return " · ".join(parts)


def _unique(helplines: Iterable[Helpline]) -> list[Helpline]:
    return list(dict.fromkeys(helplines))
