"""Which links are a way to join a meeting: those of known video-meeting providers.

A feed's `conference_url` is often a group's own website, a Facebook page or
a form. Shown as "join online", that would send a newcomer nowhere, so only
a link to a known provider counts (by host name, subdomains included)::

    assert is_conference_link("https://us06web.zoom.us/j/123")
    assert not is_conference_link("https://www.aa-utrecht.nl/")
"""

from __future__ import annotations

from urllib.parse import urlsplit

#: Hosts of video-meeting providers (a link's host is one of these or a subdomain).
PROVIDER_HOSTS = (
    "zoom.us",
    "zoom.com",
    "zoomgov.com",
    "teams.microsoft.com",
    "teams.live.com",
    "meet.google.com",
    "meet.jit.si",
    "jitsi.org",
    "8x8.vc",
    "webex.com",
    "whereby.com",
    "gotomeeting.com",
    "gotomeet.me",
    "meet.goto.com",
    "join.skype.com",
    "bluejeans.com",
    "meet.lync.com",
    "discord.gg",
    "signal.group",
)


def is_conference_link(url: str) -> bool:
    """True for an https/http link whose host belongs to a known meeting provider."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("https", "http"):
        return False
    host = (parts.hostname or "").lower()
    return any(host == known or host.endswith("." + known) for known in PROVIDER_HOSTS)
