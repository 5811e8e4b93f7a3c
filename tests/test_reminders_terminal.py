"""In the terminal, a reminder set in the conversation prints when it is due."""

from __future__ import annotations

import asyncio
import io
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import Clock, _loaded_catalogue

from bot.app import open_terminal
from bot.config import Config
from bot.secrets import Secrets
from bot.terminal import parse_input
from dialogs.events import ButtonPressed, Command, TextSent

AMS = ZoneInfo("Europe/Amsterdam")


class Printed(io.StringIO):
    """The terminal's output; `grown` is set on every write, so a test waits without polling."""

    def __init__(self) -> None:
        super().__init__()
        self.grown = asyncio.Event()

    def write(self, text: str) -> int:
        self.grown.set()
        return super().write(text)

    async def until(self, text: str, timeout_s: float = 10) -> None:
        """Wait until `text` has been printed; fail with what was printed instead."""
        try:
            async with asyncio.timeout(timeout_s):
                while text not in self.getvalue():
                    self.grown.clear()
                    await self.grown.wait()
        except TimeoutError:
            shown = self.getvalue()[-1500:]
            raise AssertionError(f"{text!r} not printed in {timeout_s} s; ends:\n{shown}") from None


async def test_a_due_reminder_prints_in_the_terminal(tmp_path: Path) -> None:
    clock = Clock()
    out = Printed()
    bot = await open_terminal(
        Config(data_dir=tmp_path),
        out,
        clock=clock.now,
        secrets=Secrets.from_master_key(os.urandom(32)),
        loaded=_loaded_catalogue(),
    )
    terminal = bot.terminal
    background = asyncio.ensure_future(bot.send_due_reminders(every_s=0.01))
    try:
        await terminal.send(Command("start"))
        await terminal.send(ButtonPressed("who:self"))
        await terminal.send(ButtonPressed("prob:alcohol"))
        await terminal.send(TextSent("Utrecht"))
        await terminal.send(TextSent("Klopt"))  # a button's label, typed
        lines = out.getvalue().splitlines()
        label = next(line for line in lines if line.startswith("[") and "Utrecht Centrum" in line)
        number = label.split("]")[0].lstrip("[")  # typed, as a person would
        await terminal.send(parse_input(number, terminal.printer.choices))
        for action in ("mt:remind", "rw:2h", "rr:once"):
            await terminal.send(ButtonPressed(action))
        assert "17:30" in out.getvalue()  # the time it will come, confirmed before it is set
        await terminal.send(ButtonPressed("rc:yes"))
        assert "⏰" not in out.getvalue()

        clock.set(datetime(2026, 11, 24, 17, 30, tzinfo=AMS))
        await out.until("⏰ Herinnering: vanavond 19:30")
        assert "[1] Ik ga" in out.getvalue().split("⏰")[-1]  # its buttons are numbered choices
    finally:
        background.cancel()
        await asyncio.gather(background, return_exceptions=True)
        await bot.close()
