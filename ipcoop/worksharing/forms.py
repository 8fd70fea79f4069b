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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by its content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


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

    documents = MultipleFileField(
        label=_("Documents (PDF)"),
        required=False,
        help_text=_(
            "The search report or office action itself: PDF only, at most 10 MB each, "
            "up to 5 files."
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


class ImportForm(forms.Form):
    """A JSON-lines dossier file for one of the offices the user records dossiers for."""

    office = forms.ModelChoiceField(label=_("Office"), queryset=Organisation.objects.none())
    file = forms.FileField(
        label=_("Dossier file (JSON lines)"),
        help_text=_(
            "One application a line, with the API's field names (application_number, "
            "filing_date, invention_title, …). At most 10 MB. If any line is wrong, nothing "
            "is imported and every wrong line is listed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".jsonl,.ndjson,.json,.txt"}),
    )

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = (
            offices if offices is not None else Organisation.objects.none()
        )
        if offices is not None and len(offices) == 1:
            self.fields["office"].initial = offices[0].pk
