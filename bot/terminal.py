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
due reminders and check-ins (`bot.reminders`, through the same `Printer`)
print while it waits. End of input or Ctrl-C ends it cleanly (exit code 0).
`bot.app.run_terminal` wires it up.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.turns import TurnRunner
from dialogs.events import ButtonPressed, Command, Event, LocationShared, TextSent
from dialogs.screen import Screen

__all__ = ["TERMINAL_CHAT_ID", "Printer", "Terminal", "parse_input", "stdin_lines"]

TERMINAL_CHAT_ID = 1
"""The one local chat the terminal speaks for (a real Telegram chat id is never this small)."""

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


class Printer:
    """Prints screens to `out` and remembers what their numbers mean (`choices`)."""

    def __init__(self, out: TextIO, attachments_dir: Path) -> None:
        self.out = out
        self.attachments_dir = attachments_dir
        self.choices = Choices()

    def say(self, text: str) -> None:
        """Print one line of the terminal's own (a usage hint)."""
        self.out.write(text + "\n")
        self.out.flush()

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


class Terminal:
    """Turns typed lines into turns for the one local chat and prints the answers."""

    def __init__(
        self,
        runner: TurnRunner,
        printer: Printer,
        language_hint: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.runner = runner
        self.printer = printer
        self.language_hint = language_hint
        self.clock = clock

    async def send(self, event: Event) -> None:
        """Run one turn and print its answer."""
        screens = await self.runner.handle(
            TERMINAL_CHAT_ID, event, self.language_hint, self.clock()
        )
        self.printer.show(screens)

    async def run(self, lines: asyncio.Queue[str | None]) -> None:
        """Start with /start, then one turn per input line until end of input."""
        await self.send(Command("start"))
        while (line := await lines.get()) is not None:
            event = parse_input(line, self.printer.choices)
            if isinstance(event, str):
                self.printer.say(event)
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
