"""The keys that keep a stolen database file from saying who looks for help with what.

One master key (32 random bytes) comes from ``ZELFHULPWIJZER_SECRET_KEY``
(base64 or hex). Two sub-keys are derived from it with HKDF-SHA256, so the
lookup hash and the encryption never share key material:

- `Secrets.user_key(chat_id)`: HMAC-SHA256 of the chat id, hex. The database
  finds a user by this; without the key it cannot be reversed by trying all
  chat ids.
- `Secrets.lookup_key(kind, value)`: the same keyed hash for other values a
  query must find without reading them (a meeting id: "every reminder for
  this meeting").
- `Secrets.seal(data, context, bucket)` / `Secrets.unseal(blob, context)`:
  AES-256-GCM with a random 96-bit nonce, for what must be read back (the
  chat id to send to, the conversation state that ties a chat to a problem,
  a reminder's meeting). `context` is authenticated but not stored; callers
  pass table, column and user key so a sealed value copied into another row
  or column does not decrypt. The plaintext is padded to a fixed-length
  bucket first, so the length of a sealed value does not tell the number of
  digits of a chat id or which problem a state names.

Without the variable, development generates ``<data_dir>/secret.key``
(owner-only, mode 0600) and warns; production refuses to start, because a
key generated on a disposable disk would silently orphan every user's data.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import os
import secrets as _random
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.config import Config

__all__ = [
    "SecretKeyError",
    "Secrets",
    "UnsealError",
    "is_weak_key",
    "load_secrets",
    "parse_master_key",
]

log = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
PAD_MARK = b"\x80"
"""Ends the real data inside a padded plaintext (ISO/IEC 7816-4 padding: 0x80, then zeros)."""
MIN_KEY_BYTE_KINDS = 20
"""A master key with fewer distinct byte values than this is not random (32 random bytes
have about 30): all zeros, one repeated byte, a short pattern or a typed phrase."""
_HASH_INFO = b"zelfhulpwijzer/v1/user-key"
_ENCRYPTION_INFO = b"zelfhulpwijzer/v1/encryption"


class SecretKeyError(ValueError):
    """The secret key is missing where it is required, or is not 32 bytes of base64/hex."""


class UnsealError(ValueError):
    """A sealed value failed authentication: another key, another context, or tampering."""


@dataclass(frozen=True, slots=True)
class Secrets:
    """The two derived keys; build with `Secrets.from_master_key` or `load_secrets`."""

    hash_key: bytes = field(repr=False)
    encryption_key: bytes = field(repr=False)

    @classmethod
    def from_master_key(cls, master_key: bytes) -> Secrets:
        """Derive the lookup key and the encryption key from one 32-byte master key."""
        if len(master_key) != KEY_BYTES:
            raise SecretKeyError(f"secret key must be {KEY_BYTES} bytes, got {len(master_key)}")
        return cls(
            hash_key=_derive(master_key, _HASH_INFO),
            encryption_key=_derive(master_key, _ENCRYPTION_INFO),
        )

    def user_key(self, chat_id: int) -> str:
        """The stable, keyed lookup key of a chat (64 hex digits)."""
        return hmac.new(self.hash_key, str(chat_id).encode(), sha256).hexdigest()

    def lookup_key(self, kind: str, value: str) -> str:
        """A keyed hash of `value` that queries can match on (64 hex digits).

        `kind` keeps the hashes of different kinds of value apart (a meeting id
        never hashes like a chat id).
        """
        return hmac.new(self.hash_key, f"{kind}|{value}".encode(), sha256).hexdigest()

    def seal(self, data: bytes, context: str, bucket: int = 32) -> bytes:
        """Encrypt and authenticate `data`, bound to `context`; returns nonce + ciphertext.

        The plaintext is padded to `bucket` bytes, or the next power of two
        above it for longer data, so sealed values of one column have one of
        a few lengths.
        """
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.encryption_key).encrypt(
            nonce, pad(data, bucket), context.encode()
        )

    def unseal(self, blob: bytes, context: str) -> bytes:
        """Decrypt what `seal` made with the same `context`; `UnsealError` otherwise."""
        nonce, ciphertext = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        try:
            padded = AESGCM(self.encryption_key).decrypt(nonce, ciphertext, context.encode())
        except (InvalidTag, ValueError) as error:
            raise UnsealError("sealed value failed authentication") from error
        return unpad(padded)


def pad(data: bytes, bucket: int) -> bytes:
    """`data`, `PAD_MARK` and zeros up to `bucket` bytes or the next power of two above.

    >>> len(pad(b"123456789", 32)), len(pad(b"-1001234567890", 32)), len(pad(bytes(40), 32))
    (32, 32, 64)
    """
    size = bucket
    while size < len(data) + 1:
        size *= 2
    return data + PAD_MARK + bytes(size - len(data) - 1)


def unpad(padded: bytes) -> bytes:
    """The data `pad` padded. A value sealed before padding existed (its last byte is a
    digit or ``}``, never the mark or a zero) comes back as it was.

    >>> unpad(pad(b"42", 32)), unpad(b"42")
    (b'42', b'42')
    """
    stripped = padded.rstrip(b"\x00")
    if stripped.endswith(PAD_MARK):
        return stripped[: -len(PAD_MARK)]
    return padded


def _derive(master_key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(
        master_key
    )


def parse_master_key(text: str) -> bytes:
    """32 bytes from hex (64 digits) or base64 (standard or URL-safe, padding optional).

    >>> len(parse_master_key("00" * 32))
    32
    """
    text = text.strip()
    if len(text) == 2 * KEY_BYTES:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    padded = text + "=" * (-len(text) % 4)
    try:
        key = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise SecretKeyError(
            f"ZELFHULPWIJZER_SECRET_KEY must be {KEY_BYTES} random bytes as base64 or hex; "
            'make one with: python -c "import secrets; print(secrets.token_hex(32))"'
        )
    return key


def is_weak_key(key: bytes) -> bool:
    """Whether a master key cannot have come from a random generator.

    >>> is_weak_key(bytes(32)), is_weak_key(b"0123456789abcdef" * 2), is_weak_key(bytes(range(32)))
    (True, True, False)
    """
    return len(set(key)) < MIN_KEY_BYTE_KINDS


def load_secrets(config: Config) -> Secrets:
    """The keys for this run: from the environment, else (development only) a key file.

    Raises `SecretKeyError` in production without ``ZELFHULPWIJZER_SECRET_KEY``,
    for a weak key there (all zeros, low entropy), for a ``secret.key`` left
    in the data directory there (a development key, or a copy of the real one
    lying beside the database it unlocks), and for a malformed key, with a
    message that says how to make one.
    """
    if config.is_production and config.secret_key_path.exists():
        raise SecretKeyError(
            f"{config.secret_key_path} exists; production refuses to start with a key file "
            "beside the database (whoever takes the directory takes the key). Move the key "
            "into ZELFHULPWIJZER_SECRET_KEY and delete the file (or, if the data was made "
            "with a development key, start afresh)."
        )
    if config.secret_key is not None:
        key = parse_master_key(config.secret_key)
        if config.is_production and is_weak_key(key):
            raise SecretKeyError(
                "ZELFHULPWIJZER_SECRET_KEY is not random (too few distinct bytes); production "
                "refuses it. Make one with: "
                'python -c "import secrets; print(secrets.token_hex(32))"'
            )
        return Secrets.from_master_key(key)
    if config.is_production:
        raise SecretKeyError(
            "ZELFHULPWIJZER_SECRET_KEY is not set; production refuses to start without it "
            "(chat ids and conversations are encrypted with it). Make one with: "
            'python -c "import secrets; print(secrets.token_hex(32))" and keep it safe: '
            "losing it makes every stored conversation and reminder unreadable."
        )
    return Secrets.from_master_key(_key_from_file(config.secret_key_path))


def _key_from_file(path: Path) -> bytes:
    """Read the development key file, creating it owner-only (0600) when absent."""
    if path.exists():
        if path.stat().st_mode & 0o077:
            log.warning("key file %s is readable by others; run: chmod 600 %s", path, path)
        return parse_master_key(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = _random.token_bytes(KEY_BYTES)
    # O_EXCL: two processes starting at once cannot both write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return parse_master_key(path.read_text())
    with os.fdopen(fd, "w") as key_file:
        key_file.write(key.hex() + "\n")
    os.chmod(path, 0o600)  # in case a umask or filesystem widened it
    log.warning(
        "ZELFHULPWIJZER_SECRET_KEY is not set: generated a development key in %s "
        "(mode 0600). Set ZELFHULPWIJZER_SECRET_KEY in production.",
        path,
    )
    return key
