"""Shared fixtures: the fake Bot API server and the real bot running against it.

- `fake_api`: a started `FakeBotAPI` (tests/fakebotapi.py) on 127.0.0.1.
- `clock`: the injected "now" (`Clock`), a fixed aware instant the test moves.
- `make_bot`: builds a `BotHarness`: the bot exactly as production wires it
  (`bot.app.build_telegram`: the real PTB `Application`, `TurnRunner`,
  reminders on the JobQueue, clinic counters and ``/stats``, the daily purge,
  real `Storage` on a SQLite file in ``tmp_path``, the bundled catalogue)
  pointed at `fake_api`; not started, so a test can run setup functions first.
- `bot_app`: the same, started; stopped cleanly after the test.

A conversation step pushes an update and waits until the Application has
*finished* handling it (a handler in a late group marks each update done),
then returns a `Reply` with every call made meanwhile — no sleeping::

    reply = await bot_app.say(CHAT, "/start")
    reply = await bot_app.press(CHAT, "Voor mezelf")
    assert "Utrecht" in reply.text

`restart()` stops the Application and builds a new one (new runner, new
storage connection) on the same SQLite file and secret key, as after a
crash or a deploy. `setup` functions run after every (re)build and before
the start, e.g. to add a handler that watches updates::

    bot = await make_bot(setup=[watch_updates])
    await bot.start()

No test may leave a database open: aiosqlite's worker thread is not a
daemon, so one connection left open keeps the process from exiting after
the summary (a run that hangs instead of failing). `_no_database_left_open`
closes what a test left open and fails a test that passed anyway;
`pytest_unconfigure` closes whatever is still open at the very end.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import socket
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# The tests run in demo mode: on the bundled sample meetings (invented, labelled), whose
# variety (fortnightly, monthly, cancelled dates, every attribute) they were written for.
# Subprocesses (`python -m bot`, `python -m catalogue`) inherit it. Tests of the real
# default catalogue ask for it: `bundled_files(samples=False)`, or monkeypatch.delenv.
os.environ["ZELFHULPWIJZER_SAMPLES"] = "1"

from fakebotapi import FakeBotAPI, Reply

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Monday morning; the sample data was verified 2026-11-23.
DEFAULT_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)


@dataclass
class Clock:
    """The injected clock: `now()` is what every turn sees; tests move it explicitly."""

    at: datetime = DEFAULT_NOW

    def __call__(self) -> datetime:
        return self.at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at = self.at + timedelta(**delta)
        return self.at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("the clock holds aware datetimes only")
        self.at = at


def free_port() -> int:
    """A port on 127.0.0.1 free right now, for a webhook server the test starts next."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@cache
def _loaded_catalogue() -> Any:
    """The bundled catalogue with its place and search indexes, built once per test run."""
    from catalogue.holder import LoadedCatalogue
    from catalogue.loading import load_bundled_catalogue
    from catalogue.places import PlaceIndex

    return LoadedCatalogue.build(load_bundled_catalogue(), PlaceIndex.bundled())


def _catalogue_and_indexes() -> tuple[Any, Any, Any]:
    """The same as a (catalogue, places, search) triple."""
    loaded = _loaded_catalogue()
    return loaded.catalogue, loaded.places, loaded.search


Setup = Callable[["BotHarness"], Awaitable[None] | None]
STOP_TIMEOUT_S = 30.0


@dataclass
class BotHarness:
    """The real bot (`bot.app.build_telegram`) against the fake Bot API server."""

    api: FakeBotAPI
    data_dir: Path
    clock: Clock
    setup: list[Setup] = field(default_factory=list)
    poll_timeout_s: int = 1
    read_timeout_s: float = 3.0
    backoff_s: float = 0.05
    admin_chat_ids: frozenset[int] = frozenset()
    loaded: Any = None
    config: Any = None
    secrets: Any = None
    core: Any = None
    storage: Any = None
    runner: Any = None
    reminders: Any = None
    trigger: Any = None
    feeds: Any = None
    health: Any = None
    deps: Any = None
    app: Any = None
    starts: int = 0
    _processed: set[int] = field(default_factory=set)
    _done: asyncio.Condition | None = None
    _running: Any = None

    # ---------------------------------------------------------------- lifecycle

    @property
    def catalogue(self) -> Any:
        return self.loaded.catalogue

    @catalogue.setter
    def catalogue(self, catalogue: Any) -> None:
        """Use another catalogue (indexed anew) from the next build, e.g. before `restart`."""
        from catalogue.holder import LoadedCatalogue

        self.loaded = LoadedCatalogue.build(catalogue, self.loaded.places)

    @property
    def places(self) -> Any:
        return self.loaded.places

    @property
    def search(self) -> Any:
        return self.loaded.search

    async def build(self) -> None:
        """Build the bot as production does (not started): storage, runner, Application."""
        from telegram import Update
        from telegram.ext import TypeHandler

        from bot.app import build_telegram
        from bot.config import Config
        from bot.secrets import Secrets
        from bot.telegram_adapter import RetryingRateLimiter

        if self.loaded is None:
            self.loaded = _loaded_catalogue()
        if self.secrets is None:
            self.secrets = Secrets.from_master_key(os.urandom(32))
        if self.config is None:
            self.config = Config(
                telegram_bot_token=self.api.token,
                telegram_api_base_url=self.api.root_url,
                data_dir=self.data_dir,
                bot_username="zelfhulpwijzer_test_bot",
                admin_chat_ids=self.admin_chat_ids,
            )
        built = await build_telegram(
            self.config,
            clock=self.clock,
            secrets=self.secrets,
            loaded=self.loaded,
            rate_limiter=RetryingRateLimiter(backoff_s=self.backoff_s),
            read_timeout_s=self.read_timeout_s,
            connect_timeout_s=self.read_timeout_s,
        )
        self.core, self.deps, self.app, self.trigger, self.feeds, self.health = (
            built.core,
            built.deps,
            built.application,
            built.trigger,
            built.feeds,
            built.health,
        )
        self.storage, self.runner, self.reminders = (
            built.core.storage,
            built.core.runner,
            built.core.reminders,
        )
        self._done = asyncio.Condition()
        self.app.add_handler(TypeHandler(Update, self._mark_done), group=10_000)
        for step in self.setup:
            result = step(self)
            if result is not None:
                await result

    async def start(self) -> BotHarness:
        """Build (if needed) and start polling the fake server."""
        from bot.telegram_adapter import running

        if self.app is None:
            await self.build()
        self._running = running(self.app, poll_timeout_s=self.poll_timeout_s)
        await self._running.__aenter__()
        self.starts += 1
        return self

    async def stop(self) -> None:
        """Stop the Application and close storage (idempotent).

        The storage is closed even when stopping the Application fails or takes
        longer than `STOP_TIMEOUT_S` (a handler that never returns): teardown
        must end, also after pytest-timeout has fired, whose timer fires once.
        """
        try:
            if self._running is not None:
                running, self._running = self._running, None
                async with asyncio.timeout(STOP_TIMEOUT_S):
                    await running.__aexit__(None, None, None)
        finally:
            if self.feeds is not None:
                self.feeds.close()  # the catalogue builder's worker process, if started
            if self.storage is not None:
                storage, self.storage = self.storage, None
                await storage.close()
            self.app = None

    async def restart(self) -> None:
        """Stop, then build a new Application on the same SQLite file and key, and start."""
        await self.stop()
        await self.build()
        await self.start()

    # ---------------------------------------------------------------- conversation steps

    async def _mark_done(self, update: Any, context: Any) -> None:
        assert self._done is not None
        async with self._done:
            self._processed.add(update.update_id)
            self._done.notify_all()

    async def settle(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until the Application has finished handling update `update_id`."""
        assert self._done is not None, "start() the bot first"
        try:
            async with asyncio.timeout(timeout):
                async with self._done:
                    await self._done.wait_for(lambda: update_id in self._processed)
        except TimeoutError:
            calls = [(c.method, c.status) for c in self.api.calls[-10:]]
            raise AssertionError(f"update {update_id} not handled in {timeout}s; {calls}") from None

    async def step(self, push: Callable[[], int], timeout: float = 10.0) -> Reply:
        """Push one update (``push()`` returns its id), wait for it to be handled, reply."""
        mark = self.api.mark()
        update_id = push()
        await self.settle(update_id, timeout)
        return Reply(self.api.calls_since(mark))

    async def say(self, chat_id: int, text: str, **kwargs: Any) -> Reply:
        """The person types `text` (``/commands`` included)."""
        return await self.step(lambda: self.api.send_text(chat_id, text, **kwargs))

    async def press(self, chat_id: int, label: str, **kwargs: Any) -> Reply:
        """The person taps the button labelled `label` on the latest menu (or `message_id`)."""
        return await self.step(lambda: self.api.press(chat_id, label, **kwargs))

    async def press_data(
        self, chat_id: int, data: str, message_id: int | None = None, **kwargs: Any
    ) -> Reply:
        """The person taps a button with this callback data (e.g. a stale one)."""
        return await self.step(lambda: self.api.press_button(chat_id, data, message_id, **kwargs))

    async def share_location(self, chat_id: int, lat: float, lon: float, **kwargs: Any) -> Reply:
        return await self.step(lambda: self.api.send_location(chat_id, lat, lon, **kwargs))

    def with_config(self, **changes: Any) -> None:
        """Change the Config used by the next build (e.g. before `restart`)."""
        self.config = replace(self.config, **changes)


# -------------------------------------------------------------------- fixtures


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def make_bot(
    fake_api: FakeBotAPI, clock: Clock, tmp_path: Path
) -> AsyncIterator[Callable[..., Awaitable[BotHarness]]]:
    """A factory for harnesses (built, not started); all are stopped after the test."""
    async with contextlib.AsyncExitStack() as stops:  # every one stopped, even if one fails
        made = 0

        async def make(
            *, setup: list[Setup] | None = None, data_dir: Path | None = None, **options: Any
        ) -> BotHarness:
            nonlocal made
            harness = BotHarness(
                fake_api,
                data_dir or tmp_path / f"data{made}",
                clock,
                setup=list(setup or []),
                **options,
            )
            made += 1
            stops.push_async_callback(harness.stop)  # before build: a failed build is closed too
            await harness.build()
            return harness

        yield make


@pytest.fixture
async def bot_app(make_bot: Callable[..., Awaitable[BotHarness]]) -> BotHarness:
    """The real bot, started against `fake_api`, with the injected `clock`."""
    harness = await make_bot()
    return await harness.start()


# -------------------------------------------------------------------- no database left open
#
# aiosqlite runs each connection on a worker thread that is not a daemon, so the
# interpreter waits for it at exit. A connection a test left open (a failure
# before its `close()`, the failing frame kept alive in ``sys.last_traceback``)
# made the whole run hang after printing its summary, until CI's own limit.

_CALL_FAILED = pytest.StashKey[bool]()


def _database_threads() -> set[threading.Thread]:
    """The live aiosqlite worker threads (one per open connection)."""
    from aiosqlite.core import _connection_worker_thread

    return {
        thread
        for thread in threading.enumerate()
        if getattr(thread, "_target", None) is _connection_worker_thread
    }


def _close_open_databases() -> int:
    """Close every aiosqlite connection still open in this process; returns how many."""
    import aiosqlite

    gc.collect()  # an unreachable connection stops its own thread when collected
    still_open = [
        obj
        for obj in gc.get_objects()
        if isinstance(obj, aiosqlite.Connection) and obj._connection is not None
    ]
    for connection in still_open:
        with contextlib.suppress(Exception):
            asyncio.run(connection.close())
    return len(still_open)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture(autouse=True)
def _no_database_left_open(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves a database open (after closing it, so the run can end).

    Autouse fixtures are set up first and torn down last, so this runs after
    the test's own fixtures (`make_bot`, storage fixtures) have closed theirs.
    """
    before = _database_threads()
    yield
    left = _database_threads() - before
    for thread in left:
        thread.join(timeout=2.0)  # a connection closed just now ends its thread right after
    if not any(thread.is_alive() for thread in left):
        return
    closed = _close_open_databases()
    if not request.node.stash.get(_CALL_FAILED, True):
        pytest.fail(f"the test left {closed} database connection(s) open; close them in a finally")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Last resort: close what is still open, so that the interpreter can exit."""
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            setattr(sys, name, None)  # frames of the last failure hold its connections
    if _database_threads():
        _close_open_databases()
