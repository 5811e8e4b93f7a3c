"""Messages from the fresh danger batches, typed into the dialogue: the right number comes first.

Each message below was missed by the rules when its batch was first measured
(`tests/corpora/danger.tsv`, batches 10 to 13): a poison, a toddler with pills, a
gas tap, belongings given away, someone locked in, a child who is hungry. Typed
at the first question, it must get its kind's number in the first line, for the
Netherlands and for Flanders, and leave the question where it was; the
look-alikes from the same batches must not get the safety screen at all.
"""

from __future__ import annotations

import pytest
from dialogkit import Chat

from catalogue.kinds import Country

FIRST_LINE = {
    Country.NL: {
        "acute": "Bel nu 112.",
        "suicidal": "Praat erover met 113 Zelfmoordpreventie: bel 113 of 0800-0113.",
        "violence": "Bel Veilig Thuis: 0800-2000.",
        "child": "Bel De Kindertelefoon: 0800-0432.",
    },
    Country.BE: {
        "acute": "Bel nu 112.",
        "suicidal": "Praat erover met Zelfmoordlijn 1813 (België): bel 1813.",
        "violence": "Bel 1712 (België): 1712.",
        "child": "Bel Awel (België): 102.",
    },
}

MESSAGES = {
    "acute": [
        "ik heb bleekmiddel gedronken",
        "mijn peuter heeft pillen uit mijn tas gepakt en opgegeten",
        "my wife mixed her xanax with wine and i can barely wake her",
        "mijn vriend is dronken het kanaal in gesprongen en ik zie hem niet meer",
        "mn vader heeft de gaskraan open gezet en de deuren dicht gedaan",
        "ik word nu verkracht help",
        "ik ben 10 en mijn papa valt steeds om en bloedt",
    ],
    "suicidal": [
        "ik heb mijn spullen weggegeven",
        "ik hoop dat ik een ongeluk krijg",
        "k heb er gene zin meer in, in niks, ook ni in leven",
        "mijn vriendin zegt dat ze niet meer verder wil",
    ],
    "violence": [
        "my husband locks me in the bedroom when hes drunk",
        "ze houdt me opgesloten in huis en pakt mijn telefoon af",
        "ik heb blauwe plekken van mijn vriend maar ik hou van hem",
    ],
    "child": [
        "ik ben 9 en mama slaapt altijd en ik heb honger",
        "wij zijn met 3 kinderen, ik ben de oudste (14) en papa is altijd zat",
        "k zijn 13 en mijne pa zuipt heel den dag en ik weet ni waar ik heen moet",
    ],
}

LOOK_ALIKES = [
    "ik heb een touw gekocht voor de boot",
    "ik sta op het perron, de trein naar Zwolle heeft vertraging",
    "de pillen liggen klaar voor morgen, zoals de apotheek zei",
    "ik zie het niet zitten om in een groep te praten",
    "mijn moeder is dood, ik wil een groep voor rouw en drank",
]


@pytest.mark.parametrize("country", list(Country))
@pytest.mark.parametrize(
    ("kind", "message"), [(kind, m) for kind, texts in MESSAGES.items() for m in texts]
)
def test_the_first_line_holds_the_number_for_the_kind_and_country(kind, message, country):
    chat = Chat(country=country)
    chat.start()
    before = chat.state
    chat.type(message)
    assert chat.text.splitlines()[0] == FIRST_LINE[country][kind], message
    assert chat.state == before


@pytest.mark.parametrize("message", LOOK_ALIKES)
def test_a_look_alike_gets_no_safety_screen(message):
    chat = Chat()
    chat.start()
    chat.type(message)
    assert "geen hulpdienst" not in chat.text
    assert not any(
        chat.text.startswith(line) for lines in FIRST_LINE.values() for line in lines.values()
    )
