"""The secret key: from the environment, or a generated owner-only file in development only."""

from __future__ import annotations

import base64
import logging
import stat
from pathlib import Path

import pytest

from bot.config import Config
from bot.secrets import SecretKeyError, Secrets, UnsealError, load_secrets, parse_master_key

KEY = bytes(range(32))


def config(tmp_path: Path, **env: str) -> Config:
    return Config.from_env({"ZELFHULPWIJZER_DATA_DIR": str(tmp_path), **env})


@pytest.mark.parametrize(
    "text",
    [
        KEY.hex(),
        KEY.hex().upper(),
        base64.b64encode(KEY).decode(),
        base64.urlsafe_b64encode(KEY).decode().rstrip("="),
    ],
)
def test_key_is_read_as_hex_or_base64(text: str):
    assert parse_master_key(text) == KEY


@pytest.mark.parametrize("text", ["", "abc", "00" * 31, base64.b64encode(bytes(16)).decode()])
def test_malformed_key_says_how_to_make_one(text: str):
    with pytest.raises(SecretKeyError, match="token_hex"):
        parse_master_key(text)


def test_key_from_environment_writes_no_file(tmp_path: Path):
    secrets = load_secrets(config(tmp_path, ZELFHULPWIJZER_SECRET_KEY=KEY.hex()))
    assert secrets == Secrets.from_master_key(KEY)
    assert not (tmp_path / "secret.key").exists()


def test_sub_keys_differ_from_each_other_and_the_master():
    secrets = Secrets.from_master_key(KEY)
    assert len({secrets.hash_key, secrets.encryption_key, KEY}) == 3


def test_development_without_key_generates_owner_only_file(tmp_path: Path, caplog):
    with caplog.at_level(logging.WARNING, logger="bot.secrets"):
        first = load_secrets(config(tmp_path))
    key_file = tmp_path / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "ZELFHULPWIJZER_SECRET_KEY" in caplog.text
    assert key_file.read_text().strip() not in caplog.text
    # The next start uses the same key: conversations survive a restart.
    assert load_secrets(config(tmp_path)) == first


def test_production_without_key_refuses_to_start(tmp_path: Path):
    with pytest.raises(SecretKeyError, match="production"):
        load_secrets(config(tmp_path, ZELFHULPWIJZER_ENV="production"))
    assert not (tmp_path / "secret.key").exists()


def test_production_with_key_starts(tmp_path: Path):
    env = {"ZELFHULPWIJZER_ENV": "production", "ZELFHULPWIJZER_SECRET_KEY": KEY.hex()}
    assert load_secrets(config(tmp_path, **env)) == Secrets.from_master_key(KEY)


def test_sealed_values_need_the_same_key_and_context():
    secrets = Secrets.from_master_key(KEY)
    blob = secrets.seal(b"12345", "users.chat_id|abc")
    assert secrets.unseal(blob, "users.chat_id|abc") == b"12345"
    assert b"12345" not in blob
    assert secrets.seal(b"12345", "users.chat_id|abc") != blob  # fresh nonce each time
    with pytest.raises(UnsealError):
        secrets.unseal(blob, "users.chat_id|xyz")
    with pytest.raises(UnsealError):
        Secrets.from_master_key(bytes(32)).unseal(blob, "users.chat_id|abc")


def production(tmp_path: Path, **env: str) -> Config:
    return config(tmp_path, ZELFHULPWIJZER_ENV="production", **env)


@pytest.mark.parametrize(
    "weak",
    [
        "00" * 32,  # all zero
        "ab" * 32,  # one byte repeated
        (b"0123456789abcdef" * 2).hex(),  # a short pattern
        b"wachtwoord voor de zelfhulpbot!!".hex(),  # a typed phrase
    ],
)
def test_production_refuses_a_key_that_is_not_random(tmp_path: Path, weak: str):
    with pytest.raises(SecretKeyError, match="not random"):
        load_secrets(production(tmp_path, ZELFHULPWIJZER_SECRET_KEY=weak))
    # Development takes it (tests and demos use fixed keys).
    assert load_secrets(config(tmp_path, ZELFHULPWIJZER_SECRET_KEY=weak))


def test_production_refuses_a_key_file_left_beside_the_database(tmp_path: Path):
    load_secrets(config(tmp_path))  # a development run left secret.key behind
    key = base64.b64encode(bytes(range(32))).decode()
    with pytest.raises(SecretKeyError, match=r"secret\.key"):
        load_secrets(production(tmp_path, ZELFHULPWIJZER_SECRET_KEY=key))
    (tmp_path / "secret.key").unlink()
    assert load_secrets(production(tmp_path, ZELFHULPWIJZER_SECRET_KEY=key))
