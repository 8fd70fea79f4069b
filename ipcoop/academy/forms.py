"""Forms of the Academy pages: catalogue filters and the educators' editors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ipcoop.academy.i18n import content_languages, language_name
from ipcoop.academy.models import Audience, Level, QuestionType, Topic

SDG_CHOICES = [(str(n), _("SDG %(number)d") % {"number": n}) for n in range(1, 18)]


def _language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in content_languages()]


class CatalogueFilter(forms.Form):
    q = forms.CharField(label=_("Search by title"), required=False, max_length=100)
    audience = forms.ChoiceField(
        label=_("Audience"), required=False, choices=[("", _("All audiences")), *Audience.choices]
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("All topics")), *Topic.choices]
    )
    sdg = forms.ChoiceField(
        label=_("SDG"), required=False, choices=[("", _("All goals")), *SDG_CHOICES]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("All languages")), *_language_choices()]


class LanguageForm(forms.Form):
    lang = forms.ChoiceField(label=_("Language you are editing"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lang"].choices = _language_choices()


class CourseForm(forms.Form):
    slug = forms.SlugField(label=_("Slug (address)"), max_length=80)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple
    )
    sdgs = forms.MultipleChoiceField(
        label=_("Sustainable Development Goals"),
        choices=SDG_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    minutes = forms.IntegerField(label=_("Estimated minutes"), min_value=1, max_value=10000)
    languages = forms.MultipleChoiceField(
        label=_("Languages the whole course is translated into"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = _language_choices()


class UnitForm(forms.Form):
    title = forms.CharField(label=_("Unit title"), max_length=200, required=False)


class LessonForm(forms.Form):
    slug = forms.SlugField(label=_("Slug (address)"), max_length=80)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600)
    body = forms.CharField(
        label=_("Lesson text (Markdown)"), widget=forms.Textarea(attrs={"rows": 16}), required=False
    )
    key_points = forms.CharField(
        label=_("Key points (one a line, 2 to 5)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    objectives = forms.CharField(
        label=_("Objectives taught (codes, separated by spaces or commas)"), max_length=300
    )
    images = forms.CharField(
        label=_('Images (one a line: "static/path.svg | alternative text")'),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    video_url = forms.URLField(
        label=_("Video address (https)"), required=False, assume_scheme="https"
    )
    transcript = forms.CharField(
        label=_("Video transcript"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    sources = forms.CharField(
        label=_('Sources (one a line: "title | https://address" or just a title)'),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean_objectives(self):
        raw = self.cleaned_data["objectives"].replace(",", " ").split()
        return list(dict.fromkeys(code.strip().upper() for code in raw if code.strip()))

    def clean_video_url(self):
        url = self.cleaned_data["video_url"]
        if url and not url.startswith("https://"):
            raise forms.ValidationError(_("Use an https address."))
        return url

    def clean_sources(self):
        sources = []
        for line in self.cleaned_data["sources"].splitlines():
            if not line.strip():
                continue
            title, _sep, url = line.partition("|")
            url = url.strip()
            if url and not url.startswith(("http://", "https://")):
                raise forms.ValidationError(
                    _("A source address must start with http:// or https://.")
                )
            sources.append({"title": title.strip(), "url": url})
        return sources

    def clean_images(self):
        images = []
        for line in self.cleaned_data["images"].splitlines():
            if not line.strip():
                continue
            src, _sep, alt = line.partition("|")
            src = src.strip()
            if ".." in src or ":" in src or src.startswith("/"):
                raise forms.ValidationError(_("Give a static path such as academy/picture.svg."))
            images.append((src, alt.strip()))
        return images


class QuestionForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=QuestionType.choices)
    objective = forms.ChoiceField(label=_("Objective checked"))
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"),
        coerce=int,
        choices=[(1, _("1 easy")), (2, _("2 medium")), (3, _("3 hard"))],
    )
    prompt = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            'Single or multiple choice: one choice a line, "* " before a right one and "- " before '
            'a wrong one. Matching: one pair a line, "left => right". Short answer: one accepted '
            "answer a line. True or false: leave empty."
        ),
    )
    answer = forms.ChoiceField(
        label=_("The statement is (true or false questions)"),
        choices=[("", "—"), ("true", _("True")), ("false", _("False"))],
        required=False,
    )
    feedback = forms.CharField(
        label=_("Explanation shown after answering"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, objectives: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [(code, code) for code in objectives]


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), max_length=200, required=False)


class ImportForm(forms.Form):
    package = forms.FileField(label=_("Course package (.json or .zip)"))
