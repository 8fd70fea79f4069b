"""A personal API token: made on the Tokens page, used by a program, revoked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Playwright, expect

from ipcoop.people.models import ApiToken, Role
from tests.browser.steps import header, sign_in_from_home
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_token_is_shown_once_works_and_stops_working_when_revoked(
    page: Page, playwright: Playwright, live_server
) -> None:
    make_user("kipo.clerk", Role.LEARNER)
    sign_in_from_home(page, "kipo.clerk", PASSWORD)

    page.get_by_role("contentinfo").get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.get_by_text("You have no tokens yet.")).to_be_visible()

    page.get_by_label("Token name").fill("office system")
    page.get_by_role("button", name="Create token").click()

    shown = page.locator(".new-token")
    expect(shown).to_contain_text("Copy it now: it will not be shown again.")
    secret = page.locator("#new-token").inner_text().strip()
    assert re.fullmatch(r"ipc_[A-Za-z0-9_-]{40,}", secret), secret
    row = page.get_by_role("row", name=re.compile("office system"))
    expect(row).to_contain_text(secret[:10])
    expect(row).to_contain_text("never")
    assert secret not in "".join(ApiToken.objects.values_list("digest", flat=True))

    # Shown once: the next visit lists the token but not its secret.
    # (goto, not reload: reloading the answer to the POST would send the form again.)
    page.goto("/account/tokens/")
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.locator("#new-token")).to_have_count(0)
    assert secret not in page.content()

    # The program has the token only, not the browser's session cookie.
    program = playwright.request.new_context(base_url=live_server.url)
    try:
        bearer = {"Authorization": f"Bearer {secret}"}
        answer = program.get("/api/v1/me", headers=bearer)
        assert answer.status == 200, answer.text()
        assert answer.json()["username"] == "kipo.clerk"
        # page.request shares the browser's cookies; with a token it answers as the token's owner.
        answer = page.request.get(live_server.url + "/api/v1/me", headers=bearer)
        assert answer.status == 200
        assert answer.json()["username"] == "kipo.clerk"

        page.goto("/account/tokens/")
        row = page.get_by_role("row", name=re.compile("office system"))
        expect(row).not_to_contain_text("never")  # last used: just now
        row.get_by_role("button", name="Revoke office system").click()
        expect(page.get_by_role("status")).to_contain_text("The token “office system” is revoked.")
        expect(page.get_by_role("row", name=re.compile("office system"))).to_contain_text("Revoked")
        expect(page.get_by_role("button", name=re.compile("Revoke"))).to_have_count(0)

        answer = program.get("/api/v1/me", headers=bearer)
        assert answer.status == 401, answer.text()
        assert answer.json()["code"] == "unauthenticated"
        assert answer.headers["www-authenticate"].startswith("Bearer")
    finally:
        program.dispose()
    expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()
