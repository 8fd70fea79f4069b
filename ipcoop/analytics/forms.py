"""The filters of the learning analytics page. The form only parses; access decides."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipcoop.academy.i18n import text
from ipcoop.academy.models import Audience, Course
from ipcoop.analytics.reports import (
    COUNTRY_NAMES,
    TOTAL,
    Filters,
    countries_in_order,
    country_label,
)


class AnalyticsForm(forms.Form):
    country = forms.ChoiceField(label=_("Learners' country"), required=False)
    audience = forms.ChoiceField(label=_("Audience"), required=False)
    course = forms.ChoiceField(label=_("Course"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(
        self,
        data=None,
        *,
        countries: frozenset[str] | None,
        courses: list[Course],
        years: list[int],
    ) -> None:
        super().__init__(data)
        codes = [*COUNTRY_NAMES, ""] if countries is None else countries_in_order(set(countries))
        self.fields["country"].choices = [(TOTAL, _("All countries (regional total)"))] + [
            (code or "none", country_label(code)) for code in codes
        ]
        self.fields["audience"].choices = [("", _("All audiences")), *Audience.choices]
        self.courses = {c.slug: c for c in courses}
        self.fields["course"].choices = [("", _("All courses"))] + [
            (c.slug, text(c.title) or c.slug) for c in courses
        ]
        self.fields["year"].choices = [(y, str(y)) for y in years]

    def filters(self, default_year: int | None = None) -> Filters:
        """The chosen filters (the defaults when nothing or something invalid was sent)."""
        year = default_year or timezone.now().year
        if not self.is_bound or not self.is_valid():
            return Filters(year=year)
        data = self.cleaned_data
        country = data.get("country") or TOTAL
        return Filters(
            year=data.get("year") or year,
            country="" if country == "none" else country,
            audience=data.get("audience") or "",
            course=self.courses.get(data.get("course") or ""),
        )
