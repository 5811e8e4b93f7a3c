"""``python -m bot clinic ...``: links, posters and counts for the clinics that refer people.

    python -m bot clinic link CLINIC [--for self|naaste] [--relation R] [--aim yourself|them]
                                     [--problem P] [--near PLACE] [--bot-username NAME]
                                     [--data-dir DIR]
    python -m bot clinic poster CLINIC [same options] --out FILE [--lang nl|en]
    python -m bot clinic stats [--since DATE|WEEK] [--clinic ID] [--data-dir DIR]

For operators, so it speaks English. Exit status: 0 done, 1 the request could
not be carried out (the message says why), 2 the command line was wrong.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.clinics.counters import iso_week_of_date
from bot.clinics.links import (
    LinkError,
    LinkRequest,
    bot_username,
    clinic_link,
    describe_place,
    find_clinic,
    preselection_for,
)
from bot.clinics.poster import write_poster
from bot.clinics.stats import format_table, read_stats_file
from bot.config import DATABASE_FILENAME
from bot.storage import StorageError
from catalogue.errors import CatalogueError
from catalogue.kinds import Problem, Relation, Seeker
from catalogue.loading import default_data_dir, load_catalogue
from catalogue.models import Catalogue
from catalogue.places import PlaceIndex
from dialogs.deeplink import Preselection
from locales import LANGUAGES

__all__ = ["main"]

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, slots=True)
class _Streams:
    out: TextIO
    err: TextIO


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one ``clinic`` subcommand; return the exit status."""
    environ = os.environ if environ is None else environ
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _parser()
    try:
        with redirect_stdout(out), redirect_stderr(err):  # usage and --help go where asked
            args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return int(args.run(args, environ, _Streams(out, err)))
    except (LinkError, StorageError, CatalogueError) as error:
        print(f"error: {error}", file=err)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot clinic",
        description="Deep links, QR posters and anonymous weekly counts for referring clinics.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    link = commands.add_parser("link", help="print the clinic's t.me link")
    _link_options(link)
    link.set_defaults(run=_run_link)

    poster = commands.add_parser("poster", help="make an A4 poster (PDF) and a PNG with a QR code")
    _link_options(poster)
    poster.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="poster.pdf or poster.png writes that one; any other name writes both",
    )
    poster.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of the poster (default: the clinic's language in the catalogue)",
    )
    poster.set_defaults(run=_run_poster)

    stats = commands.add_parser("stats", help="print weekly counts per clinic (1-4 as <5)")
    stats.add_argument(
        "--since",
        type=_since_week,
        metavar="DATE",
        help="first week to show: a date (2026-11-02) or an ISO week (2026-W45)",
    )
    stats.add_argument("--clinic", metavar="ID", help="only this clinic")
    _data_dir_option(stats)
    stats.set_defaults(run=_run_stats)
    return parser


def _link_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clinic", metavar="CLINIC", help="the clinic's id in the catalogue")
    parser.add_argument(
        "--for", dest="seeker", type=Seeker, choices=list(Seeker), help="whom the search is for"
    )
    parser.add_argument(
        "--relation",
        type=Relation,
        choices=list(Relation),
        help="for a naaste: how they are related (implies --for naaste)",
    )
    parser.add_argument(
        "--aim",
        choices=("yourself", "them"),
        help="for a naaste: support for yourself, or a group for them (implies --for naaste)",
    )
    parser.add_argument("--problem", type=Problem, choices=list(Problem), help="what it is about")
    parser.add_argument("--near", metavar="PLACE", help="a town or postcode to search around")
    parser.add_argument(
        "--bot-username", metavar="NAME", help="the bot's Telegram username (or BOT_USERNAME)"
    )
    _data_dir_option(parser)


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="the bot's data directory (default: ZELFHULPWIJZER_DATA_DIR or ./var)",
    )


def _since_week(text: str) -> str:
    """A date or an ISO week, as the ISO week it starts."""
    if match := _WEEK.match(text.strip()):
        try:
            date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"{text!r}: no such ISO week") from error
        return text.strip()
    try:
        return iso_week_of_date(date.fromisoformat(text.strip()))
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected a date like 2026-11-02 or a week like 2026-W45"
        ) from error


def _catalogue(args: argparse.Namespace) -> Catalogue:
    return load_catalogue(args.data_dir or default_data_dir())


def _link(
    args: argparse.Namespace, environ: Mapping[str, str], catalogue: Catalogue, err: TextIO
) -> str:
    """The link; what it preselects is told on stderr, so a fuzzy --near can be checked."""
    username = bot_username(args.bot_username, environ)
    for_them = None if args.aim is None else args.aim == "them"
    request = LinkRequest(
        args.clinic, args.seeker, args.relation, args.problem, args.near, for_them
    )
    places = PlaceIndex.bundled() if args.near else None
    preselection = preselection_for(request, catalogue, places)
    link = clinic_link(username, preselection, catalogue)
    print(_explain(preselection, places), file=err)
    return link


def _explain(preselection: Preselection, places: PlaceIndex | None) -> str:
    parts = [f"clinic: {preselection.clinic_id}"]
    if preselection.seeker is not None:
        relation = f" ({preselection.relation})" if preselection.relation else ""
        parts.append(f"for: {preselection.seeker}{relation}")
    if preselection.problem is not None:
        parts.append(f"problem: {preselection.problem}")
    if preselection.for_them is not None:
        parts.append(f"aim: {'them' if preselection.for_them else 'yourself'}")
    if preselection.place_id is not None and places is not None:
        place = places.get(preselection.place_id)
        parts.append(f"near: {describe_place(place) if place else preselection.place_id}")
    return "; ".join(parts)


def _run_link(args: argparse.Namespace, environ: Mapping[str, str], io: _Streams) -> int:
    print(_link(args, environ, _catalogue(args), io.err), file=io.out)
    return 0


def _run_poster(args: argparse.Namespace, environ: Mapping[str, str], io: _Streams) -> int:
    catalogue = _catalogue(args)
    clinic = find_clinic(catalogue, args.clinic)
    link = _link(args, environ, catalogue, io.err)
    language = args.lang or (clinic.language if clinic.language in LANGUAGES else "nl")
    for path in write_poster(args.out, link, clinic.name, language):
        print(f"wrote {path}", file=io.out)
    print(f"link: {link}", file=io.out)
    return 0


def _run_stats(args: argparse.Namespace, environ: Mapping[str, str], io: _Streams) -> int:
    database = (args.data_dir or default_data_dir()) / DATABASE_FILENAME
    rows = read_stats_file(database, since_week=args.since, clinic_id=args.clinic)
    print(format_table(rows), file=io.out)
    return 0
