"""HTML forms for policy updates. They parse input; the services apply the domain rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ipcoop.access import Visibility
from ipcoop.exchange.updates.models import RIGHT_TAGS, TECHNOLOGY_TAGS, Kind, Tag
from ipcoop.exchange.updates.services import MAX_ATTACHMENT_BYTES, accepted_types_text
from ipcoop.people.models import Organisation


class FilterForm(forms.Form):
    """The feed's filters, sent as GET parameters; an empty field filters nothing."""

    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All offices"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Kind.choices], required=False
    )
    tag = forms.ChoiceField(
        label=_("Tag"), choices=[("", _("All tags")), *Tag.choices], required=False
    )
    published_from = forms.DateField(
        label=_("Published from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    published_to = forms.DateField(
        label=_("Published until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", _("Choose a date on or after the “from” date."))
        return data

    def filters(self) -> dict[str, Any]:
        """The service's filter arguments (nothing filtered when the form is not valid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "office": data["office"].slug if data.get("office") else None,
            "kind": data.get("kind") or None,
            "tag": data.get("tag") or None,
            "published_from": data.get("published_from"),
            "published_to": data.get("published_to"),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class OfficeChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name if obj.short_name == obj.name else f"{obj.short_name} — {obj.name}"


class UpdateForm(forms.Form):
    """Fields of an update as a person writes it. Office choice only when the author
    posts for more than one office."""

    office = forms.ModelChoiceField(label=_("Office"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences: shown in the list and in feeds."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Markdown: **bold**, *italic*, [link](https://…), lists with -, tables. "
            "HTML is not allowed."
        ),
    )
    effective_date = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the change takes effect, if it has a date."),
    )
    source_url = forms.URLField(
        label=_("Official source"),
        required=False,
        assume_scheme="https",
        help_text=_("Link to the office's own notice, gazette or law text, if there is one."),
    )
    technology_tags = forms.MultipleChoiceField(
        label=_("Technology"),
        choices=[(tag.value, tag.label) for tag in TECHNOLOGY_TAGS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    right_tags = forms.MultipleChoiceField(
        label=_("Rights"),
        choices=[(tag.value, tag.label) for tag in RIGHT_TAGS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Visibility.choices,
        initial=Visibility.OWN,
        widget=forms.RadioSelect,
    )
    shared_with = OfficeChoices(
        label=_("Selected offices"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when “Selected offices” is chosen above."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("%(types)s; at most %(limit)d MB each.")
        % {"types": accepted_types_text(), "limit": MAX_ATTACHMENT_BYTES // 2**20},
    )

    def __init__(
        self, *args: Any, offices: Any = None, attachments: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if attachments:
            self.fields["remove_attachments"] = forms.TypedMultipleChoiceField(
                label=_("Remove attachments"),
                choices=[(a.pk, a.original_name) for a in attachments],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        # One office to post for: no choice to make, so no field.
        self.only_office = offices[0] if offices is not None and len(offices) == 1 else None
        own = self.only_office or (self.initial.get("office") if offices is None else None)
        if own is not None:
            self.fields["shared_with"].queryset = Organisation.objects.exclude(pk=own.pk)
        if offices is None or self.only_office is not None:
            del self.fields["office"]
        else:
            self.fields["office"].queryset = offices

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "summary": data["summary"],
            "body": data["body"],
            "effective_date": data["effective_date"],
            "source_url": data["source_url"],
            "tags": [*data["technology_tags"], *data["right_tags"]],
            "visibility": data["visibility"],
            "shared_with": list(data["shared_with"]),
            "files": data["attachments"],
        }

    def posting_office(self) -> Any:
        return self.only_office or self.cleaned_data["office"]

    def removed_attachments(self) -> list[int]:
        return self.cleaned_data.get("remove_attachments", [])


def initial_for(update: Any) -> dict[str, Any]:
    tags = set(update.tag_values)
    return {
        "kind": update.kind,
        "title": update.title,
        "summary": update.summary,
        "body": update.body,
        "effective_date": update.effective_date,
        "source_url": update.source_url,
        "technology_tags": [t.value for t in TECHNOLOGY_TAGS if t.value in tags],
        "right_tags": [t.value for t in RIGHT_TAGS if t.value in tags],
        "visibility": update.visibility,
        "shared_with": list(update.shared_with.all()),
    }
