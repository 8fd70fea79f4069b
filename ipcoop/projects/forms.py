"""HTML forms for projects. They parse input; the services apply the domain rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipcoop.people.models import Organisation, User
from ipcoop.projects.models import ActionStatus
from ipcoop.proposals.models import SDG, Pillar

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    pillar = forms.ChoiceField(
        label=_("Pillar"), choices=[("", _("Both pillars")), *Pillar.choices], required=False
    )
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All offices"),
    )
    sdg = forms.TypedChoiceField(
        label=_("Goal"),
        choices=[("", _("All goals")), *SDG.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Projects running at some time in that year."),
    )

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    lead_office = forms.ModelChoiceField(
        label=_("Lead office"), queryset=Organisation.objects.none()
    )
    partner_offices = forms.ModelMultipleChoiceField(
        label=_("Partner offices"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = forms.DateField(label=_("Start"), widget=DATE)
    end_date = forms.DateField(label=_("End"), widget=DATE)

    def __init__(self, *args: Any, proposal: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        proposers = [o.pk for o in proposal.proposing_offices.all()]
        involved = proposers + [o.pk for o in proposal.participating_offices.all()]
        self.fields["lead_office"].queryset = Organisation.objects.filter(pk__in=proposers)
        self.fields["partner_offices"].queryset = Organisation.objects.filter(pk__in=involved)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_date = forms.DateField(label=_("Due"), widget=DATE)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    owner_office = forms.ModelChoiceField(
        label=_("Owner office"), queryset=Organisation.objects.none()
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody named (the office)"),
        help_text=_("A member of staff of the owner office."),
    )
    due_date = forms.DateField(label=_("Due"), widget=DATE)

    def __init__(self, *args: Any, offices: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_office"].queryset = offices
        self.fields["assignee"].queryset = people
        self.fields["assignee"].label_from_instance = lambda u: u.shown_name


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    percent_done = forms.IntegerField(label=_("Percent done"), min_value=0, max_value=100)
    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, assume_scheme="https", max_length=500
    )


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Progress report"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown. What was done, what is next."),
    )
    date = forms.DateField(label=_("Date"), widget=DATE, required=False)
