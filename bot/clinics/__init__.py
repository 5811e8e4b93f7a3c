"""Clinics that refer people: deep links, QR posters, and weekly counts that name no one.

- `links`: a clinic's ``t.me`` link with a preselection (`dialogs.deeplink` packs it).
- `poster`: the link as an A4 poster (PDF) and a screen image (PNG) with a QR code.
- `counters`: the ``counters`` table (clinic, ISO week, metric, count): `count_metric`.
- `stats`: the counts as a table with 1-4 shown as "<5" (CLI and `/stats`).
- `cli`: ``python -m bot clinic link|poster|stats``.
- `hooks`: the clinics' part of the running bot (wired in `bot.app`):
  `counting_handler`, which counts the dialogue's `CountMetric` effects, and
  `stats_command`, what an administrator's `/stats` answers.

Import the submodules themselves: this package imports nothing, so that the
operator CLI does not load the whole dialogue and the bot does not load fpdf2.
"""

from __future__ import annotations

__all__ = ["cli", "counters", "hooks", "links", "poster", "stats"]
