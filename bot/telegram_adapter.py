"""The bot on Telegram: python-telegram-bot's `Application` around `TurnRunner`.

Handlers only translate: an update becomes a dialog event
(`bot.telegram_events.to_event`), the turn runs in `bot.turns.TurnRunner`
(load, advance, save, effects), and the screens it returns are rendered by
`bot.telegram_render`. There is no `ConversationHandler`: the dialogue owns
the state, SQLite keeps it.

Entry points:

- `build_bot(config)` — the bot (API URLs, rate limiter with retries from
  `bot.telegram_limits`, timeouts); `build_application(bot, job_queue, deps)`
  — the `Application` around it with the handlers, the error handler, and
  ``post_init`` (command menus, then `TelegramDeps.on_start`), not started.
  Both exist apart so that `bot.app` can hand the bot to the reminders
  before the Application exists. Tests point the bot at the fake Bot API.
- `running(application, ...)` — an async context manager that starts it the
  way ``run_polling`` would (initialize, post_init, polling or webhook with
  ``secret_token`` checked and bodies bounded, start) and stops it cleanly,
  for tests and for `bot.telegram_serve.serve` (``python -m bot`` with a token).

Privacy: nothing here logs chat ids, user ids, names, texts or the token;
errors are logged as type and code location only. The ``httpx`` logger is
kept at WARNING because it would log request URLs, which hold the token.
Only private chats are served; groups and channels the bot leaves
(`bot.telegram_groups`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from telegram import BotCommand, CallbackQuery, LinkPreviewOptions, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import Config
from bot.flood import SLOW_DOWN, Admission, FloodGate
from bot.metrics import Metrics
from bot.telegram_events import to_event
from bot.telegram_groups import leave_group
from bot.telegram_limits import RetryingRateLimiter
from bot.telegram_render import ChatViews, note_keyboard_use, send_screens
from bot.telegram_request import ApiWatch, MeteredRequest
from bot.telegram_updates import TolerantBot, use_tolerant_webhook
from dialogs.events import ButtonPressed, Command, Event
from dialogs.screen import Screen
from locales import DEFAULT_LANGUAGE, N_, translations

__all__ = [
    "ALLOWED_UPDATES",
    "COMMANDS",
    "Admission",
    "CommandHook",
    "FloodGate",
    "RetryingRateLimiter",
    "TelegramDeps",
    "TurnHandler",
    "build_application",
    "build_bot",
    "command_menu",
    "running",
    "to_event",
]

log = logging.getLogger(__name__)

_QUIET_LOGGERS = ("httpx", "httpcore", "telegram")
ALLOWED_UPDATES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
)

# The command menu, in the order shown: the Dutch name, the English name (the
# dialogue understands both, see `dialogs.conversation.COMMAND_ALIASES`) and a
# description translated per menu.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("start", "start", N_("Begin: een groep vinden")),
    ("opnieuw", "restart", N_("Opnieuw beginnen")),
    ("herinneringen", "reminders", N_("Je herinneringen")),
    ("hulp", "helplines", N_("Hulplijnen en professionele hulp")),
    ("taal", "language", N_("Taal kiezen / choose language")),
    ("privacy", "privacy", N_("Wat bewaard wordt")),
    ("help", "help", N_("Uitleg over deze bot")),
    ("stop", "stop", N_("Stoppen en gegevens wissen")),
)
MENU_LANGUAGES = ("nl", "en")  # nl is also the default menu (no language_code)


class ChatTurn(Protocol):
    """What the adapter does with one chat while its lock is held (`bot.turns.ChatTurns`)."""

    async def handle(
        self, event: Event, language_hint: str | None, now: datetime
    ) -> Sequence[Screen]: ...

    async def forget(self) -> None: ...


class TurnHandler(Protocol):
    """What the adapter needs of `bot.turns.TurnRunner`."""

    def chat(self, chat_id: int) -> AbstractAsyncContextManager[ChatTurn]: ...

    async def language_of(self, chat_id: int, language_hint: str | None = None) -> str: ...


CommandHook = Callable[[int, str, datetime], Awaitable[Sequence[Screen] | None]]
"""(chat_id, argument, now) -> screens, or None: not for this chat, the dialogue answers."""


def utc_now() -> datetime:
    """The real clock (tests pass their own)."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class TelegramDeps:
    """What the Telegram adapter runs on, given once by `bot.app`; `now` is injectable.

    `on_start` runs in ``post_init`` after the command menus are set (e.g. the
    reminders scheduler re-arming its jobs). `flood` is the per-chat flood gate
    (its clock is monotonic real time: it measures how fast updates arrive, not
    the date). `views` is what each chat sees now, shared with the reminders'
    sender. `commands` are commands the adapter answers itself for some chats
    (``/stats`` for administrators, see `bot.clinics.hooks`): a hook returns
    screens, or None to let the dialogue answer as for anyone else. `metrics` counts
    updates, turns and reply latency (`bot.metrics`).
    """

    runner: TurnHandler
    now: Callable[[], datetime] = utc_now
    views: ChatViews = field(default_factory=ChatViews)
    flood: FloodGate = field(default_factory=FloodGate)
    commands: Mapping[str, CommandHook] = field(default_factory=dict)
    on_start: Sequence[Callable[[], Awaitable[object]]] = ()
    metrics: Metrics = field(default_factory=Metrics)


# --------------------------------------------------------------------------- handlers


class _Handlers:
    """The two entry points, bound to their dependencies."""

    def __init__(self, deps: TelegramDeps) -> None:
        self.deps = deps

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A message, command or edited message in a private chat: one turn.

        Groups and channels get no turn: `leave_group` (run first) leaves them.
        """
        chat, user = update.effective_chat, update.effective_user
        event = to_event(update)
        if chat is None or event is None or chat.type != ChatType.PRIVATE:
            return
        await self.turn(context, chat.id, event, user.language_code if user else None, None)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: its answer (the spinner stops) goes out beside the turn, not before.

        Answering never blocks the tap's turn, and its errors are only logged: a press
        too old to answer, or Telegram failing to take the answer, still gets its turn.
        """
        query = update.callback_query
        if query is None:
            return
        answering = asyncio.ensure_future(_answer(query))
        try:
            chat = update.effective_chat
            if chat is None or chat.type != ChatType.PRIVATE:
                return
            message = query.message
            pressed = message.message_id if message is not None else None
            language = query.from_user.language_code if query.from_user else None
            await self.turn(context, chat.id, ButtonPressed(query.data or ""), language, pressed)
        finally:
            await answering

    async def turn(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        event: Event,
        language_hint: str | None,
        pressed_message_id: int | None,
    ) -> None:
        """Run the turn and render its screens; a blocked bot forgets the person."""
        metrics, started_s = self.deps.metrics, time.perf_counter()
        admission = self.deps.flood.admit(chat_id)
        if admission is Admission.DROP:
            metrics.count_turn("flood_dropped")
            return
        if admission is Admission.WARN:
            metrics.count_turn("flood_warned")
            await self.slow_down(context, chat_id, language_hint)
            return
        # The chat's one lock covers the turn *and* its rendering: screens never interleave.
        async with self.deps.runner.chat(chat_id) as chat:
            now = self.deps.now()
            screens: Sequence[Screen] | None = None
            if isinstance(event, Command) and (hook := self.deps.commands.get(event.name)):
                screens = await hook(chat_id, event.arg, now)
                if screens is not None:
                    metrics.count_turn("command")
            if screens is None:
                screens = await chat.handle(event, language_hint, now)
            view = self.deps.views.view(chat_id)
            note_keyboard_use(view, event)
            try:
                await send_screens(
                    context.bot, chat_id, screens, view, pressed_message_id=pressed_message_id
                )
                metrics.reply_seconds.observe(time.perf_counter() - started_s)
            except Forbidden:
                log.info("a user blocked the bot; their data is deleted")
                self.deps.views.forget(chat_id)
                await chat.forget()
            except TelegramError as error:
                # Not shown after every retry: the conversation stays where the person
                # last saw it, so their next message answers the question they did see.
                log.warning(
                    "a screen could not be sent (%s); the turn is undone", type(error).__name__
                )
                await chat.undo(now)

    async def slow_down(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, language_hint: str | None
    ) -> None:
        """Ask a flooding chat, once, to slow down, in the language of the conversation."""
        language = DEFAULT_LANGUAGE
        with contextlib.suppress(Exception):  # storage trouble: Dutch will do
            language = await self.deps.runner.language_of(chat_id, language_hint)
        text = translations(language).gettext(SLOW_DOWN)
        with contextlib.suppress(Forbidden):
            await context.bot.send_message(chat_id, text)


async def _answer(query: CallbackQuery) -> None:
    """Answer a button press; a failure (too old, Telegram unreachable) is logged by type."""
    try:
        await query.answer()
    except TelegramError as error:
        log.info("a button press was not answered: %s", type(error).__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log a failed update by error type and code location only: no ids, texts or messages."""
    error = context.error
    if error is None:
        return
    kind = update_kind(update) if isinstance(update, Update) else "none"
    frames = traceback.extract_tb(error.__traceback__)[-5:]
    where = " <- ".join(
        f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}" for f in frames[::-1]
    )
    log.error("handling a %s update failed: %s at %s", kind, type(error).__name__, where or "?")


def update_kind(update: Update) -> str:
    """What kind of update this is, for logs and metrics (never what it says)."""
    return next(
        (
            name
            for name in ("callback_query", "edited_message", "message")
            if getattr(update, name) is not None
        ),
        "other",
    )


# --------------------------------------------------------------------------- building


def command_menu(language: str) -> list[BotCommand]:
    """The command menu in `language`: its command names and descriptions."""
    _ = translations(language).gettext
    return [
        BotCommand(english if language == "en" else dutch, _(description))
        for dutch, english, description in COMMANDS
    ]


async def set_command_menus(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Set the menu for Dutch (also the default for every other language) and English."""
    bot = application.bot
    await bot.set_my_commands(command_menu(DEFAULT_LANGUAGE))
    for language in MENU_LANGUAGES:
        await bot.set_my_commands(command_menu(language), language_code=language)


def build_bot(
    config: Config,
    metrics: Metrics,
    watch: ApiWatch,
    *,
    rate_limiter: RetryingRateLimiter | None = None,
    read_timeout_s: float = 10.0,
    connect_timeout_s: float = 10.0,
) -> ExtBot[Any]:
    """The bot for this config: Bot API URLs, rate limiter, timeouts, no link previews.

    Pools as PTB's `ApplicationBuilder` makes them: 256 connections for sending
    (32 turns at once, each a few calls), one for ``getUpdates``. Both are metered
    (`bot.telegram_request`): requests by method, failures, 429s, the last answer.
    """
    if not config.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    timeouts = {
        "read_timeout": read_timeout_s,
        "write_timeout": read_timeout_s,
        "connect_timeout": connect_timeout_s,
    }
    return TolerantBot(
        config.telegram_bot_token,
        base_url=config.bot_api_url,
        base_file_url=config.bot_api_file_url,
        request=MeteredRequest(metrics, watch, connection_pool_size=256, **timeouts),
        get_updates_request=MeteredRequest(metrics, watch, connection_pool_size=1, **timeouts),
        rate_limiter=rate_limiter or RetryingRateLimiter(),
        defaults=Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)),
    )


def build_application(
    bot: ExtBot[Any], job_queue: JobQueue[Any], deps: TelegramDeps
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The `Application` around `bot`, with its handlers; not started."""
    for name in _QUIET_LOGGERS:  # their DEBUG/INFO lines hold URLs (the token) and updates
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.level, logging.WARNING))
    handlers = _Handlers(deps)

    async def count_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        deps.metrics.count_update(update_kind(update))

    async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        try:
            await set_command_menus(application)
        except TelegramError as error:  # the bot works without a menu
            log.warning("could not set the command menus: %s", type(error).__name__)
        runner = deps.runner
        if not getattr(runner, "bot_link", True) and application.bot.username:
            runner.bot_link = f"https://t.me/{application.bot.username}"  # type: ignore[attr-defined]
        for start in deps.on_start:
            await start()

    application = (
        ApplicationBuilder()
        .bot(bot)
        .job_queue(job_queue)
        .concurrent_updates(32)
        .post_init(post_init)
        .build()
    )
    application.add_handler(TypeHandler(Update, leave_group), group=-1)
    application.add_handler(TypeHandler(Update, count_update), group=-2)
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(MessageHandler(filters.ALL, handlers.on_message))
    application.add_error_handler(on_error)
    return application


@contextlib.asynccontextmanager
async def running(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    poll_timeout_s: int = 10,
    webhook: Config | None = None,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Run `application` inside the block, as ``run_polling``/``run_webhook`` would.

    Polling by default (``poll_interval=0``, long-poll `poll_timeout_s`); with
    `webhook` (a Config with ``webhook_url``) a webhook server that checks the
    secret token. Leaves no task behind, also when the block raises.
    """
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        updater = application.updater
        assert updater is not None
        if webhook is not None and webhook.webhook_url:
            await updater.start_webhook(
                listen=webhook.webhook_listen,
                port=webhook.port,
                url_path=webhook_path(webhook),
                webhook_url=webhook.webhook_url,
                secret_token=webhook.webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
            _bound_webhook_bodies(updater)
            use_tolerant_webhook(updater)
        else:
            await updater.start_polling(
                poll_interval=0,
                timeout=poll_timeout_s,
                allowed_updates=list(ALLOWED_UPDATES),
            )
        await application.start()
        try:
            yield application
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


MAX_WEBHOOK_BODY_BYTES = 1024 * 1024  # an update is a few kB; Telegram's own cap is far below


def _bound_webhook_bodies(updater: Any) -> None:
    """Refuse webhook request bodies over `MAX_WEBHOOK_BODY_BYTES` (tornado's default is 100 MB).

    PTB builds its tornado server without a size option, so the bound is set on
    the server's connection parameters, which every new connection reads.
    """
    server = getattr(getattr(updater, "_httpd", None), "_http_server", None)
    params = getattr(server, "conn_params", None)
    if params is None or not hasattr(params, "max_body_size"):
        log.warning("could not bound webhook request bodies (PTB internals changed)")
        return
    params.max_body_size = MAX_WEBHOOK_BODY_BYTES


def webhook_path(config: Config) -> str:
    """The local path the webhook listens on: the path part of ``WEBHOOK_URL``."""
    url = config.webhook_url or ""
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[1] if "/" in rest else ""
