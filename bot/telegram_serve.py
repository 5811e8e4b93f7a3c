"""``python -m bot`` with a token: the whole bot on Telegram until SIGINT/SIGTERM.

`serve` builds the bot (`bot.app.build_telegram`) and serves by long polling,
or by webhook when ``WEBHOOK_URL`` is set, until told to stop. ``/healthz``,
``/readyz`` and ``/metrics`` are served by the webhook server, and on
``HEALTH_PORT`` when it is set (`bot.health_server`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.app import build_telegram
from bot.config import Config
from bot.health_server import add_to_webhook, start_health_server
from bot.telegram_adapter import running

__all__ = ["run", "serve"]

log = logging.getLogger(__name__)


async def serve(config: Config, stop: asyncio.Event | None = None) -> int:
    """Build the bot, run it until `stop` (or SIGINT/SIGTERM), close everything."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)

    bot = await build_telegram(config)
    health_server = None
    try:
        async with running(bot.application, webhook=config if config.webhook_url else None):
            if config.webhook_url:
                add_to_webhook(bot.application.updater, bot.health)
            if config.health_port:
                health_server = start_health_server(
                    bot.health, config.webhook_listen, config.health_port
                )
            mode = "webhook" if config.webhook_url else "long polling"
            log.info("the bot is running (%s)", mode)
            await stop.wait()
            if health_server is not None:
                health_server.stop()
        log.info("the bot stopped")
    finally:
        await bot.close()
    return 0


def run(config: Config) -> int:
    """``python -m bot`` with a token: serve until interrupted; returns the exit code."""
    return asyncio.run(serve(config))
