"""Educators' pages: courses, units, lessons and questions written one language at a
time, previews per audience, review and publication, package import and export.

Every page needs the educator role in the Academy; anyone else gets 404.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.academy import present, services
from ipcoop.academy.forms import (
    CourseForm,
    ImportForm,
    LanguageForm,
    LessonForm,
    QuestionForm,
    ReviewForm,
    UnitForm,
)
from ipcoop.academy.i18n import content_languages, language_name
from ipcoop.academy.models import Audience, Course, Lesson, Question, Status, Unit
from ipcoop.academy.package import (
    PackageError,
    dumps,
    export_package,
    export_zip,
    import_package,
    read_package,
    validate_package,
)


def educator_only(view):
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not access.can_author_courses(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or "en"
    return lang if lang in content_languages() else "en"


def _to(request: HttpRequest, name: str, *args) -> HttpResponse:
    return redirect(f"{reverse(name, args=args)}?lang={_lang(request)}")


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


def _ctx(request: HttpRequest, **extra) -> dict:
    lang = _lang(request)
    return {
        "lang": lang,
        "lang_name": language_name(lang),
        "lang_form": LanguageForm(initial={"lang": lang}),
        "nav_section": "academy",
        **extra,
    }


@educator_only
def index(request: HttpRequest) -> HttpResponse:
    courses = list(Course.objects.order_by("slug"))
    reviews = list(
        Lesson.objects.filter(latest_version__status=Status.IN_REVIEW)
        .exclude(latest_version__author=request.user)
        .select_related("course", "latest_version", "latest_version__author")
    )
    course_reviews = [
        c for c in courses if c.status == Status.IN_REVIEW and c.author_id != request.user.pk
    ]
    return render(
        request,
        "academy/author/index.html",
        _ctx(request, courses=courses, reviews=reviews, course_reviews=course_reviews),
    )


@educator_only
def course_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug) if slug else None
    lang = _lang(request)
    if request.method == "POST":
        form = CourseForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                course = services.save_course(
                    by=request.user,
                    course=course,
                    lang=lang,
                    slug=d["slug"],
                    title=d["title"],
                    summary=d["summary"],
                    audience=d["audience"],
                    level=d["level"],
                    topics=d["topics"],
                    sdgs=[int(s) for s in d["sdgs"]],
                    minutes=d["minutes"],
                    languages=d["languages"],
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Course saved."))
                return _to(request, "academy:author_course", course.slug)
    else:
        initial = {}
        if course:
            initial = {
                "slug": course.slug,
                "title": course.title.get(lang, ""),
                "summary": course.summary.get(lang, ""),
                "audience": course.audience,
                "level": course.level,
                "topics": course.topics,
                "sdgs": [str(s) for s in course.sdgs],
                "minutes": course.minutes,
                "languages": course.languages,
            }
        else:
            initial = {"languages": ["en"], "minutes": 60}
        form = CourseForm(initial=initial)
    units = []
    if course:
        lessons = list(
            course.lessons.exclude(position=10**6)
            .select_related("latest_version", "published_version")
            .order_by("position")
        )
        by_unit: dict[int, list] = {}
        for lesson in lessons:
            by_unit.setdefault(lesson.unit_id, []).append(lesson)
        units = [
            {"unit": unit, "lessons": by_unit.get(unit.pk, [])}
            for unit in course.units.order_by("position", "pk")
        ]
    return render(
        request,
        "academy/author/course.html",
        _ctx(
            request,
            course=course,
            form=form,
            units=units,
            english=course.title.get("en", "") if course else "",
            problems=validate_package(export_package(course)) if course else [],
            may_publish=course is not None
            and access.can_publish_academy_item(request.user, course),
        ),
    )


@educator_only
@require_POST
def course_workflow(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    note = ReviewForm(request.POST)
    note.is_valid()
    try:
        if action == "submit":
            services.submit_course(by=request.user, course=course)
            messages.success(request, _("Course sent for review."))
        elif action == "publish":
            services.publish_course(
                by=request.user, course=course, note=note.cleaned_data.get("note", "")
            )
            messages.success(request, _("Course published."))
        elif action == "return":
            services.return_course(
                by=request.user, course=course, note=note.cleaned_data.get("note", "")
            )
            messages.success(request, _("Course returned to its author as a draft."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("Another educator, not the course's author, must publish it."))
    return redirect("academy:author_course", course.slug)


@educator_only
def unit_edit(request: HttpRequest, slug: str, unit_id: int | None = None) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    unit = get_object_or_404(Unit, course=course, pk=unit_id) if unit_id else None
    lang = _lang(request)
    if request.method == "POST":
        form = UnitForm(request.POST)
        if form.is_valid():
            try:
                services.save_unit(
                    by=request.user,
                    course=course,
                    unit=unit,
                    lang=lang,
                    title=form.cleaned_data["title"],
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Unit saved."))
                return _to(request, "academy:author_course", course.slug)
    else:
        form = UnitForm(initial={"title": unit.title.get(lang, "") if unit else ""})
    return render(
        request,
        "academy/author/unit.html",
        _ctx(
            request,
            course=course,
            unit=unit,
            form=form,
            english=unit.title.get("en", "") if unit else "",
        ),
    )


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


@educator_only
def lesson_edit(
    request: HttpRequest, slug: str, unit_id: int | None = None, lesson_id: int | None = None
) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    lesson = (
        get_object_or_404(
            Lesson.objects.select_related("latest_version", "unit"), course=course, pk=lesson_id
        )
        if lesson_id
        else None
    )
    unit = lesson.unit if lesson else get_object_or_404(Unit, course=course, pk=unit_id)
    lang = _lang(request)
    version = lesson.latest_version if lesson else None
    if request.method == "POST":
        form = LessonForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                version = services.save_lesson(
                    by=request.user,
                    unit=unit,
                    lesson=lesson,
                    lang=lang,
                    slug=d["slug"],
                    title=d["title"],
                    body=d["body"],
                    key_points=_lines(d["key_points"]),
                    minutes=d["minutes"],
                    objectives=d["objectives"],
                    sources=d["sources"],
                    video_url=d["video_url"],
                    transcript=d["transcript"],
                    images=d["images"],
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Draft saved (version %d).") % version.number)
                return _to(request, "academy:author_lesson", course.slug, version.lesson_id)
    else:
        initial = {"minutes": 10}
        if version:
            initial = {
                "slug": lesson.slug,
                "title": version.title.get(lang, ""),
                "minutes": version.minutes,
                "body": version.body.get(lang, ""),
                "key_points": "\n".join(version.key_points.get(lang, [])),
                "objectives": " ".join(version.objectives),
                "images": "\n".join(
                    f"{i['src']} | {i.get('alt', {}).get(lang, '')}" for i in version.images
                ),
                "video_url": (version.video or {}).get("url", ""),
                "transcript": ((version.video or {}).get("transcript") or {}).get(lang, ""),
                "sources": "\n".join(
                    f"{s['title']} | {s['url']}" if s["url"] else s["title"]
                    for s in version.sources
                ),
            }
        form = LessonForm(initial=initial)
    questions = (
        list(lesson.questions.exclude(position=10**6).order_by("position")) if lesson else []
    )
    return render(
        request,
        "academy/author/lesson.html",
        _ctx(
            request,
            course=course,
            unit=unit,
            lesson=lesson,
            version=version,
            form=form,
            questions=questions,
            versions=list(lesson.versions.select_related("author", "reviewer")) if lesson else [],
            english=version.body.get("en", "") if version and lang != "en" else "",
            english_title=version.title.get("en", "") if version and lang != "en" else "",
            may_publish=version is not None
            and access.can_publish_academy_item(request.user, version),
            audiences=Audience.choices,
            review_form=ReviewForm(),
        ),
    )


@educator_only
@require_POST
def lesson_workflow(request: HttpRequest, slug: str, lesson_id: int, action: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    lesson = get_object_or_404(
        Lesson.objects.select_related("latest_version"), course=course, pk=lesson_id
    )
    note = ReviewForm(request.POST)
    note.is_valid()
    text = note.cleaned_data.get("note", "") if hasattr(note, "cleaned_data") else ""
    try:
        if action == "submit":
            services.submit_lesson(by=request.user, lesson=lesson)
            messages.success(request, _("Lesson sent for review."))
        elif action == "publish":
            services.publish_lesson(by=request.user, lesson=lesson, note=text)
            messages.success(request, _("Lesson published: learners now see this version."))
        elif action == "return":
            services.return_lesson(by=request.user, lesson=lesson, note=text)
            messages.success(request, _("Lesson returned to its author as a draft."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("Another educator, not the version's author, must review it."))
    return redirect("academy:author_lesson", course.slug, lesson.pk)


@educator_only
def lesson_preview(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    lesson = get_object_or_404(
        Lesson.objects.select_related("latest_version"), course=course, pk=lesson_id
    )
    audience = request.GET.get("audience")
    if audience not in Audience.values:
        audience = course.audience
    from ipcoop.academy.i18n import current_language

    lang = current_language()
    version = lesson.latest_version
    if version is None:
        raise Http404
    questions = services.questions_for_lessons([lesson.pk], drafts=True).get(lesson.pk, [])
    return render(
        request,
        "academy/lesson.html",
        {
            "course": course,
            "course_title": course.title.get(lang) or course.title.get("en", ""),
            "lesson": lesson,
            "content": present.lesson_content(course, version, lang),
            "questions": [present.question_view(q, lang) for q in questions],
            "preview": True,
            "preview_audience": audience,
            "audiences": Audience.choices,
            "lang_name": language_name(lang),
            "audience_class": f"audience-{audience}",
            "signed_in": True,
            "nav_section": "academy",
        },
    )


@educator_only
def question_edit(
    request: HttpRequest, slug: str, lesson_id: int, question_id: int | None = None
) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    lesson = get_object_or_404(
        Lesson.objects.select_related("latest_version"), course=course, pk=lesson_id
    )
    question = get_object_or_404(Question, lesson=lesson, pk=question_id) if question_id else None
    lang = _lang(request)
    objectives = (lesson.latest_version.objectives if lesson.latest_version else []) or []
    if request.method == "POST":
        form = QuestionForm(request.POST, objectives=objectives)
        if form.is_valid():
            d = form.cleaned_data
            try:
                question = services.save_question(
                    by=request.user,
                    lesson=lesson,
                    question=question,
                    lang=lang,
                    type=d["type"],
                    objective=d["objective"],
                    difficulty=d["difficulty"],
                    prompt=d["prompt"],
                    feedback=d["feedback"],
                    options=d["options"].splitlines(),
                    answer={"true": True, "false": False}.get(d["answer"]),
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Question saved."))
                return _to(request, "academy:author_lesson", course.slug, lesson.pk)
    else:
        initial = {"difficulty": 1}
        if question:
            question = question.with_pending()
            initial = {
                "type": question.type,
                "objective": question.objective.code,
                "difficulty": question.difficulty,
                "prompt": question.prompt.get(lang, ""),
                "feedback": question.feedback.get(lang, ""),
                "answer": {True: "true", False: "false"}.get(question.answer, ""),
                "options": _options_text(question, lang),
            }
        form = QuestionForm(initial=initial, objectives=objectives)
    return render(
        request,
        "academy/author/question.html",
        _ctx(
            request,
            course=course,
            lesson=lesson,
            question=question,
            form=form,
            english=question.prompt.get("en", "") if question and lang != "en" else "",
        ),
    )


@educator_only
@require_POST
def question_delete(request: HttpRequest, slug: str, lesson_id: int, question_id: int):
    course = get_object_or_404(Course, slug=slug)
    question = get_object_or_404(Question, lesson_id=lesson_id, course=course, pk=question_id)
    try:
        services.delete_question(by=request.user, question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to(request, "academy:author_question", course.slug, lesson_id, question_id)
    messages.success(request, _("Question deleted."))
    return _to(request, "academy:author_lesson", course.slug, lesson_id)


@educator_only
def objectives(request: HttpRequest) -> HttpResponse:
    return render(
        request, "academy/author/objectives.html", _ctx(request, topics=services.objective_tree())
    )


def _options_text(question: Question, lang: str) -> str:
    if question.type in ("single", "multiple"):
        return "\n".join(
            ("* " if c["correct"] else "- ") + c["text"].get(lang, "") for c in question.choices
        )
    if question.type == "matching":
        return "\n".join(
            f"{p['left'].get(lang, '')} => {p['right'].get(lang, '')}" for p in question.pairs
        )
    if question.type == "short_answer":
        return "\n".join(question.accepted.get(lang, []))
    return ""


@educator_only
def export(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    if kind == "zip":
        response = HttpResponse(export_zip(course), content_type="application/zip")
    else:
        response = HttpResponse(
            dumps(export_package(course)), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{course.slug}.{kind}"'
    return response


@educator_only
def import_view(request: HttpRequest) -> HttpResponse:
    problems: list[str] = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["package"]
            if upload.size > 20 * 1024 * 1024:
                problems = [_("The file is larger than 20 MB.")]
            else:
                try:
                    data, files = read_package(upload.read())
                    course = import_package(data, by=request.user, files=files)
                except PackageError as error:
                    problems = error.problems
                else:
                    messages.success(
                        request, _("Course imported as a draft: review and publish it.")
                    )
                    return redirect("academy:author_course", course.slug)
    else:
        form = ImportForm()
    return render(
        request, "academy/author/import.html", _ctx(request, form=form, problems=problems)
    )
