"""Random conversations through the bot's own turn runner, with restarts in between.

`tests/test_dialog_property.py` drives `dialogs.advance` directly; this one
drives what every channel runs: `bot.turns.TurnRunner` on a real SQLite file,
with the real reminder and clinic-counter effect handlers wired in, so state,
language and reminders go through storage on every turn. A "restart" closes
the storage and opens a new `Storage` and a new `TurnRunner` on the same file
and key, as after a crash or deploy; "blocked" forgets the person as a 403 does.

Each example: one person (Telegram language nl, en, de or none), up to 25
events: a button from the screens just shown, a stale or garbage button, typed
text (places, problem words, crisis words, nonsense), a location (in and far
outside NL/BE), a command (``/start`` with good and bad payloads, ``/taal``,
``/vergeet``…), a sticker, a restart, a 403, while the clock moves on by
minutes to weeks. After every turn:

- there is at least one screen, every screen has text;
- it is not the runner's apology (the apology means a turn failed inside);
- nothing was logged at ERROR;
- when the person's language is English, no Dutch sentence of ours is shown
  and no button carries a Dutch label that has an English translation; when
  it is Dutch, no English translation of one of our sentences is shown.

CI runs `EXAMPLES` (300) examples of up to 25 events each, about 15 s.
"""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from datetime import timedelta
from pathlib import Path

from conftest import DEFAULT_NOW, _catalogue_and_indexes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_dialog_property import COMMANDS
from test_dialog_property import PAYLOADS as DIALOG_PAYLOADS
from test_locales import EXTRACTED

from bot.clinics.hooks import install as install_clinic_counters
from bot.reminders.service import ReminderService
from bot.secrets import Secrets
from bot.storage import Storage
from bot.turns import TurnRunner, apology_screen
from dialogs.events import ButtonPressed, Command, Event, LocationShared, TextSent, Unsupported
from dialogs.screen import Screen
from locales import translations

EXAMPLES = 300
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
    """What `serve` builds around a runner, minus Telegram: storage, reminders, counters."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.storage: Storage | None = None
        self.runner: TurnRunner | None = None

    async def start(self) -> None:
        catalogue, places, search = _catalogue_and_indexes()
        self.storage = await Storage.open(self.path, SECRETS)
        self.runner = TurnRunner(self.storage, catalogue, places, search, bot_link="https://t.me/x")
        ReminderService(self.storage, catalogue, sender=None).register(self.runner)  # type: ignore[arg-type]
        install_clinic_counters(self.runner)

    async def stop(self) -> None:
        if self.storage is not None:
            await self.storage.close()


def draw_event(data: st.DataObject, screens: list[Screen]) -> Event | str:
    kind = data.draw(
        st.sampled_from(
            ["button"] * 5 + ["stale", "text", "text", "loc", "cmd", "odd", "restart", "blocked"]
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
    if kind in ("restart", "blocked"):
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


async def conversation(data: st.DataObject, telegram_language: str | None) -> None:
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    with tempfile.TemporaryDirectory() as directory:
        bot = Bot(Path(directory) / "bot.sqlite3")
        await bot.start()
        try:
            now = DEFAULT_NOW
            screens: list[Screen] = []
            for _ in range(data.draw(st.integers(min_value=1, max_value=25), label="turns")):
                now += timedelta(
                    minutes=data.draw(st.sampled_from([0, 1, 30, 60 * 24, 60 * 24 * 8]))
                )
                event = draw_event(data, screens)
                assert bot.runner is not None
                if event == "restart":
                    await bot.stop()
                    await bot.start()
                    continue
                if event == "blocked":
                    await bot.runner.forget(CHAT)
                    screens = []
                    continue
                assert not isinstance(event, str)
                before = await bot.runner.language_of(CHAT, telegram_language)
                screens = await bot.runner.handle(CHAT, event, telegram_language, now)
                assert bot.storage is not None
                forgotten = await bot.storage.load_conversation(bot.storage.user_key(CHAT)) is None
                # The turn's language: the one chosen now, or, if this turn forgot the person
                # ("everything is deleted"), the one they were spoken to in until then.
                language = (
                    before if forgotten else await bot.runner.language_of(CHAT, telegram_language)
                )
                assert screens, event
                assert all(s.text.strip() for s in screens), event
                assert apology_screen(language).text not in [s.text for s in screens], event
                assert not errors.records, [r.getMessage() for r in errors.records]
                check_language(screens, language)
        finally:
            await bot.stop()
            logging.getLogger().removeHandler(errors)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), telegram_language=st.sampled_from(["nl", "en", "de", None]))
def test_any_events_and_restarts_get_an_answer_in_the_persons_language(
    data: st.DataObject, telegram_language: str | None
) -> None:
    asyncio.run(conversation(data, telegram_language))
