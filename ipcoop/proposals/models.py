"""Cooperation proposals, decided by consensus among the participating offices.

A proposal is written by one or more proposing offices and addressed to the
participating offices, each of which must endorse it. Every amendment creates a
new version and re-opens the endorsements: only endorsements of the current
version count. The consensus rule itself is the pure function in
``ipcoop.lib.consensus``; ``ipcoop.proposals.services`` applies it. Who may read a
proposal is decided in ``ipcoop.access`` (section "Proposals").
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ipcoop.exchange.choices import Area
from ipcoop.lib.markup import render_markdown


class Pillar(models.TextChoices):
    """The two areas of cooperation the 2022 joint declaration names."""

    EDUCATION = "education", _("Improvement of IP education infrastructure")
    IP_SYSTEM = "ip_system", _("Advancement of IP system")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for endorsement")
    ADOPTED = "adopted", _("Adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SilenceRule(models.TextChoices):
    """What a participating office's silence means once the deadline has passed."""

    CONSENT = "consent", _("Silence counts as consent")
    NO_DECISION = "no_decision", _("Silence means no decision (not adopted)")


class ProposalVisibility(models.TextChoices):
    PARTICIPANTS = "participants", _("Proposing and participating offices only")
    OFFICES = "offices", _("All cooperating offices")
    PUBLIC = "public", _("Public")


class Position(models.TextChoices):
    SUPPORT = "support", _("Support")
    RESERVATIONS = "reservations", _("Support with reservations")
    CANNOT_SUPPORT = "cannot_support", _("Cannot support")
    ABSTAIN = "abstain", _("Abstain")


class SustainableDevelopmentGoal(models.IntegerChoices):
    """The 17 UN Sustainable Development Goals, by number and short name."""

    G1 = 1, _("1 No poverty")
    G2 = 2, _("2 Zero hunger")
    G3 = 3, _("3 Good health and well-being")
    G4 = 4, _("4 Quality education")
    G5 = 5, _("5 Gender equality")
    G6 = 6, _("6 Clean water and sanitation")
    G7 = 7, _("7 Affordable and clean energy")
    G8 = 8, _("8 Decent work and economic growth")
    G9 = 9, _("9 Industry, innovation and infrastructure")
    G10 = 10, _("10 Reduced inequalities")
    G11 = 11, _("11 Sustainable cities and communities")
    G12 = 12, _("12 Responsible consumption and production")
    G13 = 13, _("13 Climate action")
    G14 = 14, _("14 Life below water")
    G15 = 15, _("15 Life on land")
    G16 = 16, _("16 Peace, justice and strong institutions")
    G17 = 17, _("17 Partnerships for the goals")


SDG = SustainableDevelopmentGoal


class Proposal(models.Model):
    """A cooperation proposal. The text fields hold the current version; every
    version (the first included) is kept in ``ProposalVersion``."""

    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"), help_text=_("Markdown."))
    activity = models.TextField(_("proposed activity"), help_text=_("Markdown."))
    outcome = models.TextField(_("expected outcome"), help_text=_("Markdown."))
    budget = models.TextField(
        _("budget or resources (outline)"),
        blank=True,
        help_text=_("Markdown. An outline of who contributes what; no figures are required."),
    )
    pillar = models.CharField(_("pillar"), max_length=12, choices=Pillar.choices)
    area = models.CharField(_("technology area"), max_length=12, choices=Area.choices)
    proposing_offices = models.ManyToManyField(
        "people.Organisation",
        related_name="proposals_proposed",
        verbose_name=_("proposing offices"),
    )
    participating_offices = models.ManyToManyField(
        "people.Organisation",
        related_name="proposals_participating",
        verbose_name=_("participating offices"),
        help_text=_("The offices that must endorse the proposal."),
    )
    deadline = models.DateTimeField(_("deadline for responses"))
    silence_rule = models.CharField(
        _("silence after the deadline"),
        max_length=12,
        choices=SilenceRule.choices,
        default=SilenceRule.CONSENT,
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=12,
        choices=ProposalVisibility.choices,
        default=ProposalVisibility.PARTICIPANTS,
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    outcome_reason = models.CharField(_("reason for the outcome"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("cooperation proposal")
        verbose_name_plural = _("cooperation proposals")
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("proposals:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == State.OPEN

    @property
    def is_decided(self) -> bool:
        return self.state in {State.ADOPTED, State.NOT_ADOPTED}

    @property
    def sdg_values(self) -> list[int]:
        """The goals of the proposal, in order (uses prefetched links)."""
        return sorted(link.goal for link in self.sdg_links.all())

    @property
    def sdg_labels(self) -> list[str]:
        return [SDG(goal).label for goal in self.sdg_values]

    @cached_property
    def problem_html(self) -> SafeString:
        return render_markdown(self.problem)

    @cached_property
    def activity_html(self) -> SafeString:
        return render_markdown(self.activity)

    @cached_property
    def outcome_html(self) -> SafeString:
        return render_markdown(self.outcome)

    @cached_property
    def budget_html(self) -> SafeString:
        return render_markdown(self.budget)


class ProposalSdg(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="sdg_links")
    goal = models.PositiveSmallIntegerField(choices=SDG.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "goal"], name="proposals_sdg_once"),
        ]
        indexes = [models.Index(fields=["goal", "proposal"])]

    def __str__(self) -> str:
        return str(self.goal)


class ProposalVersion(models.Model):
    """The text of one version of a proposal, as written then."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    activity = models.TextField(_("proposed activity"))
    outcome = models.TextField(_("expected outcome"))
    budget = models.TextField(_("budget or resources (outline)"), blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposals_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} v{self.number}"


class Transition(models.Model):
    """One change of state: from, to, who (empty for the scheduled command), when, why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state or '-'} → {self.to_state}"


class Endorsement(models.Model):
    """One office's response to one version of a proposal.

    The office's current response is the one for the current version with no
    ``superseded_at``. A new response, an amendment (a new version) or withdrawing
    a "cannot support" supersedes it; superseded responses stay as history.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="endorsements")
    office = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    version = models.PositiveIntegerField(_("version"))
    position = models.CharField(_("position"), max_length=16, choices=Position.choices)
    text = models.TextField(_("reservations or reason"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)
    withdrawn = models.BooleanField(
        default=False, help_text=_("The office withdrew this response without replacing it.")
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["proposal", "superseded_at"])]

    def __str__(self) -> str:
        return f"{self.office_id} {self.position} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None and self.version == self.proposal.version


class Comment(models.Model):
    """A message in a proposal's discussion thread."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    office = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), help_text=_("Markdown."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.office_id} on {self.proposal_id}"

    @cached_property
    def body_html(self) -> SafeString:
        return render_markdown(self.body)


def attachment_path(instance: ProposalAttachment, filename: str) -> str:
    """A random name under proposals/: the uploader's file name never becomes a path."""
    return f"proposals/{secrets.token_hex(16)}.{instance.extension}"


class ProposalAttachment(models.Model):
    """A file attached to a proposal, checked on upload; served only through the
    download view, to those who may read the proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name
