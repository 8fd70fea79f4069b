"""The search index: one document per searchable item and index generation.

A document holds what results show (title, plain body, URL, office, language,
dates) and what decides who finds it: ``audience`` and, for the audiences that name
organisations, ``allowed`` (see ``ipcoop.access.search_documents_visible_to``).
``folded`` is the text queries match (see ``ipcoop.search.text``); on SQLite an FTS5
trigram table mirrors it through triggers, on PostgreSQL GIN trigram and full-text
indexes cover it (migration 0002).

``generation`` lets ``reindex`` build a whole new index while the current one keeps
answering; ``SearchState`` says which generation is live.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Who may find a document. Each kind maps its own access rule onto these."""

    PUBLIC = "public", _("Everyone")
    OFFICES = "offices", _("Staff of every cooperating organisation and platform admins")
    IP_OFFICES = "ip_offices", _("Staff of every IP office and of the allowed organisations")
    ORGANISATIONS = "orgs", _("Staff of the allowed organisations")


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
    allowed = models.ManyToManyField("people.Organisation", related_name="+", blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["generation", "kind", "object_id"]),
            models.Index(fields=["generation", "audience"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchState(models.Model):
    """One row: the live generation, and the one ``reindex`` is building, if any."""

    generation = models.PositiveIntegerField(default=1)
    building = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"generation {self.generation}"
