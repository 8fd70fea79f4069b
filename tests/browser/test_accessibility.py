"""axe-core on the key pages in English, Korean and Thai: no serious or critical violations.

axe-core comes from npm (package.json, installed by `make test`); it is run through the
DevTools protocol, which the page's Content-Security-Policy does not apply to, so the
pages are checked exactly as they are served.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Pages anyone may open, and pages an examiner of an office opens.
PUBLIC_PAGES = [
    "/",
    "/account/signin/",
    "/account/signup/",
    "/practice/",
    "/updates/",
    "/search/?q=AI",
]
STAFF_PAGES = ["/cooperation/", "/consultations/", "/statistics/", "/worksharing/"]


def axe_violations(page) -> list[dict]:
    assert AXE.exists(), "axe-core is missing: run `make test` (it runs `npm ci`)"
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))"
    )
    violations = json.loads(result)["violations"]
    return [v for v in violations if v["impact"] in {"serious", "critical"}]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    )


@pytest.mark.parametrize("language", ["en", "ko", "th"])
def test_key_pages_have_no_serious_accessibility_violations(open_page, language):
    make_user("th.examiner", "examiner", "th-dip")
    page = open_page(language=language)
    problems = {}
    for path in PUBLIC_PAGES:
        check(page, path, language, problems)
    page.goto("/account/signin/")
    # Labels are translated: fill the form by field name rather than by label text.
    page.locator("input[name=username]").fill("th.examiner")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action$='/account/signout/']")).to_be_visible()
    for path in STAFF_PAGES:
        check(page, path, language, problems)
    assert not problems, "\n".join(f"{path}:\n{text}" for path, text in problems.items())


def check(page, path: str, language: str, problems: dict[str, str]) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    expect(page.locator("html")).to_have_attribute(
        "lang", page.evaluate("document.documentElement.lang")
    )
    if found := axe_violations(page):
        problems[path] = describe(found)
