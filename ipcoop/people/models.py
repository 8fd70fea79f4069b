"""Organisations, people, their roles, personal API tokens and the audit log.

Models hold fields, properties and querysets; every change goes through
``ipcoop.people.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcoop.lib.codes import validate_country_code, validate_st3_code, validate_time_zone


class OrganisationKind(models.TextChoices):
    IP_OFFICE = "ip_office", _("IP office")
    ACADEMY = "academy", _("Academy")
    SECRETARIAT = "secretariat", _("Secretariat")


class Organisation(models.Model):
    """A cooperating organisation: an IP office, the ASEAN IP Academy or the ASEAN Secretariat.

    Reference data created by a migration. Offices, not countries: Cambodia has two.
    """

    slug = models.SlugField(unique=True)
    code = models.CharField(
        _("ST.3 code"),
        max_length=2,
        blank=True,
        validators=[validate_st3_code],
        help_text=_("WIPO ST.3 code of the office's country; empty for regional bodies."),
    )
    short_name = models.CharField(_("short name"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    languages = models.JSONField(_("languages"), default=list)
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the facts about this organisation come from."),
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text=_("Order in lists: KIPO, the ASEAN offices, then regional bodies.")
    )

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        if not self.code or f"({self.code})" in self.short_name:
            return self.short_name
        return f"{self.short_name} ({self.code})"

    @property
    def is_ip_office(self) -> bool:
        return self.kind == OrganisationKind.IP_OFFICE


class User(AbstractUser):
    """A person. E-mail is optional: children's accounts have none."""

    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[validate_country_code],
        help_text=_("Two-letter country code, e.g. TH."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def shown_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("Office admin")
    EXAMINER = "examiner", _("Examiner")
    POLICY_OFFICER = "policy_officer", _("Policy officer")
    EDUCATOR = "educator", _("Educator")
    TEACHER = "teacher", _("Teacher")
    LEARNER = "learner", _("Learner")


# Roles that make someone staff of a cooperating organisation (and so a reader of
# items shared with "offices"). Teachers and learners are the public's roles.
STAFF_ROLES = frozenset({Role.OFFICE_ADMIN, Role.EXAMINER, Role.POLICY_OFFICER, Role.EDUCATOR})

# Which kinds of organisation each role may be held in; None means "no organisation".
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str | None]] = {
    Role.OFFICE_ADMIN: frozenset(OrganisationKind.values),
    Role.EXAMINER: frozenset({OrganisationKind.IP_OFFICE}),
    Role.POLICY_OFFICER: frozenset({OrganisationKind.IP_OFFICE, OrganisationKind.SECRETARIAT}),
    Role.EDUCATOR: frozenset({OrganisationKind.ACADEMY}),
    Role.TEACHER: frozenset({None, *OrganisationKind.values}),
    Role.LEARNER: frozenset({None, *OrganisationKind.values}),
}


class Membership(models.Model):
    """A role a user holds: in an organisation, or platform-wide (teachers, learners)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__short_name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role_in_org"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(organisation__isnull=True),
                name="membership_unique_platform_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.organisation.short_name if self.organisation_id else _("platform")
        return f"{self.user} — {self.get_role_display()} ({where})"

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES


# Who must use two-factor sign-in (when settings.REQUIRE_STAFF_TWO_FACTOR is on): the
# staff of the IP offices and the Secretariat, who read confidential exchange data.
# Educators, teachers and learners may turn it on for themselves.
TWO_FACTOR_ROLES = frozenset({Role.OFFICE_ADMIN, Role.EXAMINER, Role.POLICY_OFFICER})
TWO_FACTOR_ORGANISATION_KINDS = frozenset(
    {OrganisationKind.IP_OFFICE, OrganisationKind.SECRETARIAT}
)


class TwoFactorDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238): one per user.

    The shared secret is kept encrypted with a key derived from SECRET_KEY, so a copy
    of the database alone does not give it away. ``last_used_step`` is the last time
    step whose code was accepted: that code and every earlier one are refused.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    encrypted_secret = models.TextField()
    last_used_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} — {_('authenticator app')}"


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator app. Only a digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="recovery_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {_('recovery code')}"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, help_text=_("The first characters, to recognise it."))
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    SIGN_OUT = "sign_out", _("Signed out")
    SIGN_UP = "sign_up", _("Signed up")
    PASSWORD_RESET = "password_reset", _("Password reset")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    CONFIDENTIAL_READ = "confidential_read", _("Confidential item read")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor sign-in turned on")
    TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor sign-in turned off")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    RECOVERY_CODES_REPLACED = "recovery_codes_replaced", _("New recovery codes made")


class AuditEvent(models.Model):
    """Who did what to which object, when, and from where.

    ``organisations`` is a snapshot, taken when the event is written, of the
    organisations whose admins may read the event.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="audit_events", blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["action", "actor_name", "created_at"]),
            models.Index(fields=["action", "client_address", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    @property
    def role_label(self) -> str:
        """The translated name of the role a role change concerns ('' for other events)."""
        role = self.detail.get("role") if isinstance(self.detail, dict) else None
        return Role(role).label if role in Role.values else ""
