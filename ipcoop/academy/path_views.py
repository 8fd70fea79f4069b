"""Learners' pages of learning paths: the placement check and the review queue, and
what the course page and dashboard add (what next, lessons to skip, reviews due).

Thin: parse, authorise (``ipcoop.access``), call ``academy.learning``, render.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.academy import learning, present
from ipcoop.academy.i18n import current_language, language_name, pick
from ipcoop.academy.models import Course, Lesson
from ipcoop.web import generations, pagecache

# Added to the course page and the dashboard ------------------------------------------


def course_extras(request: HttpRequest, course: Course, lessons: list[Lesson]) -> dict:
    """The course page's learning-path parts: the placement offer or result, what next,
    and which lessons the learner may skip."""
    user = request.user
    if not user.is_authenticated:
        return {"skip": {}}
    placement = learning.latest_placement(user, course)
    # Before the course is started, its first lesson is the next step: no box for that.
    started = placement is not None or course.progress.filter(learner=user).exists()
    return {
        "skip": learning.lesson_marks(user, lessons),
        "placement": placement,
        "offer_placement": learning.offers_placement(course)
        and access.may_store_learning(user)
        and bool(lessons)
        and (placement is None or placement.finished_at is None),
        "next_step": learning.next_step(user, course, current_language()) if started else None,
    }


def reviews_due_now(request: HttpRequest) -> int:
    """How many of the learner's reviews are due now. Side effects: the learner's new
    answers become review cards first.

    Kept for the learner until their learning records or the courses change, and the
    count until their next card falls due: a visit in between reads nothing."""
    learner = request.user

    def count() -> tuple[int, datetime | None]:
        learning.sync_reviews(learner=learner)
        now = timezone.now()
        return learning.due_reviews(learner, now).count(), learning.next_review_due(learner, now)

    due, _next_due = pagecache.remembered_for_reader(
        request,
        "reviews-due",
        count,
        depends=(
            generations.ACADEMY,
            generations.LEARNING,
            generations.learner_generation(learner.pk),
        ),
        holds=lambda kept: kept[1] is None or timezone.now() < kept[1],
    )
    return due


def dashboard_extras(request: HttpRequest, reviews_due: int) -> dict:
    return {
        "next_step": learning.next_step(request.user, None, current_language()),
        "reviews_due": reviews_due,
    }


# Placement check ---------------------------------------------------------------------


def _placement_course(request: HttpRequest, slug: str) -> Course:
    return access.get_course_or_404(request.user, Course.objects.all(), slug=slug)


@login_required
def placement(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the check's current question (or its result); POST: start or resume it."""
    course = _placement_course(request, slug)
    lang = current_language()
    if request.method == "POST":
        try:
            learning.start_placement(learner=request.user, course=course)
        except ValidationError as error:
            return _placement_page(request, course, error=" ".join(error.messages), status=422)
        return redirect("academy:placement", course.slug)
    return _placement_page(request, course, lang=lang)


def _placement_page(
    request: HttpRequest, course: Course, *, lang: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    lang = lang or current_language()
    current = learning.latest_placement(request.user, course)
    question = None
    if current is not None and current.current_id and current.finished_at is None:
        question = present.question_view(current.current, lang, error=error)
    return render(
        request,
        "academy/placement.html",
        {
            "course": course,
            "course_title": pick(course.title, lang).text,
            "placement": current,
            "q": question,
            "number": len(current.asked) + 1 if current else 1,
            "cap": learning.PLACEMENT_RULE.cap,
            "offered": learning.offers_placement(course),
            "error": error if question is None else "",
            "lang_name": language_name(lang),
            "audience_class": f"audience-{course.audience}",
            "nav_section": "academy",
        },
        status=status,
    )


@require_POST
@login_required
def placement_answer(request: HttpRequest, slug: str) -> HttpResponse:
    course = _placement_course(request, slug)
    current = learning.latest_placement(request.user, course)
    if current is None or current.finished_at is not None or current.current is None:
        return redirect("academy:placement", course.slug)
    given = present.answer_from_post(current.current, request.POST)
    try:
        learning.answer_placement(
            learner=request.user,
            placement=current,
            question_id=request.POST.get("question", ""),
            answer=given,
        )
    except ValidationError as error:
        return _placement_page(request, course, error=" ".join(error.messages), status=422)
    return redirect("academy:placement", course.slug)


@require_POST
@login_required
def placement_finish(request: HttpRequest, slug: str) -> HttpResponse:
    """Stop the check now, or skip it before it starts."""
    course = _placement_course(request, slug)
    try:
        learning.finish_placement(learner=request.user, course=course)
    except ValidationError as error:
        return _placement_page(request, course, error=" ".join(error.messages), status=422)
    return redirect("academy:course", course.slug)


# Review queue ------------------------------------------------------------------------

QUEUE_SIZE = 20


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    learning.sync_reviews(learner=request.user)
    return _reviews_page(request)


def _reviews_page(
    request: HttpRequest, *, answered: dict | None = None, status: int = 200
) -> HttpResponse:
    lang = current_language()
    cards = list(learning.review_items(request.user)[:QUEUE_SIZE])
    items = [
        {
            "card": card,
            "q": present.question_view(card.question, lang),
            "objective": pick(card.question.objective.title, lang).text,
            "course_title": pick(card.question.course.title, lang).text,
        }
        for card in cards
    ]
    return render(
        request,
        "academy/reviews.html",
        {
            "items": items,
            "total": learning.due_reviews(request.user).count(),
            "answered": answered,
            "lang_name": language_name(lang),
            "nav_section": "academy",
        },
        status=status,
    )


@require_POST
@login_required
def review_answer(request: HttpRequest, question_id: int) -> HttpResponse:
    card = access.get_review_or_404(request.user, question_id=question_id)
    question = card.question
    lang = current_language()
    time_ms = request.POST.get("time_ms") or None
    try:
        done = learning.answer_review(
            learner=request.user,
            card=card,
            answer=present.answer_from_post(question, request.POST),
            idempotency_key=request.POST.get("idempotency_key", ""),
            time_ms=int(time_ms) if time_ms and time_ms.isdigit() else None,
        )
        outcome = {"result": done.result}
        due = done.card.due
    except ValidationError as error:
        outcome = {"error": " ".join(error.messages), "answer": {}}
        due = None
    view = present.question_view(question, lang, **outcome)
    answered = {"q": view, "due": due}
    if request.htmx:
        return render(request, "academy/_review_feedback.html", {"answered": answered})
    return _reviews_page(request, answered=answered, status=200 if due else 422)
