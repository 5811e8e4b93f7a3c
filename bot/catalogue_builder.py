"""Building the next catalogue in a worker process, so that no turn waits for it.

Loading and validating ten thousand meetings takes seconds of pure Python
(YAML, recurrence checks). In a thread it would hold the interpreter's lock
for long stretches (libyaml composes a whole file in one call), and people's
replies would wait. So the load runs in one worker process at a lower CPU
priority, kept for the bot's lifetime (started on the first reload, stopped
with the bot). It keeps a `FileCache`, so a reload after one feed changed
reads only that feed's file.

The worker sends the catalogue back as pickled slices of `CHUNK` meetings;
the bot unpickles them and builds the search index in a thread. Each slice
holds the interpreter's lock for a few milliseconds, so turns go on in
between. A catalogue that does not load comes back as its error text.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from catalogue.errors import CatalogueError
from catalogue.loading import FileCache, load_catalogue
from catalogue.models import Catalogue
from catalogue.search import SearchIndex

__all__ = ["CatalogueBuilder"]

CHUNK = 200
"""Meetings per pickled slice: about 5 ms to unpickle on this 2-core machine."""

_cache = FileCache()  # in the worker process: lives as long as the worker


class CatalogueBuilder:
    """Builds catalogues (and their search indexes) in a worker process."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

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
        result = await loop.run_in_executor(self._pool, _load, str(data_dir), today)
        if isinstance(result, str):
            raise CatalogueError(result)
        return await asyncio.to_thread(_assemble, result)

    def close(self) -> None:
        """Stop the worker process (it is started again if `build` is called)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)


def _yield_cpu() -> None:
    """In the worker: a lower priority, so that on a busy machine replies come first."""
    os.nice(10)


def _load(data_dir: str, today: date) -> list[bytes] | str:
    """In the worker: load, then pickle in slices; a load error as text (it names files)."""
    try:
        catalogue = load_catalogue(Path(data_dir), today=today, cache=_cache)
    except CatalogueError as error:
        return str(error)
    head = (
        dict(catalogue.organisations),
        dict(catalogue.helplines),
        dict(catalogue.clinics),
        catalogue.fit_rules,
        catalogue.files,
        catalogue.left_out,
        dict(catalogue.merged_into),
    )
    meetings = list(catalogue.meetings.items())
    return [
        pickle.dumps(head),
        *(pickle.dumps(meetings[i : i + CHUNK]) for i in range(0, len(meetings), CHUNK)),
    ]


def _assemble(parts: list[bytes]) -> tuple[Catalogue, SearchIndex]:
    """In a thread of the bot: unpickle slice by slice, index, and keep it out of GC scans.

    The new edition lives until the next swap; like the start-up catalogue it
    goes to the permanent generation (`gc.freeze`), so no full collection walks
    its objects in someone's turn. The edition it replaces is freed by
    reference counting.
    """
    organisations, helplines, clinics, fit_rules, files, left_out, merged_into = pickle.loads(
        parts[0]
    )
    meetings: dict = {}
    for part in parts[1:]:
        meetings.update(pickle.loads(part))
    catalogue = Catalogue(
        organisations, meetings, helplines, clinics, fit_rules, files, left_out, merged_into
    )
    search = SearchIndex(catalogue)
    gc.freeze()
    return catalogue, search
