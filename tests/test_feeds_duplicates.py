"""One meeting, one entry: the bundled copy and a feed, or two overlapping feeds, list a
meeting once, from the fresher source, and the import report says what it merged."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from feedserver import FeedServer

from catalogue.feeds import Feed, Limits, read_health, refresh_feed
from catalogue.importers import import_feed
from catalogue.loading import load_catalogue

DAY1 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def record(slug: str, name: str, *, address: str = "Oudegracht 245", time: str = "19:30"):
    """The bundled sample meeting aa-utrecht-dinsdag (Tuesdays 19:30) as a feed writes it."""
    return {
        "name": name,
        "slug": slug,
        "day": 2,
        "time": time,
        "address": address,
        "city": "Utrecht",
        "postal_code": "3511nr",
        "country": "NL",
    }


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def refresh(server, tmp_path, name: str, records: list[dict], now: datetime):
    server.route(f"/{name}.json", json.dumps(records))
    feed = Feed(name=name, url=server.url(f"/{name}.json"), format="meeting-guide")
    return refresh_feed(feed, tmp_path, now=now, limits=Limits(tries=1))


def test_a_feed_and_the_bundled_copy_show_the_meeting_once_from_the_feed(tmp_path, server):
    result = refresh(server, tmp_path, "aa-nl", [record("dinsdag", "Dinsdaggroep")], DAY2)
    meetings = load_catalogue(tmp_path, today=DAY2.date()).meetings
    assert "aa-utrecht-dinsdag" not in meetings  # the bundled sample
    assert meetings["aa-nl-dinsdag"].name == "Dinsdaggroep"
    tuesdays = [
        m for m in meetings.values()
        if m.venue and m.venue.address == "Oudegracht 245" and m.rrule.endswith("TU")
    ]  # fmt: skip
    assert [m.name for m in tuesdays] == ["Dinsdaggroep"]
    expected = "aa-utrecht-dinsdag is the same meeting as aa-nl-dinsdag (kept: fresher)"
    assert [str(m) for m in result.report.merged] == [expected]
    assert read_health(tmp_path)["aa-nl"].merged == (expected,)


def test_two_overlapping_feeds_list_a_meeting_once_from_the_fresher(tmp_path, server):
    shared = record("gedeeld", "Gedeelde groep", address="Domplein 4")
    refresh(server, tmp_path, "region", [shared, record("eigen", "Eigen", address="Domplein 9")],
            DAY1)  # fmt: skip
    result = refresh(server, tmp_path, "country", [{**shared, "name": "Gedeeld (land)"}], DAY2)
    meetings = load_catalogue(tmp_path, today=DAY2.date()).meetings
    names = sorted(m.name for m in meetings.values() if m.venue and "Domplein" in m.venue.address)
    assert names == ["Eigen", "Gedeeld (land)"]
    assert [(m.kept, m.dropped) for m in result.report.merged] == [
        ("country-gedeeld", "region-gedeeld")
    ]


def test_a_different_time_or_venue_is_another_meeting(tmp_path, server):
    other_time, other_venue = record("a", "A", time="20:00"), record("b", "B", address="Nr 247")
    result = refresh(server, tmp_path, "aa-nl", [other_time, other_venue], DAY2)
    meetings = load_catalogue(tmp_path, today=DAY2.date()).meetings
    assert {"aa-nl-a", "aa-nl-b", "aa-utrecht-dinsdag"} <= set(meetings)
    assert result.report.merged == ()


def test_the_command_line_import_reports_what_it_merged(tmp_path, capsys):
    from catalogue.__main__ import main

    path = tmp_path / "aa.json"
    path.write_text(json.dumps([record("dinsdag", "Dinsdaggroep")]))
    report = import_feed("meeting-guide", path, tmp_path / "data", today=DAY2.date())
    assert [m.dropped for m in report.merged] == ["aa-utrecht-dinsdag"]
    main(["import", "--format", "meeting-guide", str(path), "--data-dir", str(tmp_path / "d2"),
          "--today", "2026-11-23"])  # fmt: skip
    assert "merged: aa-utrecht-dinsdag is the same meeting as aa-dinsdag (kept: fresher)" in (
        capsys.readouterr().out
    )  # the file's name ("aa") names the import
