"""`python -m catalogue validate` and `stats`, run as an operator would, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from catalogue.loading import BUNDLED_DATA_DIR

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ZELFHULPWIJZER_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "catalogue", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_validate_the_bundled_catalogue_prints_counts(tmp_path: Path) -> None:
    result = run("validate", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "OK: 5 file(s) valid"
    assert "organisations: 21" in lines
    assert any(line.startswith("meetings: 94 (sample: 94, online: 10") for line in lines)
    assert any(line.startswith("places covered: 29 (BE 5, NL 24)") for line in lines)


def test_validate_prints_one_line_per_error_and_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "meetings.yaml"
    text = (BUNDLED_DATA_DIR / "meetings.yaml").read_text(encoding="utf-8")
    text = text.replace('start: "19:30"', 'start: "25:00"', 1)
    text = text.replace("organisation: ca\n", "organisation: cocaine-anonymous\n", 1)
    broken.write_text(text, encoding="utf-8")
    result = run("validate", str(broken), data_dir=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{broken}: meeting 'aa-amsterdam-english-friday': field 'start': '25:00' is not a "
        'time of day (expected HH:MM, in quotes, e.g. "19:30")',
        f"{broken}: meeting 'ca-amsterdam-zondag': field 'organisation': 'cocaine-anonymous' "
        "is not an organisation in organisations.yaml (expected one of: aa, aa-vlaanderen, aca, "
        "agog-ag, agog-og, al-anon, alateen, buitenveldert, ca, coke-van-jou, intact, "
        "let-it-be, lsovd, ma, moedige-moeders, na, nar-anon, samen-verder, stay-clean, svmg, "
        "vlaams-trefpunt-zelfhulp)",
    ]
    assert "2 error(s); nothing loaded" in result.stderr


def test_validate_checks_the_imports_of_a_data_directory(tmp_path: Path) -> None:
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "feed.yaml").write_text("meetings: [\n", encoding="utf-8")
    result = run("validate", data_dir=tmp_path)
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert line.startswith(f"{tmp_path / 'imports' / 'feed.yaml'}: line 2: is not valid YAML")


def test_validate_a_missing_path_fails(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope.yaml"), data_dir=tmp_path)
    assert result.returncode == 1
    assert result.stdout.strip() == f"{tmp_path / 'nope.yaml'}: no such file or directory"


def test_stats_counts_per_organisation_and_province_and_lists_stale_records(
    tmp_path: Path,
) -> None:
    result = run("stats", "--today", "2026-11-23", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Meetings that still take place on 2026-11-23: 93" in out
    assert any(line.split()[:4] == ["AGOG", "(OG)", "(agog-og)", "3"] for line in out.splitlines())
    assert any(line.startswith("Noord-Holland ") for line in out.splitlines())
    assert any(line.startswith("Oost-Vlaanderen ") for line in out.splitlines())
    assert "16 organisation(s) verified 2009-01-01" in out
    # the sample data was written today: not stale
    assert "meeting(s): verified" not in out


@pytest.mark.parametrize("command", ["search", "import"])
def test_plugged_subcommands_are_registered(tmp_path: Path, command: str) -> None:
    result = run(command, "--help", data_dir=tmp_path)
    assert result.returncode in (0, 2)
    assert f"python -m catalogue {command}" in result.stdout + result.stderr
