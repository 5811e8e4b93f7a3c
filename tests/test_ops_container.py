"""The container image, run the way Docker would run it (CI has no Docker).

The test reads the final stage of the `Dockerfile` (its ``ENV``, ``ENTRYPOINT``/``CMD``,
``HEALTHCHECK``, ``USER``, ``VOLUME``) and `compose.yaml`, then starts the entrypoint
command as a process with exactly that environment, the token and key as secret files
(as compose mounts them), the data directory as the volume, and the fake Bot API as
Telegram. The image's own health check command must then report ready, the bot must
answer, and SIGTERM (``docker stop``) must end it cleanly.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import sys
from pathlib import Path

import yaml
from conftest import free_port
from fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
CHAT = 7_414_000_001
KEY = secrets.token_hex(32)  # production refuses a key that is not random


def final_stage() -> dict[str, object]:
    """The last stage's instructions: ENV as a dict, the rest as their raw arguments."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    stages = re.split(r"(?m)^FROM ", text)
    found: dict[str, object] = {"FROM": [line.split()[0] for line in stages[1:]], "ENV": {}}
    for line in stages[-1].splitlines():
        instruction, _, rest = line.strip().partition(" ")
        if instruction == "ENV":
            for name, value in re.findall(r"(\w+)=(\S+)", rest):
                found["ENV"][name] = value  # type: ignore[index]
        elif instruction in ("USER", "VOLUME", "ENTRYPOINT", "CMD", "HEALTHCHECK"):
            found[instruction] = rest.strip()
    return found


def test_the_image_is_slim_unprivileged_locked_and_holds_no_secret() -> None:
    stage = final_stage()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert stage["FROM"] == ["python:3.11-slim", "python:3.11-slim"]
    assert stage["USER"] not in ("root", "0")
    assert json.loads(str(stage["VOLUME"])) == [stage["ENV"]["ZELFHULPWIJZER_DATA_DIR"]]  # type: ignore[index]
    assert "pip install --require-hashes -r /tmp/requirements.lock" in dockerfile
    assert "pip install --no-deps /src" in dockerfile
    env = stage["ENV"]
    assert env["ZELFHULPWIJZER_ENV"] == "production"  # type: ignore[index]
    assert not [name for name in env if re.search("TOKEN|SECRET|KEY", name)]  # type: ignore[union-attr]
    assert not re.search(r"(?m)^(ARG|ENV).*(TOKEN|SECRET|KEY)", dockerfile)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"secrets", "var", ".venv", ".git"} <= set(ignored)


def test_compose_passes_secrets_as_files_and_checks_health_like_the_image() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    bot = compose["services"]["bot"]
    assert bot["environment"]["TELEGRAM_BOT_TOKEN_FILE"] == "/run/secrets/telegram_bot_token"
    assert (
        bot["environment"]["ZELFHULPWIJZER_SECRET_KEY_FILE"]
        == "/run/secrets/zelfhulpwijzer_secret_key"
    )
    assert set(bot["secrets"]) == set(compose["secrets"])
    assert any(volume.endswith(":/data") for volume in bot["volumes"])
    healthcheck = final_stage()["HEALTHCHECK"]
    assert bot["healthcheck"]["test"] == ["CMD", *json.loads(str(healthcheck).split("CMD ")[1])]


async def test_the_entrypoint_runs_the_bot_healthy_and_stops_on_sigterm(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    stage = final_stage()
    secrets_dir = tmp_path / "run-secrets"
    secrets_dir.mkdir()
    (secrets_dir / "telegram_bot_token").write_text(fake_api.token + "\n")
    (secrets_dir / "zelfhulpwijzer_secret_key").write_text(KEY + "\n")
    volume = tmp_path / "data"
    volume.mkdir()
    image_env = dict(stage["ENV"])  # type: ignore[call-overload]
    health_port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        **{name: value for name, value in image_env.items() if name != "PATH"},
        # what `docker run -v …:/data` and compose's secrets provide:
        "ZELFHULPWIJZER_DATA_DIR": str(volume),
        "TELEGRAM_BOT_TOKEN_FILE": str(secrets_dir / "telegram_bot_token"),
        "ZELFHULPWIJZER_SECRET_KEY_FILE": str(secrets_dir / "zelfhulpwijzer_secret_key"),
        "HEALTH_PORT": str(health_port),
        "TELEGRAM_API_BASE_URL": fake_api.root_url,  # Telegram, played by the fake server
    }
    entrypoint = json.loads(str(stage["ENTRYPOINT"])) + json.loads(str(stage["CMD"]))
    healthcheck = json.loads(str(stage["HEALTHCHECK"]).split("CMD ")[1])
    assert entrypoint[0] == healthcheck[0] == "python"
    log_file = tmp_path / "bot.log"
    with log_file.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *entrypoint[1:], cwd=volume, env=env, stdout=log, stderr=log
        )
    try:
        await until_healthy([sys.executable, *healthcheck[1:]], env, process, log_file)
        fake_api.send_text(CHAT, "/start")
        reply = await fake_api.wait_for("sendMessage", lambda c: c.chat_id == CHAT, timeout=20)
        assert "Voor mezelf" in reply.button_labels
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)  # docker stop
        code = await asyncio.wait_for(process.wait(), 20)
    logged = log_file.read_text()
    assert code == 0, logged
    lines = [json.loads(line) for line in logged.splitlines()]  # LOG_FORMAT=json from the image
    assert any(line["message"].startswith("the bot is running") for line in lines)
    assert fake_api.token not in logged and KEY not in logged
    assert (volume / "zelfhulpwijzer.sqlite3").exists()


async def until_healthy(
    command: list[str], env: dict[str, str], bot: asyncio.subprocess.Process, log_file: Path
) -> None:
    """Run the image's health check every 0.2 s until it passes (as Docker would, faster)."""
    for _ in range(300):
        probe = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        if await probe.wait() == 0:
            return
        if bot.returncode is not None:
            raise AssertionError(f"the bot exited with {bot.returncode}:\n{log_file.read_text()}")
        await asyncio.sleep(0.2)
    raise AssertionError(f"never healthy:\n{log_file.read_text()[-3000:]}")
