"""``python -m bot check``, ``backup`` + ``restore`` and ``rotate-key`` on a real bot's data.

The data comes from the real bot (`bot.app.build_telegram` against the fake Bot API): people
who talked to it and one who set a reminder. Afterwards the bot is built again on the
restored or re-keyed directory and must carry on: the conversation where it was, the
reminder sent to the right chat.
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import tarfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import BotHarness

from bot.app import open_core
from bot.backup import BackupError, backup, restore
from bot.check import check
from bot.config import Config
from bot.key_rotation import MARKER, NEW_KEY_ENV, RotationError, rotate_key
from bot.secrets import Secrets
from bot.storage import Storage, StorageError

AMS = ZoneInfo("Europe/Amsterdam")
OLD_KEY = "1f" * 32
NEW_KEY = "2e" * 32
REMINDED = 7_313_000_001
TALKERS = [7_313_000_100 + n for n in range(4)]
DUE_AT = datetime(2026, 11, 24, 17, 30, tzinfo=AMS)  # two hours before Tuesday 19:30
ROOT = Path(__file__).resolve().parent.parent


def secrets(key: str) -> Secrets:
    return Secrets.from_master_key(bytes.fromhex(key))


async def set_reminder(bot: BotHarness, chat: int) -> None:
    await bot.say(chat, "/start")
    await bot.press(chat, "Voor mezelf")
    await bot.press(chat, "Alcohol")
    await bot.say(chat, "Utrecht")
    reply = await bot.press(chat, "Klopt")  # the answers said back
    await bot.press(chat, next(b for b in reply.buttons if "AA Utrecht Centrum" in b))
    for label in ("Herinner me", "Twee uur ervoor", "Alleen de volgende keer", "Ja, graag"):
        await bot.press(chat, label)


async def talk(bot: BotHarness, chat: int) -> None:
    await bot.say(chat, "/start")
    await bot.press(chat, "Voor mezelf")  # now asked: which problem?


async def populated(make_bot, data_dir: Path, key: str = OLD_KEY) -> BotHarness:
    """A bot that has served one person with a reminder and four mid-conversation; stopped."""
    bot: BotHarness = await make_bot(data_dir=data_dir, secrets=secrets(key))
    await bot.start()
    await set_reminder(bot, REMINDED)
    for chat in TALKERS:
        await talk(bot, chat)
    await bot.stop()
    return bot


async def carries_on(make_bot, data_dir: Path, key: str) -> None:
    """The bot on this data and key: conversations continue, the reminder goes out."""
    bot: BotHarness = await make_bot(data_dir=data_dir, secrets=secrets(key))
    await bot.start()
    reply = await bot.press(TALKERS[0], "Alcohol")  # the button shown before
    assert "Waar wil je zoeken" in reply.text
    bot.clock.set(DUE_AT)
    (sweep,) = bot.app.job_queue.get_jobs_by_name("reminders:sweep")
    await sweep.run(bot.app)
    reminders = [c for c in bot.api.sent_to(REMINDED) if c.text.startswith("⏰")]
    assert len(reminders) == 1 and "AA Utrecht Centrum" in reminders[0].text
    await bot.stop()


def config_for(data_dir: Path, key: str = OLD_KEY, **changes: object) -> Config:
    return Config(data_dir=data_dir, secret_key=key, **changes)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- check


async def test_check_passes_on_a_healthy_bot_and_fails_on_a_broken_catalogue(
    make_bot, tmp_path: Path
) -> None:
    bot = await populated(make_bot, tmp_path / "var")
    config = config_for(
        bot.config.data_dir,
        telegram_bot_token=bot.api.token,
        telegram_api_base_url=bot.api.root_url,
    )
    out = io.StringIO()
    assert await check(config, out) == 0, out.getvalue()
    lines = out.getvalue().splitlines()
    assert [line.split()[:2] for line in lines[:3]] == [
        ["ok", "catalogue:"],
        ["ok", "database:"],
        ["ok", "bot_api:"],
    ]
    assert lines[-1] == "ready"

    imports = config.imports_dir
    imports.mkdir(parents=True, exist_ok=True)
    (imports / "csv-broken.yaml").write_text("meetings: [{id: 1}]\n")
    out = io.StringIO()
    assert await check(config, out) == 1
    assert "FAIL catalogue: does not load" in out.getvalue()
    assert out.getvalue().splitlines()[-1] == "NOT ready"


def test_python_m_bot_check_exits_1_when_not_ready(tmp_path: Path) -> None:
    """The command line as cron runs it: a data directory whose database cannot be opened."""
    (tmp_path / "zelfhulpwijzer.sqlite3").write_bytes(b"this is not a database" * 100)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZELFHULP"))}
    env.update(ZELFHULPWIJZER_DATA_DIR=str(tmp_path), ZELFHULPWIJZER_SECRET_KEY=OLD_KEY)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL database" in done.stdout
    assert "ok   bot_api: skipped" in done.stdout


# --------------------------------------------------------------------------- backup, restore


async def test_a_backup_taken_while_the_bot_runs_restores_everything_but_the_key(
    make_bot, tmp_path: Path
) -> None:
    bot: BotHarness = await make_bot(data_dir=tmp_path / "var", secrets=secrets(OLD_KEY))
    await bot.start()
    await set_reminder(bot, REMINDED)
    (bot.config.data_dir / "secret.key").write_text("ab" * 32)  # a development key file
    (bot.config.imports_dir).mkdir(parents=True, exist_ok=True)
    (bot.config.imports_dir / "notes.txt").write_text("imported by hand\n")
    archive = tmp_path / "backups" / "zhw.tar.gz"
    # People keep talking while the copy is made: it must still be one consistent instant.
    talking = asyncio.gather(*(talk(bot, chat) for chat in TALKERS))
    summary = await asyncio.to_thread(backup, bot.config, archive)
    await talking
    await bot.stop()
    assert "1 reminders" in summary and "the key is not in it" in summary
    assert archive.stat().st_mode & 0o077 == 0
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"MANIFEST.json", "zelfhulpwijzer.sqlite3", "imports/notes.txt"} <= names
    assert "secret.key" not in names and not any(n.endswith(("-wal", "-shm")) for n in names)

    restored = tmp_path / "restored"
    with pytest.raises(BackupError, match="does not open with ZELFHULPWIJZER_SECRET_KEY"):
        restore(config_for(restored, NEW_KEY), archive)
    assert not (restored / "zelfhulpwijzer.sqlite3").exists()  # nothing touched
    assert "1 reminders" in restore(config_for(restored), archive)
    assert (restored / "imports" / "notes.txt").read_text() == "imported by hand\n"
    assert not (restored / "secret.key").exists()
    with pytest.raises(BackupError, match="--replace"):
        restore(config_for(restored), archive)
    restore(config_for(restored), archive, replace=True)

    storage = await Storage.open(restored / "zelfhulpwijzer.sqlite3", secrets(OLD_KEY))
    try:
        assert await storage.count_users() >= 1
        assert await storage.chat_id(storage.user_key(REMINDED)) == REMINDED
    finally:
        await storage.close()
    bot = await make_bot(data_dir=restored, secrets=secrets(OLD_KEY))
    await bot.start()
    bot.clock.set(DUE_AT)
    (sweep,) = bot.app.job_queue.get_jobs_by_name("reminders:sweep")
    await sweep.run(bot.app)
    assert [c for c in bot.api.sent_to(REMINDED) if c.text.startswith("⏰")]


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(forged, "w:gz") as tar:
        evil = tmp_path / "evil"
        evil.write_text("x")
        tar.add(evil, "../outside")
    with pytest.raises(BackupError, match="unexpected entry"):
        restore(config_for(tmp_path / "var"), forged)
    assert not (tmp_path / "outside").exists()
    with pytest.raises(BackupError, match="not a readable backup"):
        restore(config_for(tmp_path / "var"), tmp_path / "evil")


# --------------------------------------------------------------------------- rotate-key


async def test_rotate_key_reseals_every_row_and_the_bot_carries_on(
    make_bot, tmp_path: Path
) -> None:
    bot = await populated(make_bot, tmp_path / "var")
    data_dir = bot.config.data_dir
    stolen_before = (data_dir / "zelfhulpwijzer.sqlite3").read_bytes()
    old_key_hash = secrets(OLD_KEY).user_key(REMINDED)
    assert old_key_hash.encode() in stolen_before

    summary = rotate_key(config_for(data_dir), {NEW_KEY_ENV: NEW_KEY})
    assert summary.startswith("re-sealed 5 users (0 were already done)")
    assert not (data_dir / MARKER).exists()

    await carries_on(make_bot, data_dir, NEW_KEY)
    storage = await Storage.open(data_dir / "zelfhulpwijzer.sqlite3", secrets(OLD_KEY))
    try:  # the old key finds nobody any more
        assert await storage.load_conversation(old_key_hash) is None
    finally:
        await storage.close()
    raw = b"".join(p.read_bytes() for p in data_dir.glob("zelfhulpwijzer.sqlite3*"))
    assert old_key_hash.encode() not in raw


async def test_an_interrupted_rotation_keeps_the_bot_off_and_resumes(
    make_bot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import key_rotation

    bot = await populated(make_bot, tmp_path / "var")
    data_dir = bot.config.data_dir
    real_seal = Secrets.seal
    sealed = 0

    def failing_seal(self: Secrets, data: bytes, context: str, *args: int) -> bytes:
        nonlocal sealed
        if context.startswith("users.chat_id|"):
            sealed += 1
            if sealed == 3:  # the third user's chat id: two users are done, three are not
                raise OSError("No space left on device")
        return real_seal(self, data, context, *args)

    monkeypatch.setattr(key_rotation, "BATCH", 2)  # two users per transaction
    monkeypatch.setattr(Secrets, "seal", failing_seal)
    with pytest.raises(OSError):
        rotate_key(config_for(data_dir), {NEW_KEY_ENV: NEW_KEY})
    monkeypatch.setattr(Secrets, "seal", real_seal)
    assert (data_dir / MARKER).exists()

    # Half-rotated: the bot refuses to start, and so does the check, with the way out.
    with pytest.raises(StorageError, match="rotate-key"):
        await open_core(config_for(data_dir), sender=None)  # type: ignore[arg-type]
    out = io.StringIO()
    assert await check(config_for(data_dir), out) == 1
    assert "FAIL database" in out.getvalue()

    summary = rotate_key(config_for(data_dir), {NEW_KEY_ENV: NEW_KEY})
    assert summary.startswith("re-sealed 3 users (2 were already done)")
    assert not (data_dir / MARKER).exists()
    await carries_on(make_bot, data_dir, NEW_KEY)


def test_rotate_key_needs_a_new_key_that_differs(tmp_path: Path) -> None:
    from bot.secrets import SecretKeyError

    data_dir = tmp_path / "var"
    data_dir.mkdir()
    (data_dir / "zelfhulpwijzer.sqlite3").write_bytes(b"")
    with pytest.raises(SecretKeyError, match=NEW_KEY_ENV):
        rotate_key(config_for(data_dir), {})
    with pytest.raises(RotationError, match="the key in use"):
        rotate_key(config_for(data_dir), {NEW_KEY_ENV: OLD_KEY})


def test_rotate_key_refuses_a_schema_it_does_not_know(tmp_path: Path) -> None:
    """A newer migration may seal more with the key: rotating only part of it would lose it."""
    import sqlite3
    from contextlib import closing

    data_dir = tmp_path / "var"
    data_dir.mkdir()
    with closing(sqlite3.connect(data_dir / "zelfhulpwijzer.sqlite3")) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(RotationError, match="schema 99"):
        rotate_key(config_for(data_dir), {NEW_KEY_ENV: NEW_KEY})
    assert not (data_dir / MARKER).exists()
