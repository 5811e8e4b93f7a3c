"""The conversation in a terminal: the same turns as on Telegram, typed and printed.

``python -m bot`` without ``TELEGRAM_BOT_TOKEN`` runs this on the bundled
catalogue and a SQLite file in the data directory. It starts with ``/start``.

How input is read, one line at a time (a pipe works the same as typing)::

    3              presses button [3] of the last answer (other numbers are text)
    Utrecht        is sent as text
    /location 52.09 5.12    shares a location
    /taal en       is a command with an argument

How an answer prints: its text, then its buttons as numbered lines
(``[1] Voor mezelf``), a location request as ``[📍] <label>: /location LAT LON``,
a map pin as a ``📍`` line with address and coordinates, and a file as the
path it was written to (``<data_dir>/terminal/``).

The loop is asyncio: stdin is read by a daemon thread that feeds a queue, so
due reminders and check-ins (`bot.reminders`) print while it waits. End of
input or Ctrl-C ends it cleanly (exit code 0).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.config import Config
from bot.turns import TurnRunner
from dialogs.events import ButtonPressed, Command, Event, LocationShared, TextSent
from dialogs.screen import Screen

__all__ = ["BACKGROUND", "TERMINAL_CHAT_ID", "Terminal", "parse_input", "run_terminal"]

TERMINAL_CHAT_ID = 1
"""The one local chat the terminal speaks for (a real Telegram chat id is never this small)."""

BACKGROUND: list[Callable[[Terminal], Awaitable[None]]] = []
"""Extra tasks run alongside the input loop; cancelled at the end of input.

Each is called with the `Terminal` before the first turn (so it can register
effect handlers on ``terminal.runner``) and returns the coroutine to run.
The reminders are wired in by `run_terminal` itself.
"""

LOCATION_USAGE = "usage: /location LAT LON   (e.g. /location 52.0907 5.1214)"


@dataclass(slots=True)
class Choices:
    """What a number means right now: the options of the last answer, in printed order."""

    events: list[Event] = field(default_factory=list)


def parse_input(line: str, choices: Choices) -> Event | str | None:
    """The event a typed line stands for; a str is a usage hint to print; None: nothing.

    >>> parse_input("2", Choices([ButtonPressed("a"), ButtonPressed("b")]))
    ButtonPressed(action='b')
    >>> parse_input("3511", Choices([ButtonPressed("a")]))
    TextSent(text='3511')
    >>> parse_input("/taal en", Choices())
    Command(name='taal', arg='en')
    """
    text = line.strip()
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= len(choices.events):
        return choices.events[int(text) - 1]
    if text.startswith("/") and len(text) > 1:
        name, _, arg = text[1:].partition(" ")
        name = name.split("@")[0].lower()
        if name == "location":
            try:
                lat, lon = (float(part) for part in arg.replace(",", " ").split())
            except ValueError:
                return LOCATION_USAGE
            return LocationShared(lat, lon)
        return Command(name, arg.strip())
    return TextSent(text)


class Terminal:
    """Prints screens and turns typed lines into turns for the one local chat."""

    def __init__(
        self,
        runner: TurnRunner,
        out: TextIO,
        attachments_dir: Path,
        language_hint: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.runner = runner
        self.out = out
        self.attachments_dir = attachments_dir
        self.language_hint = language_hint
        self.clock = clock
        self.choices = Choices()

    async def send(self, event: Event) -> None:
        """Run one turn and print its answer."""
        screens = await self.runner.handle(
            TERMINAL_CHAT_ID, event, self.language_hint, self.clock()
        )
        self.show(screens)

    def show(self, screens: list[Screen]) -> None:
        """Print screens; their buttons become the numbered choices (when there are any)."""
        events: list[Event] = []
        lines: list[str] = []
        for screen in screens:
            lines.append(screen.text)
            for row in screen.buttons:
                for button in row:
                    events.append(ButtonPressed(button.action))
                    lines.append(f"[{len(events)}] {button.label}")
            if screen.ask is not None:
                lines.append(f"[📍] {screen.ask.label}: /location LAT LON")
                for label in screen.ask.other_labels:
                    events.append(TextSent(label))
                    lines.append(f"[{len(events)}] {label}")
            if screen.venue is not None:
                pin = screen.venue
                lines.append(f"📍 {pin.title}, {pin.address} ({pin.lat:.5f}, {pin.lon:.5f})")
            if screen.attachment is not None:
                path = self._write(screen.attachment.filename, screen.attachment.content)
                caption = f"{screen.attachment.caption} " if screen.attachment.caption else ""
                lines.append(f"📎 {caption}{path}")
            lines.append("")
        if events:
            self.choices = Choices(events)
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()

    def _write(self, filename: str, content: bytes) -> Path:
        self.attachments_dir.mkdir(parents=True, exist_ok=True)
        path = self.attachments_dir / (Path(filename).name or "attachment")
        path.write_bytes(content)
        return path

    async def run(self, lines: asyncio.Queue[str | None]) -> None:
        """Start with /start, then one turn per input line until end of input."""
        await self.send(Command("start"))
        while (line := await lines.get()) is not None:
            event = parse_input(line, self.choices)
            if isinstance(event, str):
                self.out.write(event + "\n")
                self.out.flush()
            elif event is not None:
                await self.send(event)


def stdin_lines(stream: TextIO) -> asyncio.Queue[str | None]:
    """A queue fed with `stream`'s lines by a daemon thread; None marks end of input.

    A daemon thread, not the default executor: a read blocked on a terminal
    must not keep the process alive after Ctrl-C.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            for line in stream:
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="terminal-stdin", daemon=True).start()
    return queue


async def run_terminal(
    config: Config,
    *,
    language_hint: str | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the conversation on stdin/stdout until end of input; returns the exit code."""
    from bot.clinics.hooks import install as install_clinics
    from bot.reminders import attach_terminal as attach_reminders
    from bot.secrets import load_secrets
    from bot.storage import Storage
    from catalogue.loading import load_catalogue
    from catalogue.places import PlaceIndex
    from catalogue.search import SearchIndex

    secrets = load_secrets(config)
    catalogue = load_catalogue(config.data_dir)
    places = PlaceIndex.bundled()
    storage = await Storage.open(config.database_path, secrets)
    try:
        bot_link = f"https://t.me/{config.bot_username}" if config.bot_username else ""
        runner = TurnRunner(storage, catalogue, places, SearchIndex(catalogue), bot_link=bot_link)
        install_clinics(runner)  # counts CountMetric effects, as on Telegram
        terminal = Terminal(
            runner,
            out or sys.stdout,
            config.data_dir / "terminal",
            language_hint=language_hint,
            clock=config.clock(),
        )
        # The same promise as on Telegram: nothing idle for IDLE_DAYS is kept.
        await storage.purge_idle(terminal.clock() - timedelta(days=config.idle_days))
        # Due reminders and check-ins print when they fire (bot.reminders).
        tasks = (attach_reminders, *BACKGROUND)
        background = [asyncio.create_task(task(terminal)) for task in tasks]
        try:
            await terminal.run(stdin_lines(stdin or sys.stdin))
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
    finally:
        await storage.close()
    return 0
