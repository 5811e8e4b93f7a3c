"""``python -m bot rotate-key``: re-seal every stored row with a new secret key.

The key does two things (`bot.secrets`): it derives the keyed hashes (each user's
``user_key``, the key of every user table; a reminder's ``meeting_key``) and it seals what
must be read back (the chat id, the conversation state, a reminder's meeting).
A new key therefore means, per user: a new ``user_key`` in every table of `USER_TABLES`,
every sealed value opened with the old key and sealed again with the new one (bound to the
new ``user_key``), and each ``meeting_key`` hashed anew. The ``counted`` marks (one-way
hashes of what was counted this week) cannot be recomputed and are dropped: at worst the
person is counted once more for a clinic in the week of the rotation.

    ZELFHULPWIJZER_SECRET_KEY=<old> ZELFHULPWIJZER_NEW_SECRET_KEY=<new> python -m bot rotate-key

Run it with the bot stopped. Users are re-sealed in transactions of `BATCH` users (all
of one user's rows in the same one), so an interruption (a crash, a full disk, Ctrl-C)
leaves every user wholly old or wholly new; running the same command again skips those
that already open with the new key and finishes the rest. Until it has finished,
``key-rotation-in-progress`` in the data directory keeps the bot (and ``check``) from
starting with half the rows unreadable. Afterwards, set ``ZELFHULPWIJZER_SECRET_KEY`` to the
new key and start the bot. ``PRAGMA secure_delete`` overwrites the old values on disk.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Config
from bot.secrets import SecretKeyError, Secrets, UnsealError, load_secrets, parse_master_key
from bot.storage import (
    SEALED_BUCKETS,
    USER_TABLES,
    StorageError,
    meeting_key,
    seal_meeting,
    unseal_meeting,
)
from bot.storage import _context as sealed_context  # how Storage binds a sealed value
from dialogs import DialogState, state_to_json

__all__ = ["MARKER", "NEW_KEY_ENV", "RotationError", "refuse_during_rotation", "rotate_key"]

ROTATED_SCHEMA = 7
"""The schema whose every sealed value and keyed hash this module re-keys (see above). A
migration that seals or hashes anything else with the key must extend `_resealed` and
`_write` and raise this; until then the rotation refuses to run, rather than leave values
that no key opens."""

NEW_KEY_ENV = "ZELFHULPWIJZER_NEW_SECRET_KEY"
MARKER = "key-rotation-in-progress"
BATCH = 200
"""Users per transaction: few commits (fast), little to redo after an interruption."""


class RotationError(Exception):
    """The rotation cannot start or go on; the message says what to do."""


def refuse_during_rotation(config: Config) -> None:
    """Raise `StorageError` while a rotation of this data directory is unfinished."""
    if (config.data_dir / MARKER).exists():
        raise StorageError(
            "a key rotation was interrupted; finish it first with: python -m bot rotate-key "
            f"(with ZELFHULPWIJZER_SECRET_KEY and {NEW_KEY_ENV} as before)"
        )


def rotate_key(config: Config, environ: Mapping[str, str]) -> str:
    """Re-seal every user under the new key from `environ`; returns a summary line."""
    if not config.database_path.exists():
        raise RotationError(f"no database at {config.database_path}")
    old = load_secrets(config)
    raw = environ.get(NEW_KEY_ENV, "").strip()
    if not raw:
        raise SecretKeyError(f"{NEW_KEY_ENV} is not set: the key to rotate to")
    new = Secrets.from_master_key(parse_master_key(raw))
    if new == old:
        raise RotationError(f"{NEW_KEY_ENV} is the key in use; make a new one")
    marker = config.data_dir / MARKER
    marker.write_text(f"started {datetime.now(UTC).isoformat(timespec='seconds')}\n")
    rotated = done = 0
    with _connect(config.database_path) as db:
        schema = db.execute("PRAGMA user_version").fetchone()[0]
        if schema != ROTATED_SCHEMA:
            marker.unlink()
            raise RotationError(
                f"the database has schema {schema}; this rotate-key re-keys schema "
                f"{ROTATED_SCHEMA} only (values sealed by other migrations would be lost)"
            )
        users = db.execute("SELECT user_key, chat_id_enc, state_enc FROM users").fetchall()
        for start in range(0, len(users), BATCH):
            todo = []
            for user_key, chat_id_enc, state_enc in users[start : start + BATCH]:
                if _opens(new, chat_id_enc, sealed_context("users.chat_id", user_key)):
                    done += 1  # re-sealed by an earlier, interrupted run
                else:
                    todo.append(_resealed(db, old, new, user_key, chat_id_enc, state_enc))
            _write(db, todo)
            rotated += len(todo)
    marker.unlink()
    return (
        f"re-sealed {rotated} users ({done} were already done); now set "
        f"ZELFHULPWIJZER_SECRET_KEY to the new key and start the bot"
    )


@dataclass(frozen=True, slots=True)
class _Resealed:
    """One user's rows under the new key, ready to be written."""

    old_key: str
    new_key: str
    chat_id_enc: bytes
    state_enc: bytes
    reminders: list[tuple[str, bytes, int]]  # meeting_key, sealed meeting, id
    outbox: list[tuple[str | None, bytes | None, int]]  # meeting_key, meeting, id


def _resealed(
    db: sqlite3.Connection,
    old: Secrets,
    new: Secrets,
    user_key: str,
    chat_id_enc: bytes,
    state_enc: bytes,
) -> _Resealed:
    """Open one user's values with the old key and seal them for the new `user_key`."""
    try:
        chat_id = int(old.unseal(chat_id_enc, sealed_context("users.chat_id", user_key)))
    except UnsealError:
        raise RotationError(
            "a stored chat id opens with neither key: is ZELFHULPWIJZER_SECRET_KEY the key "
            "the bot ran with?"
        ) from None
    try:
        state = old.unseal(state_enc, sealed_context("users.state", user_key))
    except UnsealError:  # damaged: the bot would start this conversation afresh anyway
        state = state_to_json(DialogState()).encode()
    key = new.user_key(chat_id)
    reminders = []
    for row_id, meeting_enc in db.execute(
        "SELECT id, meeting_enc FROM reminders WHERE user_key = ?", (user_key,)
    ):
        meeting = unseal_meeting(old, meeting_enc, "reminders", user_key)
        reminders.append(
            (meeting_key(new, meeting), seal_meeting(new, meeting, "reminders", key), row_id)
        )
    outbox = []
    for row_id, meeting_enc in db.execute(
        "SELECT id, meeting_enc FROM outbox WHERE user_key = ?", (user_key,)
    ):
        meeting = unseal_meeting(old, meeting_enc, "outbox", user_key) if meeting_enc else None
        outbox.append(
            (
                meeting_key(new, meeting) if meeting else None,
                seal_meeting(new, meeting, "outbox", key) if meeting else None,
                row_id,
            )
        )
    return _Resealed(
        user_key,
        key,
        new.seal(
            str(chat_id).encode(),
            sealed_context("users.chat_id", key),
            SEALED_BUCKETS["users.chat_id"],
        ),
        new.seal(state, sealed_context("users.state", key), SEALED_BUCKETS["users.state"]),
        reminders,
        outbox,
    )


def _write(db: sqlite3.Connection, users: list[_Resealed]) -> None:
    """Write re-sealed users in one transaction: each of them in every user table."""
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany(
            "UPDATE reminders SET meeting_key = ?, meeting_enc = ? WHERE id = ?",
            [row for user in users for row in user.reminders],
        )
        db.executemany(
            "UPDATE outbox SET meeting_key = ?, meeting_enc = ? WHERE id = ?",
            [row for user in users for row in user.outbox],
        )
        db.executemany(
            "DELETE FROM counted WHERE user_key = ?", [(user.old_key,) for user in users]
        )
        for table in USER_TABLES:
            if table != "users":
                db.executemany(
                    f"UPDATE {table} SET user_key = ? WHERE user_key = ?",
                    [(user.new_key, user.old_key) for user in users],
                )
        db.executemany(
            "UPDATE users SET user_key = ?, chat_id_enc = ?, state_enc = ? WHERE user_key = ?",
            [(u.new_key, u.chat_id_enc, u.state_enc, u.old_key) for u in users],
        )
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _opens(secrets: Secrets, blob: bytes, context: str) -> bool:
    try:
        secrets.unseal(blob, context)
    except UnsealError:
        return False
    return True


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """The bot's file with the bot's pragmas (WAL stays, deleted values are zeroed)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA secure_delete = ON")
        db.execute("PRAGMA synchronous = NORMAL")  # as the bot: WAL survives a crash
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        yield db
