"""Examination practice in the browser: an IPOS policy officer updates Singapore's position;
a KIPO examiner compares Korea and Singapore and sees the difference and the change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ipcoop.exchange.practice.models import OfficePosition
from ipcoop.people.models import Role
from tests.browser.steps import sign_in
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


FAST_TRACK = "Is there a fast track for patent applications in 4IR technologies?"


def sign_in_at(page: Page, path: str, username: str) -> None:
    page.goto(path)
    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    sign_in(page, username, PASSWORD)
    page.goto(path)


def test_sg_update_shows_as_a_difference_and_a_change_to_a_kr_examiner(open_page) -> None:
    make_user("sg.policy", Role.POLICY_OFFICER, "sg-ipos")
    make_user("kr.examiner", Role.EXAMINER, "kr-kipo")
    before_edit = timezone.now().date().isoformat()  # users' time zone is UTC by default

    # Singapore's policy officer updates IPOS's position on the fast-track question.
    officer = open_page()
    sign_in_at(officer, "/practice/questions/fast-track-4ir/", "sg.policy")
    expect(officer.get_by_role("heading", level=1)).to_have_text(FAST_TRACK)
    ipos = officer.locator(
        "section.office-position", has=officer.get_by_role("heading", name=re.compile("^IPOS"))
    )
    expect(ipos).to_contain_text("Yes")
    ipos.get_by_role("link", name="Edit this position").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Edit IPOS's position")
    officer.get_by_role("group", name="Short answer").get_by_label("Conditional").check()
    officer.get_by_label("Answer text").fill(
        "Fast-tracking is offered under SG IP FAST for applications that meet its conditions."
    )
    officer.get_by_label("Source document").fill("IPOS circular on SG IP FAST (test)")
    officer.get_by_role("group", name="Who may read it").get_by_label("Public").check()
    officer.get_by_role("button", name="Save position").click()
    expect(officer.get_by_role("status")).to_contain_text("IPOS's position is saved as version 2.")
    position = OfficePosition.objects.get(question__slug="fast-track-4ir", office__slug="sg-ipos")
    assert (position.version, position.answer, position.entered_by.username) == (
        2,
        "conditional",
        "sg.policy",
    )

    # A KIPO examiner compares Korea and Singapore.
    examiner = open_page()
    sign_in_at(examiner, "/practice/", "kr.examiner")
    expect(examiner.get_by_role("heading", level=1)).to_have_text("Examination practice compared")
    picker = examiner.get_by_role("group", name="Offices")
    for box in picker.get_by_role("checkbox").all():
        box.set_checked(box.get_attribute("value") in {"kr-kipo", "sg-ipos"})
    examiner.get_by_label("Changed since").fill(before_edit)
    examiner.get_by_role("button", name="Compare").click()

    table = examiner.locator("table.matrix")
    expect(table.locator("thead th")).to_have_text(["Question", "KIPO", "IPOS"])
    row = table.get_by_role("row", name=re.compile("fast track"))
    expect(row).to_contain_text("Answers differ")
    expect(row.locator("td").nth(0)).to_contain_text("Yes")
    expect(row.locator("td").nth(1)).to_contain_text("Conditional")
    expect(row.locator("td").nth(1)).to_contain_text("Changed")
    expect(row.get_by_role("link", name="Edit")).to_have_count(0)  # examiners do not edit

    moves = examiner.get_by_role("region", name=f"Changed since {before_edit}")
    expect(moves).to_contain_text("IPOS")
    expect(moves).to_contain_text(FAST_TRACK)
    expect(moves).to_contain_text("answer changed from Yes to Conditional")
    expect(moves.get_by_role("listitem")).to_have_count(1)

    # The history shows what the officer changed, word by word.
    moves.get_by_role("link", name=FAST_TRACK).click()
    expect(examiner.get_by_role("heading", level=1)).to_have_text("History of IPOS's position")
    latest = examiner.locator("li.version").first
    expect(latest).to_contain_text("Saved by sg.policy")
    expect(latest.locator("ins").first).to_be_visible()
    expect(latest.locator("del").first).to_be_visible()


@pytest.mark.parametrize("width", [360, 1280])
def test_practice_pages_screenshots(open_page, screenshot_dir: Path, width: int) -> None:
    make_user("kipo.policy", Role.POLICY_OFFICER, "kr-kipo")
    page = open_page(width=width, height=900)
    sign_in_at(page, "/practice/", "kipo.policy")
    page.goto("/practice/?since=2026-01-01")
    expect(page.get_by_role("heading", level=1)).to_have_text("Examination practice compared")
    page.screenshot(path=str(screenshot_dir / f"practice-matrix-{width}.png"), full_page=True)
    # The wide table scrolls inside its own box; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto("/practice/questions/ai-as-inventor/")
    page.screenshot(path=str(screenshot_dir / f"practice-question-{width}.png"), full_page=True)
    page.goto("/practice/questions/ai-as-inventor/kr-kipo/edit/")
    page.get_by_label("Source document").fill("Seoul High Court 2023Nu52088 (16 May 2024), final")
    page.get_by_role("button", name="Save position").click()
    page.goto("/practice/questions/ai-as-inventor/kr-kipo/history/")
    page.screenshot(path=str(screenshot_dir / f"practice-history-{width}.png"), full_page=True)
    page.goto("/practice/questions/ai-as-inventor/kr-kipo/edit/")
    page.screenshot(path=str(screenshot_dir / f"practice-edit-{width}.png"), full_page=True)
    page.goto("/practice/print/?area=ai")
    page.emulate_media(media="print")
    page.screenshot(path=str(screenshot_dir / f"practice-print-{width}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width
