"""Keyboard-only use: the skip link and the language switcher."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import header

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_first_tab_reaches_the_skip_link_and_enter_moves_to_main(page: Page) -> None:
    page.goto("/")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()  # hidden until focused

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    focused_in_main = page.evaluate(
        "document.querySelector('main').contains(document.activeElement)"
    )
    assert focused_in_main


def test_language_switcher_by_keyboard_alone(page: Page) -> None:
    page.goto("/")
    select = page.locator("#language-select")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "language-select":
            break
    expect(select).to_be_focused()

    # English is first, Korean second: one arrow key chooses it and the form is sent.
    with page.expect_navigation():
        page.keyboard.press("ArrowDown")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(header(page).get_by_role("link", name="로그인")).to_be_visible()
    expect(header(page).locator("nav.main-nav")).to_contain_text("아카데미")

    # And back to English the same way.
    select.focus()
    with page.expect_navigation():
        page.keyboard.press("ArrowUp")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(header(page).get_by_role("link", name="Sign in")).to_be_visible()
