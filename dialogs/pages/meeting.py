"""One meeting's page, and what a person can do with it: calendar, share, remind, map, back.

A meeting's page names when and where it is, what a first time there is
like and where the facts come from. When the meeting is no longer in the
catalogue (an import retired it since), the page falls back to the list.
The map pin comes on request ("Op de kaart", answered by
`dialogs.reminder_messages`): each answer is one message, since Telegram's
30 messages a second are shared by everyone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum

from catalogue.geo import distance_km
from catalogue.models import Meeting, Organisation
from catalogue.places import Place
from catalogue.recurrence import next_meeting_at
from catalogue.search import WIDE_RADIUS_KM
from dialogs.actions import REMINDERS, action, fits
from dialogs.calendar import meeting_ics
from dialogs.context import TurnContext
from dialogs.formatting import clock_time, meeting_time
from dialogs.meeting_facts import (
    audience,
    first_time_text,
    organisation_lines,
    rule_in_words,
    when_in_words,
)
from dialogs.pages.info import not_understood
from dialogs.pages.page import Back, Outcome, Page, Reply, Show, choice, typed_choice
from dialogs.pages.results import (
    access_label,
    origin_of,
    outdated_note,
    search_origin,
    show_results,
)
from dialogs.provenance import provenance_line
from dialogs.screen import Attachment, Button, Screen, join, with_hint
from dialogs.state import DialogState, Step
from dialogs.turn import Turn
from locales import N_


class MeetingAnswer(StrEnum):
    CALENDAR = "cal"
    REMIND = "remind"
    SHARE = "share"
    BACK = "back"  # to the list


def next_at_of(meeting: Meeting, ctx: TurnContext) -> datetime | None:
    return next_meeting_at(meeting, ctx.now)


def _address(meeting: Meeting) -> str | None:
    venue = meeting.venue
    if venue is None:
        return None
    return ", ".join(p for p in (venue.address, f"{venue.postcode} {venue.city}".strip()) if p)


def meeting_buttons(
    meeting: Meeting, ctx: TurnContext, can_remind: bool, origin: Place | None = None
) -> tuple[tuple[Button, ...], ...]:
    """The meeting's buttons; "Op de kaart" only where its page shows the address."""
    _ = ctx.gettext
    rows: list[tuple[Button, ...]] = [
        (choice(_("In mijn agenda"), Step.MEETING, MeetingAnswer.CALENDAR),),
    ]
    if can_remind:
        rows.append((choice(_("Herinner me"), Step.MEETING, MeetingAnswer.REMIND),))
    if _venue_shown(meeting, origin) and fits(REMINDERS, "map", meeting.id):
        rows.append((Button(_("📍 Op de kaart"), action(REMINDERS, "map", meeting.id)),))
    rows.append((choice(_("Delen met iemand"), Step.MEETING, MeetingAnswer.SHARE),))
    rows.append((choice(_("Terug naar de lijst"), Step.MEETING, MeetingAnswer.BACK),))
    return tuple(rows)


def meeting_screen(
    meeting: Meeting, organisation: Organisation, ctx: TurnContext, origin: Place | None = None
) -> Screen:
    """A meeting's page: when and how often, for whom, where, the organisation in two lines,
    what a first time there is like, and the date of the data.

    A hybrid meeting whose venue is far from the person's place (or when they
    searched online) is shown as online: its town, but no address or map button.
    """
    _ = ctx.gettext
    next_at = next_at_of(meeting, ctx)
    title = f"{organisation.display_name(ctx.language)}: {meeting.name}"
    sample = None
    if meeting.source.sample:  # said once; the sample source needs no line of its own
        sample = _(
            "Let op: dit is een voorbeeld om de bot uit te proberen. "
            "Deze bijeenkomst bestaat niet echt."
        )
    if next_at is not None and meeting.duration is None:
        when = _("Volgende keer: {when} (eindtijd niet opgegeven)").format(
            when=when_in_words(next_at, ctx.now, ctx.language, _)
        )
    elif next_at is not None:
        when = _("Volgende keer: {when} tot {end}").format(
            when=when_in_words(next_at, ctx.now, ctx.language, _),
            end=clock_time(next_at + meeting.duration, ctx.language),
        )
    else:
        when = _("Er staat nu geen volgende datum gepland.")
    details = [when]
    if often := rule_in_words(meeting.rrule, ctx.language, _):
        details.append(_capitalised(often))
    if label := access_label(meeting, ctx):
        details.append(_capitalised(label))
    if labels := audience(meeting, ctx):
        details.append(_capitalised(" · ".join(labels)))
    venue_shown = _venue_shown(meeting, origin)
    if venue_shown and (address := _address(meeting)):
        details.append(_("Adres: {address}").format(address=address))
    elif meeting.venue is not None:
        details.append(_("De groep komt ook samen in {city}.").format(city=meeting.venue.city))
    if meeting.online is not None:
        if meeting.online.url:
            details.append(_("Online: {url}").format(url=meeting.online.url))
        if meeting.online.phone:
            details.append(
                _("Inbellen: {phone} (om te tikken: {tel})").format(
                    phone=meeting.online.phone, tel=meeting.online.tel_uri
                )
            )
    if organisation.website:
        details.append(_("Website: {url}").format(url=organisation.website))
    if organisation.phone:
        details.append(_("Telefoon: {phone}").format(phone=organisation.phone))
    notes = meeting.notes.get(ctx.language) if meeting.notes else None
    about = join(
        _("Over {organisation}:").format(organisation=organisation.short_name),
        organisation_lines(organisation, ctx),
    )
    first_time = join(
        _("Zo gaat een eerste keer bij {organisation}:").format(
            organisation=organisation.short_name
        ),
        first_time_text(meeting, organisation, ctx),
    )
    source = None if meeting.source.sample else provenance_line(meeting, organisation.website, ctx)
    outdated = outdated_note([meeting], ctx)
    text = join(title, sample, outdated, "\n".join(details), notes, about, first_time, source)
    return Screen(text, meeting_buttons(meeting, ctx, next_at is not None, origin))


def _capitalised(text: str) -> str:
    """The first letter as a capital, the rest as it is ("Elke dinsdag", "In het Engels")."""
    return text[:1].upper() + text[1:]


def _venue_shown(meeting: Meeting, origin: Place | None) -> bool:
    """Whether the page shows the venue: in person, or hybrid within reach of the place."""
    return meeting.venue is not None and (meeting.online is None or _within_reach(meeting, origin))


def _within_reach(meeting: Meeting, origin: Place | None) -> bool:
    """Whether a meeting's venue is within the search's wide radius of the person's place."""
    if meeting.venue is None or origin is None:
        return False
    here = search_origin(origin) or origin
    km = distance_km(here.lat, here.lon, meeting.venue.lat, meeting.venue.lon)
    return km <= WIDE_RADIUS_KM


def calendar_screen(
    meeting: Meeting, organisation: Organisation, ctx: TurnContext, origin: Place | None = None
) -> Screen:
    """The .ics file for the meeting, with the meeting's buttons again."""
    _ = ctx.gettext
    next_at = next_at_of(meeting, ctx)
    if next_at is None:
        return Screen(
            _(
                "Voor deze bijeenkomst staat geen volgende datum gepland, "
                "dus ik kan hem niet in je agenda zetten."
            ),
            meeting_buttons(meeting, ctx, can_remind=False, origin=origin),
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
        meeting_buttons(meeting, ctx, can_remind=True, origin=origin),
        attachment=Attachment(
            filename=f"{meeting.id[:40]}.ics",
            content=content,
            mime_type="text/calendar",
            caption=summary,
        ),
    )


def share_screens(
    meeting: Meeting, organisation: Organisation, ctx: TurnContext, origin: Place | None = None
) -> tuple[Screen, ...]:
    """A message a person can forward as it is, and how to do that."""
    _ = ctx.gettext
    next_at = next_at_of(meeting, ctx)
    lines = [
        _("Misschien iets voor jou: een zelfhulpgroep."),
        "",
        f"{organisation.display_name(ctx.language)}: {meeting.name}",
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
        meeting_buttons(meeting, ctx, can_remind=next_at is not None, origin=origin),
    )
    return forwardable, how


# -- the page ------------------------------------------------------------------------------


def meeting_of(state: DialogState, ctx: TurnContext) -> tuple[Meeting, Organisation] | None:
    """The state's meeting and its organisation, if both are still in the catalogue."""
    meeting = ctx.catalogue.meeting(state.meeting_id or "")
    if meeting is None:
        return None
    organisation = ctx.catalogue.organisations.get(meeting.organisation_id)
    return (meeting, organisation) if organisation is not None else None


def meeting_gone(state: DialogState, ctx: TurnContext) -> Turn:
    """The meeting left the catalogue: the list again, saying so."""
    _ = ctx.gettext
    turn = show_results(replace(state, step=Step.RESULTS, meeting_id=None), ctx)
    hint = _("Die bijeenkomst staat niet meer in mijn lijst. Dit zijn de andere:")
    return Turn(turn.state, (with_hint(turn.screens[0], hint), *turn.screens[1:]))


def _show(state: DialogState, ctx: TurnContext) -> Turn:
    found = meeting_of(state, ctx)
    if found is None:
        return meeting_gone(state, ctx)
    return Turn(state, (meeting_screen(*found, ctx, origin_of(state, ctx)),))


_WORDS = {
    MeetingAnswer.CALENDAR: {"agenda", "kalender", "calendar", "ics"},
    MeetingAnswer.REMIND: {"herinner", "herinnering", "remind", "reminder"},
    MeetingAnswer.SHARE: {"deel", "delen", "doorsturen", "share", "forward"},
    MeetingAnswer.BACK: {"lijst", "list"},
}


def on_meeting(state: DialogState, reply: Reply, ctx: TurnContext) -> Outcome:
    """Calendar, reminder, share, or back to the list."""
    found = meeting_of(state, ctx)
    if found is None:
        return meeting_gone(state, ctx)
    meeting, organisation = found
    answer = reply.answer or typed_choice(reply.text, _WORDS)
    match answer:
        case MeetingAnswer.CALENDAR:
            origin = origin_of(state, ctx)
            return Turn(state, (calendar_screen(meeting, organisation, ctx, origin),))
        case MeetingAnswer.REMIND:
            return Show(
                replace(state, step=Step.REMIND_WHEN, remind_offsets=(), remind_weekly=False)
            )
        case MeetingAnswer.SHARE:
            return Turn(state, share_screens(meeting, organisation, ctx, origin_of(state, ctx)))
        case MeetingAnswer.BACK if state.history[-1:] == (Step.RESULTS,):
            return Back(state)
        case MeetingAnswer.BACK:  # opened from a reminder: the list of this search
            return Show(replace(state, step=Step.RESULTS))
    return Show(state, hint=not_understood(ctx))


PAGES = (
    Page(
        Step.MEETING,
        MeetingAnswer,
        _show,
        on_meeting,
        N_("Wil je deze bijeenkomst in je agenda, een herinnering, of delen?"),
    ),
)
