"""In the terminal, as on Telegram, subscribed feeds are fetched when due and a changed
meeting shows without a restart; a feed that breaks changes nothing. The feed comes from a
real HTTP server on 127.0.0.1; the clock is injected."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import Clock, _loaded_catalogue
from feedserver import FeedServer
from test_feeds_telegram import NAME, feed_records
from test_reminders_terminal import Printed

from bot.app import TerminalBot, open_terminal
from bot.config import Config
from bot.secrets import Secrets
from catalogue.feeds import Limits
from catalogue.feeds.subscriptions import Feed, add_feed
from dialogs.events import ButtonPressed, Command, TextSent


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
async def terminal_bot(server, tmp_path: Path):
    add_feed(tmp_path, Feed(name="aa-utrecht", url=server.url("/aa.json"), format="meeting-guide"))
    clock = Clock()
    bot = await open_terminal(
        Config(data_dir=tmp_path),
        Printed(),
        clock=clock.now,
        secrets=Secrets.from_master_key(os.urandom(32)),
        loaded=_loaded_catalogue(),
    )
    bot.feeds.limits = Limits(timeout_s=2, tries=1)
    await bot.feeds.start(None)
    try:
        yield bot, clock
    finally:
        await bot.close()


async def results_in_utrecht(bot: TerminalBot) -> str:
    out = bot.terminal.printer.out
    out.seek(0)
    out.truncate()
    for event in (
        Command("start"),
        ButtonPressed("who:self"),
        ButtonPressed("prob:alcohol"),
        TextSent("Utrecht"),
        TextSent("Klopt"),
    ):
        await bot.terminal.send(event)
    return out.getvalue()


def when_of(printed: str) -> str:
    """The when-line under the feed's meeting in the printed results."""
    return printed.split(NAME, 1)[1].splitlines()[1]


async def test_a_feed_is_fetched_when_due_and_its_change_shows_without_a_restart(
    terminal_bot, server
) -> None:
    bot, clock = terminal_bot
    server.route("/aa.json", json.dumps(feed_records("19:30")), etag='"v1"')
    await bot.feeds.refresh_due()  # never fetched: due at once
    assert "19:30" in when_of(await results_in_utrecht(bot))

    server.route("/aa.json", json.dumps(feed_records("20:15")), etag='"v2"')
    clock.advance(hours=1)
    await bot.feeds.refresh_due()  # fetched an hour ago: not due yet (daily)
    assert "19:30" in when_of(await results_in_utrecht(bot))

    clock.advance(days=1)
    await bot.feeds.refresh_due()
    assert "20:15" in when_of(await results_in_utrecht(bot))
    assert bot.feeds.swaps == 2  # the first fetch, the change: no restart


async def test_a_broken_feed_changes_nothing_in_the_terminal(terminal_bot, server) -> None:
    bot, clock = terminal_bot
    server.route("/aa.json", json.dumps(feed_records("19:30")))
    await bot.feeds.refresh_due()
    edition = bot.core.holder.current
    server.route("/aa.json", status=500)
    clock.advance(days=1, minutes=1)
    await bot.feeds.refresh_due()
    assert bot.core.holder.current is edition
    assert "19:30" in when_of(await results_in_utrecht(bot))
