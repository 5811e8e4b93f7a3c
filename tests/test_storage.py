"""Storage on a real SQLite file: round trips, nothing readable at rest, forgetting, purging."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import storage as storage_module
from bot.secrets import Secrets
from bot.storage import MIGRATIONS, Storage, StorageError

NOW = datetime(2026, 11, 24, 19, 30, tzinfo=UTC)
CHAT_ID = 987654321012
STATE = '{"step": "results", "problem": "gambling", "place_id": "gn:2745912"}'


@pytest.fixture
def secrets() -> Secrets:
    return Secrets.from_master_key(bytes(range(32)))


@pytest.fixture
async def storage(tmp_path: Path, secrets: Secrets):
    opened = await Storage.open(tmp_path / "bot.sqlite3", secrets)
    yield opened
    await opened.close()


async def test_conversation_round_trip(storage: Storage):
    key = storage.user_key(CHAT_ID)
    assert await storage.load_conversation(key) is None
    await storage.save_conversation(key, CHAT_ID, STATE, None, NOW)
    loaded = await storage.load_conversation(key)
    assert loaded is not None
    assert (loaded.state_json, loaded.language, loaded.updated_at) == (STATE, None, NOW)
    assert await storage.chat_id(key) == CHAT_ID


async def test_language_is_kept_when_a_later_save_does_not_name_one(storage: Storage):
    key = storage.user_key(CHAT_ID)
    await storage.save_conversation(key, CHAT_ID, "{}", None, NOW)
    await storage.set_language(key, "en", NOW)
    await storage.save_conversation(key, CHAT_ID, STATE, None, NOW + timedelta(minutes=1))
    loaded = await storage.load_conversation(key)
    assert loaded is not None and loaded.language == "en"
    assert loaded.updated_at == NOW + timedelta(minutes=1)


async def test_user_key_is_stable_keyed_and_distinct(secrets: Secrets):
    other = Secrets.from_master_key(bytes(32))
    assert secrets.user_key(CHAT_ID) == secrets.user_key(CHAT_ID)
    assert secrets.user_key(CHAT_ID) != secrets.user_key(CHAT_ID + 1)
    assert secrets.user_key(CHAT_ID) != other.user_key(CHAT_ID)
    assert str(CHAT_ID) not in secrets.user_key(CHAT_ID)


async def test_database_file_holds_no_chat_id_or_problem_in_plain(tmp_path: Path, secrets):
    path = tmp_path / "bot.sqlite3"
    storage = await Storage.open(path, secrets)
    key = storage.user_key(CHAT_ID)
    await storage.save_conversation(key, CHAT_ID, STATE, "nl", NOW)
    await storage.close()  # checkpoints the WAL into the main file
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert key.encode() in raw  # the lookup key is there, so the search below is meaningful
    assert str(CHAT_ID).encode() not in raw
    assert b"gambling" not in raw
    assert b"gn:2745912" not in raw


async def test_sealed_value_moved_to_another_row_does_not_decrypt(tmp_path: Path, secrets):
    path = tmp_path / "bot.sqlite3"
    storage = await Storage.open(path, secrets)
    victim, other = storage.user_key(1111), storage.user_key(2222)
    await storage.save_conversation(victim, 1111, STATE, None, NOW)
    await storage.save_conversation(other, 2222, "{}", None, NOW)
    async with storage.transaction() as db:
        await db.execute(
            "UPDATE users SET state_enc = (SELECT state_enc FROM users WHERE user_key = ?)"
            " WHERE user_key = ?",
            (victim, other),
        )
    # The copied state does not decrypt in its new row: that conversation starts afresh
    # (and the next save heals the row) rather than failing on every message.
    assert await storage.load_conversation(other) is None
    await storage.save_conversation(other, 2222, "{}", None, NOW)
    loaded = await storage.load_conversation(other)
    assert loaded is not None and loaded.state_json == "{}"
    # A sealed chat id is only ever read back where it was written.
    async with storage.transaction() as db:
        await db.execute(
            "UPDATE users SET chat_id_enc = (SELECT chat_id_enc FROM users WHERE user_key = ?)"
            " WHERE user_key = ?",
            (victim, other),
        )
    with pytest.raises(StorageError, match="decrypt"):
        await storage.chat_id(other)
    await storage.close()


async def test_another_key_does_not_find_the_conversation(tmp_path: Path, secrets):
    path = tmp_path / "bot.sqlite3"
    storage = await Storage.open(path, secrets)
    await storage.save_conversation(storage.user_key(CHAT_ID), CHAT_ID, STATE, None, NOW)
    await storage.close()
    stranger = await Storage.open(path, Secrets.from_master_key(bytes(32)))
    assert await stranger.load_conversation(stranger.user_key(CHAT_ID)) is None
    await stranger.close()


async def test_forget_user_deletes_every_user_table(tmp_path: Path, secrets, monkeypatch):
    # A later table (as the reminders helper adds) must be emptied by the same call.
    monkeypatch.setattr(
        storage_module,
        "MIGRATIONS",
        [*MIGRATIONS, "CREATE TABLE notes (user_key TEXT NOT NULL, body TEXT);"],
    )
    monkeypatch.setattr(storage_module, "USER_TABLES", ["notes", "users"])
    storage = await Storage.open(tmp_path / "bot.sqlite3", secrets)
    gone, kept = storage.user_key(1), storage.user_key(2)
    for chat_id, key in ((1, gone), (2, kept)):
        await storage.save_conversation(key, chat_id, STATE, "en", NOW)
        async with storage.transaction() as db:
            await db.execute("INSERT INTO notes VALUES (?, 'x')", (key,))
    await storage.forget_user(gone)
    assert await storage.load_conversation(gone) is None
    assert await storage.chat_id(gone) is None
    assert await storage.load_conversation(kept) is not None
    async with storage.read() as db, db.execute("SELECT user_key FROM notes") as cursor:
        assert [row[0] for row in await cursor.fetchall()] == [kept]
    await storage.close()


async def test_forget_user_is_one_transaction(tmp_path: Path, secrets, monkeypatch):
    # The second table does not exist: the first delete must be rolled back with it.
    monkeypatch.setattr(storage_module, "USER_TABLES", ["users", "no_such_table"])
    storage = await Storage.open(tmp_path / "bot.sqlite3", secrets)
    key = storage.user_key(CHAT_ID)
    await storage.save_conversation(key, CHAT_ID, STATE, None, NOW)
    with pytest.raises(StorageError):
        await storage.forget_user(key)
    assert await storage.load_conversation(key) is not None
    await storage.close()


async def test_purge_idle_forgets_only_the_idle(storage: Storage):
    old, recent = storage.user_key(1), storage.user_key(2)
    await storage.save_conversation(old, 1, STATE, None, NOW - timedelta(days=91))
    await storage.save_conversation(recent, 2, STATE, None, NOW - timedelta(days=89))
    assert await storage.purge_idle(NOW - timedelta(days=90)) == 1
    assert await storage.load_conversation(old) is None
    assert await storage.load_conversation(recent) is not None
    assert await storage.purge_idle(NOW - timedelta(days=90)) == 0


async def test_purge_idle_spares_users_a_later_table_keeps(tmp_path, secrets, monkeypatch):
    monkeypatch.setattr(
        storage_module,
        "MIGRATIONS",
        [*MIGRATIONS, "CREATE TABLE later_table (user_key TEXT NOT NULL);"],
    )
    monkeypatch.setattr(storage_module, "USER_TABLES", ["later_table", "users"])
    monkeypatch.setattr(
        storage_module,
        "KEEP_IDLE_USER_IF",
        ["EXISTS (SELECT 1 FROM later_table r WHERE r.user_key = users.user_key)"],
    )
    storage = await Storage.open(tmp_path / "bot.sqlite3", secrets)
    waiting, idle = storage.user_key(1), storage.user_key(2)
    for chat_id, key in ((1, waiting), (2, idle)):
        await storage.save_conversation(key, chat_id, STATE, None, NOW - timedelta(days=100))
    async with storage.transaction() as db:
        await db.execute("INSERT INTO later_table VALUES (?)", (waiting,))
    assert await storage.purge_idle(NOW - timedelta(days=90)) == 1
    assert await storage.load_conversation(waiting) is not None
    assert await storage.load_conversation(idle) is None
    await storage.close()


async def test_schema_is_versioned_and_wal(tmp_path: Path, secrets):
    path = tmp_path / "bot.sqlite3"
    await (await Storage.open(path, secrets)).close()
    await (await Storage.open(path, secrets)).close()  # reopening migrates nothing twice
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert path.stat().st_mode & 0o777 == 0o600  # owner-only, like the key file


async def test_every_table_with_a_user_key_is_forgotten(storage: Storage):
    # A table added later that holds user data but is missing from USER_TABLES
    # would survive /vergeet: the schema itself is checked against the list.
    async with storage.read() as db:
        async with db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
            tables = [row[0] for row in await cursor.fetchall()]
        keyed = set()
        for table in tables:
            async with db.execute(f"PRAGMA table_info({table})") as cursor:
                if any(row[1] == "user_key" for row in await cursor.fetchall()):
                    keyed.add(table)
    assert keyed == set(storage_module.USER_TABLES)


async def test_newer_database_than_code_is_refused(tmp_path: Path, secrets):
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StorageError, match="newer"):
        await Storage.open(path, secrets)


async def test_a_broken_migration_leaves_the_old_version(tmp_path: Path, secrets, monkeypatch):
    path = tmp_path / "bot.sqlite3"
    await (await Storage.open(path, secrets)).close()
    monkeypatch.setattr(
        storage_module, "MIGRATIONS", [*MIGRATIONS, "CREATE TABLE t (x); SELEC oops;"]
    )
    with pytest.raises(StorageError):
        await Storage.open(path, secrets)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 't'").fetchone() is None


async def test_errors_become_storage_error(tmp_path: Path, secrets):
    (tmp_path / "not-a-db.sqlite3").write_bytes(b"this is not a database file" * 100)
    with pytest.raises(StorageError):
        await Storage.open(tmp_path / "not-a-db.sqlite3", secrets)
    storage = await Storage.open(tmp_path / "ok.sqlite3", secrets)
    await storage.close()
    with pytest.raises(StorageError, match="closed"):
        await storage.load_conversation(storage.user_key(CHAT_ID))


async def test_naive_timestamps_are_refused(storage: Storage):
    with pytest.raises(ValueError, match="aware"):
        await storage.save_conversation("k", 1, "{}", None, datetime(2026, 1, 1))
