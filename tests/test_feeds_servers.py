"""What real servers publish, served from 127.0.0.1 at the paths they use: the 12 Step
Meeting List (WordPress) endpoints, BMLT's Meeting Guide (tsml) output, and a BMLT
``GetSearchResults`` query. Records are written to the published specs (code4recovery/spec,
BMLT's semantic interface)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import FeedServer

from catalogue.errors import DataFilesError
from catalogue.feeds import Feed, Limits, Outcome, refresh_feed
from catalogue.feeds.subscriptions import new_feed
from catalogue.loading import load_catalogue

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FIXTURES = Path(__file__).parent / "fixtures" / "feeds"

TSML_RECORD = {  # as 12 Step Meeting List writes it: day as text, types, formatted_address
    "id": 2201,
    "name": "Vrijdagavond Leiden",
    "slug": "vrijdagavond-leiden",
    "day": "5",
    "time": "20:00",
    "end_time": "21:30",
    "types": ["O", "D"],
    "location": "Wijkcentrum",
    "formatted_address": "Breestraat 10, 2311 CS Leiden, Netherlands",
    "latitude": 52.158,
    "longitude": 4.487,
    "updated": "2026-10-30 14:02:11",
    "url": "https://aa.example.org/meetings/vrijdagavond-leiden/",
}
BMLT_TSML_RECORD = {  # BMLT's client_interface/tsml: numbers as numbers
    "name": "NA Den Haag Woensdag",
    "slug": "na-1207",
    "day": 3,
    "time": "19:30",
    "end_time": "21:00",
    "types": ["O"],
    "formatted_address": "Spui 70, 2511 BT Den Haag, NL",
    "latitude": 52.077,
    "longitude": 4.318,
}


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def refresh(server, tmp_path, path: str, body: str, fmt: str, organisation: str | None = None):
    server.route(path, body)
    feed = Feed(name="feed", url=server.url(path), format=fmt, organisation=organisation)
    return refresh_feed(feed, tmp_path, now=NOW, limits=Limits(tries=1))


@pytest.mark.parametrize(
    "path", ["/wp-json/tsml/meetings", "/wp-admin/admin-ajax.php?action=meetings"]
)
def test_the_12_step_meeting_list_endpoints(server, tmp_path, path) -> None:
    result = refresh(server, tmp_path, path, json.dumps([TSML_RECORD]), "meeting-guide")
    assert result.outcome is Outcome.IMPORTED, result.error
    meeting = load_catalogue(tmp_path, today=NOW.date()).meetings["feed-vrijdagavond-leiden"]
    assert meeting.rrule == "FREQ=WEEKLY;BYDAY=FR"
    assert (meeting.venue.city, meeting.venue.postcode) == ("Leiden", "2311 CS")


def test_bmlts_meeting_guide_output(server, tmp_path) -> None:
    path = "/main_server/client_interface/tsml/?switcher=GetSearchResults&services=12"
    result = refresh(server, tmp_path, path, json.dumps([BMLT_TSML_RECORD]), "meeting-guide", "na")
    assert result.outcome is Outcome.IMPORTED, result.error
    meeting = load_catalogue(tmp_path, today=NOW.date()).meetings["feed-na-1207"]
    assert (meeting.organisation_id, meeting.rrule) == ("na", "FREQ=WEEKLY;BYDAY=WE")


def test_a_bmlt_get_search_results_url(server, tmp_path) -> None:
    path = "/main_server/client_interface/json/?switcher=GetSearchResults&services=7&recursive=1"
    body = (FIXTURES / "bmlt.json").read_text(encoding="utf-8")
    result = refresh(server, tmp_path, path, body, "bmlt")
    assert result.outcome is Outcome.IMPORTED, result.error
    assert result.report.added


def test_a_bmlt_feed_must_be_a_search_and_tsml_is_meeting_guide() -> None:
    with pytest.raises(DataFilesError, match="is not a BMLT search"):
        new_feed({"name": "na", "url": "https://na.example/main_server/", "format": "bmlt"})
    tsml = "https://na.example/main_server/client_interface/tsml/?switcher=GetSearchResults"
    with pytest.raises(DataFilesError, match="use --format meeting-guide"):
        new_feed({"name": "na", "url": tsml, "format": "bmlt"})
    assert new_feed({"name": "na", "url": tsml, "format": "meeting-guide"}).url == tsml


def test_a_wordpress_site_without_the_plugin_fails_clearly(server, tmp_path) -> None:
    body = json.dumps({"code": "rest_no_route", "message": "No route was found", "data": {}})
    result = refresh(server, tmp_path, "/wp-json/tsml/meetings", body, "meeting-guide")
    assert result.outcome is Outcome.FAILED
    assert result.error.startswith("feed.json: expected a JSON array of meetings")
