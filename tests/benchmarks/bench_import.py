"""Benchmark: the importers alone, on the 943 real meetings, as fellow-finder and as Meeting Guide.

Run: ``.venv/bin/python tests/benchmarks/bench_import.py``

Times `read_feed` (decoding, each record read by its format's pydantic model,
type codes, venues) on the bundled copy as it is, and on the same meetings
rebuilt as a Meeting Guide feed (the fields the spec names, one record per
meeting). The place index is built first and shared, as the bot does, so the
figures are the importers' own. Prints the best of 7 runs in CPU time (the
steadier figure on a shared machine) and the meetings, skipped and degraded.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from catalogue.importers import FeedContext, Locator, read_feed
from catalogue.places import PlaceIndex

COPY = (
    Path(__file__).resolve().parents[2]
    / "catalogue"
    / "data"
    / "real"
    / "fellow-finder-nl-2026-07-18.json"
)
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7


def as_meeting_guide(copy: dict[str, Any]) -> list[dict[str, Any]]:
    """The copy's meetings under the Meeting Guide spec's field names."""
    return [
        {
            "name": m["name"],
            "slug": m["id"].split(":", 1)[1],
            "day": m["day"],
            "time": m["time"],
            "end_time": m["endTime"],
            "types": m["types"],
            "location": m["location"],
            "address": m["address"],
            "city": m["city"],
            "postal_code": m["postalCode"],
            "country": "NL",
            "latitude": m["lat"],
            "longitude": m["lng"],
            "conference_url": m["conferenceUrl"],
            "conference_phone": m["conferencePhone"],
            "notes": m["notes"],
            "location_notes": m["locationNotes"],
            "url": m["url"],
            "updated": m["updated"],
            "timezone": m["timezone"],
        }
        for m in copy["meetings"]
    ]


def main() -> None:
    content = COPY.read_bytes()
    feeds = {
        "fellow-finder": content,
        "meeting-guide": json.dumps(as_meeting_guide(json.loads(content))).encode(),
    }
    ctx = FeedContext(
        file=COPY.name,
        organisation_id="aa",
        id_prefix="bench",
        source_name="bench",
        source_url=None,
        today=date(2026, 12, 1),
        locator=Locator(PlaceIndex.bundled()),
    )
    for feed_format, body in feeds.items():
        best = float("inf")
        for _ in range(RUNS):
            start = time.process_time()
            parsed = read_feed(feed_format, body, ctx)
            best = min(best, time.process_time() - start)
        print(
            f"{feed_format:<14} {len(parsed.meetings)} meetings, {len(parsed.skipped)} skipped, "
            f"{len(parsed.degraded)} degraded: {best * 1000:.0f} ms CPU (best of {RUNS})"
        )


if __name__ == "__main__":
    main()
