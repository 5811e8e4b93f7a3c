"""Random conversations: whatever arrives, in any order, the dialogue answers and never raises.

Each example is a sequence of up to 12 events drawn while the conversation
runs: a button from the screens just shown, a stale button from earlier, typed
text (places, problem words, crisis words, nonsense), locations (in and far
outside NL/BE), commands (with good and bad deep-link payloads), stickers and
voice messages. The state is stored as JSON and read back between turns, as
the bot does (a restart between any two turns changes nothing).
"""

from __future__ import annotations

import re

import pytest
from dialogkit import Chat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_locales import EXTRACTED

from dialogs import (
    ButtonPressed,
    Command,
    LocationShared,
    TextSent,
    Unsupported,
)

TEXTS = [
    "Utrecht",
    "3511",
    "Bergen",
    "Gent",
    "Utrceht",
    "online",
    "Xyzzyville",
    "alcohol",
    "gokken",
    "wiet",
    "ik weet het niet",
    "mijn zoon",
    "voor mezelf",
    "ja",
    "nee",
    "2",
    "meer",
    "herinner me",
    "ik wil niet meer leven",
    "terug",
    "vorige",
    "opnieuw",
    "stop",
    "Klopt",
    "Iets aanpassen",
    "mijn vrouw drinkt, we wonen in Den Bosch",
    "mijn vader drinkt heel veel en ik ben 15",
    "hi, my husband drinks too much",
    "is het religieus?",
    "moet ik dan zeggen dat ik alcoholist ben?",
    "ik weet echt niet wat ik hier moet typen eigenlijk",
    "😀",
    "",
    "a" * 500,
]
COMMANDS = [
    "start",
    "help",
    "privacy",
    "taal",
    "language",
    "opnieuw",
    "stop",
    "vergeet",
    "hulp",
    "herinneringen",
    "stats",
    "onbekend",
]
PAYLOADS = [
    "",
    "voorbeeldkliniek-utrecht_sn_ro_pd_g2745912",
    "voorbeeldkliniek-utrecht_ss",
    "rommel",
]
STALE = ["who:self", "res:open:0", "mt:cal", "rc:yes", "flt:done", "go:resume", "go:lang:en", "zz"]

# Whole Dutch sentences of ours that must never reach an English speaker untranslated.
DUTCH_SENTENCES = [
    m for m in EXTRACTED if isinstance(m, str) and len(m) > 30 and not re.search(r"\{", m)
]


def events(data: st.DataObject, chat: Chat):
    kind = data.draw(
        st.sampled_from(["button", "button", "button", "stale", "text", "loc", "cmd", "odd"])
    )
    if kind == "button" and chat.turns and chat.buttons:
        return ButtonPressed(data.draw(st.sampled_from(chat.buttons)).action)
    if kind == "stale":
        return ButtonPressed(data.draw(st.sampled_from(STALE)))
    if kind == "text":
        return TextSent(data.draw(st.sampled_from(TEXTS) | st.text(max_size=30)))
    if kind == "loc":
        lat = data.draw(st.floats(min_value=-90, max_value=90))
        lon = data.draw(st.floats(min_value=-180, max_value=180))
        return LocationShared(
            *data.draw(st.sampled_from([(lat, lon), (52.09, 5.12), (51.05, 3.72)]))
        )
    if kind == "cmd":
        name = data.draw(st.sampled_from(COMMANDS))
        return Command(name, data.draw(st.sampled_from(PAYLOADS)) if name == "start" else "")
    return Unsupported(data.draw(st.sampled_from(["sticker", "voice", "photo", "contact"])))


@pytest.mark.timeout(600)  # 2,000 conversations: about a minute on a busy 2-core machine
@settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), language=st.sampled_from(["nl", "en"]))
def test_any_sequence_of_events_gets_an_answer_in_the_persons_language(data, language):
    chat = Chat(language=language)
    for _ in range(data.draw(st.integers(min_value=1, max_value=12))):
        turn = chat.send(events(data, chat))  # Chat asserts a screen and a JSON round trip
        for screen in turn.screens:
            assert screen.text.strip()
            if chat.language == "en":
                untranslated = [s for s in DUTCH_SENTENCES if s in screen.text]
                assert not untranslated, untranslated
