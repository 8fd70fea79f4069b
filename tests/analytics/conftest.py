"""Small hand-built Academy data for the learning analytics tests.

Two objectives; course A (children, two published lessons) and course B
(professionals, one published lesson); one question per lesson. Times are set by
hand, in 2025, long before the roll-up's settling minute.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest

from ipcoop.academy.models import (
    Attempt,
    Course,
    Lesson,
    LessonProgress,
    LessonVersion,
    Objective,
    ObjectiveProgress,
    ProgressStatus,
    Question,
    Status,
    Unit,
)
from ipcoop.analytics.models import LearnerCount, MonthlyFigures
from ipcoop.people.models import User

_names = itertools.count(1)


def at(month: int, day: int = 10, hour: int = 12, year: int = 2025) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


@dataclass
class World:
    o1: Objective
    o2: Objective
    course_a: Course
    course_b: Course
    a1: Lesson
    a2: Lesson
    b1: Lesson
    qa1: Question
    qa2: Question
    qb1: Question


def _course(slug: str, audience: str, title: str) -> Course:
    return Course.objects.create(
        slug=slug,
        audience=audience,
        level="beginner",
        title={"en": title},
        status=Status.PUBLISHED,
    )


def _lesson(course: Course, slug: str, position: int) -> Lesson:
    unit = course.units.first() or Unit.objects.create(course=course, title={"en": "Unit"})
    lesson = Lesson.objects.create(course=course, unit=unit, slug=slug, position=position)
    version = LessonVersion.objects.create(
        lesson=lesson, status=Status.PUBLISHED, title={"en": slug}
    )
    lesson.published_version = lesson.latest_version = version
    lesson.save()
    return lesson


def _question(lesson: Lesson, objective: Objective, key: str) -> Question:
    return Question.objects.create(
        course=lesson.course,
        lesson=lesson,
        objective=objective,
        key=key,
        type="true_false",
        prompt={"en": "True?"},
        answer=True,
        published=True,
    )


@pytest.fixture
def world(db) -> World:
    o1 = Objective.objects.create(code="ANA-1", topic="patents", title={"en": "One"})
    o2 = Objective.objects.create(code="ANA-2", topic="patents", title={"en": "Two"})
    course_a = _course("analytics-a", "children", "Course A")
    course_b = _course("analytics-b", "professionals", "Course B")
    a1, a2 = _lesson(course_a, "a1", 1), _lesson(course_a, "a2", 2)
    b1 = _lesson(course_b, "b1", 1)
    return World(
        o1=o1,
        o2=o2,
        course_a=course_a,
        course_b=course_b,
        a1=a1,
        a2=a2,
        b1=b1,
        qa1=_question(a1, o1, "qa1"),
        qa2=_question(a2, o2, "qa2"),
        qb1=_question(b1, o1, "qb1"),
    )


def learner(country: str, name: str | None = None) -> User:
    """A learner account; the name is one the tests look for in pages and exports."""
    n = next(_names)
    return User.objects.create(
        username=name or f"pupil-{n}",
        display_name=f"Pupil Named Zed{n}",
        first_name=f"Firstname{n}",
        last_name=f"Lastname{n}",
        country=country,
    )


def attempt(who: User, question: Question, when: dt.datetime, correct: bool = True) -> Attempt:
    row = Attempt.objects.create(
        learner=who, question=question, lesson=question.lesson, answer={}, correct=correct
    )
    Attempt.objects.filter(pk=row.pk).update(created_at=when)
    return row


def complete(who: User, lesson: Lesson, when: dt.datetime) -> LessonProgress:
    return LessonProgress.objects.create(
        learner=who,
        lesson=lesson,
        course=lesson.course,
        status=ProgressStatus.COMPLETED,
        completed_at=when,
    )


def master(who: User, objective: Objective, when: dt.datetime) -> ObjectiveProgress:
    return ObjectiveProgress.objects.create(
        learner=who, objective=objective, answered=3, correct=3, mastery=0.96, mastered_at=when
    )


def snapshot() -> tuple[dict, dict]:
    """Every aggregate: monthly figures by (month, country, course) and learner counts."""
    measures = (
        "audience",
        "attempts",
        "correct",
        "lessons_completed",
        "courses_completed",
        "objectives_practised",
        "objectives_mastered",
    )
    figures = {
        (r.month, r.country, r.course_id): tuple(getattr(r, m) for m in measures)
        for r in MonthlyFigures.objects.all()
    }
    counts = {(r.period, r.scope, r.country): r.learners for r in LearnerCount.objects.all()}
    return figures, counts
