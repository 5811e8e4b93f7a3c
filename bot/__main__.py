"""``python -m bot``: the bot on Telegram when a token is set, else in the terminal; and the
operator's commands.

Usage::

    python -m bot                 # Telegram with TELEGRAM_BOT_TOKEN, else the terminal
    python -m bot terminal [--lang en]   # the terminal, even with a token set
    python -m bot telegram        # Telegram (fails without a token)
    python -m bot check           # the readiness checks once: exit 0 ready, 1 not
    python -m bot backup PATH     # a consistent copy of the data, also while the bot runs
    python -m bot restore PATH [--replace]   # bring a backup back (the bot stopped)
    python -m bot rotate-key      # re-seal everything with ZELFHULPWIJZER_NEW_SECRET_KEY
    python -m bot clinic ...      # clinic links, posters and counts (bot.clinics.cli)

Every command reads the same environment (`bot.config`). The modules behind them are
imported only when that command runs, so ``clinic`` or ``backup`` start quickly.
Exit codes: 0 done, 2 configuration problem (the message says which), 1 other failure.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Config, ConfigError, with_secret_files
from bot.logging_setup import setup_logging
from bot.secrets import SecretKeyError, load_secrets

log = logging.getLogger("bot")

OPERATOR_COMMANDS = ("check", "backup", "restore", "rotate-key")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "clinic":
        from bot.clinics.cli import main as clinic_main

        return int(clinic_main(args[1:]) or 0)
    options = _parser().parse_args(args)
    try:
        environ = with_secret_files(os.environ)
        config = Config.from_env(environ)
        setup_logging(config.log_level, config.telegram_bot_token, log_format=config.log_format)
        if options.command != "restore":  # a restore may bring the data the key belongs to
            load_secrets(config)  # refuse early, with a clear message
    except (ConfigError, SecretKeyError) as error:
        print(f"python -m bot: {error}", file=sys.stderr)
        return 2
    if options.command in OPERATOR_COMMANDS:
        return _operate(options, config, environ)
    mode = options.command or ("telegram" if config.telegram_bot_token else "terminal")
    if mode == "telegram":
        if not config.telegram_bot_token:
            print("python -m bot: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
            return 2
        return run_telegram(config)
    return run_terminal(config, options.lang)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Zelfhulpwijzer: Telegram when TELEGRAM_BOT_TOKEN is set, else the terminal.",
        epilog="python -m bot clinic --help: clinic links, posters and weekly counts",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    terminal = commands.add_parser("terminal", help="the conversation in this terminal")
    terminal.add_argument("--lang", help="the language a new conversation starts in (nl/en)")
    commands.add_parser("telegram", help="the bot on Telegram (needs TELEGRAM_BOT_TOKEN)")
    commands.add_parser("check", help="the readiness checks once; exit 0 ready, 1 not")
    backup = commands.add_parser("backup", help="copy the data consistently (bot may run)")
    backup.add_argument("path", type=Path, help="the backup file to write (.tar.gz)")
    restore = commands.add_parser("restore", help="bring a backup back (stop the bot first)")
    restore.add_argument("path", type=Path, help="a file made by `backup`")
    restore.add_argument("--replace", action="store_true", help="replace existing data")
    commands.add_parser(
        "rotate-key", help="re-seal every row with ZELFHULPWIJZER_NEW_SECRET_KEY (bot stopped)"
    )
    parser.set_defaults(lang=None)
    return parser


def _operate(options: argparse.Namespace, config: Config, environ: dict[str, str]) -> int:
    """Run one operator command; its errors are printed, not raised."""
    from bot.backup import BackupError, backup, restore
    from bot.check import check
    from bot.key_rotation import RotationError, rotate_key
    from bot.storage import StorageError

    try:
        if options.command == "check":
            return asyncio.run(check(config, sys.stdout))
        if options.command == "backup":
            print(backup(config, options.path))
        elif options.command == "restore":
            print(restore(config, options.path, replace=options.replace))
        else:
            print(rotate_key(config, environ))
    except (BackupError, RotationError, StorageError, SecretKeyError) as error:
        print(f"python -m bot {options.command}: {error}", file=sys.stderr)
        return 1
    return 0


def run_telegram(config: Config) -> int:
    """Hand over to the Telegram adapter (it owns the event loop, as PTB wants)."""
    from bot.telegram_serve import run

    return run(config)


def run_terminal(config: Config, language: str | None) -> int:
    """Run the terminal conversation; Ctrl-C ends it as cleanly as end of input."""
    from bot.app import run_terminal as run
    from bot.storage import StorageError
    from catalogue.errors import CatalogueError

    try:
        return asyncio.run(run(config, language_hint=language))
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 0
    except CatalogueError as error:
        print(f"python -m bot: the catalogue does not load:\n{error}", file=sys.stderr)
        return 2
    except StorageError as error:
        print(f"python -m bot: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
