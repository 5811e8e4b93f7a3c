"""Options that several `python -m catalogue` subcommands take, defined once so they agree."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    """``--data-dir``: where the bot keeps its imports (None means the bot's default)."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="the bot's data directory (default: $ZELFHULPWIJZER_DATA_DIR or ./var)",
    )


def add_today(
    parser: argparse.ArgumentParser, help: str = "the date to judge against (default: today)"
) -> None:
    """``--today``: the date a command acts on, so that tests and replays need no clock."""
    parser.add_argument("--today", type=date.fromisoformat, metavar="YYYY-MM-DD", help=help)
