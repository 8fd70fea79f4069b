"""Work-sharing in the browser: a VN examiner looks up a number, reads KIPO's X citations
in the family view, asks IPOS for its results, and IPOS shares them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ipcoop.people.models import Role
from ipcoop.worksharing import services
from ipcoop.worksharing.models import ShareRequest
from tests.browser.steps import header, sign_in_from_home
from tests.conftest import PASSWORD, make_user
from tests.worksharing.conftest import save, search_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_vn_examiner_reads_kr_citations_and_gets_sg_results(
    open_page, screenshot_dir: Path
) -> None:
    make_user("vn.examiner", Role.EXAMINER, "vn-ipvn")
    make_user("sg.examiner", Role.EXAMINER, "sg-ipos")
    kr = save(
        "kr-kipo", "10-2023-0012345", filing_date=dt.date(2023, 1, 10), title="AI accelerator"
    )
    claim = [{"country": "KR", "number": "10-2023-0012345", "date": dt.date(2023, 1, 10)}]
    vn = save("vn-ipvn", "1-2023-04567", priorities=claim, filing_date=dt.date(2023, 6, 1))
    sg = save(
        "sg-ipos",
        "10202300999X",
        priorities=claim,
        filing_date=dt.date(2023, 7, 1),
        visibility="own",
    )
    search_report(kr, [{"document_number": "US 2020/0123456 A1", "category": "X", "claims": "1-5"}])
    services.add_work_product(
        by=None,
        application=sg,
        kind="written_opinion",
        date=dt.date(2023, 10, 2),
        citations=[{"document_number": "EP 3000001 A1", "category": "X", "claims": "1"}],
    )

    page = open_page(width=1280, height=900)
    sign_in_from_home(page, "vn.examiner", PASSWORD)
    page.goto("/worksharing/")
    page.get_by_label("Application, priority or PCT number").fill("KR1020230012345")
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Family {kr.family_id}")
    merged = page.get_by_role("table", name="Merged citations")
    expect(merged.get_by_role("row", name=re.compile("US20200123456"))).to_contain_text("KR: X")
    expect(page.get_by_text("Differs: not cited by")).to_have_count(0)  # VN has not searched yet
    assert "EP3000001" not in page.content()
    page.screenshot(path=str(screenshot_dir / "worksharing-family-1280.png"), full_page=True)

    page.get_by_role("link", name="VN 1-2023-04567").click()
    page.get_by_label("Office asked").select_option(label="IPOS (SG)")
    page.get_by_label("Answer due by").fill((dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.get_by_label("Message").fill("ASPEC: please share your written opinion.")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("#request-status")).to_have_text("Open")
    header(page).get_by_role("button", name="Sign out").click()

    sign_in_from_home(page, "sg.examiner", PASSWORD)
    page.goto("/worksharing/requests/?status=open")
    page.get_by_role("link", name="VN 1-2023-04567").click()
    page.get_by_label("Share our results").check()
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator("#request-status")).to_have_text("Shared")
    assert ShareRequest.objects.get().status == "shared"
    header(page).get_by_role("button", name="Sign out").click()

    sign_in_from_home(page, "vn.examiner", PASSWORD)
    page.goto(f"/worksharing/families/{kr.family_id}/")
    expect(merged.get_by_role("row", name=re.compile("EP3000001"))).to_contain_text("SG: X")

    small = open_page(width=360, height=800)
    sign_in_from_home(small, "vn.examiner", PASSWORD)
    small.goto(f"/worksharing/families/{kr.family_id}/")
    small.screenshot(path=str(screenshot_dir / "worksharing-family-360.png"), full_page=True)
    small.goto(f"/worksharing/applications/{vn.pk}/")
    small.screenshot(path=str(screenshot_dir / "worksharing-application-360.png"), full_page=True)


def test_kr_examiner_attaches_a_pdf_and_the_watcher_reads_the_alert_in_the_inbox(
    open_page, screenshot_dir: Path, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user("kr.examiner", Role.EXAMINER, "kr-kipo")
    make_user("vn.examiner", Role.EXAMINER, "vn-ipvn")
    kr = save("kr-kipo", "10-2023-0012345", filing_date=dt.date(2023, 1, 10), title="Accelerator")
    claim = [{"country": "KR", "number": "10-2023-0012345", "date": dt.date(2023, 1, 10)}]
    save("vn-ipvn", "1-2023-04567", priorities=claim, filing_date=dt.date(2023, 6, 1))
    pdf = tmp_path / "KR search report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")

    watcher = open_page(width=1280, height=900)
    sign_in_from_home(watcher, "vn.examiner", PASSWORD)
    watcher.goto(f"/worksharing/applications/{kr.pk}/")
    watcher.get_by_role("button", name="Watch this family").click()

    page = open_page(width=1280, height=900)
    sign_in_from_home(page, "kr.examiner", PASSWORD)
    page.goto(f"/worksharing/applications/{kr.pk}/work-products/new/")
    page.get_by_label("Kind").select_option("search_report")
    page.get_by_label("Date").fill("2023-11-02")
    page.get_by_label("Citations").fill("X | US 2020/0123456 A1 | 1-5")
    page.get_by_label("Documents (PDF)").set_input_files(str(pdf))
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("link", name="KR search report.pdf")).to_be_visible()

    watcher.goto("/worksharing/")
    watcher.get_by_role("link", name="1 unread alert").click()
    expect(watcher.get_by_role("heading", level=1)).to_have_text("Inbox")
    item = watcher.locator(".inbox-item").first
    expect(item).to_contain_text("A watched patent family changed")
    expect(item).to_contain_text("KR 10-2023-0012345")
    watcher.screenshot(path=str(screenshot_dir / "inbox-1280.png"), full_page=True)
    item.get_by_role("button", name=re.compile("Mark read")).click()  # htmx swaps the item
    expect(watcher.locator("#inbox-unread-total")).to_contain_text("0 unread items.")
    expect(watcher.locator(".inbox-item.unread")).to_have_count(0)
    watcher.locator(".inbox-item").first.get_by_role("link").click()
    expect(watcher.get_by_role("link", name="KR search report.pdf")).to_be_visible()
