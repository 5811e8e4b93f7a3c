"""Search results, a meeting's page, and what a person can do with a meeting.

The results page runs the search through `ctx.search` each time it is
shown (pure: `ctx.now` is the only clock), and records the meeting ids it
showed in the state, so that "result 2" means the meeting the person saw.
Sample data is labelled wherever a meeting appears.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from catalogue.kinds import Attribute, Country, Seeker
from catalogue.models import Meeting, Organisation
from catalogue.places import Place
from catalogue.recurrence import next_meeting_at
from catalogue.reminder_times import pick_occurrence, reminder_due_at
from catalogue.search import Filters, Match, Query, SearchResult
from dialogs.actions import GLOBAL, action
from dialogs.calendar import meeting_ics
from dialogs.context import TurnContext
from dialogs.formatting import clock_time, distance, meeting_time, weekday_name
from dialogs.provenance import provenance_line
from dialogs.screen import Attachment, Button, Screen, VenuePin
from dialogs.screens import join, where_screen, with_hint
from dialogs.state import DialogState, Step

PAGE_SIZE = 5


def origin_of(state: DialogState, ctx: TurnContext) -> Place | None:
    return ctx.places.get(state.place_id) if state.place_id else None


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
    return Query(
        seeker=state.seeker,
        problem=state.problem,
        relation=state.relation if state.seeker is Seeker.NAASTE else None,
        origin=None if state.online_only else origin_of(state, ctx),
        filters=filters,
        for_them=state.for_them,
    )


def sample_mark(ctx: TurnContext) -> str:
    _ = ctx.gettext
    return _("[voorbeeld]")


def sample_note(matches: tuple[Match, ...], ctx: TurnContext) -> str | None:
    """What the sample mark means, under a list that shows one."""
    _ = ctx.gettext
    if not any(m.meeting.source.sample for m in matches):
        return None
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


def _entry(number: int, match: Match, ctx: TurnContext) -> str:
    """One result as three short lines."""
    _ = ctx.gettext
    meeting = match.meeting
    title = f"{number}. {match.organisation.short_name}: {meeting.name}"
    if meeting.source.sample:
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
    return "\n".join([title, meeting_time(match.next_at, ctx.language), " · ".join(where)])


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
        rows.append((Button(label[:60], action(Step.RESULTS, "open", str(i))),))
    return rows


def show_results(
    state: DialogState, ctx: TurnContext, hint: str | None = None, intro: str | None = None
) -> tuple[DialogState, Screen, SearchResult | None]:
    """The results page for the state's search (or its fallback), and the state that showed it."""
    _ = ctx.gettext
    query = query_of(state, ctx)
    if query is None or (not state.online_only and query.origin is None):
        # Nothing to search with (e.g. a stored place that no longer exists): ask where again.
        new = replace(state, step=Step.WHERE, place_id=None, shown=(), offset=0)
        return new, where_screen(ctx, hint=hint), None
    result = ctx.search.find(query, ctx.now, limit=PAGE_SIZE, offset=state.offset)
    if result.nearby and not result.matches and state.offset > 0:
        state = replace(state, offset=0)
        result = ctx.search.find(query, ctx.now, limit=PAGE_SIZE, offset=0)
    if result.nearby and result.matches:
        screen, shown = _matches_screen(state, result, query.origin, ctx)
    else:
        screen, shown = _fallback_screen(state, result, query.origin, ctx)
    new = replace(state, step=Step.RESULTS, shown=shown, meeting_id=None)
    text = join(intro, screen.text)
    return new, with_hint(Screen(text, screen.buttons), hint), result


def _matches_screen(
    state: DialogState, result: SearchResult, origin: Place | None, ctx: TurnContext
) -> tuple[Screen, tuple[str, ...]]:
    _ = ctx.gettext
    if origin is not None:
        head = _("Bijeenkomsten bij {place}, de dichtstbijzijnde eerst:").format(place=origin.name)
    else:
        head = _("Online bijeenkomsten, de eerstvolgende eerst:")
    first = state.offset + 1
    last = state.offset + len(result.matches)
    count = ctx.ngettext(
        "{count} bijeenkomst gevonden.", "{count} bijeenkomsten gevonden.", result.total
    ).format(count=result.total)
    if result.total > len(result.matches):
        count += " " + _("Je ziet {first} tot en met {last}.").format(first=first, last=last)
    entries = "\n\n".join(_entry(first + i, m, ctx) for i, m in enumerate(result.matches))
    text = join(
        head,
        filters_summary(state, ctx),
        entries,
        count,
        sample_note(result.matches, ctx),
        outdated_note((m.meeting for m in result.matches), ctx),
        _("Kies een bijeenkomst voor meer uitleg."),
        organisations_without_meetings(result, ctx),
    )
    rows = _result_buttons(result.matches, first, ctx)
    if last < result.total:
        rows.append((Button(_("Meer bijeenkomsten"), action(Step.RESULTS, "more")),))
    elif state.offset > 0:
        rows.append((Button(_("Terug naar het begin"), action(Step.RESULTS, "first")),))
    rows.extend(_search_rows(ctx))
    shown = tuple(m.meeting.id for m in result.matches)
    return Screen(text, tuple(rows)), shown


def _search_rows(ctx: TurnContext) -> tuple[tuple[Button, ...], ...]:
    """Under every results page: change the search, or start over."""
    _ = ctx.gettext
    return (
        (
            Button(_("Andere dag of filters"), action(Step.RESULTS, "filters")),
            Button(_("Andere plaats"), action(Step.RESULTS, "where")),
        ),
        (Button(_("Opnieuw beginnen"), action(GLOBAL, "restart")),),
    )


def _fallback_screen(
    state: DialogState, result: SearchResult, origin: Place | None, ctx: TurnContext
) -> tuple[Screen, tuple[str, ...]]:
    """Nothing near: the organisations' own contacts and online meetings; never empty."""
    _ = ctx.gettext
    if state.has_filters:
        head = _("Met deze filters vind ik nu geen passende bijeenkomst.")
    elif origin is not None:
        head = _("In de buurt van {place} vind ik nu geen passende bijeenkomst.").format(
            place=origin.name
        )
    else:
        head = _("Ik vind nu geen passende online bijeenkomst.")
    contacts = "\n".join(_contact_line(o, ctx) for o in result.contacts)
    online = result.online
    parts: list[str | None] = [head, filters_summary(state, ctx)]
    if contacts:
        parts.append(_("Deze organisaties helpen je verder, ook met groepen die ik niet ken:"))
        parts.append(contacts)
    if online:
        parts.append(_("Of doe mee vanuit huis:"))
        parts.append("\n\n".join(_entry(i + 1, m, ctx) for i, m in enumerate(online)))
        parts.append(sample_note(online, ctx))
    parts.append(organisations_without_meetings(result, ctx))
    parts.append(_("Je huisarts en de hulplijnen onder /hulp kunnen je ook verder helpen."))
    rows = _result_buttons(online, 1, ctx)
    if state.has_filters:
        rows.append((Button(_("Filters uitzetten"), action(Step.RESULTS, "nofilters")),))
    rows.extend(_search_rows(ctx))
    return Screen(join(*parts), tuple(rows)), tuple(m.meeting.id for m in online)


def organisations_without_meetings(result: SearchResult, ctx: TurnContext) -> str | None:
    """Fitting organisations whose meetings we do not list: what they are and how to reach them.

    Without this, a fitting group with no meetings in the catalogue would
    simply not be there; now the person can still find it.
    """
    _ = ctx.gettext
    listed = set(result.contacts)
    others = [o for o in result.without_meetings if o not in listed]
    if not others:
        return None
    lines = [_contact_line(o, ctx) for o in others]
    return join(_("Ook voor jou, met bijeenkomsten die ik (nog) niet ken:"), "\n".join(lines))


def _contact_line(organisation: Organisation, ctx: TurnContext) -> str:
    ways = [w for w in (organisation.website, organisation.phone) if w]
    line = f"• {organisation.name}: {' · '.join(ways)}"
    line += "\n  " + organisation.description.get(ctx.language)
    if organisation.source.sample:
        line += " " + sample_mark(ctx)
    return line


def filters_screen(state: DialogState, ctx: TurnContext, hint: str | None = None) -> Screen:
    """Toggles for the filters, edited in place."""
    _ = ctx.gettext

    def mark(on: bool, label: str) -> str:
        return f"✓ {label}" if on else label

    days = [
        Button(
            mark(state.weekday == d, weekday_name(d, ctx.language, "abbreviated")),
            action(Step.FILTERS, "day", str(d)),
        )
        for d in range(7)
    ]
    any_day = Button(mark(state.weekday is None, _("Elke dag")), action(Step.FILTERS, "day", "any"))
    open_only = Button(
        mark(state.open_only, _("Alleen open bijeenkomsten")), action(Step.FILTERS, "open")
    )
    rows = (
        tuple(days[:4]),
        (*days[4:], any_day),
        (open_only,),
        (
            Button(mark(state.women, _("Voor vrouwen")), action(Step.FILTERS, "women")),
            Button(mark(state.youth, _("Voor jongeren")), action(Step.FILTERS, "youth")),
        ),
        (Button(mark(state.english, _("Engelstalig")), action(Step.FILTERS, "english")),),
        (Button(_("Toon bijeenkomsten"), action(Step.FILTERS, "done")),),
    )
    text = join(
        _("Kies wat je zoekt. Tik nog een keer om het weer uit te zetten."),
        filters_summary(state, ctx) or _("Er staan nu geen filters aan."),
    )
    screen = Screen(text, rows, edit=hint is None)
    return with_hint(screen, hint)


# -- one meeting -------------------------------------------------------------------------


def next_at_of(meeting: Meeting, ctx: TurnContext) -> datetime | None:
    return next_meeting_at(meeting, ctx.now)


def _address(meeting: Meeting) -> str | None:
    venue = meeting.venue
    if venue is None:
        return None
    return ", ".join(p for p in (venue.address, f"{venue.postcode} {venue.city}".strip()) if p)


def meeting_buttons(
    meeting: Meeting, ctx: TurnContext, can_remind: bool
) -> tuple[tuple[Button, ...], ...]:
    _ = ctx.gettext
    rows: list[tuple[Button, ...]] = [
        (Button(_("In mijn agenda"), action(Step.MEETING, "cal")),),
    ]
    if can_remind:
        rows.append((Button(_("Herinner me"), action(Step.MEETING, "remind")),))
    rows.append((Button(_("Delen met iemand"), action(Step.MEETING, "share")),))
    rows.append((Button(_("Terug naar de lijst"), action(Step.MEETING, "back")),))
    return tuple(rows)


def meeting_screen(
    meeting: Meeting, organisation: Organisation, ctx: TurnContext, hint: str | None = None
) -> Screen:
    """A meeting's page: when, where, what a first time there is like, and the source."""
    _ = ctx.gettext
    next_at = next_at_of(meeting, ctx)
    title = f"{organisation.name}: {meeting.name}"
    sample = None
    if meeting.source.sample:
        title += " " + sample_mark(ctx)
        sample = _(
            "Let op: dit is een voorbeeld om de bot uit te proberen. "
            "Deze bijeenkomst bestaat niet echt."
        )
    if next_at is not None and meeting.duration is None:
        when = _("Volgende keer: {when} (eindtijd niet opgegeven)").format(
            when=meeting_time(next_at, ctx.language)
        )
    elif next_at is not None:
        when = _("Volgende keer: {when} tot {end}").format(
            when=meeting_time(next_at, ctx.language),
            end=clock_time(next_at + meeting.duration, ctx.language),
        )
    else:
        when = _("Er staat nu geen volgende datum gepland.")
    details = [when]
    if label := access_label(meeting, ctx):
        details.append(label.capitalize())
    if address := _address(meeting):
        details.append(_("Adres: {address}").format(address=address))
    if meeting.online is not None:
        if meeting.online.url:
            details.append(_("Online: {url}").format(url=meeting.online.url))
        if meeting.online.phone:
            details.append(_("Inbellen: {phone}").format(phone=meeting.online.phone))
    if organisation.website:
        details.append(_("Website: {url}").format(url=organisation.website))
    if "en" in meeting.languages:
        details.append(_("Deze bijeenkomst is in het Engels."))
    notes = meeting.notes.get(ctx.language) if meeting.notes else None
    first_time = join(
        _("Zo gaat een eerste keer bij {organisation}:").format(
            organisation=organisation.short_name
        ),
        organisation.first_meeting.get(ctx.language),
    )
    source = provenance_line(meeting, organisation.website, ctx)
    outdated = outdated_note([meeting], ctx)
    text = join(title, sample, outdated, "\n".join(details), notes, first_time, source)
    venue = None
    if meeting.venue is not None:
        venue = VenuePin(
            lat=meeting.venue.lat,
            lon=meeting.venue.lon,
            title=meeting.name,
            address=_address(meeting) or meeting.venue.city,
        )
    screen = Screen(text, meeting_buttons(meeting, ctx, next_at is not None), venue=venue)
    return with_hint(screen, hint)


def calendar_screen(meeting: Meeting, organisation: Organisation, ctx: TurnContext) -> Screen:
    """The .ics file for the meeting, with the meeting's buttons again."""
    _ = ctx.gettext
    next_at = next_at_of(meeting, ctx)
    if next_at is None:
        return Screen(
            _(
                "Voor deze bijeenkomst staat geen volgende datum gepland, "
                "dus ik kan hem niet in je agenda zetten."
            ),
            meeting_buttons(meeting, ctx, can_remind=False),
        )
    summary = f"{organisation.short_name}: {meeting.name}"
    description = join(
        _("Voorbeeld: deze bijeenkomst bestaat niet echt.") if meeting.source.sample else None,
        organisation.first_meeting.get(ctx.language),
        organisation.website,
    )
    content = meeting_ics(meeting, organisation, next_at, ctx.now, summary, description)
    text = _(
        "Hier is de bijeenkomst voor je agenda. Open het bestand om hem toe te voegen; "
        "hij herhaalt zich zoals de groep samenkomt."
    )
    return Screen(
        text,
        meeting_buttons(meeting, ctx, can_remind=True),
        attachment=Attachment(
            filename=f"{meeting.id[:40]}.ics",
            content=content,
            mime_type="text/calendar",
            caption=summary,
        ),
    )


def share_screens(
    meeting: Meeting, organisation: Organisation, ctx: TurnContext
) -> tuple[Screen, ...]:
    """A message a person can forward as it is, and how to do that."""
    _ = ctx.gettext
    next_at = next_at_of(meeting, ctx)
    lines = [
        _("Misschien iets voor jou: een zelfhulpgroep."),
        "",
        f"{organisation.name}: {meeting.name}",
    ]
    if meeting.source.sample:
        lines.append(_("(voorbeeld: deze bijeenkomst bestaat niet echt)"))
    if next_at is not None:
        lines.append(_("Volgende keer: {when}").format(when=meeting_time(next_at, ctx.language)))
    if address := _address(meeting):
        lines.append(_("Adres: {address}").format(address=address))
    if meeting.online is not None and meeting.online.url:
        lines.append(_("Online: {url}").format(url=meeting.online.url))
    if organisation.website:
        lines.append(_("Website: {url}").format(url=organisation.website))
    lines += [
        "",
        _("Gratis en anoniem. Je hoeft niets te zeggen; luisteren is ook goed."),
    ]
    if ctx.bot_link:
        lines.append(_("Zelf zoeken, ook naar andere groepen: {link}").format(link=ctx.bot_link))
    forwardable = Screen("\n".join(lines))
    how = Screen(
        _("Stuur het bericht hierboven door naar wie je wilt. Er staat niets over jou in."),
        meeting_buttons(meeting, ctx, can_remind=next_at is not None),
    )
    return forwardable, how


# -- reminders ---------------------------------------------------------------------------


def remind_when_screen(meeting: Meeting, ctx: TurnContext, hint: str | None = None) -> Screen:
    _ = ctx.gettext
    screen = Screen(
        _("Wanneer wil je een herinnering voor {meeting}?").format(meeting=meeting.name),
        (
            (Button(_("De avond ervoor"), action(Step.REMIND_WHEN, "evening")),),
            (Button(_("Twee uur ervoor"), action(Step.REMIND_WHEN, "2h")),),
            (Button(_("Allebei"), action(Step.REMIND_WHEN, "both")),),
            (Button(_("Terug"), action(Step.REMIND_WHEN, "back")),),
        ),
    )
    return with_hint(screen, hint)


def remind_repeat_screen(ctx: TurnContext, hint: str | None = None) -> Screen:
    _ = ctx.gettext
    screen = Screen(
        _("Alleen voor de volgende keer, of elke keer dat de groep samenkomt?"),
        (
            (Button(_("Alleen de volgende keer"), action(Step.REMIND_REPEAT, "once")),),
            (Button(_("Elke keer"), action(Step.REMIND_REPEAT, "weekly")),),
            (Button(_("Terug"), action(Step.REMIND_REPEAT, "back")),),
        ),
    )
    return with_hint(screen, hint)


def reminder_occurrence(
    meeting: Meeting, offsets_minutes: tuple[int, ...], ctx: TurnContext
) -> datetime | None:
    """The first occurrence for which at least one reminder is still ahead of now."""
    occurrences: list[datetime] = []
    after = ctx.now
    while len(occurrences) < 3 and (occurrence := next_meeting_at(meeting, after)) is not None:
        occurrences.append(occurrence)
        after = occurrence + timedelta(minutes=1)
    return pick_occurrence(occurrences, offsets_minutes, ctx.now)


def remind_confirm_screen(
    meeting: Meeting, state: DialogState, ctx: TurnContext, hint: str | None = None
) -> tuple[Screen, datetime | None]:
    """The exact reminder times, to confirm; and the occurrence they are for."""
    _ = ctx.gettext
    occurrence = reminder_occurrence(meeting, state.remind_offsets, ctx)
    if occurrence is None:
        return (
            Screen(
                _(
                    "Voor deze bijeenkomst staat geen volgende datum gepland, "
                    "dus een herinnering kan nu niet."
                ),
                meeting_buttons(meeting, ctx, can_remind=False),
            ),
            None,
        )
    planned = (reminder_due_at(occurrence, m) for m in state.remind_offsets)
    times = sorted(t for t in planned if t > ctx.now)
    lines = "\n".join(f"• {meeting_time(t, ctx.language)}" for t in times)
    text = join(
        ctx.ngettext(
            "Dan stuur ik je een herinnering op:",
            "Dan stuur ik je herinneringen op:",
            len(times),
        ),
        lines,
        _("Voor de bijeenkomst van {when}.").format(when=meeting_time(occurrence, ctx.language)),
        _("De andere herinnering is voor deze keer al voorbij.")
        if len(times) < len(state.remind_offsets)
        else None,
        _("Daarna elke keer opnieuw, tot je ze stopt met /herinneringen.")
        if state.remind_weekly
        else None,
        _("Is dat goed?"),
    )
    screen = Screen(
        text,
        (
            (Button(_("Ja, graag"), action(Step.REMIND_CONFIRM, "yes")),),
            (Button(_("Nee, toch niet"), action(Step.REMIND_CONFIRM, "no")),),
        ),
    )
    return with_hint(screen, hint), occurrence
