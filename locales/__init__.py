"""The gettext catalogues, read through Babel.

Message ids are the Dutch texts (Dutch, informal "je", is the default
language); `en/LC_MESSAGES/messages.po` holds the English. Catalogues are
compiled in memory from the `.po` files when first asked for, so the
repository holds no generated binaries and an edited `.po` takes effect at
the next start.

Extract and update after changing texts::

    pybabel extract -F locales/babel.cfg -k N_ -o locales/messages.pot .
    pybabel update -i locales/messages.pot -d locales -l en
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "N_", "translations"]

LOCALES_DIR = Path(__file__).parent
DEFAULT_LANGUAGE = "nl"
LANGUAGES = ("nl", "en")


def N_(message: str) -> str:
    """Mark a text for extraction where it is defined; translate it where it is shown."""
    return message


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The translations for `language`; Dutch (the message ids) for anything unknown."""
    po_path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT_LANGUAGE or not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
