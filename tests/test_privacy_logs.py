"""Proof that the logs cannot tell anyone who talked to the bot, or what they said.

A whole conversation runs through the real `Application` against the fake Bot
API server with a known token, chat id, user id and first name, and typed
texts that are easy to search for (a place, a crisis sentence, a personal
story, a location). Logging is set up as ``python -m bot`` does with
``LOG_LEVEL=DEBUG`` (`bot.logging_setup`), and *every* log record any logger
creates is captured before any handler or redaction filter sees it (by
wrapping `logging.Logger.handle`, so loggers that do not propagate are caught
too). Faults make the bot log: a 500 and a dropped connection (retries), a
turn that raises with the typed text in the exception message, a 400 whose
description quotes the text (PTB's error handler), and a 403 (forgotten).
None of the records, their exception texts or the handler's output holds any
of those values.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fakebotapi import Fault

from bot import turns as turns_module
from bot.logging_setup import QUIET_LOGGERS, setup_logging
from dialogs.events import TextSent

CHAT = 7_640_000_123
USER = 7_640_999_456
PLACE = "Amersfoort"
CRISIS = "ik wil niet meer leven"
STORY = "sinds de scheiding drink ik elke avond"
LATITUDE, LONGITUDE = 52.1561113, 5.3878266
FAILING_TEXT = "Barneveld is waar ik woon"


@pytest.fixture
def every_record(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[logging.LogRecord]]:
    """Every record created by any logger while the test runs, unredacted."""
    records: list[logging.LogRecord] = []
    handle = logging.Logger.handle

    def capture(self: logging.Logger, record: logging.LogRecord) -> None:
        records.append(logging.makeLogRecord(record.__dict__))  # a copy: filters rewrite it
        handle(self, record)

    root = logging.getLogger()
    saved = root.level, list(root.handlers), {n: logging.getLogger(n).level for n in QUIET_LOGGERS}
    monkeypatch.setattr(logging.Logger, "handle", capture)
    yield records
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


def rendered(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    return text + "\n" + (record.stack_info or "")


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_a_whole_conversation_with_faults_logs_nothing_personal(
    make_bot,
    every_record: list[logging.LogRecord],
    monkeypatch: pytest.MonkeyPatch,
    log_format: str,
) -> None:
    bot = await make_bot()
    output = io.StringIO()
    # as `python -m bot` with LOG_LEVEL=DEBUG and LOG_FORMAT=text or json
    setup_logging("DEBUG", bot.api.token, stream=output, log_format=log_format)
    real_advance = turns_module.advance

    def advance(state, event, ctx):  # a bug that quotes what the person typed
        if isinstance(event, TextSent) and event.text == FAILING_TEXT:
            raise ValueError(f"cannot understand {event.text!r} from {CHAT}")
        return real_advance(state, event, ctx)

    monkeypatch.setattr(turns_module, "advance", advance)
    await bot.start()
    api = bot.api
    who = {"user_id": USER}

    api.fail_next("sendMessage", Fault.server_error())
    await bot.say(CHAT, "/start voorbeeldkliniek-utrecht_ss", **who)
    await bot.say(CHAT, STORY, **who)
    assert "113" in (await bot.say(CHAT, CRISIS, **who)).text
    api.fail_next("sendMessage", Fault.drop())
    assert "Waar wil je zoeken" in (await bot.press(CHAT, "Verder waar ik was")).text
    await bot.say(CHAT, PLACE, **who)
    await bot.share_location(CHAT, LATITUDE, LONGITUDE, **who)
    assert "ging aan mijn kant iets mis" in (await bot.say(CHAT, FAILING_TEXT, **who)).text
    api.fail_next("sendMessage", Fault.bad_request(f"Bad Request: can't parse {PLACE} {CHAT}"))
    await bot.say(CHAT, f"{PLACE}!", **who)
    await bot.say(CHAT, "/herinneringen", **who)
    api.block(CHAT)
    await bot.say(CHAT, "/hulp", **who)
    assert await bot.storage.load_conversation(bot.storage.user_key(CHAT)) is None  # forgotten

    logged = "\n".join(rendered(record) for record in every_record)
    levels = {record.levelname for record in every_record}
    assert {"INFO", "WARNING", "ERROR"} <= levels, levels  # the faults were logged…
    assert output.getvalue()  # …and written out
    if log_format == "json":  # one JSON object per line, every line
        assert all(json.loads(line)["level"] for line in output.getvalue().splitlines())
    secrets = [
        api.token,
        api.token.split(":")[1],
        str(CHAT),
        str(USER),
        "Testpersoon",  # the first name the fake server gives every user
        PLACE,
        "Barneveld",
        CRISIS,
        STORY,
        "scheiding",
        str(LATITUDE)[:6],
        str(LONGITUDE)[:5],
    ]
    for secret in secrets:
        assert secret not in logged, secret
        assert secret not in output.getvalue(), secret
    assert bot.storage.user_key(CHAT) not in logged  # not even the keyed hash
