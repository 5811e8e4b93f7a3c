"""The fake Bot API server keeps Telegram's rules, so tests built on it mean something."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from conftest import BotHarness
from fakebotapi import FakeBotAPI, Fault

CHAT = 8880001


async def call(api: FakeBotAPI, method: str, token: str | None = None, **params: object) -> dict:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(f"{api.base_url}{token or api.token}/{method}", json=params)
    return response.json() | {"status": response.status_code}


async def test_get_updates_confirms_with_offset_and_long_polls(fake_api: FakeBotAPI) -> None:
    first = fake_api.send_text(CHAT, "een")
    second = fake_api.send_text(CHAT, "twee")
    answer = await call(fake_api, "getUpdates")
    assert [u["update_id"] for u in answer["result"]] == [first, second]
    answer = await call(fake_api, "getUpdates", offset=second)  # confirms the first
    assert [u["update_id"] for u in answer["result"]] == [second]

    waiting = asyncio.create_task(call(fake_api, "getUpdates", offset=second + 1, timeout=5))
    await fake_api.wait_until(lambda: fake_api.polls_waiting == 1)
    assert not waiting.done()
    third = fake_api.send_text(CHAT, "drie")
    answer = await asyncio.wait_for(waiting, 5)
    assert [u["update_id"] for u in answer["result"]] == [third]
    assert answer["result"][0]["message"]["text"] == "drie"

    empty = await call(fake_api, "getUpdates", offset=third + 1, timeout=0)
    assert empty["result"] == []


async def test_errors_look_like_telegrams(fake_api: FakeBotAPI) -> None:
    assert (await call(fake_api, "getMe", token="1:wrong"))["status"] == 401
    assert (await call(fake_api, "noSuchMethod"))["error_code"] == 404
    empty = await call(fake_api, "sendMessage", chat_id=CHAT, text="")
    assert empty["error_code"] == 400

    fake_api.fail_next("sendMessage", Fault.too_many_requests(retry_after=7), chat_id=CHAT + 1)
    other = await call(fake_api, "sendMessage", chat_id=CHAT, text="hoi")
    assert other["ok"]  # the fault waits for its own chat
    limited = await call(fake_api, "sendMessage", chat_id=CHAT + 1, text="hoi")
    assert limited["error_code"] == 429
    assert limited["parameters"] == {"retry_after": 7}

    fake_api.block(CHAT)
    blocked = await call(fake_api, "sendMessage", chat_id=CHAT, text="hoi")
    assert blocked == {
        "ok": False,
        "error_code": 403,
        "description": "Forbidden: bot was blocked by the user",
        "status": 403,
    }


async def test_edits_follow_telegrams_rules(fake_api: FakeBotAPI) -> None:
    markup = {"inline_keyboard": [[{"text": "Ja", "callback_data": "ja"}]]}
    sent = await call(fake_api, "sendMessage", chat_id=CHAT, text="Vraag", reply_markup=markup)
    message_id = sent["result"]["message_id"]
    same = await call(
        fake_api,
        "editMessageText",
        chat_id=CHAT,
        message_id=message_id,
        text="Vraag",
        reply_markup=markup,
    )
    assert "message is not modified" in same["description"]
    gone = await call(fake_api, "editMessageText", chat_id=CHAT, message_id=999, text="x")
    assert "message to edit not found" in gone["description"]
    changed = await call(
        fake_api, "editMessageText", chat_id=CHAT, message_id=message_id, text="Nieuw"
    )
    assert changed["ok"]
    assert fake_api.message(CHAT, message_id).text == "Nieuw"
    too_long = {"inline_keyboard": [[{"text": "x", "callback_data": "x" * 65}]]}
    refused = await call(fake_api, "sendMessage", chat_id=CHAT, text="x", reply_markup=too_long)
    assert refused["description"] == "Bad Request: BUTTON_DATA_INVALID"


async def test_wait_for_fails_loudly_instead_of_hanging(fake_api: FakeBotAPI) -> None:
    with pytest.raises(AssertionError, match="sendVenue"):
        await fake_api.wait_for("sendVenue", timeout=0.2)


async def test_a_whole_conversation_logs_no_chat_id_token_or_text(
    bot_app: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """Privacy of the logs with everything at DEBUG, faults included, and no redaction filter."""
    from bot.logging_setup import QUIET_LOGGERS

    for name in QUIET_LOGGERS:  # as in production (bot.logging_setup)
        logging.getLogger(name).setLevel(logging.WARNING)
    caplog.set_level(logging.DEBUG)
    api = bot_app.api
    api.fail_next("sendMessage", Fault.server_error())
    api.fail_next("editMessageText", Fault.drop())
    await bot_app.say(CHAT, "/start")
    await bot_app.press(CHAT, "Voor mezelf")
    await bot_app.say(CHAT, "Ik drink te veel sinds mijn scheiding")
    await bot_app.say(CHAT, "Utrecht")
    await bot_app.share_location(CHAT, 52.0907, 5.1214)
    api.block(CHAT)
    await bot_app.say(CHAT, "hallo")

    logged = "\n".join(
        record.getMessage() + (caplog.text if record.exc_info else "") for record in caplog.records
    )
    assert caplog.records  # the faults were logged…
    assert str(CHAT) not in logged  # …without the chat id,
    assert api.token.split(":")[1] not in logged  # the token,
    for text in ("scheiding", "drink te veel", "Utrecht", "52.09"):  # or what was said
        assert text not in logged
