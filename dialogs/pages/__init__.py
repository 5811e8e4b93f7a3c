"""The step table, built from the pages' declarations, and the moves between pages.

Every `Step` has exactly one `Page` (in `questions`, `results`, `meeting`,
`reminders`); a step without one, or with two, is an error at import, not a
silent re-ask at 2 a.m. `resolve` turns what a handler returns into a
`Turn`, and keeps the short history that "Terug" goes back through.
"""

from __future__ import annotations

from dataclasses import replace

from dialogs.context import TurnContext
from dialogs.pages import meeting, questions, reminders, results
from dialogs.pages.page import Back, Next, Outcome, Page, Reply, Show
from dialogs.screen import with_hint
from dialogs.state import HISTORY_LENGTH, DialogState, Step
from dialogs.turn import Turn

__all__ = ["PAGES", "answer", "current", "go_back", "resolve"]


def _table(*pages: Page) -> dict[Step, Page]:
    table: dict[Step, Page] = {}
    for page in pages:
        if page.step in table:
            raise RuntimeError(f"step {page.step.name} is declared twice")
        table[page.step] = page
    if missing := [step.name for step in Step if step not in table]:
        raise RuntimeError(f"steps without a page: {', '.join(missing)}")
    return table


PAGES: dict[Step, Page] = _table(*questions.PAGES, *results.PAGES, *meeting.PAGES, *reminders.PAGES)
"""Every step and its page: the whole conversation's moves are data."""


def current(state: DialogState, ctx: TurnContext, hint: str | None = None) -> Turn:
    """The open page shown again, with `hint` above it when given."""
    return _with_hint(PAGES[state.step].show(state, ctx), hint)


def _with_hint(turn: Turn, hint: str | None) -> Turn:
    """The turn with `hint` above its first screen."""
    return Turn(turn.state, (with_hint(turn.screens[0], hint), *turn.screens[1:]), turn.effects)


def ask_next(state: DialogState, ctx: TurnContext, intro: str | None = None) -> Turn:
    """The next open question (`questions.next_step`), or the results once all are answered."""
    step = questions.next_step(state)
    if step is Step.RESULTS:
        return _with_hint(results.search(replace(state, step=step), ctx), intro)
    return current(replace(state, step=step), ctx, intro)


def go_back(state: DialogState, ctx: TurnContext) -> Turn:
    """The question asked before the open one; at the first question, that question again."""
    if not state.history:
        return current(state, ctx, ctx.gettext("Dit is de eerste vraag."))
    back = replace(state, step=state.history[-1], history=state.history[:-1])
    return current(back, ctx)


def answer(state: DialogState, reply: Reply, ctx: TurnContext) -> Turn:
    """Give the open page the person's reply."""
    return resolve(state, PAGES[state.step].handle(state, reply, ctx), ctx)


def resolve(before: DialogState, outcome: Outcome, ctx: TurnContext) -> Turn:
    """A handler's outcome as a turn; a move to another page is remembered for "Terug"."""
    match outcome:
        case Back(state):
            return go_back(state, ctx)
        case Next(state, intro):
            turn = ask_next(state, ctx, intro)
        case Show(state, hint, effects):
            turn = current(state, ctx, hint)
            turn = Turn(turn.state, turn.screens, (*effects, *turn.effects))
        case Turn():
            turn = outcome
    return Turn(_remembered(before, turn.state), turn.screens, turn.effects)


def _remembered(before: DialogState, after: DialogState) -> DialogState:
    """`after` with `before`'s step added to the history, if the page changed.

    A step is in the history once: coming to a page again moves it to the end.
    """
    if after.step is before.step:
        return after
    path = [step for step in (*before.history, before.step) if step is not after.step]
    return replace(after, history=tuple(path[-HISTORY_LENGTH:]))
