"""HTML forms for proposals. They parse input; the services apply the domain rules."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipcoop.exchange.choices import Area
from ipcoop.exchange.updates.forms import MultipleFileField, OfficeChoices
from ipcoop.exchange.updates.services import MAX_ATTACHMENT_BYTES, accepted_types_text
from ipcoop.people.models import Organisation
from ipcoop.proposals.models import (
    SDG,
    Pillar,
    Position,
    ProposalVisibility,
    SilenceRule,
    State,
)

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, [link](https://…), lists with -. No HTML.")


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last second of ``day`` in the viewer's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


class FilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *State.choices], required=False
    )
    pillar = forms.ChoiceField(
        label=_("Pillar"), choices=[("", _("Both pillars")), *Pillar.choices], required=False
    )
    area = forms.ChoiceField(
        label=_("Technology area"), choices=[("", _("All areas")), *Area.choices], required=False
    )


class ProposalForm(forms.Form):
    """A proposal as its proposers write it. ``proposing`` lists the offices the author
    speaks for; in an amendment of an open proposal the offices cannot change."""

    title = forms.CharField(label=_("Title"), max_length=200)
    problem = forms.CharField(
        label=_("Problem"), widget=forms.Textarea(attrs={"rows": 5}), help_text=MARKDOWN_HELP
    )
    activity = forms.CharField(
        label=_("Proposed activity"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
    )
    outcome = forms.CharField(
        label=_("Expected outcome"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )
    budget = forms.CharField(
        label=_("Budget or resources (outline)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who contributes what, in outline. Markdown."),
    )
    pillar = forms.ChoiceField(label=_("Pillar"), choices=Pillar.choices, widget=forms.RadioSelect)
    area = forms.ChoiceField(label=_("Technology area"), choices=Area.choices)
    sdgs = forms.TypedMultipleChoiceField(
        label=_("Sustainable Development Goals"),
        choices=SDG.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    proposing_offices = OfficeChoices(
        label=_("Proposing offices"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    participating_offices = OfficeChoices(
        label=_("Participating offices (must endorse)"),
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(
        label=_("Deadline for responses"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Responses are due by the end of this day (your time zone)."),
    )
    silence_rule = forms.ChoiceField(
        label=_("After the deadline, silence means"),
        choices=SilenceRule.choices,
        widget=forms.RadioSelect,
        initial=SilenceRule.CONSENT,
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=ProposalVisibility.choices,
        widget=forms.RadioSelect,
        initial=ProposalVisibility.PARTICIPANTS,
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("%(types)s; at most %(limit)d MB each.")
        % {"types": accepted_types_text(), "limit": MAX_ATTACHMENT_BYTES // 2**20},
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("Shown in the version history."),
    )
    open_now = forms.BooleanField(
        label=_("Open for endorsement now (otherwise it stays a draft)"), required=False
    )

    def __init__(
        self,
        *args: Any,
        proposing: Any = None,
        proposal: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if proposal is None:
            del self.fields["note"]
            self.fields["proposing_offices"].queryset = proposing
            if proposing is not None and len(proposing) == 1:
                self.fields["proposing_offices"].initial = [proposing[0].pk]
        else:
            del self.fields["proposing_offices"]
            del self.fields["open_now"]
            if proposal.state != State.DRAFT:
                del self.fields["participating_offices"]
            atts = list(proposal.attachments.all())
            if atts:
                self.fields["remove_attachments"] = forms.TypedMultipleChoiceField(
                    label=_("Remove attachments"),
                    choices=[(a.pk, a.original_name) for a in atts],
                    coerce=int,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "problem": data["problem"],
            "activity": data["activity"],
            "outcome": data["outcome"],
            "budget": data["budget"],
            "pillar": data["pillar"],
            "area": data["area"],
            "sdgs": data["sdgs"],
            "deadline": end_of_day(data["deadline"]),
            "silence_rule": data["silence_rule"],
            "visibility": data["visibility"],
        }


def initial_for(proposal: Any) -> dict[str, Any]:
    return {
        "title": proposal.title,
        "problem": proposal.problem,
        "activity": proposal.activity,
        "outcome": proposal.outcome,
        "budget": proposal.budget,
        "pillar": proposal.pillar,
        "area": proposal.area,
        "sdgs": proposal.sdg_values,
        "participating_offices": [o.pk for o in proposal.participating_offices.all()],
        "deadline": timezone.localtime(proposal.deadline).date(),
        "silence_rule": proposal.silence_rule,
        "visibility": proposal.visibility,
    }


class _OfficeMixin:
    def _office_field(self, offices: list[Organisation]) -> None:
        self.only_office = offices[0] if len(offices) == 1 else None
        if self.only_office is None:
            self.fields["office"] = forms.ModelChoiceField(
                label=_("For office"),
                queryset=Organisation.objects.filter(pk__in=[o.pk for o in offices]),
            )
            self.order_fields(["office"])

    def chosen_office(self) -> Any:
        return self.only_office or self.cleaned_data.get("office")


class EndorseForm(_OfficeMixin, forms.Form):
    position = forms.ChoiceField(
        label=_("Your office's position"), choices=Position.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Reservations or reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “support with reservations” and “cannot support”."),
    )

    def __init__(self, *args: Any, offices: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._office_field(offices)


class CommentForm(_OfficeMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), help_text=MARKDOWN_HELP
    )

    def __init__(self, *args: Any, offices: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._office_field(offices)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is the proposal withdrawn?"), max_length=300)
