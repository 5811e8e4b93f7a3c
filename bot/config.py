"""Every setting of the bot, read once from the environment into one frozen `Config`.

`Config.from_env(environ)` is pure: it reads only the mapping it is given, so
tests pass a dict and production passes `os.environ`. All problems are
collected and raised together as one `ConfigError`, so an operator fixes a
bad deployment in one round instead of one variable at a time.

Variable (default)                    Meaning
------------------------------------  ----------------------------------------------------------
TELEGRAM_BOT_TOKEN (unset)            Bot token from @BotFather. Unset: ``python -m bot`` runs
                                      the conversation in the terminal instead.
TELEGRAM_API_BASE_URL                 Root URL of the Bot API server; set it for a self-hosted
  (https://api.telegram.org)          ``telegram-bot-api`` (e.g. ``http://127.0.0.1:8081``).
                                      Production takes ``http://`` only to this machine
                                      (the token and every message would cross in clear).
WEBHOOK_URL (unset)                   Public https URL Telegram posts updates to; unset: polling.
WEBHOOK_SECRET (required w/ webhook)  Token Telegram sends in ``X-Telegram-Bot-Api-Secret-Token``;
                                      1-256 characters of ``A-Z a-z 0-9 _ -``.
WEBHOOK_LISTEN (0.0.0.0)              Address the webhook server binds to.
PORT (8080)                           Port the webhook server binds to; it also serves
                                      ``/healthz``, ``/readyz`` and ``/metrics``.
HEALTH_PORT (unset)                   Serve ``/healthz``, ``/readyz`` and ``/metrics`` on this
                                      port (on ``WEBHOOK_LISTEN``), while polling and also
                                      beside a webhook (the container image sets 8081).
READY_MAX_SILENCE_MINUTES (5)         ``/readyz`` fails when the Bot API has not answered
                                      for longer than this.
ZELFHULPWIJZER_DATA_DIR (./var)       The SQLite file ``zelfhulpwijzer.sqlite3``, the development
                                      key file ``secret.key`` and ``imports/``.
ZELFHULPWIJZER_SECRET_KEY (unset)     32 random bytes, base64 or hex: keys the chat lookup hash
                                      and encrypts chat ids and conversation state. Required in
                                      production; development generates ``secret.key`` (0600).
ZELFHULPWIJZER_ENV (development)      ``development`` or ``production``.
ADMIN_CHAT_IDS (none)                 Comma-separated chat ids allowed to use ``/stats``.
BOT_USERNAME (asked from Telegram)    Username for ``t.me`` links where Telegram has not told
                                      us (terminal, CLIs); a leading ``@`` is ignored.
LOG_LEVEL (INFO)                      DEBUG, INFO, WARNING, ERROR or CRITICAL.
LOG_FORMAT (text)                     ``text`` (one readable line) or ``json`` (one JSON
                                      object per line); both redacted the same way.
IDLE_DAYS (90)                        Days without activity (and no pending reminder) after
                                      which everything of a user is purged.
ZELFHULPWIJZER_FAKE_NOW (unset)       Tests only: the bot's clock starts at this ISO 8601
                                      instant (with UTC offset) and runs on from there, e.g. for
                                      a crash test in a subprocess. Refused in production.

The token and the secret key are kept out of `repr` so that a logged or
printed `Config` cannot leak them. Secrets may also come as files (Docker or
Kubernetes secrets): ``TELEGRAM_BOT_TOKEN_FILE=/run/secrets/token`` and so on for
each name in `SECRET_FILE_VARIABLES`; `with_secret_files` reads them.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["SECRET_FILE_VARIABLES", "Config", "ConfigError", "Environment", "with_secret_files"]

DEFAULT_API_BASE_URL = "https://api.telegram.org"
DATABASE_FILENAME = "zelfhulpwijzer.sqlite3"
SECRET_KEY_FILENAME = "secret.key"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
SECRET_FILE_VARIABLES = (
    "TELEGRAM_BOT_TOKEN",
    "ZELFHULPWIJZER_SECRET_KEY",
    "ZELFHULPWIJZER_NEW_SECRET_KEY",
    "WEBHOOK_SECRET",
)
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


class ConfigError(ValueError):
    """The environment does not describe a runnable bot; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid configuration:\n  " + "\n  ".join(problems))


class Environment(StrEnum):
    """Where the bot runs; production refuses shortcuts that development allows."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


@dataclass(frozen=True, slots=True)
class Config:
    """The bot's settings; see the module docstring for each variable."""

    telegram_bot_token: str | None = field(default=None, repr=False)
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_listen: str = "0.0.0.0"
    port: int = 8080
    health_port: int | None = None
    ready_max_silence_minutes: int = 5
    data_dir: Path = Path("var")
    secret_key: str | None = field(default=None, repr=False)
    env: Environment = Environment.DEVELOPMENT
    admin_chat_ids: frozenset[int] = frozenset()
    bot_username: str | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    idle_days: int = 90
    fake_now: datetime | None = None

    def clock(self) -> Callable[[], datetime]:
        """The bot's "now": real UTC time, or from `fake_now` on at real speed (tests only)."""
        if self.fake_now is None:
            return lambda: datetime.now(UTC)
        start_at, started_s = self.fake_now, time.monotonic()
        return lambda: start_at + timedelta(seconds=time.monotonic() - started_s)

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @property
    def database_path(self) -> Path:
        return self.data_dir / DATABASE_FILENAME

    @property
    def secret_key_path(self) -> Path:
        return self.data_dir / SECRET_KEY_FILENAME

    @property
    def imports_dir(self) -> Path:
        return self.data_dir / "imports"

    @property
    def bot_api_url(self) -> str:
        """PTB's `base_url`: the root plus ``/bot`` (PTB appends the token)."""
        return f"{self.telegram_api_base_url}/bot"

    @property
    def bot_api_file_url(self) -> str:
        """PTB's `base_file_url`: the root plus ``/file/bot``."""
        return f"{self.telegram_api_base_url}/file/bot"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Config:
        """Read and check every variable; raise `ConfigError` listing all problems.

        Empty values count as unset, so ``FOO=`` in an env file means "default".
        """
        env = {name: value.strip() for name, value in environ.items() if value.strip()}
        problems: list[str] = []

        environment = Environment.DEVELOPMENT
        if (raw := env.get("ZELFHULPWIJZER_ENV")) is not None:
            try:
                environment = Environment(raw.lower())
            except ValueError:
                problems.append(
                    f"ZELFHULPWIJZER_ENV={raw!r}: expected 'development' or 'production'"
                )

        base_url = env.get("TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL).rstrip("/")
        base_url = base_url.removesuffix("/bot")
        if not base_url.startswith(("http://", "https://")):
            problems.append("TELEGRAM_API_BASE_URL: expected an http:// or https:// URL")
        elif environment is Environment.PRODUCTION and not _is_safe_api_url(base_url):
            problems.append(
                "TELEGRAM_API_BASE_URL: production needs https:// for a Bot API server on "
                "another machine (http:// only to localhost)"
            )

        webhook_url = env.get("WEBHOOK_URL")
        webhook_secret = env.get("WEBHOOK_SECRET")
        if webhook_url is not None and not webhook_url.startswith("https://"):
            problems.append("WEBHOOK_URL: expected an https:// URL (Telegram requires HTTPS)")
        if webhook_url is not None and webhook_secret is None:
            problems.append("WEBHOOK_SECRET: required when WEBHOOK_URL is set")
        if webhook_secret is not None and not _WEBHOOK_SECRET.fullmatch(webhook_secret):
            problems.append("WEBHOOK_SECRET: expected 1-256 characters of A-Z, a-z, 0-9, _ and -")

        port = _int(env, "PORT", 8080, problems, minimum=1, maximum=65535)
        idle_days = _int(env, "IDLE_DAYS", 90, problems, minimum=1, maximum=3650)
        health_port = None
        if "HEALTH_PORT" in env:
            health_port = _int(env, "HEALTH_PORT", 0, problems, minimum=1, maximum=65535) or None
        max_silence = _int(env, "READY_MAX_SILENCE_MINUTES", 5, problems, minimum=1, maximum=1440)

        admin_chat_ids: set[int] = set()
        for part in env.get("ADMIN_CHAT_IDS", "").split(","):
            if part.strip():
                try:
                    admin_chat_ids.add(int(part.strip()))
                except ValueError:
                    problems.append("ADMIN_CHAT_IDS: expected comma-separated integer chat ids")
                    break

        bot_username = env.get("BOT_USERNAME")
        if bot_username is not None:
            bot_username = bot_username.removeprefix("@")
            if not _USERNAME.fullmatch(bot_username):
                problems.append("BOT_USERNAME: expected a Telegram username like 'MijnBot'")

        log_level = env.get("LOG_LEVEL", "INFO").upper()
        if log_level not in LOG_LEVELS:
            problems.append(f"LOG_LEVEL={log_level!r}: expected one of {', '.join(LOG_LEVELS)}")
        log_format = env.get("LOG_FORMAT", "text").lower()
        if log_format not in LOG_FORMATS:
            problems.append(f"LOG_FORMAT={log_format!r}: expected 'text' or 'json'")

        fake_now = None
        if (raw := env.get("ZELFHULPWIJZER_FAKE_NOW")) is not None:
            try:
                fake_now = datetime.fromisoformat(raw)
            except ValueError:
                fake_now = None
            if fake_now is None or fake_now.tzinfo is None:
                problems.append(
                    "ZELFHULPWIJZER_FAKE_NOW: expected an ISO 8601 instant with a UTC offset"
                )
            elif environment is Environment.PRODUCTION:
                problems.append("ZELFHULPWIJZER_FAKE_NOW: not allowed in production")

        if problems:
            raise ConfigError(problems)
        return cls(
            telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN"),
            telegram_api_base_url=base_url,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            webhook_listen=env.get("WEBHOOK_LISTEN", "0.0.0.0"),
            port=port,
            health_port=health_port,
            ready_max_silence_minutes=max_silence,
            data_dir=Path(env.get("ZELFHULPWIJZER_DATA_DIR", "var")),
            secret_key=env.get("ZELFHULPWIJZER_SECRET_KEY"),
            env=environment,
            admin_chat_ids=frozenset(admin_chat_ids),
            bot_username=bot_username,
            log_level=log_level,
            log_format=log_format,
            idle_days=idle_days,
            fake_now=fake_now,
        )


def with_secret_files(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` with each ``NAME_FILE`` of `SECRET_FILE_VARIABLES` read into ``NAME``.

    A variable set directly wins over its file. A file that cannot be read raises
    `ConfigError` naming the variable (never the file's content).
    """
    env = dict(environ)
    problems = []
    for name in SECRET_FILE_VARIABLES:
        path = env.get(f"{name}_FILE", "").strip()
        if path and not env.get(name, "").strip():
            try:
                env[name] = Path(path).read_text().strip()
            except OSError as error:
                problems.append(f"{name}_FILE: cannot read {path} ({type(error).__name__})")
    if problems:
        raise ConfigError(problems)
    return env


def _is_safe_api_url(url: str) -> bool:
    """https anywhere, or http to this machine (a self-hosted server beside the bot).

    >>> _is_safe_api_url("http://127.0.0.1:8081"), _is_safe_api_url("http://bot-api:8081")
    (True, False)
    """
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _int(
    env: Mapping[str, str],
    name: str,
    default: int,
    problems: list[str],
    *,
    minimum: int,
    maximum: int,
) -> int:
    """An integer variable within bounds; on a problem, note it and return the default."""
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{name}={raw!r}: expected a whole number")
        return default
    if not minimum <= value <= maximum:
        problems.append(f"{name}={value}: expected between {minimum} and {maximum}")
        return default
    return value
