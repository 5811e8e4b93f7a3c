"""A clinic's deep link: the payload survives the trip, bad ones start the normal dialogue,
and the operator's `python -m bot clinic link` prints a link or says what to fix."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.clinics.cli import main
from catalogue.kinds import Problem, Relation, Seeker
from catalogue.loading import load_catalogue
from catalogue.models import Catalogue
from dialogs.deeplink import (
    MAX_PAYLOAD_LENGTH,
    PayloadTooLong,
    Preselection,
    decode_payload,
    encode_payload,
)

ROOT = Path(__file__).resolve().parents[1]
TELEGRAM_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
CLINIC = "voorbeeldkliniek-utrecht"
LONGEST_CLINIC = "sample-clinic-amsterdam-english"
BOT = "ZelfhulpwijzerBot"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(Path("/nonexistent-data-dir"))


PLACES = (None, "gn:2745912", "pc:NL:3511", "pc:BE:1000", "gn:99999999")


def every_preselection(clinic_id: str) -> list[Preselection]:
    """Every combination a link can carry (a relation and an aim only with a naaste)."""
    found = []
    for seeker, relation, aim, problem, place in itertools.product(
        (None, *Seeker), (None, *Relation), (None, True, False), (None, *Problem), PLACES
    ):
        if (relation is not None or aim is not None) and seeker is not Seeker.NAASTE:
            continue
        found.append(Preselection(clinic_id, seeker, relation, problem, place, aim))
    return found


def test_every_preselection_round_trips_within_telegrams_limit(catalogue: Catalogue) -> None:
    checked = 0
    for clinic_id in catalogue.clinics:
        for preselection in every_preselection(clinic_id):
            payload = encode_payload(preselection)
            assert TELEGRAM_PAYLOAD.fullmatch(payload), payload
            assert decode_payload(payload, catalogue) == preselection
            checked += 1
    seekers = 2 + (len(Relation) + 1) * 3  # none, self, naaste with(out) relation and aim
    per_clinic = seekers * (len(Problem) + 1) * len(PLACES)
    assert checked == len(catalogue.clinics) * per_clinic


def test_payload_of_a_bare_clinic_is_its_id(catalogue: Catalogue) -> None:
    assert encode_payload(Preselection(CLINIC)) == CLINIC
    assert decode_payload(CLINIC, catalogue) == Preselection(CLINIC)


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "onbekende-kliniek",
        "onbekende-kliniek_sn_pa",
        "VOORBEELDKLINIEK-UTRECHT",
        "voorbeeldkliniek-utrecht!",
        "voorbeeldkliniek-utrecht " * 3,
        "x" * 65,
        CLINIC + "_" + "g1" * 40,  # longer than Telegram ever sends
        "../../etc/passwd",
        "'; DROP TABLE users; --",
        "_sn_pa",
        "_",
        "é",
    ],
)
def test_bad_payload_starts_the_normal_dialogue(payload: str, catalogue: Catalogue) -> None:
    assert decode_payload(payload, catalogue) is None


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        # A field from a newer poster (or a typo) is dropped; the clinic still counts.
        (f"{CLINIC}_zz_pa", Preselection(CLINIC, problem=Problem.ALCOHOL)),
        (f"{CLINIC}_px", Preselection(CLINIC)),
        (f"{CLINIC}_sq_rp", Preselection(CLINIC, Seeker.NAASTE, Relation.PARTNER)),
        (f"{CLINIC}__pa_", Preselection(CLINIC, problem=Problem.ALCOHOL)),
        (f"{CLINIC}_gabc", Preselection(CLINIC)),
        # A relation implies a naaste; with "self" it is a contradiction and is dropped.
        (f"{CLINIC}_ro", Preselection(CLINIC, Seeker.NAASTE, Relation.PARENT)),
        (f"{CLINIC}_ss_ro", Preselection(CLINIC, Seeker.SELF)),
        (f"{CLINIC}_at", Preselection(CLINIC, Seeker.NAASTE, for_them=True)),
        (f"{CLINIC}_ss_am", Preselection(CLINIC, Seeker.SELF)),
        (f"{CLINIC}_am", Preselection(CLINIC, Seeker.NAASTE, for_them=False)),
    ],
)
def test_partly_understood_payload_keeps_what_it_can(
    payload: str, expected: Preselection, catalogue: Catalogue
) -> None:
    assert decode_payload(payload, catalogue) == expected


def test_encoding_refuses_what_cannot_be_read_back() -> None:
    with pytest.raises(PayloadTooLong):
        encode_payload(Preselection("k" * MAX_PAYLOAD_LENGTH, Seeker.SELF))
    with pytest.raises(ValueError, match="relation"):
        encode_payload(Preselection(CLINIC, Seeker.SELF, Relation.PARENT))
    with pytest.raises(ValueError, match="place"):
        encode_payload(Preselection(CLINIC, place_id="geo:52.1,5.1"))
    with pytest.raises(ValueError, match="clinic id"):
        encode_payload(Preselection("Kliniek_Utrecht"))


def run_cli(*argv: str, environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [*argv, "--data-dir", "/nonexistent-data-dir"] if argv[0] != "stats" else list(argv),
        environ=environ or {},
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def test_link_cli_prints_a_link_that_preselects_what_was_asked(catalogue: Catalogue) -> None:
    code, out, err = run_cli(
        "link", CLINIC, "--relation", "parent", "--aim", "them", "--problem", "cannabis",
        "--near", "Utrecht", "--bot-username", BOT,
    )  # fmt: skip
    assert code == 0, err
    link = out.strip()
    assert link.startswith(f"https://t.me/{BOT}?start=")
    payload = link.split("?start=", 1)[1]
    assert TELEGRAM_PAYLOAD.fullmatch(payload)
    preselection = decode_payload(payload, catalogue)
    assert preselection is not None
    assert (preselection.clinic_id, preselection.seeker, preselection.relation) == (
        CLINIC,
        Seeker.NAASTE,
        Relation.PARENT,
    )
    assert preselection.for_them is True
    assert preselection.problem is Problem.CANNABIS
    assert preselection.place_id == "gn:2745912"  # Utrecht
    assert "near: Utrecht" in err  # the operator sees which place was understood


def test_link_cli_takes_the_username_from_the_environment() -> None:
    code, out, _ = run_cli("link", CLINIC, environ={"BOT_USERNAME": "@AndereBot"})
    assert (code, out.strip()) == (0, f"https://t.me/AndereBot?start={CLINIC}")


def test_link_cli_without_username_says_how_to_give_one() -> None:
    code, out, err = run_cli("link", CLINIC)
    assert (code, out) == (1, "")
    assert "--bot-username" in err and "BOT_USERNAME" in err


def test_link_cli_names_the_known_clinics_for_an_unknown_one(catalogue: Catalogue) -> None:
    code, out, err = run_cli("link", "kliniek-die-niet-bestaat", "--bot-username", BOT)
    assert (code, out) == (1, "")
    assert "kliniek-die-niet-bestaat" in err
    for clinic_id in catalogue.clinics:
        assert clinic_id in err


def test_link_cli_lists_choices_for_an_ambiguous_place_and_takes_one_by_id() -> None:
    code, out, err = run_cli("link", CLINIC, "--near", "Bergen", "--bot-username", BOT)
    assert (code, out) == (1, "")
    assert "ambiguous" in err
    choices = re.findall(r"\[(gn:\d+|pc:[A-Z]{2}:\d+)\]", err)
    assert len(choices) >= 2
    assert "Noord-Holland" in err

    code, out, err = run_cli("link", CLINIC, "--near", choices[0], "--bot-username", BOT)
    assert code == 0, err
    assert out.strip().endswith("_g" + choices[0].removeprefix("gn:"))


def test_link_cli_refuses_contradictions_and_unknown_words() -> None:
    code, _, err = run_cli(
        "link", CLINIC, "--for", "self", "--relation", "parent", "--bot-username", BOT
    )
    assert code == 1 and "--relation" in err
    code, _, err = run_cli("link", CLINIC, "--for", "self", "--aim", "them", "--bot-username", BOT)
    assert code == 1 and "--aim" in err
    code, _, err = run_cli("link", CLINIC, "--problem", "chocolate", "--bot-username", BOT)
    assert code == 2 and "chocolate" in err
    code, _, err = run_cli("link", CLINIC, "--near", "Xqzwvbplk", "--bot-username", BOT)
    assert code == 1 and "no such place" in err
    code, _, err = run_cli("link", CLINIC, "--bot-username", "a b")
    assert code == 1 and "username" in err


def test_python_dash_m_bot_clinic_link_runs_as_an_operator_would() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "clinic", "link", CLINIC, "--problem", "gambling",
         "--bot-username", BOT],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"https://t.me/{BOT}?start={CLINIC}_pg\n"
