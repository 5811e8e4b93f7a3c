"""``python -m catalogue search`` on the bundled sample data, as an operator runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def search(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "catalogue", "search", "--data-dir", str(tmp_path), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_utrecht_alcohol_lists_sample_meetings_by_fit_then_distance(tmp_path: Path) -> None:
    done = search(
        tmp_path, "--near", "Utrecht", "--for", "self", "--problem", "alcohol",
        "--at", "2026-11-23T12:00",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Meetings near Utrecht (Utrecht), as of 2026-11-23T12:00+01:00:"
    titles = [line.split(". ", 1)[1] for line in lines if line[:3].strip().endswith(".")]
    # AA (best fit) before Buitenveldert; groups for a specific audience after both.
    assert titles[:2] == [
        "AA — AA Utrecht Centrum [sample]",
        "Buitenveldert — Buitenveldert-groep Utrecht [sample]",
    ]
    assert "AA — AA Utrecht Jongeren (tot 35) [sample]" in titles[2:]
    assert "[sample]" in done.stdout
    assert "november 2026" in done.stdout  # Dutch dates through Babel


def test_postcode_and_coordinates_work_as_the_place(tmp_path: Path) -> None:
    by_postcode = search(tmp_path, "--near", "3511ab", "--for", "self", "--problem", "alcohol",
                         "--at", "2026-11-23T12:00")  # fmt: skip
    by_point = search(tmp_path, "--near", "52.0908,5.1222", "--for", "self", "--problem",
                      "alcohol", "--at", "2026-11-23T12:00")  # fmt: skip
    assert by_postcode.returncode == by_point.returncode == 0
    assert by_postcode.stdout.splitlines()[1:] == by_point.stdout.splitlines()[1:]


@pytest.mark.parametrize(
    ("place", "expected"),
    [("Bergen", "more than one place"), ("Amstrdem", "did you mean"), ("qqqxxzz", "not a known")],
)
def test_ambiguous_or_unknown_place_exits_2(tmp_path: Path, place: str, expected: str) -> None:
    done = search(tmp_path, "--near", place, "--for", "self")
    assert done.returncode == 2
    assert expected in done.stdout
    if place == "Bergen":
        assert "Bergen (Noord-Holland)" in done.stdout and "(Henegouwen)" in done.stdout


def test_online_and_day_filter(tmp_path: Path) -> None:
    done = search(tmp_path, "--online", "--for", "self", "--problem", "alcohol",
                  "--at", "2026-11-23T12:00")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "online · next:" in done.stdout
    tuesday = search(tmp_path, "--near", "Amsterdam", "--for", "self", "--problem", "alcohol",
                     "--day", "tue", "--at", "2026-11-23T12:00")  # fmt: skip
    assert tuesday.returncode == 0
    nexts = [line for line in tuesday.stdout.splitlines() if "next:" in line]
    assert nexts and all("dinsdag" in line for line in nexts)
