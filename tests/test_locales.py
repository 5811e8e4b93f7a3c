"""Every user-facing text has a real English translation with the same placeholders.

The messages are extracted from the source with Babel's own API, the same
way `pybabel extract -F locales/babel.cfg -k N_` does, so a text added with
`_()` and never translated fails here, not in front of a user.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from locales import translations

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _method_map() -> list[tuple[str, str]]:
    """The [python: …] patterns of locales/babel.cfg."""
    text = (ROOT / "locales" / "babel.cfg").read_text()
    return [(pattern.strip(), "python") for pattern in re.findall(r"\[python:\s*([^\]]+)\]", text)]


def _extracted() -> dict[object, list[str]]:
    """msgid (a str, or a (singular, plural) tuple) -> where it is used."""
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found: dict[object, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=_method_map(), keywords=keywords
    ):
        if filename.startswith((".venv", "tests")):
            continue
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


EXTRACTED = _extracted()
with (ROOT / "locales" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
    ENGLISH = read_po(po_file, locale="en")


def test_the_source_has_messages_to_check():
    assert len(EXTRACTED) > 150
    assert "Voor wie zoek je een groep?" in EXTRACTED


@pytest.mark.parametrize("msgid", sorted(EXTRACTED, key=str), ids=lambda m: str(m)[:60])
def test_every_message_has_a_complete_english_translation(msgid):
    singular = msgid if isinstance(msgid, str) else msgid[0]
    message = ENGLISH.get(singular)
    where = ", ".join(EXTRACTED[msgid])
    assert message is not None, f"not in messages.po: {msgid!r} ({where})"
    assert not message.fuzzy, f"fuzzy: {msgid!r}"
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    assert strings and all(s.strip() for s in strings), f"untranslated: {msgid!r} ({where})"
    ids = msgid if isinstance(msgid, tuple) else (msgid,)
    wanted = set(PLACEHOLDER.findall(" ".join(ids)))
    for string in strings:
        assert set(PLACEHOLDER.findall(string)) == wanted, f"placeholders differ: {msgid!r}"


def test_no_fuzzy_entries_are_left():
    assert not [m.id for m in ENGLISH if m.id and m.fuzzy]


def test_the_english_catalogue_compiles_and_is_used():
    english = translations("en")
    assert english.gettext("Voor mezelf") == "For myself"
    assert english.ngettext(
        "{count} bijeenkomst gevonden.", "{count} bijeenkomsten gevonden.", 2
    ) == ("{count} meetings found.")
