"""Meetings between the cooperating organisations: series, meetings, agendas, attendance,
slot polls, minutes with their revisions, comments and decisions, calendar tokens.

Who may see a meeting is decided in ``ipcoop.access`` (section "Meetings"); every
change goes through ``ipcoop.meetings.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ipcoop.lib.codes import validate_time_zone
from ipcoop.lib.markup import render_markdown


class Frequency(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    HALF_YEARLY = "half_yearly", _("Twice a year")
    QUARTERLY = "quarterly", _("Quarterly")
    MONTHLY = "monthly", _("Monthly")
    AD_HOC = "ad_hoc", _("When needed")


class Format(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class MeetingVisibility(models.TextChoices):
    PARTICIPANTS = "participants", _("Participating offices only")
    OFFICES = "offices", _("All cooperating offices")
    PUBLIC = "public", _("Public")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingSeries(models.Model):
    """Meetings that recur, e.g. the yearly Heads of Office meeting."""

    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.AD_HOC
    )
    organiser = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:series", args=[self.slug])


class Meeting(models.Model):
    """One meeting. ``starts_at``/``ends_at`` are aware (stored in UTC); ``time_zone`` is
    the zone the organiser entered them in and the calendar entry's TZID.

    ``sequence`` counts the changes of time, place or status (the iCalendar SEQUENCE).
    """

    title = models.CharField(_("title"), max_length=200)
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("series"),
    )
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    link = models.URLField(_("online link"), max_length=500, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    organiser = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        related_name="organised_meetings",
        verbose_name=_("organiser"),
    )
    participants = models.ManyToManyField(
        "people.Organisation",
        related_name="meetings",
        blank=True,
        verbose_name=_("participating organisations"),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=12,
        choices=MeetingVisibility.choices,
        default=MeetingVisibility.PARTICIPANTS,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def office_id(self) -> int:
        """The owning organisation, as the audit log files confidential reads."""
        return self.organiser_id

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @cached_property
    def description_html(self) -> SafeString:
        return render_markdown(self.description)


class AgendaItem(models.Model):
    """A point on a meeting's agenda, with the papers it discusses."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    presenter = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presented by"),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), default=15)
    practice_questions = models.ManyToManyField(
        "practice.PracticeQuestion", blank=True, related_name="+"
    )
    policy_updates = models.ManyToManyField("updates.PolicyUpdate", blank=True, related_name="+")
    proposals = models.ManyToManyField("proposals.Proposal", blank=True, related_name="+")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Whether an office registered for and attended a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    office = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+")
    registered = models.BooleanField(_("registered"), default=False)
    attended = models.BooleanField(_("attended"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "office"], name="meeting_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.office_id} at {self.meeting_id}"


class SlotPoll(models.Model):
    """Candidate times put to the participating offices; fixed by the organiser."""

    title = models.CharField(_("title"), max_length=200)
    organiser = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+")
    participants = models.ManyToManyField("people.Organisation", related_name="+")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="polls"
    )
    fixed_slot = models.ForeignKey(
        "PollSlot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:poll", args=[self.pk])

    @property
    def is_fixed(self) -> bool:
        return self.fixed_slot_id is not None


class PollSlot(models.Model):
    poll = models.ForeignKey(SlotPoll, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["poll", "starts_at"], name="poll_slot_once")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} UTC"


class Availability(models.TextChoices):
    YES = "yes", _("Available")
    IF_NEED_BE = "if_need_be", _("If need be")
    NO = "no", _("Unavailable")


class PollAnswer(models.Model):
    """One office's availability for one candidate slot (its latest answer)."""

    slot = models.ForeignKey(PollSlot, on_delete=models.CASCADE, related_name="answers")
    office = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=12, choices=Availability.choices)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slot", "office"], name="poll_answer_once")]

    def __str__(self) -> str:
        return f"{self.office_id}: {self.answer}"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATED = "circulated", _("Circulated for approval")
    APPROVED = "approved", _("Approved")


class Minutes(models.Model):
    """A meeting's minutes. The text lives in revisions; approved minutes are locked."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(
        max_length=12, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    circulated_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name_plural = pgettext_lazy("record of a meeting", "minutes")

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"

    @property
    def is_locked(self) -> bool:
        return self.status == MinutesStatus.APPROVED


class MinutesRevision(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField(pgettext_lazy("record of a meeting", "minutes"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="minutes_revision_number")
        ]

    def __str__(self) -> str:
        return f"Revision {self.number}"

    @cached_property
    def body_html(self) -> SafeString:
        return render_markdown(self.body)


class MinutesComment(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments")
    office = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.office_id}"


class Decision(models.Model):
    """A decision recorded in the minutes."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("decision"))
    proposal = models.ForeignKey(
        "proposals.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposal"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class CalendarToken(models.Model):
    """The secret in a user's calendar subscription address. Only its SHA-256 digest is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}…"
