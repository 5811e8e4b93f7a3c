"""The dialogue's small parts: formatting, state storage, the calendar file, word lists."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from dialogkit import NOW, catalogue
from icalendar import Calendar

from catalogue.kinds import Problem, Relation, Seeker
from catalogue.places import PlaceIndex
from dialogs import DialogState, Step, state_from_json, state_to_json
from dialogs.calendar import meeting_ics
from dialogs.formatting import distance, meeting_time
from dialogs.reader import read
from dialogs.words import normalise

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "dinsdag 24 november, 19:30"), ("en", "Tuesday 24 November, 19:30")],
)
def test_a_meeting_time_reads_as_a_person_says_it(language, expected):
    at = datetime(2026, 11, 24, 19, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert meeting_time(at, language) == expected


def test_a_meeting_time_stays_in_the_meetings_own_zone():
    at = datetime(2026, 7, 7, 20, 0, tzinfo=BRUSSELS)
    assert meeting_time(at, "nl") == "dinsdag 7 juli, 20:00"


@pytest.mark.parametrize(
    ("km", "language", "expected"),
    [(3.24, "nl", "3,2 km"), (3.24, "en", "3.2 km"), (0.6, "nl", "0,6 km"), (12.4, "nl", "12 km")],
)
def test_distances(km, language, expected):
    assert distance(km, language) == expected


def test_state_round_trips_through_json():
    state = DialogState(
        step=Step.REMIND_CONFIRM,
        seeker=Seeker.NAASTE,
        relation=Relation.TEEN_CHILD,
        for_them=True,
        problem=Problem.GAMBLING,
        place_id="pc:BE:9000",
        weekday=2,
        women=True,
        offset=5,
        shown=("a", "b"),
        meeting_id="a",
        remind_offsets=(1440, 120),
        remind_weekly=True,
        clinic_id="voorbeeldkliniek-utrecht",
    )
    assert state_from_json(state_to_json(state)) == state


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "not json",
        "[]",
        '{"step": "who"}',  # no version: from before versions
        '{"v": 99, "step": "who"}',
        '{"v": 1, "step": "gone-step"}',
        '{"v": 1, "problem": "chocolate"}',
        '{"v": 1, "weekday": 9}',
        '{"v": 1, "shown": "abc"}',
        '{"v": 1, "name": "Jan"}',  # a field we never keep
        '{"v": 1, "offset": -5}',
        '{"v": 1, "remind_offsets": [1, "x"]}',
    ],
)
def test_unreadable_or_outdated_state_gives_a_fresh_one(stored):
    assert state_from_json(stored) == DialogState()


def test_a_version_1_state_reads_on_where_it_was():
    """Before the summary and "Terug": an aim was a plain bool, and a search was never confirmed."""
    at_results = '{"v": 1, "step": "res", "seeker": "naaste", "relation": "partner", '
    at_results += '"for_them": false, "problem": "alcohol", "place_id": "gn:2745912"}'
    state = state_from_json(at_results)
    assert (state.step, state.for_them, state.confirmed) == (Step.RESULTS, False, True)
    at_aim = state_from_json('{"v": 1, "step": "aim", "seeker": "naaste", "for_them": false}')
    assert (at_aim.step, at_aim.for_them, at_aim.confirmed) == (Step.AIM, None, False)


def test_the_history_for_terug_is_stored_and_bounded():
    state = DialogState(step=Step.WHERE, history=(Step.WHO, Step.PROBLEM))
    assert state_from_json(state_to_json(state)) == state
    too_long = json.loads(state_to_json(state)) | {"history": ["who"] * 9}
    assert state_from_json(json.dumps(too_long)) == DialogState()


def test_a_stored_state_holds_no_words_of_the_person():
    state = DialogState(step=Step.RESULTS, seeker=Seeker.SELF, problem=Problem.ALCOHOL)
    data = json.loads(state_to_json(state))
    assert all(isinstance(v, (str, int, bool, list, type(None))) for v in data.values())


def test_the_calendar_file_carries_the_rule_the_exceptions_and_the_end():
    meeting = catalogue().meetings["aa-utrecht-dinsdag"]
    meeting = replace(
        meeting,
        cancelled_on=frozenset({date(2026, 12, 29)}),
        ends_on=date(2027, 6, 29),
    )
    organisation = catalogue().organisations["aa"]
    first_at = datetime(2026, 11, 24, 19, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    ics = meeting_ics(meeting, organisation, first_at, NOW, "AA: x", "welkom")
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    assert calendar.walk("VTIMEZONE")  # the zone travels along
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["UNTIL"][0].date() == date(2027, 6, 29)
    exdates = (
        [d.dt for d in event["EXDATE"].dts]
        if not isinstance(event["EXDATE"], list)
        else [d.dt for e in event["EXDATE"] for d in e.dts]
    )
    assert exdates == [datetime(2026, 12, 29, 19, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))]
    assert event.decoded("DTEND") - event.decoded("DTSTART") == meeting.duration
    assert event["UID"] == "aa-utrecht-dinsdag@zelfhulpwijzer"


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Cocaïne!", "cocaine"),
        ("  Ik   WIL  ", "ik wil"),
        ("don't", "dont"),
        ("Sint-Niklaas", "sint niklaas"),
    ],
)
def test_normalise(text, normalised):
    assert normalise(text) == normalised


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("mijn zoon", Relation.PARENT),
        ("Ik ben moeder", Relation.PARENT),
        ("mijn vader drinkt", Relation.ADULT_CHILD),
        ("mijn moeder, ik ben een tiener", Relation.TEEN_CHILD),
        ("mijn man", Relation.PARTNER),
        ("my husband", Relation.PARTNER),
        ("een vriend", Relation.FAMILY_FRIEND),
        ("geen idee", None),
    ],
)
def test_relation_words(text, relation):
    assert read(text, PlaceIndex.bundled()).relation is relation
