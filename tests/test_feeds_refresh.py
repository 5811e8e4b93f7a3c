"""Subscribed feeds fetched from a real HTTP server on 127.0.0.1: what counts as a failure,
what is kept, and what the health file says afterwards."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedserver import FeedServer

from catalogue.feeds import Feed, Limits, Outcome, read_health, refresh_feed, refresh_feeds
from catalogue.loading import load_catalogue

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
QUICK = Limits(timeout_s=2.0, tries=3, backoff_s=1.0)


def records(count: int, *, start: str = "19:30") -> list[dict]:
    """`count` AA meetings in Utrecht, written to the Meeting Guide spec."""
    return [
        {
            "name": f"Groep {n}",
            "slug": f"groep-{n}",
            "day": n % 7,
            "time": start,
            "end_time": "21:00",
            "types": ["O"],
            "address": f"Oudegracht {n + 1}",
            "city": "Utrecht",
            "postal_code": "3511 AB",
            "country": "NL",
            "latitude": 52.09,
            "longitude": 5.12,
        }
        for n in range(count)
    ]


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def waits():
    return []


def refresh(server, tmp_path, path="/feed.json", name="aa-utrecht", waits=None, **limits):
    feed = Feed(name=name, url=server.url(path), format="meeting-guide")
    pauses = waits if waits is not None else []
    return refresh_feed(
        feed, tmp_path, now=NOW, limits=replace(QUICK, **limits), sleep=pauses.append
    )


def meetings(tmp_path: Path) -> dict:
    return dict(load_catalogue(tmp_path, today=NOW.date()).meetings)


def test_a_200_with_an_etag_is_imported_and_the_next_fetch_is_conditional(server, tmp_path):
    server.route("/feed.json", json.dumps(records(10)), etag='"v1"')
    first = refresh(server, tmp_path)
    assert first.outcome is Outcome.IMPORTED
    assert len(first.report.added) == 10
    assert "aa-utrecht-groep-3" in meetings(tmp_path)
    health = read_health(tmp_path)["aa-utrecht"]
    assert (health.record_count, health.etag, health.last_error) == (10, '"v1"', None)
    assert health.last_success_at == NOW

    second = refresh(server, tmp_path)
    assert server.hits("/feed.json")[-1].headers.get("If-None-Match") == '"v1"'
    assert second.outcome is Outcome.NOT_MODIFIED
    assert second.summary() == "aa-utrecht: not modified since the last fetch"
    assert len(meetings(tmp_path)) == len(load_catalogue(tmp_path / "none").meetings) + 10


def test_a_changed_feed_updates_its_meetings(server, tmp_path):
    server.route("/feed.json", json.dumps(records(10)), etag='"v1"')
    refresh(server, tmp_path)
    server.route("/feed.json", json.dumps(records(10, start="20:00")), etag='"v2"')
    result = refresh(server, tmp_path)
    assert len(result.report.updated) == 10
    assert str(meetings(tmp_path)["aa-utrecht-groep-3"].start) == "20:00:00"


def test_a_500_is_retried_with_backoff_then_fails_and_keeps_the_last_good_copy(
    server, tmp_path, waits
):
    server.route("/feed.json", json.dumps(records(10)))
    refresh(server, tmp_path)
    before = meetings(tmp_path)
    server.route("/feed.json", "oops", status=500)
    result = refresh(server, tmp_path, waits=waits)
    assert result.outcome is Outcome.FAILED
    assert result.error == "aa-utrecht: the server answered 500 (after 3 tries)"
    assert waits == [1.0, 2.0]  # backoff, injected: nothing slept
    assert len(server.hits("/feed.json")) == 1 + 3
    assert meetings(tmp_path) == before
    health = read_health(tmp_path)["aa-utrecht"]
    assert health.last_error == result.error
    assert (health.last_success_at, health.last_attempt_at, health.record_count) == (NOW, NOW, 10)


def test_a_feed_that_answers_too_late_fails(server, tmp_path):
    server.route("/slow.json", json.dumps(records(2)), delay_s=5)
    result = refresh(server, tmp_path, path="/slow.json", timeout_s=0.2, tries=1)
    assert result.outcome is Outcome.FAILED
    assert result.error == "aa-utrecht: no answer in time"
    assert not (tmp_path / "imports").exists()


def test_an_oversized_body_is_cut_off(server, tmp_path):
    server.route("/big.json", json.dumps(records(50)))
    result = refresh(server, tmp_path, path="/big.json", max_bytes=2000)
    assert result.outcome is Outcome.FAILED
    assert result.error == "aa-utrecht: the feed is larger than 2000 bytes, the limit"
    assert len(server.hits("/big.json")) == 1  # not worth a retry


def test_invalid_json_fails_naming_the_feed_and_the_place(server, tmp_path):
    server.route("/feed.json", json.dumps(records(10)))
    refresh(server, tmp_path)
    server.route("/feed.json", '[{"name": "Groep 1",')
    result = refresh(server, tmp_path)
    assert result.outcome is Outcome.FAILED
    assert result.error.startswith("aa-utrecht.json: not valid JSON (line 1")
    assert len(meetings(tmp_path)) - len(load_catalogue(tmp_path / "none").meetings) == 10


def test_a_feed_that_shrinks_to_three_records_is_refused(server, tmp_path):
    server.route("/feed.json", json.dumps(records(10)))
    refresh(server, tmp_path)
    server.route("/feed.json", json.dumps(records(3)))
    result = refresh(server, tmp_path)
    assert result.outcome is Outcome.FAILED
    assert "suspiciously small: 3 meetings where the last good copy had 10" in result.error
    retired = [m for m in meetings(tmp_path).values() if m.retired_on is not None]
    assert retired == []
    assert read_health(tmp_path)["aa-utrecht"].record_count == 10


def test_every_record_bad_fails_and_names_record_and_field(server, tmp_path):
    bad = [{**record, "time": "25:99"} for record in records(4)]
    server.route("/feed.json", json.dumps(bad))
    result = refresh(server, tmp_path)
    assert result.outcome is Outcome.FAILED
    assert result.error.startswith("aa-utrecht: no usable meeting in 4 records: ")
    assert "aa-utrecht.json: record 1 'groep-0': field 'time'" in result.error


def test_skipped_records_are_kept_with_their_reasons(server, tmp_path):
    feed = records(5)
    feed[2]["time"] = "25:99"
    server.route("/feed.json", json.dumps(feed))
    result = refresh(server, tmp_path)
    assert result.outcome is Outcome.IMPORTED
    health = read_health(tmp_path)["aa-utrecht"]
    assert (health.record_count, health.skipped_count) == (4, 1)
    assert health.skipped[0].startswith("aa-utrecht.json: record 3 'groep-2': field 'time'")


def test_one_failing_feed_does_not_block_the_others(server, tmp_path):
    server.route("/good.json", json.dumps(records(3)))
    feeds = [
        Feed(name="down", url="http://127.0.0.1:9/feed.json", format="meeting-guide"),
        Feed(name="good", url=server.url("/good.json"), format="meeting-guide"),
    ]
    down, good = refresh_feeds(feeds, tmp_path, now=NOW, limits=QUICK, sleep=lambda s: None)
    assert down.outcome is Outcome.FAILED
    assert down.error.startswith("down: unreachable (")
    assert good.outcome is Outcome.IMPORTED
    assert set(read_health(tmp_path)) == {"down", "good"}


def test_redirects_are_followed_up_to_a_cap(server, tmp_path):
    server.route("/moved.json", status=301, location="/feed.json")
    server.route("/feed.json", json.dumps(records(2)))
    assert refresh(server, tmp_path, path="/moved.json").outcome is Outcome.IMPORTED
    server.route("/loop.json", status=302, location="/loop.json")
    result = refresh(server, tmp_path, path="/loop.json", name="loop")
    assert result.error == f"loop: more than 5 redirects from {server.url('/loop.json')}"


def test_a_lost_import_file_is_fetched_again_in_full(server, tmp_path):
    server.route("/feed.json", json.dumps(records(2)), etag='"v1"')
    refresh(server, tmp_path)
    for path in (tmp_path / "imports").glob("*.yaml"):
        path.unlink()
    result = refresh(server, tmp_path)
    assert "If-None-Match" not in server.hits("/feed.json")[-1].headers
    assert result.outcome is Outcome.IMPORTED and len(result.report.added) == 2


def test_overdue_feeds_are_flagged_after_seven_and_thirty_days(server, tmp_path):
    server.route("/feed.json", json.dumps(records(2)))
    refresh(server, tmp_path)
    health = read_health(tmp_path)["aa-utrecht"]
    assert not health.is_overdue(NOW + timedelta(days=7), timedelta(days=7))
    assert health.is_overdue(NOW + timedelta(days=7, minutes=1), timedelta(days=7))
