"""The bot's outer layer: configuration, storage, turns, and the Telegram and terminal adapters.

`python -m bot` runs it (see `bot.__main__`); `bot.app` builds it. `__all__` lists what
other code may import from here; the submodules are imported by name where needed, so that
``python -m bot clinic`` and the storage do not pull in the dialogue and catalogue.
"""

from __future__ import annotations

from bot.config import Config, ConfigError
from bot.secrets import Secrets, load_secrets
from bot.storage import Conversation, Storage, StorageError

__all__ = [
    "Config",
    "ConfigError",
    "Conversation",
    "Secrets",
    "Storage",
    "StorageError",
    "load_secrets",
]
