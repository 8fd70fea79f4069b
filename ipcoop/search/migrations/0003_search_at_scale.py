# Search on a large index (see services._first_matches_postgresql and benchmarks/README.md):
#
# - The allowed organisations move from a join table into the row ("|3|11|"), so the
#   access filter is a substring test on each matching row rather than a subquery.
#   The column is nullable so that SQLite adds it in place (a rebuilt table would
#   lose the FTS triggers of migration 0002).
# - Two audiences for work-sharing dossiers.
# - PostgreSQL: the GIN trigram index gets two more columns (btree_gin): id / 1024, so
#   a query can ask for the matches among the newest ids, and the audience, so a
#   visitor's query asks for public documents; the index then hands over only those
#   candidates to recheck. The (generation, audience) index goes: no query reads by
#   audience alone, and the planner combined it with the trigram index at a cost (a
#   bitmap of every public document) greater than what it saved.

from collections import defaultdict

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models

POSTGRESQL = [
    "DROP INDEX IF EXISTS search_folded_trgm",
    "CREATE INDEX search_folded_trgm ON search_searchdocument "
    "USING gin (folded gin_trgm_ops, (id / 1024), audience)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_folded_trgm",
    "CREATE INDEX search_folded_trgm ON search_searchdocument USING gin (folded gin_trgm_ops)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def copy_allowed(apps, schema_editor):
    document = apps.get_model("search", "SearchDocument")
    through = document.allowed.through
    allowed = defaultdict(set)
    for document_id, org_id in through.objects.values_list("searchdocument_id", "organisation_id"):
        allowed[document_id].add(org_id)
    rows = [
        document(pk=pk, allowed_orgs="|" + "|".join(str(o) for o in sorted(orgs)) + "|")
        for pk, orgs in allowed.items()
    ]
    document.objects.bulk_update(rows, ["allowed_orgs"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_fulltext"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="allowed_orgs",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.RunPython(copy_allowed, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="searchdocument",
            name="allowed",
        ),
        migrations.AlterField(
            model_name="searchdocument",
            name="audience",
            field=models.CharField(
                choices=[
                    ("public", "Everyone"),
                    ("offices", "Staff of every cooperating organisation and platform admins"),
                    ("ip_offices", "Staff of every IP office and of the allowed organisations"),
                    ("orgs", "Staff of the allowed organisations"),
                    ("ws_offices", "Dossier readers of every IP office"),
                    ("ws_orgs", "Dossier readers of the allowed IP offices"),
                ],
                max_length=10,
            ),
        ),
        migrations.RemoveIndex(
            model_name="searchdocument",
            name="search_sear_generat_bb35a5_idx",
        ),
        BtreeGinExtension(),  # does nothing on databases other than PostgreSQL
        migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE)),
    ]
