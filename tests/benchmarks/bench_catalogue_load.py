"""Benchmark: loading the bundled catalogue, real (the fellow-finder copy) and samples.

Run: ``.venv/bin/python tests/benchmarks/bench_catalogue_load.py``

Prints wall time and CPU time (on a shared machine the CPU time is the
steadier figure) of: the place index (built at start-up by the bot anyway,
and used by the real copy to place its 3 meetings without coordinates), the
real catalogue (943 meetings parsed by the fellow-finder importer, each
checked by the meeting model), and the sample catalogue (demo mode).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from catalogue.importers.real_copies import _read
from catalogue.loading import bundled_files, load_files
from catalogue.places import PlaceIndex


def timed(label: str, work) -> object:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<36} {wall:6.2f} s wall  {cpu:6.2f} s CPU")
    return result


def main() -> None:
    timed("place index", PlaceIndex.bundled)
    real = timed(
        "real catalogue (fellow-finder copy)", lambda: load_files(bundled_files(samples=False))
    )
    _read.cache_clear()
    again = timed(
        "real catalogue, again (cache cleared)", lambda: load_files(bundled_files(samples=False))
    )
    samples = timed("sample catalogue (demo mode)", lambda: load_files(bundled_files(samples=True)))
    counts = f"real {len(real.meetings)} ({len(again.meetings)}), samples {len(samples.meetings)}"
    print(f"meetings: {counts}")


if __name__ == "__main__":
    main()
