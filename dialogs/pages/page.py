"""What one step of the conversation is made of, declared once.

A `Page` is one question or view: its step, the answers it accepts (an
enum whose values are also its buttons' verbs), what it shows, and the
handler that reads an answer. Buttons are made with `choice`, from the same
enum the handler matches on, so a button and its handling cannot drift
apart. The step table (`dialogs.pages.PAGES`) is built from these
declarations.

A handler gets a `Reply` (a button of its own step, or typed text already
read by `dialogs.reader`, or a shared location) and returns an `Outcome`:

- `Next`: the answer is taken; ask the next open question (or search);
- `Show`: show the page of `state.step` (possibly another step), with a hint;
- `Back`: as "Terug": the question asked before this one;
- `Turn`: a finished turn, for anything else.

`dialogs.pages.resolve` turns the others into a `Turn`; handlers never
call each other's pages, so the order of questions lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from dialogs.actions import action
from dialogs.context import TurnContext
from dialogs.effects import Effect
from dialogs.reader import Reading
from dialogs.screen import Button, Screen
from dialogs.state import DialogState, Step
from dialogs.turn import Turn
from dialogs.words import words


@dataclass(frozen=True, slots=True)
class Reply:
    """What the person gave the open question.

    `answer` is one of the page's own answers (its button pressed, or its
    label typed) with the button's `argument`; `reading` the facts in typed
    text; `text` the typed text itself, for a place typed on its own and for
    a result's number (used in this turn only, never stored); `location` a
    shared location as (lat, lon).
    """

    answer: StrEnum | None = None
    argument: str = ""
    reading: Reading | None = None
    text: str = ""
    location: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Next:
    """The answer is taken: ask the next open question, `intro` above it."""

    state: DialogState
    intro: str | None = None


@dataclass(frozen=True, slots=True)
class Show:
    """Show the page of `state.step`, with `hint` above it and `effects` carried out."""

    state: DialogState
    hint: str | None = None
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True, slots=True)
class Back:
    """Go back to the question asked before this one, as typed "terug" does."""

    state: DialogState


Outcome = Turn | Next | Show | Back
Handler = Callable[[DialogState, Reply, TurnContext], Outcome]
Shower = Callable[[DialogState, TurnContext], Turn]


@dataclass(frozen=True, slots=True)
class Page:
    """One step, declared once.

    `show` returns a `Turn` rather than a bare screen because a results page
    records which meetings it showed (so that "2" means what the person
    saw) and a page whose meeting is gone falls back to the list. `short` is
    the page's question in one line (a msgid), shown again under the answer
    to a doubter's question instead of the whole screen.
    """

    step: Step
    answers: type[StrEnum]
    show: Shower
    handle: Handler
    short: str

    def answer(self, verb: str) -> StrEnum | None:
        """This page's answer for a button verb, or None for a verb it does not know."""
        try:
            return self.answers(verb)
        except ValueError:
            return None


def showing(build: Callable[[DialogState, TurnContext], Screen]) -> Shower:
    """A page's `show` for a screen that depends only on the state."""

    def show(state: DialogState, ctx: TurnContext) -> Turn:
        return Turn(state, (build(state, ctx),))

    return show


def choice(label: str, step: Step, answer: StrEnum, argument: str = "") -> Button:
    """A button that gives `answer` to the question of `step`."""
    return Button(label, action(step, answer.value, argument))


def typed_choice(text: str, synonyms: Mapping[StrEnum, set[str]]) -> StrEnum | None:
    """The first answer whose words a short typed message mentions, else None."""
    tokens = set(words(text).tokens)
    if not 0 < len(tokens) <= 4:
        return None
    return next((answer for answer, said in synonyms.items() if tokens & said), None)
