"""What a person does in the browser, shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


def header(page: Page) -> Locator:
    return page.locator("header.site-header")


def error_summary(page: Page) -> Locator:
    return page.locator(".form-errors[role=alert]")


def sign_in(page: Page, username: str, password: str) -> None:
    """Fill and send the sign-in form (the page must show it)."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()


def sign_in_from_home(page: Page, username: str, password: str) -> None:
    page.goto("/")
    header(page).get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    sign_in(page, username, password)
    expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()
