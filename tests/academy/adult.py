"""An adults' test course for learning paths: one lesson per objective, each checked by
a few single-choice questions (choice 0 is right), optional prerequisites."""

from __future__ import annotations

from ipcoop.academy.models import Course, Question
from ipcoop.academy.package import import_package
from tests.academy.fixture import package, t


def adult_package(
    n: int = 4,
    per_objective: int = 3,
    *,
    slug: str = "adult-paths",
    audience: str = "adults",
    prerequisites: dict[int, list[int]] | None = None,
    first: int = 201,
) -> dict:
    data = package(slug=slug, audience=audience, title=t(f"Paths course {slug}"))
    codes = [f"PAT-{first + i}" for i in range(n)]
    prerequisites = prerequisites or {}
    data["objectives"] = [
        {
            "code": code,
            "topic": "patents",
            "title": t(f"Objective {code}"),
            "audiences": [audience],
            "prerequisites": [codes[j] for j in prerequisites.get(i, [])],
        }
        for i, code in enumerate(codes)
    ]
    template = data["course"]["units"][0]["lessons"][0]
    lessons = []
    questions = []
    for code in codes:
        lesson_slug = f"lesson-{code.lower()}"
        lessons.append(
            {
                **template,
                "slug": lesson_slug,
                "title": t(f"Lesson on {code}"),
                "objectives": [code],
            }
        )
        for k in range(per_objective):
            questions.append(
                {
                    "key": f"{slug}-{code.lower()}-{k}",
                    "lesson": lesson_slug,
                    "objective": code,
                    "type": "single",
                    "difficulty": 1,
                    "prompt": t(f"Question {k} on {code}?"),
                    "choices": [
                        {"text": t("The right one"), "correct": True},
                        {"text": t("The wrong one"), "correct": False},
                    ],
                    "answer": None,
                    "pairs": [],
                    "accepted": {},
                    "feedback": t(f"Feedback on {code}."),
                    "sources": [],
                }
            )
    data["course"]["units"] = [{"title": t("All"), "lessons": lessons}]
    data["questions"] = questions
    return data


def adult_course(n: int = 4, per_objective: int = 3, **kwargs) -> Course:
    return import_package(adult_package(n, per_objective, **kwargs), publish=True)


def question_of(course: Course, code: str, k: int = 0) -> Question:
    return Question.objects.get(course=course, key=f"{course.slug}-{code.lower()}-{k}")
