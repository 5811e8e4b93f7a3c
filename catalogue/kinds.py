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
    NEWCOMERS = "newcomers"  # meant for people who are new
    DUAL_DIAGNOSIS = "dual_diagnosis"  # for people with an addiction and a mental illness
    RESTRICTED = "restricted"  # only for those the group names (e.g. a clinic's own patients)
    OPEN_DAY = "open_day"  # a day to walk in, look and ask, not a group meeting


class Attendance(StrEnum):
    """How a meeting can be attended."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class DangerKind(StrEnum):
    """A kind of danger a message can signal, most urgent first; helplines say which they serve.

    The danger detector (`dialogs.danger`) names the kinds it finds, the
    helplines file (`helplines.yaml`, field `serves`) which lines answer them.
    """

    ACUTE = "acute"
    """Happening now: an overdose just taken, someone unconscious or not breathing,
    violence going on, about to act."""
    SUICIDAL = "suicidal"
    """Suicidal thoughts, self-harm, despair, feeling a burden."""
    VIOLENCE = "violence"
    """Violence or abuse at home, also of children and elders."""
    CHILD = "child"
    """The writer is a child or teenager in distress."""

    @property
    def urgency(self) -> int:
        """0 for the most urgent kind; sort by it."""
        return list(DangerKind).index(self)


class Country(StrEnum):
    """The countries the catalogue covers, as ISO 3166 codes."""

    NL = "NL"
    BE = "BE"

    @property
    def timezone(self) -> str:
        """The IANA zone a meeting in this country is held in, unless it says otherwise."""
        return {"NL": "Europe/Amsterdam", "BE": "Europe/Brussels"}[self.value]


class Gender(StrEnum):
    """The writer's gender, only as they said it ("ik ben een vrouw", "als vader"); never asked."""

    WOMAN = "woman"
    MAN = "man"


class AgeBand(StrEnum):
    """The writer's age as the least the ranking needs: under 18, under 35, or older.

    Only the band is kept, never the number the person typed::

        assert AgeBand.of(15) is AgeBand.UNDER_18
        assert AgeBand.of(24) is AgeBand.UNDER_35
        assert AgeBand.of(35) is AgeBand.OLDER
    """

    UNDER_18 = "under_18"  # a teenager: Alateen, youth groups, the Kindertelefoon
    UNDER_35 = "under_35"  # AA's and NA's youth groups are for people under 35
    OLDER = "older"

    @classmethod
    def of(cls, age: int) -> AgeBand:
        if age < 18:
            return cls.UNDER_18
        return cls.UNDER_35 if age < 35 else cls.OLDER

    @property
    def is_young(self) -> bool:
        """Youth groups are for them."""
        return self is not AgeBand.OLDER
