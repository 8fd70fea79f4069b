"""Learning paths in a browser: an adult takes the placement check of a course, knows
one objective, sees its lesson marked as already known and a "what next" with a reason;
a learner answers the review queue."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ipcoop.academy import learning, services
from ipcoop.academy.models import Placement, ReviewCard
from ipcoop.people.models import Role
from tests.academy.adult import adult_course, question_of
from tests.browser.steps import sign_in
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_adult_places_past_what_they_know_and_sees_what_next(
    open_page, screenshot_dir: Path
) -> None:
    course = adult_course(3, 3)
    make_user("adult.learner", Role.LEARNER)
    page: Page = open_page()
    page.goto(f"/account/signin/?next=/academy/{course.slug}/")
    sign_in(page, "adult.learner", PASSWORD)
    offer = page.get_by_role("heading", name="Already know some of this? Take a 5-minute check")
    expect(offer).to_be_visible()
    page.get_by_role("button", name="Take the check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Placement check")

    # Right on every question about PAT-201, wrong on the others.
    asked = 0
    while page.get_by_role("heading", name="Your result").count() == 0:
        legend = page.locator("legend").inner_text()
        objective = re.search(r"on (PAT-\d+)\?", legend).group(1)
        choice = "The right one" if objective == "PAT-201" else "The wrong one"
        page.get_by_label(choice).check()
        page.get_by_role("button", name="Next question").click()
        asked += 1
        assert asked <= 20
    expect(page.locator(".placement-result")).to_contain_text(
        "The check found 1 objective you already know."
    )
    placement = Placement.objects.get()
    assert placement.placed_past == ["PAT-201"]
    assert len(placement.asked) == asked == 3 + 2 + 2

    page.get_by_role("link", name="Back to the course").click()
    known = page.locator(".lesson-row", has_text="Lesson on PAT-201")
    expect(known.locator(".skip-note")).to_have_text("You already know this — skip or review")
    for other in ("PAT-202", "PAT-203"):
        row = page.locator(".lesson-row", has_text=f"Lesson on {other}")
        expect(row.locator(".skip-note")).to_have_count(0)
    expect(page.locator(".placement-offer")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "academy-placement-result-1280.png"), full_page=True)

    page.goto("/academy/me/")
    nxt = page.locator(".next-step")
    expect(nxt.get_by_role("heading", name="What next")).to_be_visible()
    expect(nxt.locator(".next-reason")).to_have_text(
        "You have not yet practised “Objective PAT-202”."
    )
    nxt.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson on PAT-202")


def test_review_queue_answer_shows_when_the_question_comes_back(open_page) -> None:
    course = adult_course(1, 3)
    learner = make_user("reviewer.learner", Role.LEARNER)
    question = question_of(course, "PAT-201")
    services.record_attempt(
        learner=learner, question=question, answer={"choice": 1}, idempotency_key=uuid.uuid4()
    )
    learning.sync_reviews(learner=learner)
    ReviewCard.objects.update(due=timezone.now() - timedelta(hours=1))
    page: Page = open_page()
    page.goto("/account/signin/?next=/academy/me/")
    sign_in(page, "reviewer.learner", PASSWORD)
    page.get_by_role("link", name="1 question due for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews due")
    item = page.locator(f"#question-{question.pk}")
    item.get_by_label("The right one").check()
    item.get_by_role("button", name="Check my answer").click()
    feedback = item.locator(".feedback")
    expect(feedback.locator(".verdict")).to_have_class("verdict right")
    expect(feedback).to_contain_text("This question comes back on")
    card = ReviewCard.objects.get()
    assert card.due > timezone.now() and card.reviews == 2
