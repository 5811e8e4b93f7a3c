"""What the bot may say about the date of its facts: "checked" only when someone checked.

A record's `Source.verified_on` is the date its facts are from. Only a source
that names who checked (`checked_by`) is shown as checked, with who did; any
other date is shown as what it is, the date of the data; a helpline nobody
checked shows the source it was taken from and that source's own date.
"""

from __future__ import annotations

from catalogue.models import Source
from dialogs.context import TurnContext
from dialogs.formatting import day


def as_of_line(source: Source, ctx: TurnContext, with_source: bool = True) -> str:
    """ "Gecontroleerd op 23 november 2026 door …", "Gegevens van 18 juli 2026 (bron: …)",
    or "Bron: upday.com (2025-10-03), nog niet nagekeken."."""
    _ = ctx.gettext
    if source.verified_on is None:
        if source.dated:
            return _("Bron: {source} ({date}), nog niet nagekeken.").format(
                source=source.name, date=source.dated
            )
        return _("Bron: {source}, nog niet nagekeken.").format(source=source.name)
    when = day(source.verified_on, ctx.language)
    if source.checked_by:
        return _("Gecontroleerd op {date} door {who}.").format(date=when, who=source.checked_by)
    if with_source:
        return _("Gegevens van {date} (bron: {source}).").format(date=when, source=source.name)
    return _("Gegevens van {date}.").format(date=when)
