"""Examination work-sharing: applications per office, their work products (search
reports with citations, opinions, office actions, decisions), requests between offices
(ASPEC-style), watches, and the PDF documents of work products. Alerts to watchers
go to their inbox (ipcoop.notifications).

Families are computed (services.recompute_families), never typed: applications that
share a priority claim, a PCT application or whose own number another claims as
priority are one family, across offices.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcoop.access import SharedItem


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    UNDER_EXAMINATION = "under_examination", _("Under examination")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TechnologyArea(models.TextChoices):
    AI = "ai", _("Artificial intelligence")
    BLOCKCHAIN = "blockchain", _("Blockchain")
    METAVERSE = "metaverse", _("Metaverse (VR/AR)")
    OTHER = "other", _("Other")


class Application(SharedItem):
    """One office's patent application dossier (visibility: offices, selected or own)."""

    number = models.CharField(
        _("application number"), max_length=40, help_text=_("As the office writes it (INID 21).")
    )
    number_normalised = models.CharField(max_length=40, db_index=True, editable=False)
    filing_date = models.DateField(_("filing date"))
    title = models.CharField(_("title"), max_length=500)
    applicant = models.CharField(_("applicant"), max_length=300, blank=True)
    applicant_withheld = models.BooleanField(_("applicant withheld"), default=False)
    ipc_symbols = models.JSONField(_("IPC symbols"), default=list)
    pct_application_number = models.CharField(
        _("PCT application number"), max_length=40, blank=True
    )
    pct_number_normalised = models.CharField(
        max_length=40, blank=True, db_index=True, editable=False
    )
    pct_publication_number = models.CharField(
        _("PCT publication number"), max_length=40, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    technology_area = models.CharField(
        _("technology area"),
        max_length=20,
        choices=TechnologyArea.choices,
        default=TechnologyArea.OTHER,
    )
    family_id = models.PositiveBigIntegerField(_("family"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["filing_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "number_normalised"], name="worksharing_one_number_per_office"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office.code} {self.number}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("worksharing:application", args=[self.pk])

    @property
    def shown_applicant(self) -> str:
        return "" if self.applicant_withheld else self.applicant


class PriorityClaim(models.Model):
    """A priority claim (INID 31, 32, 33)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="priorities"
    )
    country = models.CharField(_("country"), max_length=2)
    number = models.CharField(_("number"), max_length=40)
    number_normalised = models.CharField(max_length=40, editable=False)
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.country} {self.number} ({self.date:%Y-%m-%d})"


class FamilyKey(models.Model):
    """What links applications into a family: 'CC:number' for an application's own
    number and each priority claim, 'PCT:number' for a PCT application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=60, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "key"], name="worksharing_key_once")
        ]

    def __str__(self) -> str:
        return self.key


class WorkProductKind(models.TextChoices):
    SEARCH_REPORT = "search_report", _("Search report")
    WRITTEN_OPINION = "written_opinion", _("Written opinion")
    OFFICE_ACTION = "office_action", _("Office action")
    FINAL_DECISION = "final_decision", _("Final decision")


class Decision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WorkProduct(models.Model):
    """A result of search or examination; seen by whoever may see its application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="work_products"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=WorkProductKind.choices)
    date = models.DateField(_("date"))
    examiner_office = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("examiner office"),
    )
    summary = models.TextField(_("summary"), blank=True)
    action_type = models.CharField(_("action type"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    claims_objected = models.CharField(_("claims objected to"), max_length=200, blank=True)
    grounds = models.TextField(_("grounds"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    granted_claims = models.CharField(_("granted claims"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"


class Citation(models.Model):
    """A document cited in a search report or opinion, with its ST.14 category."""

    work_product = models.ForeignKey(
        WorkProduct, on_delete=models.CASCADE, related_name="citations"
    )
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    document_normalised = models.CharField(max_length=60, blank=True, db_index=True, editable=False)
    kind_code = models.CharField(_("kind code"), max_length=2, blank=True)
    npl_text = models.TextField(_("non-patent literature"), blank=True)
    category = models.CharField(_("category"), max_length=1)
    claims = models.CharField(_("relevant claims"), max_length=200, blank=True)
    passages = models.CharField(_("relevant passages"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.document_number or self.npl_text[:60]

    @property
    def merge_key(self) -> str:
        return self.document_normalised or "NPL:" + " ".join(self.npl_text.lower().split())


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SHARED = "shared", _("Shared")
    DECLINED = "declined", _("Declined")


class ShareRequest(models.Model):
    """An office asks another for its results on a corresponding application."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="share_requests",
        help_text=_("The requesting office's own application in the family."),
    )
    requesting_office = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    to_office = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("message"), blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    reason = models.TextField(_("reason"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.requesting_office_id} -> {self.to_office_id} ({self.status})"


class Watch(models.Model):
    """A user watches the family of an application."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="watches")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="worksharing_watch_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.application_id}"


def document_path(instance: WorkProductDocument, filename: str) -> str:
    """A random name under worksharing/: the uploader's file name never becomes a path."""
    return f"worksharing/{secrets.token_hex(16)}.{instance.extension}"


class WorkProductDocument(models.Model):
    """A PDF of a work product (the search report or office action itself), checked by
    its content. Read by whoever may read the application; served only through the
    checked download views."""

    work_product = models.ForeignKey(
        WorkProduct, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("worksharing:document", args=[self.pk])
