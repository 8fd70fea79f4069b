"""ipcoop backup / restore: a round trip into an empty database, verified table by table."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ipcoop.ops.backup import Target, read_manifest, summarise
from ipcoop.people.models import User
from tests.conftest import make_user

# Committed data (pg_dump reads from another connection); the reference data is restored after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media(tmp_path, settings) -> Path:
    root = tmp_path / "media"
    (root / "updates" / "2026").mkdir(parents=True)
    (root / "updates" / "2026" / "guideline.pdf").write_bytes(b"%PDF-1.7 example attachment")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def empty_target(tmp_path) -> str:
    """A database URL of an empty database of the same engine as the platform's."""
    live = Target.from_django(connection.settings_dict)
    if live.engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{live.name}_restore"
    with live.pg_connect(dbname="postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = f"{live.user}@" if live.user else ""
    yield f"postgres://{auth}{live.host or '127.0.0.1'}:{live.port or 5432}/{name}"
    with live.pg_connect(dbname="postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _usernames(url: str) -> set[str]:
    import dj_database_url

    target = Target.from_django(dj_database_url.parse(url))
    query = "SELECT username FROM people_user"
    if target.engine == "sqlite":
        with contextlib.closing(sqlite3.connect(target.name)) as conn:
            return {name for (name,) in conn.execute(query)}
    with target.pg_connect() as conn:
        return {name for (name,) in conn.execute(query)}


def test_backup_then_restore_into_an_empty_database_reproduces_every_table(
    tmp_path, media, empty_target
):
    make_user("ana.learner", "learner")
    make_user("kim.examiner", "examiner", "kr-kipo")
    archive = tmp_path / "backup.tar.gz"

    out = io.StringIO()
    call_command("backup", "-o", str(archive), stdout=out)
    assert out.getvalue().rstrip().endswith("1 uploaded file.")

    manifest = read_manifest(archive)
    assert manifest["tables"]["people_user"]["rows"] == User.objects.count() == 2
    assert manifest["tables"]["people_organisation"]["rows"] == 14

    restored_media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command(
        "restore",
        str(archive),
        "--database-url",
        empty_target,
        "--media-root",
        str(restored_media),
        stdout=out,
    )
    assert "each matching the backup's row count and checksum" in out.getvalue()
    assert _usernames(empty_target) == {"ana.learner", "kim.examiner"}
    assert (restored_media / "updates" / "2026" / "guideline.pdf").read_bytes() == (
        b"%PDF-1.7 example attachment"
    )
    # The restored database answers with the same contents as the manifest, table by table.
    import dj_database_url

    restored = summarise(Target.from_django(dj_database_url.parse(empty_target)))
    assert {name: s.rows for name, s in restored.items()} == {
        name: table["rows"] for name, table in manifest["tables"].items()
    }


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, media, empty_target):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    call_command(
        "restore",
        str(archive),
        "--database-url",
        empty_target,
        "--media-root",
        str(tmp_path / "m"),
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError, match="not empty"):
        call_command(
            "restore",
            str(archive),
            "--database-url",
            empty_target,
            "--media-root",
            str(tmp_path / "m"),
            stdout=io.StringIO(),
        )


def test_a_damaged_backup_is_reported_table_by_table(tmp_path, media, empty_target):
    make_user("ana.learner", "learner")
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())

    # Claim a different content for one table, as a corrupted or mismatched archive would.
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["tables"]["people_user"]["checksum"] = "0" * 32
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))

    with pytest.raises(CommandError, match="people_user: same row count, different contents"):
        call_command(
            "restore",
            str(tampered),
            "--database-url",
            empty_target,
            "--media-root",
            str(tmp_path / "m"),
            stdout=io.StringIO(),
        )


def test_a_file_that_is_not_a_backup_is_refused_with_a_clear_message(tmp_path, empty_target):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="is not an ipcoop backup archive"):
        call_command("restore", str(bogus), "--database-url", empty_target, stdout=io.StringIO())
