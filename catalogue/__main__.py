"""``python -m catalogue``: the operator's tools for the catalogue (English output).

    python -m catalogue validate [PATH ...]   check data files; exit 0 with counts, 1 with errors
    python -m catalogue stats [--today D]     counts per organisation and province; stale records
    python -m catalogue search ...            (catalogue/cli_search.py)
    python -m catalogue import ...            (catalogue/cli_import.py)
    python -m catalogue feeds add|list|refresh|status   (catalogue/cli_feeds.py)

Adding a subcommand: write ``catalogue/cli_<name>.py`` with ``add_arguments(parser)``
and ``main(args) -> int`` and add one line to `PLUGGED_COMMANDS`. Such modules are
imported only to build the parser, so a missing or broken one never stops the others.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from catalogue.cli_options import add_data_dir, add_today
from catalogue.errors import DataFilesError
from catalogue.loading import (
    BUNDLED_DATA_DIR,
    bundled_files,
    default_data_dir,
    import_files,
    load_files,
)
from catalogue.models import Catalogue, Meeting

PLUGGED_COMMANDS: tuple[tuple[str, str, str], ...] = (
    # (subcommand, module, help)
    ("search", "catalogue.cli_search", "find meetings for a person, as the bot would"),
    ("import", "catalogue.cli_import", "import a meeting feed into the data directory"),
    ("feeds", "catalogue.cli_feeds", "subscribe to feeds, refresh them, see their health"),
)

STALE_AFTER = timedelta(days=365)


# --------------------------------------------------------------------------- validate


def files_to_check(paths: Sequence[Path], data_dir: Path) -> list[Path]:
    """The files `validate PATH ...` loads together, as one catalogue.

    Start from the bundled files. Each PATH is a data file or a directory (its
    ``*.yaml`` and ``imports/*.yaml``). A file named like a bundled file
    (``organisations.yaml``, ``meetings.yaml``, ...) replaces the bundled one; any
    other file is added. Without PATHs: the bundled files plus the imports of
    `data_dir`, which is what the bot loads.
    """
    chosen: dict[str, Path] = {path.name: path for path in bundled_files()}
    added: list[Path] = []
    if not paths:
        added.extend(import_files(data_dir))
    for path in paths:
        if path.is_dir():
            candidates = [*sorted(path.glob("*.yaml")), *import_files(path)]
        else:
            candidates = [path]
        for candidate in candidates:
            if candidate.parent.name != "imports" and candidate.name in chosen:
                chosen[candidate.name] = candidate
            else:
                added.append(candidate)
    return [*chosen.values(), *added]


def run_validate(args: argparse.Namespace) -> int:
    """Load the files as one catalogue; print counts, or one line per error."""
    data_dir = args.data_dir or default_data_dir()
    for path in args.paths:
        if not path.exists():
            print(f"{path}: no such file or directory")
            return 1
    files = files_to_check(args.paths, data_dir)
    try:
        catalogue = load_files(files, today=args.today)
    except DataFilesError as errors:
        for error in errors.errors:
            print(error)
        print(f"{len(errors.errors)} error(s); nothing loaded", file=sys.stderr)
        return 1
    for line in summary_lines(catalogue, args.today or date.today()):
        print(line)
    return 0


def summary_lines(catalogue: Catalogue, today: date) -> list[str]:
    """The counts `validate` prints for a valid catalogue."""
    meetings = list(catalogue.meetings.values())
    sample = sum(m.source.sample for m in meetings)
    online = sum(m.is_online for m in meetings)
    ended = sum(not is_current(m, today) for m in meetings)
    places = {(m.venue.country, m.venue.city) for m in meetings if m.venue is not None}
    per_country = Counter(country for country, _city in places)
    country_text = ", ".join(f"{c} {n}" for c, n in sorted(per_country.items()))
    clinics_sample = sum(c.source.sample for c in catalogue.clinics.values())
    return [
        f"OK: {len(catalogue.files)} file(s) valid",
        f"organisations: {len(catalogue.organisations)}",
        f"meetings: {len(meetings)} (sample: {sample}, online: {online}, "
        f"ended or retired: {ended})",
        f"helplines: {len(catalogue.helplines)}",
        f"clinics: {len(catalogue.clinics)} (sample: {clinics_sample})",
        f"places covered: {len(places)} ({country_text or 'none'})",
        f"fit rules: {len(catalogue.fit_rules)}",
        *(f"left out of a bundled copy: {line}" for line in catalogue.left_out),
    ]


def is_current(meeting: Meeting, today: date) -> bool:
    """False for a meeting past its end date or retired by an importer."""
    ended = meeting.ends_on is not None and meeting.ends_on < today
    return not ended and meeting.retired_on is None


# --------------------------------------------------------------------------- stats


def province_namer() -> Callable[[Meeting], str]:
    """How `stats` names a meeting's region: the province of its place, else its city.

    The place index maps a venue's coordinates to the nearest known place and
    that place's province (imported here: only `stats` needs the large index).
    """
    from catalogue.places import PlaceIndex

    index = PlaceIndex.bundled()

    def name(meeting: Meeting) -> str:
        if meeting.venue is None:
            return "(online)"
        place = index.nearest(meeting.venue.lat, meeting.venue.lon)
        if place is not None:
            return place.province
        return f"{meeting.venue.city} ({meeting.venue.country})"

    return name


def stats_lines(
    catalogue: Catalogue, today: date, region_of: Callable[[Meeting], str]
) -> list[str]:
    """Counts per organisation and per province, then records not verified for a year."""
    current = [m for m in catalogue.meetings.values() if is_current(m, today)]
    lines = [f"Meetings that still take place on {today.isoformat()}: {len(current)}", ""]

    per_org: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in current:
        per_org[meeting.organisation_id].append(meeting)
    lines.append(f"{'organisation':<44} {'meetings':>8} {'sample':>7} {'online':>7}")
    for oid, org in sorted(catalogue.organisations.items()):
        found = per_org.get(oid, [])
        sample = sum(m.source.sample for m in found)
        online = sum(m.is_online for m in found)
        lines.append(
            f"{org.short_name + ' (' + oid + ')':<44} {len(found):>8} {sample:>7} {online:>7}"
        )
    lines.append("")

    per_region: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in current:
        per_region[region_of(meeting)].append(meeting)
    lines.append(f"{'province':<44} {'meetings':>8} {'sample':>7}")
    for region, found in sorted(per_region.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        sample = sum(m.source.sample for m in found)
        lines.append(f"{region:<44} {len(found):>8} {sample:>7}")
    lines.append("")

    lines.extend(stale_lines(catalogue, today))
    return lines


def stale_lines(catalogue: Catalogue, today: date) -> list[str]:
    """Records whose facts date from more than a year before `today` (checked, or copied)."""
    cutoff = today - STALE_AFTER
    stale: list[str] = []
    for kind, records in (
        ("organisation", catalogue.organisations.values()),
        ("helpline", catalogue.helplines.values()),
        ("clinic", catalogue.clinics.values()),
    ):
        groups: dict[tuple[date, str], list[str]] = defaultdict(list)
        for record in records:
            if record.source.dated_on < cutoff:
                groups[(record.source.dated_on, record.source.name)].append(record.id)
        for (verified_on, name), ids in sorted(groups.items()):
            stale.append(
                f"  {len(ids)} {kind}(s) verified {verified_on} ({name}): {', '.join(sorted(ids))}"
            )
    by_source: Counter[tuple[date, str]] = Counter(
        (m.source.dated_on, m.source.name)
        for m in catalogue.meetings.values()
        if m.source.dated_on < cutoff
    )
    for (dated_on, name), count in sorted(by_source.items()):
        stale.append(f"  {count} meeting(s): dated {dated_on} ({name})")
    header = f"Not verified for over a year (before {cutoff.isoformat()}): {len(stale)} line(s)"
    return [header, *stale] if stale else [header.replace(": 0 line(s)", ": none")]


def run_stats(args: argparse.Namespace) -> int:
    """Print counts per organisation and province, and records not verified for a year."""
    today = args.today or date.today()
    files = files_to_check([], args.data_dir or default_data_dir())
    try:
        catalogue = load_files(files, today=today)
    except DataFilesError as errors:
        for error in errors.errors:
            print(error)
        print("the catalogue does not load; run 'python -m catalogue validate'", file=sys.stderr)
        return 1
    for line in stats_lines(catalogue, today, province_namer()):
        print(line)
    return 0


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m catalogue",
        description=f"Catalogue tools. Bundled data: {BUNDLED_DATA_DIR}",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check data files; exit 0 with counts, 1 with one line per error",
        description=files_to_check.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="data files or directories (default: bundled + data dir imports)",
    )
    _add_common(validate)
    validate.set_defaults(run=run_validate)

    stats = commands.add_parser(
        "stats", help="counts per organisation and province; records not verified for a year"
    )
    _add_common(stats)
    stats.set_defaults(run=run_stats)

    for name, module_name, help_text in PLUGGED_COMMANDS:
        _plug(commands, name, module_name, help_text)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    add_data_dir(parser)
    add_today(parser)


def _plug(commands: argparse._SubParsersAction, name: str, module_name: str, help_text: str):
    """Register a subcommand that lives in its own module (add_arguments + main)."""
    sub = commands.add_parser(name, help=help_text)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        problem = f"'{name}' is not available in this version ({module_name} is missing)"

        def unavailable(_args: argparse.Namespace) -> int:
            print(problem, file=sys.stderr)
            return 2

        sub.add_argument("ignored", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
        sub.set_defaults(run=unavailable)
        return
    module.add_arguments(sub)
    sub.set_defaults(run=module.main)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
