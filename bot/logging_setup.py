"""Logging that cannot tell anyone who talked to the bot.

The first line of defence is the code: it logs step names and exception
types, never chat ids, names or texts. This module adds two more:

- Chatty libraries are set to WARNING: `httpx` logs every request URL at
  INFO, and a Bot API URL contains the token (``/bot<token>/sendMessage``).
- `RedactingFilter`, attached to the root logger and its handler (a filter
  on a logger alone never sees records that propagate from libraries'
  loggers), rewrites each record's final message: the bot token becomes
  ``[token]`` and any run of seven or more digits (a chat or user id; phone
  numbers too) becomes ``[number]``. A library's record keeps its own words
  but none of its arguments except numbers, and of an exception only the type
  and code location: that is where a raw update ends up (python-telegram-bot
  logs a batch it cannot parse with ``%r``, other people's texts and first
  names included), and an exception's message can quote one.

``LOG_FORMAT=json`` changes only the shape of a line (`JsonFormatter`: one JSON object
per line, for log collectors); the filter runs before either formatter, so both carry
exactly the same redacted text.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

__all__ = ["QUIET_LOGGERS", "JsonFormatter", "RedactingFilter", "setup_logging"]

QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler", "aiosqlite", "asyncio", "tornado")
_LONG_DIGITS = re.compile(r"(?<![\d.])-?\d{7,}(?![\d.])")
_TOKEN_SHAPE = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OWN_LOGGERS = ("bot", "catalogue", "dialogs", "locales", "__main__")
"""Loggers whose records are written to name no one (step names, types, counts): their
arguments are kept. Every other logger is a library's."""
WITHHELD = "[withheld]"


class RedactingFilter(logging.Filter):
    """Replace the bot token and long digit runs in a record's message, args and traceback.

    The message is rendered once (``record.getMessage()``), redacted, and put
    back without args, so formatters downstream see only the redacted text.
    Exception text is rendered and redacted too, since a traceback can
    quote a URL or a chat id.
    """

    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self._token = token or None

    def redact(self, text: str) -> str:
        if self._token:
            text = text.replace(self._token, "[token]")
        text = _TOKEN_SHAPE.sub("[token]", text)
        return _LONG_DIGITS.sub("[number]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name.split(".", 1)[0] in OWN_LOGGERS
        if not own and record.args:
            record.args = _numbers_only(record.args)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} (unformattable arguments)"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not own:  # also when another handler rendered it first
            record.exc_text = _type_and_place(record.exc_info)
        elif record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, exception.

    Only these fields: never the record's other attributes (a library could attach an
    update or a request to a record; it does not travel into the log this way).
    """

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


def _numbers_only(args: Any) -> Any:
    """A library record's arguments with everything but numbers withheld."""

    def keep(value: object) -> object:
        return value if isinstance(value, int | float) or value is None else WITHHELD

    if isinstance(args, Mapping):
        return {name: keep(value) for name, value in args.items()}
    return tuple(keep(value) for value in args)


def _type_and_place(exc_info: Any) -> str:
    """An exception as its traceback's code locations and its type, without its message."""
    kind, _error, tb = exc_info
    frames = "".join(traceback.format_tb(tb)) if tb else ""
    name = kind.__name__ if kind else "Exception"
    return f"Traceback (most recent call last):\n{frames}{name} ({WITHHELD})"


def setup_logging(
    level: str = "INFO",
    token: str | None = None,
    stream: TextIO | None = None,
    log_format: str = "text",
) -> None:
    """Configure the root logger once: one redacting stream handler, quiet libraries."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "zelfhulpwijzer", False):
            root.removeHandler(handler)
    for old in [f for f in root.filters if isinstance(f, RedactingFilter)]:
        root.removeFilter(old)
    redacting = RedactingFilter(token)
    root.addFilter(redacting)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.zelfhulpwijzer = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(FORMAT))
    handler.addFilter(redacting)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
