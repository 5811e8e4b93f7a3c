"""Reading a feed file: the one place where an import can fail as a whole.

A file that is missing, undecodable or not the expected JSON/CSV shape
raises `FeedImportError` naming the file; everything inside a readable file
is judged record by record (see `records.py`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from catalogue.errors import FeedImportError


def read_text(path: Path) -> str:
    """The file as text (UTF-8, a byte-order mark from a spreadsheet is dropped)."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise FeedImportError(f"{path}: cannot read the file ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise FeedImportError(
            f"{path}: not UTF-8 text (byte {error.start}); save the file as UTF-8"
        ) from None


def read_json(path: Path) -> Any:
    """The file as parsed JSON."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FeedImportError(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
