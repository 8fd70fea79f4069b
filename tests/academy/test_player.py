"""The learner's side: catalogue, course page, lesson player, answers and progress."""

from __future__ import annotations

import gzip
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ipcoop.academy import services
from ipcoop.academy.models import Attempt, LessonProgress, ObjectiveProgress, Question
from ipcoop.academy.package import import_package
from tests.academy.fixture import package
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

LESSON1 = "/academy/test-ideas/what-is-an-invention/"
LESSON2 = "/academy/test-ideas/what-is-a-patent/"


def korean(client):
    client.cookies["ipcoop_language"] = "ko"
    return client


def test_catalogue_lists_published_courses_with_facts(course, client):
    response = client.get(reverse("academy:catalogue"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ideas test course" in text
    assert "30 minutes" in text
    assert "Beginner" in text and "Children" in text
    assert "English, 한국어" in text


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("audience=children", True),
        ("audience=professionals", False),
        ("language=ko", True),
        ("language=th", False),
        ("topic=patents", True),
        ("topic=copyright", False),
        ("sdg=9", True),
        ("sdg=5", False),
        ("q=ideas+test", True),
        ("q=zebra", False),
    ],
)
def test_catalogue_filters(course, client, query, found):
    text = client.get(f"/academy/?{query}").content.decode()
    assert ("Ideas test course" in text) is found


def test_catalogue_shows_korean_title_and_marks_english_fallback(course):
    text = korean(client_for(None)).get("/academy/").content.decode()
    assert "아이디어 시험 과정" in text
    # The summary has a Korean text too ("[ko] ..."): no note for this card.
    assert "[ko] A short course used by the tests." in text


def test_untranslated_part_shows_english_with_a_note(course):
    """An educator's partly translated version: the body exists in English only."""
    version = course.lessons.get(slug="what-is-an-invention").published_version
    version.body = {"en": "Only **English** here."}
    version.save()
    client = korean(client_for(None))
    text = client.get(LESSON1).content.decode()
    assert "Only <strong>English</strong> here." in text
    assert text.count('class="untranslated"') == 1
    note = re.search(r'<p class="untranslated">([^<]+)</p>', text).group(1)
    # The note names the reader's language, in the interface's words for it.
    assert "한국어" in note
    assert "발명이란 무엇일까요?" in text  # the Korean title still shows
    english = client_for(None).get(LESSON1).content.decode()
    assert 'class="untranslated"' not in english


def test_visitor_reads_first_lesson_only(course, client):
    response = client.get(LESSON1)
    assert response.status_code == 200
    assert "Sign in to check your answers" in response.content.decode()
    second = client.get(LESSON2)
    assert second.status_code == 302
    assert second["Location"].startswith(reverse("people:signin"))
    assert "next=" in second["Location"]


def test_visitor_cannot_answer(course, client):
    q = Question.objects.get(key="q-single")
    response = client.post(f"{LESSON1}answer/{q.pk}/", {"choice": "0"})
    assert response.status_code == 302
    assert Attempt.objects.count() == 0


def _key(text: str, question: Question) -> str:
    match = re.search(rf'name="idempotency_key" value="([^"]+)" id="key-{question.pk}"', text)
    return match.group(1)


def test_answer_without_javascript_wrong_then_right(course, personas):
    client = client_for(personas.learner)
    q = Question.objects.get(key="q-single")
    page = client.get(LESSON1).content.decode()
    assert LessonProgress.objects.get(learner=personas.learner).status == "in_progress"
    key = _key(page, q)
    wrong = client.post(f"{LESSON1}answer/{q.pk}/", {"choice": "1", "idempotency_key": key})
    text = wrong.content.decode()
    assert wrong.status_code == 200
    assert "Not quite. Try again." in text
    assert "a sunset happens by itself" in text
    new_key = _key(text, q)
    assert new_key != key
    right = client.post(
        f"{LESSON1}answer/{q.pk}/", {"choice": "0", "idempotency_key": new_key, "time_ms": "4200"}
    )
    assert "Right!" in right.content.decode()
    attempts = list(Attempt.objects.order_by("pk"))
    assert [a.correct for a in attempts] == [False, True]
    assert attempts[1].time_ms == 4200 and attempts[0].time_ms is None
    progress = ObjectiveProgress.objects.get(learner=personas.learner)
    assert (progress.answered, progress.correct) == (2, 1)
    assert progress.last_practised is not None


def test_htmx_answer_returns_feedback_partial_with_fresh_key(course, personas):
    client = client_for(personas.learner)
    q = Question.objects.get(key="q-short")
    url = f"/academy/test-ideas/what-is-a-trademark/answer/{q.pk}/"
    key = str(uuid.uuid4())
    response = client.post(
        url, {"text": "  TRADE   mark ", "idempotency_key": key}, headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert "<html" not in text
    assert "Right!" in text
    assert "Such a sign is a trademark." in text
    assert 'hx-swap-oob="true"' in text
    assert key not in text


def test_korean_short_answer_accepted(course, personas):
    q = Question.objects.get(key="q-short")
    result = services.record_attempt(
        learner=personas.learner,
        question=q,
        answer={"text": " 상표 "},
        idempotency_key=uuid.uuid4(),
    )
    assert result.attempt.correct


@pytest.mark.parametrize(
    ("key", "answer", "correct"),
    [
        ("q-single", {"choice": 0}, True),
        ("q-single", {"choice": 1}, False),
        ("q-multiple", {"choices": [1, 0]}, True),
        ("q-multiple", {"choices": [0]}, False),
        ("q-true-false", {"value": True}, True),
        ("q-true-false", {"value": "false"}, False),
        ("q-matching", {"matches": [0, 1, 2]}, True),
        ("q-matching", {"matches": [1, 0, 2]}, False),
        ("q-short", {"text": "Trade Mark"}, True),
        ("q-short", {"text": "patent"}, False),
    ],
)
def test_grading_of_every_type(course, personas, key, answer, correct):
    q = Question.objects.get(key=key)
    result = services.record_attempt(
        learner=personas.learner, question=q, answer=answer, idempotency_key=uuid.uuid4()
    )
    assert result.attempt.correct is correct


def test_matching_form_offers_selects_and_grades_posted_answer(course, personas):
    client = client_for(personas.learner)
    q = Question.objects.get(key="q-matching")
    lesson = "/academy/test-ideas/what-is-a-trademark/"
    page = client.get(lesson).content.decode()
    assert page.count('name="match-') == 3
    response = client.post(
        f"{lesson}answer/{q.pk}/",
        {"match-0": "0", "match-1": "1", "match-2": "2", "idempotency_key": _key(page, q)},
    )
    assert "Right!" in response.content.decode()


def test_malformed_answer_is_refused_and_not_recorded(course, personas):
    client = client_for(personas.learner)
    q = Question.objects.get(key="q-single")
    response = client.post(f"{LESSON1}answer/{q.pk}/", {"idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 422
    assert "Choose or write an answer" in response.content.decode()
    assert Attempt.objects.count() == 0


def test_same_idempotency_key_twice_records_once(course, personas):
    client = client_for(personas.learner)
    q = Question.objects.get(key="q-single")
    key = str(uuid.uuid4())
    for _ in range(2):
        client.post(f"{LESSON1}answer/{q.pk}/", {"choice": "0", "idempotency_key": key})
    assert Attempt.objects.count() == 1
    assert ObjectiveProgress.objects.get().answered == 1


def test_race_on_the_same_key_returns_the_stored_attempt(course, personas, monkeypatch):
    """Two requests pass the first look-up at once: the unique constraint stops the
    second insert and the service answers with the attempt the first one stored."""
    q = Question.objects.get(key="q-single")
    key = uuid.uuid4()
    first = services.record_attempt(
        learner=personas.learner, question=q, answer={"choice": 0}, idempotency_key=key
    )
    real = services._stored_attempt
    calls = []

    def miss_first_time(learner, k):
        calls.append(k)
        return None if len(calls) == 1 else real(learner, k)

    monkeypatch.setattr(services, "_stored_attempt", miss_first_time)
    second = services.record_attempt(
        learner=personas.learner, question=q, answer={"choice": 1}, idempotency_key=key
    )
    assert second.created is False
    assert second.attempt.pk == first.attempt.pk
    assert Attempt.objects.count() == 1
    assert ObjectiveProgress.objects.get().answered == 1


def test_the_same_key_of_another_learner_is_their_own(course, personas):
    q = Question.objects.get(key="q-single")
    key = uuid.uuid4()
    for learner in (personas.learner, personas.teacher):
        services.record_attempt(
            learner=learner, question=q, answer={"choice": 0}, idempotency_key=key
        )
    assert Attempt.objects.count() == 2


def test_complete_lesson_and_course_percent_and_dashboard(course, personas):
    client = client_for(personas.learner)
    client.get(LESSON1)
    response = client.post(f"{LESSON1}complete/")
    assert response.status_code == 302 and response["Location"] == LESSON2
    assert LessonProgress.objects.get(lesson__slug="what-is-an-invention").status == "completed"
    page = client.get("/academy/test-ideas/").content.decode()
    assert "33%" in page
    client.get(LESSON2)
    dashboard = client.get(reverse("academy:dashboard")).content.decode()
    assert "Continue where you left off" in dashboard
    assert "What is a patent?" in dashboard
    assert "33%" in dashboard


def test_dashboard_needs_an_account(client):
    response = client.get(reverse("academy:dashboard"))
    assert response.status_code == 302


def test_lesson_navigation(course, personas):
    text = client_for(personas.learner).get(LESSON2).content.decode()
    assert f'href="{LESSON1}"' in text
    assert 'href="/academy/test-ideas/what-is-a-trademark/"' in text


def test_audience_class_on_pages(course, client):
    assert (
        'class="academy-page lesson-page audience-children"' in client.get(LESSON1).content.decode()
    )
    assert "academy-page audience-children" in client.get("/academy/test-ideas/").content.decode()


def test_lesson_page_is_small(course, personas):
    response = client_for(personas.learner).get("/academy/test-ideas/what-is-a-trademark/")
    assert len(gzip.compress(response.content)) < 100 * 1024


def test_largest_curriculum_like_lesson_is_small(personas):
    data = package()
    lesson = data["course"]["units"][0]["lessons"][0]
    lesson["body"] = {lang: "Words about inventions. " * 800 for lang in ("en", "ko")}
    base = data["questions"][0]
    data["questions"] = []
    for i in range(30):
        q = {**base, "key": f"big-{i}"}
        data["questions"].append(q)
    data["course"]["units"][0]["lessons"][1]["objectives"] = ["PAT-101", "PAT-102"]
    data["course"]["units"][1]["lessons"][0]["objectives"] = ["TM-101"]
    data["questions"].append(
        {**base, "key": "tm", "lesson": "what-is-a-trademark", "objective": "TM-101"}
    )
    data["questions"].append(
        {**base, "key": "pat2", "lesson": "what-is-a-patent", "objective": "PAT-102"}
    )
    import_package(data, publish=True)
    response = client_for(personas.learner).get(LESSON1)
    assert response.content.decode().count('class="question"') == 30
    assert len(gzip.compress(response.content)) < 100 * 1024


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _copies(start: int, end: int, learner) -> None:
    """Published copies of the test course, each started and practised by ``learner``."""
    for i in range(start, end):
        data = package(slug=f"copy-{i}")
        for q in data["questions"]:
            q["key"] = f"{q['key']}-{i}"
        course = import_package(data, publish=True)
        services.start_lesson(learner=learner, lesson=services.published_lessons(course)[0])
        services.record_attempt(
            learner=learner,
            question=Question.objects.filter(course=course, key=f"q-single-{i}").get(),
            answer={"choice": 0},
            idempotency_key=uuid.uuid4(),
        )


def test_catalogue_and_dashboard_queries_do_not_grow(personas):
    client = client_for(personas.learner)
    _copies(0, 1, personas.learner)
    one = (_count(client, "/academy/"), _count(client, "/academy/me/"))
    _copies(1, 20, personas.learner)
    assert client.get("/academy/").content.decode().count('class="course-card audience') == 20
    twenty = (_count(client, "/academy/"), _count(client, "/academy/me/"))
    assert one == twenty


def test_catalogue_shows_courses_by_pages_keeping_the_filters(personas, monkeypatch):
    from ipcoop.academy import views

    monkeypatch.setattr(views, "CATALOGUE_PAGE_SIZE", 8)
    client = client_for(personas.learner)
    _copies(0, 20, personas.learner)
    first = client.get("/academy/?language=en").content.decode()
    cards = 'class="course-card audience'
    assert first.count(cards) == 8
    assert re.search(r">20 courses<", first)
    assert 'href="?language=en&amp;page=2" rel="next"' in first
    last = client.get("/academy/?language=en&page=3").content.decode()
    assert last.count(cards) == 4
    assert 'rel="next"' not in last


def test_course_page_queries_do_not_grow_with_lessons(personas):
    client = client_for(personas.learner)
    import_package(package(), publish=True)
    small = _count(client, "/academy/test-ideas/")
    big = package()
    unit = big["course"]["units"][0]
    template = unit["lessons"][0]
    for i in range(20):
        unit["lessons"].append({**template, "slug": f"extra-{i}"})
    import_package(big, publish=True)
    assert _count(client, "/academy/test-ideas/") == small


def test_lesson_page_queries_do_not_grow_with_questions(personas):
    client = client_for(personas.learner)
    import_package(package(), publish=True)
    client.get(LESSON1)  # the first visit writes the lesson's progress
    few = _count(client, LESSON1)
    data = package()
    base = data["questions"][0]
    data["questions"] += [{**base, "key": f"more-{i}"} for i in range(20)]
    import_package(data, publish=True)
    assert client.get(LESSON1).content.decode().count('class="question"') == 22
    assert _count(client, LESSON1) == few


def test_korean_interface_of_the_player(course, personas):
    """The Academy's own Korean catalogue (ipcoop/academy/locale, compiled by make)."""
    text = korean(client_for(personas.learner)).get(LESSON1).content.decode()
    assert "답 확인하기" in text  # "Check my answer"
    assert "핵심 내용" in text  # "Key points"
