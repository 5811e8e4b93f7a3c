"""The danger rules file (`dialogs/data/danger.yaml`): its shape, checked when it loads.

A clinician edits the file; this module makes sure a mistake in it stops the
bot at start-up with a message that names the file, the rule and the field,
instead of silently missing danger. The shape (pydantic models):

- ``words``: named word lists, used in patterns as ``{name}``;
- ``kinds``: per danger kind, its ``rules`` and its ``exclusions``;
- ``exclusions``: exclusions that hold for every kind (the past, grief, news).

Each rule has one of ``phrase`` (words next to each other), ``pattern``
(with ``...`` gaps), either one a list of alternatives, or ``together``
(several patterns that must all occur, anywhere in the message; each may
again be a list of alternatives), an ``example`` message it must fire on, and optionally ``also``
(kinds it signals as well) and ``only_with`` (it counts only when one of these
kinds fired by another rule). Each exclusion has a ``phrase`` or ``pattern``,
an ``example`` it must keep from firing, and a ``reach``: how many words on
either side of its match it covers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = ["DangerRulesError", "ExclusionEntry", "KindEntry", "RuleEntry", "RulesFile", "read"]


class DangerRulesError(ValueError):
    """The rules file cannot be used: says the file, the rule and the field, and why."""

    def __init__(self, file: str, rule: str, field: str, problem: str) -> None:
        super().__init__(f"{file}: {rule}: field {field!r}: {problem}")
        self.file, self.rule, self.field, self.problem = file, rule, field, problem


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    phrase: str | tuple[str, ...] | None = None
    pattern: str | tuple[str, ...] | None = None
    example: str = Field(min_length=1)
    note: str | None = None

    def alternatives(self) -> tuple[tuple[str, ...], bool]:
        """The phrase's or pattern's alternatives (any one may match), and whether gaps may."""
        given = self.phrase if self.phrase is not None else self.pattern
        listed = (given,) if isinstance(given, str) else tuple(given or ())
        return listed, self.phrase is None

    @property
    def text(self) -> str:
        """What the entry looks for, as written in the file."""
        return " / ".join(self.alternatives()[0])


class RuleEntry(_Entry):
    """Words that signal a kind of danger."""

    together: tuple[str | tuple[str, ...], ...] | None = None
    also: tuple[str, ...] = ()
    only_with: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _one_way_of_matching(self) -> RuleEntry:
        given = [f for f in ("phrase", "pattern", "together") if getattr(self, f)]
        if len(given) != 1:
            raise ValueError("give exactly one of phrase, pattern or together")
        return self

    @property
    def text(self) -> str:
        """What the rule looks for, as written in the file."""
        if not self.together:
            return super().text
        parts = [p if isinstance(p, str) else " / ".join(p) for p in self.together]
        return " + ".join(parts)


class ExclusionEntry(_Entry):
    """Words that mean a rule's words are no danger here (an idiom, the past, grief)."""

    reach: int = Field(default=0, ge=0, le=20)

    @model_validator(mode="after")
    def _one_way_of_matching(self) -> ExclusionEntry:
        if (self.phrase is None) == (self.pattern is None):
            raise ValueError("give exactly one of phrase or pattern")
        return self


class KindEntry(BaseModel):
    """The rules and exclusions of one kind of danger."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: tuple[RuleEntry, ...] = Field(min_length=1)
    exclusions: tuple[ExclusionEntry, ...] = ()


class RulesFile(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: dict[str, tuple[str, ...]] = {}
    kinds: dict[str, KindEntry]
    exclusions: tuple[ExclusionEntry, ...] = ()


def read(path: Path) -> RulesFile:
    """The file's content, validated; `DangerRulesError` on the first problem."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DangerRulesError(path.name, "file", "-", f"not valid YAML: {error}") from None
    try:
        return RulesFile.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        rule, field = _describe_location(first["loc"], raw)
        raise DangerRulesError(path.name, rule, field, first["msg"]) from None


def _describe_location(loc: tuple[int | str, ...], raw: Any) -> tuple[str, str]:
    """Which rule and field a pydantic error location points at, in the file's words.

    ``("kinds", "acute", "rules", 2, "example")`` becomes
    ``("kinds.acute rule 3 ('net ... {pills}')", "example")``.
    """
    positions = [i for i, part in enumerate(loc) if isinstance(part, int)]
    if not positions:
        return ".".join(map(str, loc[:-1])) or "file", str(loc[-1]) if loc else "-"
    at = positions[-1]
    section = [str(part) for part in loc[: at - 1]]
    entry = {"rules": "rule", "exclusions": "exclusion", "together": "part"}.get(
        str(loc[at - 1]), str(loc[at - 1])
    )
    rule = f"{'.'.join(section)} {entry} {int(loc[at]) + 1}".strip()
    found: Any = raw
    for part in loc[: at + 1]:
        try:
            found = found[part]
        except (KeyError, IndexError, TypeError):
            found = None
            break
    if isinstance(found, dict) and isinstance(found.get("phrase") or found.get("pattern"), str):
        rule += f" ({found.get('phrase') or found.get('pattern')!r})"
    field = str(loc[at + 1]) if at + 1 < len(loc) else "phrase/pattern"
    return rule, field
