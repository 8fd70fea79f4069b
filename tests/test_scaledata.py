"""The synthetic data generator: seeded, refuses a database in use, makes every kind,
and the key pages it names answer for their users."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from ipcoop.academy.models import Attempt, Question
from ipcoop.ops import scaledata
from ipcoop.people.models import User
from ipcoop.search.kinds import KINDS
from ipcoop.search.models import SearchDocument
from ipcoop.worksharing.models import Application, Citation
from tests.conftest import make_user

TINY = scaledata.PRESETS["tiny"]


def _sample() -> dict:
    return {
        "counts": scaledata.row_counts(),
        "learners": list(
            User.objects.filter(username__startswith="scale-learner-")
            .order_by("pk")
            .values_list("username", "country", "preferred_language")[:10]
        ),
        "applications": list(
            Application.objects.order_by("pk").values_list(
                "pk", "office__slug", "number", "title", "family_id", "visibility"
            )[:15]
        ),
        "citations": list(
            Citation.objects.order_by("work_product_id", "document_number").values_list(
                "work_product_id", "document_number", "category"
            )[:15]
        ),
        "attempts": list(
            Attempt.objects.order_by("created_at", "idempotency_key").values_list(
                "learner__username", "question__key", "correct", "created_at"
            )[:20]
        ),
        "questions": list(Question.objects.order_by("pk").values_list("pk", "key", "prompt")[:10]),
    }


def _generated(seed: int) -> dict:
    with transaction.atomic():
        scaledata.generate(TINY, seed=seed)
        sample = _sample()
        transaction.set_rollback(True)
    return sample


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first, again, other = _generated(5), _generated(5), _generated(6)

    assert first == again
    assert first["counts"]["worksharing.Application"] == TINY.applications
    assert first["applications"] != other["applications"]
    assert first["attempts"] != other["attempts"]


@pytest.mark.django_db
def test_it_refuses_a_database_with_data_in_it():
    make_user("someone")

    with pytest.raises(scaledata.ScaleDataError, match="not empty"):
        scaledata.generate(TINY)
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_it_refuses_production_mode():
    with override_settings(PRODUCTION=True), pytest.raises(scaledata.ScaleDataError):
        scaledata.generate(TINY)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_tiny_preset_makes_every_kind_of_thing():
    scaledata.generate(TINY, seed=3)

    counts = scaledata.row_counts()
    assert [table for table, count in counts.items() if count == 0] == []
    assert counts["people.User"] == TINY.learners + 6
    assert counts["academy.Attempt"] == TINY.attempts
    assert counts["academy.Course"] == TINY.courses
    assert counts["updates.PolicyUpdate"] == TINY.policy_updates
    assert counts["meetings.Meeting"] == TINY.meetings
    assert counts["proposals.Proposal"] == TINY.proposals
    # Consultations are the one searchable kind it does not make.
    indexed = set(SearchDocument.objects.values_list("kind", flat=True))
    assert indexed == set(KINDS) - {"consultation"}
    # A second portion can be added; a second first generation cannot.
    with pytest.raises(scaledata.ScaleDataError):
        scaledata.generate(TINY, seed=3)
    scaledata.generate(TINY, seed=4, extend=True)
    assert Application.objects.count() == 2 * TINY.applications


@pytest.mark.django_db
@override_settings(REQUIRE_STAFF_TWO_FACTOR=True)
def test_key_pages_answer_their_users_with_the_generated_data():
    scaledata.generate(TINY, seed=3)

    pages = {page.name: page for page in scaledata.key_pages()}
    for page in pages.values():
        client = Client()
        if page.username:
            name, value = scaledata.session_cookie(page.username)
            client.cookies[name] = value
        response = client.get(page.path)
        assert response.status_code == 200, page
        if page.username:
            assert response.context["user"].username == page.username, page

    # What they show is the generated data: the learner's questions, the family's offices.
    client = Client()
    client.cookies.load(dict([scaledata.session_cookie(scaledata.LEARNER)]))
    lesson = client.get(pages["lesson"].path).content.decode()
    question = Question.objects.filter(lesson__slug="lesson-00").order_by("position").first()
    assert question.prompt["en"] in lesson
    client = Client()
    client.cookies.load(dict([scaledata.session_cookie(scaledata.KIPO_EXAMINER)]))
    family = client.get(pages["family"].path).content.decode()
    for number in Application.objects.filter(
        family_id=pages["family"].path.rstrip("/").rsplit("/", 1)[1]
    ).values_list("number", flat=True):
        assert number in family
    assert "patent" in client.get(pages["search"].path).content.decode().lower()


@pytest.mark.django_db
def test_the_command_generates_and_reports_times_and_rows():
    out = io.StringIO()

    call_command("scale_data", preset="tiny", learners=7, applications=12, stdout=out)

    assert User.objects.filter(username__startswith="scale-learner-").count() == 7
    assert Application.objects.count() == 12
    assert "total" in out.getvalue()
    assert "worksharing.Application" in out.getvalue()
