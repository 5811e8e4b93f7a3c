"""Logging that cannot tell anyone who talked to the bot.

The first line of defence is the code: it logs step names and exception
types, never chat ids, names or texts. This module adds two more:

- Chatty libraries are set to WARNING: `httpx` logs every request URL at
  INFO, and a Bot API URL contains the token (``/bot<token>/sendMessage``).
- `RedactingFilter`, attached to every handler, rewrites each record's
  final message: the bot token becomes ``[token]`` and any run of seven or
  more digits (a chat or user id; phone numbers too) becomes ``[number]``.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

__all__ = ["QUIET_LOGGERS", "RedactingFilter", "setup_logging"]

QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler", "aiosqlite", "asyncio", "tornado")
_LONG_DIGITS = re.compile(r"(?<![\d.])-?\d{7,}(?![\d.])")
_TOKEN_SHAPE = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} (unformattable arguments)"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def setup_logging(
    level: str = "INFO", token: str | None = None, stream: TextIO | None = None
) -> None:
    """Configure the root logger once: one redacting stream handler, quiet libraries."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "zelfhulpwijzer", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.zelfhulpwijzer = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter(token))
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
