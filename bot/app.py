"""The composition root: everything the bot runs on is built here, once, in this order.

    config ─ secrets ─ Storage (SQLite)
    catalogue + place and search indexes ─ CatalogueHolder (read per turn; swappable)
    ReminderService(storage, holder, the channel's Sender)
    TurnRunner(storage, holder, EffectHandlers(...), reminders' views)
    Telegram: Metrics, ApiWatch, bot, JobQueue, JobQueueTrigger, CatalogueRefresher (feeds
              and import files -> new catalogue swapped into the holder), TelegramDeps,
              Application, daily purge, readiness checks + metrics for /healthz /readyz /metrics
    Terminal: Printer, Terminal, a loop that sends due reminders

`open_core` builds what every channel shares; `build_telegram` and `open_terminal` add the
channel. Nothing registers itself anywhere later: every part gets what it needs when it
is built, so this module is the one place to read to see how the bot is put together.
Tests build the bot through the same functions (with their own clock, key and catalogue).
"""

from __future__ import annotations

import asyncio
import logging
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TextIO

from telegram.ext import Application, JobQueue

from bot.clinics.hooks import counting_handler, stats_command
from bot.config import Config
from bot.feeds_job import CatalogueRefresher, feed_checks, feed_metrics
from bot.health import bot_api_check, catalogue_check, database_check, probe_webhook
from bot.health_server import HealthRoutes
from bot.housekeeping import schedule_daily_purge
from bot.key_rotation import refuse_during_rotation
from bot.metrics import Metrics
from bot.reminders import JobQueueTrigger, ReminderService, TelegramSender, TerminalSender
from bot.reminders.sending import Sender
from bot.secrets import Secrets, load_secrets
from bot.storage import Storage
from bot.telegram_adapter import TelegramDeps, build_application, build_bot
from bot.telegram_limits import RetryingRateLimiter
from bot.telegram_render import ChatViews
from bot.telegram_request import ApiWatch
from bot.terminal import Printer, Terminal, stdin_lines
from bot.turns import EffectHandlers, TurnRunner
from catalogue.holder import CatalogueHolder, LoadedCatalogue
from catalogue.loading import load_catalogue
from catalogue.places import PlaceIndex

__all__ = [
    "Core",
    "TelegramBot",
    "TerminalBot",
    "build_telegram",
    "effect_handlers",
    "health_routes",
    "load_catalogue_and_indexes",
    "open_core",
    "open_terminal",
    "run_terminal",
]

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Core:
    """What every channel shares: storage, the held catalogue, reminders, the turn runner."""

    config: Config
    clock: Clock
    storage: Storage
    holder: CatalogueHolder
    reminders: ReminderService
    runner: TurnRunner
    metrics: Metrics

    async def close(self) -> None:
        await self.storage.close()


def load_catalogue_and_indexes(config: Config) -> LoadedCatalogue:
    """The bundled catalogue plus the data directory's imports, indexed (raises if invalid)."""
    return LoadedCatalogue.build(load_catalogue(config.data_dir), PlaceIndex.bundled())


async def open_core(
    config: Config,
    sender: Sender,
    *,
    clock: Clock | None = None,
    secrets: Secrets | None = None,
    loaded: LoadedCatalogue | None = None,
    metrics: Metrics | None = None,
) -> Core:
    """Open storage and build the catalogue holder, reminders and turn runner, once."""
    refuse_during_rotation(config)
    metrics = metrics or Metrics()
    loaded = loaded or load_catalogue_and_indexes(config)
    storage = await Storage.open(config.database_path, secrets or load_secrets(config))
    holder = CatalogueHolder(loaded)
    reminders = ReminderService(storage, holder, sender, metrics)
    effects = effect_handlers(storage, reminders)
    link = f"https://t.me/{config.bot_username}" if config.bot_username else ""
    runner = TurnRunner(storage, holder, effects, reminders.views, bot_link=link, metrics=metrics)
    metrics.catalogue_meetings.set_function(lambda: len(holder.catalogue.meetings))
    return Core(config, clock or config.clock(), storage, holder, reminders, runner, metrics)


def effect_handlers(storage: Storage, reminders: ReminderService) -> EffectHandlers:
    """Who carries out which effect: the clinic counters and the reminders."""
    return EffectHandlers(
        count_metric=counting_handler(storage),
        set_reminder=reminders.on_set_reminder,
        cancel_reminder=reminders.on_cancel_reminder,
        skip_occurrence=reminders.on_skip_occurrence,
        remind_later=reminders.on_remind_later,
        checkin_answered=reminders.on_checkin_answered,
    )


@dataclass(frozen=True, slots=True)
class TelegramBot:
    """The bot on Telegram, built and not started (`bot.telegram_adapter.running` starts it)."""

    core: Core
    deps: TelegramDeps
    application: Application[Any, Any, Any, Any, Any, Any]
    trigger: JobQueueTrigger
    feeds: CatalogueRefresher
    health: HealthRoutes

    async def close(self) -> None:
        """Stop the catalogue builder's worker process and close storage."""
        self.feeds.close()
        await self.core.close()


async def build_telegram(
    config: Config,
    *,
    clock: Clock | None = None,
    secrets: Secrets | None = None,
    loaded: LoadedCatalogue | None = None,
    rate_limiter: RetryingRateLimiter | None = None,
    read_timeout_s: float = 10.0,
    connect_timeout_s: float = 10.0,
) -> TelegramBot:
    """Everything for Telegram: the shared core, reminders on the JobQueue, ``/stats``, purge."""
    metrics, watch, views = Metrics(), ApiWatch(), ChatViews()
    bot = build_bot(
        config,
        metrics,
        watch,
        rate_limiter=rate_limiter,
        read_timeout_s=read_timeout_s,
        connect_timeout_s=connect_timeout_s,
    )
    sender = TelegramSender(bot, views)
    core = await open_core(
        config, sender, clock=clock, secrets=secrets, loaded=loaded, metrics=metrics
    )
    jobs: JobQueue[Any] = JobQueue()
    trigger = JobQueueTrigger(core.reminders, jobs, core.clock)
    feeds = CatalogueRefresher(
        core.holder, config.data_dir, core.clock, on_swap=[core.reminders.follow_catalogue]
    )
    deps = TelegramDeps(
        core.runner,
        now=core.clock,
        views=views,
        commands={"stats": stats_command(core.storage, config.admin_chat_ids, config.data_dir)},
        on_start=(trigger.start, lambda: feeds.start(jobs)),
        metrics=metrics,
    )
    application = build_application(bot, jobs, deps)
    schedule_daily_purge(jobs, core.storage, core.clock, config.idle_days)
    if config.webhook_url:  # nobody may write for hours: ask Telegram, so readiness knows

        async def probe(_context: object) -> None:
            await probe_webhook(bot)

        jobs.run_repeating(probe, interval=60, first=1, name="webhook-probe")
    return TelegramBot(core, deps, application, trigger, feeds, health_routes(core, watch))


def health_routes(core: Core, watch: ApiWatch) -> HealthRoutes:
    """What ``/readyz`` checks and what ``/metrics`` brings up to date at each scrape."""
    max_silence_s = core.config.ready_max_silence_minutes * 60.0
    checks = (
        catalogue_check(core.holder),
        database_check(core.storage),
        bot_api_check(watch, max_silence_s),
        *feed_checks(core.config.data_dir, core.clock),
    )

    def silence_s() -> float:
        silence = watch.silence_s()
        return math.nan if silence is None else silence

    core.metrics.bot_api_silence_seconds.set_function(silence_s)

    async def open_reminders() -> None:
        core.metrics.reminders_open.set(await core.reminders.store.count_open())

    feeds = feed_metrics(core.config.data_dir, core.clock, core.metrics)
    return HealthRoutes(checks, core.metrics, refresh=(open_reminders, feeds))


@dataclass(frozen=True, slots=True)
class TerminalBot:
    """The conversation in a terminal, with reminders printed when due and the feeds kept
    current, as on Telegram."""

    core: Core
    terminal: Terminal
    feeds: CatalogueRefresher

    async def close(self) -> None:
        """Stop the catalogue builder's worker process and close storage."""
        self.feeds.close()
        await self.core.close()

    async def keep_catalogue_current(self, every_s: float = 30.0) -> None:
        """Refresh the feeds when due and pick up changed import files, every `every_s`."""
        await self.feeds.start(None)
        while True:
            try:
                await self.feeds.refresh_due()
            except Exception as error:  # a broken feed must not end the conversation
                log.error("keeping the catalogue current failed: %s", type(error).__name__)
            await asyncio.sleep(every_s)

    async def send_due_reminders(self, every_s: float = 30.0) -> None:
        """Recover and check the reminders, then send what is due every `every_s` seconds."""
        await self.core.reminders.start(self.core.clock())
        while True:
            await self.core.reminders.run_due(self.core.clock())
            await asyncio.sleep(every_s)


async def open_terminal(
    config: Config,
    out: TextIO,
    *,
    language_hint: str | None = None,
    clock: Clock | None = None,
    secrets: Secrets | None = None,
    loaded: LoadedCatalogue | None = None,
) -> TerminalBot:
    """The shared core with a terminal printer as the reminders' channel."""
    printer = Printer(out, config.data_dir / "terminal")
    core = await open_core(
        config, TerminalSender(printer), clock=clock, secrets=secrets, loaded=loaded
    )
    feeds = CatalogueRefresher(
        core.holder, config.data_dir, core.clock, on_swap=[core.reminders.follow_catalogue]
    )
    return TerminalBot(core, Terminal(core.runner, printer, language_hint, core.clock), feeds)


async def run_terminal(
    config: Config,
    *,
    language_hint: str | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the conversation on stdin/stdout until end of input; returns the exit code."""
    bot = await open_terminal(config, out or sys.stdout, language_hint=language_hint)
    try:
        # The same promise as on Telegram: nothing idle for IDLE_DAYS is kept.
        await bot.core.storage.purge_idle(bot.core.clock() - timedelta(days=config.idle_days))
        background = [
            asyncio.create_task(bot.send_due_reminders()),
            asyncio.create_task(bot.keep_catalogue_current()),
        ]
        try:
            await bot.terminal.run(stdin_lines(stdin or sys.stdin))
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
    finally:
        await bot.close()
    return 0
