"""Certificate fixtures: a small published course of the Academy's own (made with its
import service, not the curriculum), and helpers that make a learner eligible."""

from __future__ import annotations

import base64
import uuid

import pytest

from ipcoop.academy import services as academy
from ipcoop.academy.models import Course
from ipcoop.academy.package import import_package

# RFC 8032, test 1: a fixed Ed25519 key, so signatures in tests are reproducible.
TEST_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")


def t(en: str, ko: str) -> dict:
    return {"en": en, "ko": ko}


def course_package(slug: str = "cert-basics") -> dict:
    return {
        "format": "ipcoop-course/1",
        "objectives": [
            {
                "code": "CR-901",
                "topic": "copyright",
                "title": t("Say what copyright protects", "저작권이 무엇을 보호하는지 말하기"),
                "audiences": ["students"],
                "prerequisites": [],
            },
            {
                "code": "CR-902",
                "topic": "copyright",
                "title": t("Say how long copyright lasts", "저작권이 얼마나 오래 가는지 말하기"),
                "audiences": ["students"],
                "prerequisites": [],
            },
        ],
        "course": {
            "slug": slug,
            "audience": "students",
            "level": "beginner",
            "topics": ["copyright"],
            "sdgs": [4],
            "minutes": 20,
            "languages": ["en", "ko"],
            "title": t("Copyright basics", "저작권 기초"),
            "summary": t("What copyright protects and for how long.", "저작권의 대상과 기간."),
            "units": [
                {
                    "title": t("Copyright", "저작권"),
                    "lessons": [
                        {
                            "slug": "what-it-protects",
                            "title": t("What copyright protects", "저작권의 대상"),
                            "minutes": 10,
                            "body": t(
                                "Copyright protects original works.", "저작권은 창작물을 보호해요."
                            ),
                            "key_points": {
                                "en": ["Works", "Not ideas"],
                                "ko": ["저작물", "생각은 아님"],
                            },
                            "images": [],
                            "video": None,
                            "objectives": ["CR-901"],
                            "sources": [],
                        },
                        {
                            "slug": "how-long",
                            "title": t("How long it lasts", "보호 기간"),
                            "minutes": 10,
                            "body": t("Copyright lasts for a long time.", "저작권은 오래 가요."),
                            "key_points": {
                                "en": ["Long", "Not for ever"],
                                "ko": ["오래", "영원하지 않음"],
                            },
                            "images": [],
                            "video": None,
                            "objectives": ["CR-902"],
                            "sources": [],
                        },
                    ],
                }
            ],
        },
        "questions": [
            {
                "key": f"{slug}-q1",
                "lesson": "what-it-protects",
                "objective": "CR-901",
                "type": "single",
                "difficulty": 1,
                "prompt": t("What does copyright protect?", "저작권은 무엇을 보호할까요?"),
                "choices": [
                    {"text": t("A song someone wrote", "누군가 쓴 노래"), "correct": True},
                    {"text": t("An idea in your head", "머릿속 생각"), "correct": False},
                ],
                "answer": None,
                "pairs": [],
                "accepted": {},
                "feedback": t("Works, not ideas.", "생각이 아니라 작품이에요."),
                "sources": [],
            },
            {
                "key": f"{slug}-q2",
                "lesson": "how-long",
                "objective": "CR-902",
                "type": "true_false",
                "difficulty": 1,
                "prompt": t("Copyright lasts for ever.", "저작권은 영원해요."),
                "choices": [],
                "answer": False,
                "pairs": [],
                "accepted": {},
                "feedback": t("It ends some time after the author dies.", "언젠가 끝나요."),
                "sources": [],
            },
        ],
    }


def answer(learner, question, *, right: bool) -> None:
    if question.type == "single":
        choice = next(i for i, c in enumerate(question.choices) if bool(c["correct"]) == right)
        given = {"choice": choice}
    else:
        given = {"value": question.answer if right else not question.answer}
    academy.record_attempt(
        learner=learner, question=question, answer=given, idempotency_key=uuid.uuid4()
    )


def complete_course(learner, course: Course, *, right: bool = True) -> None:
    """Every published lesson completed and every question answered (right or wrong)."""
    for lesson in academy.published_lessons(course):
        academy.complete_lesson(learner=learner, lesson=lesson)
    for question in course.questions.filter(published=True):
        answer(learner, question, right=right)


@pytest.fixture(autouse=True)
def signing_key(settings):
    settings.IPCOOP_SIGNING_KEY = base64.b64encode(TEST_SEED).decode()
    settings.IPCOOP_BASE_URL = "https://ipcoop.example.org"


@pytest.fixture
def course(db) -> Course:
    return import_package(course_package(), publish=True, review_note="test")


@pytest.fixture
def graduate(personas, course):
    """The learner persona, eligible for the course's certificate."""
    complete_course(personas.learner, course)
    return personas.learner
