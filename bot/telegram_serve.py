"""``python -m bot`` with a token: the whole bot on Telegram until SIGINT/SIGTERM.

`serve` opens storage and catalogue, builds the `Application`
(`bot.telegram_adapter`), wires in what runs beside the dialogue
(`attach_services`: reminders, clinic counters and ``/stats``, the daily idle
purge) and serves by long polling, or by webhook when ``WEBHOOK_URL`` is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from telegram.ext import Application

from bot.config import Config
from bot.storage import Storage
from bot.telegram_adapter import TelegramDeps, build_application, running
from catalogue.models import Catalogue

__all__ = ["attach_services", "run", "serve"]

log = logging.getLogger(__name__)


async def serve(config: Config, stop: asyncio.Event | None = None) -> int:
    """Open storage and catalogue, run the bot until `stop` (or SIGINT/SIGTERM), close all."""
    from bot.secrets import load_secrets
    from bot.turns import TurnRunner
    from catalogue.loading import load_catalogue
    from catalogue.places import PlaceIndex
    from catalogue.search import SearchIndex

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)

    catalogue = load_catalogue(config.data_dir)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    storage = await Storage.open(config.database_path, load_secrets(config))
    try:
        bot_link = f"https://t.me/{config.bot_username}" if config.bot_username else ""
        runner = TurnRunner(
            storage,
            catalogue,
            PlaceIndex.bundled(),
            SearchIndex(catalogue),
            bot_link=bot_link,
        )
        deps = TelegramDeps(runner, now=config.clock())
        application = build_application(config, deps)
        attach_services(application, deps, storage, catalogue, config)
        async with running(application, webhook=config if config.webhook_url else None):
            mode = "webhook" if config.webhook_url else "long polling"
            log.info("the bot is running (%s)", mode)
            await stop.wait()
        log.info("the bot stopped")
    finally:
        await storage.close()
    return 0


def attach_services(
    application: Application[Any, Any, Any, Any, Any, Any],
    deps: TelegramDeps,
    storage: Storage,
    catalogue: Catalogue,
    config: Config,
) -> None:
    """Wire in what runs beside the dialogue: reminders, clinic counters and ``/stats``, purge.

    The daily purge deletes everything of people idle for ``IDLE_DAYS`` with
    no reminder pending (`bot.housekeeping`); it runs a minute after start
    and then once a day. Feeds are refreshed and changed import files swapped
    in while the bot runs (`bot.feeds_job`); the reminders follow each swap.
    """
    from bot.clinics.hooks import install as install_clinics
    from bot.clinics.hooks import stats_command
    from bot.feeds_job import attach_feeds
    from bot.housekeeping import schedule_daily_purge
    from bot.reminders import attach_telegram

    reminders, _ = attach_telegram(application, deps, storage, deps.runner.holder)
    install_clinics(deps.runner)  # type: ignore[arg-type]  # counts CountMetric effects
    deps.commands["stats"] = stats_command(storage, config.admin_chat_ids, config.data_dir)
    attach_feeds(deps, config.data_dir).on_swap.append(reminders.follow_catalogue)

    assert application.job_queue is not None
    schedule_daily_purge(application.job_queue, storage, deps.now, config.idle_days)


def run(config: Config) -> int:
    """``python -m bot`` with a token: serve until interrupted; returns the exit code."""
    return asyncio.run(serve(config))
