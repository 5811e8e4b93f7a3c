"""The danger rules file: every example does what it says, and a broken file is refused loudly."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dialogs import danger, phrases
from dialogs.danger import (
    RULES,
    RULES_FILE,
    DangerKind,
    DangerRules,
    DangerRulesError,
    detect_danger,
)
from dialogs.words import words

RULE_EXAMPLES = [
    pytest.param(rule, id=f"{rule.kind}: {rule.entry.example}") for rule in RULES.rules
]
EXCLUSION_EXAMPLES = [
    pytest.param(exclusion, id=f"{'/'.join(sorted(exclusion.kinds))}: {exclusion.entry.example}")
    for exclusion in RULES.exclusions
]


@pytest.mark.parametrize("rule", RULE_EXAMPLES)
def test_every_rule_fires_its_kinds_on_its_example(rule):
    assert rule.signals <= detect_danger(rule.entry.example)


@pytest.mark.parametrize("exclusion", EXCLUSION_EXAMPLES)
def test_every_exclusion_keeps_its_kinds_from_firing_on_its_example(exclusion):
    assert not exclusion.kinds & detect_danger(exclusion.entry.example)


@pytest.mark.parametrize("exclusion", EXCLUSION_EXAMPLES)
def test_every_exclusion_matches_its_own_example(exclusion):
    keys = RULES.vocabulary.keys_of(words(exclusion.entry.example))
    assert any(pattern.spans(keys) for pattern in exclusion.patterns)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("ik ben 14 en mijn vader slaat me", {DangerKind.VIOLENCE, DangerKind.CHILD}),
        ("ik zie het ni meer zitten", {DangerKind.SUICIDAL}),
        ("IK ZIE HET NIET MEER ZITEN", {DangerKind.SUICIDAL}),  # capitals and a typo
        ("ik heb selfmoordgedachten", {DangerKind.SUICIDAL}),
        ("kms", {DangerKind.SUICIDAL}),
        ("i want to unalive myself", {DangerKind.SUICIDAL}),
        ("just od'd on xanax", {DangerKind.ACUTE}),
        ("ik heb net 20 oxazepam ingenomen", {DangerKind.ACUTE}),
        ("ik heb echt net een hele strip slaappillen in een keer geslikt", {DangerKind.ACUTE}),
        ("mijn vriend is niet wakker te krijgen na ghb", {DangerKind.ACUTE}),
        ("im gonna end it tonight", {DangerKind.ACUTE, DangerKind.SUICIDAL}),
    ],
)
def test_danger_in_real_chat_is_recognised(text, kinds):
    assert detect_danger(text) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "mijn broer is vorig jaar overleden aan een overdosis",
        "overdosis aan informatie",
        "ik ben doodmoe",
        "ik drink me elke avond dood",
        "vroeger wilde ik dood, nu gaat het goed",
        "ik wil niet meer drinken",
        "ik ben 15 en mijn vader drinkt",  # a teenager looking for a group, no distress
        "",
        "   ",
    ],
)
def test_look_alikes_are_no_danger(text):
    assert detect_danger(text) == frozenset()


def broken(tmp_path: Path, change) -> Path:
    content = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    change(content)
    path = tmp_path / "danger.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_file_loads():
    assert DangerRules.load(RULES_FILE).rules


def test_a_rule_without_example_is_refused_naming_file_rule_and_field(tmp_path):
    def drop_example(content):
        del content["kinds"]["violence"]["rules"][1]["example"]

    with pytest.raises(DangerRulesError) as error:
        DangerRules.load(broken(tmp_path, drop_example))
    assert (error.value.file, error.value.field) == ("danger.yaml", "example")
    assert error.value.rule.startswith("kinds.violence rule 2")


def test_an_unknown_word_list_is_refused(tmp_path):
    def unknown_list(content):
        content["kinds"]["acute"]["rules"][0]["pattern"] = "net ... {pilen} ... genomen"

    with pytest.raises(DangerRulesError) as error:
        DangerRules.load(broken(tmp_path, unknown_list))
    assert error.value.rule.startswith("kinds.acute rule 1")
    assert error.value.field == "pattern" and "pilen" in error.value.problem


def test_a_phrase_with_a_gap_and_an_unknown_kind_are_refused(tmp_path):
    def gap_in_phrase(content):
        content["kinds"]["suicidal"]["rules"][0] = {"phrase": "wil ... dood", "example": "x"}

    with pytest.raises(DangerRulesError, match="a phrase has no gaps"):
        DangerRules.load(broken(tmp_path, gap_in_phrase))

    def unknown_kind(content):
        content["kinds"]["acute"]["rules"][0]["also"] = ["suicide"]

    with pytest.raises(DangerRulesError) as error:
        DangerRules.load(broken(tmp_path, unknown_kind))
    assert error.value.field == "also"


def test_a_rule_with_two_ways_of_matching_is_refused(tmp_path):
    def both(content):
        content["kinds"]["child"]["rules"][0]["phrase"] = "brugklas"

    with pytest.raises(DangerRulesError) as error:
        DangerRules.load(broken(tmp_path, both))
    assert error.value.rule.startswith("kinds.child rule 1")
    assert "exactly one of" in error.value.problem


def test_the_worked_examples_in_the_docstrings_hold():
    assert doctest.testmod(danger).failed == 0
    assert doctest.testmod(phrases).failed == 0


def test_the_first_message_after_start_up_does_not_wait_for_the_dictionaries():
    # In a fresh process, as at start-up: loading the rules has loaded simplemma's Dutch and
    # English dictionaries already (otherwise the first English message takes 0.4 to 0.8 s).
    first_message = (
        "import time, dialogs.danger as d\n"
        "start = time.thread_time()\n"
        "d.detect_danger('i swallowed all my pills')\n"
        "print((time.thread_time() - start) * 1000)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", first_message], capture_output=True, text=True, check=True
    )
    assert float(run.stdout) < 100
