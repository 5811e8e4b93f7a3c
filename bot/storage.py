"""The bot's memory: one SQLite file (aiosqlite, WAL), holding as little as possible.

What is stored, and how (a stolen file alone must not say who looks for help
with what):

``users``
    ``user_key``     HMAC-SHA256 of the chat id (`Secrets.user_key`): the lookup key.
    ``chat_id_enc``  the chat id, AES-GCM sealed: read back only to send a reminder.
    ``language``     ``nl``/``en`` once chosen, else NULL (plain: says nothing about anyone).
    ``state_enc``    the conversation state JSON, AES-GCM sealed (it names a problem).
    ``updated_at``   last activity, UTC text (`to_db_time`): what the idle purge reads.

Rules of this module:

- Nothing outside it sees SQL errors: `sqlite3`/`aiosqlite` errors (and values
  that fail to decrypt) become `StorageError` here, at the edge.
- It never reads the clock: every timestamp comes in as an aware `now`.
- The schema is versioned with ``PRAGMA user_version``; `MIGRATIONS` is an
  append-only list of SQL scripts. Script *i* (0-based) brings the file to
  version *i + 1*, in one transaction.
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
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.secrets import Secrets, UnsealError

__all__ = [
    "KEEP_IDLE_USER_IF",
    "MIGRATIONS",
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


# Append only: never edit a script that has shipped; add a new one instead.
MIGRATIONS: list[str] = [
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
]

# Tables with a ``user_key`` column holding one user's data. `forget_user` and
# `purge_idle` delete from each, in this order: list child tables before ``users``.
USER_TABLES: list[str] = ["outbox", "reminders", "checkins", "users"]

# SQL conditions on ``users.user_key`` that keep an idle user from being purged,
# e.g. "EXISTS (SELECT 1 FROM reminders r WHERE r.user_key = users.user_key)".
KEEP_IDLE_USER_IF: list[str] = [
    "EXISTS (SELECT 1 FROM reminders r WHERE r.user_key = users.user_key)",
]

_DB_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_db_time(at: datetime) -> str:
    """An aware datetime as fixed-width UTC text, so SQL compares it in time order.

    >>> to_db_time(datetime(2026, 11, 24, 19, 30, tzinfo=UTC))
    '2026-11-24T19:30:00.000000Z'
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("storage takes aware datetimes only")
    return at.astimezone(UTC).strftime(_DB_TIME_FORMAT)


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
                await _migrate(db)
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
        chat_id_enc = self.secrets.seal(str(chat_id).encode(), _context("users.chat_id", user_key))
        state_enc = self.secrets.seal(state_json.encode(), _context("users.state", user_key))
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


async def _migrate(db: aiosqlite.Connection) -> None:
    """Bring the file to ``len(MIGRATIONS)``, one transaction per script."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    if version > len(MIGRATIONS):
        raise StorageError(
            f"database schema version {version} is newer than this code ({len(MIGRATIONS)}); "
            "refusing to run an older bot on it"
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        try:
            await db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        except sqlite3.Error:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise
