"""The running bot's next catalogue, built in a worker process: what changed crosses, whole."""

from __future__ import annotations

from datetime import date

import pytest

from bot.catalogue_builder import CatalogueBuilder
from catalogue.errors import CatalogueError
from catalogue.importers.store import import_path, render_import_file, write_atomically
from catalogue.loading import load_bundled_catalogue, load_catalogue, meeting_to_record
from catalogue.models import Source

TODAY = date(2026, 11, 23)
SOURCE = Source("test feed", TODAY, sample=True)


def feed_records(count: int) -> list[dict]:
    """Records of `count` bundled meetings under new ids, as a feed's import file holds them."""
    meetings = list(load_bundled_catalogue().meetings.values())[:count]
    records = [meeting_to_record(m) for m in meetings]
    return [
        {**r, "id": f"feed-{n}", "url": f"https://example.org/{n}"} for n, r in enumerate(records)
    ]


@pytest.fixture
def builder():
    built = CatalogueBuilder()
    yield built
    built.close()


async def test_a_reload_keeps_unchanged_meetings_and_gets_the_changed_one(builder, tmp_path):
    path = import_path(tmp_path, "meeting-guide", "test")
    records = feed_records(30)
    write_atomically(path, render_import_file(SOURCE, records))
    before, _ = await builder.build(tmp_path, TODAY)

    records[3] = {**records[3], "name": "Nieuwe naam"}
    write_atomically(path, render_import_file(SOURCE, records))
    after, search = await builder.build(tmp_path, TODAY)

    assert after.meetings["feed-3"].name == "Nieuwe naam"
    assert after.meetings == load_catalogue(tmp_path, today=TODAY).meetings  # as a restart would
    kept = [mid for mid in after.meetings if after.meetings[mid] is before.meetings.get(mid)]
    assert len(kept) == len(after.meetings) - 1  # the same objects: nothing else crossed
    assert len(search) == len(after.meetings)


async def test_a_restarted_worker_sends_the_whole_catalogue_again(builder, tmp_path):
    path = import_path(tmp_path, "meeting-guide", "test")
    write_atomically(path, render_import_file(SOURCE, feed_records(10)))
    await builder.build(tmp_path, TODAY)
    builder.close()
    records = feed_records(12)
    write_atomically(path, render_import_file(SOURCE, records))
    again, _ = await builder.build(tmp_path, TODAY)
    assert again.meetings == load_catalogue(tmp_path, today=TODAY).meetings
    assert "feed-11" in again.meetings


async def test_a_file_that_does_not_load_is_an_error_and_the_next_good_one_loads(builder, tmp_path):
    path = import_path(tmp_path, "meeting-guide", "test")
    records = feed_records(5)
    write_atomically(path, render_import_file(SOURCE, records))
    await builder.build(tmp_path, TODAY)
    write_atomically(path, render_import_file(SOURCE, [{**records[0], "start": "25:00"}]))
    with pytest.raises(CatalogueError, match="meeting 'feed-0': field 'start'"):
        await builder.build(tmp_path, TODAY)
    records[1] = {**records[1], "name": "Weer goed"}
    write_atomically(path, render_import_file(SOURCE, records))
    good, _ = await builder.build(tmp_path, TODAY)
    assert good.meetings["feed-1"].name == "Weer goed"
    assert good.meetings == load_catalogue(tmp_path, today=TODAY).meetings
