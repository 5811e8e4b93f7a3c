"""Logging setup: the token and chat ids never reach a log line, libraries stay quiet."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logging_setup import QUIET_LOGGERS, RedactingFilter, setup_logging

TOKEN = "123456789:AAH-abcdefghijklmnopqrstuvwxyz_012345"
CHAT_ID = 8123456789


@pytest.fixture
def stream():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    setup_logging("INFO", TOKEN, stream)
    yield stream
    for handler in list(root.handlers):
        if getattr(handler, "zelfhulpwijzer", False):
            root.removeHandler(handler)
    root.handlers[:], root.level = saved[0], saved[1]


def test_token_and_chat_id_are_redacted_in_messages_and_args(stream):
    log = logging.getLogger("bot.test")
    log.info("POST https://api.telegram.org/bot%s/sendMessage chat_id=%d", TOKEN, CHAT_ID)
    log.warning("chat %s blocked the bot", -1001234567890)
    text = stream.getvalue()
    assert TOKEN not in text and str(CHAT_ID) not in text and "1234567890" not in text
    assert "[token]" in text and "[number]" in text
    assert "sendMessage" in text  # the rest of the line is still useful


def test_tracebacks_are_redacted(stream):
    try:
        raise RuntimeError(f"bad request for chat {CHAT_ID} via bot{TOKEN}")
    except RuntimeError:
        logging.getLogger("bot.test").exception("send failed")
    text = stream.getvalue()
    assert "RuntimeError" in text
    assert str(CHAT_ID) not in text and TOKEN not in text


def test_any_token_shaped_text_is_redacted_even_when_not_configured():
    redact = RedactingFilter(None).redact
    assert redact(f"url /bot{TOKEN}/getMe") == "url /bot[token]/getMe"


def test_short_numbers_and_times_stay_readable():
    redact = RedactingFilter(TOKEN).redact
    assert redact("step res took 3.25 ms, 5 results, port 8080") == (
        "step res took 3.25 ms, 5 results, port 8080"
    )


def test_chatty_libraries_are_set_to_warning(stream):
    for name in QUIET_LOGGERS:
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot.../getMe")
    assert "HTTP Request" not in stream.getvalue()


def test_json_lines_carry_the_same_redaction():
    import json

    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    setup_logging("INFO", TOKEN, stream, log_format="json")
    try:
        log = logging.getLogger("bot.test")
        log.info("POST /bot%s/sendMessage chat_id=%d", TOKEN, CHAT_ID)
        try:
            raise RuntimeError(f"bad request for chat {CHAT_ID}")
        except RuntimeError:
            log.exception("send failed")
    finally:
        for handler in list(root.handlers):
            if getattr(handler, "zelfhulpwijzer", False):
                root.removeHandler(handler)
        root.handlers[:], root.level = saved[0], saved[1]
    lines = stream.getvalue().splitlines()
    first, second = (json.loads(line) for line in lines)  # exactly one object per line
    assert set(first) == {"time", "level", "logger", "message"}
    assert first["message"] == "POST /bot[token]/sendMessage chat_id=[number]"
    assert (first["level"], first["logger"]) == ("INFO", "bot.test")
    assert first["time"].endswith("+00:00")
    assert second["message"] == "send failed" and "RuntimeError" in second["exception"]
    assert TOKEN not in stream.getvalue() and str(CHAT_ID) not in stream.getvalue()


def test_log_format_is_read_from_the_environment():
    from bot.config import Config, ConfigError

    assert Config.from_env({"LOG_FORMAT": "JSON"}).log_format == "json"
    assert Config.from_env({}).log_format == "text"
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        Config.from_env({"LOG_FORMAT": "xml"})


def test_a_library_record_keeps_its_words_but_not_a_raw_update(stream):
    batch = [{"update_id": 5, "message": {"from": {"first_name": "Annelies"}, "text": "help me"}}]
    try:
        raise KeyError(f"persistent_id missing in {batch!r}")
    except KeyError as error:
        logging.getLogger("telegram.ext.ExtBot").critical(
            "Error while parsing updates! Received data was %r", batch, exc_info=error
        )
    logging.getLogger("apscheduler.scheduler").warning(
        "Run time of job %s was missed by %d s", "x", 7
    )
    text = stream.getvalue()
    assert "Annelies" not in text and "help me" not in text
    assert "Error while parsing updates" in text and "KeyError" in text  # still says what
    assert "missed by 7 s" in text  # numbers stay
    # Our own records keep their arguments (they are written to name no one).
    logging.getLogger("bot.test").warning("skipped update %d: %s", 5, "KeyError")
    assert "skipped update 5: KeyError" in stream.getvalue()
