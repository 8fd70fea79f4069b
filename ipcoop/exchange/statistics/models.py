"""Yearly IP statistics that the offices report to each other.

One ``Figure`` is one number: an office's count of one thing (a measure of one
right, or 4IR filings in one technology area) in one year, with its source.
Entering the same office, year, measure and right or area again replaces the
number: there is one figure per cell. No figures are shipped with the platform:
a cell without a figure is shown as "not yet reported".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcoop.access import SharedItem, Visibility

# The earliest year a figure may be given for.
FIRST_YEAR = 1950


class Measure(models.TextChoices):
    APPLICATIONS = "applications", _("Applications")
    REGISTRATIONS = "registrations", _("Registrations and grants")
    FILINGS_4IR = "4ir_filings", _("4IR filings")


class Right(models.TextChoices):
    PATENT = "patent", _("Patent")
    UTILITY_MODEL = "utility_model", _("Utility model")
    TRADEMARK = "trademark", _("Trademark")
    DESIGN = "design", _("Design")


class TechArea(models.TextChoices):
    AI = "ai", _("Artificial intelligence")
    BLOCKCHAIN = "blockchain", _("Blockchain")
    METAVERSE = "metaverse", _("Metaverse")


# Which rights or areas each measure counts.
SUBJECTS: dict[str, list[str]] = {
    Measure.APPLICATIONS: list(Right.values),
    Measure.REGISTRATIONS: list(Right.values),
    Measure.FILINGS_4IR: list(TechArea.values),
}

SUBJECT_LABELS: dict[str, str] = {**dict(Right.choices), **dict(TechArea.choices)}

# Figures are shared with every cooperating office, or published.
FIGURE_VISIBILITIES = [Visibility.OFFICES, Visibility.PUBLIC]


class Figure(SharedItem):
    """One office's count of one thing in one year, with the source it comes from."""

    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=[(v.value, v.label) for v in FIGURE_VISIBILITIES],
        default=Visibility.OFFICES,
        help_text=_("Shared with all cooperating offices, or public to everyone."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    right_or_area = models.CharField(
        _("right or technology area"),
        max_length=20,
        choices=[*Right.choices, *TechArea.choices],
    )
    value = models.PositiveBigIntegerField(_("value"))
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the number comes from, e.g. 'DGIP annual report 2024'."),
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["office__position", "measure", "right_or_area", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "measure", "right_or_area"],
                name="statistics_one_figure_per_cell",
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=[v.value for v in FIGURE_VISIBILITIES]),
                name="statistics_figure_visibility",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        measure__in=[Measure.APPLICATIONS, Measure.REGISTRATIONS],
                        right_or_area__in=Right.values,
                    )
                    | models.Q(measure=Measure.FILINGS_4IR, right_or_area__in=TechArea.values)
                ),
                name="statistics_figure_subject_fits_measure",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR), name="statistics_figure_year"
            ),
        ]
        indexes = [models.Index(fields=["measure", "right_or_area", "year"])]

    def __str__(self) -> str:
        return f"{self.office_id} {self.year} {self.measure} {self.right_or_area}: {self.value}"

    @property
    def subject_label(self) -> str:
        return str(SUBJECT_LABELS.get(self.right_or_area, self.right_or_area))
