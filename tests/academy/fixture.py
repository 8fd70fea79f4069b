"""A small course package used by the Academy tests (not curriculum content)."""

from __future__ import annotations

import copy


def t(en: str, ko: str | None = None) -> dict:
    return {"en": en, "ko": ko if ko is not None else f"[ko] {en}"}


_PACKAGE = {
    "format": "ipcoop-course/1",
    "objectives": [
        {
            "code": "PAT-101",
            "topic": "patents",
            "title": t("Say what an invention is", "발명이 무엇인지 말하기"),
            "audiences": ["children", "students"],
            "prerequisites": [],
        },
        {
            "code": "PAT-102",
            "topic": "patents",
            "title": t("Say what a patent protects"),
            "audiences": ["children"],
            "prerequisites": ["PAT-101"],
        },
        {
            "code": "TM-101",
            "topic": "trademarks",
            "title": t("Recognise a trademark"),
            "audiences": ["children"],
            "prerequisites": [],
        },
    ],
    "course": {
        "slug": "test-ideas",
        "audience": "children",
        "level": "beginner",
        "topics": ["patents", "trademarks"],
        "sdgs": [4, 9],
        "minutes": 30,
        "languages": ["en", "ko"],
        "title": t("Ideas test course", "아이디어 시험 과정"),
        "summary": t("A short course used by the tests."),
        "units": [
            {
                "title": t("Inventions"),
                "lessons": [
                    {
                        "slug": "what-is-an-invention",
                        "title": t("What is an invention?", "발명이란 무엇일까요?"),
                        "minutes": 10,
                        "body": t("An **invention** is a new way to solve a problem."),
                        "key_points": {
                            "en": ["Inventions solve problems.", "They are new."],
                            "ko": ["발명은 문제를 해결해요.", "발명은 새로워요."],
                        },
                        "images": [],
                        "video": None,
                        "objectives": ["PAT-101"],
                        "sources": [],
                    },
                    {
                        "slug": "what-is-a-patent",
                        "title": t("What is a patent?"),
                        "minutes": 10,
                        "body": t("A patent protects an invention for some years."),
                        "key_points": {
                            "en": ["A patent is a right.", "It lasts for a limited time."],
                            "ko": ["특허는 권리예요.", "기간이 정해져 있어요."],
                        },
                        "images": [],
                        "video": {
                            "url": "https://example.org/video",
                            "transcript": t("A narrator explains patents."),
                        },
                        "objectives": ["PAT-102"],
                        "sources": [{"title": "Test source", "url": "https://example.org/"}],
                    },
                ],
            },
            {
                "title": t("Brands"),
                "lessons": [
                    {
                        "slug": "what-is-a-trademark",
                        "title": t("What is a trademark?"),
                        "minutes": 10,
                        "body": t("A trademark tells you who made a product."),
                        "key_points": {
                            "en": ["Marks show origin.", "Logos can be marks."],
                            "ko": ["상표는 출처를 보여줘요.", "로고도 상표가 될 수 있어요."],
                        },
                        "images": [],
                        "video": None,
                        "objectives": ["TM-101"],
                        "sources": [],
                    }
                ],
            },
        ],
    },
    "questions": [
        {
            "key": "q-single",
            "lesson": "what-is-an-invention",
            "objective": "PAT-101",
            "type": "single",
            "difficulty": 1,
            "prompt": t("Which one is an invention?", "어느 것이 발명일까요?"),
            "choices": [
                {"text": t("A new kind of umbrella", "새로운 종류의 우산"), "correct": True},
                {"text": t("A sunset", "노을"), "correct": False},
            ],
            "answer": None,
            "pairs": [],
            "accepted": {},
            "feedback": t(
                "People make inventions; a sunset happens by itself.",
                "발명은 사람이 만들어요. 노을은 저절로 생겨요.",
            ),
            "sources": [],
        },
        {
            "key": "q-true-false",
            "lesson": "what-is-an-invention",
            "objective": "PAT-101",
            "type": "true_false",
            "difficulty": 1,
            "prompt": t("An invention must be new."),
            "choices": [],
            "answer": True,
            "pairs": [],
            "accepted": {},
            "feedback": t("Something everyone already knows is not an invention."),
            "sources": [],
        },
        {
            "key": "q-multiple",
            "lesson": "what-is-a-patent",
            "objective": "PAT-102",
            "type": "multiple",
            "difficulty": 2,
            "prompt": t("What is true of a patent?"),
            "choices": [
                {"text": t("It protects an invention"), "correct": True},
                {"text": t("It lasts for a limited time"), "correct": True},
                {"text": t("It lasts for ever"), "correct": False},
            ],
            "answer": None,
            "pairs": [],
            "accepted": {},
            "feedback": t("A patent protects an invention for a limited time."),
            "sources": [],
        },
        {
            "key": "q-matching",
            "lesson": "what-is-a-trademark",
            "objective": "TM-101",
            "type": "matching",
            "difficulty": 2,
            "prompt": t("Match each thing with the right it belongs to."),
            "choices": [],
            "answer": None,
            "pairs": [
                {"left": t("A brand logo"), "right": t("Trademark")},
                {"left": t("A new machine"), "right": t("Patent")},
                {"left": t("A song"), "right": t("Copyright")},
            ],
            "accepted": {},
            "feedback": t("Logos are marks, machines are inventions, songs are works."),
            "sources": [],
        },
        {
            "key": "q-short",
            "lesson": "what-is-a-trademark",
            "objective": "TM-101",
            "type": "short_answer",
            "difficulty": 3,
            "prompt": t("What is the word for a sign that shows who made a product?"),
            "choices": [],
            "answer": None,
            "pairs": [],
            "accepted": {"en": ["trademark", "trade mark"], "ko": ["상표"]},
            "feedback": t("Such a sign is a trademark."),
            "sources": [],
        },
    ],
}


def package(**course_changes) -> dict:
    """A fresh copy of the test package, with optional changes to the course object."""
    data = copy.deepcopy(_PACKAGE)
    data["course"].update(course_changes)
    return data
