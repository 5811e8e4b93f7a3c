"""The bundled real meetings: the default catalogue, with their source and date on every page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from functools import cache

import pytest
from dialogkit import make_ctx

from catalogue.loading import REAL_COPIES_DIR, bundled_files, load_files
from catalogue.models import Catalogue
from catalogue.search import SearchIndex
from dialogs.results import meeting_screen

TODAY = date(2026, 11, 23)
COPY_DATE = date(2026, 7, 18)


@cache
def real() -> Catalogue:
    return load_files(bundled_files(samples=False), today=TODAY)


def test_without_demo_mode_the_default_is_the_real_copy_and_no_sample(monkeypatch):
    monkeypatch.delenv("ZELFHULPWIJZER_SAMPLES", raising=False)
    names = [path.name for path in bundled_files()]
    assert "meetings.yaml" not in names
    assert "fellow-finder-nl-2026-07-18.json" in names
    monkeypatch.setenv("ZELFHULPWIJZER_SAMPLES", "1")
    assert "meetings.yaml" in [path.name for path in bundled_files()]
    assert not any(path.parent == REAL_COPIES_DIR for path in bundled_files())


def test_aa_na_and_ca_in_the_netherlands_are_real():
    meetings = real().meetings.values()
    assert len(meetings) >= 930
    assert not any(m.source.sample for m in meetings)
    per_organisation = {
        oid: sum(m.organisation_id == oid for m in meetings) for oid in real().organisations
    }
    assert per_organisation["na"] >= 430 and per_organisation["aa"] >= 250
    assert per_organisation["ca"] >= 240


def test_each_meeting_keeps_its_source_official_link_and_the_copys_date():
    for meeting in real().meetings.values():
        assert meeting.source.as_of == COPY_DATE  # never the day it was loaded
        assert meeting.source.verified_on is None  # nobody checked it
        assert meeting.source.via.startswith("fellow-finder-data")
        assert meeting.url.startswith(meeting.source.url)  # its page on the fellowship's site
    na = real().meetings["na-na-meeting-zevenaar-zondag"]
    assert na.source.name == "NA Nederland (nanederland.nl)"
    assert na.url == "https://www.nanederland.nl/meetings/na-meeting-zevenaar-zondag/"


def test_the_copys_filled_in_90_minutes_are_end_not_given():
    meetings = list(real().meetings.values())
    assert not any(
        m.duration is not None and m.duration.total_seconds() == 90 * 60 for m in meetings
    )
    assert sum(m.end is None for m in meetings) >= 250


def test_the_meeting_page_says_the_date_of_the_data_and_links_the_official_page():
    catalogue = real()
    meeting = catalogue.meetings["na-na-meeting-zevenaar-zondag"]
    organisation = catalogue.organisations["na"]
    ctx = make_ctx(catalogue=catalogue, search=SearchIndex(catalogue))
    text = meeting_screen(meeting, organisation, ctx).text
    assert (
        "Gegevens van 18 juli 2026 (NA Nederland (nanederland.nl), via fellow-finder-data" in text
    )
    assert "kijk voor je gaat even op de officiële pagina: " + meeting.url in text
    assert "gecontroleerd" not in text and "voorbeeld" not in text
    english = meeting_screen(meeting, organisation, make_ctx("en", catalogue=catalogue)).text
    assert "Data as of 18 July 2026" in english and "check the official page" in english


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["stats", "--today", "2026-11-23"], "Meetings that still take place on 2026-11-23: 943"),
        (
            ["search", "--near", "Amsterdam", "--for", "self", "--problem", "drugs"],
            "data as of 2026-07-18 (NA Nederland (nanederland.nl))",
        ),
    ],
)
def test_the_command_line_shows_real_meetings_outside_demo_mode(tmp_path, args, says):
    env = {k: v for k, v in os.environ.items() if k != "ZELFHULPWIJZER_SAMPLES"}
    done = subprocess.run(
        [sys.executable, "-m", "catalogue", *args, "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert says in done.stdout
    assert "sample" not in done.stdout.replace("sample  ", "").replace(" sample", "")


def test_an_organisation_without_real_meetings_is_offered_itself():
    from catalogue.kinds import Problem, Relation, Seeker
    from catalogue.places import PlaceIndex
    from catalogue.search import Query
    from dialogs.results import show_results
    from dialogs.state import DialogState

    catalogue = real()
    ctx = make_ctx(catalogue=catalogue, search=SearchIndex(catalogue), now=make_ctx().now)
    utrecht = PlaceIndex.bundled().lookup("Utrecht").place
    query = Query(Seeker.NAASTE, Problem.ALCOHOL, Relation.PARTNER, utrecht)
    assert ctx.search.find(query, ctx.now).matches == ()  # no Al-Anon meetings in the copy
    state = DialogState(
        seeker=Seeker.NAASTE,
        relation=Relation.PARTNER,
        problem=Problem.ALCOHOL,
        place_id=utrecht.id,
    )
    _state, screen, _result = show_results(state, ctx)
    al_anon = catalogue.organisations["al-anon"]
    assert al_anon.website in screen.text
    assert al_anon.description.nl in screen.text  # what it is
    self_search = ctx.search.find(Query(Seeker.SELF, Problem.GAMBLING, None, utrecht), ctx.now)
    assert self_search.without_meetings  # gamblers' groups have no meetings in the copy


def test_a_record_of_a_copy_that_cannot_be_used_is_left_out_and_named(tmp_path):
    good = {
        "id": "NA:test",
        "program": "NA",
        "name": "NA Test",
        "day": 2,
        "time": "20:00",
        "endTime": "21:00",
        "timezone": "Europe/Amsterdam",
        "location": None,
        "address": "Oudegracht 1",
        "city": "Utrecht",
        "postalCode": "3511 AB",
        "lat": 52.09,
        "lng": 5.12,
        "types": ["O"],
        "lang": None,
        "isOnline": False,
        "conferenceUrl": None,
        "conferencePhone": None,
        "notes": None,
        "locationNotes": None,
        "url": "https://www.nanederland.nl/meetings/test/",
        "updated": "2026-07-13 17:56:45",
    }
    bad = {**good, "id": "NA:nowhere", "address": None, "city": None, "lat": None}
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps({"generated": "2026-07-18T05:34:48Z", "meetings": [good, bad]}))
    yaml_files = [p for p in bundled_files(samples=False) if p.suffix == ".yaml"]
    catalogue = load_files([*yaml_files, copy], today=TODAY)
    assert list(catalogue.meetings) == ["na-test"]
    assert catalogue.meetings["na-test"].source.as_of == COPY_DATE
    assert catalogue.left_out == (
        f"{copy}: record 2 'NA:nowhere': no address and no conference link or phone",
    )
