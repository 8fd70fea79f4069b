"""The search index: one document per searchable item and index generation.

A document holds what results show (title, plain body, URL, office, language,
dates) and what decides who finds it: ``audience`` and, for the audiences that name
organisations, ``allowed_orgs`` (see ``ipcoop.access.search_documents_visible_to``):
their ids written as "|3|11|", so the access filter is a substring test on the row
itself rather than a join (cheap on each of the thousands of rows a common term
matches).
``folded`` is the text queries match (see ``ipcoop.search.text``); on SQLite an FTS5
trigram table mirrors it through triggers (migration 0002), on PostgreSQL a GIN index
covers it: trigrams, with ``id / 1024`` and ``audience`` as further columns so that a
query can ask for the matches among the newest ids, or public ones, only (migration
0003).

``generation`` lets ``reindex`` build a whole new index while the current one keeps
answering; ``SearchState`` says which generation is live.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Who may find a document. Each kind maps its own access rule onto these."""

    PUBLIC = "public", _("Everyone")
    OFFICES = "offices", _("Staff of every cooperating organisation and platform admins")
    IP_OFFICES = "ip_offices", _("Staff of every IP office and of the allowed organisations")
    ORGANISATIONS = "orgs", _("Staff of the allowed organisations")
    # Work-sharing dossiers (access.worksharing_q): examiners, policy officers and
    # office admins of IP offices only: never platform admins, the Academy or the
    # Secretariat.
    DOSSIER_OFFICES = "ws_offices", _("Dossier readers of every IP office")
    DOSSIER_ORGS = "ws_orgs", _("Dossier readers of the allowed IP offices")


class SearchDocument(models.Model):
    # Small columns first, long texts last (see migration 0001).
    generation = models.PositiveIntegerField(default=1)
    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    audience = models.CharField(max_length=10, choices=Audience.choices)
    visibility = models.CharField(max_length=10)
    office = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    tags = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=300)
    title = models.CharField(max_length=400)
    title_key = models.CharField(max_length=400)
    body = models.TextField(blank=True)
    folded = models.TextField()
    # Added after the long texts (migration 0003): null rather than '' so that SQLite
    # adds the column in place (a rebuilt table would lose the FTS triggers).
    allowed_orgs = models.TextField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["generation", "kind", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"

    @staticmethod
    def orgs_key(ids: Iterable[int]) -> str | None:
        """``allowed_orgs`` for these organisation ids: "|3|11|", or None for none."""
        ids = sorted(set(ids))
        return "|" + "|".join(str(i) for i in ids) + "|" if ids else None


class SearchState(models.Model):
    """One row: the live generation, and the one ``reindex`` is building, if any."""

    generation = models.PositiveIntegerField(default=1)
    building = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"generation {self.generation}"
