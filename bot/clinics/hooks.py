"""The clinics' hooks into the running bot: counting effects, and the `/stats` answer."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.clinics.counters import count_metric, iso_week
from bot.clinics.stats import format_table, read_stats
from bot.storage import Storage, StorageError
from bot.turns import EffectHandler, TurnRunner, TurnScope
from dialogs.effects import CountMetric

__all__ = ["STATS_WEEKS", "counting_handler", "install", "stats_reply"]

log = logging.getLogger(__name__)

STATS_WEEKS = 12
"""How many weeks `/stats` shows (the CLI shows everything unless told ``--since``)."""
TELEGRAM_TEXT_LIMIT = 4096


def counting_handler(storage: Storage) -> EffectHandler:
    """The `CountMetric` handler: add one for the clinic in the week of the turn.

    A counter that cannot be written is logged (type only) and skipped: a
    statistic is never worth a person's conversation failing.
    """

    async def handle(effect: CountMetric, scope: TurnScope) -> None:
        try:
            await count_metric(storage, effect, scope.now)
        except (StorageError, ValueError) as error:
            log.warning("clinic counter not updated: %s", type(error).__name__)

    return handle


def install(runner: TurnRunner) -> None:
    """Register the clinic counters with a turn runner."""
    runner.on_effect(CountMetric, counting_handler(runner.storage))


async def stats_reply(storage: Storage, now: datetime, clinic_id: str | None = None) -> str:
    """The text an administrator's ``/stats [clinic]`` answers: the last `STATS_WEEKS` weeks."""
    since_week = iso_week(now - timedelta(weeks=STATS_WEEKS - 1))
    rows = await read_stats(storage, since_week=since_week, clinic_id=clinic_id)
    text = format_table(rows)
    if len(text) > TELEGRAM_TEXT_LIMIT - 100:
        cut = text[: TELEGRAM_TEXT_LIMIT - 100].rsplit("\n", 1)[0]
        text = f"{cut}\n… (more: python -m bot clinic stats)"
    return text
