"""Full-text structures the ORM does not describe, one set per database.

SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or later) that mirrors
``search_searchdocument.folded`` through triggers (external content), so every
insert, update and delete of a document — including bulk ones — keeps it current.
PostgreSQL: the pg_trgm extension and a GIN trigram index on ``folded``, which answers
``LIKE '%term%'`` — substring matching in every script, the same semantics as the
SQLite trigram table. (A ``simple`` full-text tsvector cannot match inside the
unspaced runs of Thai, Lao, Khmer or Burmese text, so it is not used.)
Also creates the one SearchState row.
"""

import sqlite3

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        folded, content='search_searchdocument', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded);
    END""",
    """CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded);
    END""",
    """CREATE TRIGGER search_fts_update AFTER UPDATE OF folded ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded);
        INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRESQL = [
    "CREATE INDEX search_folded_trgm ON search_searchdocument USING gin (folded gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_folded_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 34):
            raise RuntimeError(
                f"Search needs SQLite 3.34 or later (FTS5 trigram tokenizer); this Python "
                f"links SQLite {sqlite3.sqlite_version}."
            )
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def create_state(apps, schema_editor):
    apps.get_model("search", "SearchState").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        TrigramExtension(),  # does nothing on databases other than PostgreSQL
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
        migrations.RunPython(create_state, migrations.RunPython.noop),
    ]
