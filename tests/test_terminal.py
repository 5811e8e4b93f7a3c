"""The terminal adapter: the real `python -m bot` in a subprocess, driven through a pipe."""

from __future__ import annotations

import io
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from bot.terminal import Choices, Printer, parse_input
from dialogs.events import ButtonPressed, Command, LocationShared, TextSent
from dialogs.screen import AskLocation, Attachment, Button, Screen, VenuePin

ROOT = Path(__file__).resolve().parent.parent


def bot_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZELFHULP"))}
    # Demo mode: the conversations below are written for the sample meetings.
    env.update(
        ZELFHULPWIJZER_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), ZELFHULPWIJZER_SAMPLES="1"
    )
    return env


def run_bot(data_dir: Path, *lines: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        env=bot_env(data_dir),
        cwd=ROOT,
        timeout=60,
    )


def test_a_whole_search_through_a_pipe(tmp_path: Path):
    # Voor mezelf → Alcohol → "Utrecht" → the first result → "In mijn agenda"
    done = run_bot(tmp_path, "1", "1", "Utrecht", "1", "1")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "[1] Voor mezelf" in out
    assert "[1] Alcohol" in out
    assert "Bijeenkomsten bij Utrecht" in out
    assert "[voorbeeld]" in out
    # The meeting page: its map pin as a line with the address and coordinates.
    pin = next(line for line in out.splitlines() if line.startswith("📍 "))
    assert "Utrecht" in pin and "(52." in pin
    # The calendar file is written to the data dir and its path printed.
    attachment = next(line for line in out.splitlines() if line.startswith("📎"))
    path = Path(attachment.split()[-1])
    assert path.parent == tmp_path / "terminal" and path.suffix == ".ics"
    assert path.read_bytes().startswith(b"BEGIN:VCALENDAR")
    # What is stored is in the data dir, owner-only key included.
    assert (tmp_path / "zelfhulpwijzer.sqlite3").exists()
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0
    # Nothing the person typed reaches the log.
    assert "Utrecht" not in done.stderr


def test_location_commands_and_a_restart_through_a_pipe(tmp_path: Path):
    first = run_bot(tmp_path, "1", "5")  # for myself, gambling
    assert first.returncode == 0, first.stderr
    # A new process continues the same conversation: /start offers to resume.
    done = run_bot(tmp_path, "/location nowhere", "/location 52.0907 5.1214")
    assert done.returncode == 0, done.stderr
    assert "usage: /location LAT LON" in done.stdout
    assert "[1] Verder waar ik was" in done.stdout
    # The answers from before the restart (gambling) shape the results for the location.
    assert "Bijeenkomsten bij Utrecht" in done.stdout


def test_end_of_input_right_away_exits_cleanly(tmp_path: Path):
    done = run_bot(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[1] Voor mezelf" in done.stdout
    assert "Traceback" not in done.stderr


def test_ctrl_c_exits_cleanly(tmp_path: Path):
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=bot_env(tmp_path),
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        lines = lines_of(process.stdout)
        deadline = time.monotonic() + 60
        while "[3]" not in (line := lines.get(timeout=max(0.0, deadline - time.monotonic()))):
            assert line is not None, "the bot ended before showing its first menu"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        process.kill()
        process.wait()


def lines_of(stream: IO[str]) -> queue.Queue[str | None]:
    """`stream`'s lines, read by a daemon thread; None at its end.

    ``readline()`` on the pipe itself blocks without a deadline: a bot that hangs
    before printing would hold the test until pytest-timeout. ``get(timeout=…)``
    raises `queue.Empty` instead.
    """
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, name="bot-stdout", daemon=True).start()
    return lines


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2", ButtonPressed("b")),
        ("3", TextSent("3")),  # no third button: a number is text (a postcode, a count…)
        ("3511", TextSent("3511")),
        ("  Utrecht ", TextSent("Utrecht")),
        ("/taal en", Command("taal", "en")),
        ("/start@ZelfhulpBot abc", Command("start", "abc")),
        ("/location 52.1, 5.1", LocationShared(52.1, 5.1)),
        ("/location", "usage: /location LAT LON   (e.g. /location 52.0907 5.1214)"),
        ("", None),
    ],
)
def test_input_lines(line, expected):
    assert parse_input(line, Choices([ButtonPressed("a"), ButtonPressed("b")])) == expected


def test_a_screen_prints_text_numbered_buttons_and_extras(tmp_path: Path):
    out = io.StringIO()
    printer = Printer(out, tmp_path)
    printer.show(
        [
            Screen("Eerste", ((Button("Ja", "a:yes"), Button("Nee", "a:no")),)),
            Screen(
                "Tweede",
                ((Button("Terug", "b:back"),),),
                ask=AskLocation("Deel mijn locatie", other_label="Online"),
                venue=VenuePin(52.1, 5.1, "AA Utrecht", "Oudegracht 1, Utrecht"),
                attachment=Attachment("../../evil.ics", b"BEGIN:VCALENDAR", "text/calendar"),
            ),
        ]
    )
    text = out.getvalue()
    assert "Eerste\n[1] Ja\n[2] Nee" in text
    assert "[3] Terug" in text and "[4] Online" in text
    assert "[📍] Deel mijn locatie: /location LAT LON" in text
    assert "📍 AA Utrecht, Oudegracht 1, Utrecht (52.10000, 5.10000)" in text
    assert (tmp_path / "evil.ics").read_bytes() == b"BEGIN:VCALENDAR"  # no path escapes
    assert printer.choices.events[3] == TextSent("Online")


def test_a_reminder_set_in_the_terminal_is_kept(tmp_path: Path):
    # Result 2 → Herinner me → Twee uur ervoor → Alleen de volgende keer → Ja, graag
    done = run_bot(tmp_path, "1", "1", "Utrecht", "2", "2", "2", "1", "1", "/herinneringen")
    assert done.returncode == 0, done.stderr
    listing = done.stdout.split("Je herinneringen:", 1)[1]
    assert listing.lstrip().startswith("1. ") and "[1] Stop 1" in listing
