"""The teacher's class page (grid, stuck, assignments, CSV), the child's dashboard and
the counts Academy educators read."""

from __future__ import annotations

import csv
import datetime
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipcoop.academy import services as academy
from ipcoop.academy.models import Attempt, Lesson, Question
from ipcoop.classes import services
from tests.classes.conftest import join, make_class
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def consent(teacher, member):
    services.record_consent(
        by=teacher, member=member, method="signed_form", given_on=timezone.localdate()
    )


def answer(member, key, answer):
    question = Question.objects.get(key=key)
    return academy.record_attempt(
        learner=member.user, question=question, answer=answer, idempotency_key=uuid.uuid4()
    )


def test_grid_shows_mastery_in_words_and_colour(personas, school_class, child):
    consent(personas.teacher, child)
    client = client_for(personas.teacher)
    url = f"/classes/{school_class.pk}/"
    text = client.get(url).content.decode()
    assert '<th scope="col"><abbr title="Say what an invention is">PAT-101</abbr></th>' in text
    assert '<th scope="row">Minji</th><td class="level-none">Not started</td>' in text
    answer(child, "q-single", {"choice": 0})
    text = client.get(url).content.decode()
    assert '<th scope="row">Minji</th><td class="level-none">' not in text
    assert "Practising" in text or "Nearly there" in text or "Mastered" in text


def test_three_wrong_in_a_row_is_stuck_and_a_right_answer_clears_it(personas, school_class, child):
    consent(personas.teacher, child)
    for _ in range(3):
        answer(child, "q-single", {"choice": 1})
    client = client_for(personas.teacher)
    text = client.get(f"/classes/{school_class.pk}/").content.decode()
    assert "Minji: several wrong answers in a row on PAT-101" in text
    answer(child, "q-true-false", {"value": True})
    text = client.get(f"/classes/{school_class.pk}/").content.decode()
    assert "Nobody is stuck right now." in text


def test_assignment_appears_on_the_childs_dashboard(personas, school_class, child):
    lesson = Lesson.objects.get(slug="what-is-a-patent")
    client = client_for(personas.teacher)
    due = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(
        f"/classes/{school_class.pk}/assign/", {"lesson": lesson.pk, "due_on": due.isoformat()}
    )
    assert response.status_code == 302
    past = client.post(
        f"/classes/{school_class.pk}/assign/", {"lesson": lesson.pk, "due_on": "2020-01-01"}
    )
    assert past.status_code == 422
    assert "Choose a due date from today on." in past.content.decode()
    kid = client_for(child.user)
    text = kid.get("/classes/me/").content.decode()
    assert "What is a patent?" in text
    assert 'href="/academy/test-ideas/what-is-a-patent/"' in text
    assert "To do" in text
    assert '<a href="/academy/test-ideas/">Ideas test course</a>' in text
    kid.get("/academy/test-ideas/what-is-a-patent/")  # kept in the session (no consent)
    assert "Started" in kid.get("/classes/me/").content.decode()


def test_csv_is_formula_safe_and_lists_every_child_and_objective(personas, school_class):
    join(school_class, "=HYPERLINK(1)")
    join(school_class, "Bo")
    response = client_for(personas.teacher).get(f"/classes/{school_class.pk}/progress.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["learner", "objective", "objective title"]
    names = {row[0] for row in rows[1:]}
    assert names == {"'=HYPERLINK(1)", "Bo"}
    assert len(rows) == 1 + 2 * 3  # two children × three objectives


def _children(school_class, teacher, count):
    for i in range(count):
        member = join(school_class, f"Child {i}")
        consent(teacher, member)
        answer(member, "q-single", {"choice": 1})
        answer(member, "q-true-false", {"value": True})


def test_class_page_query_count_does_not_grow_with_children_and_answers(personas, course):
    small = make_class(personas.teacher, course, name="Small")
    big = make_class(personas.teacher, course, name="Big")
    _children(small, personas.teacher, 1)
    _children(big, personas.teacher, 20)
    lesson = Lesson.objects.get(slug="what-is-a-patent")
    for school_class in (small, big):
        services.assign_lesson(
            by=personas.teacher,
            school_class=school_class,
            lesson=lesson,
            due_on=timezone.localdate(),
        )
    client = client_for(personas.teacher)
    counts = []
    for school_class in (small, big):
        client.get(f"/classes/{school_class.pk}/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/classes/{school_class.pk}/")
        assert response.status_code == 200
        counts.append(len(queries))
        with CaptureQueriesContext(connection) as csv_queries:
            client.get(f"/classes/{school_class.pk}/progress.csv")
        counts.append(len(csv_queries))
    assert counts[0] == counts[2] and counts[1] == counts[3]
    assert "Child 19" in response.content.decode()


def test_educators_see_counts_never_names(personas, school_class, child):
    consent(personas.teacher, child)
    answer(child, "q-single", {"choice": 0})
    join(school_class, "Jun")
    client = client_for(personas.educator)
    response = client.get("/classes/overview/")
    text = response.content.decode()
    assert response.status_code == 200
    row = services.class_aggregates()[0]
    assert (row["n_children"], row["n_consents"], row["n_answers"]) == (2, 1, 1)
    assert (
        "<td>KR</td><td>Children</td><td>8–10</td><td>2</td><td>1</td><td>0</td><td>1</td>" in text
    )
    for secret in ("Minji", "Jun", "Class 3B", "a.teacher", school_class.code):
        assert secret not in text
    # Educators cannot open a teacher's class either.
    assert client.get(f"/classes/{school_class.pk}/").status_code == 404
    assert client.get(f"/classes/{school_class.pk}/progress.csv").status_code == 404
    # Nobody else reads the counts.
    assert client_for(personas.teacher).get("/classes/overview/").status_code == 404


def test_child_pages_hide_other_children(school_class, child):
    join(school_class, "Jun")
    text = client_for(child.user).get("/classes/me/").content.decode()
    assert "Jun" not in text
    assert client_for(child.user).get(f"/classes/{school_class.pk}/").status_code == 404


def test_old_wrong_answers_do_not_make_a_child_stuck(personas, school_class, child):
    consent(personas.teacher, child)
    for _ in range(3):
        answer(child, "q-single", {"choice": 1})
    Attempt.objects.filter(learner=child.user).update(
        created_at=timezone.now() - services.STUCK_WINDOW - datetime.timedelta(days=1)
    )
    overview = services.class_overview(school_class, lang="en")
    assert overview["stuck"] == []
    answer(child, "q-single", {"choice": 1})
    answer(child, "q-true-false", {"value": False})
    answer(child, "q-single", {"choice": 1})
    overview = services.class_overview(school_class, lang="en")
    assert [(s["member"].display_name, s["objective"].code) for s in overview["stuck"]] == [
        ("Minji", "PAT-101")
    ]


def test_child_dashboard_query_count_does_not_grow_with_assignments(personas, school_class, child):
    client = client_for(child.user)
    lessons = list(Lesson.objects.order_by("pk"))
    counts = []
    for number in (1, 3):
        for lesson in lessons[:number]:
            services.assign_lesson(
                by=personas.teacher,
                school_class=school_class,
                lesson=lesson,
                due_on=timezone.localdate(),
            )
        with CaptureQueriesContext(connection) as queries:
            text = client.get("/classes/me/").content.decode()
        counts.append(len(queries))
        assert text.count('class="assignment status-') == number
    assert counts[0] == counts[1]
