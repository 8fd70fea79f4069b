"""Forms of the inbox: the kind filter and the e-mail preferences."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ipcoop.notifications.models import DigestFrequency, Kind


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Kind.choices],
    )
    unread = forms.BooleanField(label=_("Unread only"), required=False)


class PreferenceForm(forms.Form):
    digest = forms.ChoiceField(
        label=_("E-mail summary of your inbox"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("One e-mail with everything new since the last one; none when nothing is new."),
    )
    urgent_email = forms.BooleanField(
        label=_("E-mail urgent items at once"),
        required=False,
        help_text=_(
            "Urgent items: a meeting moved within the next 48 hours, an overdue action. "
            "When off, they wait for the summary."
        ),
    )
