"""What a stolen database file says about meetings, clinics, times and lengths (issue 12, 4).

A meeting id such as ``coke-van-jou-amsterdam-open-dag`` says which drug, which town and
which day; a clinic id says where someone is treated; a microsecond timestamp can be matched
against Telegram's own records; and the length of a sealed value can give away the digits of
a chat id or the problem a state names. The real bot runs a conversation that comes in by a
clinic's link and sets a reminder; then the raw bytes of the file and its WAL are searched.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import BotHarness

from bot.secrets import Secrets
from bot.storage import Storage
from dialogs import DialogState, state_to_json
from dialogs.state import Problem

AMS = ZoneInfo("Europe/Amsterdam")
CHAT = 8_080_000_124
CLINIC = "voorbeeldkliniek-utrecht"


@pytest.fixture
async def bot(make_bot) -> BotHarness:
    harness = await make_bot()
    return await harness.start()


def raw_bytes(database: Path) -> bytes:
    return b"".join(
        path.read_bytes() for path in (database, Path(f"{database}-wal")) if path.exists()
    )


async def test_meeting_and_clinic_ids_and_exact_times_are_not_in_the_file(
    bot: BotHarness,
) -> None:
    await bot.say(CHAT, f"/start {CLINIC}_ss")
    await bot.say(CHAT, "alcohol")
    await bot.say(CHAT, "Utrecht")
    reply = await bot.press(CHAT, "Klopt")  # the answers said back
    first = next(label for label in reply.buttons if "AA Utrecht Centrum" in label)
    meeting = next(m for m in bot.catalogue.meetings.values() if m.name in first)
    await bot.press(CHAT, first)
    await bot.press(CHAT, "Herinner me")
    await bot.press(CHAT, "Twee uur ervoor")
    await bot.press(CHAT, "Alleen de volgende keer")
    await bot.press(CHAT, "Ja, graag")

    database = bot.config.database_path
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM reminders").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] >= 2
        times = [
            value
            for sql in (
                "SELECT updated_at FROM users",
                "SELECT created_at FROM reminders",
                "SELECT due_at FROM outbox UNION ALL SELECT occurrence_at FROM outbox",
            )
            for (value,) in db.execute(sql)
        ]
        # The clinic's weekly counts name no one; without them no clinic id is left.
        db.execute("DELETE FROM counters")
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert times and all(t.endswith(":00.000000Z") for t in times), times
    stolen = raw_bytes(database)
    assert meeting.id.encode() not in stolen
    assert CLINIC.encode() not in stolen
    # Still readable with the key: /herinneringen lists the meeting.
    listed = await bot.say(CHAT, "/herinneringen")
    assert meeting.name in listed.text


async def test_sealed_values_have_one_length_whatever_they_hold(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "db.sqlite3", Secrets.from_master_key(bytes(range(32))))
    now = datetime(2026, 11, 24, 19, 30, 17, 123456, tzinfo=UTC)
    try:
        chats = (7, 123_456_789, -1_001_234_567_890)
        problems = (Problem.ALCOHOL, Problem.DRUGS, Problem.GAMBLING, None)
        for chat_id, problem in zip(chats * 2, problems * 2, strict=False):
            state = DialogState(problem=problem, place_id="2745912" if chat_id > 0 else None)
            await storage.save_conversation(
                storage.user_key(chat_id), chat_id, state_to_json(state), None, now
            )
    finally:
        await storage.close()
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        lengths = db.execute(
            "SELECT count(DISTINCT length(chat_id_enc)), count(DISTINCT length(state_enc)), "
            "count(*), min(updated_at) FROM users"
        ).fetchone()
    assert lengths == (1, 1, 3, "2026-11-24T19:30:00.000000Z")


async def test_a_file_from_before_sealing_is_sealed_on_opening(tmp_path: Path) -> None:
    from bot.reminders.store import ReminderStore
    from bot.storage import MIGRATIONS

    path = tmp_path / "db.sqlite3"
    secrets = Secrets.from_master_key(bytes(range(32)))
    with sqlite3.connect(path, isolation_level=None) as db:
        db.execute("PRAGMA journal_mode = WAL")
        for script in MIGRATIONS[:4]:
            assert isinstance(script, str)
            db.executescript(script)
        db.execute("PRAGMA user_version = 4")
        db.execute(
            "INSERT INTO reminders VALUES (1, 'u1', 'coke-van-jou-amsterdam-open-dag', '120', 1, "
            f"'{CLINIC}', '2026-11-23T09:00:12.345678Z')"
        )
        for _twice in range(2):  # the same message planned twice (the old bug)
            db.execute(
                "INSERT INTO outbox (user_key, reminder_id, kind, meeting_id, occurrence_at, "
                "offset_minutes, due_at, state) VALUES ('u1', 1, 'reminder', "
                "'coke-van-jou-amsterdam-open-dag', '2026-11-24T19:00:00.000000Z', 120, "
                "'2026-11-24T17:00:00.000000Z', 'pending')"
            )
    storage = await Storage.open(path, secrets)
    try:
        store = ReminderStore(storage)
        reminder = await store.reminder(1)
        rows = await store.open_rows()
        assert reminder is not None
        assert reminder.meeting_id == "coke-van-jou-amsterdam-open-dag"
        async with storage.read() as db, db.execute("SELECT * FROM reminders") as cursor:
            columns = [d[0] for d in cursor.description]
        assert "clinic_enc" not in columns  # dropped: nothing needs it
        assert [(r.meeting_id, r.offset_minutes) for r in rows] == [
            ("coke-van-jou-amsterdam-open-dag", 120)
        ]
        assert await store.open_occurrences() == [
            ("coke-van-jou-amsterdam-open-dag", datetime(2026, 11, 24, 19, tzinfo=UTC))
        ]
        async with storage.read() as db:
            await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await storage.close()
    stolen = raw_bytes(path)
    assert b"coke-van-jou" not in stolen and CLINIC.encode() not in stolen
