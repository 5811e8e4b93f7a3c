"""``python -m catalogue feeds``: subscribe to feeds and see how they are doing.

    feeds add URL --format FORMAT [--organisation ID] [--name NAME] [--interval 1d]
    feeds list                  the subscriptions in <data dir>/feeds.yaml
    feeds refresh [NAME ...]    fetch and import now (all feeds, or the ones named)
    feeds status                last success, last attempt, last error, counts, skipped records

A `feeds refresh` while the bot runs reaches the bot: it watches the import
files and swaps in the new catalogue within a minute (`bot.feeds_job`).
Exit codes: 0 done, 1 a feed failed or the subscriptions file is wrong.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from catalogue.cli_options import add_data_dir
from catalogue.errors import CatalogueError
from catalogue.feeds import (
    Outcome,
    add_feed,
    format_interval,
    read_feeds,
    refresh_feeds,
)
from catalogue.feeds.status import status_report
from catalogue.feeds.subscriptions import DEFAULT_INTERVAL, feeds_path, new_feed
from catalogue.importers import FeedFormat
from catalogue.importers.records import slugify
from catalogue.loading import default_data_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `feeds` subcommand and its four actions."""
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="subscribe to a feed (writes feeds.yaml)")
    add.add_argument("url", help="the feed's http(s) address")
    add.add_argument(
        "--format",
        required=True,
        choices=[f.value for f in FeedFormat],
        help="meeting-guide (also 12 Step Meeting List and BMLT's Meeting Guide output), "
        "bmlt (a GetSearchResults URL), csv",
    )
    add.add_argument("--organisation", help="organisation id (default: from the format)")
    add.add_argument("--name", help="a-z, 0-9 and -; default: from the address")
    add.add_argument(
        "--interval", default=format_interval(DEFAULT_INTERVAL), help="30m, 6h, 1d... (default 1d)"
    )
    actions.add_parser("list", help="list the subscribed feeds")
    refresh = actions.add_parser("refresh", help="fetch and import now")
    refresh.add_argument("names", nargs="*", metavar="NAME", help="only these feeds")
    actions.add_parser("status", help="how each feed is doing")
    for action in actions.choices.values():
        add_data_dir(action)
        action.add_argument(
            "--now",
            type=datetime.fromisoformat,
            metavar="ISO-DATETIME",
            help="the time to act on (default: now; for tests and replays)",
        )


def main(args: argparse.Namespace) -> int:
    """Run one `feeds` action."""
    data_dir: Path = args.data_dir or default_data_dir()
    now = args.now or datetime.now(UTC)
    try:
        return _ACTIONS[args.action](args, data_dir, now)
    except CatalogueError as error:
        print(f"feeds {args.action} failed:\n{error}", file=sys.stderr)
        return 1


def _add(args: argparse.Namespace, data_dir: Path, now: datetime) -> int:
    name = args.name or name_from_url(args.url)
    feed = new_feed(
        {
            "name": name,
            "url": args.url,
            "format": args.format,
            "organisation": args.organisation,
            "interval": args.interval,
        }
    )
    path = add_feed(data_dir, feed)
    print(
        f"added {feed.name} to {path}; fetch it now with: python -m catalogue feeds refresh "
        f"{feed.name}"
    )
    return 0


def _list(args: argparse.Namespace, data_dir: Path, now: datetime) -> int:
    feeds = read_feeds(data_dir)
    if not feeds:
        print(f"no feeds in {feeds_path(data_dir)} (add one with: python -m catalogue feeds add)")
    for feed in feeds:
        organisation = feed.organisation or feed.format.default_organisation or "per row"
        print(
            f"{feed.name}: {feed.format.value}, organisation {organisation}, "
            f"every {format_interval(feed.interval)}, {feed.url}"
        )
    return 0


def _refresh(args: argparse.Namespace, data_dir: Path, now: datetime) -> int:
    feeds = read_feeds(data_dir)
    unknown = sorted(set(args.names) - {feed.name for feed in feeds})
    if unknown:
        known = ", ".join(feed.name for feed in feeds) or "none"
        print(f"no such feed: {', '.join(unknown)} (subscribed: {known})", file=sys.stderr)
        return 1
    chosen = [feed for feed in feeds if not args.names or feed.name in args.names]
    results = refresh_feeds(chosen, data_dir, now=now)
    for result in results:
        if result.report is not None:
            for skipped in result.report.skipped:
                print(f"  skipped: {skipped}")
            for merged in result.report.merged:
                print(f"  merged: {merged}")
        print(result.summary())
    return 1 if any(r.outcome is Outcome.FAILED for r in results) else 0


def _status(args: argparse.Namespace, data_dir: Path, now: datetime) -> int:
    read_feeds(data_dir)  # an invalid feeds.yaml is an error here (exit 1)
    print(status_report(data_dir, now))
    return 0


def name_from_url(url: str) -> str:
    """A feed name from its address: the host without ``www.``.

    >>> name_from_url("https://www.aa-nederland.nl/wp-json/tsml/meetings")
    'aa-nederland-nl'
    """
    host = urlsplit(url).hostname or ""
    return slugify(host.removeprefix("www."))[:60].strip("-")


_ACTIONS = {"add": _add, "list": _list, "refresh": _refresh, "status": _status}


if __name__ == "__main__":  # pragma: no cover - `python -m catalogue feeds` is the way in
    parser = argparse.ArgumentParser(prog="python -m catalogue.cli_feeds")
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
