"""``python -m catalogue feeds add|list|refresh|status``: what an operator types and reads."""

from __future__ import annotations

import json

import pytest
from feedserver import FeedServer

from catalogue.__main__ import main
from catalogue.feeds import read_feeds
from catalogue.feeds.subscriptions import feeds_path

NOW = "2026-11-23T09:00:00+00:00"


def meeting(n: int) -> dict:
    return {
        "name": f"Groep {n}",
        "slug": f"groep-{n}",
        "day": 2,
        "time": "19:30",
        "address": f"Oudegracht {n}",
        "city": "Utrecht",
        "postal_code": "3511 AB",
        "country": "NL",
    }


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_writes_a_documented_file_that_list_reads_back(tmp_path, capsys) -> None:
    url = "https://www.aa-nederland.nl/wp-json/tsml/meetings"
    code, out, _ = run(
        capsys, "feeds", "add", url, "--format", "meeting-guide", "--data-dir", str(tmp_path)
    )
    assert code == 0 and "added aa-nederland-nl" in out
    run(capsys, "feeds", "add", "https://bmlt.example.org/main_server/client_interface/json/"
        "?switcher=GetSearchResults", "--format", "bmlt", "--name", "na-nl", "--interval", "6h",
        "--data-dir", str(tmp_path))  # fmt: skip
    text = feeds_path(tmp_path).read_text()
    assert text.startswith("# Feeds the bot keeps current")
    assert [f.name for f in read_feeds(tmp_path)] == ["aa-nederland-nl", "na-nl"]
    code, out, _ = run(capsys, "feeds", "list", "--data-dir", str(tmp_path))
    assert out.splitlines() == [
        f"aa-nederland-nl: meeting-guide, organisation aa, every 1d, {url}",
        "na-nl: bmlt, organisation na, every 6h, https://bmlt.example.org/main_server/"
        "client_interface/json/?switcher=GetSearchResults",
    ]


def test_a_hand_edit_keeps_its_comments_when_a_feed_is_added(tmp_path, capsys) -> None:
    feeds_path(tmp_path).write_text(
        "# mine\nfeeds:\n  - name: ca-nl  # CA's own list\n"
        "    url: https://ca.example.org/feed.json\n    format: meeting-guide\n"
        "    organisation: ca\n"
    )
    run(capsys, "feeds", "add", "https://aa.example.org/f.json", "--format", "meeting-guide",
        "--data-dir", str(tmp_path))  # fmt: skip
    text = feeds_path(tmp_path).read_text()
    assert "# CA's own list" in text and "# mine" in text
    assert [f.name for f in read_feeds(tmp_path)] == ["ca-nl", "aa-example-org"]


def test_a_wrong_feeds_file_names_the_feed_and_the_field(tmp_path, capsys) -> None:
    feeds_path(tmp_path).write_text(
        "feeds:\n  - name: aa-nl\n    url: ftp://x\n    format: meeting-guide\n"
        "  - name: na-nl\n    url: https://x.example\n    format: bmlt-json\n    interval: 5m\n"
    )
    code, _, err = run(capsys, "feeds", "list", "--data-dir", str(tmp_path))
    assert code == 1
    assert "feeds.yaml: feed 'aa-nl': field 'url': 'ftp://x' is not an http(s) address" in err
    assert "feeds.yaml: feed 'na-nl': field 'format': 'bmlt-json' is not a format" in err
    assert "feeds.yaml: feed 'na-nl': field 'interval': '5m' is too often" in err


def test_refresh_and_status_report_per_feed(tmp_path, capsys, server) -> None:
    server.route("/good.json", json.dumps([meeting(1), meeting(2), {"name": "x"}]))
    server.route("/bad.json", "{nope")
    for name in ("good", "bad"):
        run(capsys, "feeds", "add", server.url(f"/{name}.json"), "--format", "meeting-guide",
            "--name", name, "--data-dir", str(tmp_path))  # fmt: skip
    code, out, _ = run(capsys, "feeds", "refresh", "--data-dir", str(tmp_path), "--now", NOW)
    assert code == 1  # one feed failed
    assert (
        "good: imported: added 2, updated 0, unchanged 0, retired 0, restored 0, skipped 1" in out
    )
    assert "bad: failed: bad.json: not valid JSON (line 1, column 2" in out
    code, out, _ = run(capsys, "feeds", "status", "--data-dir", str(tmp_path), "--now", NOW)
    lines = out.splitlines()
    assert lines[0] == (
        "good: ok, last success 2026-11-23 09:00 UTC (0 minutes ago), 2 meetings, 1 records skipped"
    )
    assert lines[1].startswith("  skipped: good.json: record 3: field 'slug': missing")
    assert lines[2] == "bad: FAILING, never succeeded"
    code, _, err = run(capsys, "feeds", "refresh", "nope", "--data-dir", str(tmp_path))
    assert code == 1 and "no such feed: nope (subscribed: good, bad)" in err
