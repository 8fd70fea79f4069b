"""Educators write courses through pages, one language at a time; a second educator
publishes; packages are imported and exported through pages."""

from __future__ import annotations

import io
import json

import pytest

from ipcoop.academy.models import Course, Lesson, Question
from ipcoop.academy.package import read_package
from tests.academy.fixture import package
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _new_course(client):
    response = client.post(
        "/academy/author/courses/new/?lang=en",
        {
            "lang": "en",
            "slug": "new-course",
            "title": "A new course",
            "summary": "Written in the editor.",
            "audience": "adults",
            "level": "beginner",
            "topics": ["patents"],
            "sdgs": ["9"],
            "minutes": "20",
            "languages": ["en", "ko"],
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Course.objects.get(slug="new-course")


def test_educator_writes_a_course_in_two_languages_and_a_colleague_publishes(
    course, personas, educator2
):
    author = client_for(personas.educator)
    new = _new_course(author)
    assert new.status == "draft" and new.title == {"en": "A new course"}
    # Korean texts, edited on their own.
    author.post(
        "/academy/author/courses/new-course/?lang=ko",
        {
            "lang": "ko",
            "slug": "new-course",
            "title": "새 과정",
            "summary": "편집기에서 작성했습니다.",
            "audience": "adults",
            "level": "beginner",
            "topics": ["patents"],
            "minutes": "20",
            "languages": ["en", "ko"],
        },
    )
    new.refresh_from_db()
    assert new.title == {"en": "A new course", "ko": "새 과정"}
    author.post("/academy/author/courses/new-course/units/new/?lang=en", {"title": "Unit one"})
    unit = new.units.get()
    response = author.post(
        f"/academy/author/courses/new-course/units/{unit.pk}/lessons/new/?lang=en",
        {
            "slug": "first-steps",
            "title": "First steps",
            "minutes": "5",
            "body": "Some **words**.",
            "key_points": "Point one\nPoint two",
            "objectives": "PAT-101",
            "sources": "WIPO glossary | https://www.wipo.int/\nA book",
            "images": "",
            "video_url": "",
            "transcript": "",
        },
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get(slug="first-steps")
    assert lesson.latest_version.sources == [
        {"title": "WIPO glossary", "url": "https://www.wipo.int/"},
        {"title": "A book", "url": ""},
    ]
    base = f"/academy/author/courses/new-course/lessons/{lesson.pk}/"
    for kind, options, extra in [
        ("single", "* Right\n- Wrong", {}),
        ("multiple", "* Right\n* Also right\n- Wrong", {}),
        ("true_false", "", {"answer": "true"}),
        ("matching", "a => 1\nb => 2\nc => 3", {}),
        ("short_answer", "patent\npatents", {}),
    ]:
        response = author.post(
            f"{base}questions/new/?lang=en",
            {
                "type": kind,
                "objective": "PAT-101",
                "difficulty": "2",
                "prompt": f"A {kind} question?",
                "options": options,
                "feedback": "Because of the rule.",
                **extra,
            },
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
    assert lesson.questions.count() == 5
    single = lesson.questions.get(type="single")
    response = author.post(
        f"{base}questions/{single.pk}/?lang=ko",
        {
            "type": "single",
            "objective": "PAT-101",
            "difficulty": "2",
            "prompt": "한국어 질문?",
            "options": "맞음\n틀림",
            "feedback": "규칙 때문입니다.",
        },
    )
    assert response.status_code == 302
    single.refresh_from_db()
    assert single.choices == [
        {"text": {"en": "Right", "ko": "맞음"}, "correct": True},
        {"text": {"en": "Wrong", "ko": "틀림"}, "correct": False},
    ]
    # Preview as each audience.
    for audience in ("children", "professionals"):
        text = author.get(f"{base}preview/?audience={audience}").content.decode()
        assert f"audience-{audience}" in text
        assert "A single question?" in text
    # Review.
    author.post(f"{base}submit/")
    lesson.refresh_from_db()
    assert lesson.latest_version.status == "in_review"
    author.post(f"{base}publish/")
    lesson.refresh_from_db()
    assert lesson.published_version is None  # the author cannot approve their own
    author.post("/academy/author/courses/new-course/submit/")
    author.post("/academy/author/courses/new-course/publish/")
    assert Course.objects.get(slug="new-course").status == "in_review"
    reviewer = client_for(educator2)
    assert "First steps" in reviewer.get("/academy/author/").content.decode()
    reviewer.post(f"{base}publish/", {"note": "Fine."})
    reviewer.post("/academy/author/courses/new-course/publish/")
    lesson.refresh_from_db()
    assert lesson.published_version.reviewer == educator2
    learner = client_for(personas.learner)
    text = learner.get("/academy/new-course/first-steps/").content.decode()
    assert "Some <strong>words</strong>." in text
    assert text.count('class="question"') == 5


def test_english_is_required_when_writing(course, personas):
    author = client_for(personas.educator)
    response = author.post(
        "/academy/author/courses/new/?lang=ko",
        {
            "lang": "ko",
            "slug": "korean-first",
            "title": "한국어만",
            "summary": "요약",
            "audience": "adults",
            "level": "beginner",
            "topics": ["patents"],
            "minutes": "20",
            "languages": ["en"],
        },
    )
    assert response.status_code == 200
    assert "Write the English text first" in response.content.decode()
    assert not Course.objects.filter(slug="korean-first").exists()


def test_import_page_reports_every_problem_and_imports_nothing(personas):
    author = client_for(personas.educator)
    data = package()
    data["course"]["units"][0]["lessons"][0]["title"] = {"ko": "x"}
    data["questions"][1]["answer"] = None
    upload = io.BytesIO(json.dumps(data).encode())
    upload.name = "bad.json"
    response = author.post("/academy/author/import/", {"package": upload})
    text = response.content.decode()
    assert "course.units[0].lessons[0].title: English text is required" in text
    assert "questions[1].answer: must be true or false" in text
    assert Course.objects.count() == 0
    upload = io.BytesIO(json.dumps(package()).encode())
    upload.name = "good.json"
    response = author.post("/academy/author/import/", {"package": upload})
    assert response.status_code == 302
    assert Course.objects.get().status == "draft"
    assert Question.objects.count() == 5


def test_export_downloads_json_and_zip(course, personas):
    author = client_for(personas.educator)
    response = author.get("/academy/author/courses/test-ideas/export.json")
    assert json.loads(response.content) == package()
    assert "attachment" in response["Content-Disposition"]
    response = author.get("/academy/author/courses/test-ideas/export.zip")
    assert read_package(response.content)[0] == package()


def test_course_page_lists_what_is_missing(course, personas):
    author = client_for(personas.educator)
    text = author.get("/academy/author/courses/test-ideas/").content.decode()
    assert "The course is complete in every language it lists." in text
    _new_course(author)
    text = author.get("/academy/author/courses/new-course/").content.decode()
    assert "course.title: translation missing for course language &#x27;ko&#x27;" in text
    assert "course.units: must be a non-empty list" in text


def test_educator_reads_versions_and_lesson_in_korean_editor(course, personas):
    lesson = course.lessons.get(slug="what-is-an-invention")
    author = client_for(personas.educator)
    text = author.get(
        f"/academy/author/courses/test-ideas/lessons/{lesson.pk}/?lang=ko"
    ).content.decode()
    assert "Version 1: Published" in text
    assert 'value="발명이란 무엇일까요?"' in text  # the Korean title is in the form
    assert "What is an invention?" in text  # the English shown for reference


def test_objectives_page_shows_the_topic_tree(course, personas):
    text = client_for(personas.educator).get("/academy/author/objectives/").content.decode()
    assert "Say what a patent protects" in text
    row = text[text.index("PAT-102") : text.index("</tr>", text.index("PAT-102"))]
    assert "PAT-101" in row  # builds on
    assert client_for(personas.learner).get("/academy/author/objectives/").status_code == 404


def test_a_draft_question_can_be_deleted_a_published_one_cannot(draft_lesson, course, personas):
    from ipcoop.academy import services

    author = client_for(personas.educator)
    draft = services.save_question(
        by=personas.educator,
        lesson=draft_lesson,
        question=None,
        lang="en",
        type="true_false",
        objective="PAT-101",
        difficulty=1,
        prompt="Draft?",
        feedback="Yes.",
        options=[],
        answer=True,
    )
    base = f"/academy/author/courses/test-ideas/lessons/{draft_lesson.pk}/questions"
    author.post(f"{base}/{draft.pk}/delete/")
    assert not Question.objects.filter(pk=draft.pk).exists()
    published = Question.objects.get(key="q-single")
    author.post(
        f"/academy/author/courses/test-ideas/lessons/{published.lesson_id}/questions/"
        f"{published.pk}/delete/"
    )
    assert Question.objects.filter(pk=published.pk).exists()
