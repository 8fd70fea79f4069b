"""HTML input for statistics. The forms only parse; ``services.check_figures`` holds the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ipcoop.access import Visibility
from ipcoop.exchange.statistics.reports import MAX_YEARS, SERIES_BY_KEY, series_choices
from ipcoop.exchange.statistics.tables import MAX_FILE_BYTES

VISIBILITY_CHOICES = [
    (Visibility.OFFICES.value, _("All cooperating offices")),
    (Visibility.PUBLIC.value, _("Public: everyone, also without signing in")),
]


class FigureForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), help_text=_("The year the figure counts, e.g. 2024.")
    )
    series = forms.ChoiceField(
        label=_("What is counted"),
        choices=series_choices,
        help_text=_("A measure and a right, or 4IR filings in one area."),
    )
    value = forms.IntegerField(
        label=_("Number"), min_value=0, help_text=_("A whole number, without separators.")
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the number comes from, e.g. 'DGIP annual report 2024'."),
    )
    source_url = forms.CharField(
        label=_("Source address (optional)"),
        required=False,
        max_length=500,
        help_text=_("A web address where others can check the number."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=VISIBILITY_CHOICES,
        initial=Visibility.OFFICES.value,
        widget=forms.RadioSelect,
    )

    def row(self) -> dict[str, object]:
        """The cleaned input as one row for ``services.save_figures``."""
        data = self.cleaned_data
        measure, right_or_area = data["series"].split(":", 1)
        return {
            "year": data["year"],
            "measure": measure,
            "right_or_area": right_or_area,
            "value": data["value"],
            "source": data["source"],
            "source_url": data["source_url"],
            "visibility": data["visibility"],
        }


# Which form field shows a problem the service reports for a field of a row.
FORM_FIELD_OF = {"measure": "series", "right_or_area": "series", "__all__": None}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File of figures (.csv or .xlsx)"),
        help_text=_("At most %(size)d KB. Use the columns described above.")
        % {"size": MAX_FILE_BYTES // 1000},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class YearsForm(forms.Form):
    """The year range of a page (both optional: the page picks the latest years with figures)."""

    year_from = forms.IntegerField(label=_("From year"), required=False, min_value=1950)
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1950)
    max_years: int | None = MAX_YEARS

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first is not None and last is not None:
            if first > last:
                raise forms.ValidationError(_("Make 'From year' no later than 'To year'."))
            if self.max_years is not None and last - first >= self.max_years:
                raise forms.ValidationError(
                    _("Choose at most %(max)d years at a time.") % {"max": self.max_years}
                )
        return data


class OverviewForm(YearsForm):
    series = forms.ChoiceField(label=_("What is counted"), choices=series_choices, required=False)
    field_order = ["series", "year_from", "year_to"]

    def clean_series(self) -> str:
        return self.cleaned_data.get("series") or next(iter(SERIES_BY_KEY))


class ExportForm(YearsForm):
    max_years = None
    office = forms.SlugField(required=False)
    series = forms.ChoiceField(choices=series_choices, required=False)
