from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ipcoop.search.kinds import KINDS


def _kind_choices() -> list[tuple[str, str]]:
    return [("", _("All kinds")), *((k.name, k.plural or k.label) for k in KINDS.values())]


def _language_choices() -> list[tuple[str, str]]:
    return [("", _("All languages")), *settings.LANGUAGES]


class SearchForm(forms.Form):
    """The query and the facet filters, from the address (GET), as the API takes them."""

    q = forms.CharField(label=_("Search for"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=_kind_choices, required=False)
    office = forms.IntegerField(label=_("Office"), required=False, min_value=1)
    lang = forms.ChoiceField(label=_("Language"), choices=_language_choices, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2999)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
