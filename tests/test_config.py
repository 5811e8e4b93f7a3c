"""`Config.from_env`: every variable read, defaults sane, all problems reported at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, Environment

ROOT = Path(__file__).resolve().parent.parent


def test_empty_environment_gives_a_terminal_development_config():
    config = Config.from_env({})
    assert config.telegram_bot_token is None
    assert config.env is Environment.DEVELOPMENT
    assert config.data_dir == Path("var")
    assert config.database_path == Path("var/zelfhulpwijzer.sqlite3")
    assert config.secret_key_path == Path("var/secret.key")
    assert config.bot_api_url == "https://api.telegram.org/bot"
    assert config.idle_days == 90
    assert config.port == 8080
    assert config.admin_chat_ids == frozenset()


def test_every_variable_is_read():
    config = Config.from_env(
        {
            "TELEGRAM_BOT_TOKEN": "123:ABC",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot/",
            "WEBHOOK_URL": "https://bot.example.org/hook",
            "WEBHOOK_SECRET": "s3cr3t_-x",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "PORT": "9000",
            "ZELFHULPWIJZER_DATA_DIR": "/srv/zhw",
            "ZELFHULPWIJZER_SECRET_KEY": "00" * 32,
            "ZELFHULPWIJZER_ENV": "Production",
            "ADMIN_CHAT_IDS": "11, 22,",
            "BOT_USERNAME": "@ZelfhulpwijzerBot",
            "LOG_LEVEL": "debug",
            "IDLE_DAYS": "30",
        }
    )
    assert config.telegram_bot_token == "123:ABC"
    assert config.bot_api_url == "http://127.0.0.1:8081/bot"
    assert config.bot_api_file_url == "http://127.0.0.1:8081/file/bot"
    assert config.webhook_url == "https://bot.example.org/hook"
    assert config.webhook_secret == "s3cr3t_-x"
    assert (config.webhook_listen, config.port) == ("127.0.0.1", 9000)
    assert config.imports_dir == Path("/srv/zhw/imports")
    assert config.is_production
    assert config.admin_chat_ids == {11, 22}
    assert config.bot_username == "ZelfhulpwijzerBot"
    assert config.log_level == "DEBUG"
    assert config.idle_days == 30


def test_secrets_stay_out_of_repr():
    config = Config.from_env(
        {"TELEGRAM_BOT_TOKEN": "123:SECRETTOKEN", "ZELFHULPWIJZER_SECRET_KEY": "ab" * 32}
    )
    assert "SECRETTOKEN" not in repr(config)
    assert "ab" * 32 not in repr(config)


def test_empty_values_count_as_unset():
    assert Config.from_env({"TELEGRAM_BOT_TOKEN": "  ", "PORT": ""}).telegram_bot_token is None


def test_all_problems_are_listed_together():
    with pytest.raises(ConfigError) as raised:
        Config.from_env(
            {
                "ZELFHULPWIJZER_ENV": "staging",
                "PORT": "eighty",
                "IDLE_DAYS": "0",
                "ADMIN_CHAT_IDS": "12,abc",
                "WEBHOOK_URL": "http://insecure.example.org",
                "LOG_LEVEL": "LOUD",
                "BOT_USERNAME": "x",
                "TELEGRAM_API_BASE_URL": "ftp://x",
            }
        )
    text = str(raised.value)
    for name in (
        "ZELFHULPWIJZER_ENV",
        "PORT",
        "IDLE_DAYS",
        "ADMIN_CHAT_IDS",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "LOG_LEVEL",
        "BOT_USERNAME",
        "TELEGRAM_API_BASE_URL",
    ):
        assert name in text
    assert len(raised.value.problems) == 9


def test_webhook_secret_must_be_what_telegram_accepts():
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        Config.from_env({"WEBHOOK_URL": "https://x.example.org", "WEBHOOK_SECRET": "no spaces!"})


def _python_m_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZELFHULP"))}
    clean.update(ZELFHULPWIJZER_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="",
        capture_output=True,
        text=True,
        env=clean,
        cwd=ROOT,
        timeout=60,
    )


def test_production_without_key_refuses_to_start_with_a_clear_message(tmp_path: Path):
    done = _python_m_bot(tmp_path, ZELFHULPWIJZER_ENV="production", TELEGRAM_BOT_TOKEN="1:x")
    assert done.returncode == 2
    assert "ZELFHULPWIJZER_SECRET_KEY is not set" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "secret.key").exists()
    assert not (tmp_path / "zelfhulpwijzer.sqlite3").exists()


def test_bad_configuration_exits_2_listing_the_problems(tmp_path: Path):
    done = _python_m_bot(tmp_path, PORT="eighty", ZELFHULPWIJZER_ENV="staging")
    assert done.returncode == 2
    assert "PORT" in done.stderr and "ZELFHULPWIJZER_ENV" in done.stderr
    assert "Traceback" not in done.stderr


def test_help_names_the_subcommands(tmp_path: Path):
    done = _python_m_bot(tmp_path, "--help")
    assert done.returncode == 0
    assert "terminal" in done.stdout and "clinic" in done.stdout


def test_fake_now_is_for_tests_only():
    config = Config.from_env({"ZELFHULPWIJZER_FAKE_NOW": "2026-11-23T18:00:00+01:00"})
    assert config.clock()().isoformat().startswith("2026-11-23T18:00:0")
    with pytest.raises(ConfigError, match="not allowed in production"):
        Config.from_env(
            {
                "ZELFHULPWIJZER_FAKE_NOW": "2026-11-23T18:00:00+01:00",
                "ZELFHULPWIJZER_ENV": "production",
            }
        )
    with pytest.raises(ConfigError, match="UTC offset"):
        Config.from_env({"ZELFHULPWIJZER_FAKE_NOW": "2026-11-23T18:00:00"})


def test_the_terminal_runs_on_the_fake_clock(tmp_path: Path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZELFHULP"))}
    clean.update(
        ZELFHULPWIJZER_DATA_DIR=str(tmp_path),
        ZELFHULPWIJZER_FAKE_NOW="2027-03-01T09:00:00+01:00",
        PYTHONPATH=str(ROOT),
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="1\n1\nUtrecht\n1\n",
        capture_output=True,
        text=True,
        env=clean,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    # The next meetings are those after the fake "now" (early March 2027).
    assert " maart, " in done.stdout and " november, " not in done.stdout


def test_secrets_can_come_from_files_as_docker_and_kubernetes_mount_them(tmp_path: Path):
    from bot.config import with_secret_files

    (tmp_path / "token").write_text("123:abc\n")
    env = with_secret_files(
        {"TELEGRAM_BOT_TOKEN_FILE": str(tmp_path / "token"), "WEBHOOK_SECRET": "direct"}
    )
    assert Config.from_env(env).telegram_bot_token == "123:abc"  # newline stripped
    both = with_secret_files(
        {"TELEGRAM_BOT_TOKEN": "set:directly", "TELEGRAM_BOT_TOKEN_FILE": str(tmp_path / "x")}
    )
    assert both["TELEGRAM_BOT_TOKEN"] == "set:directly"  # the variable wins; no file read
    with pytest.raises(ConfigError, match="ZELFHULPWIJZER_SECRET_KEY_FILE: cannot read"):
        with_secret_files({"ZELFHULPWIJZER_SECRET_KEY_FILE": str(tmp_path / "missing")})


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://api.telegram.org", True),
        ("https://bot-api.example.org:8443", True),
        ("http://127.0.0.1:8081", True),
        ("http://localhost:8081", True),
        ("http://[::1]:8081", True),
        ("http://bot-api.example.org:8081", False),
        ("http://10.0.0.7:8081", False),
    ],
)
def test_production_sends_the_token_in_clear_only_to_this_machine(url: str, allowed: bool):
    environ = {"ZELFHULPWIJZER_ENV": "production", "TELEGRAM_API_BASE_URL": url}
    if allowed:
        assert Config.from_env(environ).telegram_api_base_url == url
    else:
        with pytest.raises(ConfigError, match="TELEGRAM_API_BASE_URL: production needs https"):
            Config.from_env(environ)
    assert Config.from_env({"TELEGRAM_API_BASE_URL": url})  # development: anything goes
