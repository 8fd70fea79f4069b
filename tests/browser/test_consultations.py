"""A consultation between two offices: IPOS asks KIPO, KIPO answers, IPOS marks it useful
and closes it — each step seen on the page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ipcoop.people.models import Role
from tests.browser.steps import sign_in
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "How do you examine claims to AI-generated designs?"


def sign_in_at(page: Page, path: str, username: str) -> None:
    page.goto(path)
    sign_in(page, username, PASSWORD)


def test_ipos_asks_kipo_kipo_answers_ipos_marks_useful_and_closes(
    open_page, screenshot_dir: Path
) -> None:
    make_user("sg.policy", Role.POLICY_OFFICER, "sg-ipos", display_name="Mei Ling Tan")
    make_user("kr.examiner", Role.EXAMINER, "kr-kipo", display_name="Ji-woo Park")
    make_user("th.examiner", Role.EXAMINER, "th-dip")
    due = (timezone.localdate() + timedelta(days=14)).isoformat()

    # IPOS's policy officer asks KIPO alone.
    sg = open_page()
    sign_in_at(sg, "/consultations/", "sg.policy")
    expect(sg.get_by_role("heading", level=1)).to_have_text("Consultations")
    sg.get_by_role("link", name="Ask the offices").click()
    expect(sg.get_by_role("heading", level=1)).to_have_text("Ask the offices")
    sg.get_by_label("Question in one line").fill(TITLE)
    sg.get_by_label("Details").fill(
        "We are drafting guidance. Do you accept a **design** made with an AI tool?"
    )
    sg.get_by_label("Technology area").select_option("ai")
    sg.get_by_label("Replies due by").fill(due)
    sg.get_by_label("Selected organisations").check()
    sg.get_by_label("KIPO (KR)").check()
    sg.screenshot(path=str(screenshot_dir / "consultations-ask-1280.png"), full_page=True)
    sg.get_by_role("button", name="Send consultation").click()

    expect(sg.get_by_role("status")).to_contain_text("Your consultation is sent")
    expect(sg.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(sg.locator("#consultation-status")).to_have_text("Open")
    expect(sg.locator(".question strong")).to_have_text("design")
    expect(sg.get_by_role("row", name=re.compile("KIPO"))).to_contain_text("not yet")
    consultation_url = sg.url

    # A Thai examiner, not asked, does not even see it.
    th = open_page()
    sign_in_at(th, "/consultations/", "th.examiner")
    expect(th.get_by_text("No consultation matches.")).to_be_visible()
    # (asked with the page's cookies, not opened: a 404 page logs a console error)
    response = th.request.get(consultation_url)
    assert response.status == 404
    assert TITLE not in response.text()

    # KIPO's examiner finds it waiting and answers.
    kr = open_page()
    sign_in_at(kr, "/consultations/", "kr.examiner")
    expect(kr.locator("#awaiting-count")).to_have_text("1 consultation awaits your office's reply.")
    row = kr.get_by_role("row", name=re.compile("AI-generated designs"))
    expect(row).to_contain_text("Awaits your reply")
    row.get_by_role("link", name=TITLE).click()
    expect(kr.get_by_role("heading", level=1)).to_have_text(TITLE)
    kr.get_by_label("Your reply").fill(
        "A human must make the creative contribution; a design made by AI alone is refused."
    )
    kr.get_by_label("Practice position (optional)").fill("/practice/ai-designs/kr/")
    kr.get_by_role("button", name="Send reply").click()
    expect(kr.get_by_role("status")).to_contain_text("Your reply is added to the thread.")
    reply = kr.locator(".reply").first
    expect(reply).to_contain_text("KIPO")
    expect(reply).to_contain_text("Ji-woo Park")
    expect(reply.get_by_role("link", name="/practice/ai-designs/kr/")).to_be_visible()
    expect(kr.locator("#consultation-status")).to_have_text("Answered")  # every office replied
    expect(kr.get_by_role("button", name=re.compile("Mark"))).to_have_count(0)

    # IPOS sees the answer, marks it useful and closes the consultation.
    sg.goto(consultation_url)
    expect(sg.get_by_role("heading", name="1 reply")).to_be_visible()
    expect(sg.get_by_role("row", name=re.compile("KIPO"))).to_contain_text("replied")
    sg.get_by_role("button", name="Mark the reply from KIPO useful").click()
    expect(sg.get_by_role("status")).to_contain_text("The reply from KIPO is marked as a useful")
    expect(sg.locator(".reply").first).to_contain_text("Marked useful by the asking office")
    sg.screenshot(path=str(screenshot_dir / "consultations-detail-1280.png"), full_page=True)
    sg.get_by_role("button", name="Close consultation").click()
    expect(sg.get_by_role("status")).to_contain_text("The consultation is closed")
    expect(sg.locator("#consultation-status")).to_have_text("Closed")
    expect(sg.locator("#closed-notice")).to_contain_text("it takes no new replies")
    expect(sg.get_by_role("button", name="Send reply")).to_have_count(0)

    # KIPO can read it still, but no longer reply.
    kr.goto(consultation_url)
    expect(kr.locator("#closed-notice")).to_be_visible()
    expect(kr.get_by_label("Your reply")).to_have_count(0)
    kr.goto("/consultations/?status=closed")
    expect(kr.get_by_role("row", name=re.compile("AI-generated designs"))).to_contain_text("Closed")


@pytest.mark.parametrize("width", [360, 1280])
def test_consultation_pages_screenshots(open_page, screenshot_dir: Path, width: int) -> None:
    from ipcoop.exchange.consultations import services
    from ipcoop.people.models import Organisation

    asker = make_user("sg.policy", Role.POLICY_OFFICER, "sg-ipos")
    kipo = Organisation.objects.get(slug="kr-kipo")
    ipos = Organisation.objects.get(slug="sg-ipos")
    examiner = make_user("kr.examiner", Role.EXAMINER, "kr-kipo")
    due = timezone.localdate() + timedelta(days=7)
    first = services.ask_consultation(
        by=asker,
        office=ipos,
        title=TITLE,
        body="We are drafting guidance.\n\n- Who is the designer?\n- What must be disclosed?",
        area="ai",
        due_date=due,
        to_offices=[kipo],
    )
    services.ask_consultation(
        by=asker,
        office=ipos,
        title="How do you classify virtual goods in trademark applications?",
        body="Class 9, 35 or 41?",
        area="metaverse",
        due_date=due,
        to_offices=[],
    )
    services.reply_to_consultation(
        by=examiner,
        consultation=first,
        body="A human must make the creative contribution.",
        practice_reference="/practice/ai-designs/kr/",
    )
    page = open_page(width=width)
    sign_in_at(page, "/consultations/", "sg.policy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")
    pages = [
        ("list", "/consultations/"),
        ("detail", f"/consultations/{first.pk}/"),
        ("ask", "/consultations/ask/"),
    ]
    for name, path in pages:
        page.goto(path)
        page.evaluate("document.fonts.ready")
        shot = screenshot_dir / f"consultations-{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{path} scrolls sideways: {scroll_width} px at {width} px"
