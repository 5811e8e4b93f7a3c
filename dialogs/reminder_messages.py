"""The reminder messages, the answers to their buttons, and the list of a person's reminders.

A reminder arrives on its own, at any point of a conversation, so its buttons carry actions
under their own prefix ``rm:`` that `advance` routes here whatever step the conversation is at
(see `handles`). An action names the bot's ids (reminder, outbox row) and never anything
personal:

    rm:go:<reminder>:<row>     I'm going
    rm:no:<reminder>:<row>     I can't make it (this time)
    rm:later:<reminder>:<row>  remind me of the time after that instead (a one-off reminder)
    rm:stop:<reminder>         stop these reminders
    rm:map:<meeting>           show the venue as a map pin
    rm:show:<meeting>          open the meeting's page
    rm:weekly:<meeting>        remind me every week (offered after a check-in)

The message itself is one Telegram message (text and buttons): at 30 messages a second a burst
of reminders must not take two messages each, so the map pin comes on request (``rm:map``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from catalogue.geo import distance_km
from catalogue.models import Catalogue, Meeting
from catalogue.recurrence import next_meeting_at
from dialogs.actions import REMINDERS, action, fits, parse_action, small_id
from dialogs.context import ReminderView, TurnContext
from dialogs.effects import CancelReminder, Metric, RemindLater, SetReminder, SkipOccurrence, metric
from dialogs.formatting import meeting_time, relative_time
from dialogs.pages import resolve
from dialogs.pages.page import Show
from dialogs.screen import Button, Screen, VenuePin
from dialogs.state import DialogState, Step
from dialogs.turn import Turn
from locales import translations

__all__ = [
    "DEFAULT_OFFSETS",
    "PREFIX",
    "handle",
    "handles",
    "meeting_page_turn",
    "notice_message",
    "reminder_message",
    "reminders_list_screen",
]

PREFIX = REMINDERS
DEFAULT_OFFSETS = (120,)
"""Offsets for a weekly reminder set from a check-in when the person had none: two hours before."""


def handles(event_action: str) -> bool:
    """True for the actions of reminder messages (routed here from any step)."""
    return event_action.startswith(PREFIX + ":")


# --- the messages the bot sends on its own -------------------------------------------------


def reminder_message(
    meeting: Meeting,
    organisation_name: str,
    occurrence_at: datetime,
    reminder_id: int,
    row_id: int,
    language: str,
    now: datetime,
) -> Screen:
    """The reminder: its time, then the meeting, where (address or online link), a welcome.

    The first line is what a lock screen shows, so it names only the time: never the
    group, its organisation or what it is about.
    """
    _ = translations(language).gettext
    lines = [
        _("⏰ Herinnering: {when}").format(when=relative_time(occurrence_at, now, language, _)),
        "",
        f"{meeting.name} ({organisation_name})",
        f"🗓 {meeting_time(occurrence_at, language)}",
    ]
    lines.extend(_where_lines(meeting, language))
    if meeting.source.sample:
        lines.append(_("Let op: dit is voorbeelddata, deze bijeenkomst bestaat niet echt."))
    welcome = _(
        "Nieuwe mensen zijn welkom. Je hoeft alleen je voornaam te zeggen en je hoeft niets te "
        "vertellen: luisteren is genoeg."
    )
    ids = f"{reminder_id}:{row_id}"
    rows: list[tuple[Button, ...]] = [
        (
            Button(_("Ik ga"), action(PREFIX, "go", ids)),
            Button(_("Ik kan niet"), action(PREFIX, "no", ids)),
        ),
    ]
    if meeting.venue is not None and fits(PREFIX, "map", meeting.id):
        rows.append((Button(_("📍 Op de kaart"), action(PREFIX, "map", meeting.id)),))
    rows.append((Button(_("Stop deze herinneringen"), action(PREFIX, "stop", str(reminder_id))),))
    return Screen(text="\n".join(lines) + "\n\n" + welcome, buttons=tuple(rows))


def notice_message(
    catalogue: Catalogue,
    meeting_id: str,
    detail: str,
    language: str,
    now: datetime,
) -> Screen:
    """Tell the person that a meeting they are reminded of changed, and offer a way on.

    `detail` is what the bot stored: ``cancelled:<occurrence ISO>`` (one date does not take
    place), or ``stopped`` (the meeting was retired, has ended or is gone from the catalogue;
    the reminder is stopped). Offers the next fitting group: other meetings of the same
    organisation, nearest first.
    """
    _ = translations(language).gettext
    meeting = catalogue.meeting(meeting_id)
    name = meeting.name if meeting else _("een bijeenkomst waar je een herinnering voor had")
    kind, _sep, when = detail.partition(":")
    rows: list[tuple[Button, ...]] = []
    if kind == "cancelled" and meeting is not None:
        occurrence_at = datetime.fromisoformat(when).astimezone(_zone(meeting))
        # The first line is all a lock screen shows: the time, not the group.
        text = _("Gaat niet door: {when}").format(when=meeting_time(occurrence_at, language))
        text += "\n\n" + _("{name} gaat niet door op {when}.").format(
            name=meeting.name, when=meeting_time(occurrence_at, language)
        )
        next_at = next_meeting_at(meeting, max(now, occurrence_at) + timedelta(minutes=1))
        if next_at is not None:
            text += "\n" + _("De keer daarna is {when}.").format(
                when=meeting_time(next_at, language)
            )
        if fits(PREFIX, "show", meeting.id):
            rows.append((Button(_("Bekijk de bijeenkomst"), action(PREFIX, "show", meeting.id)),))
    else:
        text = _("Een herinnering van je is gestopt.") + "\n\n"
        text += _(
            "{name} staat niet meer in mijn overzicht: misschien is de groep gestopt of "
            "verhuisd. Je herinnering daarvoor is gestopt."
        ).format(name=name)
    alternatives = other_groups(catalogue, meeting, now) if meeting else []
    if alternatives:
        text += "\n\n" + _("Een andere groep die bij je kan passen:")
        for other, next_at in alternatives[:3]:
            if fits(PREFIX, "show", other.id):
                label = f"{other.name} · {meeting_time(next_at, language)}"
                rows.append((Button(label, action(PREFIX, "show", other.id)),))
    return Screen(text=text, buttons=tuple(rows))


def other_groups(
    catalogue: Catalogue, meeting: Meeting, now: datetime
) -> list[tuple[Meeting, datetime]]:
    """Other meetings of the same organisation that still take place, nearest first.

    The person chose this organisation, so its other groups fit them; for an online meeting
    the other online meetings come first.
    """
    found: list[tuple[float, datetime, Meeting]] = []
    for other in catalogue.meetings.values():
        if other.id == meeting.id or other.organisation_id != meeting.organisation_id:
            continue
        next_at = next_meeting_at(other, now)
        if next_at is None:
            continue
        if meeting.venue is not None and other.venue is not None:
            km = distance_km(meeting.venue.lat, meeting.venue.lon, other.venue.lat, other.venue.lon)
        else:
            km = 0.0 if (meeting.venue is None) == (other.venue is None) else 10_000.0
        found.append((km, next_at, other))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(other, next_at) for _km, next_at, other in found]


def _where_lines(meeting: Meeting, language: str) -> list[str]:
    _ = translations(language).gettext
    lines = []
    if meeting.venue is not None:
        venue = meeting.venue
        lines.append(f"📍 {venue.address}, {venue.postcode} {venue.city}")
    if meeting.online is not None:
        if meeting.online.url:
            lines.append(_("💻 Online: {url}").format(url=meeting.online.url))
        if meeting.online.phone:
            lines.append(_("📞 Inbellen: {phone}").format(phone=meeting.online.phone))
    return lines


def _zone(meeting: Meeting | None) -> ZoneInfo:
    return ZoneInfo(meeting.timezone if meeting else "Europe/Amsterdam")


# --- the answers to the buttons ------------------------------------------------------------


def handle(state: DialogState, event_action: str, ctx: TurnContext) -> Turn:
    """Answer a button of a reminder message, whatever step the conversation is at.

    The conversation keeps its place: after the answer the person can go on where they were.
    """
    _ = ctx.gettext
    _prefix, verb, argument = parse_action(event_action)
    reminder_id, _sep, row_text = argument.partition(":")
    view = _view(ctx, reminder_id)
    if verb == "go":
        text = _(
            "Fijn dat je gaat! Kom een paar minuten eerder: er is meestal iemand die nieuwe "
            "mensen opvangt. Je hoeft niets te zeggen als je dat niet wilt."
        )
        return Turn(state, (Screen(text),))
    row_id = small_id(row_text)
    if verb == "no" and row_id is not None:
        return _cannot_make_it(state, view, row_id, ctx)
    if verb == "later" and row_id is not None and view is not None and not view.weekly:
        text = _("Goed. Ik herinner je aan de keer daarna.")
        # edit: the answer replaces the message with the button, so it cannot be tapped again.
        return Turn(state, (Screen(text, edit=True),), (RemindLater(row_id),))
    if verb == "stop" and small_id(reminder_id) is not None:
        if view is None:
            return Turn(state, (Screen(_("Die herinnering staat al uit.")),))
        text = _("Gestopt. Je krijgt voor deze bijeenkomst geen herinneringen meer.")
        return Turn(state, (Screen(text),), (CancelReminder(reminder_id),))
    meeting = ctx.catalogue.meeting(argument)
    if verb == "map" and meeting is not None and meeting.venue is not None:
        venue = meeting.venue
        pin = VenuePin(venue.lat, venue.lon, meeting.name, f"{venue.address}, {venue.city}")
        return Turn(state, (Screen(meeting.name, venue=pin),))
    if verb == "show" and meeting is not None:
        return meeting_page_turn(state, meeting.id, ctx)
    if verb == "weekly" and meeting is not None:
        return _weekly(state, meeting, ctx)
    return Turn(state, (Screen(_("Die knop hoort bij een herinnering die er niet meer is.")),))


def _cannot_make_it(
    state: DialogState, view: ReminderView | None, row_id: int, ctx: TurnContext
) -> Turn:
    _ = ctx.gettext
    text = _("Geen probleem. Er is geen haast, en niemand houdt bij wie er komt.")
    rows: list[tuple[Button, ...]] = []
    if view is not None and not view.weekly:
        ids = f"{view.reminder_id}:{row_id}"
        rows.append((Button(_("Herinner me aan de keer daarna"), action(PREFIX, "later", ids)),))
    elif view is not None:
        text += " " + _("Je volgende herinnering komt gewoon.")
    if view is not None and fits(PREFIX, "show", view.meeting_id):
        rows.append(
            (Button(_("Andere groepen bekijken"), action(PREFIX, "show", view.meeting_id)),)
        )
    return Turn(state, (Screen(text, buttons=tuple(rows)),), (SkipOccurrence(row_id),))


def _weekly(state: DialogState, meeting: Meeting, ctx: TurnContext) -> Turn:
    _ = ctx.gettext
    existing = next((v for v in ctx.reminders if v.meeting_id == meeting.id), None)
    offsets = existing.offsets_minutes if existing else DEFAULT_OFFSETS
    next_at = next_meeting_at(meeting, ctx.now)
    text = _("Goed, je krijgt voortaan elke week een herinnering voor {name}.").format(
        name=meeting.name
    )
    if next_at is not None:
        text += "\n" + _("De volgende bijeenkomst is {when}.").format(
            when=meeting_time(next_at, ctx.language)
        )
    effects = (
        SetReminder(meeting.id, offsets, weekly=True),
        *metric(state.clinic_id, Metric.REMINDER_SET),
    )
    return Turn(state, (Screen(text),), effects)


def meeting_page_turn(state: DialogState, meeting_id: str, ctx: TurnContext) -> Turn:
    """Open a meeting's page from a reminder, a notice or a check-in (the dialogue's own page)."""
    return resolve(state, Show(replace(state, step=Step.MEETING, meeting_id=meeting_id)), ctx)


def _view(ctx: TurnContext, reminder_id: str) -> ReminderView | None:
    return next((v for v in ctx.reminders if v.reminder_id == reminder_id), None)


# --- /herinneringen ------------------------------------------------------------------------


def reminders_list_screen(ctx: TurnContext) -> Screen:
    """The person's reminders, each with when it next comes and a button to stop it."""
    _ = ctx.gettext
    views = [v for v in ctx.reminders if v.weekly or v.next_at is not None]  # not the finished
    if not views:
        return Screen(
            _(
                "Je hebt geen herinneringen. Op de pagina van een bijeenkomst kun je er een "
                "aanzetten met 'Herinner me'."
            )
        )
    lines = [_("Je herinneringen:")]
    rows: list[tuple[Button, ...]] = []
    for number, view in enumerate(views, start=1):
        meeting = ctx.catalogue.meeting(view.meeting_id)
        name = meeting.name if meeting else _("(bijeenkomst niet meer gevonden)")
        how = _when_label(view, ctx)
        lines.append(f"{number}. {name}: {how}")
        if view.next_at is not None:
            lines.append(
                "   "
                + _("volgende herinnering: {when}").format(
                    when=meeting_time(view.next_at.astimezone(_zone(meeting)), ctx.language)
                )
            )
        rows.append(
            (Button(_("Stop {number}").format(number=number), _stop_action(view.reminder_id)),)
        )
    return Screen("\n".join(lines), buttons=tuple(rows))


def _stop_action(reminder_id: str) -> str:
    return action(PREFIX, "stop", reminder_id)


def _when_label(view: ReminderView, ctx: TurnContext) -> str:
    _ = ctx.gettext
    parts = []
    for minutes in sorted(view.offsets_minutes, reverse=True):
        if minutes >= 12 * 60:
            parts.append(_("de avond ervoor"))
        elif minutes % 60 == 0:
            hours = minutes // 60
            parts.append(ctx.ngettext("{n} uur ervoor", "{n} uur ervoor", hours).format(n=hours))
        else:
            parts.append(_("{n} minuten ervoor").format(n=minutes))
    repeat = _("elke week") if view.weekly else _("één keer")
    return f"{', '.join(parts)} ({repeat})"
