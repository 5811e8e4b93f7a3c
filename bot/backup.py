"""``python -m bot backup PATH`` and ``restore PATH``: the data directory in one file.

A backup is a ``.tar.gz`` (mode 0600) holding:

- ``zelfhulpwijzer.sqlite3``: the database, copied with SQLite's online backup API, so the
  copy is consistent (one instant, WAL included) even while the bot writes;
- every other file of the data directory the bot needs again: ``imports/`` (the imported
  meetings that reminders refer to) and whatever else lives there (e.g. feed settings);
- ``MANIFEST.json``: when it was made, the schema version, how many users and reminders.

Never in it: the secret key (``ZELFHULPWIJZER_SECRET_KEY``, or a development
``secret.key``), and the terminal's written attachments. Without the key the database
names nobody, so a backup is as safe as the database file; keep the key elsewhere.

``restore`` checks before it touches anything: a well-formed archive, an intact database
(``PRAGMA integrity_check``), a schema this code can run, and that the key in the
environment opens it (a backup restored under another key would be unreadable). It
refuses to overwrite existing data unless told ``--replace``. Stop the bot first.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from bot.config import DATABASE_FILENAME, SECRET_KEY_FILENAME, Config
from bot.secrets import UnsealError, load_secrets
from bot.storage import MIGRATIONS
from bot.storage import _context as sealed_context  # how Storage binds a sealed value

__all__ = ["BackupError", "backup", "restore"]

MANIFEST = "MANIFEST.json"
FORMAT = 1
_NEVER = {SECRET_KEY_FILENAME, "terminal"}  # first path parts that stay out of a backup
_DATABASE_FILES = {DATABASE_FILENAME, f"{DATABASE_FILENAME}-wal", f"{DATABASE_FILENAME}-shm"}


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


def backup(config: Config, path: Path) -> str:
    """Write the backup of `config`'s data directory to `path`; returns a one-line summary."""
    database = config.database_path
    if not database.exists():
        raise BackupError(f"no database at {database}: nothing to back up")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as work:
        copy = Path(work) / DATABASE_FILENAME
        _online_copy(database, copy)
        manifest = _manifest(copy)
        partial = Path(work) / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(copy, DATABASE_FILENAME)
            for file in _data_files(config.data_dir):
                if file.resolve() != path.resolve():  # a backup written into the data dir
                    archive.add(file, file.relative_to(config.data_dir).as_posix())
        partial.chmod(0o600)
        partial.replace(path)  # whole or not at all
    return (
        f"backup written to {path}: {manifest['users']} users, {manifest['reminders']} "
        f"reminders, schema {manifest['schema']} (the key is not in it)"
    )


def restore(config: Config, path: Path, *, replace: bool = False) -> str:
    """Bring back the backup at `path` into `config`'s data directory; returns a summary."""
    data_dir = config.data_dir
    if config.database_path.exists() and not replace:
        raise BackupError(
            f"{config.database_path} exists; stop the bot and add --replace to overwrite it"
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as work:
        unpacked = Path(work)
        manifest = _unpack(path, unpacked)
        _verify(unpacked / DATABASE_FILENAME, config)
        for name in _DATABASE_FILES:
            (data_dir / name).unlink(missing_ok=True)
        for file in _data_files(data_dir):
            file.unlink()
        for file in sorted(unpacked.rglob("*")):
            relative = file.relative_to(unpacked)
            if file.is_file() and relative.name != MANIFEST:
                target = data_dir / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(file, target)
        config.database_path.chmod(0o600)
    return (
        f"restored {path} (made {manifest['created_at']}): {manifest['users']} users, "
        f"{manifest['reminders']} reminders"
    )


def _online_copy(source: Path, target: Path) -> None:
    """SQLite's backup API: a consistent copy, page by page, while others may write."""
    with _connect(source, readonly=True) as src, _connect(target) as dst:
        src.backup(dst, pages=1024)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    target.chmod(0o600)


def _manifest(database: Path) -> dict[str, object]:
    with _connect(database, readonly=True) as db:
        schema = db.execute("PRAGMA user_version").fetchone()[0]
        users = db.execute("SELECT count(*) FROM users").fetchone()[0]
        reminders = db.execute("SELECT count(*) FROM reminders").fetchone()[0]
    return {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "schema": schema,
        "users": users,
        "reminders": reminders,
    }


def _data_files(data_dir: Path) -> list[Path]:
    """The data directory's files that belong in a backup besides the database."""
    if not data_dir.exists():
        return []
    found = []
    for file in sorted(data_dir.rglob("*")):
        parts = file.relative_to(data_dir).parts
        if not file.is_file() or parts[0] in _NEVER or parts[0] in _DATABASE_FILES:
            continue
        if parts[0].startswith((".backup-", ".restore-")):
            continue
        found.append(file)
    return found


def _unpack(path: Path, into: Path) -> dict[str, object]:
    """Extract a backup after checking every member's name; returns its manifest."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = archive.getmembers()
            for member in members:
                name = PurePosixPath(member.name)
                if (
                    not member.isfile()
                    or name.is_absolute()
                    or ".." in name.parts
                    or name.parts[0] in _NEVER
                ):
                    raise BackupError(f"{path}: unexpected entry {member.name!r}; not a backup")
            archive.extractall(into, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path}: not a readable backup ({type(error).__name__})") from error
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{path}: no {MANIFEST}; not a backup made by this bot") from error
    if manifest.get("format") != FORMAT or not (into / DATABASE_FILENAME).is_file():
        raise BackupError(f"{path}: not a backup of format {FORMAT} with a database")
    return dict(manifest)


def _verify(database: Path, config: Config) -> None:
    """Intact, a schema this code runs, and readable with the key in the environment."""
    with _connect(database, readonly=True) as db:
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the backup's database is damaged (integrity_check failed)")
        schema = db.execute("PRAGMA user_version").fetchone()[0]
        if schema > len(MIGRATIONS):
            raise BackupError(
                f"the backup has schema {schema}, newer than this code ({len(MIGRATIONS)}); "
                "restore it with the version of the bot that made it"
            )
        row = db.execute("SELECT user_key, chat_id_enc FROM users LIMIT 1").fetchone()
    if row is None:
        return
    secrets = load_secrets(config)
    try:
        secrets.unseal(row[1], sealed_context("users.chat_id", row[0]))
    except UnsealError:
        raise BackupError(
            "the backup does not open with ZELFHULPWIJZER_SECRET_KEY: set the key it was "
            "made with (or rotate keys after restoring with the old one)"
        ) from None


@contextmanager
def _connect(path: Path, *, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection that is closed after the block (sqlite3's own only commits)."""
    uri = path.resolve().as_uri() + ("?mode=ro" if readonly else "")
    with closing(sqlite3.connect(uri, uri=True)) as db:
        yield db


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))
