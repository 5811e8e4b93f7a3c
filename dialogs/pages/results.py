"""The results page and its filters.

The results page runs the search through `ctx.search` each time it is
shown (pure: `ctx.now` is the only clock), and records the meeting ids it
showed in the state, so that "result 2" means the meeting the person saw.
Its heading says for whom, what and where the search is (`dialogs.summary`).
Sample data is labelled wherever a meeting appears.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from enum import StrEnum

from catalogue.crossings import Crossings
from catalogue.kinds import Attribute, Country, Gender, Relation, Seeker
from catalogue.models import Meeting, Organisation
from catalogue.places import Place
from catalogue.ranking import Person
from catalogue.search import Filters, Match, Query, SearchResult
from dialogs.actions import Everywhere, small_id
from dialogs.context import TurnContext
from dialogs.effects import Metric, metric
from dialogs.formatting import distance, weekday_name
from dialogs.meeting_facts import audience, rule_in_words, when_short
from dialogs.pages.info import everywhere, not_understood
from dialogs.pages.page import Next, Outcome, Page, Reply, Show, choice
from dialogs.pages.questions import absorb, facts_of, is_short, typed_place, where_screen
from dialogs.reader import Reading
from dialogs.screen import Button, Screen, join
from dialogs.state import DialogState, Step
from dialogs.summary import results_heading
from dialogs.teenagers import is_teenager, teenager_note
from dialogs.turn import Turn
from dialogs.words import words
from locales import N_

PAGE_SIZE = 5


class Results(StrEnum):
    OPEN = "open"  # argument: the index of a meeting shown
    MORE = "more"
    FIRST = "first"
    FILTERS = "filters"
    WHERE = "where"
    NO_FILTERS = "nofilters"


class FilterAnswer(StrEnum):
    DAY = "day"  # argument: 0-6 (Monday first) or "any"
    OPEN = "open"
    WOMEN = "women"
    YOUTH = "youth"
    ENGLISH = "english"
    DONE = "done"


def origin_of(state: DialogState, ctx: TurnContext) -> Place | None:
    """The place the person chose to search around."""
    return ctx.places.get(state.place_id) if state.place_id else None


def search_origin(place: Place | None) -> Place | None:
    """Where distances are measured from: the place, or for a Wadden island its ferry port,
    so that no distance is claimed across the water."""
    if place is None:
        return None
    island = Crossings.bundled().island_at(place.lat, place.lon)
    if island is None:
        return place
    port = island.port
    return Place(f"port:{port.name}", port.name, place.province, place.country, port.lat, port.lon)


def crossing_note(place: Place | None, ctx: TurnContext) -> str | None:
    """For an island: distances are from the ferry port. Near a border we do not cover:
    groups across it are not in the list (so "none near" is not "none there")."""
    _ = ctx.gettext
    if place is None:
        return None
    crossings = Crossings.bundled()
    island = crossings.island_at(place.lat, place.lon)
    if island is not None:
        return _(
            "{island} is een eiland. Ik reken de afstanden vanaf de veerhaven in {port}; "
            "de overtocht komt er nog bij."
        ).format(island=island.name, port=island.port.name)
    town = crossings.border_town_near(place.lat, place.lon)
    if town is not None:
        return _(
            "Je zoekt dicht bij de grens. Groepen in {town} staan niet in mijn lijst: "
            "ik ken alleen groepen in Nederland en Vlaanderen."
        ).format(town=town.get(ctx.language))
    return None


def country_of(state: DialogState, ctx: TurnContext) -> Country | None:
    """Where the person probably is: their chosen place, else the bot's hint."""
    place = origin_of(state, ctx)
    return place.country if place is not None else ctx.country


def query_of(state: DialogState, ctx: TurnContext) -> Query | None:
    """The search the state describes; None while seeker or problem is unknown."""
    if state.seeker is None or state.problem is None:
        return None
    filters = Filters(
        weekday=state.weekday,
        open_only=state.open_only,
        women=state.women,
        youth=state.youth,
        english=state.english,
    )
    relation = state.relation if state.seeker is Seeker.NAASTE else None
    if state.teen and relation is Relation.ADULT_CHILD:
        relation = Relation.TEEN_CHILD
    return Query(
        seeker=state.seeker,
        problem=state.problem,
        relation=relation,
        origin=None if state.online_only else search_origin(origin_of(state, ctx)),
        filters=filters,
        for_them=bool(state.for_them),
        person=person_of(state, ctx),
        # Searching online without a place: the Netherlands, as the helplines assume.
        country=country_of(state, ctx) or Country.NL,
    )


def person_of(state: DialogState, ctx: TurnContext) -> Person:
    """Who the groups are for, as far as the answers tell: it orders the results.

    A naaste looking for a group for the other person searches for someone
    we know nothing about ("mijn dochter drinkt" says nothing of the writer).
    Otherwise the groups are for the writer, a naaste too: their own gender
    and age band as they said them, a teenager belongs to youth groups, and
    the women's and youth filters say the person belongs there.
    """
    language = "en" if state.english else ctx.language
    if state.for_them:
        return Person(language=language)
    return Person(
        language=language,
        gender=Gender.WOMAN if state.women else state.gender,
        age_band=state.age_band,
        youth=state.youth or is_teenager(state),
    )


def sample_mark(ctx: TurnContext) -> str:
    _ = ctx.gettext
    return _("[voorbeeld]")


def marks_samples(matches: tuple[Match, ...]) -> bool:
    """Whether each sample needs its own mark: only when a list mixes samples and real ones."""
    samples = [m.meeting.source.sample for m in matches]
    return any(samples) and not all(samples)


def sample_note(matches: tuple[Match, ...], ctx: TurnContext) -> str | None:
    """The one sample label of a list: for the whole list, or what the marks mean."""
    _ = ctx.gettext
    if not any(m.meeting.source.sample for m in matches):
        return None
    if not marks_samples(matches):
        return _(
            "Let op: dit zijn voorbeelden om de bot uit te proberen. "
            "Deze bijeenkomsten bestaan niet echt."
        )
    return _(
        "[voorbeeld] betekent: verzonnen gegevens om de bot uit te proberen. "
        "Die bijeenkomst bestaat niet echt."
    )


def outdated_note(meetings: Iterable[Meeting], ctx: TurnContext) -> str | None:
    """A warning when a meeting shown comes from a feed not refreshed for over 30 days."""
    _ = ctx.gettext
    if not any(m.source.url in ctx.outdated_feeds for m in meetings if m.source.url):
        return None
    return _(
        "Let op: deze gegevens zijn al meer dan 30 dagen niet bijgewerkt en kunnen verouderd "
        "zijn. Kijk voor je gaat even op de website van de groep."
    )


def access_label(meeting: Meeting, ctx: TurnContext) -> str | None:
    _ = ctx.gettext
    if Attribute.OPEN in meeting.attributes:
        return _("open: iedereen welkom")
    if Attribute.CLOSED in meeting.attributes:
        return _("besloten: voor wie het zelf aangaat")
    return None


def _entry(number: int, match: Match, ctx: TurnContext, mark_sample: bool) -> str:
    """One result as three short lines: what, when (and how often), where and for whom."""
    _ = ctx.gettext
    meeting = match.meeting
    title = f"{number}. {match.organisation.short_name}: {meeting.name}"
    if mark_sample and meeting.source.sample:
        title += " " + sample_mark(ctx)
    where: list[str] = []
    if match.distance_km is not None and meeting.venue is not None:
        where.append(distance(match.distance_km, ctx.language))
        if meeting.online is not None:
            where.append(_("ook online"))
    else:
        where.append(_("online"))
    if label := access_label(meeting, ctx):
        where.append(label)
    where.extend(audience(meeting, ctx))
    when = [when_short(match.next_at, ctx.now, ctx.language, _)]
    if often := rule_in_words(meeting.rrule, ctx.language, _):
        when.append(often)
    return "\n".join([title, " · ".join(when), " · ".join(where)])


def filters_summary(state: DialogState, ctx: TurnContext) -> str | None:
    _ = ctx.gettext
    parts: list[str] = []
    if state.weekday is not None:
        parts.append(_("op {day}").format(day=weekday_name(state.weekday, ctx.language)))
    if state.open_only:
        parts.append(_("alleen open"))
    if state.women:
        parts.append(_("voor vrouwen"))
    if state.youth:
        parts.append(_("voor jongeren"))
    if state.english:
        parts.append(_("Engelstalig"))
    if not parts:
        return None
    return _("Filters: {filters}").format(filters=", ".join(parts))


def _result_buttons(
    matches: tuple[Match, ...], first_number: int, ctx: TurnContext
) -> list[tuple[Button, ...]]:
    _ = ctx.gettext
    rows = []
    for i, match in enumerate(matches):
        label = f"{first_number + i}. {match.organisation.short_name}: {match.meeting.name}"
        rows.append((choice(label[:60], Step.RESULTS, Results.OPEN, str(i)),))
    return rows


def show_results(state: DialogState, ctx: TurnContext) -> Turn:
    """The results page for the state's search (or its fallback), and the state that showed it."""
    query = query_of(state, ctx)
    if query is None or (not state.online_only and query.origin is None):
        # Nothing to search with (e.g. a stored place that no longer exists): ask where again.
        new = replace(state, step=Step.WHERE, place_id=None, shown=(), offset=0)
        return Turn(new, (where_screen(new, ctx),))
    result = ctx.search.find(query, ctx.now, limit=PAGE_SIZE, offset=state.offset)
    if result.nearby and not result.matches and state.offset > 0:
        state = replace(state, offset=0)
        result = ctx.search.find(query, ctx.now, limit=PAGE_SIZE, offset=0)
    if result.nearby and result.matches:
        screen, shown = _matches_screen(state, result, query.origin, ctx)
    else:
        screen, shown = _fallback_screen(state, result, query.origin, ctx)
    new = replace(state, step=Step.RESULTS, shown=shown, meeting_id=None)
    place = None if state.online_only else origin_of(state, ctx)
    teen = teenager_note(state, ctx, country_of(state, ctx)) if is_teenager(state) else None
    notes = join(teen, crossing_note(place, ctx))
    if notes:
        screen = Screen(join(notes, screen.text), screen.buttons)
    return Turn(new, (screen,))


def search(state: DialogState, ctx: TurnContext) -> Turn:
    """A new search (first, or place, online or filters changed): counted for a clinic."""
    turn = show_results(replace(state, offset=0), ctx)
    effects = (
        metric(turn.state.clinic_id, Metric.SEARCHED) if turn.state.step is Step.RESULTS else ()
    )
    return Turn(turn.state, turn.screens, effects)


def _matches_screen(
    state: DialogState, result: SearchResult, origin: Place | None, ctx: TurnContext
) -> tuple[Screen, tuple[str, ...]]:
    _ = ctx.gettext
    if origin is not None:
        order = _("Wat het best past eerst:")
    else:
        order = _("Online bijeenkomsten, de eerstvolgende eerst:")
    first = state.offset + 1
    last = state.offset + len(result.matches)
    count = ctx.ngettext(
        "{count} bijeenkomst gevonden.", "{count} bijeenkomsten gevonden.", result.total
    ).format(count=result.total)
    if result.total > len(result.matches):
        count += " " + _("Je ziet {first} tot en met {last}.").format(first=first, last=last)
    mark = marks_samples(result.matches)
    entries = "\n\n".join(_entry(first + i, m, ctx, mark) for i, m in enumerate(result.matches))
    text = join(
        results_heading(state, ctx),
        order,
        sample_note(result.matches, ctx),
        outdated_note((m.meeting for m in result.matches), ctx),
        filters_summary(state, ctx),
        entries,
        count,
        _("Kies een bijeenkomst voor meer uitleg."),
        organisations_without_meetings(result, ctx),
    )
    rows = _result_buttons(result.matches, first, ctx)
    if last < result.total:
        rows.append((choice(_("Meer bijeenkomsten"), Step.RESULTS, Results.MORE),))
    elif state.offset > 0:
        rows.append((choice(_("Terug naar het begin"), Step.RESULTS, Results.FIRST),))
    rows.extend(_search_rows(ctx))
    shown = tuple(m.meeting.id for m in result.matches)
    return Screen(text, tuple(rows)), shown


def _search_rows(ctx: TurnContext, filters: bool = True) -> tuple[tuple[Button, ...], ...]:
    """Under every results page: change the search, or start over. Without `filters` where
    no filter can find anything (no fitting organisation has meetings listed)."""
    _ = ctx.gettext
    other_day = (choice(_("Andere dag of filters"), Step.RESULTS, Results.FILTERS),)
    other_place = choice(_("Andere plaats"), Step.RESULTS, Results.WHERE)
    return (
        (*(other_day if filters else ()), other_place),
        (everywhere(_("Opnieuw beginnen"), Everywhere.RESTART),),
    )


def _fallback_screen(
    state: DialogState, result: SearchResult, origin: Place | None, ctx: TurnContext
) -> tuple[Screen, tuple[str, ...]]:
    """Nothing near: the organisations' own contacts and online meetings; never empty.

    When no fitting organisation has a meeting in the catalogue at all (groups for
    naasten, gambling), the screen says so, rather than that none is near.
    """
    _ = ctx.gettext
    if state.has_filters:
        head = _("Met deze filters vind ik nu geen passende bijeenkomst.")
    elif result.none_listed:
        head = _(
            "De bijeenkomsten van de groepen die bij je passen staan (nog) niet in mijn lijst. "
            "De organisaties zelf vertellen je waar en wanneer ze samenkomen."
        )
    elif origin is not None:
        head = _("In de buurt van {place} vind ik nu geen passende bijeenkomst.").format(
            place=origin.name
        )
    else:
        head = _("Ik vind nu geen passende online bijeenkomst.")
    contacts = "\n".join(_contact_line(o, ctx) for o in result.contacts)
    online = result.online
    parts: list[str | None] = [results_heading(state, ctx), head, filters_summary(state, ctx)]
    if contacts:
        if not result.none_listed:
            parts.append(_("Deze organisaties helpen je verder, ook met groepen die ik niet ken:"))
        parts.append(contacts)
    if online:
        parts.append(_("Of doe mee vanuit huis:"))
        parts.append(sample_note(online, ctx))
        parts.append(outdated_note((m.meeting for m in online), ctx))
        mark = marks_samples(online)
        parts.append("\n\n".join(_entry(i + 1, m, ctx, mark) for i, m in enumerate(online)))
    parts.append(_("Je huisarts en de hulplijnen onder /hulp kunnen je ook verder helpen."))
    rows = _result_buttons(online, 1, ctx)
    if state.has_filters:
        rows.append((choice(_("Filters uitzetten"), Step.RESULTS, Results.NO_FILTERS),))
    rows.extend(_search_rows(ctx, filters=not result.none_listed or state.has_filters))
    return Screen(join(*parts), tuple(rows)), tuple(m.meeting.id for m in online)


def organisations_without_meetings(result: SearchResult, ctx: TurnContext) -> str | None:
    """Under the list: fitting organisations whose meetings we do not list, and how to reach
    them; without this, a fitting group with no meetings in the catalogue would simply not be
    there. (The fallback screen already names every fitting organisation, `result.contacts`.)
    """
    _ = ctx.gettext
    listed = set(result.contacts)
    others = [o for o in result.without_meetings if o not in listed]
    if not others:
        return None
    return join(
        _("Past ook bij je, maar hun bijeenkomsten staan (nog) niet in mijn lijst:"),
        "\n".join(_contact_line(o, ctx) for o in others),
    )


def _contact_line(organisation: Organisation, ctx: TurnContext) -> str:
    """The organisation, how to reach it (website, phone, e-mail: what its source gives),
    and what it is in one line. Without any of those, where to ask instead."""
    _ = ctx.gettext
    ways = [organisation.website]
    if organisation.phone:
        ways.append(_("bel {phone}").format(phone=organisation.phone))
    ways.append(organisation.email)
    reach = " · ".join(w for w in ways if w)
    line = f"• {organisation.display_name(ctx.language)}"
    if reach:
        line += f": {reach}"
    if organisation.source.sample:
        line += " " + sample_mark(ctx)
    if description := organisation.description.get(ctx.language):
        line += "\n  " + description
    if not reach:
        line += "\n  " + _(
            "Ik heb geen website of telefoonnummer van ze. Je huisarts of de verslavingszorg "
            "kan je vertellen of er een groep bij jou in de buurt is."
        )
    return line


def filters_screen(state: DialogState, ctx: TurnContext) -> Screen:
    """Toggles for the filters, edited in place."""
    _ = ctx.gettext

    def mark(on: bool, label: str) -> str:
        return f"✓ {label}" if on else label

    days = [
        choice(
            mark(state.weekday == d, weekday_name(d, ctx.language, "abbreviated")),
            Step.FILTERS,
            FilterAnswer.DAY,
            str(d),
        )
        for d in range(7)
    ]
    any_day = choice(
        mark(state.weekday is None, _("Elke dag")), Step.FILTERS, FilterAnswer.DAY, "any"
    )
    open_only = choice(
        mark(state.open_only, _("Alleen open bijeenkomsten")), Step.FILTERS, FilterAnswer.OPEN
    )
    rows = (
        tuple(days[:4]),
        (*days[4:], any_day),
        (open_only,),
        (
            choice(mark(state.women, _("Voor vrouwen")), Step.FILTERS, FilterAnswer.WOMEN),
            choice(mark(state.youth, _("Voor jongeren")), Step.FILTERS, FilterAnswer.YOUTH),
        ),
        (choice(mark(state.english, _("Engelstalig")), Step.FILTERS, FilterAnswer.ENGLISH),),
        (choice(_("Toon bijeenkomsten"), Step.FILTERS, FilterAnswer.DONE),),
    )
    text = join(
        _("Kies wat je zoekt. Tik nog een keer om het weer uit te zetten."),
        filters_summary(state, ctx) or _("Er staan nu geen filters aan."),
    )
    return Screen(text, rows, edit=True)


# -- the handlers --------------------------------------------------------------------------

_MORE = {"meer", "volgende", "verder", "more", "next"}
_FILTER_WORDS = {"filter", "filters", "dag", "day"}


def open_meeting(state: DialogState, meeting_id: str) -> Show:
    """A meeting's page; counted as viewed for a clinic."""
    new = replace(state, step=Step.MEETING, meeting_id=meeting_id)
    return Show(new, effects=metric(state.clinic_id, Metric.VIEWED))


def on_results(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """Open a result, page on, filter, change place; typed numbers, places and facts work too."""
    index = small_id(reply.argument)  # strict: forged data gets the stale-button answer
    match reply.answer:
        case Results.OPEN if index is not None and index < len(state.shown):
            return open_meeting(state, state.shown[index])
        case Results.MORE:
            return Show(replace(state, offset=state.offset + PAGE_SIZE))
        case Results.FIRST:
            return Show(replace(state, offset=0))
        case Results.FILTERS:
            return Show(replace(state, step=Step.FILTERS))
        case Results.WHERE:
            return Show(replace(state, step=Step.WHERE))
        case Results.NO_FILTERS:
            return Next(_without_filters(state))
        case Results.OPEN:
            _ = ctx.gettext
            return Show(
                state, hint=_("Die knop hoort bij een eerdere lijst. Dit is de lijst van nu:")
            )
    if reply.location is not None:
        place = ctx.places.nearest(*reply.location)
        if place is not None:
            return Next(replace(state, place_id=place.id, online_only=False))
        return Show(replace(state, step=Step.WHERE))
    return _typed_at_results(state, reply, ctx)


def _typed_at_results(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    tokens = words(reply.text).tokens
    numbers = [t for t in tokens if t.isdigit()]
    if len(tokens) <= 2 and len(numbers) == 1 and len(numbers[0]) <= 2:
        # The list numbers on from earlier pages; "2" on page two means its second.
        number = int(numbers[0])
        for index in (number - 1 - state.offset, number - 1):
            if 0 <= index < len(state.shown):
                return open_meeting(state, state.shown[index])
    if len(tokens) <= 2 and set(tokens) & _MORE:
        return Show(replace(state, offset=state.offset + PAGE_SIZE))
    if len(tokens) <= 2 and set(tokens) & _FILTER_WORDS:
        return Show(replace(state, step=Step.FILTERS))
    reading = reply.reading or Reading()
    facts = facts_of(reading)
    if facts:  # "eigenlijk in Amsterdam", "het gaat om gokken": a new search
        return Next(absorb(state, facts, frozenset(facts)))
    if reading.place is not None:
        return typed_place(replace(state, step=Step.WHERE), reply.text, reading.place, ctx)
    if is_short(reply.text):
        found = ctx.places.lookup(reply.text)
        if found.place is not None or found.choices:
            return typed_place(replace(state, step=Step.WHERE), reply.text, found, ctx)
    return Show(state, hint=not_understood(ctx))


def _without_filters(state: DialogState) -> DialogState:
    return replace(state, weekday=None, open_only=False, women=False, youth=False, english=False)


_TOGGLES = {
    FilterAnswer.OPEN: "open_only",
    FilterAnswer.WOMEN: "women",
    FilterAnswer.YOUTH: "youth",
    FilterAnswer.ENGLISH: "english",
}
_DONE_WORDS = {"klaar", "toon", "done", "show", "ok", "oke"}


def on_filters(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """Toggle filters; "show" runs the search again."""
    match reply.answer:
        case FilterAnswer.OPEN | FilterAnswer.WOMEN | FilterAnswer.YOUTH | FilterAnswer.ENGLISH:
            name = _TOGGLES[reply.answer]
            return Show(replace(state, **{name: not getattr(state, name)}, offset=0))
        case FilterAnswer.DAY:
            weekday = small_id(reply.argument)
            if weekday is not None and weekday > 6:  # "any", or forged
                weekday = None
            if weekday == state.weekday:
                weekday = None
            return Show(replace(state, weekday=weekday, offset=0))
        case FilterAnswer.DONE:
            return Next(state)
    if is_short(reply.text) and set(words(reply.text).tokens) & _DONE_WORDS:
        return Next(state)
    return Show(state, hint=not_understood(ctx))


def _filters_show(state: DialogState, ctx: TurnContext) -> Turn:
    return Turn(state, (filters_screen(state, ctx),))


PAGES = (
    Page(
        Step.RESULTS,
        Results,
        show_results,
        on_results,
        N_("Kies een bijeenkomst, of zoek verder met de knoppen."),
    ),
    Page(
        Step.FILTERS,
        FilterAnswer,
        _filters_show,
        on_filters,
        N_("Kies je filters, en dan 'Toon bijeenkomsten'."),
    ),
)
