"""A policy officer posts an update with a file; a partner office reads it, filters the feed,
and the pages are photographed on a phone and a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ipcoop.access import Visibility
from ipcoop.exchange.updates import services
from ipcoop.people.models import Organisation, Role
from tests.browser.steps import sign_in_from_home
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_fits(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width} px at {width} px"


def test_officer_posts_an_update_and_a_partner_office_reads_it(
    open_page, screenshot_dir: Path, tmp_path: Path
) -> None:
    make_user("kipo.policy", Role.POLICY_OFFICER, "kr-kipo")
    make_user("ipos.policy", Role.POLICY_OFFICER, "sg-ipos")
    kipo = Organisation.objects.get(slug="kr-kipo")
    author = kipo.memberships.get().user
    services.post_update(
        author=author,
        office=kipo,
        kind="law_amendment",
        title="Design Protection Act: images without an article",
        summary="Graphic images that operate a device are protected as designs.",
        tags=["metaverse", "design"],
        visibility=Visibility.PUBLIC,
    )
    pdf = tmp_path / "guideline.pdf"
    pdf.write_bytes(PDF)

    page = open_page()
    sign_in_from_home(page, "kipo.policy", PASSWORD)
    page.goto("/updates/")
    page.get_by_role("link", name="Post an update").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post an update")
    page.get_by_label("Kind").select_option("examination_guideline")
    page.get_by_label("Title").fill("AI inventions: what the description must disclose")
    page.get_by_label("Summary").fill("Describe training data, model and input-output relation.")
    page.get_by_label("Text").fill("## What changes\n\n- training data\n- the model\n")
    page.get_by_role("group", name="Technology").get_by_label("Artificial intelligence").check()
    page.get_by_role("group", name="Rights").get_by_label("Patent").check()
    page.get_by_role("group", name="Who may read it").get_by_label("Selected offices").check()
    page.get_by_role("group", name="Selected offices").get_by_label(
        "IPOS — Intellectual Property Office of Singapore"
    ).check()
    page.get_by_label("Attachments").set_input_files(str(pdf))
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(screenshot_dir / f"updates-form-{width}.png"), full_page=True)
        assert_fits(page, width)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("The update is published.")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "AI inventions: what the description must disclose"
    )
    expect(page.get_by_role("heading", name="What changes")).to_be_visible()
    expect(page.get_by_role("link", name="guideline.pdf")).to_be_visible()

    reader = open_page()
    sign_in_from_home(reader, "ipos.policy", PASSWORD)
    reader.goto("/updates/")
    expect(reader.get_by_text("2 unread updates")).to_be_visible()
    # The filter form updates the list in place (htmx) and the address follows.
    reader.get_by_label("Tag").select_option("ai")
    expect(reader.get_by_role("heading", name="1 update", exact=True)).to_be_visible()
    assert "tag=ai" in reader.url
    expect(reader.get_by_role("link", name="Design Protection Act")).to_have_count(0)
    for width in (1280, 360):
        reader.set_viewport_size({"width": width, "height": 800})
        reader.goto("/updates/")
        reader.screenshot(path=str(screenshot_dir / f"updates-feed-{width}.png"), full_page=True)
        assert_fits(reader, width)
    reader.get_by_role("link", name="AI inventions: what the description must disclose").click()
    with reader.expect_download() as download:
        reader.get_by_role("link", name="guideline.pdf").click()
    assert download.value.suggested_filename == "guideline.pdf"
    for width in (1280, 360):
        reader.set_viewport_size({"width": width, "height": 800})
        reader.screenshot(path=str(screenshot_dir / f"updates-detail-{width}.png"), full_page=True)
        assert_fits(reader, width)
    reader.goto("/updates/")
    expect(reader.get_by_text("1 unread update", exact=True)).to_be_visible()
    reader.get_by_role("button", name="Mark all read").click()
    expect(reader.get_by_text("0 unread updates")).to_be_visible()

    reader.get_by_role("link", name="Your private feed").click()
    expect(reader.get_by_text("You have no private feed address now.")).to_be_visible()
    reader.get_by_role("button", name="Make my private feed address").click()
    address = reader.locator("#feed-url").inner_text().strip()
    assert "/updates/feed/ipf_" in address
    answer = reader.request.get(address)
    assert answer.status == 200
    assert "AI inventions" in answer.text()
    for width in (1280, 360):
        reader.set_viewport_size({"width": width, "height": 800})
        reader.screenshot(
            path=str(screenshot_dir / f"updates-private-feed-{width}.png"), full_page=True
        )
        assert_fits(reader, width)
    reader.goto("/updates/private-feed/")
    reader.get_by_role("button", name="Stop the address").click()
    expect(reader.get_by_role("status")).to_contain_text("no longer works")
    assert reader.request.get(address).status == 404
