"""HTML input for practice pages. Domain rules live in the services; forms parse."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ipcoop.exchange.practice import services
from ipcoop.exchange.practice.models import POSITION_VISIBILITIES, Answer, Area, Right


class MatrixFilterForm(forms.Form):
    """The matrix's filters: offices, technology area, IP right, and 'changed since'."""

    offices = forms.MultipleChoiceField(
        label=_("Offices"), required=False, widget=forms.CheckboxSelectMultiple
    )
    area = forms.ChoiceField(
        label=_("Technology area"),
        required=False,
        choices=[("", _("All areas")), *Area.choices],
    )
    right = forms.ChoiceField(
        label=_("IP right"), required=False, choices=[("", _("All rights")), *Right.choices]
    )
    since = forms.DateField(
        label=_("Changed since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Mark positions saved on or after this date."),
    )

    def __init__(self, *args, offices: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offices"].choices = [(o.slug, o.short_name) for o in offices]


class PositionForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Short answer"), choices=Answer.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("Answer text"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The office's answer in a few sentences."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        required=False,
        help_text=_("Act and article, or guideline and section, e.g. Patent Act Art. 33(1)."),
    )
    source_title = forms.CharField(
        label=_("Source document"),
        max_length=300,
        help_text=_("Title of the decision, guideline or notice, e.g. a court case number."),
    )
    source_url = forms.URLField(
        label=_("Source address (optional)"),
        max_length=500,
        required=False,
        help_text=_("A web address starting with https://"),
    )
    effective_date = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When the position took effect, if the source says."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=POSITION_VISIBILITIES,
        widget=forms.RadioSelect,
        initial="offices",
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Question"),
        max_length=300,
        help_text=_("A precise question, e.g. Can an AI system be named as inventor?"),
    )
    slug = forms.SlugField(
        label=_("Short name for addresses (optional)"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and hyphens; made from the question when left empty."),
    )
    area = forms.ChoiceField(label=_("Technology area"), choices=Area.choices)
    right = forms.ChoiceField(label=_("IP right"), choices=Right.choices)
    ipc_symbols = forms.CharField(
        label=_("IPC symbols (optional)"),
        required=False,
        help_text=_("Separated by commas, e.g. G06N 3/08, H04L 9/50."),
    )
    nice_classes = forms.CharField(
        label=_("Nice classes (optional)"),
        required=False,
        help_text=_("Numbers from 1 to 45, separated by commas, e.g. 9, 35, 41."),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A short, neutral note on what the question covers."),
    )

    def clean_ipc_symbols(self) -> list[str]:
        try:
            return services.parse_ipc_symbols(self.cleaned_data["ipc_symbols"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error

    def clean_nice_classes(self) -> list[int]:
        try:
            return services.parse_nice_classes(self.cleaned_data["nice_classes"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
