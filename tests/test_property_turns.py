"""Random conversations through the bot's own turn runner, with restarts in between.

`tests/test_dialog_property.py` drives `dialogs.advance` directly; this one
drives what every channel runs: `bot.turns.TurnRunner` on a real SQLite file,
with the real reminder and clinic-counter effect handlers wired in, so state,
language and reminders go through storage on every turn. A "restart" closes
the storage and opens a new `Storage` and a new `TurnRunner` on the same file
and key, as after a crash or deploy; "blocked" forgets the person as a 403 does.

Each example: one person (Telegram language nl, en, de or none), up to
`MAX_EVENTS` events: a button from the screens just shown, a stale or garbage
button, typed text (places, problem words, crisis words, nonsense), a location
(in and far outside NL/BE), a command (``/start`` with good and bad payloads,
``/taal``, ``/vergeet``…), a sticker, a restart, a 403, a fault (the turn's
save fails: the person gets the apology and keeps the state they had), while
the clock moves on by minutes to weeks. After every turn:

- there is at least one screen, every screen has text;
- it is not the runner's apology (the apology means a turn failed inside);
- nothing was logged at ERROR;
- when the person's language is English, no Dutch sentence of ours is shown
  and no button carries a Dutch label that has an English translation; when
  it is Dutch, no English translation of one of our sentences is shown.

CI runs `EXAMPLES` (10,000) examples in `SHARDS` tests, which ``pytest -n auto``
(pytest-xdist, in the test extras) spreads over the cores.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import tempfile
from collections.abc import Coroutine, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import DEFAULT_NOW, _loaded_catalogue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_dialog_property import COMMANDS
from test_dialog_property import PAYLOADS as DIALOG_PAYLOADS
from test_locales import EXTRACTED

from bot.app import Core, open_core
from bot.config import Config
from bot.secrets import Secrets
from bot.storage import Storage, StorageError
from bot.turns import TurnRunner, apology_screen
from dialogs.events import ButtonPressed, Command, Event, LocationShared, TextSent, Unsupported
from dialogs.screen import Screen
from locales import translations

EXAMPLES = 10_000
MAX_EVENTS = 12
SHARDS = 20
"""The examples run as `SHARDS` tests of ``EXAMPLES // SHARDS`` each: each stays well inside
the per-test timeout, and ``pytest -n`` (pytest-xdist) spreads them over the cores."""
CHAT = 7_530_000_001
CLOCK_STEPS_MIN = [0, 1, 30, 60 * 24, 60 * 24 * 8]  # how far the clock moves between events
SECRETS = Secrets.from_master_key(b"p" * 32)

TEXTS = [
    "Utrecht",
    "3511 AB",
    "Bergen",
    "Gent",
    "Antwerpen",
    "Utrceht",
    "online",
    "Xyzzyville",
    "alcohol",
    "gokken",
    "cocaïne",
    "mijn moeder drinkt",
    "ik weet het niet",
    "ja",
    "nee",
    "3",
    "ik wil dood",
    "zelfmoord",
    "I want to kill myself",
    "overdosis",
    "/",
    "😀",
    " ",
    "a" * 4096,
]
PAYLOADS = [*DIALOG_PAYLOADS, "a" * 64, "../../etc"]
GARBAGE = ["who:self", "res:open:0", "mt:cal", "rm:stop:999", "ci:good:1", "go:lang:xx", "", "zz"]


OFFER_OF_ENGLISH = "Ik kan ook in het Engels verder."
"""Said in English on purpose to someone who writes English in a Dutch conversation."""


def _sentences() -> tuple[list[str], list[str], set[str]]:
    """Dutch sentences, their English translations, and Dutch labels that get translated."""
    english = translations("en").gettext
    texts = [
        m
        for m in EXTRACTED
        if isinstance(m, str) and not re.search(r"[{%]", m) and m != OFFER_OF_ENGLISH
    ]
    dutch = [m for m in texts if len(m) > 30 and english(m) != m]
    return dutch, [english(m) for m in dutch], {m for m in texts if english(m) != m}


DUTCH, ENGLISH, DUTCH_LABELS = _sentences()


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Bot:
    """The bot's shared core (`bot.app.open_core`: storage, reminders, counters), no channel.

    One per shard, on one SQLite file, each example a new person (chat id): opening a fresh
    file per example (six migrations) cost more than its turns. A "restart" closes it and
    opens a new core on the same file and key.
    """

    def __init__(self, data_dir: Path) -> None:
        self.config = Config(data_dir=data_dir, bot_username="x")
        self.core: Core | None = None
        self.runner: TurnRunner | None = None

    async def start(self) -> None:
        # No sender: reminders are only set in turns here, never sent.
        self.core = await open_core(
            self.config,
            sender=None,  # type: ignore[arg-type]
            secrets=SECRETS,
            loaded=_loaded_catalogue(),
        )
        self.runner = self.core.runner

    async def stop(self) -> None:
        if self.core is not None:
            await self.core.close()
            self.core = None


class Shared:
    """The event loop and bot the examples of this process share."""

    def __init__(self) -> None:
        self.directory = tempfile.TemporaryDirectory()
        self.loop = asyncio.new_event_loop()
        self.bot = Bot(Path(self.directory.name))
        self.chats = itertools.count(CHAT)

    def run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        if self.bot.core is None:
            self.loop.run_until_complete(self.bot.start())
        self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        self.loop.run_until_complete(self.bot.stop())
        self.loop.close()
        self.directory.cleanup()


@pytest.fixture
def shared() -> Iterator[Shared]:
    """One per shard: hypothesis runs the shard's examples inside it (not reset between)."""
    together = Shared()
    yield together
    together.close()


def draw_event(data: st.DataObject, screens: list[Screen]) -> Event | str:
    kind = data.draw(
        st.sampled_from(
            ["button"] * 5
            + ["stale", "text", "text", "loc", "cmd", "odd", "restart", "blocked", "fault"]
        ),
        label="kind",
    )
    buttons = [b for screen in screens for row in screen.buttons for b in row]
    if kind == "button" and buttons:
        return ButtonPressed(data.draw(st.sampled_from(buttons)).action)
    if kind in ("button", "stale"):
        return ButtonPressed(data.draw(st.sampled_from(GARBAGE) | st.text(max_size=64)))
    if kind == "text":
        return TextSent(data.draw(st.sampled_from(TEXTS) | st.text(min_size=1, max_size=40)))
    if kind == "loc":
        anywhere = st.tuples(
            st.floats(min_value=-90, max_value=90), st.floats(min_value=-180, max_value=180)
        )
        known = st.sampled_from([(52.0907, 5.1214), (51.05, 3.72), (50.85, 4.35)])
        return LocationShared(*data.draw(known | anywhere))
    if kind == "cmd":
        name = data.draw(st.sampled_from(COMMANDS))
        arg = data.draw(st.sampled_from(PAYLOADS)) if name == "start" else ""
        return Command(name, arg)
    if kind in ("restart", "blocked", "fault"):
        return kind
    return Unsupported(data.draw(st.sampled_from(["sticker", "voice", "photo", "edited"])))


def check_language(screens: list[Screen], language: str) -> None:
    shown = "\n".join(s.text for s in screens)
    if language == "en":
        assert not [d for d in DUTCH if d in shown], shown
        labels = [b.label for s in screens for row in s.buttons for b in row]
        assert not [label for label in labels if label in DUTCH_LABELS], labels
    else:
        assert not [e for e in ENGLISH if e in shown], shown


class FailingSave:
    """Storage that fails the next save (a locked or full disk), as a fault in a turn."""

    def __init__(self, storage: Storage) -> None:
        self.storage, self.real = storage, storage.save_conversation

    async def fail(self, *args: Any, **kwargs: Any) -> None:
        self.storage.save_conversation = self.real  # type: ignore[method-assign]
        raise StorageError("disk I/O error (injected)")

    def __enter__(self) -> None:
        self.storage.save_conversation = self.fail  # type: ignore[method-assign]

    def __exit__(self, *exc: object) -> None:
        self.storage.save_conversation = self.real  # type: ignore[method-assign]


async def conversation(
    bot: Bot, chat: int, data: st.DataObject, telegram_language: str | None
) -> None:
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    try:
        now = DEFAULT_NOW
        screens: list[Screen] = []
        for _ in range(data.draw(st.integers(min_value=1, max_value=MAX_EVENTS), label="turns")):
            now += timedelta(minutes=data.draw(st.sampled_from(CLOCK_STEPS_MIN)))
            event = draw_event(data, screens)
            assert bot.runner is not None and bot.core is not None
            storage = bot.core.storage
            if event == "restart":
                await bot.stop()
                await bot.start()
                continue
            if event == "blocked":
                await bot.runner.forget(chat)
                screens = []
                continue
            if event == "fault":  # the next turn's save fails: an apology, nothing lost
                before = await storage.load_conversation(storage.user_key(chat))
                language = await bot.runner.language_of(chat, telegram_language)
                with FailingSave(storage):
                    screens = await bot.runner.handle(
                        chat, TextSent("Utrecht"), telegram_language, now
                    )
                assert [s.text for s in screens] == [apology_screen(language).text]
                after = await storage.load_conversation(storage.user_key(chat))
                assert (after and after.state_json) == (before and before.state_json)
                errors.records.clear()  # the fault itself is logged, by type
                continue
            assert not isinstance(event, str)
            before_language = await bot.runner.language_of(chat, telegram_language)
            screens = await bot.runner.handle(chat, event, telegram_language, now)
            forgotten = await storage.load_conversation(storage.user_key(chat)) is None
            # The turn's language: the one chosen now, or, if this turn forgot the person
            # ("everything is deleted"), the one they were spoken to in until then.
            language = (
                before_language
                if forgotten
                else await bot.runner.language_of(chat, telegram_language)
            )
            assert screens, event
            assert all(s.text.strip() for s in screens), event
            assert apology_screen(language).text not in [s.text for s in screens], event
            assert not errors.records, [r.getMessage() for r in errors.records]
            check_language(screens, language)
    finally:
        logging.getLogger().removeHandler(errors)


@pytest.mark.timeout(900)  # a shard takes about 20 s on an idle 2-core machine
@pytest.mark.parametrize("shard", range(SHARDS))
@settings(
    max_examples=EXAMPLES // SHARDS,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data(), telegram_language=st.sampled_from(["nl", "en", "de", None]))
def test_any_events_restarts_faults_and_403s_get_an_answer_in_the_persons_language(
    shared: Shared, shard: int, data: st.DataObject, telegram_language: str | None
) -> None:
    shared.run(conversation(shared.bot, next(shared.chats), data, telegram_language))
