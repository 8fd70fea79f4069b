"""Examination practice: questions offices compare, and each office's versioned position.

A ``PracticeQuestion`` is a precise examination or policy question. An
``OfficePosition`` is one office's current answer to it (one per question and
office); every save writes an immutable ``PositionVersion`` with all fields, so the
history of a position is never lost. Changes go through
``ipcoop.exchange.practice.services``; models hold fields and properties only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcoop.access import SharedItem, Visibility
from ipcoop.exchange.choices import Area, Right
from ipcoop.lib.codes import validate_ipc, validate_nice_class


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    CONDITIONAL = "conditional", _("Conditional")
    UNDER_REVIEW = "under_review", _("Under review")


# Positions are either for the cooperating offices or public; never kept to one office.
POSITION_VISIBILITIES = [
    (Visibility.OFFICES.value, Visibility.OFFICES.label),
    (Visibility.PUBLIC.value, Visibility.PUBLIC.label),
]


def validate_ipc_list(value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Give the IPC symbols as a list."), code="invalid_ipc")
    for symbol in value:
        validate_ipc(str(symbol))


def validate_nice_list(value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Give the Nice classes as a list."), code="invalid_nice")
    for number in value:
        validate_nice_class(number)


class PracticeQuestion(models.Model):
    """A precise examination or policy question that offices answer side by side."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    question = models.CharField(_("question"), max_length=300)
    area = models.CharField(_("technology area"), max_length=20, choices=Area.choices)
    right = models.CharField(_("IP right"), max_length=20, choices=Right.choices)
    ipc_symbols = models.JSONField(
        _("IPC symbols"), default=list, blank=True, validators=[validate_ipc_list]
    )
    nice_classes = models.JSONField(
        _("Nice classes"), default=list, blank=True, validators=[validate_nice_list]
    )
    explanation = models.TextField(
        _("explanation"),
        max_length=2000,
        blank=True,
        help_text=_("A short, neutral note on what the question covers (Markdown)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("practice question")

    def __str__(self) -> str:
        return self.question


class PositionFields(models.Model):
    """What an office says about a question: shared by the current position and its versions."""

    answer = models.CharField(_("short answer"), max_length=20, choices=Answer.choices)
    summary = models.TextField(
        _("answer"),
        max_length=3000,
        help_text=_("The office's answer in a few sentences, in its own terms."),
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        blank=True,
        help_text=_("Act and article, or guideline and section, e.g. Patent Act Art. 33(1)."),
    )
    source_title = models.CharField(
        _("source document"),
        max_length=300,
        help_text=_("Title of the decision, guideline or notice the answer comes from."),
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    effective_date = models.DateField(
        _("effective date"),
        null=True,
        blank=True,
        help_text=_("When the position took effect, if the source says."),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=POSITION_VISIBILITIES,
        default=Visibility.OFFICES,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for reference data seeded from public sources."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class OfficePosition(PositionFields, SharedItem):
    """One office's current position on one question (the newest version)."""

    question = models.ForeignKey(
        PracticeQuestion, on_delete=models.CASCADE, related_name="positions"
    )
    # Overrides SharedItem's field: positions are shared with the offices or public.
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=POSITION_VISIBILITIES,
        default=Visibility.OFFICES,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["question__order", "office__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "office"], name="practice_one_position_per_office"
            )
        ]
        verbose_name = _("office position")

    def __str__(self) -> str:
        return f"{self.question.slug} / {self.office.short_name} v{self.version}"


class PositionVersion(PositionFields):
    """An immutable record of one saved version of a position: who, when, every field."""

    position = models.ForeignKey(OfficePosition, on_delete=models.CASCADE, related_name="versions")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "version"], name="practice_one_record_per_version"
            )
        ]
        verbose_name = _("position version")

    def __str__(self) -> str:
        return f"position {self.position_id} v{self.version}"
