"""The Academy API: the same rules and services as the pages."""

from __future__ import annotations

import uuid

import pytest

from ipcoop.academy.models import Attempt, Question
from ipcoop.people import services as people_services
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_course_list_in_a_language_with_fallback(course, client):
    rows = client.get("/api/v1/academy/courses?lang=ko").json()
    assert rows == [
        {
            "slug": "test-ideas",
            "title": "아이디어 시험 과정",
            "title_language": "ko",
            "summary": "[ko] A short course used by the tests.",
            "audience": "children",
            "level": "beginner",
            "languages": ["en", "ko"],
            "topics": ["patents", "trademarks"],
            "sdgs": [4, 9],
            "minutes": 30,
        }
    ]
    thai = client.get("/api/v1/academy/courses?lang=th").json()
    assert [(c["title"], c["title_language"]) for c in thai] == [("Ideas test course", "en")]
    assert client.get("/api/v1/academy/courses?translated=th").json() == []
    assert len(client.get("/api/v1/academy/courses?translated=ko").json()) == 1
    adults = client.get("/api/v1/academy/courses?audience=adults").json()
    assert adults == []
    topic = client.get("/api/v1/academy/courses?topic=trademarks").json()
    assert [c["slug"] for c in topic] == ["test-ideas"]


def test_course_detail(course, client):
    body = client.get("/api/v1/academy/courses/test-ideas?lang=ko").json()
    assert [u["title"] for u in body["units"]] == ["[ko] Inventions", "[ko] Brands"]
    assert body["units"][0]["lessons"][0] == {
        "slug": "what-is-an-invention",
        "title": "발명이란 무엇일까요?",
        "minutes": 10,
        "objectives": ["PAT-101"],
        "questions": 2,
    }
    codes = {o["code"]: o for o in body["objectives"]}
    assert codes["PAT-102"]["prerequisites"] == ["PAT-101"]
    assert codes["PAT-101"]["title"] == "발명이 무엇인지 말하기"


def test_attempt_needs_auth(course, client):
    q = Question.objects.get(key="q-single")
    response = client.post(
        "/api/v1/academy/attempts",
        {"question": q.pk, "answer": {"choice": 0}, "idempotency_key": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_attempt_with_token_is_recorded_once_and_progress_follows(course, personas):
    _token, raw = people_services.create_token(user=personas.learner, name="app")
    client = client_for(None)
    headers = {"Authorization": f"Bearer {raw}"}
    q = Question.objects.get(key="q-true-false")
    key = str(uuid.uuid4())
    payload = {"question": q.pk, "answer": {"value": False}, "idempotency_key": key}
    first = client.post(
        "/api/v1/academy/attempts", payload, content_type="application/json", headers=headers
    )
    assert first.status_code == 201
    body = first.json()
    assert body["correct"] is False and body["recorded"] is True
    assert "already knows" in body["feedback"]
    assert body["objective"]["code"] == "PAT-101"
    assert body["objective"]["answered"] == 1 and body["objective"]["correct"] == 0
    assert body["lesson"]["status"] == "in_progress"
    again = client.post(
        "/api/v1/academy/attempts", payload, content_type="application/json", headers=headers
    )
    assert again.status_code == 200
    assert again.json()["attempt"] == body["attempt"] and again.json()["recorded"] is False
    assert Attempt.objects.count() == 1
    progress = client.get("/api/v1/academy/me/progress", headers=headers).json()
    assert progress["courses"] == [
        {"slug": "test-ideas", "percent": 0, "last_lesson": "what-is-an-invention"}
    ]
    assert progress["objectives"][0]["code"] == "PAT-101"
    assert progress["objectives"][0]["share_correct"] == 0.0


def test_malformed_answer_is_422(course, personas):
    client = client_for(personas.learner)
    q = Question.objects.get(key="q-single")
    response = client.post(
        "/api/v1/academy/attempts",
        {"question": q.pk, "answer": {"choice": 7}, "idempotency_key": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Attempt.objects.count() == 0


def test_progress_needs_auth(client):
    assert client.get("/api/v1/academy/me/progress").status_code == 401


def test_openapi_documents_the_academy(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/academy/courses",
        "/api/v1/academy/courses/{slug}",
        "/api/v1/academy/attempts",
        "/api/v1/academy/me/progress",
    ):
        assert path in paths
