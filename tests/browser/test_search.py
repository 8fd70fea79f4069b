"""Search from the header box, results updating as you type, on a phone and a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ipcoop.exchange.updates import services as updates
from ipcoop.people.models import Organisation, Role
from tests.browser.steps import header
from tests.conftest import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _publish() -> None:
    officer = make_user("kipo.writer", Role.POLICY_OFFICER, "kr-kipo")
    kipo = Organisation.objects.get(slug="kr-kipo")
    for title, summary in [
        ("특허 심사 지침 개정 (AI 발명)", "인공지능 관련 특허출원의 심사 기준을 정리했습니다."),
        ("Examination guideline for AI inventions", "Who may be named as inventor, and why."),
        ("Hướng dẫn thẩm định sáng chế AI", "Đơn đăng ký sáng chế liên quan đến trí tuệ nhân tạo."),
        ("แนวทางการตรวจสอบสิทธิบัตร AI", "การประดิษฐ์ที่เกี่ยวกับปัญญาประดิษฐ์"),
    ]:
        updates.post_update(
            author=officer, office=kipo, kind="examination_guideline", title=title,
            summary=summary, visibility="public", tags=["ai", "patent"],
        )  # fmt: skip


@pytest.mark.parametrize("width", [360, 1280])
def test_search_from_the_header_and_as_you_type(open_page, screenshot_dir: Path, width) -> None:
    _publish()
    page = open_page(width=width, height=900, language="en")
    page.goto("/")
    box = header(page).get_by_role("searchbox", name="Search the platform")
    box.fill("inventor")
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    results = page.locator("#search-results")
    expect(results.get_by_role("heading", level=2)).to_have_text("1 result")
    expect(results.locator("mark").first).to_have_text("inventor")

    # Typing another word updates the results without a page load (htmx).
    page.get_by_label("Search for").fill("AI")
    expect(results.get_by_role("heading", level=2)).to_have_text("4 results")
    expect(results.locator(".hit")).to_have_count(4)
    page.wait_for_url("**/search/?q=AI")  # the address follows, so it can be shared
    expect(results.get_by_role("link", name="한국어 (1)")).to_be_visible()
    page.evaluate("document.fonts.ready")

    path = screenshot_dir / f"search-results-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width} px at {width} px"
