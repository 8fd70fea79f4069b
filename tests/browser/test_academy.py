"""The Academy in a browser: a Korean-speaking child practises; educators write,
review and publish a lesson that a learner then reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ipcoop.academy.models import Question
from ipcoop.academy.package import import_package
from ipcoop.people.models import Role
from tests.academy.fixture import package
from tests.browser.steps import sign_in
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in_at(page: Page, path: str, username: str) -> None:
    page.goto(path)
    sign_in(page, username, PASSWORD)


def test_korean_child_answers_wrong_then_right_and_sees_progress(
    open_page, screenshot_dir: Path
) -> None:
    import_package(package(), publish=True)
    make_user("minji", Role.LEARNER, preferred_language="ko")
    page = open_page()
    # Signing in switches the pages to the learner's language (Korean).
    sign_in_at(page, "/account/signin/?next=/academy/test-ideas/", "minji")
    expect(page.get_by_role("heading", level=1)).to_have_text("아이디어 시험 과정")
    expect(page.locator(".academy-page")).to_have_class("academy-page audience-children")
    page.get_by_role("link", name="발명이란 무엇일까요?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("발명이란 무엇일까요?")
    question = Question.objects.get(key="q-single")
    box = page.locator(f"#question-{question.pk}")
    expect(box.locator("legend")).to_have_text("어느 것이 발명일까요?")
    feedback = box.locator(".feedback")
    expect(feedback).to_have_attribute("aria-live", "polite")

    box.get_by_label("노을").check()
    box.get_by_role("button").click()
    expect(feedback.locator(".verdict")).to_have_class("verdict wrong")
    expect(feedback).to_contain_text("발명은 사람이 만들어요. 노을은 저절로 생겨요.")
    expect(feedback.locator(".progress-note")).to_contain_text("0")

    box.get_by_label("새로운 종류의 우산").check()
    box.get_by_role("button").click()
    expect(feedback.locator(".verdict")).to_have_class("verdict right")
    expect(feedback).to_contain_text("발명은 사람이 만들어요.")
    page.screenshot(
        path=str(screenshot_dir / "academy-lesson-children-ko-1280.png"), full_page=True
    )
    attempts = list(question.attempts.order_by("pk"))
    assert [a.correct for a in attempts] == [False, True]
    assert all(a.time_ms is not None for a in attempts)

    # The lesson is in progress; completing it moves the course's percentage.
    page.locator(".lesson-nav button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("[ko] What is a patent?")
    page.goto("/academy/test-ideas/")
    expect(page.locator(".percent")).to_have_text("33%")
    page.goto("/academy/me/")
    expect(page.locator("#objectives-heading")).to_be_visible()
    expect(page.locator("main table").last).to_contain_text("50%")


def test_educator_writes_colleague_publishes_learner_reads(open_page) -> None:
    import_package(package(), publish=True)
    make_user("writer", Role.EDUCATOR, "asean-ip-academy")
    make_user("reviewer", Role.EDUCATOR, "asean-ip-academy")
    make_user("reader", Role.LEARNER)

    writer = open_page()
    sign_in_at(writer, "/account/signin/?next=/academy/author/", "writer")
    expect(writer.get_by_role("heading", level=1)).to_have_text("Write courses")
    writer.get_by_role("link", name="Ideas test course").click()
    writer.get_by_role("link", name="New lesson in this unit").first.click()
    writer.get_by_label("Slug (address)").fill("why-inventors-share")
    writer.get_by_label("Title", exact=True).fill("Why inventors share their ideas")
    writer.locator("#id_minutes").fill("8")
    writer.get_by_label("Lesson text (Markdown)").fill(
        "In return for a patent, inventors **explain** how it works."
    )
    writer.get_by_label("Key points (one a line, 2 to 5)").fill(
        "Patents are public.\nOthers learn."
    )
    writer.get_by_label("Objectives taught (codes, separated by spaces or commas)").fill("PAT-102")
    writer.get_by_role("button", name="Save draft").click()
    expect(writer.get_by_role("status")).to_contain_text("Draft saved (version 1)")
    writer.get_by_role("button", name="Send for review").click()
    expect(writer.get_by_role("status")).to_contain_text("Lesson sent for review.")
    expect(writer.get_by_role("button", name="Publish this version")).to_have_count(0)

    # The learner does not see it yet.
    reader = open_page()
    sign_in_at(reader, "/account/signin/?next=/academy/test-ideas/", "reader")
    expect(reader.get_by_role("link", name="Why inventors share their ideas")).to_have_count(0)

    reviewer = open_page()
    sign_in_at(reviewer, "/account/signin/?next=/academy/author/", "reviewer")
    reviewer.get_by_role("link", name="Why inventors share their ideas").click()
    reviewer.get_by_label("Review note").fill("Clear and correct.")
    reviewer.get_by_role("button", name="Publish this version").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Lesson published")

    reader.reload()
    reader.get_by_role("link", name="Why inventors share their ideas").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Why inventors share their ideas")
    expect(reader.locator(".lesson-body strong")).to_have_text("explain")
