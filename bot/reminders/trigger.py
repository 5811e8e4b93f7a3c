"""PTB's JobQueue as the reminders' alarm clock (`JobQueueTrigger`): it says when, not what."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.reminders.service import ReminderService, StartReport
from bot.reminders.store import Planned

__all__ = ["JobQueueTrigger"]


class JobQueueTrigger:
    """Wakes `ReminderService.run_due` through PTB's JobQueue; keeps no state of its own.

    Only rows due within `horizon` get a job of their own (``reminder:<row id>``, data: the row
    id; never a chat id); a repeating sweep every `sweep_every` sends whatever is due and
    arms the next horizon. So 100,000 pending reminders cost 100,000 rows on disk and a few
    hundred jobs in memory, and start-up stays quick. A restart re-arms from SQLite.
    """

    def __init__(
        self,
        service: ReminderService,
        job_queue: Any,
        clock: Callable[[], datetime],
        *,
        horizon: timedelta = timedelta(minutes=10),
        sweep_every: timedelta = timedelta(minutes=1),
    ) -> None:
        self.service = service
        self.job_queue = job_queue
        self.clock = clock
        self.horizon = horizon
        self.sweep_every = sweep_every
        self._armed: dict[int, datetime] = {}
        self._kick: asyncio.Task[None] | None = None
        self._again = False
        service.on_planned = self.arm

    async def start(self) -> StartReport:
        """Call from ``post_init``: recover, follow the catalogue, arm jobs, start sweeping."""
        report = await self.service.start(self.clock())
        await self.sweep()
        self.job_queue.run_repeating(
            self._on_sweep, interval=self.sweep_every.total_seconds(), name="reminders:sweep"
        )
        self.job_queue.run_repeating(
            self._on_housekeeping, interval=24 * 3600, first=60, name="reminders:housekeeping"
        )
        return report

    def arm(self, rows: list[Planned]) -> None:
        """Give each row due within the horizon a job of its own (once)."""
        now = self.clock()
        limit = now + self.horizon
        for row in rows:
            if row.due_at > limit or self._armed.get(row.id) == row.due_at:
                continue
            self._armed[row.id] = row.due_at
            delay = max(0.0, (row.due_at - now).total_seconds())
            self.job_queue.run_once(self._on_due, delay, name=f"reminder:{row.id}", data=row.id)

    async def sweep(self) -> None:
        """Send what is due, then arm the rows that came within the horizon."""
        await self.kick()
        upcoming = await self.service.store.open_rows(due_before=self.clock() + self.horizon)
        self.arm(upcoming)

    async def kick(self) -> None:
        """Run a drain now, or once more after the one running (never two at once)."""
        self._again = True
        if self._kick is not None and not self._kick.done():
            await asyncio.shield(self._kick)
            return
        self._kick = asyncio.ensure_future(self._drain())
        await asyncio.shield(self._kick)

    async def _drain(self) -> None:
        while self._again:
            self._again = False
            await self.service.run_due(self.clock())

    async def _on_due(self, context: Any) -> None:
        self._armed.pop(context.job.data, None)
        await self.kick()

    async def _on_sweep(self, context: Any) -> None:
        await self.sweep()

    async def _on_housekeeping(self, context: Any) -> None:
        await self.service.housekeeping(self.clock())
