"""A real crash: ``python -m bot`` killed with SIGKILL in the middle of a burst of due reminders.

The bot runs as a subprocess (``sys.executable -m bot``) against the fake Bot
API server in this process, on a SQLite file in ``tmp_path`` with a fixed
secret key. Its clock starts at ``ZELFHULPWIJZER_FAKE_NOW`` (read by
`bot.config` outside production only), one minute after 200 seeded reminders
fell due. Once the fake server has recorded `KILL_AFTER` of them, the process
is killed without warning; a second process on the same files must deliver
the rest. Every reminder arrives; at most the one in flight at the kill
arrives twice (the reminder service has one message in flight at a time:
marked ``sending`` before the HTTP call, ``sent`` after it).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import _loaded_catalogue
from fakebotapi import Call, FakeBotAPI

from bot.config import Config, ConfigError
from bot.reminders.service import ReminderService
from bot.secrets import load_secrets
from bot.storage import Storage
from catalogue.holder import CatalogueHolder
from dialogs import DialogState, state_to_json
from dialogs.effects import SetReminder

AMS = ZoneInfo("Europe/Amsterdam")
REPO = Path(__file__).resolve().parent.parent
SECRET_KEY = "5a" * 32
MEETING = "aa-utrecht-dinsdag"  # Tuesdays 19:30: two hours before is 17:30
SEEDED_AT = datetime(2026, 11, 23, 10, 0, tzinfo=AMS)
FAKE_NOW = datetime(2026, 11, 24, 17, 31, tzinfo=AMS)  # a minute after all fell due
REMINDERS = 200
KILL_AFTER = 60
FIRST_CHAT = 7_310_000_001
CHATS = [FIRST_CHAT + n for n in range(REMINDERS)]


async def seed(config: Config) -> None:
    """200 people who asked for a reminder, through the real storage and reminder service."""
    storage = await Storage.open(config.database_path, load_secrets(config))
    try:
        service = ReminderService(storage, CatalogueHolder(_loaded_catalogue()), sender=None)  # type: ignore[arg-type]
        fresh = state_to_json(DialogState())
        for chat in CHATS:
            user_key = storage.user_key(chat)
            await storage.save_conversation(user_key, chat, fresh, "nl", SEEDED_AT)
            effect = SetReminder(MEETING, (120,), False)
            assert await service.set_reminder(user_key, effect, SEEDED_AT)
    finally:
        await storage.close()


async def start_bot(api: FakeBotAPI, data_dir: Path, log_file: Path) -> asyncio.subprocess.Process:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TELEGRAM_", "ZELFHULPWIJZER_", "WEBHOOK_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_API_BASE_URL=api.root_url,
        ZELFHULPWIJZER_DATA_DIR=str(data_dir),
        ZELFHULPWIJZER_SECRET_KEY=SECRET_KEY,
        ZELFHULPWIJZER_FAKE_NOW=FAKE_NOW.isoformat(),
        ZELFHULPWIJZER_SAMPLES="1",  # the reminders are for sample meetings
        LOG_LEVEL="DEBUG",
    )
    with log_file.open("ab") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=REPO,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )


async def until_or_exit(
    api: FakeBotAPI,
    process: asyncio.subprocess.Process,
    condition: Callable[[], bool],
    log_file: Path,
    timeout_s: float = 60,
) -> None:
    """Wait until `condition()` holds; fail at once, with the bot's log, if the bot exits.

    Without this a bot that died at start-up (an import error, a bad setting) cost the full
    timeout and ended in an unrelated error from the cleanup.
    """
    waiting = asyncio.ensure_future(api.wait_until(condition, timeout=timeout_s))
    exiting = asyncio.ensure_future(process.wait())
    try:
        await asyncio.wait({waiting, exiting}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        exiting.cancel()
    if not waiting.done():
        waiting.cancel()
        tail = log_file.read_text(errors="replace")[-2000:]
        raise AssertionError(f"the bot exited with {process.returncode}; its log ends:\n{tail}")
    waiting.result()


async def end(process: asyncio.subprocess.Process, sig: signal.Signals) -> int:
    """Send `sig` unless the process has already exited; SIGKILL if it lingers. Its exit code."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
    try:
        return await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        process.kill()  # never leave a bot running after the test
        await process.wait()
        raise AssertionError(f"the bot did not stop within 30 s of {sig.name}") from None


def is_reminder(call: Call) -> bool:
    return call.text.startswith("⏰")


def delivered(api: FakeBotAPI) -> Counter[int]:
    """Reminders Telegram accepted, per chat."""
    return Counter(c.chat_id for c in api.calls_of("sendMessage") if c.ok and is_reminder(c))


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def outbox_states(path: Path) -> Counter[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT state FROM outbox WHERE kind = 'reminder'").fetchall()
    return Counter(state for (state,) in rows)


async def test_sigkill_mid_burst_then_restart_delivers_every_reminder_at_most_one_twice(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    data_dir = tmp_path / "var"
    log_file = tmp_path / "bot.log"
    config = Config(data_dir=data_dir, secret_key=SECRET_KEY)
    await seed(config)
    assert outbox_states(config.database_path) == {"pending": REMINDERS}

    started_s = time.monotonic()
    first = await start_bot(fake_api, data_dir, log_file)
    try:
        await until_or_exit(
            fake_api, first, lambda: sum(delivered(fake_api).values()) >= KILL_AFTER, log_file
        )
    finally:
        killed = await end(first, signal.SIGKILL)  # no handler, no cleanup, no last commit
    assert killed == -signal.SIGKILL
    at_kill = delivered(fake_api)
    states_at_kill = outbox_states(config.database_path)
    assert integrity(config.database_path) == "ok"
    assert KILL_AFTER <= sum(at_kill.values()) < REMINDERS  # killed in the middle
    assert states_at_kill["sending"] <= 1  # one message in flight at most
    # Every reminder Telegram has is marked sent, except possibly the one in flight.
    assert sum(at_kill.values()) - states_at_kill["sent"] in (0, 1)

    second = await start_bot(fake_api, data_dir, log_file)
    try:
        await until_or_exit(
            fake_api, second, lambda: len(delivered(fake_api)) == REMINDERS, log_file
        )
    finally:
        stopped = await end(second, signal.SIGTERM)  # a clean stop this time
    assert stopped == 0
    elapsed_s = time.monotonic() - started_s

    counts = delivered(fake_api)
    twice = [chat for chat, n in counts.items() if n > 1]
    assert set(counts) == set(CHATS)  # every reminder arrived…
    assert max(counts.values()) <= 2 and len(twice) <= 1  # …none twice but the one in flight
    assert len(twice) <= states_at_kill["sending"]
    assert outbox_states(config.database_path) == {"sent": REMINDERS}
    assert integrity(config.database_path) == "ok"

    log_text = log_file.read_text()
    resent = re.search(r"(\d+) in flight at last stop resent", log_text.split("reminders:")[-1])
    assert resent is not None and int(resent.group(1)) == states_at_kill["sending"]
    assert fake_api.token.split(":")[1] not in log_text
    assert not any(str(chat) in log_text for chat in CHATS)
    print(
        f"\ncrash test: {REMINDERS} due, killed after {sum(at_kill.values())} delivered "
        f"({states_at_kill['sending']} in flight), {len(twice)} delivered twice, "
        f"0 lost, integrity ok, {elapsed_s:.1f} s"
    )


def test_the_fake_clock_is_for_tests_only() -> None:
    env = {"ZELFHULPWIJZER_FAKE_NOW": FAKE_NOW.isoformat()}
    clock = Config.from_env(env).clock()
    assert FAKE_NOW <= clock() < FAKE_NOW.replace(minute=32)
    with pytest.raises(ConfigError, match="not allowed in production"):
        Config.from_env({**env, "ZELFHULPWIJZER_ENV": "production"})
    with pytest.raises(ConfigError, match="UTC offset"):
        Config.from_env({"ZELFHULPWIJZER_FAKE_NOW": "2026-11-24T17:31"})
    assert abs(Config.from_env({}).clock()().timestamp() - time.time()) < 5
