"""Drafts stay hidden from learners and visitors (pages, filters, API); only
educators author; only a second educator publishes; hostile content never runs."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied

from ipcoop.academy import services
from ipcoop.academy.models import Attempt, Question
from ipcoop.academy.package import import_package
from ipcoop.people import services as people
from tests.academy.fixture import package
from tests.conftest import assert_same_not_found, cache_turned_on, client_for

pytestmark = pytest.mark.django_db

LEARNERS = ["learner", "teacher", "outsider", "kipo_examiner", "platform_admin"]


def _client(personas, who):
    return client_for(None if who == "anonymous" else getattr(personas, who))


@pytest.mark.parametrize("who", ["anonymous", *LEARNERS])
def test_draft_course_is_hidden_everywhere(course, draft_course, personas, who):
    client = _client(personas, who)
    for query in [
        "",
        "?q=secret",
        "?audience=children",
        "?language=ko",
        "?topic=patents",
        "?sdg=4",
    ]:
        text = client.get(f"/academy/{query}").content.decode()
        assert "Secret draft course" not in text
    assert_same_not_found(client, "/academy/secret-draft-course/", "/academy/no-such-course/")
    assert_same_not_found(
        client,
        "/academy/secret-draft-course/what-is-an-invention/",
        "/academy/no-such-course/what-is-an-invention/",
    )
    api = client.get("/api/v1/academy/courses?q=secret").json()
    assert api == []
    hidden = client.get("/api/v1/academy/courses/secret-draft-course")
    missing = client.get("/api/v1/academy/courses/no-such-course")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


@pytest.mark.parametrize("who", ["anonymous", *LEARNERS])
def test_draft_lesson_is_hidden(draft_lesson, personas, who):
    client = _client(personas, who)
    assert_same_not_found(
        client,
        "/academy/test-ideas/secret-draft-lesson/",
        "/academy/test-ideas/no-such-lesson/",
    )
    assert "Secret draft lesson" not in client.get("/academy/test-ideas/").content.decode()
    detail = client.get("/api/v1/academy/courses/test-ideas").json()
    assert "secret-draft-lesson" not in str(detail)


def test_new_draft_of_a_published_lesson_keeps_learners_on_the_published_one(
    course, personas, educator2
):
    lesson = course.lessons.get(slug="what-is-an-invention")
    services.save_lesson(
        by=personas.educator,
        unit=lesson.unit,
        lesson=lesson,
        lang="en",
        slug=lesson.slug,
        title="What is an invention? (new draft)",
        body="Draft words nobody should read yet.",
        key_points=["One", "Two"],
        minutes=10,
        objectives=["PAT-101"],
        sources=[],
    )
    learner = client_for(personas.learner)
    text = learner.get("/academy/test-ideas/what-is-an-invention/").content.decode()
    assert "Draft words" not in text
    assert "new way to solve a problem" in text
    lesson.refresh_from_db()
    services.submit_lesson(by=personas.educator, lesson=lesson)
    with pytest.raises(PermissionDenied):
        services.publish_lesson(by=personas.educator, lesson=lesson)
    services.publish_lesson(by=educator2, lesson=lesson, note="Looks right.")
    text = learner.get("/academy/test-ideas/what-is-an-invention/").content.decode()
    assert "Draft words nobody should read yet." in text
    assert lesson.versions.count() == 2


def test_only_educators_reach_authoring_pages(course, personas):
    urls = [
        "/academy/author/",
        "/academy/author/import/",
        "/academy/author/courses/new/",
        "/academy/author/courses/test-ideas/",
        "/academy/author/courses/test-ideas/export.json",
    ]
    for who in ["learner", "teacher", "kipo_admin", "platform_admin", "outsider"]:
        client = client_for(getattr(personas, who))
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
    anonymous = client_for(None)
    for url in urls:
        assert anonymous.get(url).status_code == 302
    educator = client_for(personas.educator)
    for url in urls:
        assert educator.get(url).status_code == 200, url


def test_services_refuse_non_educators(course, personas):
    with pytest.raises(PermissionDenied):
        services.save_unit(by=personas.learner, course=course, unit=None, lang="en", title="Hijack")
    with pytest.raises(PermissionDenied):
        services.save_course(
            by=personas.kipo_admin,
            course=None,
            lang="en",
            slug="x",
            title="x",
            summary="x",
            audience="adults",
            level="beginner",
            topics=["patents"],
            sdgs=[],
            minutes=5,
            languages=["en"],
        )


def test_unpublished_question_cannot_be_answered(draft_lesson, personas):
    q = services.save_question(
        by=personas.educator,
        lesson=draft_lesson,
        question=None,
        lang="en",
        type="true_false",
        objective="PAT-101",
        difficulty=1,
        prompt="Hidden question?",
        feedback="Because.",
        options=[],
        answer=True,
    )
    response = client_for(personas.learner).post(
        "/api/v1/academy/attempts",
        {"question": q.pk, "answer": {"value": True}, "idempotency_key": str(uuid.uuid4())},
        content_type="application/json",
    )
    missing = client_for(personas.learner).post(
        "/api/v1/academy/attempts",
        {"question": 999999, "answer": {"value": True}, "idempotency_key": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()


HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)"> [go](javascript:alert(2))'


def test_hostile_content_never_reaches_a_page(personas):
    data = package()
    lesson = data["course"]["units"][0]["lessons"][0]
    for lang in ("en", "ko"):
        lesson["title"][lang] = HOSTILE
        lesson["body"][lang] = HOSTILE
        lesson["key_points"][lang] = [HOSTILE, HOSTILE]
        data["questions"][0]["prompt"][lang] = HOSTILE
        data["questions"][0]["feedback"][lang] = HOSTILE
        data["questions"][0]["choices"][0]["text"][lang] = HOSTILE
        data["course"]["title"][lang] = HOSTILE
    lesson["images"] = [
        {"src": "ipcoop/favicon.svg", "alt": {"en": '"><script>alert(3)</script>', "ko": "x"}}
    ]
    import_package(data, publish=True)
    client = client_for(personas.learner)
    q = Question.objects.get(key="q-single")
    pages = [
        client.get("/academy/").content.decode(),
        client.get("/academy/test-ideas/").content.decode(),
        client.get("/academy/test-ideas/what-is-an-invention/").content.decode(),
        client.post(
            f"/academy/test-ideas/what-is-an-invention/answer/{q.pk}/",
            {"choice": "1", "idempotency_key": str(uuid.uuid4())},
        ).content.decode(),
    ]
    for text in pages:
        assert "<script>alert" not in text
        assert not re.search(r"<[^>]*\sonerror\s*=", text, re.IGNORECASE)
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", text, re.IGNORECASE)
        assert "&lt;script&gt;" in text or "alert" not in text
    assert "Not quite" in pages[3]


def test_editing_a_published_question_waits_for_the_next_publication(course, personas, educator2):
    lesson = course.lessons.get(slug="what-is-an-invention")
    q = Question.objects.get(key="q-single")
    services.save_question(
        by=personas.educator,
        lesson=lesson,
        question=q,
        lang="en",
        type="single",
        objective="PAT-101",
        difficulty=2,
        prompt="A rewritten prompt?",
        feedback="A rewritten explanation.",
        options=["- A sunset", "* A new kind of umbrella"],
    )
    learner = client_for(personas.learner)
    page = learner.get("/academy/test-ideas/what-is-an-invention/").content.decode()
    assert "A rewritten prompt?" not in page and "Which one is an invention?" in page
    # Grading follows the published question too.
    result = services.record_attempt(
        learner=personas.learner, question=q, answer={"choice": 0}, idempotency_key=uuid.uuid4()
    )
    assert result.attempt.correct
    lesson.refresh_from_db()
    assert lesson.latest_version.status == "draft" and lesson.latest_version.number == 2
    preview = client_for(personas.educator).get(
        f"/academy/author/courses/test-ideas/lessons/{lesson.pk}/preview/"
    )
    assert "A rewritten prompt?" in preview.content.decode()
    services.submit_lesson(by=personas.educator, lesson=lesson)
    services.publish_lesson(by=educator2, lesson=lesson)
    page = learner.get("/academy/test-ideas/what-is-an-invention/").content.decode()
    assert "A rewritten prompt?" in page
    q.refresh_from_db()
    assert q.pending is None and q.choices[1]["correct"] is True
    assert Attempt.objects.get().question_id == q.pk


KEPT_PER_READER = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "reader-pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "a"},
}


@pytest.fixture
def kept_per_reader(settings):
    yield from cache_turned_on(settings, KEPT_PER_READER, "reader-pages")


def test_a_draft_lesson_kept_open_for_its_author_stays_hidden_from_everyone_else(
    kept_per_reader, draft_lesson, personas, django_capture_on_commit_callbacks
):
    """Which lesson a reader may open is kept for them (``pagecache.remembered_for_reader``):
    never for another reader, and not past a change of their roles."""
    url = "/academy/test-ideas/secret-draft-lesson/"
    author = client_for(personas.educator)
    for _ in range(2):
        assert "Secret draft lesson" in author.get(url).content.decode()
    for who in ["learner", "teacher", "kipo_examiner"]:
        client = _client(personas, who)
        for _ in range(2):
            assert_same_not_found(client, url, "/academy/test-ideas/no-such-lesson/")
    with django_capture_on_commit_callbacks(execute=True):
        people.revoke_role(by=None, membership=personas.educator.memberships.get())
    assert author.get(url).status_code == 404
