"""HTML input for consultations. The domain rules live in services; these parse."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ipcoop.exchange.consultations.models import Area, Status, validate_practice_reference
from ipcoop.people.models import Organisation

ALL = "all"
SELECTED = "selected"


def office_label(office: Organisation) -> str:
    """ "KIPO (KR)"; "DIP (KH)" rather than "DIP (KH) (KH)" when the short name has the code."""
    if not office.code or f"({office.code})" in office.short_name:
        return office.short_name
    return f"{office.short_name} ({office.code})"


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return office_label(obj)


class OfficesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return office_label(obj)


class AskForm(forms.Form):
    office = OfficeChoiceField(
        label=_("Asking office"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label=_("Question in one line"),
        max_length=200,
        help_text=_("For example: How do you examine claims to AI-generated designs?"),
    )
    body = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Background and what you want to know. Markdown: *emphasis*, lists, links."),
    )
    area = forms.ChoiceField(label=_("Technology area"), choices=Area.choices)
    due_date = forms.DateField(
        label=_("Replies due by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Offices that have not replied are reminded as this date nears."),
    )
    audience = forms.ChoiceField(
        label=_("Ask"),
        choices=[(ALL, _("All IP offices")), (SELECTED, _("Selected organisations"))],
        widget=forms.RadioSelect,
        initial=ALL,
    )
    offices = OfficesChoiceField(
        label=_("Organisations asked"),
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only when you ask selected organisations."),
    )

    def __init__(self, *args, asking: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = asking
        if len(asking) == 1:
            # One asking office: it need not be offered as one of those asked.
            self.fields["offices"].queryset = Organisation.objects.exclude(pk=asking[0].pk)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("audience") == SELECTED and not data.get("offices"):
            self.add_error(
                "offices", _("Select at least one organisation, or choose to ask all IP offices.")
            )
        if data.get("audience") == ALL:
            data["offices"] = []
        return data


class ReplyForm(forms.Form):
    office = OfficeChoiceField(
        label=_("Reply for"), queryset=Organisation.objects.none(), required=False
    )
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: *emphasis*, lists, links."),
    )
    practice_reference = forms.CharField(
        label=_("Practice position (optional)"),
        max_length=300,
        required=False,
        validators=[validate_practice_reference],
        help_text=_("The path of your office's practice position, e.g. /practice/ai-inventor/kr/."),
    )

    def __init__(self, *args, offices: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in offices])
        if len(offices) > 1:
            self.fields["office"].required = True
        else:
            del self.fields["office"]


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False
    )
    office = OfficeChoiceField(
        label=_("Asked by"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Any office"),
    )
    area = forms.ChoiceField(
        label=_("Technology area"), choices=[("", _("Any area")), *Area.choices], required=False
    )
    awaiting = forms.BooleanField(label=_("Only those awaiting my office's reply"), required=False)
