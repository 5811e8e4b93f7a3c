"""The webhook server PTB builds, as the bot runs it: secret token checked, bodies bounded.

Starts the real webhook server (`running(app, webhook=config)`: PTB's
``start_webhook`` with ``secret_token``, plus the adapter's 1 MiB body bound on
tornado) on 127.0.0.1 and a free port, and posts to it directly. Tornado's own
default bound is 100 MB; the bound must hold for chunked bodies too (no
Content-Length to check up front), while a large but legal update still gets in.
`tests/test_telegram_resilience.py` checks the ordinary delivery path.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from conftest import Clock, _loaded_catalogue, free_port
from fakebotapi import FakeBotAPI

from bot.app import build_telegram
from bot.config import Config
from bot.secrets import Secrets
from bot.telegram_adapter import MAX_WEBHOOK_BODY_BYTES, RetryingRateLimiter, running

SECRET = "webhook-secret_42"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
CHAT = 7_970_000_001


@pytest.fixture
async def webhook(fake_api: FakeBotAPI, tmp_path, clock: Clock) -> AsyncIterator[str]:
    """The bot serving a webhook; yields the URL it listens on."""
    port = free_port()
    config = Config(
        telegram_bot_token=fake_api.token,
        telegram_api_base_url=fake_api.root_url,
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_secret=SECRET,
        webhook_listen="127.0.0.1",
        port=port,
        data_dir=tmp_path,
    )
    bot = await build_telegram(
        config,
        clock=clock,
        secrets=Secrets.from_master_key(b"w" * 32),
        loaded=_loaded_catalogue(),
        rate_limiter=RetryingRateLimiter(backoff_s=0.05),
    )
    try:
        async with running(bot.application, webhook=config):
            yield config.webhook_url or ""
    finally:
        await bot.core.close()


def update(update_id: int, text: str, padding: int = 0) -> bytes:
    """A text message update from CHAT, padded with insignificant whitespace to a size."""
    message = {
        "message_id": update_id,
        "date": 0,
        "chat": {"id": CHAT, "type": "private"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "X"},
        "text": text,
    }
    return json.dumps({"update_id": update_id, "message": message}).encode() + b" " * padding


async def post(
    url: str, body: bytes | AsyncIterator[bytes], secret: str | None = SECRET
) -> int | None:
    """The status answered, or None if the server closed the connection instead."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[HEADER] = secret
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(url, content=body, headers=headers)).status_code
    except httpx.HTTPError:
        return None


async def chunks(total_bytes: int) -> AsyncIterator[bytes]:
    """A body sent chunked (no Content-Length): only counting while reading can bound it."""
    yield update(900, "hoi")
    for _ in range(total_bytes // 65536):
        yield b" " * 65536


async def test_only_telegrams_secret_gets_in(webhook: str, fake_api: FakeBotAPI) -> None:
    assert await post(webhook, update(1, "hallo"), secret=None) == 403
    assert await post(webhook, update(2, "hallo"), secret="guess") == 403
    assert await post(webhook, update(3, "hallo"), secret=SECRET.upper()) == 403
    assert fake_api.calls_of("sendMessage") == []  # nothing got through to a turn

    assert await post(webhook, update(4, "hallo")) == 200
    reply = await fake_api.wait_for("sendMessage", lambda c: c.chat_id == CHAT, since=0)
    assert "Voor mezelf" in reply.button_labels
    assert len(fake_api.calls_of("sendMessage")) == 1


async def test_bodies_over_one_mib_are_refused_chunked_or_not(
    webhook: str, fake_api: FakeBotAPI
) -> None:
    assert MAX_WEBHOOK_BODY_BYTES == 1024 * 1024
    near_limit = update(10, "hallo", padding=MAX_WEBHOOK_BODY_BYTES - 1000)
    assert await post(webhook, near_limit) == 200  # big but legal: served
    await fake_api.wait_for("sendMessage", lambda c: c.chat_id == CHAT, since=0)

    over = update(11, "hallo", padding=MAX_WEBHOOK_BODY_BYTES + 1)
    assert await post(webhook, over) in (400, 413, None)
    assert await post(webhook, chunks(4 * MAX_WEBHOOK_BODY_BYTES)) in (400, 413, None)
    assert await post(webhook, update(12, "hallo")) == 200  # and the server is still fine
    # Turns of one chat run in order: once "hallo" is answered, a refused body that had
    # got in would have been answered too. Two answers: only the two accepted bodies.
    await fake_api.wait_for_count("sendMessage", 2, lambda c: c.chat_id == CHAT, since=0)
    assert len(fake_api.calls_of("sendMessage", CHAT)) == 2
