"""Statistics in the browser: a policy officer enters a figure and imports a file with
mistakes; the overview and an office's page are read on a desktop and on a phone.

The numbers are sample data made up for the screenshots ("Sample data, not real").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ipcoop.exchange.statistics import services
from ipcoop.people.models import Organisation, Role
from tests.browser.steps import error_summary, sign_in_from_home
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SAMPLE = "Sample data, not real"


def sample_figures() -> None:
    """Made-up numbers for a few offices, so the charts have bars and gaps."""
    for position, slug in enumerate(["kr-kipo", "sg-ipos", "th-dip", "vn-ipvn", "id-dgip"]):
        office = Organisation.objects.get(slug=slug)
        clerk = make_user(f"sample.{slug}", Role.POLICY_OFFICER, slug)
        rows = [
            {
                "year": year,
                "measure": measure,
                "right_or_area": subject,
                "value": (position + 1) * 700 + (year - 2020) * 150 + len(subject) * 10,
                "source": SAMPLE,
                "visibility": "public" if position % 2 == 0 else "offices",
            }
            for year in range(2021, 2025)
            for measure, subject in [
                ("applications", "patent"),
                ("applications", "trademark"),
                ("registrations", "patent"),
                ("4ir_filings", "ai"),
            ]
            if not (slug == "vn-ipvn" and year == 2024)
        ]
        services.save_figures(by=clerk, office=office, rows=rows)


def check_fits(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width} px at {width} px"


@pytest.mark.parametrize("width", [1280, 360])
def test_overview_and_office_page_screenshots(open_page, screenshot_dir: Path, width: int) -> None:
    sample_figures()
    page = open_page(width=width, height=900)
    page.goto("/statistics/?series=applications:patent&year_from=2023&year_to=2024")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "IP statistics of the cooperating offices"
    )
    chart = page.get_by_role("img", name="Applications: Patent in 2024, by office")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Applications: Patent in 2024, by office")
    expect(table.get_by_role("row", name="KIPO")).to_contain_text(SAMPLE)
    expect(table.get_by_role("row", name="BruIPO")).to_contain_text("not yet reported")
    # Public figures only for a visitor: IPOS's are shared with offices.
    expect(table.get_by_role("row", name="IPOS")).to_contain_text("not yet reported")
    # The stylesheet colours the bars (served and allowed by the CSP).
    fill = page.evaluate("getComputedStyle(document.querySelector('.stat-chart .bar')).fill")
    assert fill == "rgb(11, 92, 173)"
    page.screenshot(path=str(screenshot_dir / f"statistics-overview-{width}.png"), full_page=True)
    chart.screenshot(path=str(screenshot_dir / f"statistics-chart-{width}.png"))
    check_fits(page, width)

    page.get_by_role("link", name="KIPO").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KIPO statistics")
    expect(page.get_by_role("img", name="KIPO: Applications: Patent, 2020–2024")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / f"statistics-office-{width}.png"), full_page=True)
    page.locator(".stat-panel").first.screenshot(
        path=str(screenshot_dir / f"statistics-office-panel-{width}.png")
    )
    check_fits(page, width)


def test_policy_officer_enters_a_figure_and_fixes_an_import(
    open_page, screenshot_dir: Path, tmp_path: Path
) -> None:
    make_user("kipo.stats", Role.POLICY_OFFICER, "kr-kipo")
    page = open_page(width=1280, height=900)
    sign_in_from_home(page, "kipo.stats", PASSWORD)
    page.goto("/statistics/")
    page.get_by_role("link", name="Enter figures for KIPO").click()

    page.get_by_label("Year").fill("2024")
    page.get_by_label("What is counted").select_option("registrations:design")
    page.get_by_label("Number").fill("321")
    page.locator("#id_source").fill(SAMPLE)
    page.get_by_label("Public: everyone, also without signing in").check()
    page.get_by_role("button", name="Save the figure").click()
    expect(page.get_by_text("The figure is saved.")).to_be_visible()
    expect(page.get_by_role("row", name="2024")).to_contain_text("321")
    page.screenshot(path=str(screenshot_dir / "statistics-enter-1280.png"), full_page=True)

    page.get_by_role("link", name="Import many figures from a CSV or XLSX file instead.").click()
    bad = tmp_path / "figures.csv"
    bad.write_text(
        "year,measure,right_or_area,value,source\n"
        f"2023,applications,patent,12,{SAMPLE}\n"
        f"2023,applications,blockchain,5,{SAMPLE}\n"
        "2022,applications,design,many,\n"
    )
    page.get_by_label("File of figures (.csv or .xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    expect(error_summary(page)).to_contain_text("Nothing was imported: 3 problem(s)")
    problems = page.get_by_role("table", name="Problems to fix")
    expect(problems.get_by_role("row", name="Line 3")).to_contain_text("right_or_area")
    expect(problems.get_by_role("row")).to_have_count(4)
    page.screenshot(path=str(screenshot_dir / "statistics-import-1280.png"), full_page=True)

    good = tmp_path / "fixed.csv"
    good.write_text(
        f"year,measure,right_or_area,value,source\n2023,applications,patent,12,{SAMPLE}\n"
    )
    page.get_by_label("File of figures (.csv or .xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_text("Imported 1 figures: 1 new, 0 updated.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KIPO statistics")
