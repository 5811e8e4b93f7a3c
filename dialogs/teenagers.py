"""What a teenager reads before the groups: not their fault, someone to talk to, in short words.

A teenager is someone who said they are the child (a teenager) of a parent who
drinks or uses. The groups for them already come first (the fit table puts
Alateen and InTact's youth groups first, and the ranking counts youth groups
as theirs); this adds the few lines a 15-year-old needs to read first.
"""

from __future__ import annotations

from catalogue.kinds import Country, Relation, Seeker
from dialogs.context import TurnContext
from dialogs.state import DialogState


def is_teenager(state: DialogState) -> bool:
    """The person said they are a teenager whose parent drinks or uses."""
    return state.seeker is Seeker.NAASTE and state.relation is Relation.TEEN_CHILD


def teenager_note(ctx: TurnContext, country: Country | None) -> str:
    """Not your fault; a line for children (De Kindertelefoon, Awel in Flanders); a trusted
    adult at school. Short sentences, plain words."""
    _ = ctx.gettext
    lines = [
        _("Het is niet jouw schuld dat je vader of moeder drinkt of gebruikt."),
        _("Je hoeft het niet alleen te dragen."),
    ]
    youth_lines = [h for h in ctx.catalogue.helplines.values() if h.kind == "youth"]
    local = [h for h in youth_lines if country is None or country in h.countries]
    for helpline in local or youth_lines:
        hours = f" ({helpline.hours.get(ctx.language)})" if helpline.hours else ""
        lines.append(
            _("Praten kan ook met {name}: bel {number}{hours}. Je naam zeg je niet.").format(
                name=helpline.name.get(ctx.language), number=helpline.number, hours=hours
            )
        )
    lines.append(
        _("Of praat met iemand op school die je vertrouwt, zoals je mentor of een leraar.")
    )
    return "\n".join(lines)
