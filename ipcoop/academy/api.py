"""API of the Academy: the catalogue, a course's outline, answers and progress.

The same access rules and services as the pages: drafts answer 404 like missing
courses; answering needs a signed-in learner (session or token) and is recorded once
per idempotency key.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from ipcoop import access
from ipcoop.academy import learning, services
from ipcoop.academy.i18n import content_languages, current_language, pick
from ipcoop.academy.models import Course, Objective, Question
from ipcoop.apischema import AUTH_ERRORS, INVALID, NOT_FOUND, SESSION_OR_TOKEN, PageParams
from ipcoop.lib import mastery

router = Router(tags=["academy"])


class CourseOut(Schema):
    slug: str
    title: str
    title_language: str
    summary: str
    audience: str
    level: str
    languages: list[str]
    topics: list[str]
    sdgs: list[int]
    minutes: int


class LessonOut(Schema):
    slug: str
    title: str
    minutes: int
    objectives: list[str]
    questions: int


class UnitOut(Schema):
    title: str
    lessons: list[LessonOut]


class ObjectiveOut(Schema):
    code: str
    topic: str
    title: str
    audiences: list[str]
    prerequisites: list[str]


class CourseDetailOut(CourseOut):
    units: list[UnitOut]
    objectives: list[ObjectiveOut]


class CourseFilters(Schema):
    audience: str | None = None
    lang: str | None = None
    translated: str | None = None
    topic: str | None = None
    sdg: int | None = None
    q: str | None = None


class LangQuery(Schema):
    lang: str | None = None


class AttemptIn(Schema):
    question: int
    answer: dict[str, Any]
    idempotency_key: uuid.UUID
    time_ms: int | None = None


class ObjectiveProgressOut(Schema):
    code: str
    answered: int
    correct: int
    share_correct: float
    last_practised: datetime | None


class LessonProgressOut(Schema):
    course: str
    lesson: str
    status: str
    updated_at: datetime


class AttemptOut(Schema):
    attempt: int | None = Field(
        description="The stored attempt; null when nothing is stored (a child in a class "
        "whose parent's consent is not yet recorded)."
    )
    recorded: bool
    stored: bool = Field(True, description="Whether the answer and progress were saved.")
    correct: bool
    feedback: str
    objective: ObjectiveProgressOut
    lesson: LessonProgressOut


class CourseProgressOut(Schema):
    slug: str
    percent: int
    last_lesson: str


class ProgressOut(Schema):
    courses: list[CourseProgressOut]
    lessons: list[LessonProgressOut]
    objectives: list[ObjectiveProgressOut]


def _lang(value: str | None) -> str:
    return value if value in content_languages() else current_language()


def _course_out(course: Course, lang: str) -> dict:
    title = pick(course.title, lang)
    return {
        "slug": course.slug,
        "title": title.text,
        "title_language": title.lang,
        "summary": pick(course.summary, lang).text,
        "audience": course.audience,
        "level": course.level,
        "languages": course.languages,
        "topics": course.topics,
        "sdgs": course.sdgs,
        "minutes": course.minutes,
    }


def _objective_progress_out(row) -> dict:
    return {
        "code": row.objective.code,
        "answered": row.answered,
        "correct": row.correct,
        "share_correct": round(row.share_correct, 4),
        "last_practised": row.last_practised,
    }


def _lesson_progress_out(row) -> dict:
    return {
        "course": row.course.slug,
        "lesson": row.lesson.slug,
        "status": row.status,
        "updated_at": row.updated_at,
    }


@router.get("/courses", auth=None, response={200: list[CourseOut]}, summary="Courses")
def list_courses(request: HttpRequest, filters: Query[CourseFilters]):
    """Published courses, filtered by `audience`, `topic` (a topic code; "4ir" takes
    its sub-topics too), `sdg`, `translated` (a language every text of the course is
    in) and `q` (words of the title). Titles are in `lang` (else the request's
    language), falling back to English; `title_language` says which."""
    courses = services.catalogue(
        request.user,
        audience=filters.audience or "",
        lang=filters.translated or "",
        topic=filters.topic or "",
        sdg=filters.sdg,
        q=filters.q or "",
    )
    lang = _lang(filters.lang)
    return [_course_out(c, lang) for c in courses]


@router.get(
    "/courses/{slug}",
    auth=None,
    response={200: CourseDetailOut, **NOT_FOUND},
    summary="A course's units, lessons and objectives",
)
def course_detail(request: HttpRequest, slug: str, query: Query[LangQuery]):
    """A published course with its units, published lessons and the objectives they
    teach. 404 for a course that does not exist or is not published."""
    course = access.get_course_or_404(
        request.user, Course.objects.filter(status="published"), slug=slug
    )
    lang = _lang(query.lang)
    lessons = services.published_lessons(course)
    counts = services.questions_for_lessons([lesson.pk for lesson in lessons])
    units: list[dict] = []
    codes: set[str] = set()
    for lesson in lessons:
        version = lesson.published_version
        if not units or units[-1]["_id"] != lesson.unit_id:
            units.append(
                {"_id": lesson.unit_id, "title": pick(lesson.unit.title, lang).text, "lessons": []}
            )
        codes.update(version.objectives)
        units[-1]["lessons"].append(
            {
                "slug": lesson.slug,
                "title": pick(version.title, lang).text,
                "minutes": version.minutes,
                "objectives": version.objectives,
                "questions": len(counts.get(lesson.pk, [])),
            }
        )
    objectives = Objective.objects.filter(code__in=codes).prefetch_related("prerequisites")
    return {
        **_course_out(course, lang),
        "units": [{"title": u["title"], "lessons": u["lessons"]} for u in units],
        "objectives": [
            {
                "code": o.code,
                "topic": o.topic,
                "title": pick(o.title, lang).text,
                "audiences": o.audiences,
                "prerequisites": sorted(p.code for p in o.prerequisites.all()),
            }
            for o in objectives
        ],
    }


@router.post(
    "/attempts",
    auth=SESSION_OR_TOKEN,
    response={201: AttemptOut, 200: AttemptOut, **AUTH_ERRORS, **INVALID, **NOT_FOUND},
    summary="Answer a question",
)
def post_attempt(request: HttpRequest, payload: AttemptIn):
    """Check an answer and record it. `answer` by question type: single `{"choice": i}`,
    multiple `{"choices": [i, ...]}`, true_false `{"value": true}`, matching
    `{"matches": [right index for each left item]}`, short_answer `{"text": "..."}`
    (indexes as in the course package). The same `idempotency_key` sent again
    answers 200 with the attempt recorded the first time; a new attempt answers 201.
    404 for a question that is not published."""
    question = access.get_question_or_404(
        request.auth,
        Question.objects.select_related("objective", "lesson", "course"),
        pk=payload.question,
    )
    result = services.record_attempt(
        learner=request.auth,
        question=question,
        answer=payload.answer,
        idempotency_key=payload.idempotency_key,
        time_ms=payload.time_ms,
    )
    body = {
        "attempt": result.attempt.pk if result.stored else None,
        "recorded": result.created,
        "stored": result.stored,
        "correct": result.attempt.correct,
        "feedback": pick(question.feedback, current_language()).text,
        "objective": _objective_progress_out(result.objective_progress),
        "lesson": _lesson_progress_out(result.lesson_progress),
    }
    return Status(201 if result.created else 200, body)


@router.get(
    "/me/progress",
    auth=SESSION_OR_TOKEN,
    response={200: ProgressOut, **AUTH_ERRORS},
    summary="My progress",
)
def my_progress(request: HttpRequest):
    """Your progress: per course (percent of lessons completed, last lesson), per lesson
    (not started lessons are not listed) and per objective (answers, right answers)."""
    progress = services.learner_progress(request.auth)
    return {
        "courses": [
            {
                "slug": c["course"].slug,
                "percent": c["percent"],
                "last_lesson": c["last"].lesson.slug,
            }
            for c in progress["courses"]
        ],
        "lessons": [_lesson_progress_out(row) for row in progress["lessons"]],
        "objectives": [_objective_progress_out(row) for row in progress["objectives"]],
    }


# Learning paths ----------------------------------------------------------------------


class NextOut(Schema):
    kind: str | None = None
    reason: str
    course: str | None = None
    lesson: str | None = None
    objective: str | None = None
    url: str | None = None


class NextQuery(Schema):
    course: str | None = None


class MasteryOut(Schema):
    code: str
    title: str
    mastery: float
    mastered: bool
    mastered_at: datetime | None


class ReviewOut(Schema):
    question: int
    course: str
    lesson: str
    objective: str
    prompt: str
    due: datetime
    url: str


@router.get(
    "/me/next",
    auth=SESSION_OR_TOKEN,
    response={200: NextOut, **AUTH_ERRORS, **NOT_FOUND},
    summary="What I should do next",
)
def my_next(request: HttpRequest, query: Query[NextQuery]):
    """The recommended next step (`kind`: lesson, practice or review) across the courses
    you started, or in one `course` (a slug; 404 for a course that is not published),
    with the one-line `reason`. `kind` is null when nothing is left to recommend."""
    course = None
    if query.course is not None:
        course = access.get_course_or_404(
            request.auth, Course.objects.filter(status="published"), slug=query.course
        )
    learning.sync_reviews(learner=request.auth)
    step = learning.next_step(request.auth, course, current_language())
    if step is None:
        return {"reason": _("Nothing to recommend: start a course, or you have mastered it all.")}
    return {
        "kind": step.recommendation.kind.value,
        "reason": step.reason,
        "course": step.course.slug,
        "lesson": step.lesson.slug if step.lesson else None,
        "objective": step.objective.code,
        "url": request.build_absolute_uri(step.url),
    }


@router.get(
    "/me/mastery",
    auth=SESSION_OR_TOKEN,
    response={200: list[MasteryOut], **AUTH_ERRORS},
    summary="What I know, per objective",
)
def my_mastery(request: HttpRequest, page: Query[PageParams]):
    """Per objective you have met (by code): the estimated probability that you know it
    (`mastery`, Bayesian Knowledge Tracing) and whether it counts as mastered (0.95)."""
    lang = current_language()
    rows = page.page(learning.mastery_of(request.auth))
    return [
        {
            "code": row.objective.code,
            "title": pick(row.objective.title, lang).text,
            "mastery": round(row.mastery, 4),
            "mastered": mastery.is_mastered(row.mastery),
            "mastered_at": row.mastered_at,
        }
        for row in rows
    ]


@router.get(
    "/me/reviews",
    auth=SESSION_OR_TOKEN,
    response={200: list[ReviewOut], **AUTH_ERRORS},
    summary="My reviews due",
)
def my_reviews(request: HttpRequest, page: Query[PageParams]):
    """Questions due for review now, most overdue first. Answer one with
    `POST /attempts` (its review date then moves)."""
    learning.sync_reviews(learner=request.auth)
    lang = current_language()
    cards = page.page(learning.review_items(request.auth))
    return [
        {
            "question": card.question_id,
            "course": card.question.course.slug,
            "lesson": card.question.lesson.slug,
            "objective": card.question.objective.code,
            "prompt": pick(card.question.prompt, lang).text,
            "due": card.due,
            "url": request.build_absolute_uri(reverse("academy:reviews")),
        }
        for card in cards
    ]
