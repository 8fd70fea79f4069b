"""Notifications: one inbox item per person, and each person's e-mail preferences.

An item is written by ``ipcoop.notifications.services.notify`` (called by the other
apps inside their own transactions). It reaches e-mail at most once: in the digest
(daily or weekly, per the person's preference) or, when urgent, at once.
``emailed_at`` records that it has been e-mailed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What happened; the label is the sentence shown before the item's subject."""

    PROPOSAL_TO_ENDORSE = "proposal_to_endorse", _("New proposal for your office to endorse")
    PROPOSAL_DECIDED = "proposal_decided", _("Proposal decided")
    PROPOSAL_AMENDED = "proposal_amended", _("Proposal amended: endorsements re-opened")
    MEETING_INVITATION = "meeting_invitation", _("Your office is invited to a meeting")
    MEETING_CHANGED = "meeting_changed", _("Meeting time or place changed")
    MEETING_CANCELLED = "meeting_cancelled", _("Meeting cancelled")
    SLOT_POLL = "slot_poll", _("Mark your office's availability")
    MINUTES_TO_APPROVE = "minutes_to_approve", _("Minutes circulated for approval")
    ACTION_ASSIGNED = "action_assigned", _("Action assigned to you or your office")
    ACTION_DUE = "action_due", _("Action due soon")
    ACTION_OVERDUE = "action_overdue", _("Action overdue")
    WORKSHARING_ALERT = "worksharing_alert", _("A watched patent family changed")


class Notification(models.Model):
    """One item in one person's inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    url = models.CharField(_("link"), max_length=500)
    urgent = models.BooleanField(_("urgent"), default=False)
    key = models.CharField(
        _("key"),
        max_length=200,
        blank=True,
        help_text=_("A person never receives two items with the same key."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_not_emailed",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def kind_label(self) -> str:
        """The kind's sentence in the active language (translated when shown)."""
        return str(Kind(self.kind).label) if self.kind in Kind.values else self.kind


class DigestFrequency(models.TextChoices):
    OFF = "off", _("Never: I read the inbox on the platform")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class Preference(models.Model):
    """How a person wants to hear about their inbox. A person without a row has the
    defaults: a daily digest and urgent items by e-mail at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    digest = models.CharField(
        _("e-mail digest"),
        max_length=8,
        choices=DigestFrequency.choices,
        default=DigestFrequency.DAILY,
        help_text=_("One e-mail with everything new since the last one; none when nothing is new."),
    )
    urgent_email = models.BooleanField(
        _("e-mail urgent items at once"),
        default=True,
        help_text=_(
            "Urgent items: a meeting moved within the next 48 hours, an overdue action. "
            "When off, they wait for the digest."
        ),
    )
    last_digest_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.digest}"
