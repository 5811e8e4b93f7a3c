"""What a stolen database file says, after a whole conversation with a reminder, and after /vergeet.

The real bot (Application, TurnRunner, reminders, clinic counters, purge job)
runs a conversation through the fake Bot API server: it comes in by a clinic's
deep link, types a place, sets a reminder in the dialogue and receives it. Then
the raw bytes of the SQLite file and its write-ahead log are searched, as
someone who stole them would: no chat id in any encoding, no typed text, no
conversation state in the clear. After ``/vergeet`` every row of that person is
gone while the clinic's weekly count (which names no one) stays.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import BotHarness

from bot.storage import USER_TABLES

AMS = ZoneInfo("Europe/Amsterdam")
CHAT = 8_080_000_123
STORY = "sinds de scheiding drink ik elke avond"
TYPED_PLACE = "Utrecht"


@pytest.fixture
async def bot(make_bot) -> BotHarness:
    harness = await make_bot()
    return await harness.start()


def raw_bytes(database: Path) -> bytes:
    """The file and its WAL as they lie on disk (the pages, not what SQL shows)."""
    return b"".join(
        path.read_bytes() for path in (database, Path(f"{database}-wal")) if path.exists()
    )


def chat_id_encodings(chat_id: int) -> list[bytes]:
    """How a chat id could appear: text, or an SQLite/C integer of 6 or 8 bytes, either order."""
    found = [str(chat_id).encode()]
    for size in (6, 8):
        found += [chat_id.to_bytes(size, "big"), chat_id.to_bytes(size, "little")]
    return found


async def test_the_database_file_alone_names_nobody_and_forgets_on_request(
    bot: BotHarness,
) -> None:
    await bot.say(CHAT, "/start voorbeeldkliniek-utrecht_ss")  # counted for the clinic
    await bot.say(CHAT, STORY)  # understood as alcohol
    await bot.say(CHAT, TYPED_PLACE)
    reply = await bot.press(CHAT, "Klopt")
    first = next(label for label in reply.buttons if "AA Utrecht Centrum" in label)
    await bot.press(CHAT, first)
    await bot.press(CHAT, "Herinner me")
    await bot.press(CHAT, "Twee uur ervoor")
    await bot.press(CHAT, "Alleen de volgende keer")
    await bot.press(CHAT, "Ja, graag")
    # The reminder goes out as the JobQueue's sweep sends it (reading the sealed chat id).
    bot.clock.set(datetime(2026, 11, 24, 17, 30, tzinfo=AMS))
    (sweep,) = bot.app.job_queue.get_jobs_by_name("reminders:sweep")
    await sweep.run(bot.app)
    assert [c for c in bot.api.sent_to(CHAT) if c.text.startswith("⏰")]

    database = bot.config.database_path
    stolen = raw_bytes(database)
    for encoding in chat_id_encodings(CHAT):
        assert encoding not in stolen, encoding
    assert TYPED_PLACE.encode() not in stolen and b"scheiding" not in stolen
    assert b'"step"' not in stolen and b"alcohol" not in stolen  # the state is sealed
    assert bot.storage.user_key(CHAT).encode() in stolen  # only the keyed hash is plain

    reply = await bot.say(CHAT, "/vergeet")
    assert "gewist" in reply.text.lower() or "vergeten" in reply.text.lower()
    with sqlite3.connect(database) as db:
        for table in USER_TABLES:
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        assert db.execute("SELECT sum(count) FROM counters").fetchone()[0] >= 1
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    leftover = raw_bytes(database)
    assert bot.storage.user_key(CHAT).encode() not in leftover  # not even in free pages
    async with bot.storage.read() as db, db.execute("PRAGMA secure_delete") as cursor:
        assert await cursor.fetchone() == (1,)  # whatever this SQLite build's default is
