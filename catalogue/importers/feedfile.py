"""Reading a feed's bytes: the one place where an import can fail as a whole.

Content that cannot be decoded or is not the expected JSON/CSV shape raises
`FeedImportError` naming the feed; everything inside a readable document is
judged record by record (see `records.py`). The same functions read a file
and bytes fetched over HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from catalogue.errors import FeedImportError


def read_bytes(path: Path) -> bytes:
    """A feed file's content."""
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise FeedImportError(f"{path}: cannot read the file ({error.strerror or error})") from None


def decode_text(content: bytes, name: str) -> str:
    """The content as text (UTF-8, a byte-order mark from a spreadsheet is dropped)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FeedImportError(
            f"{name}: not UTF-8 text (byte {error.start}); save the file as UTF-8"
        ) from None


def decode_json(content: bytes, name: str) -> Any:
    """The content as parsed JSON."""
    text = decode_text(content, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FeedImportError(
            f"{name}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
