"""``/healthz``, ``/readyz`` and ``/metrics``: on HEALTH_PORT while polling, on the webhook server.

The whole bot runs as ``python -m bot`` runs it (`bot.telegram_serve.serve`) against the fake
Bot API; the probes are plain HTTP requests, as an orchestrator or Prometheus makes them.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from conftest import BotHarness, free_port
from fakebotapi import FakeBotAPI

from bot.config import Config
from bot.health import bot_api_check, run_checks
from bot.health_server import start_health_server
from bot.metrics import REMINDER_EVENTS, TURN_OUTCOMES, UPDATE_KINDS
from bot.telegram_request import ApiWatch

AMS = ZoneInfo("Europe/Amsterdam")
CHAT = 7_212_000_001
SECRET = "health-secret_1"


async def get(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.get(url)


@pytest.fixture
async def serving(fake_api: FakeBotAPI, tmp_path, request) -> AsyncIterator[tuple[Config, str]]:
    """`serve` in polling mode with HEALTH_PORT, or with a webhook (``request.param``)."""
    from bot.telegram_serve import serve

    port = free_port()
    common = {
        "telegram_bot_token": fake_api.token,
        "telegram_api_base_url": fake_api.root_url,
        "data_dir": tmp_path / "var",
        "secret_key": "00" * 32,
        "webhook_listen": "127.0.0.1",
    }
    if request.param == "webhook":
        config = Config(
            **common, webhook_url=f"http://127.0.0.1:{port}/hook", webhook_secret=SECRET, port=port
        )
    else:
        config = Config(**common, health_port=port)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(config, stop))
    try:
        await fake_api.wait_for(
            "setWebhook" if config.webhook_url else "getUpdates", since=0, timeout=20
        )
        yield config, f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 15) == 0


@pytest.mark.parametrize("serving", ["polling", "webhook"], indirect=True)
async def test_alive_ready_and_metrics_while_the_bot_serves(
    serving: tuple[Config, str], fake_api: FakeBotAPI
) -> None:
    config, base = serving
    fake_api.send_text(CHAT, "/start")
    await fake_api.wait_for("sendMessage", lambda c: c.chat_id == CHAT, timeout=10)

    alive = await get(f"{base}/healthz")
    assert (alive.status_code, alive.text) == (200, "ok\n")

    ready = await get(f"{base}/readyz")
    assert ready.status_code == 200, ready.text
    names = [line.split()[1].rstrip(":") for line in ready.text.splitlines()]
    assert names == ["catalogue", "database", "bot_api"]
    assert all(line.startswith("ok") for line in ready.text.splitlines())

    scraped = await get(f"{base}/metrics")
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    values = samples(scraped.text)
    assert values['zhw_updates_total{kind="message"}'] >= 1
    assert values['zhw_turns_total{outcome="answered"}'] >= 1
    assert values['zhw_telegram_requests_total{method="sendMessage"}'] >= 1
    assert values["zhw_reply_seconds_count"] >= 1
    assert values["zhw_catalogue_meetings"] > 0
    assert values["zhw_reminders_open"] == 0
    if config.webhook_url:  # the webhook itself still works beside the new paths
        assert fake_api.webhook_deliveries and fake_api.webhook_deliveries[-1][1] == 200
    else:
        assert values['zhw_telegram_requests_total{method="getUpdates"}'] >= 1


async def test_ready_fails_when_the_database_cannot_be_written(make_bot) -> None:
    bot: BotHarness = await make_bot()
    await bot.start()
    port = free_port()
    server = start_health_server(bot.health, "127.0.0.1", port)
    try:
        assert (await get(f"http://127.0.0.1:{port}/readyz")).status_code == 200
        await bot.storage.close()  # as after a disk error: nothing can be written
        ready = await get(f"http://127.0.0.1:{port}/readyz")
        assert ready.status_code == 503
        assert "FAIL database: not writable" in ready.text
        assert (await get(f"http://127.0.0.1:{port}/healthz")).status_code == 200  # still alive
    finally:
        server.stop()


async def test_ready_fails_when_the_bot_api_has_been_silent_too_long() -> None:
    now = [1000.0]
    watch = ApiWatch(clock=lambda: now[0])
    check = bot_api_check(watch, max_silence_s=300)
    assert not (await run_checks([check]))[0].ok  # never answered yet
    watch.answered()
    now[0] += 299
    assert (await run_checks([check]))[0].ok
    now[0] += 2
    (late,) = await run_checks([check])
    assert not late.ok and "301 s ago" in late.detail


async def test_no_metric_label_holds_anything_about_a_person(make_bot) -> None:
    """After a clinic link, a typed place, a problem, a meeting, a reminder sent, a block."""
    bot: BotHarness = await make_bot()
    await bot.start()
    other = CHAT + 1
    await bot.say(CHAT, "/start voorbeeldkliniek-utrecht_ss")
    await bot.say(CHAT, "ik drink te veel")
    await bot.say(CHAT, "Utrecht")
    reply = await bot.press(CHAT, "Klopt")  # the answers said back
    first = next(label for label in reply.buttons if "AA Utrecht Centrum" in label)
    await bot.press(CHAT, first)
    for label in ("Herinner me", "Twee uur ervoor", "Alleen de volgende keer", "Ja, graag"):
        await bot.press(CHAT, label)
    bot.clock.set(datetime(2026, 11, 24, 17, 30, tzinfo=AMS))
    (sweep,) = bot.app.job_queue.get_jobs_by_name("reminders:sweep")
    await sweep.run(bot.app)
    await bot.say(other, "/start")
    bot.api.block(other)
    await bot.say(other, "gokken")

    text = (await bot.health.metrics.render(bot.health.refresh)).decode()
    values = samples(text)
    assert values['zhw_reminders_total{event="sent"}'] == 1
    assert values['zhw_turns_total{outcome="answered"}'] >= 10
    personal = [
        str(CHAT),
        str(other),
        bot.storage.user_key(CHAT),
        "voorbeeldkliniek",
        "utrecht",
        "alcohol",
        "drink",
        "gokken",
        "aa-utrecht",
        "Centrum",
        bot.api.token,
    ]
    for word in personal:
        assert word.lower() not in text.lower(), word
    allowed = {
        "kind": set(UPDATE_KINDS),
        "outcome": set(TURN_OUTCOMES),
        "event": set(REMINDER_EVENTS),
        "status": {"network", "429", "4xx", "5xx"},
        "le": None,  # histogram buckets: numbers
        "method": None,  # Bot API method names, checked below
    }
    for name, value in re.findall(r'(\w+)="([^"]*)"', text):
        assert name in allowed, name
        if name == "method":
            assert re.fullmatch(r"[a-z][A-Za-z]{2,40}|other", value), value
        elif name == "le":
            assert re.fullmatch(r"[0-9.]+|\+Inf", value), value
        else:
            assert value in allowed[name], (name, value)


def samples(text: str) -> dict[str, float]:
    """The Prometheus text as {'name{labels}': value} (comments skipped)."""
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            found[key] = float(value)
    return found
