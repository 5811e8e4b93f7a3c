"""Planning, catalogue follow-up and sending of reminders, check-ins and notices.

SQLite (`ReminderStore`) is the source of truth; the JobQueue only says *when* to look
(`bot.reminders.trigger.JobQueueTrigger`). What to plan for an occurrence, and whether it
still stands, is `bot.reminders.planning`; what a channel raises is `bot.reminders.sending`.
Sending is one drain at a time (`ReminderService.run_due`), in order of due
time, one message in flight: PTB's rate limiter paces it (30 messages a second overall).

**Mark before and after.** A row is marked ``sending`` just before its message goes to
Telegram and ``sent`` just after. If the process dies in between, nobody knows whether the
message arrived; at the next start such a row is sent again (`ReminderStore.recover_in_flight`).
So we err on the side of *at least once*: every reminder arrives, and at most the one message in
flight at a crash may arrive twice. A reminder twice is a small nuisance; a reminder lost can be
the difference between walking into a first meeting or not. The mark is taken right before the
HTTP call (not when a job fires), so a burst of due reminders never has more than one in flight.

**Catalogue changes** are checked at start-up, after every swap of a refreshed catalogue
(`follow_catalogue`), and again before each send: a moved meeting moves its reminders; a
cancelled date tells the person and (weekly) carries on with the next; a retired, ended or
vanished meeting tells the person, stops the reminder and offers other groups of the same
organisation.

**Telegram's answers** (as `Sender`'s exceptions): 403 (blocked) forgets everything of that
person; 429 is retried by the rate limiter and, if it persists, the row waits `retry_after`
seconds; network trouble is retried with backoff until the message is no longer useful (see
`schedule.decide`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.metrics import Metrics
from bot.reminders.planning import Status, next_occurrence, occurrence_status, plan_occurrence
from bot.reminders.schedule import Kind, Verdict, checkin_verdict, decide
from bot.reminders.sending import Blocked, RetryLater, Sender, SendFailed, Undeliverable
from bot.reminders.store import Planned, Reminder, ReminderStore, RowState
from bot.storage import Storage
from bot.turns import TurnScope
from catalogue.holder import CatalogueHolder
from catalogue.models import Catalogue, Meeting
from catalogue.reminder_times import reminder_due_at
from dialogs.actions import small_id
from dialogs.checkin import Answer, checkin_message
from dialogs.context import ReminderView
from dialogs.effects import (
    CancelReminder,
    CheckinAnswered,
    RemindLater,
    SetReminder,
    SkipOccurrence,
)
from dialogs.reminder_messages import notice_message, reminder_message
from dialogs.screen import Screen
from locales import DEFAULT_LANGUAGE

__all__ = ["ReminderService", "StartReport"]

log = logging.getLogger(__name__)

DEFAULT_ZONE = ZoneInfo("Europe/Amsterdam")
MAX_BACKOFF = timedelta(minutes=30)
KEEP_DONE_ROWS = timedelta(days=14)
"""Sent rows stay a while: the buttons on a reminder refer to them."""
KEEP_FINISHED_ONCE = timedelta(days=1)
"""A one-off reminder with nothing left to send is kept a day ("remind me next time")."""


@dataclass(frozen=True, slots=True)
class StartReport:
    """What start-up found; logged as counts (nobody is named)."""

    open_rows: int
    recovered_in_flight: int
    moved: int
    cancelled: int
    stopped: int


# --- the service ---------------------------------------------------------------------------


class ReminderService:
    """Reminders for one storage and one catalogue, sent through one `Sender`."""

    def __init__(
        self,
        storage: Storage,
        holder: CatalogueHolder,
        sender: Sender,
        metrics: Metrics | None = None,
    ) -> None:
        self.storage = storage
        self.metrics = metrics or Metrics()
        self.store = ReminderStore(storage)
        self.holder = holder
        self.sender = sender
        self.on_planned: Callable[[list[Planned]], None] = lambda rows: None
        self._drain = asyncio.Lock()

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue in use now (it may be swapped while the bot runs)."""
        return self.holder.catalogue

    # --- effects from the dialogue -----------------------------------------------------

    async def set_reminder(
        self, user_key: str, effect: SetReminder, now: datetime
    ) -> Reminder | None:
        """Store a reminder and plan the occurrence it starts with (None: nothing ahead)."""
        meeting = self.catalogue.meeting(effect.meeting_id)
        offsets = tuple(m for m in effect.offsets_minutes if 0 <= m <= 7 * 24 * 60)
        if meeting is None or not offsets:
            return None
        occurrence_at = effect.first_at
        if occurrence_at is None or not any(
            reminder_due_at(occurrence_at, m) > now for m in offsets
        ):
            occurrence_at = next_occurrence(meeting, offsets, now, now)
        if occurrence_at is None:
            return None
        occurrence_at = occurrence_at.astimezone(ZoneInfo(meeting.timezone))
        rows = plan_occurrence(meeting, occurrence_at, offsets, now)
        reminder, planned = await self.store.set_reminder(
            user_key, meeting.id, offsets, effect.weekly, rows, now
        )
        self.on_planned(planned)
        return reminder

    async def cancel(self, user_key: str, reminder_id: str) -> bool:
        number = small_id(reminder_id)
        if number is None:
            return False
        return await self.store.delete_reminder(number, user_key)

    async def skip_occurrence(self, user_key: str, row_id: int, now: datetime) -> None:
        """ "I can't make it": the rest of that occurrence; a weekly one goes on next week."""
        row = await self.store.row(row_id)
        if row is None or row.user_key != user_key:
            return
        await self.store.skip_occurrence(user_key, row_id, now)
        if row.reminder_id is not None and row.occurrence_at is not None:
            await self._after_occurrence(row.reminder_id, row.occurrence_at, now)

    async def remind_later(self, user_key: str, row_id: int, now: datetime) -> None:
        """A one-off reminder moves to the occurrence after this row's.

        A weekly reminder plans the next occurrence by itself, so it is refused; asking
        again for the same row plans nothing more (the rows are unique).
        """
        row = await self.store.row(row_id)
        if row is None or row.user_key != user_key or row.reminder_id is None:
            return
        reminder = await self.store.reminder(row.reminder_id)
        meeting = self.catalogue.meeting(reminder.meeting_id) if reminder else None
        if reminder is None or reminder.weekly or meeting is None or row.occurrence_at is None:
            return
        after = max(row.occurrence_at, now) + timedelta(minutes=1)
        occurrence_at = next_occurrence(meeting, reminder.offsets_minutes, after, now)
        if occurrence_at is not None:
            rows = plan_occurrence(meeting, occurrence_at, reminder.offsets_minutes, now)
            self.on_planned(await self.store.add_rows(reminder, rows))

    async def checkin_answered(self, user_key: str, answer: Answer) -> None:
        await self.store.checkin_answered(user_key, opt_out=answer is Answer.STOP)

    async def views(self, user_key: str) -> tuple[ReminderView, ...]:
        """The person's reminders for `/herinneringen` and the buttons' answers."""
        return tuple(
            ReminderView(str(r.id), r.meeting_id, r.offsets_minutes, r.weekly, next_at)
            for r, next_at in await self.store.reminders_of(user_key)
        )

    # --- the effects' handlers (`bot.turns.EffectHandlers`, wired in `bot.app`) ---------

    async def on_set_reminder(self, effect: SetReminder, scope: TurnScope) -> None:
        if await self.store.language(scope.user_key) is None:
            # Reminders speak the language of the conversation that set them, also when
            # it only came from Telegram's language setting (a turn's hint, not stored).
            await self.storage.set_language(scope.user_key, scope.language, scope.now)
        await self.set_reminder(scope.user_key, effect, scope.now)

    async def on_cancel_reminder(self, effect: CancelReminder, scope: TurnScope) -> None:
        await self.cancel(scope.user_key, effect.reminder_id)

    async def on_skip_occurrence(self, effect: SkipOccurrence, scope: TurnScope) -> None:
        await self.skip_occurrence(scope.user_key, effect.row_id, scope.now)

    async def on_remind_later(self, effect: RemindLater, scope: TurnScope) -> None:
        await self.remind_later(scope.user_key, effect.row_id, scope.now)

    async def on_checkin_answered(self, effect: CheckinAnswered, scope: TurnScope) -> None:
        await self.checkin_answered(scope.user_key, effect.answer)

    # --- start-up ----------------------------------------------------------------------

    async def start(self, now: datetime) -> StartReport:
        """Recover rows in flight at a crash, then check every open occurrence against the
        catalogue (distinct pairs only: cheap even with 100,000 open rows)."""
        recovered = await self.store.recover_in_flight()
        self.metrics.reminders.labels("resent").inc(recovered)
        tally = await self._follow_all(now)
        report = StartReport(
            await self.store.count_open(),
            recovered,
            tally[Status.MOVED],
            tally[Status.CANCELLED],
            tally[Status.STOPPED],
        )
        log.info(
            "reminders: %d open, %d in flight at last stop resent, catalogue moved %d, "
            "cancelled %d, stopped %d",
            report.open_rows,
            report.recovered_in_flight,
            report.moved,
            report.cancelled,
            report.stopped,
        )
        return report

    async def follow_catalogue(self, now: datetime) -> None:
        """After a new catalogue was swapped in: move, cancel or stop what it changed."""
        tally = await self._follow_all(now)
        log.info(
            "reminders follow the new catalogue: moved %d, cancelled %d, stopped %d",
            tally[Status.MOVED],
            tally[Status.CANCELLED],
            tally[Status.STOPPED],
        )

    async def _follow_all(self, now: datetime) -> dict[Status, int]:
        """Check every open occurrence against the catalogue; reminders hit, per status."""
        tally = {Status.MOVED: 0, Status.CANCELLED: 0, Status.STOPPED: 0}
        for meeting_id, occurrence_at in await self.store.open_occurrences():
            status = occurrence_status(self.catalogue.meeting(meeting_id), occurrence_at, now)
            if meeting_id in self.catalogue.merged_into:
                status = Status.MOVED  # the same meeting, now under the kept record's id
            if status != Status.VALID:
                tally[status] += await self._follow_catalogue(meeting_id, occurrence_at, now)
        return tally

    async def _follow_catalogue(
        self, meeting_id: str, occurrence_at: datetime, now: datetime
    ) -> int:
        """Apply a catalogue change to the open rows of one occurrence; returns reminders hit."""
        meeting = self.catalogue.meeting(meeting_id)
        if meeting is not None and meeting.id != meeting_id:
            return await self._follow_merge(meeting_id, meeting, occurrence_at, now)
        status = occurrence_status(meeting, occurrence_at, now)
        rows = await self.store.open_rows_for_occurrence(meeting_id, occurrence_at)
        reminder_ids = sorted({r.reminder_id for r in rows if r.reminder_id is not None})
        for reminder_id in reminder_ids:
            reminder = await self.store.reminder(reminder_id)
            if reminder is None:
                continue
            for row in rows:
                if row.reminder_id == reminder_id:
                    await self.store.finish(row.id, RowState.SKIPPED, now)
            if status == Status.STOPPED or meeting is None:
                await self.store.delete_reminder(reminder_id)
                self.on_planned(
                    [await self.store.add_notice(reminder.user_key, meeting_id, "stopped", now)]
                )
                continue
            if status == Status.CANCELLED:
                detail = f"cancelled:{occurrence_at.astimezone(UTC).isoformat()}"
                self.on_planned(
                    [await self.store.add_notice(reminder.user_key, meeting_id, detail, now)]
                )
                if not reminder.weekly:
                    continue  # the notice offers the next date; the one-off ends with it
                after = occurrence_at + timedelta(minutes=1)
            else:  # moved: the next occurrence as the catalogue now has it
                after = now
            next_at = next_occurrence(meeting, reminder.offsets_minutes, after, now)
            if next_at is not None:
                new_rows = plan_occurrence(meeting, next_at, reminder.offsets_minutes, now)
                self.on_planned(await self.store.add_rows(reminder, new_rows))
        return len(reminder_ids)

    async def _follow_merge(
        self, dropped_id: str, kept: Meeting, occurrence_at: datetime, now: datetime
    ) -> int:
        """Move the reminders on a record merged away as a duplicate to the record kept.

        For the person it is the same meeting, so nothing is said: the reminder is stored
        again under the kept id (as the person's own "remind me" there would store it) and
        planned from the kept record's schedule, then the old one is deleted with its rows.
        """
        rows = await self.store.open_rows_for_occurrence(dropped_id, occurrence_at)
        reminder_ids = sorted({r.reminder_id for r in rows if r.reminder_id is not None})
        for reminder_id in reminder_ids:
            reminder = await self.store.reminder(reminder_id)
            if reminder is None:
                continue
            next_at = next_occurrence(kept, reminder.offsets_minutes, now, now)
            planned = (
                plan_occurrence(kept, next_at, reminder.offsets_minutes, now) if next_at else []
            )
            _, new_rows = await self.store.set_reminder(
                reminder.user_key,
                kept.id,
                reminder.offsets_minutes,
                reminder.weekly,
                planned,
                now,
            )
            await self.store.delete_reminder(reminder_id)
            self.on_planned(new_rows)
        return len(reminder_ids)

    # --- sending -----------------------------------------------------------------------

    async def run_due(self, now: datetime) -> int:
        """Send (or defer, drop) every open row due at `now`; returns how many were sent.

        One drain at a time; a row is taken only by the drain that marked it.
        """
        sent = 0
        async with self._drain:
            for row in await self.store.open_rows(due_before=now):
                try:
                    sent += await self._process(row, now)
                except Exception as error:  # one bad row must not stop the others
                    log.error("reminder row failed: %s", type(error).__name__)
        return sent

    async def _process(self, row: Planned, now: datetime) -> int:
        meeting = self.catalogue.meeting(row.meeting_id or "")
        moved_on = (
            row.kind is not Kind.NOTICE
            and row.occurrence_at is not None
            and occurrence_status(meeting, row.occurrence_at, now) != Status.VALID
        )
        if moved_on and row.occurrence_at is not None:
            await self._follow_catalogue(row.meeting_id or "", row.occurrence_at, now)
            return 0
        zone = ZoneInfo(meeting.timezone) if meeting else DEFAULT_ZONE
        duration = meeting.duration if meeting else None
        occurrence_at = row.occurrence_at.astimezone(zone) if row.occurrence_at else None
        decision = decide(
            row.kind,
            due_at=row.due_at,
            occurrence_at=occurrence_at,
            duration=duration,
            zone=zone,
            now=now,
        )
        if decision.verdict is Verdict.DEFER and decision.at is not None:
            await self._retry_at(row, decision.at)
            return 0
        if decision.verdict is Verdict.DROP:
            await self.store.finish(row.id, RowState.DROPPED, now, count=f"{row.kind}_dropped")
            self.metrics.count_reminder("dropped")
            return await self._ended(row, now)
        if row.kind is Kind.CHECKIN and (
            checkin_verdict(await self.store.checkin_state(row.user_key), now, zone) is Verdict.DROP
        ):
            await self.store.finish(row.id, RowState.SKIPPED, now, count="checkin_skipped")
            return await self._ended(row, now)
        chat_id = await self.storage.chat_id(row.user_key)
        if chat_id is None:  # forgotten meanwhile
            await self.store.finish(row.id, RowState.DROPPED, now)
            self.metrics.count_reminder("dropped")
            return 0
        language = await self.store.language(row.user_key) or DEFAULT_LANGUAGE
        screen = self._render(row, meeting, occurrence_at, language, now)
        if screen is None:
            await self.store.finish(row.id, RowState.DROPPED, now)
            self.metrics.count_reminder("dropped")
            return 0
        if not await self.store.claim(row.id):  # marked *before* the send
            return 0
        try:
            await self.sender.send(chat_id, screen)
        except Blocked:
            self.metrics.count_reminder("dropped")
            await self.store.count("blocked_forgotten")
            await self.storage.forget_user(row.user_key)
            return 0
        except RetryLater as wait:
            await self._retry_at(row, now + timedelta(seconds=wait.seconds))
            return 0
        except Undeliverable:
            await self.store.finish(row.id, RowState.DROPPED, now, count="undeliverable")
            self.metrics.count_reminder("dropped")
            return await self._ended(row, now)
        except SendFailed:
            backoff = min(timedelta(seconds=30 * 2 ** min(row.attempts, 10)), MAX_BACKOFF)
            await self._retry_at(row, now + backoff)
            return 0
        await self.store.mark_sent(row, now)  # marked *after* the send
        self.metrics.count_reminder("sent")
        await self._ended(row, now)
        return 1

    def _render(
        self,
        row: Planned,
        meeting: Meeting | None,
        occurrence_at: datetime | None,
        language: str,
        now: datetime,
    ) -> Screen | None:
        if row.kind is Kind.NOTICE:
            return notice_message(
                self.catalogue, row.meeting_id or "", row.detail or "", language, now
            )
        if meeting is None or occurrence_at is None:
            return None
        if row.kind is Kind.CHECKIN:
            return checkin_message(meeting, occurrence_at, language)
        organisation = self.catalogue.organisations.get(meeting.organisation_id)
        name = organisation.short_name if organisation else ""
        return reminder_message(
            meeting, name, occurrence_at, row.reminder_id or 0, row.id, language, now
        )

    async def _retry_at(self, row: Planned, at: datetime) -> None:
        await self.store.release(row.id, at)
        self.on_planned([_with_due(row, at)])

    async def _ended(self, row: Planned, now: datetime) -> int:
        if row.reminder_id is not None and row.occurrence_at is not None:
            await self._after_occurrence(row.reminder_id, row.occurrence_at, now)
        return 0

    async def _after_occurrence(
        self, reminder_id: int, occurrence_at: datetime, now: datetime
    ) -> None:
        """Once the last reminder of an occurrence is done, a weekly one plans the next."""
        reminder = await self.store.reminder(reminder_id)
        if reminder is None or not reminder.weekly:
            return
        open_rows = await self.store.open_rows_of(reminder_id)
        if any(
            r.kind is Kind.REMINDER and r.occurrence_at and r.occurrence_at >= occurrence_at
            for r in open_rows
        ):
            return
        if any(r.occurrence_at and r.occurrence_at > occurrence_at for r in open_rows):
            return  # already planned
        meeting = self.catalogue.meeting(reminder.meeting_id)
        if meeting is None:
            return
        next_at = next_occurrence(
            meeting, reminder.offsets_minutes, occurrence_at + timedelta(minutes=1), now
        )
        if next_at is not None:
            rows = plan_occurrence(meeting, next_at, reminder.offsets_minutes, now)
            self.on_planned(await self.store.add_rows(reminder, rows))

    async def housekeeping(self, now: datetime) -> None:
        """Delete rows long done and one-off reminders with nothing left (daily is enough)."""
        await self.store.prune_done(now - KEEP_DONE_ROWS)
        await self.store.prune_finished_once(now - KEEP_FINISHED_ONCE)


def _with_due(row: Planned, due_at: datetime) -> Planned:
    return replace(row, due_at=due_at, state=RowState.PENDING)
