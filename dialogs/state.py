"""Where one conversation is, kept between turns.

Rules of this module:
1. The state holds only ids, enums and small numbers: never a name, a
   typed text or a coordinate. A shared location is kept as the id of the
   nearest place.
2. It is stored as JSON by the bot. Reading is tolerant: JSON that is not
   ours, or that names values that no longer exist, gives a fresh state
   instead of an error, so that a person is never stuck. A state of an
   earlier version (1 or 2) is read into this one (`_from_version_1`,
   `_from_version_2`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from catalogue.kinds import AgeBand, Gender, Problem, Relation, Seeker

STATE_VERSION = 3
HISTORY_LENGTH = 8
"""How many earlier questions "Terug" can go back through."""


class Step(StrEnum):
    """The question the conversation is waiting on.

    The value is also the prefix of that question's button actions, so that a
    button from an older question can be recognised (see `dialogs.actions`).
    """

    WHO = "who"  # for whom? (the welcome screen asks it)
    RELATION = "rel"  # a naaste: how are you related?
    AIM = "aim"  # a naaste: support for yourself, or a group for them?
    PROBLEM = "prob"  # what is it about?
    WHERE = "where"  # a place, a location, or online
    CONFIRM = "ok"  # "Ik begrijp: …" [Klopt] [Iets aanpassen]
    CHANGE = "fix"  # which one fact to change
    RESULTS = "res"  # a page of meetings
    FILTERS = "flt"  # toggling filters
    MEETING = "mt"  # one meeting's page
    REMIND_WHEN = "rw"  # evening before / two hours before / both
    REMIND_REPEAT = "rr"  # once / every week
    REMIND_CONFIRM = "rc"  # confirm the exact times


@dataclass(frozen=True, slots=True)
class DialogState:
    """One conversation's answers so far and the question it waits on.

    `for_them` is a naaste's aim: True for a group for the other person,
    False for support for themselves, None while not asked.
    `gender` and `age_band` are what the writer said about themselves ("ik
    ben een vrouw", "ik ben 24": never the number itself, only its band), so
    that results can put the groups for them first; they are never asked.
    `place_id` None with `online_only` False means no place chosen yet.
    `confirmed` is set once the person said the summary of their answers
    was right; `history` are the questions asked before the open one, the
    latest last, so that "Terug" returns to the question that was asked.
    `shown` are the meeting ids on the results page last shown, in order,
    so that "result 2" means what the person saw. `clinic_id` is set when
    the conversation came in through a clinic's link (for counting only).
    """

    step: Step = Step.WHO
    seeker: Seeker | None = None
    relation: Relation | None = None
    for_them: bool | None = None
    gender: Gender | None = None
    age_band: AgeBand | None = None
    problem: Problem | None = None
    place_id: str | None = None
    online_only: bool = False
    weekday: int | None = None
    open_only: bool = False
    women: bool = False
    youth: bool = False
    english: bool = False
    offset: int = 0
    shown: tuple[str, ...] = ()
    meeting_id: str | None = None
    remind_offsets: tuple[int, ...] = ()
    remind_weekly: bool = False
    clinic_id: str | None = None
    confirmed: bool = False
    history: tuple[Step, ...] = ()

    @property
    def is_fresh(self) -> bool:
        """Nothing answered yet (a clinic link alone does not count)."""
        return self.step is Step.WHO and self.seeker is None and self.problem is None

    @property
    def teen(self) -> bool:
        """The writer said they are under 18."""
        return self.age_band is AgeBand.UNDER_18

    @property
    def has_filters(self) -> bool:
        return (
            self.weekday is not None or self.open_only or self.women or self.youth or self.english
        )


_ENUMS: dict[str, type[StrEnum]] = {
    "step": Step,
    "seeker": Seeker,
    "relation": Relation,
    "problem": Problem,
    "gender": Gender,
    "age_band": AgeBand,
}
_BOOLS = {
    "online_only",
    "open_only",
    "women",
    "youth",
    "english",
    "remind_weekly",
    "confirmed",
}
_OPTIONAL_STRS = {"place_id", "meeting_id", "clinic_id"}


def state_to_json(state: DialogState) -> str:
    """The state as compact JSON, with a version number."""
    data = {f.name: getattr(state, f.name) for f in fields(DialogState)}  # flat: no deep copy
    data["shown"] = list(state.shown)
    data["remind_offsets"] = list(state.remind_offsets)
    data["history"] = [step.value for step in state.history]
    return json.dumps({"v": STATE_VERSION, **data}, separators=(",", ":"), sort_keys=True)


def state_from_json(text: str | None) -> DialogState:
    """Read a stored state; anything unreadable or outdated gives a fresh state."""
    try:
        data = json.loads(text or "")
        if not isinstance(data, dict):
            return DialogState()
        version = data.pop("v", None)
        if version == 1:
            data = _from_version_2(_from_version_1(data))
        elif version == 2:
            data = _from_version_2(data)
        elif version != STATE_VERSION:
            return DialogState()
        known = {f.name for f in fields(DialogState)}
        if set(data) - known:
            return DialogState()
        return DialogState(**{name: _checked(name, value) for name, value in data.items()})
    except (ValueError, TypeError):
        return DialogState()


_ANSWERED_AIM = {"prob", "where", "res", "flt", "mt", "rw", "rr", "rc"}


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """A version 1 state in this version's shape.

    Version 1 kept `for_them` as a plain bool (False also meant "not asked
    yet") and had no summary to confirm: a conversation past the questions
    counts as confirmed.
    """
    step = data.get("step")
    if data.get("seeker") != "naaste" or step not in _ANSWERED_AIM:
        data["for_them"] = None
    data["confirmed"] = step in {"res", "flt", "mt", "rw", "rr", "rc"}
    return data


def _from_version_2(data: dict[str, Any]) -> dict[str, Any]:
    """A version 2 state in this version's shape: its `teen` flag is the band under 18."""
    if data.pop("teen", False) is True:
        data["age_band"] = AgeBand.UNDER_18.value
    return data


def _checked(name: str, value: Any) -> Any:
    """One field's value, converted and validated; ValueError/TypeError if wrong."""
    if name in _ENUMS:
        if value is None and name != "step":
            return None
        return _ENUMS[name](value)
    if name in _BOOLS:
        if not isinstance(value, bool):
            raise TypeError(name)
        return value
    if name in _OPTIONAL_STRS:
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            raise TypeError(name)
        return value
    if name == "for_them":
        if value is not None and not isinstance(value, bool):
            raise TypeError(name)
        return value
    if name == "history":
        if not isinstance(value, list) or len(value) > HISTORY_LENGTH:
            raise TypeError(name)
        return tuple(Step(v) for v in value)
    if name == "weekday":
        if value is not None and (type(value) is not int or not 0 <= value <= 6):
            raise ValueError(name)
        return value
    if name == "offset":
        if type(value) is not int or not 0 <= value <= 10_000:
            raise ValueError(name)
        return value
    if name == "shown":
        if not isinstance(value, list) or len(value) > 10:
            raise TypeError(name)
        if not all(isinstance(v, str) and len(v) <= 200 for v in value):
            raise TypeError(name)
        return tuple(value)
    if name == "remind_offsets":
        if not isinstance(value, list) or len(value) > 4:
            raise TypeError(name)
        if not all(type(v) is int and 0 <= v <= 10_080 for v in value):
            raise TypeError(name)
        return tuple(value)
    raise TypeError(name)
