"""The adapter's per-chat memory stays bounded however many people write."""

from __future__ import annotations

from bot.telegram_render import ChatViews


def test_views_keep_only_the_most_recently_active_chats() -> None:
    views = ChatViews(max_chats=3)
    for chat_id in (1, 2, 3):
        views.view(chat_id).menu_message_id = chat_id * 10
    views.view(1)  # chat 1 is active again
    views.view(4)

    assert list(views) == [3, 1, 4]
    assert views.view(1).menu_message_id == 10  # remembered
    assert views.view(2).menu_message_id is None  # forgotten: next screen is a new message
