"""One update python-telegram-bot cannot read harms no one else (issue 12, problem 1).

The case found against the real bot: a poll whose options lack ``persistent_id``, as an
older self-hosted Bot API server sends it. PTB read the batch as a whole, so the offset never
moved, the batch was fetched again about 345 times a second, nobody else was answered, and
each failure was logged with the raw batch (other people's texts and first names). Now each
update is read on its own: the unreadable one is logged by id and error type, counted and
skipped, through polling and through the webhook.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import BotHarness, Clock, _loaded_catalogue, free_port
from fakebotapi import FakeBotAPI

from bot.app import build_telegram
from bot.config import Config
from bot.logging_setup import setup_logging
from bot.secrets import Secrets
from bot.telegram_adapter import RetryingRateLimiter, running

ALICE, BOB, POLLER = 7_110_000_001, 7_110_000_002, 7_110_000_003
SECRET_NAME, SECRET_TEXT = "Annelies", "mijn vader drinkt"


def old_server_poll(chat_id: int, update_id: int | None = None) -> dict[str, Any]:
    """A message with a poll whose options lack ``persistent_id`` (Bot API before 9.6)."""
    poll = {
        "id": "p1",
        "question": SECRET_TEXT,
        "options": [{"text": SECRET_TEXT, "voter_count": 0}],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
    }
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": chat_id, "type": "private", "first_name": SECRET_NAME},
        "from": {"id": chat_id, "is_bot": False, "first_name": SECRET_NAME},
        "poll": poll,
    }
    update: dict[str, Any] = {"message": message}
    if update_id is not None:
        update["update_id"] = update_id
    return update


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    output = io.StringIO()
    root = logging.getLogger()
    saved = list(root.handlers), list(root.filters), root.level
    setup_logging("DEBUG", None, stream=output)
    yield output
    root.handlers[:], root.filters[:] = saved[0], saved[1]
    root.setLevel(saved[2])


async def test_polling_skips_an_unreadable_update_and_answers_everyone_else(
    make_bot, log_output: io.StringIO
) -> None:
    bot: BotHarness = await make_bot()
    await bot.start()
    api = bot.api
    polls_before = len(api.calls_of("getUpdates"))
    first = api.send_text(ALICE, "/start")
    api.push_update(old_server_poll(POLLER))
    last = api.send_text(BOB, "/start")
    await bot.settle(first)
    await bot.settle(last)
    assert api.sent_to(ALICE) and api.sent_to(BOB)
    # The unreadable update last in its batch: the offset still moves past it.
    skipped = api.push_update(old_server_poll(POLLER))
    await api.wait_for("getUpdates", lambda c: int(c.params.get("offset") or 0) > skipped)
    after = api.send_text(ALICE, "hallo")
    await bot.settle(after)
    offsets = [int(c.params.get("offset") or 0) for c in api.calls_of("getUpdates")]
    assert max(offsets) > skipped
    assert len(api.calls_of("getUpdates")) - polls_before < 20  # no tight refetch loop
    assert bot.app.bot.unreadable == 2
    assert api.sent_to(POLLER) == []
    logged = log_output.getvalue()
    assert "skipped update" in logged and "TypeError" in logged
    assert SECRET_NAME not in logged and SECRET_TEXT not in logged


async def test_the_webhook_skips_an_unreadable_update_with_200_and_serves_the_next(
    fake_api: FakeBotAPI, tmp_path, clock: Clock, log_output: io.StringIO
) -> None:
    port = free_port()
    config = Config(
        telegram_bot_token=fake_api.token,
        telegram_api_base_url=fake_api.root_url,
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_secret="s3cret",
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
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "s3cret"}
    try:
        async with running(bot.application, webhook=config), httpx.AsyncClient() as client:

            async def post(update: dict[str, Any]) -> int:
                body = json.dumps(update).encode()
                return (
                    await client.post(config.webhook_url or "", content=body, headers=headers)
                ).status_code

            assert await post(old_server_poll(POLLER, update_id=41)) == 200
            text = {"message_id": 2, "date": 0, "text": "/start",
                    "chat": {"id": ALICE, "type": "private"},
                    "from": {"id": ALICE, "is_bot": False, "first_name": "X"},
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}  # fmt: skip
            assert await post({"update_id": 42, "message": text}) == 200
            await fake_api.wait_for("sendMessage", lambda c: c.chat_id == ALICE, since=0)
            assert bot.application.bot.unreadable == 1
    finally:
        await bot.core.close()
    logged = log_output.getvalue()
    assert "skipped update 41 that could not be read: TypeError" in logged
    assert SECRET_NAME not in logged and SECRET_TEXT not in logged
