"""Consultations between offices: a question one office asks others, and the replies.

A consultation is a ``SharedItem``: ``office`` is the asking office and ``visibility``
says whom it is addressed to — ``offices`` (every IP office) or ``selected`` (the
organisations in ``shared_with``). Who may read it is decided in
``ipcoop.access.consultations_visible_to``; every change goes through
``ipcoop.exchange.consultations.services``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ipcoop.access import SharedItem
from ipcoop.exchange.choices import Area
from ipcoop.lib.markup import render_markdown

PRACTICE_PREFIX = "/practice/"


def validate_practice_reference(value: str) -> None:
    """A link to a practice position on this platform: a path under /practice/."""
    if value and (not value.startswith(PRACTICE_PREFIX) or any(c.isspace() for c in value)):
        raise ValidationError(
            _("Give the path of a practice position on this platform, starting with /practice/."),
            code="practice_reference",
        )


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Consultation(SharedItem):
    """A question one office asks all IP offices or selected organisations.

    Status: ``open`` when asked; ``answered`` once a reply is marked useful or once
    every addressed organisation has replied (replies from the asking office do not
    count); ``closed`` when the asking office closes it — then it takes no replies.
    """

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("question"), help_text=_("Markdown: *emphasis*, lists, links."))
    area = models.CharField(_("technology area"), max_length=12, choices=Area.choices)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    due_date = models.DateField(_("reply by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_to_all_offices(self) -> bool:
        return self.visibility != "selected"

    @cached_property
    def body_html(self) -> SafeString:
        return render_markdown(self.body)

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.is_closed and self.due_date < today


class Reply(models.Model):
    """One office's answer in a consultation's thread. An office may reply several times."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="replies")
    office = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("office"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("reply"), help_text=_("Markdown: *emphasis*, lists, links."))
    # The practice app (ipcoop.exchange.practice) is built in parallel: until it has
    # models to point at, a reply links a position by its path on this platform.
    practice_reference = models.CharField(
        _("practice position"),
        max_length=300,
        blank=True,
        validators=[validate_practice_reference],
        help_text=_("Optional: the path of a practice position, e.g. /practice/ai-inventor/kr/."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    marked_useful_at = models.DateTimeField(null=True, blank=True)
    marked_useful_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"{self.office} on {self.consultation}"

    @property
    def is_useful(self) -> bool:
        return self.marked_useful_at is not None

    @cached_property
    def body_html(self) -> SafeString:
        return render_markdown(self.body)


class Reminder(models.Model):
    """An office was reminded (by e-mail to its policy officers and office admins) on a day.

    One per consultation, office and day: nobody gets the same reminder twice a day.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="reminders"
    )
    office = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the scheduled command sent it."),
    )
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "office", "sent_on"],
                name="consultation_reminder_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.office} reminded on {self.sent_on}"
