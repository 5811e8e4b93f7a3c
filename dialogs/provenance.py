"""Where a meeting's facts come from, as the line at the foot of its page.

Real meetings are copies of a fellowship's own list: the line gives the date
of that copy and sends the reader to the official page before going, since
the fellowship's site is right when the two differ. Facts a person checked
(sample data, hand-kept files) say when they were checked.

    provenance_line(meeting, website, ctx)
    # "Gegevens van 18 juli 2026 (NA Nederland) · kijk voor je gaat even op de
    #  officiële pagina: https://www.nanederland.nl/meetings/..."
"""

from __future__ import annotations

from catalogue.models import Meeting
from dialogs.context import TurnContext
from dialogs.formatting import day


def provenance_line(meeting: Meeting, website: str | None, ctx: TurnContext) -> str:
    """The source line of a meeting page: its date, whose data, and the official link."""
    _ = ctx.gettext
    source = meeting.source
    name = source.name if source.via is None else f"{source.name}, via {source.via}"
    if source.as_of is None:
        return _("Bron: {source}, gecontroleerd op {date}.").format(
            source=name, date=day(source.dated_on, ctx.language)
        )
    line = _("Gegevens van {date} ({source})").format(
        date=day(source.as_of, ctx.language), source=name
    )
    official = meeting.url or source.url or website
    if official is None:
        return line + "."
    return (
        line
        + " · "
        + _("kijk voor je gaat even op de officiële pagina: {url}").format(url=official)
    )
