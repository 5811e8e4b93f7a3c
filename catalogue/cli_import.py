"""``python -m catalogue import``: bring a feed's meetings into the data directory.

Prints one summary line (added, updated, unchanged, retired, restored,
skipped), every skipped record with its reason and every record imported
with less than it said (degraded), so the operator can ask
the feed's keepers to fix it. Exit 0 when the file was written (even with
skipped records), 1 when nothing could be imported.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from catalogue.cli_options import add_data_dir, add_today
from catalogue.errors import CatalogueError
from catalogue.importers import FeedFormat, import_feed
from catalogue.loading import default_data_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `import` subcommand's options."""
    parser.add_argument(
        "--format",
        required=True,
        choices=[f.value for f in FeedFormat],
        help="meeting-guide (AA, 12 Step Meeting List), bmlt (NA), csv (the template), "
        "fellow-finder (the nightly copy of the Dutch AA, NA and CA lists)",
    )
    parser.add_argument("file", type=Path, help="the feed file (JSON or CSV)")
    parser.add_argument(
        "--organisation",
        help="organisation id of the meetings (default: aa for meeting-guide, na for bmlt; "
        "a CSV names it per row)",
    )
    parser.add_argument(
        "--source-name", help="name of the feed (default: from the file name); also names the file"
    )
    parser.add_argument("--source-url", help="where the feed is published")
    add_data_dir(parser)
    add_today(parser, help="the import date (default: today; for tests and replays)")
    parser.add_argument(
        "--dry-run", action="store_true", help="report what would change, write nothing"
    )


def main(args: argparse.Namespace) -> int:
    """Run one import and print what it did."""
    try:
        report = import_feed(
            args.format,
            args.file,
            args.data_dir or default_data_dir(),
            today=args.today or date.today(),
            organisation_id=args.organisation,
            source_name=args.source_name,
            source_url=args.source_url,
            dry_run=args.dry_run,
        )
    except CatalogueError as error:
        print(f"import failed: {error}", file=sys.stderr)
        return 1
    for skipped in report.skipped:
        print(f"skipped: {skipped}")
    for degraded in report.degraded:
        print(f"degraded: {degraded}")
    for note in report.notes:
        print(f"note: {note}")
    for merged in report.merged:
        print(f"merged: {merged}")
    if report.written:
        where = f"wrote {report.path}"
    elif args.dry_run:
        where = f"dry run, would write {report.path}"
    else:
        where = "nothing to import, no file written"
    print(f"{where}: {report.summary()}")
    return 0


if __name__ == "__main__":  # pragma: no cover - `python -m catalogue import` is the way in
    parser = argparse.ArgumentParser(prog="python -m catalogue.cli_import")
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
