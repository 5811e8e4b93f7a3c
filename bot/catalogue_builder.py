"""Building the next catalogue in a worker process, so that no turn waits for it.

Loading and validating ten thousand meetings takes a second or more of pure
Python (parsing, recurrence checks, pydantic). In a thread it would hold the
interpreter's lock for long stretches, and people's replies would wait. So
the load runs in one worker process at a lower CPU priority, kept for the
bot's lifetime (started on the first reload, stopped with the bot). It keeps
a `FileCache`, so a reload after one feed changed reads only that feed's file.

What crosses back is kept small, because every object made in the bot's
process costs its event loop time:

- **Only what changed.** The worker remembers the meetings of the edition it
  sent last. The bot says which edition it holds; the worker then sends the
  order of all meeting ids, and pickles only the meetings that are new or
  differ from that edition's. The bot keeps its own objects for the rest, so
  after a daily feed refresh a few meetings cross, not ten thousand.
- **In slices, on the loop.** The bot unpickles `CHUNK` meetings at a time and
  builds the search index `SearchIndex.STEP` meetings at a time (a few
  milliseconds each), leaving the event loop to turns for `PAUSE` between
  them, instead of in a thread that would compete with the loop for the
  interpreter's lock.
- **No collections meanwhile.** The garbage collector is off while the bot
  assembles an edition: tens of thousands of new objects would otherwise set
  off full collections that walk all of them, 100 ms and more at a time, in
  someone's turn. The finished edition goes to the permanent generation
  (`gc.freeze`, as the start-up catalogue does in `bot.turns`): it lives
  until the next swap and is freed by reference counting then. The worker
  does the same while it loads (it keeps its file cache for its lifetime; a
  reload leaves no cyclic garbage to freeze: 0 objects, measured). Objects
  that turns leave in cycles while an edition is assembled are frozen with
  it, and stay: a few, once per swap.

A catalogue that does not load comes back as its error text.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import pickle
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from catalogue.errors import CatalogueError
from catalogue.loading import FileCache, load_catalogue
from catalogue.models import Catalogue, Meeting
from catalogue.search import SearchIndex

__all__ = ["CatalogueBuilder"]

CHUNK = 200
"""Meetings per pickled slice: a few milliseconds to unpickle on this 2-core machine."""
PAUSE = 0.003
"""Seconds the loop is left to turns between slices. With `asyncio.sleep(0)` the slices kept
it busy back to back, and a turn's database calls (each a hop to aiosqlite's thread and back)
waited a slice each: stalls of 100-450 ms in the swap benchmark."""


@dataclass(frozen=True, slots=True)
class _Shipment:
    """A catalogue as the worker sends it: what changed since edition `base`, pickled.

    `order` is every meeting id in catalogue order; `changed` holds pickled
    slices of the meetings not in edition `base` as they are (all of them when
    `base` is None). `head` is the rest of the catalogue, pickled.
    """

    edition: str
    base: str | None
    head: bytes
    order: tuple[str, ...]
    changed: tuple[bytes, ...]


class CatalogueBuilder:
    """Builds catalogues (and their search indexes) in a worker process."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._edition: str | None = None  # the worker's name for the meetings in `_meetings`
        self._meetings: Mapping[str, Meeting] = {}

    async def build(self, data_dir: Path, today: date) -> tuple[Catalogue, SearchIndex]:
        """The catalogue of `data_dir` as `load_catalogue` reads it, and its search index.

        Raises:
            CatalogueError: the files do not load (the message lists every problem).
        """
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=_yield_cpu
            )
        loop = asyncio.get_running_loop()
        shipment = await loop.run_in_executor(
            self._pool, _load, str(data_dir), today, self._edition
        )
        if isinstance(shipment, str):
            raise CatalogueError(shipment)
        held = self._meetings if shipment.base == self._edition else {}
        with _no_collections():
            catalogue = await _assemble(shipment, held)
            search = await _index(catalogue)
            gc.freeze()
        self._edition, self._meetings = shipment.edition, catalogue.meetings
        return catalogue, search

    def close(self) -> None:
        """Stop the worker process (it is started again if `build` is called)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)
        self._edition, self._meetings = None, {}


@contextmanager
def _no_collections() -> Iterator[None]:
    """The garbage collector off inside (see the module docstring), as it was after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def _assemble(shipment: _Shipment, held: Mapping[str, Meeting]) -> Catalogue:
    """The catalogue of `shipment`, with the meetings of `held` that did not change."""
    organisations, helplines, clinics, fit_rules, files, left_out, merged_into = pickle.loads(
        shipment.head
    )
    changed: dict[str, Meeting] = {}
    for part in shipment.changed:
        await asyncio.sleep(PAUSE)
        changed.update(pickle.loads(part))
    meetings = {mid: changed[mid] if mid in changed else held[mid] for mid in shipment.order}
    return Catalogue(
        organisations, meetings, helplines, clinics, fit_rules, files, left_out, merged_into
    )


async def _index(catalogue: Catalogue) -> SearchIndex:
    """The catalogue's search index, built in steps with the event loop free in between."""
    for built in SearchIndex.in_steps(catalogue):
        if built is not None:
            return built
        await asyncio.sleep(PAUSE)
    raise AssertionError("SearchIndex.in_steps ends with the index")


# --------------------------------------------------------------------------- in the worker

_cache = FileCache()  # what the worker read, for as long as it runs
_sent: tuple[str | None, dict[str, Meeting]] = (None, {})  # the edition sent last


def _yield_cpu() -> None:
    """In the worker: a lower priority, so that on a busy machine replies come first."""
    os.nice(10)


def _load(data_dir: str, today: date, held: str | None) -> _Shipment | str:
    """In the worker: load, then ship what differs from edition `held`; a load error as text.

    A meeting counts as unchanged when it equals the one sent before (a feed's
    refresh rewrites its whole file, mostly with the same meetings).
    """
    global _sent
    with _no_collections():
        try:
            catalogue = load_catalogue(Path(data_dir), today=today, cache=_cache)
        except CatalogueError as error:
            return str(error)
        gc.freeze()  # the file cache: long-lived, and never to be walked by a collection
    sent_edition, sent = _sent
    before = sent if held is not None and held == sent_edition else None
    changed = [
        (mid, meeting)
        for mid, meeting in catalogue.meetings.items()
        if before is None or before.get(mid) != meeting
    ]
    edition = uuid.uuid4().hex
    _sent = (edition, dict(catalogue.meetings))
    head = (
        dict(catalogue.organisations),
        dict(catalogue.helplines),
        dict(catalogue.clinics),
        catalogue.fit_rules,
        catalogue.files,
        catalogue.left_out,
        dict(catalogue.merged_into),
    )
    return _Shipment(
        edition=edition,
        base=held if before is not None else None,
        head=pickle.dumps(head),
        order=tuple(catalogue.meetings),
        changed=tuple(pickle.dumps(changed[i : i + CHUNK]) for i in range(0, len(changed), CHUNK)),
    )
