"""Classes a teacher runs for children: join codes, picture passwords, parental
consent, assignments.

A child is a platform user (role learner, no e-mail, no usable password) who belongs
to one class through ``ClassMember``. What a child may keep of their learning depends
on the parental-consent rule of the class's country (``ConsentRule``, reference data)
and on the consent the teacher records (``Consent``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcoop.academy.models import Audience
from ipcoop.lib.codes import validate_country_code


class ConsentRule(models.Model):
    """When a child's learning data needs a parent's consent, per country.

    ``parent_below_age``: a parent consents for a child younger than this; empty means
    there is no fixed age, so a parent consents for every child in a class. From
    ``child_also_from_age`` (when set) the child's own agreement is needed as well.
    The row with an empty country applies to every country without its own row.
    """

    country = models.CharField(
        _("country"), max_length=2, unique=True, blank=True, validators=[validate_country_code]
    )
    parent_below_age = models.PositiveSmallIntegerField(
        _("parent consents below age"), null=True, blank=True
    )
    child_also_from_age = models.PositiveSmallIntegerField(
        _("child agrees too from age"), null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["country"]

    def __str__(self) -> str:
        return self.country or "others"


class SchoolClass(models.Model):
    """A class a teacher runs: its children join with ``code``."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classes_taught"
    )
    name = models.CharField(_("name"), max_length=80)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.CHILDREN
    )
    country = models.CharField(_("country"), max_length=2, validators=[validate_country_code])
    age_min = models.PositiveSmallIntegerField(_("youngest age"))
    age_max = models.PositiveSmallIntegerField(_("oldest age"))
    courses = models.ManyToManyField("academy.Course", related_name="classes", blank=True)
    code = models.CharField(_("join code"), max_length=12, unique=True)
    # Mixed into every picture password of the class before it is hashed.
    salt = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return self.name


class ClassMember(models.Model):
    """A child in a class. ``display_name`` is what the class calls them (no real name
    needed); ``name_key`` is the same folded for case, unique in the class."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_membership"
    )
    display_name = models.CharField(_("display name"), max_length=40)
    name_key = models.CharField(max_length=40)
    picture_hash = models.CharField(max_length=200)
    # Set by the teacher only when the class's ages straddle the consent age.
    at_or_over_consent_age = models.BooleanField(_("at or over the consent age"), default=False)
    failed_signins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "name_key"], name="classes_member_name")
        ]

    def __str__(self) -> str:
        return self.display_name


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed form")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message (SMS)")
    PHONE = "phone", _("Phone call")
    OTHER = "other", _("Other")


class Consent(models.Model):
    """A parent's consent, recorded by the teacher for the school. No document is kept
    here: the school keeps its own (the reference points to it)."""

    member = models.OneToOneField(ClassMember, on_delete=models.CASCADE, related_name="consent")
    method = models.CharField(_("how the parent consented"), max_length=20, choices=ConsentMethod)
    given_on = models.DateField(_("date of consent"))
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    child_agreed = models.BooleanField(_("the child agreed too"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.member_id}: {self.method} {self.given_on}"


class Assignment(models.Model):
    """A lesson the teacher asks the class to do by a date."""

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="assignments"
    )
    lesson = models.ForeignKey("academy.Lesson", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("due date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "lesson"], name="classes_assignment_lesson"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_class_id}/{self.lesson_id} by {self.due_on}"
