"""Learners' pages: catalogue, course, lesson player, answers, dashboard.

Thin: parse, authorise (``ipcoop.access``), call a service, render. Drafts answer
404 like missing pages; visitors read the first lesson of a course and need an
account for the rest.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.academy import path_views, present, services
from ipcoop.academy.forms import CatalogueFilter
from ipcoop.academy.i18n import current_language, language_name, pick
from ipcoop.academy.models import (
    Course,
    CourseFile,
    Lesson,
    Question,
    Topic,
)
from ipcoop.classes import unstored
from ipcoop.web import generations, pagecache
from ipcoop.web.pagecache import public_page, render_for_reader


def _course(request: HttpRequest, slug: str) -> Course:
    return access.get_course_or_404(request.user, Course.objects.all(), slug=slug)


def _lesson(request: HttpRequest, course: Course, lesson_slug: str) -> Lesson:
    qs = Lesson.objects.filter(course=course).exclude(position=10**6)
    qs = access.lessons_visible_to(request.user, qs).select_related(
        "published_version", "latest_version", "unit"
    )
    try:
        return qs.get(slug=lesson_slug)
    except Lesson.DoesNotExist:
        raise Http404 from None


def _course_and_lesson(request: HttpRequest, slug: str, lesson_slug: str) -> tuple[Course, Lesson]:
    """The course and lesson the user may open (404 otherwise), kept for a reader's
    visits while neither the courses nor their roles change."""

    def find() -> tuple[Course, Lesson]:
        course = _course(request, slug)
        return course, _lesson(request, course, lesson_slug)

    return pagecache.remembered_for_reader(
        request, f"lesson:{slug}/{lesson_slug}", find, depends=(generations.ACADEMY,)
    )


def _started(request: HttpRequest, lesson: Lesson) -> str:
    """The learner's status in the lesson, once it is marked as the last place they
    visited (``services.start_lesson``). Kept for their next visits while their learning
    records do not change and the mark would stay as it is (within a minute of it)."""

    def start() -> tuple[str, Any]:
        progress = services.start_lesson(learner=request.user, lesson=lesson)
        return str(progress.status), progress.updated_at

    status, _marked = pagecache.remembered_for_reader(
        request,
        f"started:{lesson.pk}",
        start,
        depends=(generations.LEARNING, generations.learner_generation(request.user.pk)),
        holds=lambda kept: timezone.now() < kept[1] + services.TOUCH_INTERVAL,
    )
    return status


# Courses per page of the catalogue: a light page on a slow phone.
CATALOGUE_PAGE_SIZE = 24


@public_page(30)
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    lang = current_language()
    courses = services.catalogue(
        request.user,
        audience=filters.get("audience") or "",
        lang=filters.get("language") or "",
        topic=filters.get("topic") or "",
        sdg=int(filters["sdg"]) if filters.get("sdg") else None,
        q=filters.get("q") or "",
    )
    page = Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    percents = services.course_percentages(request.user, shown)
    cards = [present.course_card(c, lang) for c in shown]
    for card in cards:
        card["percent"] = percents.get(card["course"].pk)
    return render(
        request,
        "academy/catalogue.html",
        {
            "form": form,
            "cards": cards,
            "page": page,
            "total": page.paginator.count,
            "lang_name": language_name(lang),
            "is_educator": access.is_educator(request.user),
            "is_teacher": access.is_teacher(request.user),
            "can_see_analytics": access.may_read_learning_analytics(request.user),
            "nav_section": "academy",
        },
    )


@public_page(30)
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course(request, slug)
    lang = current_language()
    lessons = services.published_lessons(course)
    statuses = services.lesson_statuses(request.user, [lesson.pk for lesson in lessons])
    units: list[dict] = []
    for lesson in lessons:
        if not units or units[-1]["unit"].pk != lesson.unit_id:
            units.append(
                {"unit": lesson.unit, "title": pick(lesson.unit.title, lang), "lessons": []}
            )
        units[-1]["lessons"].append(
            {
                "lesson": lesson,
                "title": pick(lesson.published_version.title, lang),
                "minutes": lesson.published_version.minutes,
                "status": statuses.get(lesson.pk, "not_started"),
            }
        )
    card = present.course_card(course, lang)
    outline_fallback = any(
        unit["title"].fallback or any(item["title"].fallback for item in unit["lessons"])
        for unit in units
    )
    percent = services.course_percentages(request.user, [course]).get(course.pk)
    extras = path_views.course_extras(request, course, lessons)
    for unit in units:
        for item in unit["lessons"]:
            item["skip"] = extras["skip"].get(item["lesson"].pk) and item["status"] != "completed"
    return render(
        request,
        "academy/course.html",
        {
            **extras,
            "course": course,
            "card": card,
            "units": units,
            "first": lessons[0] if lessons else None,
            "outline_fallback": outline_fallback,
            "percent": percent,
            "lang_name": language_name(lang),
            "topics": [Topic(t).label for t in course.topics if t in Topic.values],
            "audience_class": f"audience-{course.audience}",
            "nav_section": "academy",
        },
    )


def _player_context(
    request: HttpRequest,
    course: Course,
    lesson: Lesson,
    *,
    results: dict | None = None,
    lessons: list[Lesson] | None = None,
    status: str | None = None,
) -> dict:
    lang = current_language()
    version = lesson.published_version or lesson.latest_version
    if lessons is None:
        lessons = services.published_lessons(course)
    ids = [item.pk for item in lessons]
    position = ids.index(lesson.pk) if lesson.pk in ids else None
    previous = lessons[position - 1] if position else None
    following = lessons[position + 1] if position is not None and position + 1 < len(ids) else None
    questions = services.questions_for_lessons([lesson.pk], drafts=False).get(lesson.pk, [])
    results = results or {}
    question_views = [present.question_view(q, lang, **results.get(q.pk, {})) for q in questions]
    if status is None:
        status = _status(request, lesson)
    return {
        "course": course,
        "course_title": pick(course.title, lang).text,
        "lesson": lesson,
        "content": present.lesson_content(course, version, lang),
        "questions": question_views,
        "previous": previous,
        "next": following,
        "status": status,
        "lang_name": language_name(lang),
        "audience_class": f"audience-{course.audience}",
        "signed_in": request.user.is_authenticated,
        "signin_url": _signin_url(request),
        "nav_section": "academy",
    }


def _status(request: HttpRequest, lesson: Lesson) -> str:
    return services.lesson_statuses(request.user, [lesson.pk]).get(lesson.pk, "not_started")


def _signin_url(request: HttpRequest) -> str:
    return f"{reverse('people:signin')}?{urlencode({'next': request.path})}"


def lesson_detail(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    course, lesson = _course_and_lesson(request, slug, lesson_slug)
    user = request.user
    if user.is_authenticated and access.may_store_learning(user):
        if lesson.published_version_id:
            status = _started(request, lesson)
        else:
            status = _status(request, lesson)
        # The same page for this learner until the lesson, the course or their status
        # in this lesson changes.
        return render_for_reader(
            request,
            "academy/lesson.html",
            lambda: _player_context(request, course, lesson, status=status),
            depends=(generations.ACADEMY,),
            vary=(status,),
        )
    lessons = services.published_lessons(course)
    first_id = lessons[0].pk if lessons else None
    if not access.may_open_lesson(user, lesson, first_id):
        return redirect_to_login(request.get_full_path())
    if user.is_authenticated and lesson.published_version_id:
        unstored.start_lesson(request.session, lesson)
    context = _player_context(request, course, lesson, lessons=lessons)
    return render(request, unstored.lesson_template(request, context), context)


@require_POST
def answer(request: HttpRequest, slug: str, lesson_slug: str, question_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("academy:lesson", args=[slug, lesson_slug]))
    course, lesson = _course_and_lesson(request, slug, lesson_slug)
    question = access.get_question_or_404(
        request.user,
        Question.objects.filter(lesson=lesson).select_related("objective"),
        pk=question_id,
    )
    given = present.answer_from_post(question, request.POST)
    time_ms = request.POST.get("time_ms") or None
    try:
        result = services.record_attempt(
            learner=request.user,
            question=question,
            answer=given,
            idempotency_key=request.POST.get("idempotency_key", ""),
            time_ms=int(time_ms) if time_ms and time_ms.isdigit() else None,
        )
        if not result.stored:
            unstored.note_answer(request.session, result)
        outcome = {"result": result}
    except ValidationError as error:
        outcome = {"error": " ".join(error.messages), "answer": {}}
    if request.htmx:
        view = present.question_view(question, current_language(), **outcome)
        return render(
            request,
            "academy/_feedback.html",
            {"q": view, "course": course, "lesson": lesson, "oob": True},
        )
    context = _player_context(request, course, lesson, results={question.pk: outcome})
    context["answered"] = question.pk
    return render(
        request,
        unstored.lesson_template(request, context),
        context,
        status=200 if "result" in outcome else 422,
    )


@require_POST
@login_required
def complete(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    course, lesson = _course_and_lesson(request, slug, lesson_slug)
    if lesson.published_version_id:
        if access.may_store_learning(request.user):
            services.complete_lesson(learner=request.user, lesson=lesson)
        else:
            unstored.complete_lesson(request.session, lesson)
    lessons = services.published_lessons(course)
    ids = [item.pk for item in lessons]
    if lesson.pk in ids and ids.index(lesson.pk) + 1 < len(ids):
        nxt = lessons[ids.index(lesson.pk) + 1]
        return redirect("academy:lesson", course.slug, nxt.slug)
    return redirect("academy:course", course.slug)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    # Kept for the learner until their learning records or the courses change; the
    # number of reviews due changes with time alone.
    due = path_views.reviews_due_now(request)
    return render_for_reader(
        request,
        "academy/dashboard.html",
        lambda: _dashboard_context(request, due),
        depends=(
            generations.ACADEMY,
            generations.LEARNING,
            generations.learner_generation(request.user.pk),
        ),
        vary=(due,),
    )


def _dashboard_context(request: HttpRequest, reviews_due: int) -> dict:
    lang = current_language()
    progress = services.learner_progress(request.user)
    rows = []
    for item in progress["courses"]:
        last = item["last"]
        rows.append(
            {
                "course": item["course"],
                "title": pick(item["course"].title, lang),
                "percent": item["percent"],
                "last": last,
                "last_title": pick(last.lesson.published_version.title, lang),
            }
        )
    objectives = [
        {
            "row": row,
            "title": pick(row.objective.title, lang),
            "percent": round(100 * row.share_correct),
        }
        for row in progress["objectives"]
    ]
    return {
        **path_views.dashboard_extras(request, reviews_due),
        "courses": rows,
        "continue": rows[0] if rows else None,
        "objectives": objectives,
        "lang_name": language_name(lang),
        "nav_section": "academy",
    }


def course_file(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    course = _course(request, slug)
    try:
        item = CourseFile.objects.get(course=course, name=name, content_type__startswith="image/")
    except CourseFile.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response
