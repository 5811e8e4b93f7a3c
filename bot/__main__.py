"""``python -m bot``: the bot on Telegram when a token is set, else in the terminal.

Usage::

    python -m bot                 # Telegram with TELEGRAM_BOT_TOKEN, else the terminal
    python -m bot terminal [--lang en]   # the terminal, even with a token set
    python -m bot clinic ...      # clinic links, posters and counts (bot.clinics.cli)

Subcommands that belong to other parts of the bot are listed in
`SUBCOMMANDS` and imported only when used, so a missing optional part (or
its slow imports) never gets in the way of running the bot.
Exit codes: 0 done, 2 configuration problem (the message says which), 1 other failure.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from bot.config import Config, ConfigError
from bot.logging_setup import setup_logging
from bot.secrets import SecretKeyError, load_secrets

log = logging.getLogger("bot")

# name -> (module with `main(argv) -> int`, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "clinic": ("bot.clinics.cli", "clinic links, posters and weekly counts"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        module_name, _ = SUBCOMMANDS[args[0]]
        return int(importlib.import_module(module_name).main(args[1:]) or 0)

    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Zelfhulpwijzer: Telegram when TELEGRAM_BOT_TOKEN is set, else the terminal.",
        epilog="other commands: "
        + "; ".join(f"{name}: {help_}" for name, (_, help_) in SUBCOMMANDS.items()),
    )
    parser.add_argument(
        "mode",
        nargs="?",
        choices=("terminal", "telegram"),
        help="force a channel (default: telegram with a token, else terminal)",
    )
    parser.add_argument(
        "--lang", help="terminal: the language a new conversation starts in (nl or en)"
    )
    options = parser.parse_args(args)

    try:
        config = Config.from_env(os.environ)
        setup_logging(config.log_level, config.telegram_bot_token, log_format=config.log_format)
        load_secrets(config)  # refuse to start early, with a clear message
    except (ConfigError, SecretKeyError) as error:
        print(f"python -m bot: {error}", file=sys.stderr)
        return 2

    mode = options.mode or ("telegram" if config.telegram_bot_token else "terminal")
    if mode == "telegram":
        if not config.telegram_bot_token:
            print("python -m bot: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
            return 2
        return run_telegram(config)
    return run_terminal(config, options.lang)


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
