"""The one place where a turn runs, for every channel (Telegram, terminal, reminders).

A turn, in this order:

1. the chat's keyed hash (`Storage.user_key`) finds the stored conversation;
2. the language: the stored choice, else the channel's hint if it is nl/en,
   else Dutch (and English is offered when the hint was another language);
3. `dialogs.advance(state, event, ctx)` computes the new state, the screens
   and the effects;
4. the new state is saved FIRST: if the process dies after this, the person
   is asked the next question again rather than forgotten;
5. the effects are carried out: `SetLanguage` and `ForgetUser` here, the
   others by handlers registered per effect type (reminders, clinic counters);
6. the screens are returned for the adapter to render.

Turns of one chat run one at a time (a per-chat asyncio lock), so a double
tap is two turns in order, never two interleaved ones.

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
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage import Storage
from catalogue.holder import CatalogueHolder
from catalogue.models import Catalogue
from dialogs import (
    ForgetUser,
    SetLanguage,
    TurnContext,
    advance,
    state_from_json,
    state_to_json,
)
from dialogs.actions import GLOBAL, action
from dialogs.context import Places, Search
from dialogs.effects import Effect
from dialogs.events import Event
from dialogs.screen import Button, Screen
from locales import DEFAULT_LANGUAGE, LANGUAGES, translations

__all__ = ["ContextProvider", "EffectHandler", "TurnRunner", "TurnScope", "apology_screen"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TurnScope:
    """Who a turn is for, handed to effect handlers and context providers.

    `chat_id` is there to send to; never log it. `language` is the one the
    turn was answered in (after a `SetLanguage` in this turn, the new one).
    """

    user_key: str
    chat_id: int
    language: str
    now: datetime


EffectHandler = Callable[[Any, TurnScope], Awaitable[None]]
"""Carries out one effect of a given type, e.g. ``SetReminder`` → insert and schedule."""

ContextProvider = Callable[[TurnScope], Awaitable[Mapping[str, Any]]]
"""Returns extra `TurnContext` fields for this person, e.g. ``{"reminders": (...)}``."""


class TurnRunner:
    """Runs turns against one storage and the current catalogue; shared by all adapters.

    The catalogue and its search index live in `holder` (`catalogue.holder`):
    a refresh swaps in a new edition, and each turn reads the one current
    when it starts.
    """

    def __init__(
        self,
        storage: Storage,
        catalogue: Catalogue,
        places: Places,
        search: Search,
        *,
        bot_link: str = "",
        effect_handlers: Mapping[type, EffectHandler] | None = None,
        context_providers: list[ContextProvider] | None = None,
    ) -> None:
        self.storage = storage
        self.holder = CatalogueHolder(catalogue, search)
        self.places = places
        self.bot_link = bot_link
        self.effect_handlers: dict[type, EffectHandler] = dict(effect_handlers or {})
        self.context_providers: list[ContextProvider] = list(context_providers or [])
        self._locks: dict[str, _ChatLock] = {}
        _freeze_long_lived_objects()

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue as of now; a turn reads `holder.current` once instead."""
        return self.holder.current.catalogue

    def on_effect(self, effect_type: type, handler: EffectHandler) -> None:
        """Register the handler for one effect type (replacing any earlier one)."""
        self.effect_handlers[effect_type] = handler

    def add_context_provider(self, provider: ContextProvider) -> None:
        """Add a source of extra `TurnContext` fields (e.g. the person's reminders)."""
        self.context_providers.append(provider)

    async def handle(
        self, chat_id: int, event: Event, language_hint: str | None, now: datetime
    ) -> list[Screen]:
        """Run one turn for this chat and return the screens to show, in order.

        Never raises for a failed turn: the person gets an apology instead.
        """
        user_key = self.storage.user_key(chat_id)
        async with self._lock_for(user_key):
            return await self._turn(user_key, chat_id, event, language_hint, now)

    async def forget(self, chat_id: int) -> None:
        """Delete everything of this chat (e.g. Telegram said the bot was blocked)."""
        user_key = self.storage.user_key(chat_id)
        async with self._lock_for(user_key):
            await self.storage.forget_user(user_key)

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
    ) -> list[Screen]:
        language = choose_language(None, language_hint)
        previous: tuple[str, str | None] | None = None  # (state JSON, language) as loaded
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
            return list(turn.screens)
        except Exception as error:
            _log_failure(stage, step, error)
            if stage.startswith("effect") or stage == "saving":
                await self._restore(user_key, chat_id, previous, now)
            return [apology_screen(language)]

    async def _context(self, scope: TurnScope, language_hint: str | None) -> TurnContext:
        extra: dict[str, Any] = {}
        for provider in self.context_providers:
            extra.update(await provider(scope))
        offer_english = bool(language_hint) and _short(language_hint) not in LANGUAGES
        edition = self.holder.current  # read once: the whole turn sees one catalogue
        return TurnContext(
            language=scope.language,
            now=scope.now,
            catalogue=edition.catalogue,
            places=self.places,
            search=edition.search,
            bot_link=self.bot_link,
            offer_english=offer_english,
            **extra,
        )

    async def _carry_out(self, effect: Effect, scope: TurnScope) -> TurnScope:
        """Do one effect; returns the scope for the next (a language change carries on)."""
        if isinstance(effect, SetLanguage):
            await self.storage.set_language(scope.user_key, effect.language, scope.now)
            return TurnScope(scope.user_key, scope.chat_id, effect.language, scope.now)
        if isinstance(effect, ForgetUser):
            await self.storage.forget_user(scope.user_key)
            return scope
        handler = self.effect_handlers.get(type(effect))
        if handler is None:
            # Not an error for the person: e.g. counters not wired in this channel.
            log.warning("no handler for effect %s; skipped", type(effect).__name__)
            return scope
        await handler(effect, scope)
        return scope

    async def _restore(
        self,
        user_key: str,
        chat_id: int,
        previous: tuple[str, str | None] | None,
        now: datetime,
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

    def _lock_for(self, user_key: str) -> _ChatLock:
        lock = self._locks.get(user_key)
        if lock is None:
            lock = self._locks[user_key] = _ChatLock(self._locks, user_key)
        return lock


class _ChatLock:
    """An asyncio lock per chat that removes itself from the table when nobody holds or waits."""

    def __init__(self, table: dict[str, _ChatLock], user_key: str) -> None:
        self._table, self._user_key = table, user_key
        self._lock = asyncio.Lock()
        self._users = 0

    async def __aenter__(self) -> None:
        self._users += 1
        try:
            await self._lock.acquire()
        except BaseException:
            self._release_user()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        self._lock.release()
        self._release_user()

    def _release_user(self) -> None:
        self._users -= 1
        if self._users == 0 and self._table.get(self._user_key) is self:
            del self._table[self._user_key]


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
