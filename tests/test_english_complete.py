"""Every English screen of a walk through the whole dialogue holds no Dutch.

The walk presses every button on every screen it reaches (breadth first, from
/start, with a few typed answers where a question wants text), and sends every
command, until no new screen turns up or the budget is spent. Each screen's
text, minus the proper names that come from the data (meeting names, addresses,
places), is scanned for Dutch words that English does not use.
"""

from __future__ import annotations

import re
from collections import deque
from datetime import timedelta

from dialogkit import NOW, catalogue, make_ctx

from catalogue.models import Catalogue
from dialogs import (
    COMMAND_ALIASES,
    ButtonPressed,
    Command,
    DialogState,
    Event,
    ReminderView,
    Screen,
    Step,
    TextSent,
    advance,
    state_from_json,
    state_to_json,
)
from dialogs.checkin import checkin_message
from dialogs.reminder_messages import notice_message, reminder_message

_DUTCH = """
    je jij jou jouw jezelf het een niet voor bij naar ik mij mijn wat waar wanneer zijn ook
    maar deze dit dat met geen alleen nog wordt worden kun kunt kan heb hebt wil wilt
    kies keer uit hier daar dan als wij jullie ze zij hun er om tot
    bijeenkomst bijeenkomsten groep groepen herinnering herinneringen gecontroleerd
    voorbeeld verzonnen welkom gratis avond vandaag vanavond morgen volgende
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
    januari februari maart mei juni juli augustus oktober
    besloten iedereen aangaat zelfhulpgroep hulplijnen verslaving naaste
    opnieuw vergeet hulp taal terug verder stoppen wissen bewaar
"""
DUTCH_WORDS = frozenset(_DUTCH.split())
"""Words of Dutch that an English sentence does not hold (names from the data aside)."""

ENGLISH_SENTENCE = re.compile(r"[A-Za-z]")


def proper_names(data: Catalogue | None = None) -> list[str]:
    """Names that stay as they are in English: meetings, venues, places, Dutch org names
    (of `data`, by default the sample catalogue)."""
    names: set[str] = set()
    data = data or catalogue()
    for meeting in data.meetings.values():
        names.add(meeting.name)
        if meeting.venue is not None:
            names.update({meeting.venue.address, meeting.venue.city, meeting.venue.postcode})
        if meeting.online is not None:
            names.update(v for v in (meeting.online.url, meeting.online.phone) if v)
    for organisation in data.organisations.values():
        names.add(organisation.short_name)
        if organisation.name_en:  # its Dutch name may stand in brackets in the English one
            names.add(organisation.name_en)
        names.update(w for w in (organisation.website, organisation.email) if w)
    for helpline in data.helplines.values():
        if helpline.url:
            names.add(helpline.url)
    names.update({"Nederlands", "Aken (Duitsland)", "Lauwersoog", "Schiermonnikoog"})
    return sorted(names, key=len, reverse=True)


def dutch_in(text: str, names: list[str]) -> list[str]:
    for name in names:
        text = text.replace(name, " ")
    text = re.sub(r"https?://\S+", " ", text)
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    return [w for w in words if w in DUTCH_WORDS]


def typed_answers(step: Step) -> tuple[str, ...]:
    """What a person might type where a question wants words."""
    return {
        Step.WHERE: ("Utrecht", "Vaals", "online", "Schiermonnikoog", "Bergen", "Amstrdm"),
        Step.RESULTS: ("2", "more"),
    }.get(step, ())


def walk(language: str, budget: int = 1500) -> list[tuple[str, Screen]]:
    """(how it was reached, screen) for every screen of a breadth-first walk."""
    ctx = make_ctx(
        language,
        reminders=(ReminderView("1", "aa-utrecht-dinsdag", (120,), True, NOW + timedelta(days=1)),),
    )
    seen_states: set[str] = set()
    screens: list[tuple[str, Screen]] = []
    queue: deque[tuple[str, DialogState, Event]] = deque(
        [("/start", DialogState(), Command("start"))]
    )
    queue.extend((f"/{name}", DialogState(), Command(name)) for name in COMMAND_ALIASES)
    turns = 0
    while queue and turns < budget:
        path, state, event = queue.popleft()
        turn = advance(state, event, ctx)
        turns += 1
        screens.extend((path, s) for s in turn.screens)
        stored = state_to_json(turn.state)
        buttons = [b for s in turn.screens for row in s.buttons for b in row]
        key = stored + "|" + "|".join(b.action for b in buttons)
        if key in seen_states:
            continue
        seen_states.add(key)
        new_state = state_from_json(stored)
        for button in buttons:
            if ":lang:" in f":{button.action}":  # the walk stays in this language
                continue
            queue.append((f"{path} > [{button.label}]", new_state, ButtonPressed(button.action)))
        for text in typed_answers(new_state.step):
            queue.append((f"{path} > '{text}'", new_state, TextSent(text)))
    return screens


def test_every_english_screen_of_the_whole_dialogue_holds_no_dutch():
    names = proper_names()
    screens = walk("en")
    assert len(screens) > 300  # the walk reached the whole dialogue
    texts = {s.text for _path, s in screens}
    assert any("Tuesday" in t for t in texts) and any("first time" in t for t in texts)
    found = {}
    for path, screen in screens:
        labels = " ".join(b.label for row in screen.buttons for b in row)
        words = dutch_in(screen.text + "\n" + labels, names)
        if words:
            found.setdefault(tuple(sorted(set(words))), (path, screen.text))
    assert not found, "\n\n".join(
        f"{words}\n  reached by {path}\n  {text!r}" for words, (path, text) in found.items()
    )


def test_the_dutch_walk_is_caught_by_the_same_scan():
    """The scan is not blind: the same walk in Dutch finds Dutch everywhere."""
    names = proper_names()
    screens = walk("nl", budget=50)
    assert all(dutch_in(s.text, names) for _path, s in screens if len(s.text) > 40)


def test_messages_the_bot_sends_on_its_own_are_english_too():
    names = proper_names()
    meeting = catalogue().meetings["aa-utrecht-dinsdag"]
    at = NOW + timedelta(days=1, hours=7, minutes=30)
    messages = [
        reminder_message(meeting, "AA", at, 1, 1, "en", NOW),
        checkin_message(meeting, at, "en"),
        notice_message(catalogue(), meeting.id, f"cancelled:{at.isoformat()}", "en", NOW),
        notice_message(catalogue(), meeting.id, "stopped", "en", NOW),
    ]
    for message in messages:
        labels = " ".join(b.label for row in message.buttons for b in row)
        assert not dutch_in(message.text + " " + labels, names), message.text


def test_english_help_lists_the_english_commands_and_each_one_works():
    ctx = make_ctx("en")
    help_text = advance(DialogState(), Command("help"), ctx).screens[0].text
    commands = re.findall(r"^(/[a-z]+):", help_text, re.M)
    assert {"/restart", "/language", "/reminders", "/helplines", "/forget"} <= set(commands)
    assert not {"/opnieuw", "/taal", "/herinneringen", "/hulp", "/vergeet"} & set(commands)
    for command in commands:
        assert command[1:] in COMMAND_ALIASES
