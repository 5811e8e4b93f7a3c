"""Test support for the dialogue: the real catalogue and indexes, and a chat driver.

`Chat` plays the bot's part the way `bot/turns.py` does: it keeps the state
between turns (stored as JSON and read back, as the bot stores it), builds a
`TurnContext` per turn, and follows `SetLanguage`. It never touches Telegram.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from catalogue.loading import load_bundled_catalogue
from catalogue.models import Catalogue
from catalogue.places import PlaceIndex
from catalogue.search import SearchIndex
from dialogs import (
    ButtonPressed,
    Command,
    DialogState,
    Event,
    LocationShared,
    ReminderView,
    Screen,
    SetLanguage,
    TextSent,
    Turn,
    TurnContext,
    advance,
    state_from_json,
    state_to_json,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=AMSTERDAM)
"""A Monday noon: AA Utrecht Centrum (Tuesdays 19:30) is next on "dinsdag 24 november, 19:30"."""


@cache
def catalogue() -> Catalogue:
    return load_bundled_catalogue()


@cache
def search_index() -> SearchIndex:
    return SearchIndex(catalogue())


def make_ctx(language: str = "nl", **overrides: object) -> TurnContext:
    values: dict[str, object] = {
        "language": language,
        "now": NOW,
        "catalogue": catalogue(),
        "places": PlaceIndex.bundled(),
        "search": search_index(),
        "bot_link": "https://t.me/zelfhulpwijzer_bot",
    }
    values.update(overrides)
    return TurnContext(**values)  # type: ignore[arg-type]


class Chat:
    """One person's conversation, driven turn by turn."""

    def __init__(
        self,
        language: str = "nl",
        state: DialogState | None = None,
        reminders: tuple[ReminderView, ...] = (),
        **ctx_overrides: object,
    ) -> None:
        self.language = language
        self.state = state or DialogState()
        self.reminders = reminders
        self.ctx_overrides = ctx_overrides
        self.turns: list[Turn] = []

    @property
    def ctx(self) -> TurnContext:
        return make_ctx(self.language, reminders=self.reminders, **self.ctx_overrides)

    def send(self, event: Event) -> Turn:
        turn = advance(self.state, event, self.ctx)
        assert turn.screens, f"no screen for {event!r}"
        self.state = state_from_json(state_to_json(turn.state))
        assert self.state == turn.state  # what the bot stores reads back the same
        for effect in turn.effects:
            if isinstance(effect, SetLanguage):
                self.language = effect.language
                self.ctx_overrides.pop("offer_english", None)
        self.turns.append(turn)
        return turn

    # -- shorthands -------------------------------------------------------------------

    def start(self, payload: str = "") -> Turn:
        return self.send(Command("start", payload))

    def type(self, text: str) -> Turn:
        return self.send(TextSent(text))

    def share_location(self, lat: float, lon: float) -> Turn:
        return self.send(LocationShared(lat, lon))

    def press(self, label: str) -> Turn:
        """Press the button whose label contains `label` on the last turn's screens."""
        return self.send(ButtonPressed(self.action_of(label)))

    def action_of(self, label: str) -> str:
        for button in self.buttons:
            if label in button.label:
                return button.action
        raise AssertionError(f"no button {label!r} in {[b.label for b in self.buttons]}")

    @property
    def last(self) -> Turn:
        return self.turns[-1]

    @property
    def screens(self) -> tuple[Screen, ...]:
        return self.last.screens

    @property
    def text(self) -> str:
        return "\n\n".join(screen.text for screen in self.screens)

    @property
    def buttons(self) -> list:
        return [b for screen in self.screens for row in screen.buttons for b in row]

    @property
    def labels(self) -> list[str]:
        return [b.label for b in self.buttons]


__all__ = ["NOW", "Chat", "catalogue", "make_ctx", "replace", "search_index"]
