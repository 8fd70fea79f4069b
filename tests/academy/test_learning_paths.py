"""Learning paths: mastery moved by attempts, the placement check, what next, spaced
review, query counts and the learner's own data only (pages and API)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipcoop.academy import learning, services
from ipcoop.academy.models import (
    Attempt,
    Objective,
    ObjectiveProgress,
    Placement,
    Question,
    ReviewCard,
)
from ipcoop.academy.package import import_package
from ipcoop.lib import mastery
from ipcoop.people.models import Role
from tests.academy.adult import adult_course, question_of
from tests.academy.fixture import package
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


def answer(learner, question, right=True, time_ms=None):
    return services.record_attempt(
        learner=learner,
        question=question,
        answer={"choice": 0 if right else 1},
        idempotency_key=uuid.uuid4(),
        time_ms=time_ms,
    )


def progress(learner, code):
    return ObjectiveProgress.objects.get(learner=learner, objective__code=code)


# Mastery moved by attempts ------------------------------------------------------------


def test_attempts_move_mastery_by_the_hand_computed_values(personas):
    course = adult_course(1, 3)
    q = question_of(course, "PAT-201")
    learner = personas.learner
    # One right answer from the prior 0.2: 0.18 / 0.34, then + (1 - that) * 0.15 = 0.6.
    assert answer(learner, q).objective_progress.mastery == pytest.approx(0.6)
    # Then wrong: 0.06 / 0.38 = 0.15789..., + 0.15 * (1 - that) = 0.28421...
    answer(learner, q, right=False)
    assert progress(learner, "PAT-201").mastery == pytest.approx(0.06 / 0.38 * 0.85 + 0.15)
    # Then right again: 0.6950 (as tests/test_lib_mastery.py computes by hand).
    answer(learner, q)
    row = progress(learner, "PAT-201")
    assert row.mastery == pytest.approx(0.6950, abs=1e-4)
    assert (row.answered, row.correct, row.mastered_at) == (3, 2, None)


def test_mastered_at_set_at_the_threshold_and_emptied_below(personas):
    course = adult_course(1, 3)
    q = question_of(course, "PAT-201")
    learner = personas.learner
    for _ in range(2):
        answer(learner, q)
    assert progress(learner, "PAT-201").mastered_at is None  # 0.890
    last = answer(learner, q)
    row = progress(learner, "PAT-201")
    assert row.mastery == pytest.approx(mastery.trace([True] * 3))
    assert row.mastered_at == last.attempt.created_at
    answer(learner, q)  # still mastered: the first time is kept
    assert progress(learner, "PAT-201").mastered_at == last.attempt.created_at
    for _ in range(2):
        answer(learner, q, right=False)
    row = progress(learner, "PAT-201")
    assert row.mastery < mastery.MASTERED and row.mastered_at is None


def test_the_objective_parameters_are_data(personas):
    course = adult_course(1, 3)
    Objective.objects.filter(code="PAT-201").update(bkt_prior=0.5, bkt_guess=0.5)
    q = question_of(course, "PAT-201")
    params = mastery.Params(prior=0.5, learn=0.15, guess=0.5, slip=0.1)
    answer(personas.learner, q)
    assert progress(personas.learner, "PAT-201").mastery == pytest.approx(
        mastery.update(0.5, True, params)
    )


def test_a_replayed_attempt_does_not_move_mastery_again(personas):
    course = adult_course(1, 3)
    q = question_of(course, "PAT-201")
    key = uuid.uuid4()
    for _ in range(2):
        services.record_attempt(
            learner=personas.learner, question=q, answer={"choice": 0}, idempotency_key=key
        )
    assert progress(personas.learner, "PAT-201").mastery == pytest.approx(0.6)


# Placement check ----------------------------------------------------------------------


def take_placement(learner, course, knows):
    """A consistent learner: right on the objectives in ``knows``, wrong on the others."""
    placement = learning.start_placement(learner=learner, course=course)
    while placement.finished_at is None:
        question = placement.current
        learning.answer_placement(
            learner=learner,
            placement=placement,
            question_id=question.pk,
            answer={"choice": 0 if question.objective.code in knows else 1},
        )
        placement.refresh_from_db()
    return placement


def test_a_consistent_learner_who_knows_half_is_placed_past_exactly_those(personas):
    # Six objectives, three questions each; the learner knows every other one. Three
    # right answers decide a known objective (0.2 → 0.53 → 0.83 → 0.96), two wrong ones
    # an unknown one (0.2 → 0.03 → 0.003). Learners who slip and guess: see
    # tests/test_lib_mastery.py (at least 88 % of known objectives placed past, at most
    # 2 % of unknown ones, over 1000 simulated learners).
    course = adult_course(6, 3)
    codes = [f"PAT-{201 + i}" for i in range(6)]
    knows = set(codes[::2])
    placement = take_placement(personas.learner, course, knows)
    assert set(placement.placed_past) == knows
    assert len(placement.asked) == 3 * 3 + 3 * 2
    rows = {r.objective.code: r for r in ObjectiveProgress.objects.select_related("objective")}
    assert {code for code, row in rows.items() if row.mastered_at} == knows
    for code in knows:
        assert rows[code].mastery == pytest.approx(0.9578, abs=1e-3)
    for code in set(codes) - knows:
        assert rows[code].mastery < 0.02
        assert rows[code].answered == 0  # a check is not practice
    assert Attempt.objects.count() == 0
    # The lessons of the known objectives are marked on the course page, the others not.
    page = client_for(personas.learner).get(f"/academy/{course.slug}/").content.decode()
    rows_html = re.findall(r'<li class="lesson-row[^"]*">(.*?)</li>', page, re.S)
    marked = {
        re.search(r"Lesson on (PAT-\d+)", row).group(1)
        for row in rows_html
        if "You already know this — skip or review" in row
    }
    assert marked == knows
    assert "Take the check" not in page


def test_placement_is_capped_and_an_objective_without_questions_left_stays_open(personas):
    course = adult_course(2, 2)
    placement = take_placement(personas.learner, course, {"PAT-201", "PAT-202"})
    # Two right answers reach 0.83 only: not enough to skip the lessons.
    assert placement.placed_past == []
    assert len(placement.asked) == 4
    assert learning.PLACEMENT_RULE.cap == 20


def test_placement_asks_about_the_least_certain_objective_first(personas):
    course = adult_course(3, 3)
    learner = personas.learner
    ObjectiveProgress.objects.create(
        learner=learner, objective=Objective.objects.get(code="PAT-203"), mastery=0.5
    )
    placement = learning.start_placement(learner=learner, course=course)
    assert placement.current.objective.code == "PAT-203"
    assert placement.estimates == {"PAT-201": 0.2, "PAT-202": 0.2, "PAT-203": 0.5}


def test_a_stale_or_repeated_answer_is_refused(personas):
    course = adult_course(2, 3)
    learner = personas.learner
    placement = learning.start_placement(learner=learner, course=course)
    first = placement.current
    learning.answer_placement(
        learner=learner, placement=placement, question_id=first.pk, answer={"choice": 0}
    )
    with pytest.raises(ValidationError):
        learning.answer_placement(
            learner=learner, placement=placement, question_id=first.pk, answer={"choice": 0}
        )
    placement.refresh_from_db()
    assert len(placement.asked) == 1
    # The page says so and asks the current question again.
    client = client_for(learner)
    response = client.post(
        f"/academy/{course.slug}/placement/answer/", {"question": first.pk, "choice": "0"}
    )
    assert response.status_code == 422
    assert "already answered" in response.content.decode()


def test_children_courses_have_no_placement(personas, course):
    with pytest.raises(ValidationError):
        learning.start_placement(learner=personas.learner, course=course)
    client = client_for(personas.learner)
    assert "Take a 5-minute check" not in client.get("/academy/test-ideas/").content.decode()
    for url in ("/academy/test-ideas/placement/", "/academy/test-ideas/placement/finish/"):
        response = client.post(url)
        assert response.status_code == 422
        assert "This course has no placement check" in response.content.decode()
    assert Placement.objects.count() == 0


def test_no_placement_when_answers_may_not_be_stored(personas, monkeypatch):
    """A child in a class whose parent's consent is not recorded: nothing is kept."""
    from ipcoop import access

    course = adult_course(2, 3)
    monkeypatch.setattr(access, "may_store_learning", lambda user: False)
    client = client_for(personas.learner)
    assert "Take a 5-minute check" not in client.get(f"/academy/{course.slug}/").content.decode()
    for url in ("placement/", "placement/finish/"):
        response = client.post(f"/academy/{course.slug}/{url}")
        assert response.status_code == 422
        assert "Your answers cannot be kept yet" in response.content.decode()
    assert Placement.objects.count() == 0


def test_placement_through_the_pages_and_skipping(personas):
    course = adult_course(2, 3)
    client = client_for(personas.learner)
    page = client.get(f"/academy/{course.slug}/").content.decode()
    assert "Already know some of this? Take a 5-minute check" in page
    response = client.post(f"/academy/{course.slug}/placement/")
    assert response.status_code == 302
    text = client.get(response["Location"]).content.decode()
    assert "Question 1 (at most 20)" in text
    current = Placement.objects.get().current
    assert f"Question 0 on {current.objective.code}?" in text
    response = client.post(
        f"/academy/{course.slug}/placement/answer/", {"question": current.pk, "choice": "0"}
    )
    assert response.status_code == 302
    assert "Question 2" in client.get(f"/academy/{course.slug}/placement/").content.decode()
    # Stopping keeps what was found; the course page no longer offers the check.
    client.post(f"/academy/{course.slug}/placement/finish/")
    placement = Placement.objects.get()
    assert placement.finished_at is not None and len(placement.asked) == 1
    page = client.get(f"/academy/{course.slug}/").content.decode()
    assert "Take a 5-minute check" not in page
    # Another learner skips it before starting.
    other = client_for(personas.teacher)
    other.post(f"/academy/{course.slug}/placement/finish/")
    skipped = Placement.objects.get(learner=personas.teacher)
    assert skipped.asked == [] and skipped.finished_at is not None
    assert "Take a 5-minute check" not in other.get(f"/academy/{course.slug}/").content.decode()


def test_placement_of_a_draft_course_answers_like_a_missing_one(personas, draft_course):
    client = client_for(personas.learner)
    assert client.get("/academy/secret-draft-course/placement/").status_code == 404
    assert client.post("/academy/secret-draft-course/placement/").status_code == 404


# What next ----------------------------------------------------------------------------


def test_next_step_prerequisites_first_with_reason_on_dashboard_and_course_page(personas):
    # PAT-201 needs PAT-203 (taught last in the course).
    course = adult_course(3, 3, prerequisites={0: [2]})
    learner = personas.learner
    services.start_lesson(learner=learner, lesson=course.lessons.get(slug="lesson-pat-201"))
    step = learning.next_step(learner)
    assert step.objective.code == "PAT-203"
    expected = "Learn “Objective PAT-203” first: “Objective PAT-201” builds on it."
    assert step.reason == expected
    client = client_for(learner)
    for url in ("/academy/me/", f"/academy/{course.slug}/"):
        text = client.get(url).content.decode()
        assert expected.replace("“", "&ldquo;").replace("”", "&rdquo;") in text or (
            expected in text
        )
        assert f'href="/academy/{course.slug}/lesson-pat-203/"' in text


def test_next_step_skips_mastered_and_says_practise(personas):
    course = adult_course(3, 3)
    learner = personas.learner
    for _ in range(3):
        answer(learner, question_of(course, "PAT-201"))
    answer(learner, question_of(course, "PAT-202"))
    step = learning.next_step(learner, course)
    assert (step.objective.code, step.recommendation.kind) == ("PAT-202", "practice")
    assert step.reason == "Keep practising “Objective PAT-202”: you do not know it for sure yet."
    assert step.url.endswith("/lesson-pat-202/#practice-heading")
    for _ in range(3):
        answer(learner, question_of(course, "PAT-202"))
    step = learning.next_step(learner, course)
    assert step.reason == "You have not yet practised “Objective PAT-203”."


# Spaced review ------------------------------------------------------------------------


def test_a_wrong_answer_comes_back_sooner_than_a_right_one(personas):
    course = adult_course(1, 3)
    learner = personas.learner
    right, wrong, fast = (question_of(course, "PAT-201", k) for k in range(3))
    answer(learner, right, time_ms=30_000)
    answer(learner, wrong, right=False)
    answer(learner, fast, time_ms=2_000)
    assert learning.sync_reviews(learner=learner) == 3
    cards = {c.question_id: c for c in ReviewCard.objects.all()}
    assert cards[wrong.pk].due < cards[right.pk].due < cards[fast.pk].due
    assert cards[wrong.pk].due - cards[wrong.pk].last_review == timedelta(days=1)
    assert cards[right.pk].due - cards[right.pk].last_review == timedelta(days=2)
    assert learning.sync_reviews(learner=learner) == 0  # each attempt folded in once


def test_a_long_backlog_is_folded_a_batch_at_a_time_oldest_first(personas, monkeypatch):
    monkeypatch.setattr(learning, "FOLD_BATCH", 2)
    course = adult_course(1, 3)
    learner = personas.learner
    first, second, third = (question_of(course, "PAT-201", k) for k in range(3))
    for question in (first, second, third):
        answer(learner, question)
    assert learning.sync_reviews(learner=learner) == 2
    assert set(ReviewCard.objects.values_list("question_id", flat=True)) == {first.pk, second.pk}
    assert learning.sync_reviews(learner=learner) == 1
    assert ReviewCard.objects.count() == 3
    assert learning.sync_reviews(learner=learner) == 0


def test_children_courses_have_no_review_cards(personas, course):
    answer(personas.learner, Question.objects.get(key="q-single"))
    assert learning.sync_reviews(learner=personas.learner) == 0
    assert ReviewCard.objects.count() == 0


def due_in_the_past(learner):
    ReviewCard.objects.filter(learner=learner).update(due=timezone.now() - timedelta(hours=1))


def test_the_queue_lists_only_due_cards_of_the_learner_and_answers_move_them(personas):
    course = adult_course(2, 3)
    learner, other = personas.learner, personas.teacher
    due_q, later_q = question_of(course, "PAT-201"), question_of(course, "PAT-202")
    answer(learner, due_q, right=False)
    answer(learner, later_q)
    answer(other, question_of(course, "PAT-201", 1))
    learning.sync_reviews(learner=learner)
    learning.sync_reviews(learner=other)
    ReviewCard.objects.filter(question=due_q).update(due=timezone.now() - timedelta(hours=1))
    due_in_the_past(other)
    assert [c.question_id for c in learning.due_reviews(learner)] == [due_q.pk]
    client = client_for(learner)
    page = client.get("/academy/me/reviews/").content.decode()
    assert "1 question is due for review today." in page
    assert "Question 0 on PAT-201?" in page
    assert "Question 0 on PAT-202?" not in page  # not due yet
    assert "Question 1 on PAT-201?" not in page  # another learner's
    assert "1 question due for review" in client.get("/academy/me/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/academy/me/reviews/{due_q.pk}/", {"choice": "0", "idempotency_key": key}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Right!" in text and "This question comes back on" in text
    assert "Nothing to review now" in text
    card = ReviewCard.objects.get(learner=learner, question=due_q)
    assert card.due > timezone.now()
    assert card.reviews == 2
    # An attempt like any other.
    assert Attempt.objects.filter(learner=learner, question=due_q).count() == 2
    assert progress(learner, "PAT-201").answered == 2


def test_review_queue_htmx_answer_is_a_partial(personas):
    course = adult_course(1, 3)
    q = question_of(course, "PAT-201")
    answer(personas.learner, q, right=False)
    learning.sync_reviews(learner=personas.learner)
    due_in_the_past(personas.learner)
    response = client_for(personas.learner).post(
        f"/academy/me/reviews/{q.pk}/",
        {"choice": "1", "idempotency_key": str(uuid.uuid4())},
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert "<html" not in text and "Not quite." in text


def test_another_learners_review_answers_like_a_missing_one(personas):
    from tests.conftest import assert_same_not_found

    course = adult_course(1, 3)
    q = question_of(course, "PAT-201")
    answer(personas.teacher, q)
    learning.sync_reviews(learner=personas.teacher)
    due_in_the_past(personas.teacher)
    client = client_for(personas.learner)
    assert_same_not_found(
        client,
        f"/academy/me/reviews/{q.pk}/",
        "/academy/me/reviews/999999/",
        method="post",
        data={"choice": "0", "idempotency_key": str(uuid.uuid4())},
    )
    assert Attempt.objects.filter(learner=personas.learner).count() == 0


# Own data only, API -------------------------------------------------------------------


def test_api_mastery_next_and_reviews_show_only_my_own(personas):
    course = adult_course(2, 3)
    learner, other = personas.learner, personas.teacher
    answer(learner, question_of(course, "PAT-201"))
    for k in range(3):
        answer(other, question_of(course, "PAT-202", k))
    learning.sync_reviews(learner=other)
    due_in_the_past(other)
    client = client_for(learner)
    assert client.get("/api/v1/academy/me/mastery").json() == [
        {
            "code": "PAT-201",
            "title": "Objective PAT-201",
            "mastery": 0.6,
            "mastered": False,
            "mastered_at": None,
        }
    ]
    assert client.get("/api/v1/academy/me/reviews").json() == []
    nxt = client.get("/api/v1/academy/me/next").json()
    assert nxt["kind"] == "practice" and nxt["objective"] == "PAT-201"
    assert nxt["reason"] == "Keep practising “Objective PAT-201”: you do not know it for sure yet."
    assert nxt["url"].endswith(f"/academy/{course.slug}/lesson-pat-201/#practice-heading")
    theirs = client_for(other)
    mine = [row["code"] for row in theirs.get("/api/v1/academy/me/mastery").json()]
    assert mine == ["PAT-202"]
    reviews = theirs.get("/api/v1/academy/me/reviews").json()
    assert [r["question"] for r in reviews] == [
        question_of(course, "PAT-202", k).pk for k in range(3)
    ]
    assert reviews[0]["objective"] == "PAT-202"
    # The learner's pages show none of the other's objectives or reviews.
    dashboard = client.get("/academy/me/").content.decode()
    assert "PAT-202" not in dashboard and "due for review" not in dashboard
    assert "Question 0 on PAT-202?" not in client.get("/academy/me/reviews/").content.decode()


def test_api_needs_an_account_and_hides_draft_courses(personas, client, draft_course):
    for path in ("me/next", "me/mastery", "me/reviews"):
        assert client.get(f"/api/v1/academy/{path}").status_code == 401
    learner = client_for(personas.learner)
    hidden = learner.get("/api/v1/academy/me/next?course=secret-draft-course")
    missing = learner.get("/api/v1/academy/me/next?course=no-such-course")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert learner.get("/api/v1/academy/me/next").json() == {
        "kind": None,
        "reason": "Nothing to recommend: start a course, or you have mastered it all.",
        "course": None,
        "lesson": None,
        "objective": None,
        "url": None,
    }


# Query counts -------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _practise_all(learner, course, n):
    services.start_lesson(learner=learner, lesson=course.lessons.first())
    for i in range(n):
        answer(learner, question_of(course, f"PAT-{201 + i}"), right=False)
    learning.sync_reviews(learner=learner)
    due_in_the_past(learner)


@pytest.mark.parametrize(
    "url", ["/academy/me/", "/academy/me/reviews/", "/academy/{slug}/", "/api/v1/academy/me/next"]
)
def test_learning_path_pages_queries_do_not_grow(personas, url):
    small = adult_course(1, 1, slug="small-course")
    big = adult_course(20, 1, slug="big-course", first=301)
    one, twenty = make_user("one", Role.LEARNER), make_user("twenty", Role.LEARNER)
    _practise_all(one, small, 1)
    services.start_lesson(learner=twenty, lesson=big.lessons.first())
    for i in range(20):
        answer(twenty, question_of(big, f"PAT-{301 + i}"), right=False)
    learning.sync_reviews(learner=twenty)
    due_in_the_past(twenty)
    assert ReviewCard.objects.filter(learner=twenty).count() == 20
    counts = []
    for user, course in ((one, small), (twenty, big)):
        client = client_for(user)
        client.get(url.format(slug=course.slug))  # warm the session
        counts.append(_count(client, url.format(slug=course.slug)))
    assert counts[0] == counts[1]


def test_course_page_queries_do_not_grow_with_mastered_lessons(personas):
    course = adult_course(2, 3, slug="two")
    big = adult_course(20, 3, slug="twenty", first=301)
    client = client_for(personas.learner)
    take_placement(personas.learner, course, {"PAT-201"})
    # Twenty objectives take more than the check's 20 questions: half are known already.
    known = Objective.objects.filter(code__in=[f"PAT-{301 + i}" for i in range(0, 20, 2)])
    ObjectiveProgress.objects.bulk_create(
        ObjectiveProgress(learner=personas.learner, objective=o, mastery=0.99) for o in known
    )
    learning.finish_placement(learner=personas.learner, course=big)
    small_count = _count(client, "/academy/two/")
    page = client.get("/academy/twenty/").content.decode()
    assert page.count("You already know this — skip or review") == 10
    assert _count(client, "/academy/twenty/") == small_count


def test_reimport_keeps_learners_mastery(personas):
    data = package()
    import_package(data, publish=True)
    answer(personas.learner, Question.objects.get(key="q-single"))
    import_package(package(), publish=True)
    assert progress(personas.learner, "PAT-101").mastery == pytest.approx(0.6)


def test_dashboard_shows_mastery_per_objective(personas):
    course = adult_course(1, 3)
    for _ in range(3):
        answer(personas.learner, question_of(course, "PAT-201"))
    text = client_for(personas.learner).get("/academy/me/").content.decode()
    cell = re.search(r'<td class="mastery">([^<]*)</td>', text).group(1)
    assert cell == "98% · mastered"


def test_impossible_parameters_cannot_be_stored(db):
    from django.db import IntegrityError, transaction

    adult_course(1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.filter(code="PAT-201").update(bkt_guess=0.6, bkt_slip=0.5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.filter(code="PAT-201").update(bkt_prior=1.5)


def test_educators_see_the_parameters_of_each_objective(personas):
    adult_course(1, 1)
    Objective.objects.filter(code="PAT-201").update(bkt_guess=0.5)
    text = client_for(personas.educator).get("/academy/author/objectives/").content.decode()
    assert '<td class="bkt">0.2 / 0.15 / 0.5 / 0.1</td>' in text
