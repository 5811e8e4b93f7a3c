"""`Config.from_env`: every variable read, defaults sane, all problems reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, ConfigError, Environment


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
