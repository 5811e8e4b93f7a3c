"""The ``/start`` payload of a clinic's link: which clinic, and what it may preselect.

Telegram passes at most 64 characters of ``A-Z a-z 0-9 _ -`` from
``https://t.me/<bot>?start=<payload>`` to ``/start``. The payload is the
clinic id followed by optional fields, separated by ``_`` (clinic ids use
only ``a-z 0-9 -``, so ``_`` never occurs inside one); each field is one key
letter and a short code::

    voorbeeldkliniek-utrecht_sn_rp_at_pa_g2745912
    └ clinic id              │  │  │  │  └ g: GeoNames place 2745912 (n: NL, b: BE postcode)
                             │  │  │  └ p: problem a(lcohol)
                             │  │  └ a: a naaste's aim: t(hem, a group to pass on) / m(e, support)
                             │  └ r: relation p(artner)
                             └ s: seeker n(aaste) / s(elf)

The codes are printed on posters, so they never change meaning: add new
codes, never reuse one.

Reading is forgiving, because a person must never see an error for a link
someone else made: an unknown clinic or a payload that is not ours gives
None (the normal dialogue); a field this version does not understand (an
old or newer poster) is dropped and the rest is kept, and so is a relation
that contradicts ``self``.

    >>> p = Preselection("kliniek", Seeker.NAASTE, Relation.PARENT, Problem.CANNABIS, "gn:2759794")
    >>> encode_payload(p)
    'kliniek_sn_ro_pk_g2759794'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from catalogue.kinds import Problem, Relation, Seeker
from catalogue.models import Catalogue

__all__ = [
    "MAX_PAYLOAD_LENGTH",
    "PayloadTooLong",
    "Preselection",
    "decode_payload",
    "encode_payload",
]

MAX_PAYLOAD_LENGTH = 64

SEEKER_CODES: dict[Seeker, str] = {Seeker.SELF: "s", Seeker.NAASTE: "n"}
RELATION_CODES: dict[Relation, str] = {
    Relation.PARTNER: "p",
    Relation.PARENT: "o",  # ouder
    Relation.TEEN_CHILD: "t",
    Relation.ADULT_CHILD: "a",
    Relation.FAMILY_FRIEND: "f",
}
PROBLEM_CODES: dict[Problem, str] = {
    Problem.ALCOHOL: "a",
    Problem.DRUGS: "d",
    Problem.COCAINE: "c",
    Problem.CANNABIS: "k",
    Problem.GAMBLING: "g",
    Problem.MEDICATION: "m",
    Problem.OTHER: "o",
    Problem.UNSURE: "u",
}
AIM_CODES: dict[bool, str] = {True: "t", False: "m"}  # for_them: a group for them / support for me
# Place ids (see catalogue.places) by prefix: "gn:123" <-> "g123", "pc:NL:3511" <-> "n3511".
PLACE_PREFIXES: dict[str, str] = {"gn:": "g", "pc:NL:": "n", "pc:BE:": "b"}

T = TypeVar("T")

_CLINIC_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FIELD = re.compile(r"[a-z][A-Za-z0-9-]{1,20}")


class PayloadTooLong(ValueError):
    """The preselection does not fit in Telegram's 64 characters (a clinic id too long)."""


@dataclass(frozen=True, slots=True)
class Preselection:
    """What a clinic's link fills in before the person answers anything.

    Any part may be None (not preselected). `relation` and `for_them` only
    go with `seeker` NAASTE (`for_them` True: a group for the person who
    uses, to pass on; False: support for the naaste). `place_id` is a
    `catalogue.places.Place` id; the dialogue checks it still exists before
    using it.
    """

    clinic_id: str
    seeker: Seeker | None = None
    relation: Relation | None = None
    problem: Problem | None = None
    place_id: str | None = None
    for_them: bool | None = None


def encode_payload(preselection: Preselection) -> str:
    """The ``/start`` payload for a preselection.

    Raises ValueError for what cannot be written (a clinic id with other
    characters than ``a-z 0-9 -``, a place that is not a town or postcode,
    a relation for ``self``) and `PayloadTooLong` past 64 characters.
    """
    if not _CLINIC_ID.fullmatch(preselection.clinic_id):
        raise ValueError(f"clinic id {preselection.clinic_id!r}: expected a-z, 0-9 and -")
    if preselection.seeker is Seeker.SELF and (
        preselection.relation is not None or preselection.for_them is not None
    ):
        raise ValueError("a relation or an aim goes only with seeker naaste")
    fields = [preselection.clinic_id]
    if preselection.seeker is not None:
        fields.append("s" + SEEKER_CODES[preselection.seeker])
    if preselection.relation is not None:
        fields.append("r" + RELATION_CODES[preselection.relation])
    if preselection.for_them is not None:
        fields.append("a" + AIM_CODES[preselection.for_them])
    if preselection.problem is not None:
        fields.append("p" + PROBLEM_CODES[preselection.problem])
    if preselection.place_id is not None:
        fields.append(_encode_place(preselection.place_id))
    payload = "_".join(fields)
    if len(payload) > MAX_PAYLOAD_LENGTH:
        raise PayloadTooLong(
            f"payload {payload!r} is {len(payload)} characters; Telegram allows "
            f"{MAX_PAYLOAD_LENGTH} (use a shorter clinic id)"
        )
    return payload


def _encode_place(place_id: str) -> str:
    for prefix, code in PLACE_PREFIXES.items():
        rest = place_id.removeprefix(prefix)
        if rest != place_id and rest.isascii() and rest.isdigit():
            return code + rest
    raise ValueError(f"place {place_id!r} cannot go into a link (only towns and postcodes)")


def decode_payload(text: str, catalogue: Catalogue) -> Preselection | None:
    """The preselection in a ``/start`` payload, or None if it is not a known clinic's.

    Never raises: any text a person could send after ``/start`` is fine.
    """
    if not text or len(text) > MAX_PAYLOAD_LENGTH:
        return None
    clinic_id, *fields = text.strip().split("_")
    if not _CLINIC_ID.fullmatch(clinic_id) or clinic_id not in catalogue.clinics:
        return None
    seeker = relation = problem = place_id = for_them = None
    for field in fields:
        if not _FIELD.fullmatch(field):
            continue
        key, value = field[0], field[1:]
        if key == "s":
            seeker = _decode(SEEKER_CODES, value)
        elif key == "r":
            relation = _decode(RELATION_CODES, value)
        elif key == "p":
            problem = _decode(PROBLEM_CODES, value)
        elif key == "a":
            for_them = _decode(AIM_CODES, value)
        elif value.isascii() and value.isdigit():
            prefix = next((p for p, code in PLACE_PREFIXES.items() if code == key), None)
            place_id = prefix + value if prefix else place_id
    if relation is not None or for_them is not None:
        if seeker is Seeker.SELF:
            relation = for_them = None
        else:
            seeker = Seeker.NAASTE
    return Preselection(clinic_id, seeker, relation, problem, place_id, for_them)


def _decode(codes: dict[T, str], value: str) -> T | None:
    return next((kind for kind, code in codes.items() if code == value), None)
