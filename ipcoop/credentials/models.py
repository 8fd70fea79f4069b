"""Academy certificates: one per learner and course, with the signed Open Badges
credential kept exactly as issued.

The PDF is drawn from these fields each time it is asked for; nothing else is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Certificate(models.Model):
    code = models.CharField(_("verification code"), max_length=14, unique=True)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.ForeignKey(
        "academy.Course", on_delete=models.PROTECT, related_name="certificates"
    )
    # The learner's name as it was when the certificate was issued.
    name = models.CharField(_("name on the certificate"), max_length=200)
    language = models.CharField(_("language"), max_length=8)
    issued_at = models.DateTimeField(_("issued"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The Open Badges 3.0 credential with its proof, as signed.
    credential = models.JSONField(_("signed credential"))

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course"], name="credentials_one_per_learner_course"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
