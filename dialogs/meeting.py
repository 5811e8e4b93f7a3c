"""A meeting's page for callers outside the step table (reminders, check-ins).

`dialogs.reminders.meeting_page_turn` opens the page of a meeting named
in a reminder; it imports `meeting_screen(state, ctx)` from here.
"""

from __future__ import annotations

from dialogs.context import TurnContext
from dialogs.results import meeting_screen as _page
from dialogs.screen import Screen
from dialogs.state import DialogState
from dialogs.steps import current


def meeting_screen(state: DialogState, ctx: TurnContext) -> Screen:
    """The page of `state.meeting_id`; the open question again when it no longer exists."""
    meeting = ctx.catalogue.meetings.get(state.meeting_id or "")
    organisation = ctx.catalogue.organisations.get(meeting.organisation_id) if meeting else None
    if meeting is None or organisation is None:
        return current(state, ctx).screens[0]
    return _page(meeting, organisation, ctx)
