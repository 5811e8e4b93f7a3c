"""A clinic's deep link: ``https://t.me/<bot>?start=<payload>``.

The payload itself (what it holds, how it is packed into Telegram's 64
characters of ``A-Z a-z 0-9 _ -``) belongs to the dialogue, which reads it
back: `dialogs.deeplink`. This module turns what an operator typed
(a clinic id, ``--for naaste``, ``--near Zwolle``) into a checked
`Preselection` and a link, and says exactly what to fix when it cannot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from catalogue.kinds import Problem, Relation, Seeker
from catalogue.models import Catalogue, Clinic
from catalogue.places import Place, PlaceIndex
from dialogs.deeplink import Preselection, decode_payload, encode_payload

__all__ = [
    "LinkError",
    "LinkRequest",
    "bot_username",
    "clinic_link",
    "describe_place",
    "find_clinic",
    "find_place",
    "preselection_for",
]

BOT_USERNAME_ENV = "BOT_USERNAME"
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


class LinkError(ValueError):
    """The operator asked for a link that cannot be made; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """What the operator asked for, as typed (before checking against the catalogue)."""

    clinic_id: str
    seeker: Seeker | None = None
    relation: Relation | None = None
    problem: Problem | None = None
    near: str | None = None
    for_them: bool | None = None


def find_clinic(catalogue: Catalogue, clinic_id: str) -> Clinic:
    """The clinic with this id, or a `LinkError` listing the known ids."""
    clinic = catalogue.clinics.get(clinic_id)
    if clinic is None:
        known = ", ".join(sorted(catalogue.clinics)) or "(none: add clinics to clinics.yaml)"
        raise LinkError(f"unknown clinic {clinic_id!r}; known clinics: {known}")
    return clinic


def find_place(places: PlaceIndex, text: str) -> Place:
    """The one place `text` names (or its id, e.g. ``gn:2759154``), else a `LinkError`.

    The error lists the choices (same name in several provinces) or suggestions.
    """
    if (by_id := places.get(text.strip())) is not None:
        return by_id
    found = places.lookup(text)
    if found.place is not None:
        return found.place
    if found.choices:
        listed = "; ".join(describe_place(place) for place in found.choices)
        raise LinkError(
            f"--near {text!r} is ambiguous; pass one of these ids (or a postcode) instead: {listed}"
        )
    hint = ""
    if found.suggestions:
        hint = "; did you mean: " + ", ".join(describe_place(place) for place in found.suggestions)
    raise LinkError(f"--near {text!r}: no such place in the Netherlands or Flanders{hint}")


def describe_place(place: Place) -> str:
    """A place as an operator can recognise and choose it: name, province, country and id."""
    return f"{place.name} ({place.province}, {place.country.value}) [{place.id}]"


def preselection_for(
    request: LinkRequest, catalogue: Catalogue, places: PlaceIndex | None = None
) -> Preselection:
    """Check the request against the catalogue and turn it into a `Preselection`.

    A relation or an aim implies ``--for naaste``; with ``--for self`` it is an error.
    """
    find_clinic(catalogue, request.clinic_id)
    seeker = request.seeker
    for option, given in (("--relation", request.relation), ("--aim", request.for_them)):
        if given is None:
            continue
        if seeker is Seeker.SELF:
            raise LinkError(f"{option} is for a naaste; leave out --for self or {option}")
        seeker = Seeker.NAASTE
    place_id = None
    if request.near is not None and request.near.strip():
        place_id = find_place(places or PlaceIndex.bundled(), request.near).id
    return Preselection(
        clinic_id=request.clinic_id,
        seeker=seeker,
        relation=request.relation,
        problem=request.problem,
        place_id=place_id,
        for_them=request.for_them,
    )


def bot_username(option: str | None, environ: Mapping[str, str]) -> str:
    """The bot's username from ``--bot-username`` or `BOT_USERNAME` (a leading @ is dropped)."""
    raw = (option or environ.get(BOT_USERNAME_ENV) or "").strip().removeprefix("@")
    if not raw:
        raise LinkError(
            "the bot's username is needed for t.me links: pass --bot-username NAME "
            f"or set {BOT_USERNAME_ENV}"
        )
    if not _USERNAME.fullmatch(raw):
        raise LinkError(
            f"{raw!r} is not a Telegram bot username (5-32 letters, digits and _, "
            "starting with a letter)"
        )
    return raw


def clinic_link(username: str, preselection: Preselection, catalogue: Catalogue) -> str:
    """The ``t.me`` link; checks that the payload fits Telegram and reads back the same."""
    payload = encode_payload(preselection)
    if not _PAYLOAD.fullmatch(payload):
        raise LinkError(
            f"the payload {payload!r} does not fit Telegram's limit "
            "(1-64 characters of A-Z, a-z, 0-9, _ and -): use a shorter clinic id"
        )
    if decode_payload(payload, catalogue) != preselection:
        raise LinkError(f"the payload {payload!r} does not read back as asked; please report this")
    return f"https://t.me/{username}?start={payload}"
