"""The bot's memory: one SQLite file (aiosqlite, WAL), holding as little as possible.

What is stored, and how (a stolen file alone must not say who looks for help
with what):

``users``
    ``user_key``     HMAC-SHA256 of the chat id (`Secrets.user_key`): the lookup key.
    ``chat_id_enc``  the chat id, AES-GCM sealed: read back only to send a reminder.
    ``language``     ``nl``/``en`` once chosen, else NULL (plain: says nothing about anyone).
    ``state_enc``    the conversation state JSON, AES-GCM sealed (it names a problem).
    ``updated_at``   last activity, UTC text (`to_db_time`): what the idle purge reads.

Every stored time is rounded to the minute (`to_db_time`): nothing needs more, and a
microsecond stamp would let a stolen file be matched against Telegram's own logs. Every
sealed value is padded to a fixed bucket (`SEALED_BUCKETS`), so its length tells nothing.

Rules of this module:

- Nothing outside it sees SQL errors: `sqlite3`/`aiosqlite` errors (and values
  that fail to decrypt) become `StorageError` here, at the edge.
- It never reads the clock: every timestamp comes in as an aware `now`.
- The schema is versioned with ``PRAGMA user_version``; `MIGRATIONS` is an
  append-only list of SQL scripts (or, where stored values must be sealed with
  the key, an async function of the connection and the `Secrets`). Migration
  *i* (0-based) brings the file to version *i + 1*, in one transaction.
- Every table holding a user's data is keyed by ``user_key`` and listed in
  `USER_TABLES`, so that `forget_user` and `purge_idle` cannot miss one.

Other parts of `bot/` (reminders, check-ins, clinic counters) add their
tables by appending a migration, listing user-keyed tables in `USER_TABLES`,
and a "keep this user" condition in `KEEP_IDLE_USER_IF`; they run their own
queries through `Storage.transaction()` / `Storage.read()` and seal personal
values with `Storage.secrets`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.secrets import Secrets, UnsealError

__all__ = [
    "KEEP_IDLE_USER_IF",
    "MIGRATIONS",
    "SEALED_BUCKETS",
    "USER_TABLES",
    "Conversation",
    "Storage",
    "StorageError",
    "from_db_time",
    "to_db_time",
]


log = logging.getLogger(__name__)


class StorageError(Exception):
    """The database could not do what was asked (locked, corrupt, full, closed, wrong key…)."""


SEALED_BUCKETS = {"users.chat_id": 32, "users.state": 1024, "meeting": 128, "clinic": 128}
"""The padded plaintext size of each kind of sealed value (longer values take the next power
of two): every chat id seals to one length, and a state to one length whatever it holds."""

Migration = str | Callable[[aiosqlite.Connection, Secrets], Awaitable[None]]
"""An SQL script, or a function run inside the migration's transaction (it may seal values)."""


async def _seal_reminder_ids(db: aiosqlite.Connection, secrets: Secrets) -> None:
    """Migration 5: meeting and clinic ids in ``reminders`` and ``outbox`` are sealed.

    In plain text ``coke-van-jou-amsterdam-open-dag`` next to a user key said which drug,
    which town and which day. Each is now sealed (``meeting_enc``, ``clinic_enc``) and,
    where a query looks a meeting up, replaced by its keyed hash (``meeting_key``). Outbox
    rows become unique per (reminder, kind, occurrence, offset), so planning the same
    message twice is a no-op. The two tables are rebuilt (SQLite cannot drop a column that
    a UNIQUE constraint names); `_migrate` runs this with foreign keys off.
    """
    # One statement at a time: `executescript` would commit the migration's transaction.
    for statement in (
        """
        CREATE TABLE reminders_new (
            id          INTEGER PRIMARY KEY,
            user_key    TEXT NOT NULL,
            meeting_key TEXT NOT NULL,
            meeting_enc BLOB NOT NULL,
            offsets     TEXT NOT NULL,
            weekly      INTEGER NOT NULL,
            clinic_enc  BLOB,
            created_at  TEXT NOT NULL,
            UNIQUE (user_key, meeting_key)
        )
        """,
        """
        CREATE TABLE outbox_new (
            id             INTEGER PRIMARY KEY,
            user_key       TEXT NOT NULL,
            reminder_id    INTEGER REFERENCES reminders (id) ON DELETE CASCADE,
            kind           TEXT NOT NULL,
            meeting_key    TEXT,
            meeting_enc    BLOB,
            occurrence_at  TEXT,
            offset_minutes INTEGER,
            due_at         TEXT NOT NULL,
            state          TEXT NOT NULL,
            attempts       INTEGER NOT NULL DEFAULT 0,
            detail         TEXT,
            done_at        TEXT
        )
        """,
    ):
        await db.execute(statement)
    async with db.execute(
        "SELECT id, user_key, meeting_id, offsets, weekly, clinic_id, created_at FROM reminders"
    ) as cursor:
        for row in await cursor.fetchall():
            user_key = row[1]
            clinic = row[5]
            await db.execute(
                "INSERT INTO reminders_new VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row[0],
                    user_key,
                    meeting_key(secrets, row[2]),
                    seal_meeting(secrets, row[2], "reminders", user_key),
                    row[3],
                    row[4],
                    seal_clinic(secrets, clinic, user_key) if clinic else None,
                    to_db_time(from_db_time(row[6])),
                ),
            )
    async with db.execute(
        "SELECT id, user_key, reminder_id, kind, meeting_id, occurrence_at, offset_minutes, "
        "due_at, state, attempts, detail, done_at FROM outbox ORDER BY id"
    ) as cursor:
        for row in await cursor.fetchall():
            user_key, meeting = row[1], row[4]
            await db.execute(
                "INSERT INTO outbox_new VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *row[:4],
                    meeting_key(secrets, meeting) if meeting else None,
                    seal_meeting(secrets, meeting, "outbox", user_key) if meeting else None,
                    row[5],
                    row[6],
                    to_db_time(from_db_time(row[7]), round_up=True),
                    row[8],
                    row[9],
                    row[10],
                    to_db_time(from_db_time(row[11])) if row[11] else None,
                ),
            )
    for statement in (
        "DROP TABLE outbox",
        "DROP TABLE reminders",
        "ALTER TABLE reminders_new RENAME TO reminders",
        "ALTER TABLE outbox_new RENAME TO outbox",
        "CREATE INDEX reminders_meeting ON reminders (meeting_key)",
        "CREATE INDEX outbox_due ON outbox (state, due_at)",
        "CREATE INDEX outbox_user ON outbox (user_key)",
        "CREATE INDEX outbox_reminder ON outbox (reminder_id)",
        "CREATE INDEX outbox_meeting ON outbox (meeting_key, occurrence_at)",
        """
        DELETE FROM outbox WHERE reminder_id IS NOT NULL AND id NOT IN (
            SELECT min(id) FROM outbox WHERE reminder_id IS NOT NULL
            GROUP BY reminder_id, kind, occurrence_at, coalesce(offset_minutes, -1)
        )
        """,
        """
        CREATE UNIQUE INDEX outbox_planned ON outbox
            (reminder_id, kind, occurrence_at, coalesce(offset_minutes, -1))
            WHERE reminder_id IS NOT NULL
        """,
        "UPDATE users SET updated_at = substr(updated_at, 1, 16) || ':00.000000Z'",
        "UPDATE checkins SET last_sent_at = substr(last_sent_at, 1, 16) || ':00.000000Z' "
        "WHERE last_sent_at IS NOT NULL",
    ):
        await db.execute(statement)


def meeting_key(secrets: Secrets, meeting_id: str) -> str:
    """The keyed hash that stands for a meeting id where a query must find it."""
    return secrets.lookup_key("meeting", meeting_id)


def seal_meeting(secrets: Secrets, meeting_id: str, table: str, user_key: str) -> bytes:
    """A meeting id sealed for one row of `table` (``reminders`` or ``outbox``)."""
    return secrets.seal(
        meeting_id.encode(), _context(f"{table}.meeting", user_key), SEALED_BUCKETS["meeting"]
    )


def unseal_meeting(secrets: Secrets, blob: bytes, table: str, user_key: str) -> str:
    return secrets.unseal(blob, _context(f"{table}.meeting", user_key)).decode()


def seal_clinic(secrets: Secrets, clinic_id: str, user_key: str) -> bytes:
    """The clinic a reminder's conversation came through, sealed (it hints at a treatment).

    Only migration 5 writes it; migration 7 drops the column again, unread."""
    return secrets.seal(
        clinic_id.encode(), _context("reminders.clinic", user_key), SEALED_BUCKETS["clinic"]
    )


# Append only: never edit a script that has shipped; add a new one instead.
MIGRATIONS: list[Migration] = [
    # 1: conversations (bot-core)
    """
    CREATE TABLE users (
        user_key    TEXT PRIMARY KEY,
        chat_id_enc BLOB NOT NULL,
        language    TEXT,
        state_enc   BLOB NOT NULL,
        updated_at  TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX users_updated_at ON users (updated_at);
    """,
    # 2: reminders (reminders helper): what the user asked for, and every message planned
    # from it. `outbox` is the source of truth for sending (the JobQueue only triggers);
    # see bot/reminders/store.py. Meeting ids are plain: without the key a user_key names nobody.
    """
    CREATE TABLE reminders (
        id          INTEGER PRIMARY KEY,
        user_key    TEXT NOT NULL,
        meeting_id  TEXT NOT NULL,
        offsets     TEXT NOT NULL,
        weekly      INTEGER NOT NULL,
        clinic_id   TEXT,
        created_at  TEXT NOT NULL,
        UNIQUE (user_key, meeting_id)
    );
    CREATE TABLE outbox (
        id             INTEGER PRIMARY KEY,
        user_key       TEXT NOT NULL,
        reminder_id    INTEGER REFERENCES reminders (id) ON DELETE CASCADE,
        kind           TEXT NOT NULL,
        meeting_id     TEXT,
        occurrence_at  TEXT,
        offset_minutes INTEGER,
        due_at         TEXT NOT NULL,
        state          TEXT NOT NULL,
        attempts       INTEGER NOT NULL DEFAULT 0,
        detail         TEXT,
        done_at        TEXT
    );
    CREATE INDEX outbox_due ON outbox (state, due_at);
    CREATE INDEX outbox_user ON outbox (user_key);
    CREATE INDEX outbox_reminder ON outbox (reminder_id);
    CREATE TABLE reminder_counts (name TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
    """,
    # 3: check-ins (reminders helper): per user, only what keeps check-ins gentle.
    """
    CREATE TABLE checkins (
        user_key     TEXT PRIMARY KEY,
        opted_out    INTEGER NOT NULL DEFAULT 0,
        unanswered   INTEGER NOT NULL DEFAULT 0,
        last_sent_at TEXT
    ) WITHOUT ROWID;
    """,
    # 4: clinic counters (clinics helper; see bot/clinics/counters.py). Deliberately no
    # user_key, no chat id, no timestamp finer than the ISO week: a count names no one.
    """
    CREATE TABLE counters (
        clinic_id TEXT NOT NULL,
        iso_week  TEXT NOT NULL CHECK (iso_week GLOB '[0-9][0-9][0-9][0-9]-W[0-5][0-9]'),
        metric    TEXT NOT NULL,
        count     INTEGER NOT NULL CHECK (count >= 0),
        PRIMARY KEY (clinic_id, iso_week, metric)
    ) WITHOUT ROWID;
    """,
    # 5: meeting and clinic ids sealed, outbox rows unique, at most a few open rows per user.
    _seal_reminder_ids,
    # 6: who has been counted for a clinic this week (see bot/clinics/counters.py): a keyed
    # hash per person and count, so that one person repeating a step counts once.
    """
    CREATE TABLE counted (
        user_key TEXT NOT NULL,
        mark     TEXT NOT NULL,
        PRIMARY KEY (user_key, mark)
    ) WITHOUT ROWID;
    """,
    # 7: the clinic a reminder's conversation came through is not kept with the reminder:
    # nothing read it (clinic counts are made in the conversation), so it is not stored.
    """
    ALTER TABLE reminders DROP COLUMN clinic_enc;
    """,
]

# Tables with a ``user_key`` column holding one user's data. `forget_user` and
# `purge_idle` delete from each, in this order: list child tables before ``users``.
USER_TABLES: list[str] = ["outbox", "reminders", "checkins", "counted", "users"]

# SQL conditions on ``users.user_key`` that keep an idle user from being purged,
# e.g. "EXISTS (SELECT 1 FROM reminders r WHERE r.user_key = users.user_key)".
KEEP_IDLE_USER_IF: list[str] = [
    "EXISTS (SELECT 1 FROM reminders r WHERE r.user_key = users.user_key)",
]

_DB_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_MINUTE = timedelta(minutes=1)


def to_db_time(at: datetime, *, round_up: bool = False) -> str:
    """An aware datetime as fixed-width UTC text, so SQL compares it in time order.

    Rounded down to the minute; `round_up` for a due time (a retry Telegram asked to wait
    for must not come early).

    >>> to_db_time(datetime(2026, 11, 24, 19, 30, 12, 345, tzinfo=UTC))
    '2026-11-24T19:30:00.000000Z'
    >>> to_db_time(datetime(2026, 11, 24, 19, 30, 12, tzinfo=UTC), round_up=True)
    '2026-11-24T19:31:00.000000Z'
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("storage takes aware datetimes only")
    minute = at.astimezone(UTC).replace(second=0, microsecond=0)
    if round_up and minute < at:
        minute += _MINUTE
    return minute.strftime(_DB_TIME_FORMAT)


def from_db_time(text: str) -> datetime:
    """The aware (UTC) datetime `to_db_time` wrote."""
    return datetime.strptime(text, _DB_TIME_FORMAT).replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Conversation:
    """One user's stored conversation: the state JSON, the chosen language, last activity."""

    state_json: str
    language: str | None
    updated_at: datetime


@contextmanager
def _mapped(doing: str) -> Iterator[None]:
    """Turn database and decryption errors into `StorageError` (the edge of this layer)."""
    try:
        yield
    except StorageError:
        raise
    except sqlite3.Error as error:
        raise StorageError(f"{doing}: {type(error).__name__}: {error}") from error
    except UnsealError as error:
        raise StorageError(f"{doing}: stored value does not decrypt (another key?)") from error


class Storage:
    """The SQLite file; open with ``await Storage.open(path, secrets)``, then ``close()``.

    One connection, used by one coroutine at a time (an asyncio lock), which is
    what SQLite's single writer wants anyway and keeps transactions from
    interleaving on the shared connection.
    """

    def __init__(self, db: aiosqlite.Connection, secrets: Secrets) -> None:
        self._db = db
        self.secrets = secrets
        self._lock = asyncio.Lock()
        self._closed = False

    @classmethod
    async def open(cls, path: Path, secrets: Secrets) -> Storage:
        """Open (creating the directory and file), switch to WAL, migrate to the newest schema."""
        with _mapped("opening the database"):
            path.parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(path, isolation_level=None)
            # Owner-only, like the key file; SQLite gives -wal/-shm the same mode.
            with suppress(OSError):
                path.chmod(0o600)
            try:
                await db.execute("PRAGMA journal_mode = WAL")
                # NORMAL in WAL mode survives a process crash (SIGKILL); only a power
                # cut can lose the last commits, never corrupt the file.
                await db.execute("PRAGMA synchronous = NORMAL")
                await db.execute("PRAGMA foreign_keys = ON")
                # Deleted rows (/vergeet, purge) are overwritten with zeros, not left in
                # free pages; not every SQLite build has this on by default.
                await db.execute("PRAGMA secure_delete = ON")
                await db.execute("PRAGMA busy_timeout = 5000")
                await _migrate(db, secrets)
            except BaseException:
                await db.close()
                raise
        return cls(db, secrets)

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._closed:
            return
        self._closed = True
        async with self._lock:
            with _mapped("closing the database"):
                await self._db.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection inside ``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on error)."""
        async with self._lock:
            self._check_open()
            with _mapped("writing"):
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    await self._db.execute("ROLLBACK")
                    raise
                await self._db.execute("COMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection outside a transaction: for reads and single-statement writes.

        Held exclusively like `transaction()`, so nobody else's transaction is
        open on the shared connection in between. Each statement commits on its
        own (autocommit), which for one statement is just as atomic and needs one
        trip to aiosqlite's thread instead of three.
        """
        async with self._lock:
            self._check_open()
            with _mapped("reading"):
                yield self._db

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("the database is closed")

    def user_key(self, chat_id: int) -> str:
        """The keyed hash that stands for this chat in every table."""
        return self.secrets.user_key(chat_id)

    async def load_conversation(self, user_key: str) -> Conversation | None:
        """The stored conversation, or None for someone new (or forgotten).

        A state that no longer decrypts (a damaged or tampered row) is treated
        as absent and logged: the next save replaces it, so the person starts
        afresh instead of meeting an error on every message.
        """
        async with self.read() as db:
            rows = await db.execute_fetchall(
                "SELECT state_enc, language, updated_at FROM users WHERE user_key = ?",
                (user_key,),
            )
        if not rows:
            return None
        row = next(iter(rows))
        try:
            state = self.secrets.unseal(row[0], _context("users.state", user_key))
        except UnsealError:
            log.warning("a stored conversation does not decrypt; starting it afresh")
            return None
        return Conversation(state.decode(), row[1], from_db_time(row[2]))

    async def save_conversation(
        self,
        user_key: str,
        chat_id: int,
        state_json: str,
        language: str | None,
        now: datetime,
    ) -> None:
        """Store the state (sealed) and chat id (sealed); a None language keeps a stored one."""
        chat_id_enc = self.secrets.seal(
            str(chat_id).encode(),
            _context("users.chat_id", user_key),
            SEALED_BUCKETS["users.chat_id"],
        )
        state_enc = self.secrets.seal(
            state_json.encode(), _context("users.state", user_key), SEALED_BUCKETS["users.state"]
        )
        # One statement: atomic on its own, and one trip to the database thread.
        async with self.read() as db:
            await db.execute(
                """
                INSERT INTO users (user_key, chat_id_enc, language, state_enc, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (user_key) DO UPDATE SET
                    chat_id_enc = excluded.chat_id_enc,
                    language = coalesce(excluded.language, users.language),
                    state_enc = excluded.state_enc,
                    updated_at = excluded.updated_at
                """,
                (user_key, chat_id_enc, language, state_enc, to_db_time(now)),
            )

    async def set_language(self, user_key: str, language: str, now: datetime) -> None:
        """Remember the user's language choice (a user not yet stored is left alone)."""
        async with self.read() as db:
            await db.execute(
                "UPDATE users SET language = ?, updated_at = ? WHERE user_key = ?",
                (language, to_db_time(now), user_key),
            )

    async def chat_id(self, user_key: str) -> int | None:
        """The chat to send to (for reminders), read back from its sealed copy."""
        async with self.read() as db:
            rows = await db.execute_fetchall(
                "SELECT chat_id_enc FROM users WHERE user_key = ?", (user_key,)
            )
            if not rows:
                return None
            row = next(iter(rows))
            return int(self.secrets.unseal(row[0], _context("users.chat_id", user_key)))

    async def forget_user(self, user_key: str) -> None:
        """Delete everything of this user from every user table, in one transaction."""
        async with self.transaction() as db:
            for table in USER_TABLES:
                await db.execute(f"DELETE FROM {table} WHERE user_key = ?", (user_key,))

    async def purge_idle(self, before: datetime) -> int:
        """Forget every user last active before `before` whom nothing keeps; return how many."""
        keep = "".join(f" AND NOT ({condition})" for condition in KEEP_IDLE_USER_IF)
        async with self.transaction() as db:
            async with db.execute(
                f"SELECT user_key FROM users WHERE updated_at < ?{keep}", (to_db_time(before),)
            ) as cursor:
                user_keys = [(row[0],) for row in await cursor.fetchall()]
            for table in USER_TABLES:
                await db.executemany(f"DELETE FROM {table} WHERE user_key = ?", user_keys)
        return len(user_keys)

    async def check_writable(self) -> None:
        """Take SQLite's write lock and commit an empty write (readiness); `StorageError` if not."""
        async with self.transaction() as db:
            await db.execute("UPDATE users SET updated_at = updated_at WHERE 0")

    async def count_users(self) -> int:
        """How many users are stored (for operators and tests; says nothing about anyone)."""
        async with self.read() as db, db.execute("SELECT count(*) FROM users") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0


def _context(column: str, user_key: str) -> str:
    """What a sealed value is bound to: its column and its row."""
    return f"{column}|{user_key}"


async def _migrate(db: aiosqlite.Connection, secrets: Secrets) -> None:
    """Bring the file to ``len(MIGRATIONS)``, one transaction per migration.

    Foreign keys are off meanwhile (a migration may rebuild a table others refer to, as
    SQLite's ALTER TABLE recipe asks) and checked before each commit.
    """
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    if version > len(MIGRATIONS):
        raise StorageError(
            f"database schema version {version} is newer than this code ({len(MIGRATIONS)}); "
            "refusing to run an older bot on it"
        )
    if version == len(MIGRATIONS):
        return
    await db.execute("PRAGMA foreign_keys = OFF")
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        try:
            if isinstance(migration, str):
                await db.executescript(
                    f"BEGIN IMMEDIATE;\n{migration}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
                continue
            await db.execute("BEGIN IMMEDIATE")
            await migration(db, secrets)
            async with db.execute("PRAGMA foreign_key_check") as cursor:
                if await cursor.fetchone() is not None:
                    raise StorageError(f"migration {number} broke a foreign key")
            await db.execute(f"PRAGMA user_version = {number}")
            await db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise
    await db.execute("PRAGMA foreign_keys = ON")
