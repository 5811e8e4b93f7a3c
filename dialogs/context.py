"""What the bot tells the dialogue for one turn.

The dialogue reads no clock, no storage and no environment: the adapter
builds a `TurnContext` for every turn with the person's language, the
current instant, the catalogue and its indexes, and the few facts it keeps
for this person (their reminders). `places` and `search` are typed as
protocols so that the dialogue depends on what it uses, not on how the
indexes are built.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from catalogue.kinds import Country
from catalogue.models import Catalogue
from catalogue.places import Place, PlaceLookup
from locales import DEFAULT_LANGUAGE, LANGUAGES, translations

if TYPE_CHECKING:
    from catalogue.search import Query, SearchResult


class Places(Protocol):
    """What the dialogue needs of `catalogue.places.PlaceIndex`."""

    def lookup(self, text: str) -> PlaceLookup: ...

    def named(self, text: str) -> PlaceLookup | None: ...

    def nearest(self, lat: float, lon: float) -> Place | None: ...

    def get(self, place_id: str) -> Place | None: ...


class Search(Protocol):
    """What the dialogue needs of `catalogue.search.SearchIndex`."""

    def find(
        self, query: Query, now: datetime, limit: int = 5, offset: int = 0
    ) -> SearchResult: ...


@dataclass(frozen=True, slots=True)
class ReminderView:
    """One reminder the person has set, as the bot passes it in for `/herinneringen`.

    `reminder_id` is the bot's own id for it (short: it goes into a button);
    `next_at` is when the next reminder message goes out (aware), if known.
    """

    reminder_id: str
    meeting_id: str
    offsets_minutes: tuple[int, ...]
    weekly: bool
    next_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TurnContext:
    """Everything one turn may read besides the state and the event.

    `language` is "nl" or "en" (anything else is treated as Dutch).
    `translations` defaults to `locales.translations(language)`.
    `offer_english` is set when the person's Telegram language is neither
    Dutch nor English: the welcome screen then offers English.
    `bot_link` is the bot's public link (``https://t.me/<username>``), put
    into texts a person forwards. `country` is a hint where the person
    probably is (e.g. from a chosen place); it orders helplines.
    `outdated_feeds` are the sources (feed addresses) not refreshed for over
    30 days: their meetings say the data may be out of date.
    """

    language: str
    now: datetime
    catalogue: Catalogue
    places: Places
    search: Search
    translations: gettext.NullTranslations | None = None
    bot_link: str = ""
    reminders: tuple[ReminderView, ...] = ()
    country: Country | None = None
    offer_english: bool = False
    outdated_feeds: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            object.__setattr__(self, "language", DEFAULT_LANGUAGE)
        if self.translations is None:
            object.__setattr__(self, "translations", translations(self.language))
        if self.now.tzinfo is None:
            raise ValueError("TurnContext.now must be timezone-aware")

    def gettext(self, message: str) -> str:
        assert self.translations is not None
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        assert self.translations is not None
        return self.translations.ngettext(singular, plural, n)

    def in_language(self, language: str) -> TurnContext:
        """The same context in another language (after the person chose one)."""
        return replace(self, language=language, translations=None, offer_english=False)
