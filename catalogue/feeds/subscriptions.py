"""``<data dir>/feeds.yaml``: the feeds an operator subscribes to, validated by pydantic.

The file is meant to be edited by hand (or with ``python -m catalogue feeds
add``); its header says what each field means. Example::

    feeds:
      - name: na-nederland
        url: https://bmlt.example.org/main_server/client_interface/json/?switcher=GetSearchResults
        format: bmlt
        organisation: na
        interval: 1d

A file that does not validate is refused whole, with one line per problem
naming the file, the feed and the field (``feeds.yaml: feed 'na-nl': field
'url': ...``), like every other data file.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from catalogue.errors import DataFileError, DataFilesError
from catalogue.importers import FeedFormat
from catalogue.importers.store import write_atomically
from catalogue.yaml_files import read_yaml

FEEDS_FILE = "feeds.yaml"
DEFAULT_INTERVAL = timedelta(days=1)
MIN_INTERVAL = timedelta(minutes=15)
"""A feed is kept by volunteers on small servers: never ask more often than this."""

HEADER = """\
# Feeds the bot keeps current while it runs (see README, "Feeds").
#
# Each feed is fetched on its interval (daily by default, with a few minutes of
# jitter), checked whole, and imported into imports/<format>-<name>.yaml; the
# running bot then swaps in the new catalogue without a restart. A feed that
# fails (unreachable, a server error, invalid JSON, every record bad, or fewer
# than half the meetings of its last good copy) keeps its last good copy.
#
# Fields of each feed:
#   name          a-z, 0-9 and -; names the feed in logs, `feeds status` and the import file
#   url           http(s) address of the feed
#   format        meeting-guide (Meeting Guide JSON, 12 Step Meeting List:
#                 /wp-json/tsml/meetings or admin-ajax.php?action=meetings),
#                 bmlt (a BMLT GetSearchResults URL), csv (the import template),
#                 fellow-finder
#   organisation  organisation id from organisations.yaml (default: aa for
#                 meeting-guide, na for bmlt; a csv names it per row)
#   interval      how often to fetch: 30m, 6h, 1d, 2d... (default 1d, at least 15m)
#
# Edit by hand or with `python -m catalogue feeds add URL --format FORMAT`.
"""

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_INTERVAL = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_interval(text: str) -> timedelta:
    """``30m``, ``6h``, ``1d`` as a timedelta (at least `MIN_INTERVAL`).

    >>> parse_interval("6h"), parse_interval("2d")
    (datetime.timedelta(seconds=21600), datetime.timedelta(days=2))
    """
    match = _INTERVAL.match(str(text))
    if match is None:
        raise ValueError(f"{text!r} is not an interval (expected e.g. 30m, 6h or 1d)")
    interval = timedelta(**{_UNITS[match[2]]: int(match[1])})
    if interval < MIN_INTERVAL:
        raise ValueError(f"{text!r} is too often (expected at least 15m)")
    return interval


def format_interval(interval: timedelta) -> str:
    """The shortest exact text for an interval: ``1d``, ``6h``, ``90m``."""
    minutes = int(interval.total_seconds() // 60)
    for unit, size in (("d", 1440), ("h", 60)):
        if minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


class Feed(BaseModel):
    """One subscribed feed, as written in ``feeds.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(pattern=_NAME.pattern, max_length=60)]
    url: str
    format: FeedFormat
    organisation: str | None = None
    interval: timedelta = DEFAULT_INTERVAL

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        if not re.match(r"^https?://[^\s/]+", url):
            raise ValueError(f"{url!r} is not an http(s) address")
        return url

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> timedelta:
        if isinstance(value, timedelta):
            return value
        return parse_interval(str(value))

    @model_validator(mode="after")
    def _url_fits_format(self) -> Feed:
        """A BMLT feed is a ``GetSearchResults`` query of the root server's JSON interface."""
        if self.format is FeedFormat.BMLT:
            if "/client_interface/tsml/" in self.url:
                raise ValueError(
                    "field 'url': BMLT's tsml output is Meeting Guide JSON: use --format "
                    "meeting-guide for it"
                )
            if "switcher=GetSearchResults" not in self.url:
                raise ValueError(
                    f"field 'url': {self.url!r} is not a BMLT search (expected "
                    "<root server>/client_interface/json/?switcher=GetSearchResults&services=...)"
                )
        return self

    def to_record(self) -> dict[str, Any]:
        """The feed as it is written in ``feeds.yaml`` (defaults left out)."""
        record: dict[str, Any] = {"name": self.name, "url": self.url, "format": self.format.value}
        if self.organisation:
            record["organisation"] = self.organisation
        if self.interval != DEFAULT_INTERVAL:
            record["interval"] = format_interval(self.interval)
        return record


class _FeedsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feeds: list[Feed] = []


def feeds_path(data_dir: Path) -> Path:
    """Where the subscriptions live: ``<data dir>/feeds.yaml``."""
    return Path(data_dir) / FEEDS_FILE


def read_feeds(data_dir: Path) -> tuple[Feed, ...]:
    """The subscribed feeds, in file order; none when there is no ``feeds.yaml``.

    Raises:
        DataFilesError: the file does not validate (every problem listed).
    """
    path = feeds_path(data_dir)
    if not path.exists():
        return ()
    data = read_yaml(path.read_text(encoding="utf-8"), FEEDS_FILE) or {}
    try:
        parsed = _FeedsFile.model_validate(data)
    except ValidationError as error:
        raise DataFilesError(_errors(error, data)) from None
    names = [feed.name for feed in parsed.feeds]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise DataFilesError(
            [DataFileError(FEEDS_FILE, f"feed '{n}'", "name", "used twice") for n in twice]
        )
    return tuple(parsed.feeds)


def new_feed(fields: dict[str, Any]) -> Feed:
    """A feed from what an operator typed, checked like a line of ``feeds.yaml``.

    Raises:
        DataFilesError: naming each wrong field.
    """
    try:
        return Feed.model_validate(fields)
    except ValidationError as error:
        raise DataFilesError(_errors(error, {"feeds": [fields]}, offset=("feeds", 0))) from None


def add_feed(data_dir: Path, feed: Feed) -> Path:
    """Append `feed` to ``feeds.yaml`` (created with its header); hand-written lines stay.

    Raises:
        DataFilesError: the file is already invalid, or the name is taken.
    """
    path = feeds_path(data_dir)
    existing = read_feeds(data_dir)
    if any(f.name == feed.name for f in existing):
        raise DataFilesError(
            [DataFileError(FEEDS_FILE, f"feed '{feed.name}'", "name", "is already subscribed")]
        )
    entry = yaml.safe_dump([feed.to_record()], sort_keys=False, allow_unicode=True, width=200)
    entry = "".join(f"  {line}\n" for line in entry.splitlines())
    if path.exists() and existing:
        text = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + entry
    else:  # new, or only a header / ``feeds: []``: write it afresh
        text = HEADER + "feeds:\n" + entry
    write_atomically(path, text)
    read_feeds(data_dir)  # what was written reads back
    return path


def _errors(
    error: ValidationError, data: Any, offset: tuple[str | int, ...] = ()
) -> list[DataFileError]:
    """Pydantic's errors in the catalogue's words: file, feed, field, problem."""
    found = []
    for problem in error.errors():
        location = [*offset, *problem["loc"]]
        record = None
        if len(location) >= 2 and location[0] == "feeds" and isinstance(location[1], int):
            index = location[1]
            items = data.get("feeds") if isinstance(data, dict) else None
            name = items[index].get("name") if isinstance(items, list) else None
            record = f"feed '{name}'" if isinstance(name, str) else f"feed #{index + 1}"
            location = location[2:]
        field = ".".join(str(part) for part in location) or None
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "enum":
            message = f"{problem['input']!r} is not a format (expected one of: " + (
                ", ".join(f.value for f in FeedFormat) + ")"
            )
        found.append(DataFileError(FEEDS_FILE, record, field, message))
    return found
