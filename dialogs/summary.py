"""The answers so far, said back in words: before the first search, and above the results.

A wrong reading must never stay invisible, so before the first search one
line says what was understood ("Ik begrijp: je zoekt steun voor jezelf, als
ouder van iemand die cocaïne gebruikt, bij Volendam.") and the results
heading repeats it briefly: for whom, what, where. What the person said of
themselves, which orders the groups, is said back too ("Over jou: vrouw,
jonger dan 35."), so that a wrong guess can be put right.
"""

from __future__ import annotations

from catalogue.kinds import AgeBand, Gender, Problem, Relation, Seeker
from dialogs.context import TurnContext
from dialogs.state import DialogState
from locales import N_

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
"""The problem as a button and in the results heading."""

ROLES: dict[Relation, str] = {
    Relation.PARTNER: N_("partner"),
    Relation.PARENT: N_("ouder"),
    Relation.TEEN_CHILD: N_("kind (tiener)"),
    Relation.ADULT_CHILD: N_("kind"),
    Relation.FAMILY_FRIEND: N_("familielid of vriend(in)"),
}
"""What the writer is of the person who uses: "als {role} van iemand die drinkt"."""

GENDERS: dict[Gender, str] = {Gender.WOMAN: N_("vrouw"), Gender.MAN: N_("man")}
AGE_BANDS: dict[AgeBand, str] = {
    AgeBand.UNDER_18: N_("jonger dan 18"),
    AgeBand.UNDER_35: N_("jonger dan 35"),
    AgeBand.OLDER: N_("35 of ouder"),
}
"""What the writer said of themselves, in the words of "Over jou: vrouw, jonger dan 35"."""

_SOMEONE_WHO: dict[Problem, str] = {
    Problem.ALCOHOL: N_("iemand die drinkt"),
    Problem.DRUGS: N_("iemand die drugs gebruikt"),
    Problem.COCAINE: N_("iemand die cocaïne gebruikt"),
    Problem.CANNABIS: N_("iemand die blowt"),
    Problem.GAMBLING: N_("iemand die gokt"),
    Problem.MEDICATION: N_("iemand die verslaafd is aan medicijnen"),
    Problem.OTHER: N_("iemand met een andere verslaving, of meerdere"),
    Problem.UNSURE: N_("iemand met een verslaving"),
}

_ABOUT: dict[Problem, str] = {
    Problem.ALCOHOL: N_("over alcohol"),
    Problem.DRUGS: N_("over drugs"),
    Problem.COCAINE: N_("over cocaïne"),
    Problem.CANNABIS: N_("over cannabis"),
    Problem.GAMBLING: N_("over gokken"),
    Problem.MEDICATION: N_("over medicijnen"),
    Problem.OTHER: N_("over een andere verslaving, of meerdere"),
    Problem.UNSURE: N_("open voor elke verslaving"),
}


def where_words(state: DialogState, ctx: TurnContext) -> str | None:
    """ "bij Utrecht", "online", or None while no place is chosen."""
    _ = ctx.gettext
    if state.online_only:
        return _("online")
    place = ctx.places.get(state.place_id) if state.place_id else None
    return _("bij {place}").format(place=place.name) if place is not None else None


def understood_line(state: DialogState, ctx: TurnContext) -> str:
    """Every answer so far, for the person to confirm or fix; then what they said of themselves."""
    about = about_you(state, ctx)
    return f"{_searched_for(state, ctx)} {about}" if about else _searched_for(state, ctx)


def about_you(state: DialogState, ctx: TurnContext) -> str | None:
    """ "Over jou: vrouw, jonger dan 35.": what orders the groups, as the person said it.

    None when nothing was said, or when a naaste looks for a group for the
    other person (the writer's own gender and age then play no part).
    """
    _ = ctx.gettext
    said = [_(GENDERS[state.gender])] if state.gender and not state.for_them else []
    if state.age_band and not state.for_them:
        said.append(_(AGE_BANDS[state.age_band]))
    return _("Over jou: {facts}.").format(facts=", ".join(said)) if said else None


def _searched_for(state: DialogState, ctx: TurnContext) -> str:
    """ "Ik begrijp: je zoekt …": for whom, what, where."""
    _ = ctx.gettext
    problem = state.problem or Problem.UNSURE
    where = where_words(state, ctx) or _("nog zonder plaats")
    if state.seeker is not Seeker.NAASTE:
        return _("Ik begrijp: je zoekt een groep voor jezelf, {about}, {where}.").format(
            about=_(_ABOUT[problem]), where=where
        )
    aim = _("een groep voor de ander") if state.for_them else _("steun voor jezelf")
    if state.relation is None:
        return _("Ik begrijp: je zoekt {aim}, voor {someone}, {where}.").format(
            aim=aim, someone=_(_SOMEONE_WHO[problem]), where=where
        )
    return _("Ik begrijp: je zoekt {aim}, als {role} van {someone}, {where}.").format(
        aim=aim, role=_(ROLES[state.relation]), someone=_(_SOMEONE_WHO[problem]), where=where
    )


def results_heading(state: DialogState, ctx: TurnContext) -> str:
    """For whom, what, where, in one line: "Steun voor jou als partner · Alcohol · bij Utrecht"."""
    _ = ctx.gettext
    if state.seeker is not Seeker.NAASTE:
        whom = _("Voor jezelf")
    elif state.for_them:
        whom = _("Voor de ander")
    elif state.relation is not None:
        whom = _("Steun voor jou als {role}").format(role=_(ROLES[state.relation]))
    else:
        whom = _("Steun voor jezelf")
    parts = [whom, _(PROBLEM_LABELS[state.problem or Problem.UNSURE])]
    if where := where_words(state, ctx):
        parts.append(where)
    return " · ".join(parts)
