"""HTML input for meetings. The domain rules live in services; these parse.

Times are entered as wall-clock times in a time zone the organiser chooses (by default
their own); the form turns them into aware datetimes in that zone.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ipcoop.exchange.consultations.forms import OfficeChoiceField, OfficesChoiceField
from ipcoop.meetings.models import (
    Availability,
    Format,
    Frequency,
    MeetingSeries,
    MeetingVisibility,
)
from ipcoop.people.models import Organisation

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def zone_choices() -> list[tuple[str, str]]:
    """Offices' zones first, then every IANA zone."""
    office_zones = sorted(set(Organisation.objects.values_list("timezone", flat=True)))
    rest = sorted(zoneinfo.available_timezones() - set(office_zones))
    return [(z, z) for z in office_zones] + [("UTC", "UTC")] + [(z, z) for z in rest if z != "UTC"]


def in_zone(value: datetime | None, zone_name: str) -> datetime | None:
    """The wall-clock ``value`` (naive, as typed) as an aware datetime in ``zone_name``."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = timezone.make_naive(value)
    return value.replace(tzinfo=zoneinfo.ZoneInfo(zone_name))


class WallClockField(forms.DateTimeField):
    """A date and time as typed, without a zone: the form attaches the chosen zone."""

    input_formats = DATETIME_FORMATS
    widget = DATETIME_INPUT

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        for fmt in DATETIME_FORMATS:
            try:
                return datetime.strptime(value.strip(), fmt)
            except ValueError:
                continue
        raise forms.ValidationError(
            _("Enter a date and time, e.g. 2026-05-14 10:00."), code="invalid"
        )


class MeetingForm(forms.Form):
    organiser = OfficeChoiceField(
        label=_("Organised by"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    series = forms.ModelChoiceField(
        label=_("Series"),
        queryset=MeetingSeries.objects.all(),
        required=False,
        empty_label=_("Not part of a series"),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=Format.choices, widget=forms.RadioSelect, initial=Format.ONLINE
    )
    link = forms.URLField(
        label=_("Online link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Needed for online and hybrid meetings."),
    )
    venue = forms.CharField(
        label=_("Venue"),
        required=False,
        max_length=300,
        help_text=_("Needed for meetings in person and hybrid ones: place and address."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone of the times below"),
        choices=(),
        help_text=_("Enter the start and end as clocks show them in this zone."),
    )
    starts_at = WallClockField(label=_("Starts"))
    ends_at = WallClockField(label=_("Ends"))
    participants = OfficesChoiceField(
        label=_("Participating organisations"),
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=MeetingVisibility.choices,
        widget=forms.RadioSelect,
        initial=MeetingVisibility.PARTICIPANTS,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: *emphasis*, lists, links."),
    )

    def __init__(self, *args, organising: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organising
        self.fields["time_zone"].choices = zone_choices()

    def clean(self) -> dict:
        data = super().clean()
        zone = data.get("time_zone")
        if zone:
            data["starts_at"] = in_zone(data.get("starts_at"), zone)
            data["ends_at"] = in_zone(data.get("ends_at"), zone)
        return data


class SeriesForm(forms.Form):
    organiser = OfficeChoiceField(
        label=_("Organised by"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organising: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organising


class FindTimeForm(forms.Form):
    offices = OfficesChoiceField(
        label=_("Offices"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=15, max_value=540, initial=60
    )
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["first_day"].initial = today + timedelta(days=1)
        self.fields["last_day"].initial = today + timedelta(days=14)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda point"), max_length=200)
    presenter = OfficeChoiceField(
        label=_("Presented by"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No presenting office"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes"), min_value=1, max_value=600, initial=15
    )
    practice_questions = forms.ModelMultipleChoiceField(
        label=_("Practice questions"), queryset=None, required=False
    )
    policy_updates = forms.ModelMultipleChoiceField(
        label=_("Policy updates"), queryset=None, required=False
    )
    proposals = forms.ModelMultipleChoiceField(label=_("Proposals"), queryset=None, required=False)

    def __init__(self, *args, offices, questions, updates, proposals, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = offices
        self.fields["practice_questions"].queryset = questions
        self.fields["policy_updates"].queryset = updates
        self.fields["proposals"].queryset = proposals


class MinutesForm(forms.Form):
    body = forms.CharField(
        label=pgettext_lazy("record of a meeting", "Minutes"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: headings, lists, links. Each save keeps a new revision."),
    )


class CommentForm(forms.Form):
    office = OfficeChoiceField(label=_("Comment for"), queryset=Organisation.objects.none())
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, offices: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in offices])
        if len(offices) <= 1:
            del self.fields["office"]


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    proposal = forms.ModelChoiceField(
        label=_("Linked proposal"), queryset=None, required=False, empty_label=_("None")
    )
    project = forms.ModelChoiceField(
        label=_("Linked project"), queryset=None, required=False, empty_label=_("None")
    )

    def __init__(self, *args, proposals, projects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals
        self.fields["project"].queryset = projects


class AttendanceForm(forms.Form):
    office = forms.ModelChoiceField(queryset=Organisation.objects.all(), to_field_name="slug")
    registered = forms.BooleanField(required=False)
    attended = forms.BooleanField(required=False)


class PollForm(forms.Form):
    title = forms.CharField(label=_("Title of the meeting"), max_length=200)
    organiser = OfficeChoiceField(
        label=_("Organised by"), queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, *args, organising: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organising


ANSWER_CHOICES = Availability.choices
