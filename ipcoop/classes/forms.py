"""Forms of the class pages. Validation that matters lives in the services; these
parse what a browser sends and label every field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipcoop.academy.i18n import current_language, pick
from ipcoop.academy.models import Audience, Course, Status
from ipcoop.classes import pictures
from ipcoop.classes.models import ConsentMethod


class CourseChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Course) -> str:
        return pick(obj.title, current_language()).text


class ClassForm(forms.Form):
    name = forms.CharField(label=_("Class name"), max_length=80)
    audience = forms.ChoiceField(
        label=_("Audience"), choices=Audience.choices, initial=Audience.CHILDREN
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        min_length=2,
        help_text=_(
            "Two-letter code of the country where the class is, e.g. KR, TH, VN. "
            "It decides when a parent's consent is needed."
        ),
    )
    age_min = forms.IntegerField(label=_("Youngest age in the class"), min_value=3, max_value=99)
    age_max = forms.IntegerField(label=_("Oldest age in the class"), min_value=3, max_value=99)
    courses = CourseChoice(
        label=_("Courses"),
        queryset=Course.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = Course.objects.filter(status=Status.PUBLISHED).order_by(
            "audience", "slug"
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Class code"),
        max_length=20,
        help_text=_("The letters and numbers your teacher gave you."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class PictureForm(forms.Form):
    """Join or sign in: the code (kept from the first step), a name and three pictures."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    display_name = forms.CharField(
        label=_("Your name in the class"),
        max_length=40,
        help_text=_("A first name or a nickname. No full name needed."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    pictures = forms.MultipleChoiceField(
        label=_("Your three pictures"),
        choices=pictures.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class ConsentForm(forms.Form):
    method = forms.ChoiceField(label=_("How the parent consented"), choices=ConsentMethod.choices)
    given_on = forms.DateField(
        label=_("Date of consent"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(
        label=_("Reference (optional)"),
        max_length=80,
        required=False,
        help_text=_("Where the school keeps the record, e.g. a form number. Do not upload it."),
    )
    child_agreed = forms.BooleanField(label=_("The child agreed too"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AssignForm(forms.Form):
    lesson = forms.TypedChoiceField(label=_("Lesson"), coerce=int)
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, lessons: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lesson"].choices = [(item["lesson"].pk, item["title"]) for item in lessons]
