"""``python -m bot check``: the readiness checks of ``/readyz`` once, for cron and orchestrators.

It opens what the bot would open, next to a running bot or instead of it: the catalogue
(loaded and validated as at start-up), the SQLite file (a write is taken and released;
SQLite's WAL lets this run beside the bot), the Bot API (``getMe``, when a token is set),
and the feeds (`bot.feeds_job.feed_checks`). One line per check; exit 0 when all pass, else 1.
"""

from __future__ import annotations

from typing import TextIO

from telegram import Bot
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.app import load_catalogue_and_indexes
from bot.config import Config
from bot.feeds_job import feed_checks
from bot.health import Check, database_check, run_checks
from bot.key_rotation import refuse_during_rotation
from bot.secrets import load_secrets
from bot.storage import Storage, StorageError
from catalogue.errors import CatalogueError

__all__ = ["check"]


async def check(config: Config, out: TextIO) -> int:
    """Run every check, print one line each; 0 if all passed, else 1."""
    results = [_catalogue(config), await _database(config), await _bot_api(config)]
    results += await run_checks(feed_checks(config.data_dir, config.clock()))
    for result in results:
        out.write(result.line() + "\n")
    ready = all(result.ok for result in results)
    out.write("ready\n" if ready else "NOT ready\n")
    return 0 if ready else 1


def _catalogue(config: Config) -> Check:
    try:
        loaded = load_catalogue_and_indexes(config)
    except CatalogueError as error:
        problems = len(getattr(error, "errors", ())) or 1
        return Check("catalogue", False, f"does not load ({problems} problem(s); see validate)")
    meetings = len(loaded.catalogue.meetings)
    return Check("catalogue", meetings > 0, f"{meetings} meetings loaded")


async def _database(config: Config) -> Check:
    try:
        refuse_during_rotation(config)
        storage = await Storage.open(config.database_path, load_secrets(config))
    except StorageError as error:
        return Check("database", False, f"does not open ({str(error).split(':', 1)[0]})")
    try:
        return await database_check(storage)()
    finally:
        await storage.close()


async def _bot_api(config: Config) -> Check:
    if not config.telegram_bot_token:
        return Check("bot_api", True, "skipped: no TELEGRAM_BOT_TOKEN (terminal mode)")
    bot = Bot(
        config.telegram_bot_token,
        base_url=config.bot_api_url,
        request=HTTPXRequest(connect_timeout=10, read_timeout=10),
    )
    try:
        async with bot:  # initialize() calls getMe
            return Check("bot_api", True, "answers (getMe)")
    except TelegramError as error:
        return Check("bot_api", False, f"no answer ({type(error).__name__})")
