"""The adapter's per-chat memory stays bounded however many people write."""

from __future__ import annotations

from bot import telegram_adapter
from bot.telegram_adapter import TelegramDeps


def test_views_keep_only_the_most_recently_active_chats(monkeypatch) -> None:
    monkeypatch.setattr(telegram_adapter, "MAX_VIEWS", 3)
    deps = TelegramDeps(runner=None)  # type: ignore[arg-type]
    for chat_id in (1, 2, 3):
        deps.view(chat_id).menu_message_id = chat_id * 10
    deps.view(1)  # chat 1 is active again
    deps.view(4)

    assert list(deps.views) == [3, 1, 4]
    assert deps.view(1).menu_message_id == 10  # remembered
    assert deps.view(2).menu_message_id is None  # forgotten: next screen is a new message
