"""The one place where a turn runs, for every channel (Telegram, terminal, reminders).

A turn, in this order:

1. the chat's keyed hash (`Storage.user_key`) finds the stored conversation;
2. the language: the stored choice, else the channel's hint if it is nl/en,
   else Dutch (and English is offered when the hint was another language);
3. `dialogs.advance(state, event, ctx)` computes the new state, the screens
   and the effects;
4. the new state is saved FIRST: if the process dies after this, the person
   is asked the next question again rather than forgotten;
5. the effects are carried out: `SetLanguage` and `ForgetUser` here, every
   other one by its handler in `EffectHandlers` (reminders, clinic counters),
   given once when the runner is built (`bot.app`);
6. the screens are returned for the adapter to render.

Turns of one chat run one at a time: `TurnRunner.chat(chat_id)` holds the
chat's one lock while the adapter runs the turn *and* renders its screens, so
a double tap is two turns in order, never two interleaved ones.

If anything fails, the person gets a kind apology in their language and
keeps the state they had before the turn; the log gets the step and the
exception type (and code locations), never a chat id, a text or a message
of the exception, which could quote what the person typed.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar, assert_never

from bot.metrics import Metrics
from bot.storage import Storage
from catalogue.holder import CatalogueHolder
from dialogs import TurnContext, advance, state_from_json, state_to_json
from dialogs.actions import GLOBAL, action
from dialogs.context import ReminderView
from dialogs.effects import (
    CancelReminder,
    CheckinAnswered,
    CountMetric,
    Effect,
    ForgetUser,
    RemindLater,
    SetLanguage,
    SetReminder,
    SkipOccurrence,
)
from dialogs.events import Event
from dialogs.screen import Button, Screen
from locales import DEFAULT_LANGUAGE, LANGUAGES, translations

__all__ = [
    "ChatTurns",
    "EffectHandler",
    "EffectHandlers",
    "RemindersOf",
    "TurnRunner",
    "TurnScope",
    "apology_screen",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TurnScope:
    """Who a turn is for, handed to the effect handlers.

    `chat_id` is there to send to; never log it. `language` is the one the
    turn was answered in (after a `SetLanguage` in this turn, the new one).
    """

    user_key: str
    chat_id: int
    language: str
    now: datetime


E = TypeVar("E", bound=Effect)
EffectHandler = Callable[[E, TurnScope], Awaitable[None]]
"""Carries out one effect of one type, e.g. ``SetReminder`` → insert and schedule."""

RemindersOf = Callable[[str], Awaitable[tuple[ReminderView, ...]]]
"""The reminders a person (by user key) has set, for `TurnContext.reminders`."""


@dataclass(frozen=True, slots=True)
class EffectHandlers:
    """Who carries out each effect that the runner does not do itself: one field per type.

    Built once by `bot.app` and given to the `TurnRunner`; `TurnRunner` matches every
    member of `dialogs.effects.Effect`, so an effect added there without a handler here
    is a type error and a failing test, not a warning at run time.
    """

    count_metric: EffectHandler[CountMetric]
    set_reminder: EffectHandler[SetReminder]
    cancel_reminder: EffectHandler[CancelReminder]
    skip_occurrence: EffectHandler[SkipOccurrence]
    remind_later: EffectHandler[RemindLater]
    checkin_answered: EffectHandler[CheckinAnswered]


class TurnRunner:
    """Runs turns against one storage and the held catalogue; shared by all adapters."""

    def __init__(
        self,
        storage: Storage,
        holder: CatalogueHolder,
        effects: EffectHandlers,
        reminders_of: RemindersOf,
        *,
        bot_link: str = "",
        metrics: Metrics | None = None,
    ) -> None:
        self.storage = storage
        self.holder = holder
        self.effects = effects
        self.reminders_of = reminders_of
        self.bot_link = bot_link
        self.metrics = metrics or Metrics()
        self.locks = ChatLocks()
        _freeze_long_lived_objects()

    @asynccontextmanager
    async def chat(self, chat_id: int) -> AsyncIterator[ChatTurns]:
        """Hold this chat's lock: turns, rendering and forgetting inside run one at a time."""
        user_key = self.storage.user_key(chat_id)
        async with self.locks.hold(user_key):
            yield ChatTurns(self, user_key, chat_id)

    async def handle(
        self, chat_id: int, event: Event, language_hint: str | None, now: datetime
    ) -> list[Screen]:
        """Run one turn for this chat and return the screens to show, in order.

        Never raises for a failed turn: the person gets an apology instead.
        """
        async with self.chat(chat_id) as chat:
            return await chat.handle(event, language_hint, now)

    async def forget(self, chat_id: int) -> None:
        """Delete everything of this chat (e.g. Telegram said the bot was blocked)."""
        async with self.chat(chat_id) as chat:
            await chat.forget()

    async def language_of(self, chat_id: int, language_hint: str | None = None) -> str:
        """The language this chat is answered in (for adapters' own menus)."""
        conversation = await self.storage.load_conversation(self.storage.user_key(chat_id))
        return choose_language(conversation.language if conversation else None, language_hint)

    async def _turn(
        self,
        user_key: str,
        chat_id: int,
        event: Event,
        language_hint: str | None,
        now: datetime,
    ) -> tuple[list[Screen], Snapshot]:
        """The turn's screens, and the conversation as it was before (to undo the turn)."""
        language = choose_language(None, language_hint)
        previous: Snapshot = None
        stage, step = "loading", "?"
        try:
            conversation = await self.storage.load_conversation(user_key)
            if conversation is not None:
                previous = (conversation.state_json, conversation.language)
            state = state_from_json(previous[0] if previous else None)
            step = str(state.step)
            language = choose_language(previous[1] if previous else None, language_hint)
            scope = TurnScope(user_key, chat_id, language, now)

            stage = "context"
            ctx = await self._context(scope, language_hint)
            stage = "advance"
            turn = advance(state, event, ctx)

            stage = "saving"
            await self.storage.save_conversation(
                user_key, chat_id, state_to_json(turn.state), None, now
            )
            for effect in turn.effects:
                stage = f"effect {type(effect).__name__}"
                scope = await self._carry_out(effect, scope)
            self.metrics.count_turn("answered")
            return list(turn.screens), previous
        except Exception as error:
            _log_failure(stage, step, error)
            self.metrics.count_turn("failed")
            if stage.startswith("effect") or stage == "saving":
                await self._restore(user_key, chat_id, previous, now)
            return [apology_screen(language)], previous

    async def _context(self, scope: TurnScope, language_hint: str | None) -> TurnContext:
        loaded = self.holder.current  # one catalogue for the whole turn, even if swapped now
        offer_english = bool(language_hint) and _short(language_hint) not in LANGUAGES
        return TurnContext(
            language=scope.language,
            now=scope.now,
            catalogue=loaded.catalogue,
            places=loaded.places,
            search=loaded.search,
            outdated_feeds=loaded.outdated_feeds,
            bot_link=self.bot_link,
            offer_english=offer_english,
            reminders=await self.reminders_of(scope.user_key),
        )

    async def _carry_out(self, effect: Effect, scope: TurnScope) -> TurnScope:
        """Do one effect; returns the scope for the next (a language change carries on)."""
        handlers = self.effects
        match effect:
            case SetLanguage(language):
                await self.storage.set_language(scope.user_key, language, scope.now)
                return TurnScope(scope.user_key, scope.chat_id, language, scope.now)
            case ForgetUser():
                await self.storage.forget_user(scope.user_key)
            case CountMetric():
                await handlers.count_metric(effect, scope)
            case SetReminder():
                await handlers.set_reminder(effect, scope)
            case CancelReminder():
                await handlers.cancel_reminder(effect, scope)
            case SkipOccurrence():
                await handlers.skip_occurrence(effect, scope)
            case RemindLater():
                await handlers.remind_later(effect, scope)
            case CheckinAnswered():
                await handlers.checkin_answered(effect, scope)
            case _:
                assert_never(effect)
        return scope

    async def _restore(
        self, user_key: str, chat_id: int, previous: Snapshot, now: datetime
    ) -> None:
        """Put back the state from before a failed turn (best effort; logged if it fails)."""
        try:
            if previous is None:
                await self.storage.forget_user(user_key)
            else:
                state_json, language = previous
                await self.storage.save_conversation(user_key, chat_id, state_json, language, now)
        except Exception as error:
            log.error("could not restore the previous state: %s", type(error).__name__)


Snapshot = tuple[str, str | None] | None
"""A conversation as loaded before a turn: (state JSON, language), or None (nobody yet)."""


@dataclass(slots=True)
class ChatTurns:
    """One chat's turns while its lock is held (from `TurnRunner.chat`); never stored."""

    runner: TurnRunner
    user_key: str
    chat_id: int
    _before: list[Snapshot] = field(default_factory=list)

    async def handle(self, event: Event, language_hint: str | None, now: datetime) -> list[Screen]:
        """Run one turn; never raises for a failed turn (the person gets an apology)."""
        screens, before = await self.runner._turn(
            self.user_key, self.chat_id, event, language_hint, now
        )
        self._before[:] = [before]
        return screens

    async def undo(self, now: datetime) -> None:
        """Put the conversation back as it was before the last turn: its screens could not
        be shown, so the person must not be answered on a question they never saw."""
        if self._before:
            await self.runner._restore(self.user_key, self.chat_id, self._before[0], now)

    async def forget(self) -> None:
        """Delete everything of this chat, in one transaction."""
        await self.runner.storage.forget_user(self.user_key)


K = TypeVar("K")


class ChatLocks(Generic[K]):
    """One asyncio lock per chat; a chat's entry goes when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._table: dict[K, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        """How many chats have a lock held or awaited right now."""
        return len(self._table)

    @asynccontextmanager
    async def hold(self, key: K) -> AsyncIterator[None]:
        """Wait for this chat's lock and hold it inside the block."""
        lock, users = self._table.get(key, (asyncio.Lock(), 0))
        self._table[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._table[key]
            if users == 1:
                del self._table[key]
            else:
                self._table[key] = (lock, users - 1)


_frozen = False


def _freeze_long_lived_objects() -> None:
    """Take what is loaded by now (catalogue, place and search indexes) out of GC scans.

    These hundreds of thousands of objects live as long as the process. Left
    in the collector's oldest generation, every full collection walks them
    all, a pause of 100 ms and more at 10,000 meetings that lands in some
    unlucky person's turn. `gc.freeze()` moves them to the permanent
    generation once; they are still freed by reference counting if dropped.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def choose_language(stored: str | None, hint: str | None) -> str:
    """The stored choice, else the hint's language if we speak it, else Dutch.

    >>> choose_language(None, "en-GB"), choose_language("nl", "en"), choose_language(None, "de")
    ('en', 'nl', 'nl')
    """
    if stored in LANGUAGES:
        return stored
    if hint and _short(hint) in LANGUAGES:
        return _short(hint)
    return DEFAULT_LANGUAGE


def _short(language_code: str) -> str:
    return language_code.replace("_", "-").split("-")[0].lower()


def apology_screen(language: str) -> Screen:
    """The kind answer to a turn that failed on our side, with a way on.

    "Verder waar ik was" re-asks the open question from the kept state, so a
    passing fault (a locked database, a slow disk) costs the person one tap.
    """
    _ = translations(language).gettext
    return Screen(
        _(
            "Sorry, er ging aan mijn kant iets mis. Je antwoorden zijn niet kwijt. "
            "Probeer het nog eens, of begin opnieuw."
        ),
        (
            (Button(_("Verder waar ik was"), action(GLOBAL, "resume")),),
            (Button(_("Opnieuw beginnen"), action(GLOBAL, "restart")),),
        ),
    )


def _log_failure(stage: str, step: str, error: BaseException) -> None:
    """Log what failed and where in the code: no exception message, no values."""
    frames = traceback.extract_tb(error.__traceback__)[-6:]
    where = " <- ".join(
        f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}" for f in frames[::-1]
    )
    log.error("turn failed at step %s while %s: %s at %s", step, stage, type(error).__name__, where)
