"""The answer to one event: the new state, what to show, and what to do."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.effects import Effect
from dialogs.screen import Screen
from dialogs.state import DialogState


@dataclass(frozen=True, slots=True)
class Turn:
    """What `advance` returns; `screens` is never empty."""

    state: DialogState
    screens: tuple[Screen, ...]
    effects: tuple[Effect, ...] = ()
