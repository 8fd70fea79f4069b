"""Signing up, signing in, switching the language and signing out, as a person does."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ipcoop.people.models import Membership, Role, User
from tests.browser.steps import error_summary, header, sign_in
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_sign_up_makes_a_learner_account_and_signs_in(page: Page) -> None:
    page.goto("/")
    header(page).get_by_role("link", name="Sign up").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Create a learner account")
    page.get_by_label("Username").fill("mai.learner")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/$"))
    account = header(page).locator(".account")
    expect(account.get_by_role("link", name="mai.learner")).to_be_visible()
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    expect(account.get_by_role("link", name="Sign in")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Welcome! Your learner account is ready.")

    user = User.objects.get(username="mai.learner")
    assert user.check_password(PASSWORD)
    memberships = list(Membership.objects.filter(user=user).values_list("role", "organisation"))
    assert memberships == [(Role.LEARNER, None)]


def test_sign_up_refuses_a_short_password_and_a_taken_username(page: Page) -> None:
    make_user("taken.name")
    page.goto("/account/signup/")

    page.get_by_label("Username").fill("new.person")
    page.get_by_label("Password").fill("short")
    page.locator("main").get_by_role("button", name="Sign up").click()

    summary = error_summary(page)
    expect(summary).to_contain_text("Please fix the following:")
    expect(summary).to_contain_text("This password is too short")
    expect(summary).to_be_focused()  # site.js moves focus there for screen readers
    expect(page.get_by_label("Username")).to_have_value("new.person")
    assert not User.objects.filter(username="new.person").exists()

    page.get_by_label("Username").fill("Taken.Name")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign up").click()

    summary = error_summary(page)
    expect(summary).to_contain_text("That username is taken: choose another.")
    link = summary.get_by_role("link", name="Username")
    expect(link).to_have_attribute("href", "#id_username")
    expect(page.locator(".field.has-error")).to_contain_text("That username is taken")
    expect(header(page).get_by_role("link", name="Sign in")).to_be_visible()
    assert list(User.objects.values_list("username", flat=True)) == ["taken.name"]
    assert not Membership.objects.exists()


def test_sign_in_switch_to_korean_and_sign_out(page: Page) -> None:
    make_user("somchai", Role.LEARNER)
    page.goto("/")
    header(page).get_by_role("link", name="Sign in").click()

    sign_in(page, "somchai", "not the password at all")
    expect(error_summary(page)).to_contain_text(
        "That username and password do not match. Check both and try again."
    )
    expect(header(page).get_by_role("button", name="Sign out")).to_have_count(0)

    sign_in(page, "somchai", PASSWORD)
    account = header(page).locator(".account")
    expect(account.get_by_role("link", name="somchai")).to_be_visible()
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Choosing a language submits the switcher at once (site.js): no button press needed.
    with page.expect_navigation():
        page.locator("#language-select").select_option("ko")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    nav = header(page).locator("nav.main-nav")
    expect(nav.get_by_role("link", name="아카데미")).to_be_visible()
    expect(nav.get_by_role("link", name="협력")).to_be_visible()
    expect(account.get_by_role("button", name="로그아웃")).to_be_visible()
    expect(page.locator("#language-select")).to_have_value("ko")
    assert User.objects.get(username="somchai").preferred_language == "ko"

    # The choice sticks on the next page.
    nav.get_by_role("link", name="아카데미").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(nav.get_by_role("link", name="아카데미")).to_have_attribute("aria-current", "page")

    account.get_by_role("button", name="로그아웃").click()
    expect(account.get_by_role("link", name="로그인")).to_be_visible()
    expect(account.get_by_role("button", name="로그아웃")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "ko")


def test_signed_in_language_follows_the_profile(open_page) -> None:
    """A person who chose Korean gets Korean after signing in on another browser."""
    make_user("minji", Role.LEARNER, preferred_language="ko")
    page = open_page()
    page.goto("/account/signin/")
    sign_in(page, "minji", PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(header(page).get_by_role("button", name="로그아웃")).to_be_visible()


def test_language_switch_works_without_javascript(open_page) -> None:
    page = open_page(java_script_enabled=False)
    page.goto("/academy/")
    page.locator("#language-select").select_option("ko")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # nothing sent yet
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page).to_have_url(re.compile(r"/academy/$"))
    expect(header(page).get_by_role("link", name="로그인")).to_be_visible()
