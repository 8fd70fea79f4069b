"""Two-factor sign-in as office staff meet it: sent to set it up, then a code at each sign-in."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ipcoop.lib import totp
from ipcoop.people.models import AuditAction, AuditEvent, Role, TwoFactorDevice
from tests.browser.steps import error_summary, header, sign_in, sign_in_from_home
from tests.browser.test_accessibility import axe_violations, describe
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_policy_officer_sets_up_two_factor_then_signs_in_with_a_code(
    page: Page, settings, screenshot_dir: Path
) -> None:
    settings.REQUIRE_STAFF_TWO_FACTOR = True
    make_user("kipo.policy", Role.POLICY_OFFICER, "kr-kipo")

    # Signed in with the password, a policy officer is sent to set up two-factor sign-in.
    sign_in_from_home(page, "kipo.policy", PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/two-factor/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    expect(page.get_by_role("status")).to_contain_text(
        "Office staff sign in with a code from an authenticator app"
    )
    # Any other page leads back here until it is set up.
    header(page).get_by_role("link", name="Cooperation").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/$"))

    qr = page.get_by_role("img", name="QR code holding the key for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    key = totp.decode_secret(page.locator("#two-factor-secret").inner_text())
    page.screenshot(path=str(screenshot_dir / "two-factor-set-up-1280.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, describe(violations)

    wrong = f"{(int(totp.totp(key)) + 1) % 1_000_000:06d}"
    page.get_by_label("Code from your app").fill(wrong)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(error_summary(page)).to_contain_text("That code does not match.")

    setup_code = totp.totp(key)
    page.get_by_label("Code from your app").fill(setup_code)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("status").first).to_contain_text("Two-factor sign-in is on.")
    codes = page.get_by_role("list", name="Your recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    page.screenshot(path=str(screenshot_dir / "two-factor-recovery-codes-1280.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, describe(violations)
    assert TwoFactorDevice.objects.filter(user__username="kipo.policy").exists()

    header(page).get_by_role("link", name="Cooperation").click()
    expect(page).to_have_url(re.compile(r"/cooperation/$"))

    header(page).get_by_role("button", name="Sign out").click()
    expect(header(page).get_by_role("link", name="Sign in")).to_be_visible()

    # Signing in again: the password, then a code. The set-up code is used up.
    header(page).get_by_role("link", name="Sign in").click()
    sign_in(page, "kipo.policy", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    expect(header(page).get_by_role("button", name="Sign out")).to_have_count(0)

    page.get_by_label("Code").fill(setup_code)
    page.get_by_role("button", name="Continue").click()
    expect(error_summary(page)).to_contain_text("That code does not match.")
    expect(header(page).get_by_role("button", name="Sign out")).to_have_count(0)
    violations = axe_violations(page)
    assert not violations, describe(violations)

    # One step ahead is within the tolerance, and never used before.
    page.get_by_label("Code").fill(totp.totp(key, time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    account = header(page).locator(".account")
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    expect(account.get_by_role("link", name="kipo.policy")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))
    sign_ins = AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor__username="kipo.policy")
    assert [e.detail for e in sign_ins.order_by("id")] == [{}, {"second_factor": "totp"}]
