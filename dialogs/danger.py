"""Danger in a message, in whatever words: which kind, so that the right number comes first.

Every message is read for danger before anything else reads it, at every
step (`dialogs.conversation`). The words to look for are data, in
`dialogs/data/danger.yaml`, so that a clinician can read and extend them;
`dialogs.danger_rules` checks that file when it loads, and
`dialogs.phrases` matches its patterns (lemmas, gaps, typos). The kinds
(`DangerKind`) are the catalogue's, because helplines say which kinds they
serve; they are importable from here too.

    >>> detect_danger("ik ben 14 en mijn vader slaat me") == {DangerKind.VIOLENCE, DangerKind.CHILD}
    True
    >>> detect_danger("ik zie het ni meer zitten")
    frozenset({<DangerKind.SUICIDAL: 'suicidal'>})
    >>> detect_danger("mijn broer is vorig jaar overleden aan een overdosis")
    frozenset()
    >>> detect_danger("ik drink me elke avond dood")
    frozenset()

A false alarm costs one calm screen with a way back; a miss may cost a
life. The corpus test (`tests/test_danger_corpus.py`) holds the rules to
recall of at least 97.5% and precision of at least 98% for every kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from catalogue.kinds import DangerKind
from dialogs import danger_rules
from dialogs.danger_rules import DangerRulesError, ExclusionEntry, RuleEntry, RulesFile
from dialogs.phrases import Keys, Pattern, PatternError, Vocabulary
from dialogs.words import words

__all__ = ["RULES_FILE", "DangerKind", "DangerRules", "DangerRulesError", "detect_danger"]

RULES_FILE = Path(__file__).parent / "data" / "danger.yaml"


Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the file, compiled: which kinds it signals, and when."""

    kind: DangerKind
    signals: frozenset[DangerKind]
    groups: tuple[tuple[Pattern, ...], ...]
    """All groups must match; a group matches when any one of its patterns does."""
    only_with: frozenset[DangerKind]
    entry: RuleEntry


@dataclass(frozen=True, slots=True)
class Exclusion:
    """One exclusion, compiled: the kinds it holds for and how far it reaches."""

    kinds: frozenset[DangerKind]
    patterns: tuple[Pattern, ...]
    reach: int
    entry: ExclusionEntry


class DangerRules:
    """The compiled rules of one file; `detect` reads one message."""

    def __init__(self, content: RulesFile, file_name: str) -> None:
        self.file_name = file_name
        try:
            self.vocabulary = Vocabulary(content.words)
        except PatternError as error:
            raise DangerRulesError(file_name, "words", "words", str(error)) from None
        unknown = set(content.kinds) - set(DangerKind)
        if unknown:
            raise DangerRulesError(
                file_name, "kinds", min(unknown), f"no such kind; known: {', '.join(DangerKind)}"
            )
        rules: list[Rule] = []
        exclusions: list[Exclusion] = [
            self._exclusion(entry, frozenset(DangerKind), f"exclusion {n}")
            for n, entry in enumerate(content.exclusions, 1)
        ]
        for name, section in content.kinds.items():
            kind = DangerKind(name)
            for n, rule in enumerate(section.rules, 1):
                rules.append(self._rule(kind, rule, f"kinds.{name} rule {n}"))
            for n, exclusion in enumerate(section.exclusions, 1):
                where = f"kinds.{name} exclusion {n}"
                exclusions.append(self._exclusion(exclusion, frozenset({kind}), where))
        # Rules that need another kind run after all the others.
        self.rules = tuple(sorted(rules, key=lambda r: bool(r.only_with)))
        self.exclusions = tuple(exclusions)

    @classmethod
    def load(cls, path: Path = RULES_FILE) -> DangerRules:
        """Read, validate and compile a rules file; `DangerRulesError` names any problem."""
        return cls(danger_rules.read(path), path.name)

    def _kinds(self, names: Iterable[str], where: str, field: str) -> frozenset[DangerKind]:
        try:
            return frozenset(DangerKind(name) for name in names)
        except ValueError as error:
            raise DangerRulesError(self.file_name, where, field, str(error)) from None

    def _compile(self, text: str, gaps: bool, where: str, field: str) -> Pattern:
        try:
            return self.vocabulary.pattern(text, gaps=gaps)
        except PatternError as error:
            raise DangerRulesError(
                self.file_name, f"{where} ({text!r})", field, str(error)
            ) from None

    def _alternatives(self, entry: RuleEntry | ExclusionEntry, where: str) -> tuple[Pattern, ...]:
        texts, gaps = entry.alternatives()
        field = "pattern" if gaps else "phrase"
        return tuple(self._compile(text, gaps, where, field) for text in texts)

    def _rule(self, kind: DangerKind, entry: RuleEntry, where: str) -> Rule:
        if entry.together:
            groups = tuple(
                tuple(
                    self._compile(text, True, where, "together")
                    for text in ((part,) if isinstance(part, str) else part)
                )
                for part in entry.together
            )
        else:
            groups = (self._alternatives(entry, where),)
        return Rule(
            kind=kind,
            signals=frozenset({kind}) | self._kinds(entry.also, where, "also"),
            groups=groups,
            only_with=self._kinds(entry.only_with, where, "only_with"),
            entry=entry,
        )

    def _exclusion(
        self, entry: ExclusionEntry, kinds: frozenset[DangerKind], where: str
    ) -> Exclusion:
        return Exclusion(kinds, self._alternatives(entry, where), entry.reach, entry)

    def detect(self, text: str) -> frozenset[DangerKind]:
        """The kinds of danger the text signals; empty when none."""
        return frozenset(kind for kind, _rule in self.explain(text))

    def explain(self, text: str) -> list[tuple[DangerKind, Rule]]:
        """Which rule made each kind fire (for the figures script and for tests)."""
        message = words(text)
        if not message.tokens:
            return []
        keys = self.vocabulary.keys_of(message)
        present = frozenset().union(*keys)
        candidates = self.vocabulary.candidates(present)
        blocked: dict[DangerKind, list[Span]] | None = None
        fired: dict[DangerKind, Rule] = {}
        for rule in self.rules:
            if rule.signals <= fired.keys():
                continue
            if rule.only_with and not rule.only_with & fired.keys():
                continue
            # Only the patterns whose rarest word is in the message can match.
            groups = [[p for p in g if p.number in candidates] for g in rule.groups]
            if not all(groups):
                continue
            if blocked is None:
                blocked = self._blocked(keys, present, candidates)
            if all(
                any(
                    p.may_match(present) and _free(p.spans(keys), blocked[rule.kind]) for p in group
                )
                for group in groups
            ):
                for kind in rule.signals:
                    fired.setdefault(kind, rule)
        return sorted(fired.items(), key=lambda item: item[0].urgency)

    def _blocked(
        self, keys: Keys, present: frozenset[str], candidates: set[int]
    ) -> dict[DangerKind, list[Span]]:
        """Per kind, the stretches of the message its exclusions cover."""
        blocked: dict[DangerKind, list[Span]] = {kind: [] for kind in DangerKind}
        for exclusion in self.exclusions:
            for pattern in exclusion.patterns:
                if pattern.number not in candidates or not pattern.may_match(present):
                    continue
                for start, end in pattern.spans(keys):
                    for kind in exclusion.kinds:
                        blocked[kind].append((start - exclusion.reach, end + exclusion.reach))
        return blocked


def _free(spans: list[Span], blocked: list[Span]) -> bool:
    """Whether one of the spans overlaps none of the blocked stretches."""
    return any(all(end < low or start > high for low, high in blocked) for start, end in spans)


RULES = DangerRules.load()
"""The shipped rules, loaded once: a broken file stops the bot at start-up."""
# simplemma loads each language's dictionary on its first look-up in it (0.4 to 0.8 s): pay
# that when the rules load, at start-up, rather than on someone's first message. A word that
# neither language knows ("qzx") makes it look in Dutch and then in English.
RULES.detect("opwarmen qzx")


def detect_danger(text: str) -> frozenset[DangerKind]:
    """The kinds of danger a message signals (empty: none), by the shipped rules."""
    return RULES.detect(text)
