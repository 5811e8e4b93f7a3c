"""The bot's outer layer: configuration, storage, turns, and the Telegram and terminal adapters.

`python -m bot` runs it (see `bot.__main__`). `__all__` lists what other code may import.
`TurnRunner`/`TurnScope` are loaded on first use, so that ``python -m bot clinic`` and
the storage do not pull in the dialogue and catalogue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.config import Config, ConfigError
from bot.secrets import Secrets, load_secrets
from bot.storage import Conversation, Storage, StorageError

if TYPE_CHECKING:
    from bot.turns import TurnRunner, TurnScope

__all__ = [
    "Config",
    "ConfigError",
    "Conversation",
    "Secrets",
    "Storage",
    "StorageError",
    "TurnRunner",
    "TurnScope",
    "load_secrets",
]


def __getattr__(name: str) -> Any:
    if name in ("TurnRunner", "TurnScope"):
        from bot import turns

        return getattr(turns, name)
    raise AttributeError(f"module 'bot' has no attribute {name!r}")
