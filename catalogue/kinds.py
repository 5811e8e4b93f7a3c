"""The small vocabularies of the domain, as string enums.

The values are the words used in the data files, in deep links and in
callback data, so they are short, lowercase, ASCII and stable: renaming a
value breaks stored conversations and printed QR posters.
"""

from __future__ import annotations

from enum import StrEnum


class Seeker(StrEnum):
    """Who the search is for: the person themselves, or a naaste (relative/friend)."""

    SELF = "self"
    NAASTE = "naaste"


class Relation(StrEnum):
    """How a naaste is related to the person with the addiction.

    Read as "I am the ... of someone who uses": `PARENT` is a mother or father,
    `TEEN_CHILD` a teenager whose parent drinks or uses.
    """

    PARTNER = "partner"
    PARENT = "parent"
    TEEN_CHILD = "teen_child"
    ADULT_CHILD = "adult_child"
    FAMILY_FRIEND = "family_friend"


class Problem(StrEnum):
    """What the addiction is about, as a person would name it.

    `OTHER` is "something else, or several" (compulsive living in general);
    `UNSURE` is "I don't know": both lead to groups open to any addiction.
    """

    ALCOHOL = "alcohol"
    DRUGS = "drugs"
    COCAINE = "cocaine"
    CANNABIS = "cannabis"
    GAMBLING = "gambling"
    MEDICATION = "medication"
    OTHER = "other"
    UNSURE = "unsure"


class Attribute(StrEnum):
    """What a meeting is like, beyond its time and place; used as search filters.

    `OPEN`: anyone interested may come; `CLOSED`: only people who want to
    stop themselves. `NEWCOMERS`: meant for beginners. `RESTRICTED`: the
    venue limits who may enter (a clinic, a prison).
    The language a meeting is held in is no attribute: see `Meeting.languages`.
    """

    OPEN = "open"
    CLOSED = "closed"
    WOMEN = "women"
    MEN = "men"
    YOUTH = "youth"
    LGBTQ = "lgbtq"
    WHEELCHAIR = "wheelchair"
    NEWCOMERS = "newcomers"
    RESTRICTED = "restricted"


class Attendance(StrEnum):
    """How a meeting can be attended."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class Country(StrEnum):
    """The countries the catalogue covers, as ISO 3166 codes."""

    NL = "NL"
    BE = "BE"

    @property
    def timezone(self) -> str:
        """The IANA zone a meeting in this country is held in, unless it says otherwise."""
        return {"NL": "Europe/Amsterdam", "BE": "Europe/Brussels"}[self.value]
