"""HTML input of work-sharing; the services apply the domain rules."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ipcoop.people.models import Organisation, OrganisationKind


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Application, priority or PCT number"),
        max_length=60,
        help_text=_("Any common form: KR 10-2023-0012345, KR1020230012345, PCT/KR2023/012345."),
    )


class RequestForm(forms.Form):
    to_office = forms.ModelChoiceField(
        label=_("Office asked"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.IP_OFFICE),
    )
    due_date = forms.DateField(
        label=_("Answer due by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, exclude_office=None, **kwargs):
        super().__init__(*args, **kwargs)
        if exclude_office is not None:
            self.fields["to_office"].queryset = self.fields["to_office"].queryset.exclude(
                pk=exclude_office
            )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("share", _("Share our results")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you decline."),
    )


# A patent document as typed: office code, digits with separators, optional kind code.
PATENT_DOCUMENT = re.compile(r"^[A-Za-z]{2}[\s\d/.\-]*\d[\s\d/.\-]*([A-Za-z]\d?)?$")


class WorkProductForm(forms.Form):
    """A work product typed on a page. Citations: one a line,
    ``category | document number or literature | claims | passages``."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    action_type = forms.CharField(label=_("Office action type"), required=False, max_length=100)
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=200)
    claims_objected = forms.CharField(label=_("Claims objected to"), required=False, max_length=200)
    grounds = forms.CharField(
        label=_("Grounds"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.ChoiceField(label=_("Final decision"), required=False, choices=[])
    granted_claims = forms.CharField(label=_("Granted claims"), required=False, max_length=200)
    citations = forms.CharField(
        label=_("Citations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line: category | document number or literature | claims | passages, "
            "e.g. X | US 2020/0123456 A1 | 1-5 | para. 12"
        ),
    )

    def __init__(self, *args, **kwargs):
        from ipcoop.worksharing.models import Decision, WorkProductKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = WorkProductKind.choices
        self.fields["decision"].choices = [("", "—"), *Decision.choices]

    def clean_citations(self) -> list[dict[str, str]]:
        rows = []
        for line in self.cleaned_data["citations"].splitlines():
            if not line.strip():
                continue
            category, cited, claims, passages = ([p.strip() for p in line.split("|")] + [""] * 3)[
                :4
            ]
            is_patent = bool(PATENT_DOCUMENT.match(cited))
            rows.append(
                {
                    "category": category,
                    "document_number": cited if is_patent else "",
                    "npl_text": "" if is_patent else cited,
                    "claims": claims,
                    "passages": passages,
                }
            )
        return rows
