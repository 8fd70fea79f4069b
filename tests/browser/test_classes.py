"""A class in a browser: a teacher creates it, a child joins with the code and three
pictures, the teacher records the parent's consent, the child answers and the
teacher's grid changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from ipcoop.academy.models import Question
from ipcoop.academy.package import import_package
from ipcoop.classes.models import SchoolClass
from ipcoop.people.models import Role
from tests.academy.fixture import package
from tests.browser.steps import sign_in
from tests.browser.test_accessibility import axe_violations, describe
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def grid_cell(page: Page, name: str) -> Locator:
    return page.locator("table.mastery-grid tr", has=page.get_by_role("rowheader", name=name))


def test_teacher_class_child_joins_consent_answer_grid(open_page, screenshot_dir: Path) -> None:
    import_package(package(), publish=True)
    make_user("ms.kim", Role.TEACHER)

    teacher = open_page()
    teacher.goto("/account/signin/?next=/classes/new/")
    sign_in(teacher, "ms.kim", PASSWORD)
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Create a class")
    teacher.get_by_label("Class name").fill("Class 4A")
    teacher.get_by_label("Country").fill("KR")
    teacher.get_by_label("Youngest age in the class").fill("9")
    teacher.get_by_label("Oldest age in the class").fill("10")
    teacher.get_by_label("Ideas test course").check()
    teacher.get_by_role("button", name="Create the class").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Class 4A")
    code = SchoolClass.objects.get(name="Class 4A").code
    expect(teacher.locator(".join-code code")).to_have_text(code)

    # The child joins on another computer, with the keyboard for the pictures.
    child = open_page(width=800)
    child.goto("/classes/join/")
    child.get_by_label("Class code").fill(code.lower())
    child.get_by_role("button", name="Next").click()
    expect(child.locator(".class-name")).to_have_text("Class: Class 4A")
    child.get_by_label("Your name in the class").fill("Hana")
    for name in ("Sun", "Cat", "Boat"):
        box = child.get_by_role("checkbox", name=name)
        box.focus()
        child.keyboard.press("Space")
        expect(box).to_be_checked()
    child.screenshot(path=str(screenshot_dir / "classes-join-800.png"), full_page=True)
    assert_accessible(child)
    child.get_by_role("button", name="Join the class").click()
    expect(child.get_by_role("heading", level=1)).to_have_text("Hello, Hana!")
    expect(child.get_by_role("note")).to_contain_text("Your answers are not saved")
    assert_accessible(child)

    # Before consent: the answer is checked, not stored.
    child.goto("/academy/test-ideas/what-is-an-invention/")
    expect(child.locator(".unstored-note")).to_be_visible()
    question = Question.objects.get(key="q-single")
    box = child.locator(f"#question-{question.pk}")
    box.get_by_label("A new kind of umbrella").check()
    box.get_by_role("button", name="Check my answer").click()
    expect(box.locator(".verdict")).to_have_class("verdict right")
    assert question.attempts.count() == 0

    teacher.reload()
    expect(grid_cell(teacher, "Hana").locator("td").first).to_have_text("Not started")
    teacher.get_by_text("Record consent for Hana").click()
    teacher.get_by_label("How the parent consented").select_option("signed_form")
    teacher.get_by_label("Reference (optional)").fill("Form 7")
    teacher.get_by_role("button", name="Record consent").click()
    expect(teacher.get_by_role("status")).to_contain_text("Consent recorded for Hana")

    # After consent: stored, and the teacher's grid changes.
    child.reload()
    expect(child.locator(".unstored-note")).to_have_count(0)
    box = child.locator(f"#question-{question.pk}")
    box.get_by_label("A new kind of umbrella").check()
    box.get_by_role("button", name="Check my answer").click()
    expect(box.locator(".verdict")).to_have_class("verdict right")
    assert question.attempts.count() == 1

    teacher.reload()
    first = grid_cell(teacher, "Hana").locator("td").first
    expect(first).not_to_have_text("Not started")
    expect(first).not_to_have_class("level-none")
    teacher.screenshot(path=str(screenshot_dir / "classes-teacher-1280.png"), full_page=True)
    assert_accessible(teacher)
