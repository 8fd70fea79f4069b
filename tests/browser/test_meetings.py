"""An organiser at KIPO finds a time that suits KIPO, IPD Myanmar and IPOPHL, schedules
the meeting at the best one, and the meeting page shows each office's local time."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ipcoop.meetings import services
from ipcoop.people.models import Organisation, Role
from tests.browser.steps import sign_in
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Working group on 4IR examination"


def _range() -> tuple:
    first = timezone.localdate() + timedelta(days=7)
    while first.weekday() != 0:
        first += timedelta(days=1)
    return first, first + timedelta(days=11)


def test_organiser_finds_a_common_slot_and_the_meeting_shows_three_local_times(
    open_page, screenshot_dir: Path
) -> None:
    make_user("kr.policy", Role.POLICY_OFFICER, "kr-kipo", time_zone="Asia/Seoul")
    make_user("mm.policy", Role.POLICY_OFFICER, "mm-ipd", time_zone="Asia/Yangon")
    first, last = _range()
    offices = list(Organisation.objects.filter(slug__in=["kr-kipo", "mm-ipd", "ph-ipophl"]))
    best = services.find_slots(
        offices=offices, duration_minutes=60, first_day=first, last_day=last
    )[0]
    expected = {t.key: t.start.strftime("%A %H:%M") for t in best.local}

    page: Page = open_page()
    page.goto("/meetings/find-a-time/")
    sign_in(page, "kr.policy", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a time")
    for label in ("KIPO (KR)", "IPD (MM)", "IPOPHL (PH)"):
        page.get_by_label(label).check()
    page.get_by_label("Duration in minutes").fill("60")
    page.get_by_label(re.compile(r"^First day")).fill(first.isoformat())
    page.get_by_label(re.compile(r"^Last day")).fill(last.isoformat())
    page.get_by_role("button", name="Find times").click()

    results = page.locator("#slot-results")
    expect(results.get_by_role("heading", level=2)).to_contain_text("times found")
    first_row = results.get_by_role("row").nth(1)
    expect(first_row).to_contain_text(expected["kr-kipo"])
    expect(first_row).to_contain_text(expected["mm-ipd"])
    expect(first_row).to_contain_text(expected["ph-ipophl"])
    page.screenshot(path=str(screenshot_dir / "meetings-find-a-time-1280.png"), full_page=True)
    page.get_by_role("link", name="Schedule at time 1", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule a meeting")
    expect(page.get_by_label("IPD (MM)")).to_be_checked()
    expect(page.get_by_label("IPOPHL (PH)")).to_be_checked()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Online link").fill("https://meet.example.org/4ir")
    page.get_by_role("button", name="Schedule the meeting").click()

    expect(page.get_by_role("status")).to_contain_text("The meeting is scheduled")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    table = page.get_by_role("table", name="Local time of each office")
    expect(table.get_by_role("row", name=re.compile("KIPO"))).to_contain_text(expected["kr-kipo"])
    expect(table.get_by_role("row", name=re.compile("IPD"))).to_contain_text(expected["mm-ipd"])
    expect(table.get_by_role("row", name=re.compile("IPOPHL"))).to_contain_text(
        expected["ph-ipophl"]
    )
    expect(table.get_by_role("row", name=re.compile("IPD"))).to_contain_text("Asia/Yangon")
    page.screenshot(path=str(screenshot_dir / "meetings-detail-1280.png"), full_page=True)

    # The participant in Yangon sees the meeting at their own clock.
    mm = open_page()
    mm.goto("/meetings/find-a-time/")  # asks to sign in first
    sign_in(mm, "mm.policy", PASSWORD)
    expect(mm.get_by_role("heading", level=1)).to_have_text("Find a time")
    mm.goto(page.url)
    expect(mm.locator("#meeting-when")).to_contain_text(expected["mm-ipd"].split()[1])
    expect(mm.locator("#meeting-when")).to_contain_text("Asia/Yangon")
