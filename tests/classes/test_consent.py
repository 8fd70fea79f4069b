"""Parental consent: the rules per country are data, and a child's answers are stored
only once the consent their country asks for is recorded."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ipcoop import access
from ipcoop.academy import services as academy
from ipcoop.academy.models import Attempt, LessonProgress, ObjectiveProgress, Question
from ipcoop.classes import rules, services
from ipcoop.classes.models import ConsentRule
from tests.classes.conftest import join, make_class
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

LESSON1 = "/academy/test-ideas/what-is-an-invention/"


def test_consent_rules_are_loaded_with_their_sources():
    rows = {r.country: r for r in ConsentRule.objects.all()}
    assert {c: rows[c].parent_below_age for c in ["KR", "SG", "TH", "ID", "PH", "VN", ""]} == {
        "KR": 14,
        "SG": 13,
        "TH": 10,
        "ID": 18,
        "PH": None,
        "VN": None,
        "": 13,
    }
    assert rows["VN"].child_also_from_age == 7
    assert "22-2" in rows["KR"].source
    assert "13/2023" in rows["VN"].source
    assert "17/2025" in rows["ID"].source
    assert all(r.source for r in rows.values())
    assert rules.rule_for("MY").country == ""  # no row of its own: the default


@pytest.mark.parametrize(
    ("country", "ages", "over", "needed"),
    [
        ("KR", (8, 10), False, True),  # all under 14
        ("KR", (14, 16), False, False),  # all 14 or over
        ("KR", (12, 15), False, True),  # straddles: the safe side by default
        ("KR", (12, 15), True, False),  # the teacher said this child is 14 or over
        ("TH", (10, 12), False, False),
        ("PH", (15, 17), False, True),  # no fixed age: always
        ("PH", (18, 40), False, False),  # but a class of adults has no children
        ("VN", (15, 17), False, True),  # parent always, child too from 7
        ("ID", (15, 17), False, True),
        ("MY", (12, 12), False, True),  # others: 13
        ("MY", (13, 15), False, False),
    ],
)
def test_parent_consent_needed_per_country_and_ages(personas, course, country, ages, over, needed):
    school_class = make_class(
        personas.teacher, course, country=country, age_min=ages[0], age_max=ages[1]
    )
    member = join(school_class)
    if over:
        services.set_consent_age(by=personas.teacher, member=member, at_or_over=True)
    rule = rules.rule_for(country)
    assert rules.parent_consent_needed(rule, school_class, member) is needed
    assert access.may_store_learning(member.user) is (not needed)


def test_no_attempt_is_stored_for_a_child_without_consent_then_stored_after(
    personas, school_class, child
):
    question = Question.objects.get(key="q-single")
    assert access.may_store_learning(child.user) is False
    assert access.may_store_learning(personas.learner) is True

    result = academy.record_attempt(
        learner=child.user, question=question, answer={"choice": 0}, idempotency_key=uuid.uuid4()
    )
    assert result.stored is False
    assert result.attempt.correct is True
    assert result.attempt.pk is None
    assert Attempt.objects.filter(learner=child.user).count() == 0
    assert ObjectiveProgress.objects.filter(learner=child.user).count() == 0
    assert LessonProgress.objects.filter(learner=child.user).count() == 0

    services.record_consent(
        by=personas.teacher,
        member=child,
        method="signed_form",
        given_on=timezone.localdate(),
        reference="F-12",
    )
    assert access.may_store_learning(child.user) is True
    result = academy.record_attempt(
        learner=child.user, question=question, answer={"choice": 1}, idempotency_key=uuid.uuid4()
    )
    assert result.stored is True
    assert list(Attempt.objects.filter(learner=child.user).values_list("correct", flat=True)) == [
        False
    ]
    progress = ObjectiveProgress.objects.get(learner=child.user)
    assert (progress.answered, progress.correct) == (1, 0)


def test_lesson_player_keeps_an_unconsented_childs_answers_in_the_session_only(
    personas, school_class, child
):
    client = client_for(child.user)
    page = client.get(LESSON1)
    text = page.content.decode()
    assert "Your answers are not saved until your teacher records your parent's consent." in text
    assert LessonProgress.objects.filter(learner=child.user).count() == 0
    question = Question.objects.get(key="q-single")
    url = f"{LESSON1}answer/{question.pk}/"
    for choice in ("1", "0"):
        response = client.post(url, {"choice": choice, "idempotency_key": str(uuid.uuid4())})
        assert response.status_code == 200
    text = response.content.decode()
    assert "Right!" in text
    assert "On this objective: 1 right of 2 answers." in text  # counted in the session
    assert Attempt.objects.filter(learner=child.user).count() == 0
    client.post(f"{LESSON1}complete/")
    assert LessonProgress.objects.filter(learner=child.user).count() == 0
    assert client.session["classes_unstored"]["lessons"][str(question.lesson_id)] == "completed"


def test_an_ordinary_learner_sees_no_note_and_is_stored(personas, course):
    client = client_for(personas.learner)
    text = client.get(LESSON1).content.decode()
    assert "not saved until" not in text
    assert LessonProgress.objects.filter(learner=personas.learner).count() == 1


def test_consent_form_rules(personas, course):
    school_class = make_class(personas.teacher, course, country="VN", age_min=8, age_max=9)
    member = join(school_class)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.record_consent(by=personas.teacher, member=member, method="sms", given_on=today)
    assert "child must agree too" in str(error.value)
    with pytest.raises(ValidationError):
        services.record_consent(
            by=personas.teacher,
            member=member,
            method="sms",
            given_on=today + datetime.timedelta(days=1),
            child_agreed=True,
        )
    with pytest.raises(ValidationError):
        services.record_consent(
            by=personas.teacher, member=member, method="scan", given_on=today, child_agreed=True
        )
    services.record_consent(
        by=personas.teacher, member=member, method="sms", given_on=today, child_agreed=True
    )
    assert access.may_store_learning(member.user) is True
    services.withdraw_consent(by=personas.teacher, member=member)
    assert access.may_store_learning(member.user) is False


def test_consent_is_recorded_from_the_class_page(personas, school_class, child):
    client = client_for(personas.teacher)
    url = f"/classes/{school_class.pk}/children/{child.pk}/consent/"
    response = client.post(url, {"method": "phone", "given_on": "2026-11-20", "reference": ""})
    assert response.status_code == 302
    text = client.get(response.url).content.decode()
    assert "Consent recorded for Minji" in text
    assert "Recorded: Phone call" in text
    child.refresh_from_db()
    assert child.consent.method == "phone"
    assert child.consent.recorded_by == personas.teacher
    # Another teacher cannot record it.
    other = client_for(personas.kipo_admin)
    assert other.post(url, {"method": "phone", "given_on": "2026-11-20"}).status_code == 404


def test_htmx_answer_of_an_unconsented_child_shows_session_counts(school_class, child):
    client = client_for(child.user)
    question = Question.objects.get(key="q-true-false")
    url = f"{LESSON1}answer/{question.pk}/"
    for value in ("false", "true"):
        response = client.post(
            url, {"value": value, "idempotency_key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true"
        )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text
    assert "Right!" in text
    assert "On this objective: 1 right of 2 answers." in text
    assert Attempt.objects.count() == 0


def test_the_api_answers_an_unconsented_child_without_storing_anything(school_class, child):
    question = Question.objects.get(key="q-single")
    response = client_for(child.user).post(
        "/api/v1/academy/attempts",
        {"question": question.pk, "answer": {"choice": 0}, "idempotency_key": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["stored"], body["attempt"], body["correct"]) == (False, None, True)
    assert body["feedback"]
    assert Attempt.objects.filter(learner=child.user).count() == 0
