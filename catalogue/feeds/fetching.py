"""Fetching one feed over HTTP with httpx: politely, with limits, and only when it changed.

- **Conditional GET**: the ETag and Last-Modified of the last good copy go out
  as ``If-None-Match`` / ``If-Modified-Since``; a 304 means "still the same"
  and costs the server almost nothing.
- **Limits**: a timeout per request, a body size limit (read as a stream and
  cut off, never held whole), at most `MAX_REDIRECTS` redirects.
- **Retries with backoff**: a network error, a timeout, a 429 or a 5xx is tried
  again after 1 s, 2 s, 4 s (`Limits.backoff_s`); a 4xx other than 429 is not.
  The pause is injected (`sleep`), so tests never wait.

Anything that does not give a body (or a 304) raises `FeedFetchError` naming
the feed; the caller keeps the last good copy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from catalogue.errors import FeedFetchError

MAX_REDIRECTS = 5
USER_AGENT = "Zelfhulpwijzer feed reader (self-help group finder; one fetch a day)"


@dataclass(frozen=True, slots=True)
class Limits:
    """How patient and how generous a fetch is."""

    timeout_s: float = 30.0
    max_bytes: int = 20 * 1024 * 1024
    """Meeting Guide feeds of whole regions are a few MB; 20 MB is far beyond any real one."""
    tries: int = 3
    backoff_s: float = 1.0


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Fetched:
    """What the server gave: a new body, or None when it said 304 Not Modified."""

    body: bytes | None
    etag: str | None
    last_modified: str | None
    status: int


def fetch(
    name: str,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    sleep: Callable[[float], None] = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """GET `url` for the feed `name`, conditionally, within `limits`.

    Raises:
        FeedFetchError: unreachable, too many redirects, a 4xx/5xx, or too large.
    """
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/csv;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with httpx.Client(
        timeout=limits.timeout_s,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers=headers,
        transport=transport,
    ) as client:
        problem = ""
        for attempt in range(limits.tries):
            if attempt:
                sleep(limits.backoff_s * 2 ** (attempt - 1))
            try:
                return _get(client, name, url, limits.max_bytes)
            except _Retry as retry:
                problem = str(retry)
        tries = f" (after {limits.tries} tries)" if limits.tries > 1 else ""
        raise FeedFetchError(f"{name}: {problem}{tries}")


class _Retry(Exception):
    """A failure worth another try (network, timeout, 429, 5xx)."""


def _get(client: httpx.Client, name: str, url: str, max_bytes: int) -> Fetched:
    try:
        with client.stream("GET", url) as response:
            status = response.status_code
            if status == 304:
                return Fetched(None, _header(response, "ETag"), None, status)
            if status == 429 or status >= 500:
                raise _Retry(f"the server answered {status}")
            if status >= 400:
                raise FeedFetchError(f"{name}: the server answered {status} for {url}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(name, max_bytes)
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise _too_large(name, max_bytes)
            return Fetched(
                bytes(body),
                _header(response, "ETag"),
                _header(response, "Last-Modified"),
                status,
            )
    except httpx.TooManyRedirects:
        raise FeedFetchError(f"{name}: more than {MAX_REDIRECTS} redirects from {url}") from None
    except httpx.TimeoutException:
        raise _Retry("no answer in time") from None
    except httpx.TransportError as error:
        raise _Retry(f"unreachable ({type(error).__name__})") from None


def _too_large(name: str, max_bytes: int) -> FeedFetchError:
    size = f"{max_bytes // 2**20} MB" if max_bytes >= 2**20 else f"{max_bytes} bytes"
    return FeedFetchError(f"{name}: the feed is larger than {size}, the limit")


def _header(response: httpx.Response, name: str) -> str | None:
    return response.headers.get(name) or None
