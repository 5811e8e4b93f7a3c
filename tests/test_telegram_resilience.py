"""The real bot when Telegram misbehaves, a person floods it, or a stranger posts to the webhook.

All through the real `Application` against the fake Bot API server, with
faults injected on the server side (429 with retry_after, 500, dropped
connections, slow answers, a blocked bot).
"""

from __future__ import annotations

import httpx
from conftest import BotHarness, Clock, free_port
from fakebotapi import FakeBotAPI, Fault

from bot.app import build_telegram
from bot.config import Config
from bot.secrets import Secrets
from bot.telegram_adapter import Admission, FloodGate, RetryingRateLimiter, running

CHAT = 6660001
OTHER = 6660002


async def test_sends_survive_429_500_drops_and_timeouts(bot_app: BotHarness) -> None:
    api = bot_app.api
    api.fail_next("sendMessage", Fault.too_many_requests(retry_after=1))
    api.fail_next("sendMessage", Fault.server_error())
    api.fail_next("sendMessage", Fault.drop())
    reply = await bot_app.say(CHAT, "/start")
    assert "Voor mezelf" in reply.buttons
    assert [c.status for c in api.calls_of("sendMessage")] == [429, 500, 0, 200]

    api.fail_next("editMessageText", Fault.bad_gateway())
    api.fail_next("answerCallbackQuery", Fault.server_error(), times=2)
    reply = await bot_app.press(CHAT, "Voor mezelf")
    assert "Alcohol" in reply.buttons
    assert reply.answered_queries == 1


async def test_telegram_unreachable_for_updates_is_recovered_from(bot_app: BotHarness) -> None:
    api = bot_app.api
    api.fail_next("getUpdates", Fault.server_error())
    api.fail_next("getUpdates", Fault.drop())
    reply = await bot_app.say(CHAT, "/start")
    assert "Voor mezelf" in reply.buttons


async def test_a_person_who_blocked_the_bot_is_forgotten(bot_app: BotHarness) -> None:
    await bot_app.say(CHAT, "/start")
    await bot_app.press(CHAT, "Voor mezelf")
    storage = bot_app.storage
    key = storage.user_key(CHAT)
    assert await storage.load_conversation(key) is not None

    bot_app.api.block(CHAT)
    await bot_app.press(CHAT, "Alcohol")
    assert await storage.load_conversation(key) is None


async def test_a_flood_gets_one_slow_down_and_others_are_served(bot_app: BotHarness) -> None:
    api = bot_app.api
    burst = [api.send_sticker(CHAT) for _ in range(25)]
    other = api.send_text(OTHER, "/start")
    for update_id in [*burst, other]:
        await bot_app.settle(update_id)

    to_flooder = [c for c in api.calls_of("sendMessage", CHAT)]
    slow_downs = [c for c in to_flooder if "Rustig aan" in c.text]
    assert len(slow_downs) == 1
    assert len(to_flooder) == 21  # 20 answered, one "slow down", 4 dropped
    assert any("Voor mezelf" in c.button_labels for c in api.calls_of("sendMessage", OTHER))


def test_the_flood_gate_lets_a_calm_chat_through_again() -> None:
    now = [0.0]
    gate = FloodGate(max_updates=3, window_s=10, clock=lambda: now[0])
    verdicts = [gate.admit(1) for _ in range(5)]
    assert verdicts == [Admission.ADMIT] * 3 + [Admission.WARN, Admission.DROP]
    assert gate.admit(2) is Admission.ADMIT  # another chat is not slowed down
    now[0] = 10.5
    assert gate.admit(1) is Admission.ADMIT


async def test_webhook_mode_checks_the_secret_token(
    fake_api: FakeBotAPI, tmp_path, clock: Clock
) -> None:
    from conftest import _loaded_catalogue

    port = free_port()
    config = Config(
        telegram_bot_token=fake_api.token,
        telegram_api_base_url=fake_api.root_url,
        webhook_url=f"http://127.0.0.1:{port}/telegram-hook",
        webhook_secret="the-secret_123",
        webhook_listen="127.0.0.1",
        port=port,
        data_dir=tmp_path,
    )
    bot = await build_telegram(
        config,
        clock=clock,
        secrets=Secrets.from_master_key(b"k" * 32),
        loaded=_loaded_catalogue(),
        rate_limiter=RetryingRateLimiter(backoff_s=0.05),
    )
    try:
        async with running(bot.application, webhook=config):
            assert fake_api.webhook == {
                "url": config.webhook_url,
                "secret_token": "the-secret_123",
            }
            fake_api.send_text(CHAT, "/start")
            reply = await fake_api.wait_for("sendMessage", lambda c: c.chat_id == CHAT)
            assert "Voor mezelf" in reply.button_labels
            assert fake_api.webhook_deliveries[-1][1] == 200

            update = {"update_id": 999, "message": {"message_id": 1, "date": 0, "text": "hoi"}}
            async with httpx.AsyncClient() as client:
                no_secret = await client.post(config.webhook_url, json=update)
                wrong = await client.post(
                    config.webhook_url,
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
                )
                try:
                    huge = await client.post(
                        config.webhook_url,
                        content=b'{"update_id": 1000' + b" " * (2 * 1024 * 1024) + b"}",
                        headers={
                            "X-Telegram-Bot-Api-Secret-Token": "the-secret_123",
                            "Content-Type": "application/json",
                        },
                    )
                    refused = huge.status_code in (400, 413)
                except httpx.HTTPError:  # tornado closes the connection on an oversized body
                    refused = True
            assert no_secret.status_code == 403
            assert wrong.status_code == 403
            assert refused
    finally:
        await bot.core.close()


async def test_serve_runs_the_whole_bot_until_told_to_stop(fake_api: FakeBotAPI, tmp_path) -> None:
    """`python -m bot` with a token: storage, catalogue, reminders, clinics, polling."""
    import asyncio

    from bot.telegram_serve import serve

    config = Config(
        telegram_bot_token=fake_api.token,
        telegram_api_base_url=fake_api.root_url,
        data_dir=tmp_path / "var",
        secret_key="00" * 32,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(config, stop))
    try:
        await fake_api.wait_for("setMyCommands", since=0, timeout=20)
        fake_api.send_text(CHAT, "/start")
        reply = await fake_api.wait_for("sendMessage", lambda c: c.chat_id == CHAT, timeout=10)
        assert "Voor mezelf" in reply.button_labels
        fake_api.send_text(CHAT, "/stats")  # not an administrator: the dialogue answers
        refused = await fake_api.wait_for("sendMessage", lambda c: c.chat_id == CHAT)
        assert "ken ik niet" in refused.text
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 15) == 0
    assert config.database_path.exists()
