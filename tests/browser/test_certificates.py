"""Certificates in a browser: a learner who completed a course gets the certificate,
downloads the PDF and opens the verification link, which says the certificate is valid."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ipcoop.academy.package import import_package
from ipcoop.credentials.models import Certificate
from ipcoop.people.models import Role
from tests.browser.steps import sign_in
from tests.conftest import PASSWORD, make_user
from tests.credentials.conftest import TEST_SEED, complete_course, course_package

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def signing_key(settings):
    settings.IPCOOP_SIGNING_KEY = base64.b64encode(TEST_SEED).decode()


def test_learner_gets_downloads_and_verifies_a_certificate(open_page, tmp_path: Path) -> None:
    course = import_package(course_package(), publish=True, review_note="test")
    learner = make_user("grace", Role.LEARNER, display_name="Grace Hopper")
    complete_course(learner, course)

    page = open_page()
    page.goto(f"/account/signin/?next=/certificates/course/{course.slug}/")
    sign_in(page, "grace", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate: Copyright basics")
    expect(page.locator("#eligibility")).to_have_text(
        "You have earned the certificate of this course."
    )
    page.get_by_role("button", name="Get my certificate").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My certificates")
    certificate = Certificate.objects.get(learner=learner, course=course)
    row = page.get_by_role("row", name="Copyright basics")
    expect(row).to_contain_text(certificate.code)

    with page.expect_download() as info:
        row.get_by_role("link", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename == f"certificate-{certificate.code}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    response = page.request.get(f"/certificates/{certificate.code}.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"

    row.get_by_role("link", name=certificate.code).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a certificate")
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Valid")
    expect(verdict).to_contain_text("Grace Hopper")
    expect(verdict).to_contain_text("Copyright basics")
    expect(verdict).to_contain_text("ASEAN IP Academy")

    # Anyone else, without an account, sees the same answer; a changed code is unknown.
    visitor = open_page()
    visitor.goto(f"/verify/{certificate.code}")
    expect(visitor.locator("#verdict")).to_contain_text("Valid")
    changed = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
    # (Asked without opening it: the browser reports any 404 page load as a console error.)
    unknown = visitor.request.get(f"/verify/{changed}")
    assert unknown.status == 404
    assert "Unknown" in unknown.text()
