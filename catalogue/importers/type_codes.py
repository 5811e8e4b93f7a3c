"""Meeting type codes, read against the list of the fellowship that wrote them.

Rules of this module:

- The same letter means different things in different lists: Meeting Guide's
  ``B`` is Big Book, ``T`` transgender and ``Y`` young people; Al-Anon's ``Y``
  is Alateen and its ``C`` "families and friends only". So codes are only
  read against the organisation's own list (`CODE_LISTS`, by organisation id).
- A code the list does not know is kept in the import report and ignored,
  never guessed at. A code the list knows but the catalogue has no use for
  (Discussion, Speaker, a region) is ignored quietly.
- Languages are ISO 639-1 codes; a meeting keeps every language its codes
  name, in the feed's order.

Sources of the lists: Meeting Guide's `data/types.json` (code4recovery/spec),
plus ``ONL`` (online) and ``NL`` (Dutch) of the 12 Step Meeting List as used
by aa-nederland.nl and ca-holland.nl; NA Nederland's codes, which are
BMLT's standard world ids (``BEG``, ``BT``, ``Y`` young people, ``RA``
restricted attendance ...) plus its own ``ENG``, ``LGBT``, ``FAR``, ``RUS``,
``PO`` and region codes ``RG..`` (the language codes were read against the
meetings' names in the fellow-finder copy of 2026-07-18: ``PO`` are Polish
meetings, ``FAR`` Farsi). In that copy ``B`` of AA and CA names Big Book
studies, as in Meeting Guide's list: it is no newcomer flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from catalogue.kinds import Attribute


class Flag(Enum):
    """What a code says about how to attend, rather than what the meeting is like."""

    ONLINE = "online"
    TEMPORARILY_CLOSED = "temporarily closed"
    KNOWN = "known, not used"


Meaning = Attribute | Flag | str  # a str is a language code


@dataclass(frozen=True, slots=True)
class TypeReading:
    """What a record's codes say: attributes, languages, flags, and codes nobody knows."""

    attributes: frozenset[Attribute]
    languages: tuple[str, ...]
    flags: frozenset[Flag]
    unknown: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CodeList:
    """One fellowship's type codes; `known_prefixes` covers families such as NA's RG regions."""

    name: str
    meanings: Mapping[str, Meaning]
    known_prefixes: tuple[str, ...] = ()

    def read(self, codes: Iterable[str]) -> TypeReading:
        attributes: set[Attribute] = set()
        languages: list[str] = []
        flags: set[Flag] = set()
        unknown: list[str] = []
        for code in codes:
            meaning = self.meanings.get(code.upper())
            if meaning is None:
                if not code.upper().startswith(self.known_prefixes or ("\0",)):
                    unknown.append(code)
            elif isinstance(meaning, Attribute):
                attributes.add(meaning)
            elif isinstance(meaning, Flag):
                flags.add(meaning)
            elif meaning not in languages:
                languages.append(meaning)
        return TypeReading(
            frozenset(attributes), tuple(languages), frozenset(flags), tuple(unknown)
        )


def _known(*codes: str) -> dict[str, Meaning]:
    return dict.fromkeys(codes, Flag.KNOWN)


#: Meeting Guide's languages (data/types.json), with TSML's NL.
_MEETING_GUIDE_LANGUAGES: dict[str, Meaning] = {
    "AM": "am",
    "DA": "da",
    "DE": "de",
    "EL": "el",
    "EN": "en",
    "FA": "fa",
    "FR": "fr",
    "HE": "he",
    "HI": "hi",
    "HR": "hr",
    "HU": "hu",
    "ITA": "it",
    "JA": "ja",
    "KOR": "ko",
    "LT": "lt",
    "ML": "ml",
    "NL": "nl",
    "NO": "no",
    "POL": "pl",
    "POR": "pt",
    "PUN": "pa",
    "RUS": "ru",
    "S": "es",
    "SK": "sk",
    "SV": "sv",
    "TH": "th",
    "TL": "tl",
    "UK": "uk",
}

MEETING_GUIDE = CodeList(
    "Meeting Guide (AA)",
    {
        **_MEETING_GUIDE_LANGUAGES,
        "O": Attribute.OPEN,
        "C": Attribute.CLOSED,
        "W": Attribute.WOMEN,
        "M": Attribute.MEN,
        "Y": Attribute.YOUTH,
        "BE": Attribute.NEWCOMERS,
        "X": Attribute.WHEELCHAIR,
        "LGBTQ": Attribute.LGBTQ,
        "G": Attribute.LGBTQ,
        "L": Attribute.LGBTQ,
        "T": Attribute.LGBTQ,
        "BI": Attribute.LGBTQ,
        "NB": Attribute.LGBTQ,
        "ONL": Flag.ONLINE,
        "TC": Flag.TEMPORARILY_CLOSED,
        **_known(
            "11",
            "12X12",
            "A",
            "ABSI",
            "AL",
            "AL-AN",
            "ASL",
            "B",
            "BA",
            "BRK",
            "CAN",
            "CF",
            "D",
            "DB",
            "DD",
            "DR",
            "FF",
            "GR",
            "H",
            "LIT",
            "LS",
            "MED",
            "N",
            "NDG",
            "OUT",
            "P",
            "POC",
            "SEN",
            "SM",
            "SP",
            "ST",
            "TR",
            "XB",
            "XT",
            "TPC",
        ),
    },
    known_prefixes=("RG",),  # aa-nederland.nl's regions (RGM, RGNW, RGZ ...)
)

NA_NEDERLAND = CodeList(
    "NA Nederland",
    {
        "O": Attribute.OPEN,
        "C": Attribute.CLOSED,
        "W": Attribute.WOMEN,
        "M": Attribute.MEN,
        "Y": Attribute.YOUTH,
        "BEG": Attribute.NEWCOMERS,
        "X": Attribute.WHEELCHAIR,
        "LGBT": Attribute.LGBTQ,
        "RA": Attribute.RESTRICTED,
        "ENG": "en",
        "NL": "nl",
        "FAR": "fa",
        "RUS": "ru",
        "PO": "pl",
        # NA Nederland's only meeting with SP is "Solo por Hoy / Spaanse meeting" (copy of
        # 18 July 2026): Spanish, not Meeting Guide's speaker meeting (NA writes SPK).
        "SP": "es",
        "ONL": Flag.ONLINE,
        "TC": Flag.TEMPORARILY_CLOSED,
        **_known(
            "BT",
            "CAN",
            "CPT",
            "CW",
            "DISC",
            "IP",
            "IW",
            "JFT",
            "JFTN",
            "LC",
            "LIT",
            "MED",
            "NEEN",
            "QA",
            "SPAD",
            "SPK",
            "STEP",
            "SWG",
            "TOP",
            "TRAD",
            "VAR",
        ),
    },
    known_prefixes=("RG",),
)

CA_HOLLAND = CodeList(
    "CA Holland (12 Step Meeting List)",
    {**MEETING_GUIDE.meanings},
)

#: ACA's T and Y are not Meeting Guide's transgender and young people: ignored, never misread.
ACA = CodeList(
    "ACA",
    {"O": Attribute.OPEN, "C": Attribute.CLOSED, "ONL": Flag.ONLINE, **_known("T", "Y")},
)

#: Al-Anon's Y is an Alateen meeting; its C means families and friends only, which is not
#: the catalogue's "closed" (only for people who want to stop themselves).
AL_ANON = CodeList(
    "Al-Anon",
    {"O": Attribute.OPEN, "Y": Attribute.YOUTH, "ONL": Flag.ONLINE, **_known("C")},
)

#: The list to read an organisation's codes against; others get only what every list agrees on.
CODE_LISTS: Mapping[str, CodeList] = {
    "aa": MEETING_GUIDE,
    "aa-vlaanderen": MEETING_GUIDE,
    "na": NA_NEDERLAND,
    "ca": CA_HOLLAND,
    "aca": ACA,
    "al-anon": AL_ANON,
    "alateen": AL_ANON,
}

COMMON = CodeList("common", {"O": Attribute.OPEN, "ONL": Flag.ONLINE})


def code_list(organisation_id: str) -> CodeList:
    """The organisation's own list, else the codes every list means the same by."""
    return CODE_LISTS.get(organisation_id, COMMON)
