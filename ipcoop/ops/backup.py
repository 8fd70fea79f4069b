"""Backups of the whole platform: the database and the uploaded files, in one archive.

An archive is a gzip'd tar file holding

- ``manifest.json``: format, when, which database engine, and for every table its row
  count and a checksum of its rows (order-independent, so a restore can be verified);
- ``database.sqlite3`` (SQLite, taken with SQLite's online backup, so the platform keeps
  serving while it runs) or ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``media/…``: every uploaded file (attachments), as stored under ``MEDIA_ROOT``.

Restoring writes into an *empty* database (a new SQLite file, or a PostgreSQL database
with no tables) unless told to replace what is there, then compares every table's row
count and checksum with the manifest and reports any difference.

The checksums read rows through the database driver itself (``sqlite3`` or ``psycopg``),
so they compare like with like: a backup is verified against the same engine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

FORMAT = "ipcoop-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
_MOD = 2**128


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


@dataclass(frozen=True)
class Target:
    """A database to read or write: an engine and how to reach it."""

    engine: str  # "sqlite" or "postgresql"
    name: str  # SQLite: file path (or ":memory:"); PostgreSQL: database name
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_django(cls, settings_dict: dict[str, Any]) -> Target:
        engine = settings_dict["ENGINE"].rsplit(".", 1)[-1]
        if engine == "sqlite3":
            return cls(engine="sqlite", name=str(settings_dict["NAME"]))
        if engine == "postgresql":
            return cls(
                engine="postgresql",
                name=settings_dict["NAME"],
                host=settings_dict.get("HOST") or "",
                port=str(settings_dict.get("PORT") or ""),
                user=settings_dict.get("USER") or "",
                password=settings_dict.get("PASSWORD") or "",
            )
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGDATABASE", self.name),
        ):
            if value:
                env[key] = value
        return env

    def pg_connect(self, dbname: str | None = None) -> psycopg.Connection:
        params = {"dbname": dbname or self.name}
        for key, value in (
            ("host", self.host),
            ("port", self.port),
            ("user", self.user),
            ("password", self.password),
        ):
            if value:
                params[key] = value
        return psycopg.connect(**params, autocommit=True)


@dataclass
class TableSummary:
    rows: int
    checksum: str


@dataclass
class Verification:
    tables: int
    rows: int
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


# --- reading tables -------------------------------------------------------------------


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows]


def _pg_tables(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return [name for (name,) in rows]


def _row_digest(row: tuple[Any, ...]) -> int:
    text = "\x1f".join("\x00" if value is None else repr(value) for value in row)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:16], "big")


def _summarise(rows: Iterator[tuple[Any, ...]]) -> TableSummary:
    count = 0
    total = 0
    for row in rows:
        count += 1
        total = (total + _row_digest(row)) % _MOD
    return TableSummary(rows=count, checksum=f"{total:032x}")


def summarise_sqlite(conn: sqlite3.Connection) -> dict[str, TableSummary]:
    summary = {}
    for table in _sqlite_tables(conn):
        quoted = '"' + table.replace('"', '""') + '"'
        summary[table] = _summarise(iter(conn.execute(f"SELECT * FROM {quoted}")))  # noqa: S608
    return summary


def summarise_pg(conn: psycopg.Connection) -> dict[str, TableSummary]:
    summary = {}
    for table in _pg_tables(conn):
        quoted = '"' + table.replace('"', '""') + '"'
        with conn.cursor(name=f"ipcoop_sum_{len(summary)}") as cursor:
            cursor.itersize = 5000
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608
            summary[table] = _summarise(iter(cursor))
    return summary


@contextlib.contextmanager
def _pg_transaction(conn: psycopg.Connection) -> Iterator[None]:
    # Named cursors need a transaction; a repeatable-read snapshot keeps tables consistent.
    conn.autocommit = False
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        yield
    finally:
        conn.rollback()
        conn.autocommit = True


def summarise(target: Target) -> dict[str, TableSummary]:
    if target.engine == "sqlite":
        with contextlib.closing(sqlite3.connect(target.name)) as conn:
            return summarise_sqlite(conn)
    with target.pg_connect() as conn, _pg_transaction(conn):
        return summarise_pg(conn)


# --- backup ---------------------------------------------------------------------------


def _add_media(archive: tarfile.TarFile, media_root: Path) -> int:
    count = 0
    if not media_root.is_dir():
        return count
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            archive.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}")
            count += 1
    return count


def create_backup(
    *,
    target: Target,
    output: Path,
    media_root: Path,
    sqlite_source: Callable[[sqlite3.Connection], None] | None = None,
) -> dict[str, Any]:
    """Write one archive of the database and the uploads to ``output``.

    ``sqlite_source`` copies the live SQLite database into the connection it is given
    (the caller passes Django's own connection's ``backup``, which also works for an
    in-memory database); without it the file named by ``target`` is read.
    Side effects: writes ``output`` (through a temporary file, so a failed backup never
    leaves a partial archive under that name). Returns the manifest.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ipcoop-backup-") as tmp:
        work = Path(tmp)
        if target.engine == "sqlite":
            dump = work / SQLITE_FILE
            with contextlib.closing(sqlite3.connect(dump)) as copy:
                if sqlite_source is not None:
                    sqlite_source(copy)
                else:
                    with contextlib.closing(sqlite3.connect(target.name)) as live:
                        live.backup(copy)
                tables = summarise_sqlite(copy)
        else:
            dump = work / PG_FILE
            # The dump and the checksums come from one snapshot: export it and let pg_dump use it.
            with target.pg_connect() as conn, _pg_transaction(conn):
                snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
                _run(
                    [
                        "pg_dump",
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        f"--file={dump}",
                        target.name,
                    ],
                    env=target.pg_env(),
                )
                tables = summarise_pg(conn)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": target.engine,
            "tables": {
                name: {"rows": s.rows, "checksum": s.checksum} for name, s in tables.items()
            },
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(dump, arcname=dump.name)
            manifest["media_files"] = _add_media(archive, media_root)
        os.replace(partial, output)
    return manifest


def _run(command: list[str], *, env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL client tools.")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")


# --- restore --------------------------------------------------------------------------


def read_manifest(archive_path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive_path} is not an ipcoop backup archive ({error}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{archive_path} has format {manifest.get('format')!r}; expected {FORMAT}."
        )
    return manifest


def _has_tables(target: Target) -> bool:
    if target.engine == "sqlite":
        path = Path(target.name)
        if not path.exists() or path.stat().st_size == 0:
            return False
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return bool(_sqlite_tables(conn))
    with target.pg_connect() as conn:
        return bool(_pg_tables(conn))


def restore_backup(
    *, archive_path: Path, target: Target, media_root: Path, replace: bool = False
) -> Verification:
    """Restore an archive into ``target`` and ``media_root``, then verify every table.

    Refuses (``BackupError``) when the archive was made on another engine, or when the
    target already holds tables and ``replace`` is false. Side effects: writes the
    database (SQLite: the file, replaced atomically; PostgreSQL: ``pg_restore``, with
    ``--clean`` when replacing) and the uploaded files under ``media_root``.
    """
    manifest = read_manifest(archive_path)
    if manifest["engine"] != target.engine:
        raise BackupError(
            f"This archive holds a {manifest['engine']} database; the target is {target.engine}."
        )
    if not replace and _has_tables(target):
        raise BackupError(
            "The target database is not empty. Restore into an empty database, "
            "or pass --replace to overwrite it."
        )
    with tempfile.TemporaryDirectory(prefix="ipcoop-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")
        if target.engine == "sqlite":
            destination = Path(target.name)
            destination.parent.mkdir(parents=True, exist_ok=True)
            staged = destination.with_name(destination.name + ".restoring")
            shutil.copyfile(work / SQLITE_FILE, staged)
            for suffix in ("-wal", "-shm"):
                Path(f"{destination}{suffix}").unlink(missing_ok=True)
            os.replace(staged, destination)
        else:
            command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
            if replace:
                command += ["--clean", "--if-exists"]
            _run([*command, f"--dbname={target.name}", str(work / PG_FILE)], env=target.pg_env())
        media_source = work / MEDIA_DIR
        if media_source.is_dir():
            for path in media_source.rglob("*"):
                if path.is_file():
                    destination_file = media_root / path.relative_to(media_source)
                    destination_file.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, destination_file)
    return verify(manifest, summarise(target))


def verify(manifest: dict[str, Any], tables: dict[str, TableSummary]) -> Verification:
    """Compare restored tables with the manifest: every table, its row count and checksum."""
    expected = manifest["tables"]
    differences = []
    for name in sorted(set(expected) | set(tables)):
        if name not in tables:
            differences.append(f"{name}: missing after restore")
        elif name not in expected:
            differences.append(f"{name}: not in the backup")
        elif expected[name]["rows"] != tables[name].rows:
            differences.append(
                f"{name}: {tables[name].rows} rows, the backup has {expected[name]['rows']}"
            )
        elif expected[name]["checksum"] != tables[name].checksum:
            differences.append(f"{name}: same row count, different contents")
    return Verification(
        tables=len(tables), rows=sum(s.rows for s in tables.values()), differences=differences
    )
