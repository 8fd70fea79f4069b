"""Consensus to results: two offices endorse KIPO's proposal until it is adopted, KIPO
turns it into a project with an action for IPOS, IPOS reports progress and the
accountability page shows it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ipcoop.people.models import Organisation, Role
from ipcoop.proposals import services
from tests.browser.steps import sign_in
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Shared reading list on AI-assisted inventions"


def sign_in_to(page: Page, path: str, username: str) -> None:
    page.goto(f"/account/signin/?next={quote(path)}")
    sign_in(page, username, PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def test_endorse_until_adopted_then_track_the_project(open_page, screenshot_dir: Path) -> None:
    kr_user = make_user("kr.policy", Role.POLICY_OFFICER, "kr-kipo", display_name="Min-jun Lee")
    make_user("sg.policy", Role.POLICY_OFFICER, "sg-ipos", display_name="Mei Ling Tan")
    make_user("th.policy", Role.POLICY_OFFICER, "th-dip", display_name="Somchai P.")
    orgs = {o.slug: o for o in Organisation.objects.all()}
    proposal = services.create_proposal(
        by=kr_user,
        proposing_offices=[orgs["kr-kipo"]],
        participating_offices=[orgs["sg-ipos"], orgs["th-dip"]],
        title=TITLE,
        problem="Each office searches **alone**.",
        activity="Offices share one list of public documents.",
        outcome="One list, reviewed yearly.",
        pillar="ip_system",
        area="ai",
        sdgs=[9, 17],
        deadline=timezone.now() + timedelta(days=14),
        visibility="participants",
        open_now=True,
    )
    url = f"/proposals/{proposal.pk}/"

    # IPOS's policy officer supports it.
    sg = open_page()
    sign_in_to(sg, url, "sg.policy")
    expect(sg.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(sg.locator("#proposal-state")).to_have_text("Open for endorsement")
    sg.get_by_label("Support", exact=True).check()
    sg.get_by_role("button", name="Send response").click()
    expect(sg.locator("#office-sg-ipos")).to_contain_text("Support")
    expect(sg.locator("#endorse-announce")).to_contain_text("Your office's response is recorded.")
    expect(sg.locator("#consensus-line")).to_contain_text("Waiting for responses from: DIP")

    # DIP's policy officer supports it with a reservation: consensus is reached.
    th = open_page()
    sign_in_to(th, url, "th.policy")
    th.get_by_label("Support with reservations").check()
    th.get_by_label("Reservations or reason").fill("Only documents that are public.")
    th.get_by_role("button", name="Send response").click()
    expect(th.locator("#office-th-dip")).to_contain_text("Support with reservations")
    expect(th.locator("#endorse-announce")).to_contain_text("Adopted")
    expect(th.locator("#consensus-line")).to_contain_text("Adopted")
    th.reload()
    expect(th.locator("#proposal-state")).to_have_text("Adopted")
    expect(th.locator("#transition-log")).to_contain_text("Somchai P.")
    th.screenshot(path=str(screenshot_dir / "proposals-adopted-1280.png"), full_page=True)
    expect(th.get_by_role("link", name="Turn into a project")).to_have_count(0)

    # KIPO turns it into a project and gives IPOS an action.
    kr = open_page()
    sign_in_to(kr, url, "kr.policy")
    kr.get_by_role("link", name="Turn into a project").click()
    kr.get_by_label("End").fill((timezone.localdate() + timedelta(days=180)).isoformat())
    kr.get_by_role("button", name="Create project").click()
    expect(kr.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(kr.locator("#project-progress")).to_have_text("No actions yet")
    kr.get_by_text("Add an action").click()
    kr.locator("#id_action-title").fill("Collect IPOS's documents")
    kr.get_by_label("Owner office").select_option(label="IPOS (SG)")
    kr.locator("#id_action-due_date").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    kr.get_by_role("button", name="Add action").click()
    expect(kr.get_by_role("status")).to_contain_text("The action is added")
    project_url = kr.url.split("#")[0]

    # IPOS reports progress on its action.
    sg.goto(project_url)
    sg.get_by_text("Update “Collect IPOS's documents”").click()
    sg.get_by_label("Status").select_option("in_progress")
    sg.get_by_label("Percent done").fill("60")
    sg.get_by_role("button", name="Save progress").click()
    expect(sg.get_by_role("status")).to_contain_text("The action is updated")

    # The accountability page shows the new progress, as text and as a progress bar.
    sg.goto("/projects/")
    row = sg.get_by_role("row", name=re.compile("Shared reading list"))
    expect(row).to_contain_text("60 %")
    expect(row.locator("progress")).to_have_attribute("value", "60")
    sg.screenshot(path=str(screenshot_dir / "projects-accountability-1280.png"), full_page=True)
