"""Reminder and check-in rows in the bot's SQLite file: the source of truth for sending.

Tables (schema in `bot.storage.MIGRATIONS`, scripts 2 and 3):

``reminders``
    What a user asked for: a meeting, the offsets (minutes before the start), weekly or
    once; nothing more (which clinic's link the person came through is not kept with it:
    clinic counts are made in the conversation). One per user and meeting: setting it again
    replaces it.
``outbox``
    Every message planned from a reminder: a reminder before an occurrence, the check-in after
    it, or a notice that the meeting was cancelled or has stopped. A message is planned once:
    rows are unique per (reminder, kind, occurrence, offset) and inserting one again is a
    no-op, so a hundred taps on "next time instead" plan one reminder. One person holds at
    most `MAX_OPEN_ROWS_PER_USER` open rows. Each row goes
    ``pending`` → ``sending`` (marked *before* the send is made) → ``sent`` (marked *after*),
    or ends ``dropped`` (no longer useful; counted) or ``skipped`` (the user said they cannot
    make it, or a check-in limit).
``checkins``
    Per user: declined, unanswered in a row, last unsolicited message sent.
``reminder_counts``
    Plain counters (dropped after downtime, …): no user key, so they name nobody.

No chat id is stored here: it is read back from ``users.chat_id_enc`` when sending. Meeting
ids are sealed (``meeting_enc``: a meeting id names a drug, a town and a day); queries find a
meeting by its keyed hash (``meeting_key``). All of a user's rows go with
`Storage.forget_user` (the tables are in `USER_TABLES`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.reminders.schedule import CheckinState, Kind
from bot.secrets import Secrets
from bot.storage import (
    Storage,
    from_db_time,
    meeting_key,
    seal_meeting,
    to_db_time,
    unseal_meeting,
)

__all__ = [
    "MAX_OPEN_ROWS_PER_USER",
    "Planned",
    "PlannedRow",
    "Reminder",
    "ReminderStore",
    "RowState",
]

log = logging.getLogger(__name__)

MAX_OPEN_ROWS_PER_USER = 64
"""Open outbox rows one person may hold: weekly reminders for twenty meetings, each with two
reminders and a check-in, are 60. More can only come from a flood of taps or a bug, and would
slow everyone's sending, so rows beyond it are not planned (and logged, without ids)."""


class RowState(StrEnum):
    """Where an outbox row is on its way out."""

    PENDING = "pending"
    SENDING = "sending"  # marked before the send; a crash here resends it (see service)
    SENT = "sent"
    DROPPED = "dropped"
    SKIPPED = "skipped"


OPEN_STATES = (RowState.PENDING, RowState.SENDING)


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder a user set: which meeting, how long before, once or every week."""

    id: int
    user_key: str
    meeting_id: str
    offsets_minutes: tuple[int, ...]
    weekly: bool


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """A message to plan (not yet stored)."""

    kind: Kind
    due_at: datetime
    occurrence_at: datetime | None = None
    offset_minutes: int | None = None
    detail: str | None = None
    meeting_id: str | None = None  # defaults to the reminder's meeting


@dataclass(frozen=True, slots=True)
class Planned:
    """One outbox row as stored."""

    id: int
    user_key: str
    reminder_id: int | None
    kind: Kind
    meeting_id: str | None
    occurrence_at: datetime | None
    offset_minutes: int | None
    due_at: datetime
    state: RowState
    attempts: int
    detail: str | None


_PLANNED_COLUMNS = (
    "id, user_key, reminder_id, kind, meeting_enc, occurrence_at, offset_minutes, due_at, state, "
    "attempts, detail"
)


def _planned(secrets: Secrets, row: tuple) -> Planned:
    return Planned(
        id=row[0],
        user_key=row[1],
        reminder_id=row[2],
        kind=Kind(row[3]),
        meeting_id=unseal_meeting(secrets, row[4], "outbox", row[1]) if row[4] else None,
        occurrence_at=from_db_time(row[5]) if row[5] else None,
        offset_minutes=row[6],
        due_at=from_db_time(row[7]),
        state=RowState(row[8]),
        attempts=row[9],
        detail=row[10],
    )


def _reminder(secrets: Secrets, row: tuple) -> Reminder:
    offsets = tuple(int(part) for part in row[3].split(",") if part)
    user_key = row[1]
    meeting_id = unseal_meeting(secrets, row[2], "reminders", user_key)
    return Reminder(row[0], user_key, meeting_id, offsets, bool(row[4]))


_REMINDER_COLUMNS = "id, user_key, meeting_enc, offsets, weekly"


class ReminderStore:
    """Queries on the reminder tables, through the bot's one `Storage` connection."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.secrets = storage.secrets

    def _planned(self, row: tuple) -> Planned:
        return _planned(self.secrets, row)

    def _reminder(self, row: tuple) -> Reminder:
        return _reminder(self.secrets, row)

    # --- reminders -------------------------------------------------------------------------

    async def set_reminder(
        self,
        user_key: str,
        meeting_id: str,
        offsets_minutes: tuple[int, ...],
        weekly: bool,
        rows: Iterable[PlannedRow],
        now: datetime,
    ) -> tuple[Reminder, list[Planned]]:
        """Store a reminder (replacing this user's earlier one for the meeting) and its rows."""
        offsets = ",".join(str(m) for m in sorted(set(offsets_minutes), reverse=True))
        key = meeting_key(self.secrets, meeting_id)
        async with self.storage.transaction() as db:
            await db.execute(
                "DELETE FROM reminders WHERE user_key = ? AND meeting_key = ?", (user_key, key)
            )
            cursor = await db.execute(
                "INSERT INTO reminders (user_key, meeting_key, meeting_enc, offsets, weekly, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    user_key,
                    key,
                    seal_meeting(self.secrets, meeting_id, "reminders", user_key),
                    offsets,
                    int(weekly),
                    to_db_time(now),
                ),
            )
            reminder_id = cursor.lastrowid
            assert reminder_id is not None
            reminder = Reminder(
                reminder_id,
                user_key,
                meeting_id,
                tuple(map(int, offsets.split(","))),
                weekly,
            )
            planned = await self._insert_rows(db, reminder, rows)
        return reminder, planned

    async def add_rows(self, reminder: Reminder, rows: Iterable[PlannedRow]) -> list[Planned]:
        """Plan more messages for an existing reminder (e.g. next week's); returns the new
        ones (a message already planned is not planned again)."""
        async with self.storage.transaction() as db:
            return await self._insert_rows(db, reminder, rows)

    async def add_notice(
        self, user_key: str, meeting_id: str, detail: str, due_at: datetime
    ) -> Planned:
        """Plan a notice that is tied to no reminder (it outlives the reminder it is about)."""
        async with self.storage.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO outbox (user_key, reminder_id, kind, meeting_key, meeting_enc, "
                "due_at, state, detail) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)",
                (
                    user_key,
                    Kind.NOTICE,
                    meeting_key(self.secrets, meeting_id),
                    seal_meeting(self.secrets, meeting_id, "outbox", user_key),
                    to_db_time(due_at, round_up=True),
                    RowState.PENDING,
                    detail,
                ),
            )
            row_id = cursor.lastrowid
        assert row_id is not None
        return Planned(
            row_id,
            user_key,
            None,
            Kind.NOTICE,
            meeting_id,
            None,
            None,
            due_at,
            RowState.PENDING,
            0,
            detail,
        )

    async def reminder(self, reminder_id: int) -> Reminder | None:
        async with (
            self.storage.read() as db,
            db.execute(
                f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE id = ?", (reminder_id,)
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return self._reminder(row) if row else None

    async def reminders_of(self, user_key: str) -> list[tuple[Reminder, datetime | None]]:
        """This user's reminders, each with when its next message is due (None if none)."""
        async with (
            self.storage.read() as db,
            db.execute(
                f"SELECT {', '.join('r.' + c for c in _REMINDER_COLUMNS.split(', '))}, "
                "(SELECT min(o.due_at) FROM outbox o WHERE o.reminder_id = r.id "
                "AND o.kind = 'reminder' AND o.state IN ('pending', 'sending')) "
                "FROM reminders r WHERE r.user_key = ? ORDER BY r.id",
                (user_key,),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [(self._reminder(row), from_db_time(row[5]) if row[5] else None) for row in rows]

    async def delete_reminder(self, reminder_id: int, user_key: str | None = None) -> bool:
        """Stop a reminder and everything still planned from it; False if it was not there.

        With `user_key`, only that user's reminder is touched (a button from someone else's
        message cannot stop it).
        """
        async with self.storage.transaction() as db:
            if user_key is None:
                cursor = await db.execute("DELETE FROM reminders WHERE id = ?", (reminder_id,))
            else:
                cursor = await db.execute(
                    "DELETE FROM reminders WHERE id = ? AND user_key = ?", (reminder_id, user_key)
                )
            return cursor.rowcount > 0

    # --- outbox ----------------------------------------------------------------------------

    async def row(self, row_id: int) -> Planned | None:
        async with (
            self.storage.read() as db,
            db.execute(f"SELECT {_PLANNED_COLUMNS} FROM outbox WHERE id = ?", (row_id,)) as cur,
        ):
            row = await cur.fetchone()
        return self._planned(row) if row else None

    async def open_rows(
        self, *, due_before: datetime | None = None, limit: int | None = None
    ) -> list[Planned]:
        """Rows not yet done (pending or sending), earliest first; optionally only due ones."""
        sql = f"SELECT {_PLANNED_COLUMNS} FROM outbox WHERE state IN ('pending', 'sending')"
        args: list[object] = []
        if due_before is not None:
            sql += " AND due_at <= ?"
            args.append(to_db_time(due_before))
        sql += " ORDER BY due_at, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        async with self.storage.read() as db, db.execute(sql, args) as cursor:
            return [self._planned(row) for row in await cursor.fetchall()]

    async def open_rows_of(
        self, reminder_id: int, occurrence_at: datetime | None = None
    ) -> list[Planned]:
        sql = (
            f"SELECT {_PLANNED_COLUMNS} FROM outbox WHERE reminder_id = ? "
            "AND state IN ('pending', 'sending')"
        )
        args: list[object] = [reminder_id]
        if occurrence_at is not None:
            sql += " AND occurrence_at = ?"
            args.append(to_db_time(occurrence_at))
        async with self.storage.read() as db, db.execute(sql + " ORDER BY due_at", args) as cur:
            return [self._planned(row) for row in await cur.fetchall()]

    async def open_occurrences(self) -> list[tuple[str, datetime]]:
        """The distinct (meeting, occurrence) pairs with open reminder rows: few, even for
        100,000 rows, so that checking them against the catalogue at start-up is cheap.

        Grouped by the meeting's keyed hash; the id is unsealed from one row of each group.
        """
        async with (
            self.storage.read() as db,
            db.execute(
                "SELECT min(id), occurrence_at FROM outbox "
                "WHERE state IN ('pending', 'sending') AND occurrence_at IS NOT NULL "
                "AND reminder_id IS NOT NULL GROUP BY meeting_key, occurrence_at"
            ) as cursor,
        ):
            groups = await cursor.fetchall()
        found: list[tuple[str, datetime]] = []
        for row_id, occurrence_at in groups:
            row = await self.row(row_id)
            if row is not None and row.meeting_id is not None:
                found.append((row.meeting_id, from_db_time(occurrence_at)))
        return found

    async def open_rows_for_occurrence(
        self, meeting_id: str, occurrence_at: datetime
    ) -> list[Planned]:
        async with (
            self.storage.read() as db,
            db.execute(
                f"SELECT {_PLANNED_COLUMNS} FROM outbox WHERE meeting_key = ? "
                "AND occurrence_at = ? AND state IN ('pending', 'sending') "
                "AND reminder_id IS NOT NULL",
                (meeting_key(self.secrets, meeting_id), to_db_time(occurrence_at)),
            ) as cursor,
        ):
            return [self._planned(row) for row in await cursor.fetchall()]

    async def claim(self, row_id: int) -> bool:
        """Mark *before* sending: pending → sending. False if another path took it first."""
        async with self.storage.transaction() as db:
            cursor = await db.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1 "
                "WHERE id = ? AND state = 'pending'",
                (row_id,),
            )
            return cursor.rowcount == 1

    async def mark_sent(self, row: Planned, now: datetime) -> None:
        """Mark *after* sending; a check-in also counts as unanswered until answered."""
        async with self.storage.transaction() as db:
            await db.execute(
                "UPDATE outbox SET state = 'sent', done_at = ? WHERE id = ?",
                (to_db_time(now), row.id),
            )
            if row.kind is Kind.CHECKIN:
                await db.execute(
                    "INSERT INTO checkins (user_key, unanswered, last_sent_at) VALUES (?, 1, ?) "
                    "ON CONFLICT (user_key) DO UPDATE SET unanswered = unanswered + 1, "
                    "last_sent_at = excluded.last_sent_at",
                    (row.user_key, to_db_time(now)),
                )

    async def release(self, row_id: int, due_at: datetime) -> None:
        """Back to pending, to be tried again at `due_at` (a failed or deferred send)."""
        async with self.storage.transaction() as db:
            await db.execute(
                "UPDATE outbox SET state = 'pending', due_at = ? WHERE id = ? "
                "AND state IN ('pending', 'sending')",
                (to_db_time(due_at, round_up=True), row_id),
            )

    async def finish(self, row_id: int, state: RowState, now: datetime, count: str = "") -> None:
        """End a row without sending it (dropped or skipped), optionally counting why."""
        async with self.storage.transaction() as db:
            await db.execute(
                "UPDATE outbox SET state = ?, done_at = ? WHERE id = ?",
                (state, to_db_time(now), row_id),
            )
            if count:
                await _count(db, count, 1)

    async def skip_occurrence(self, user_key: str, row_id: int, now: datetime) -> int:
        """ "I can't make it": the rest of that occurrence (reminders, check-in) is skipped."""
        async with self.storage.transaction() as db:
            async with db.execute(
                "SELECT reminder_id, occurrence_at FROM outbox WHERE id = ? AND user_key = ?",
                (row_id, user_key),
            ) as cursor:
                found = await cursor.fetchone()
            if found is None or found[0] is None:
                return 0
            cursor = await db.execute(
                "UPDATE outbox SET state = 'skipped', done_at = ? WHERE reminder_id = ? "
                "AND occurrence_at = ? AND state = 'pending'",
                (to_db_time(now), found[0], found[1]),
            )
            return cursor.rowcount

    async def prune_finished_once(self, before: datetime) -> int:
        """Delete one-off reminders with nothing open and nothing done since `before`."""
        async with self.storage.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM reminders WHERE weekly = 0 AND created_at < ? AND NOT EXISTS ("
                "SELECT 1 FROM outbox o WHERE o.reminder_id = reminders.id AND "
                "(o.state IN ('pending', 'sending') OR o.done_at >= ?))",
                (to_db_time(before), to_db_time(before)),
            )
            return cursor.rowcount

    async def recover_in_flight(self) -> int:
        """At start-up: rows marked `sending` by a process that died are sent again.

        This is the side we err on: the one message in flight at a crash may arrive twice
        (if Telegram had it), but no reminder is lost.
        """
        async with self.storage.transaction() as db:
            cursor = await db.execute("UPDATE outbox SET state = 'pending' WHERE state = 'sending'")
            return cursor.rowcount

    async def prune_done(self, before: datetime) -> int:
        """Delete rows that ended before `before` (kept a while: their buttons refer to them)."""
        async with self.storage.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM outbox WHERE state IN ('sent', 'dropped', 'skipped') AND done_at < ?",
                (to_db_time(before),),
            )
            return cursor.rowcount

    async def _insert_rows(
        self, db, reminder: Reminder, rows: Iterable[PlannedRow]
    ) -> list[Planned]:
        """Insert the rows not yet planned, up to the user's `MAX_OPEN_ROWS_PER_USER`."""
        async with db.execute(
            "SELECT count(*) FROM outbox WHERE user_key = ? AND state IN ('pending', 'sending')",
            (reminder.user_key,),
        ) as cursor:
            found = await cursor.fetchone()
        room = MAX_OPEN_ROWS_PER_USER - (found[0] if found else 0)
        planned: list[Planned] = []
        for row in rows:
            if room <= 0:
                log.warning(
                    "a user holds %d open reminder rows; no more planned", MAX_OPEN_ROWS_PER_USER
                )
                break
            meeting_id = row.meeting_id or reminder.meeting_id
            cursor = await db.execute(
                "INSERT OR IGNORE INTO outbox (user_key, reminder_id, kind, meeting_key, "
                "meeting_enc, occurrence_at, offset_minutes, due_at, state, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
                (
                    reminder.user_key,
                    reminder.id,
                    row.kind,
                    meeting_key(self.secrets, meeting_id),
                    seal_meeting(self.secrets, meeting_id, "outbox", reminder.user_key),
                    to_db_time(row.occurrence_at) if row.occurrence_at else None,
                    row.offset_minutes,
                    to_db_time(row.due_at, round_up=True),
                    row.detail,
                ),
            )
            if cursor.rowcount != 1:  # planned before: the same message is not planned twice
                continue
            room -= 1
            assert cursor.lastrowid is not None
            planned.append(
                Planned(
                    cursor.lastrowid,
                    reminder.user_key,
                    reminder.id,
                    row.kind,
                    meeting_id,
                    row.occurrence_at,
                    row.offset_minutes,
                    row.due_at,
                    RowState.PENDING,
                    0,
                    row.detail,
                )
            )
        return planned

    async def count_open(self) -> int:
        async with (
            self.storage.read() as db,
            db.execute("SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')") as c,
        ):
            row = await c.fetchone()
        return int(row[0]) if row else 0

    # --- check-ins and counters ------------------------------------------------------------

    async def checkin_state(self, user_key: str) -> CheckinState:
        async with (
            self.storage.read() as db,
            db.execute(
                "SELECT opted_out, unanswered, last_sent_at FROM checkins WHERE user_key = ?",
                (user_key,),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        if row is None:
            return CheckinState()
        return CheckinState(bool(row[0]), row[1], from_db_time(row[2]) if row[2] else None)

    async def checkin_answered(self, user_key: str, *, opt_out: bool = False) -> None:
        """Any answer resets the unanswered count; "I'd rather not be asked" stops check-ins."""
        async with self.storage.transaction() as db:
            await db.execute(
                "INSERT INTO checkins (user_key, opted_out, unanswered) VALUES (?, ?, 0) "
                "ON CONFLICT (user_key) DO UPDATE SET unanswered = 0, "
                "opted_out = max(opted_out, excluded.opted_out)",
                (user_key, int(opt_out)),
            )
            if opt_out:
                await db.execute(
                    "UPDATE outbox SET state = 'skipped' WHERE user_key = ? AND kind = 'checkin' "
                    "AND state = 'pending'",
                    (user_key,),
                )

    async def count(self, name: str, by: int = 1) -> None:
        async with self.storage.transaction() as db:
            await _count(db, name, by)

    async def counts(self) -> dict[str, int]:
        async with (
            self.storage.read() as db,
            db.execute("SELECT name, count FROM reminder_counts") as cursor,
        ):
            return {row[0]: row[1] for row in await cursor.fetchall()}

    async def language(self, user_key: str) -> str | None:
        """The user's chosen language (None: not chosen, or user gone)."""
        async with (
            self.storage.read() as db,
            db.execute("SELECT language FROM users WHERE user_key = ?", (user_key,)) as cursor,
        ):
            row = await cursor.fetchone()
        return row[0] if row else None


async def _count(db, name: str, by: int) -> None:
    await db.execute(
        "INSERT INTO reminder_counts (name, count) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET count = count + excluded.count",
        (name, by),
    )
