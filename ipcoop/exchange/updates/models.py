"""Policy updates: what an office announces (law amendments, guidelines, fees, notices).

Models hold fields and querysets; every change goes through
``ipcoop.exchange.updates.services``. Who sees an update is decided by
``ipcoop.access`` (an update is a ``SharedItem``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcoop.access import SharedItem


class Kind(models.TextChoices):
    LAW_AMENDMENT = "law_amendment", _("Law amendment")
    EXAMINATION_GUIDELINE = "examination_guideline", _("Examination guideline")
    FEE_CHANGE = "fee_change", _("Fee change")
    PROCEDURE = "procedure", _("Procedure")
    STATISTICS = "statistics", _("Statistics")
    NOTICE = "notice", _("Event or notice")


class Tag(models.TextChoices):
    """Technology tags (4IR areas) and right tags, one list so one filter finds either."""

    AI = "ai", _("Artificial intelligence")
    BLOCKCHAIN = "blockchain", _("Blockchain")
    METAVERSE = "metaverse", _("Metaverse")
    OTHER_TECHNOLOGY = "other", _("Other technology")
    PATENT = "patent", _("Patent")
    TRADEMARK = "trademark", _("Trademark")
    DESIGN = "design", _("Design")
    COPYRIGHT = "copyright", _("Copyright")


TECHNOLOGY_TAGS = (Tag.AI, Tag.BLOCKCHAIN, Tag.METAVERSE, Tag.OTHER_TECHNOLOGY)
RIGHT_TAGS = (Tag.PATENT, Tag.TRADEMARK, Tag.DESIGN, Tag.COPYRIGHT)


class PolicyUpdate(SharedItem):
    """One announcement by an office. ``office`` is the office that announces it."""

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=600)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    source_url = models.URLField(
        _("official source"),
        blank=True,
        help_text=_("Link to the office's own notice, gazette or law text, if there is one."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("published"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("policy update")
        verbose_name_plural = _("policy updates")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("updates:detail", args=[self.pk])

    @property
    def tag_values(self) -> list[str]:
        """The update's tags in the fixed order of ``Tag`` (uses prefetched links)."""
        have = {link.tag for link in self.tag_links.all()}
        return [tag for tag in Tag.values if tag in have]

    @property
    def tag_labels(self) -> list[str]:
        return [Tag(tag).label for tag in self.tag_values]


class UpdateTag(models.Model):
    update = models.ForeignKey(PolicyUpdate, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.CharField(max_length=16, choices=Tag.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["update", "tag"], name="updates_tag_once_per_update")
        ]
        indexes = [models.Index(fields=["tag", "update"])]

    def __str__(self) -> str:
        return self.tag


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name under updates/: the uploader's file name never becomes a path."""
    return f"updates/{secrets.token_hex(16)}.{instance.extension}"


class Attachment(models.Model):
    """A file attached to an update. Served only through the checked download view."""

    update = models.ForeignKey(PolicyUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ReadReceipt(models.Model):
    """A user opened an update (so it is no longer marked unread for them)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    update = models.ForeignKey(PolicyUpdate, on_delete=models.CASCADE, related_name="receipts")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "update"], name="updates_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.update_id}"


class ReadMark(models.Model):
    """'Mark all read': every update published up to ``all_read_at`` counts as read."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    all_read_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} read all until {self.all_read_at:%Y-%m-%d %H:%M}"


class FeedToken(models.Model):
    """The secret in a user's private Atom feed address. Only its SHA-256 digest is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="update_feed_tokens"
    )
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
