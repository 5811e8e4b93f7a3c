"""The conversation, in no channel's terms: events in, screens and effects out.

`advance(state, event, ctx) -> Turn` is the whole interface for `bot/`:
load the state (`state_from_json`), build a `TurnContext`, call `advance`,
save `turn.state` (`state_to_json`), send `turn.screens`, carry out
`turn.effects`.
"""

from dialogs.context import Places, ReminderView, Search, TurnContext
from dialogs.conversation import COMMAND_ALIASES, advance
from dialogs.danger import DangerKind, detect_danger
from dialogs.deeplink import Preselection, decode_payload, encode_payload
from dialogs.effects import (
    CancelReminder,
    CheckinAnswered,
    CountMetric,
    Effect,
    ForgetUser,
    Metric,
    RemindLater,
    SetLanguage,
    SetReminder,
    SkipOccurrence,
)
from dialogs.events import ButtonPressed, Command, Event, LocationShared, TextSent, Unsupported
from dialogs.screen import AskLocation, Attachment, Button, Screen, VenuePin
from dialogs.state import DialogState, Step, state_from_json, state_to_json
from dialogs.turn import Turn

__all__ = [
    "COMMAND_ALIASES",
    "AskLocation",
    "Attachment",
    "Button",
    "ButtonPressed",
    "CancelReminder",
    "CheckinAnswered",
    "Command",
    "CountMetric",
    "DangerKind",
    "DialogState",
    "Effect",
    "Event",
    "ForgetUser",
    "LocationShared",
    "Metric",
    "Places",
    "Preselection",
    "RemindLater",
    "ReminderView",
    "Screen",
    "Search",
    "SetLanguage",
    "SetReminder",
    "SkipOccurrence",
    "Step",
    "TextSent",
    "Turn",
    "TurnContext",
    "Unsupported",
    "VenuePin",
    "advance",
    "decode_payload",
    "detect_danger",
    "encode_payload",
    "state_from_json",
    "state_to_json",
]
