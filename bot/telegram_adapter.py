"""The bot on Telegram: python-telegram-bot's `Application` around `TurnRunner`.

Handlers only translate: an update becomes a dialog event
(`bot.telegram_events.to_event`), the turn runs in `bot.turns.TurnRunner`
(load, advance, save, effects), and the screens it returns are rendered by
`bot.telegram_render`. There is no `ConversationHandler`: the dialogue owns
the state, SQLite keeps it.

Entry points:

- `build_application(config, deps)` — the configured `Application` (rate
  limiter with retries from `bot.telegram_limits`, job queue, handlers,
  error handler, command menus in ``post_init``), not started. Tests point
  it at the fake Bot API server.
- `running(application, ...)` — an async context manager that starts it the
  way ``run_polling`` would (initialize, post_init, polling or webhook with
  ``secret_token`` checked and bodies bounded, start) and stops it cleanly,
  for tests and for `bot.telegram_serve.serve` (``python -m bot`` with a token).

Privacy: nothing here logs chat ids, user ids, names, texts or the token;
errors are logged as type and code location only. The ``httpx`` logger is
kept at WARNING because it would log request URLs, which hold the token.
Only private chats are served; in groups and channels the bot stays silent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.config import Config
from bot.flood import SLOW_DOWN, Admission, FloodGate
from bot.telegram_events import to_event
from bot.telegram_limits import RetryingRateLimiter
from bot.telegram_render import ChatView, send_screens
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
    "command_menu",
    "running",
    "to_event",
]

log = logging.getLogger(__name__)

_QUIET_LOGGERS = ("httpx", "httpcore", "telegram")
ALLOWED_UPDATES = (Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY)

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

MAX_VIEWS = 10_000  # chats whose latest menu is remembered for editing in place


class TurnHandler(Protocol):
    """What the adapter needs of `bot.turns.TurnRunner`."""

    async def handle(
        self, chat_id: int, event: Event, language_hint: str | None, now: datetime
    ) -> Sequence[Screen]: ...

    async def forget(self, chat_id: int) -> None: ...


CommandHook = Callable[[int, str, datetime], Awaitable[Sequence[Screen] | None]]
"""(chat_id, argument, now) -> screens, or None: not for this chat, the dialogue answers."""


def utc_now() -> datetime:
    """The real clock (tests pass their own)."""
    return datetime.now(UTC)


@dataclass(slots=True)
class TelegramDeps:
    """What the Telegram adapter runs on; `now` is injectable so tests control time.

    `on_start` hooks run in ``post_init`` after the command menus are set (e.g.
    the reminders scheduler re-arming its jobs); `on_stop` hooks run in
    ``post_shutdown``. `flood` is the per-chat flood gate (its clock is
    monotonic real time: it measures how fast updates arrive, not the date).
    `commands` are commands the adapter answers itself for some chats
    (``/stats`` for administrators, see `bot.clinics.hooks`): a hook returns
    screens, or None to let the dialogue answer as for anyone else.
    """

    runner: TurnHandler
    now: Callable[[], datetime] = utc_now
    on_start: list[Callable[[Application[Any, Any, Any, Any, Any, Any]], Awaitable[None]]] = field(
        default_factory=list
    )
    on_stop: list[Callable[[Application[Any, Any, Any, Any, Any, Any]], Awaitable[None]]] = field(
        default_factory=list
    )
    views: OrderedDict[int, ChatView] = field(default_factory=OrderedDict)
    flood: FloodGate = field(default_factory=FloodGate)
    commands: dict[str, CommandHook] = field(default_factory=dict)

    def view(self, chat_id: int) -> ChatView:
        """What this chat sees now (memory only; see `bot.telegram_render`).

        Bounded to the `MAX_VIEWS` most recently active chats: a forgotten view
        only means the next screen arrives as a new message instead of an edit.
        """
        view = self.views.get(chat_id)
        if view is None:
            view = self.views[chat_id] = ChatView()
            while len(self.views) > MAX_VIEWS:
                self.views.popitem(last=False)
        else:
            self.views.move_to_end(chat_id)
        return view


# --------------------------------------------------------------------------- handlers


class _Handlers:
    """The two entry points, bound to their dependencies."""

    def __init__(self, deps: TelegramDeps) -> None:
        self.deps = deps
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def _chat_lock(self, chat_id: int) -> AsyncIterator[None]:
        """One turn at a time per chat, rendering included, so screens never interleave.

        Updates of different chats run concurrently; the table forgets a chat
        when nobody holds or waits for its lock.
        """
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users == 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A message, command or edited message in a private chat: one turn.

        Groups and channels get no answer: nobody should talk about their
        addiction where others read along.
        """
        chat, user = update.effective_chat, update.effective_user
        event = to_event(update)
        if chat is None or event is None or chat.type != ChatType.PRIVATE:
            return
        await self.turn(context, chat.id, event, user.language_code if user else None, None)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: answer it first (the spinner stops), then one turn."""
        query = update.callback_query
        if query is None:
            return
        with contextlib.suppress(BadRequest):  # too old to answer: the turn still runs
            await query.answer()
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        message = query.message
        pressed = message.message_id if message is not None else None
        language = query.from_user.language_code if query.from_user else None
        await self.turn(context, chat.id, ButtonPressed(query.data or ""), language, pressed)

    async def turn(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        event: Event,
        language_hint: str | None,
        pressed_message_id: int | None,
    ) -> None:
        """Run the turn and render its screens; a blocked bot forgets the person."""
        admission = self.deps.flood.admit(chat_id)
        if admission is Admission.DROP:
            return
        if admission is Admission.WARN:
            await self.slow_down(context, chat_id, language_hint)
            return
        async with self._chat_lock(chat_id):
            now = self.deps.now()
            screens: Sequence[Screen] | None = None
            if isinstance(event, Command) and (hook := self.deps.commands.get(event.name)):
                screens = await hook(chat_id, event.arg, now)
            if screens is None:
                screens = await self.deps.runner.handle(chat_id, event, language_hint, now)
            view = self.deps.view(chat_id)
            try:
                await send_screens(
                    context.bot, chat_id, screens, view, pressed_message_id=pressed_message_id
                )
            except Forbidden:
                log.info("a user blocked the bot; their data is deleted")
                self.deps.views.pop(chat_id, None)
                await self.deps.runner.forget(chat_id)

    async def slow_down(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, language_hint: str | None
    ) -> None:
        """Ask a flooding chat, once, to slow down, in the language of the conversation."""
        language_of = getattr(self.deps.runner, "language_of", None)
        language = DEFAULT_LANGUAGE
        if language_of is not None:
            with contextlib.suppress(Exception):  # storage trouble: Dutch will do
                language = await language_of(chat_id, language_hint)
        text = translations(language).gettext(SLOW_DOWN)
        with contextlib.suppress(Forbidden):
            await context.bot.send_message(chat_id, text)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log a failed update by error type and code location only: no ids, texts or messages."""
    error = context.error
    if error is None:
        return
    kind = "none"
    if isinstance(update, Update):
        kind = next(
            (
                name
                for name in ("callback_query", "edited_message", "message")
                if getattr(update, name) is not None
            ),
            "other",
        )
    frames = traceback.extract_tb(error.__traceback__)[-5:]
    where = " <- ".join(
        f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}" for f in frames[::-1]
    )
    log.error("handling a %s update failed: %s at %s", kind, type(error).__name__, where or "?")


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


def build_application(
    config: Config,
    deps: TelegramDeps,
    *,
    rate_limiter: AIORateLimiter | None = None,
    read_timeout_s: float = 10.0,
    connect_timeout_s: float = 10.0,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The configured, not yet started `Application` for this config and these dependencies."""
    if not config.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    for name in _QUIET_LOGGERS:  # their DEBUG/INFO lines hold URLs (the token) and updates
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.level, logging.WARNING))
    handlers = _Handlers(deps)

    async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        try:
            await set_command_menus(application)
        except TelegramError as error:  # the bot works without a menu
            log.warning("could not set the command menus: %s", type(error).__name__)
        runner = deps.runner
        if not getattr(runner, "bot_link", True) and application.bot.username:
            runner.bot_link = f"https://t.me/{application.bot.username}"  # type: ignore[attr-defined]
        for hook in deps.on_start:
            await hook(application)

    async def post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        for hook in deps.on_stop:
            await hook(application)

    application = (
        ApplicationBuilder()
        .token(config.telegram_bot_token)
        .base_url(config.bot_api_url)
        .base_file_url(config.bot_api_file_url)
        .rate_limiter(rate_limiter or RetryingRateLimiter())
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(32)
        .read_timeout(read_timeout_s)
        .write_timeout(read_timeout_s)
        .connect_timeout(connect_timeout_s)
        .get_updates_read_timeout(read_timeout_s)
        .get_updates_connect_timeout(connect_timeout_s)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(MessageHandler(filters.ALL, handlers.on_message))
    application.add_error_handler(on_error)
    application.bot_data["deps"] = deps
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
