"""What a teenager reads before the groups: not their fault, someone to talk to, in short words.

A teenager said they are under 18, or the child (a teenager) of a parent who
drinks or uses. The groups for them already come first (the fit table puts
Alateen and InTact's youth groups first, and the ranking counts youth groups
as theirs); this adds the few lines a 15-year-old needs to read first.
"""

from __future__ import annotations

from catalogue.kinds import Country, DangerKind, Relation, Seeker
from dialogs.context import TurnContext
from dialogs.state import DialogState


def is_teenager(state: DialogState) -> bool:
    """The person said they are under 18, or a teenager whose parent drinks or uses."""
    return state.teen or _teen_child(state)


def _teen_child(state: DialogState) -> bool:
    return state.seeker is Seeker.NAASTE and state.relation in (
        Relation.TEEN_CHILD,
        Relation.ADULT_CHILD if state.teen else Relation.TEEN_CHILD,
    )


def teenager_note(state: DialogState, ctx: TurnContext, country: Country | None) -> str:
    """Not your fault (when a parent drinks or uses); a line for children (De Kindertelefoon,
    Awel in Flanders); a trusted adult at school. Short sentences, plain words."""
    _ = ctx.gettext
    lines = []
    if _teen_child(state):
        lines.append(_("Het is niet jouw schuld dat je vader of moeder drinkt of gebruikt."))
    lines.append(_("Je hoeft het niet alleen te dragen."))
    youth_lines = [h for h in ctx.catalogue.helplines.values() if DangerKind.CHILD in h.serves]
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
