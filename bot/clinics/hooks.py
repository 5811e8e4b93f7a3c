"""The clinics' part of the running bot: counting effects, and the `/stats` answer (`bot.app`)."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from bot.clinics.counters import count_once, iso_week
from bot.clinics.stats import format_table, read_stats
from bot.storage import Storage, StorageError
from bot.telegram_adapter import CommandHook
from bot.turns import EffectHandler, TurnScope
from dialogs.effects import CountMetric
from dialogs.screen import Screen

__all__ = ["STATS_WEEKS", "counting_handler", "stats_command", "stats_reply"]

log = logging.getLogger(__name__)

STATS_WEEKS = 12
"""How many weeks `/stats` shows (the CLI shows everything unless told ``--since``)."""
TELEGRAM_TEXT_LIMIT = 4096


def counting_handler(storage: Storage) -> EffectHandler[CountMetric]:
    """The `CountMetric` handler: add one for the clinic in the week of the turn, once per
    person (`count_once`).

    A counter that cannot be written is logged (type only) and skipped: a
    statistic is never worth a person's conversation failing.
    """

    async def handle(effect: CountMetric, scope: TurnScope) -> None:
        try:
            await count_once(storage, scope.user_key, effect, scope.now)
        except (StorageError, ValueError) as error:
            log.warning("clinic counter not updated: %s", type(error).__name__)

    return handle


async def stats_reply(storage: Storage, now: datetime, clinic_id: str | None = None) -> str:
    """The text an administrator's ``/stats [clinic]`` answers: the last `STATS_WEEKS` weeks."""
    since_week = iso_week(now - timedelta(weeks=STATS_WEEKS - 1))
    rows = await read_stats(storage, since_week=since_week, clinic_id=clinic_id)
    text = f"Clinic counts per week since {since_week} (1-4 shown as <5)\n{format_table(rows)}"
    if len(text) > TELEGRAM_TEXT_LIMIT - 100:
        cut = text[: TELEGRAM_TEXT_LIMIT - 100].rsplit("\n", 1)[0]
        text = f"{cut}\n… (more: python -m bot clinic stats)"
    return text


def stats_command(storage: Storage, admin_chat_ids: Collection[int]) -> CommandHook:
    """``/stats [clinic]`` for the administrators in `ADMIN_CHAT_IDS`; None for anyone else.

    None hands the command to the dialogue, which answers it exactly as any
    unknown command: a non-administrator learns nothing, not even that the
    command exists.
    """
    admins = frozenset(admin_chat_ids)

    async def answer(chat_id: int, argument: str, now: datetime) -> Sequence[Screen] | None:
        if chat_id not in admins:
            return None
        clinic_id = argument.split()[0] if argument.split() else None
        return [Screen(text=await stats_reply(storage, now, clinic_id))]

    return answer
