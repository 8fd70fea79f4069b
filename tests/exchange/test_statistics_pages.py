"""Statistics pages: who sees which figures, who enters them, the SVG charts, the CSV export.

Every figure here is made up for the test ("Sample ..."): the platform ships none.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from ipcoop.access import Visibility
from ipcoop.exchange.statistics import services
from ipcoop.exchange.statistics.models import Figure
from ipcoop.lib.charts import Bar, bar_chart, nice_maximum
from ipcoop.people.models import AuditAction, AuditEvent, Organisation
from tests.conftest import assert_same_not_found, client_for

OVERVIEW = "/statistics/?series=applications:patent&year_from=2022&year_to=2023"


def enter(user, office, year, value, source, visibility="offices", **extra):
    row = {
        "year": year,
        "measure": extra.pop("measure", "applications"),
        "right_or_area": extra.pop("right_or_area", "patent"),
        "value": value,
        "source": source,
        "visibility": visibility,
        **extra,
    }
    services.save_figures(by=user, office=office, rows=[row])
    return Figure.objects.get(
        office=office, year=year, measure=row["measure"], right_or_area=row["right_or_area"]
    )


@pytest.fixture
def figures(personas):
    """A public KIPO figure, a KIPO figure shared with offices, an IPOS one shared with offices."""
    return {
        "public": enter(personas.kipo_policy, personas.kipo, 2023, 1111, "Sample A", "public"),
        "kipo_shared": enter(personas.kipo_policy, personas.kipo, 2022, 2222, "Sample B"),
        "ipos_shared": enter(personas.ipos_policy, personas.ipos, 2023, 3333, "Sample C"),
    }


# Who sees what -----------------------------------------------------------------------


def test_overview_anonymous_sees_only_public_figures(figures):
    response = client_for(None).get(OVERVIEW)
    assert response.status_code == 200
    html = response.text
    assert "1,111" in html
    assert "Sample A" in html
    for hidden in ["2,222", "3,333", "Sample B", "Sample C"]:
        assert hidden not in html
    assert "not yet reported" in html


@pytest.mark.parametrize("who", ["th_examiner", "ipos_policy", "educator", "platform_admin"])
def test_overview_cooperating_staff_see_figures_shared_with_offices(personas, figures, who):
    html = client_for(getattr(personas, who)).get(OVERVIEW).text
    for shown in ["1,111", "2,222", "3,333", "Sample A", "Sample B", "Sample C"]:
        assert shown in html


@pytest.mark.parametrize("who", ["learner", "teacher", "outsider"])
def test_overview_learners_and_the_public_see_only_public_figures(personas, figures, who):
    html = client_for(getattr(personas, who)).get(OVERVIEW).text
    assert "1,111" in html
    assert "2,222" not in html
    assert "3,333" not in html


def test_office_page_shows_an_anonymous_visitor_only_public_figures(figures):
    html = client_for(None).get("/statistics/offices/kr-kipo/?year_from=2022&year_to=2023").text
    assert "KIPO statistics" in html
    assert "1,111" in html
    assert "Sample A" in html
    assert "Figure for 2023" in html
    assert "2,222" not in html
    assert "Sample B" not in html
    assert "not yet reported" in html


def test_office_page_shows_staff_the_shared_figure_with_source_and_year(personas, figures):
    client = client_for(personas.th_examiner)
    html = client.get("/statistics/offices/kr-kipo/?year_from=2022&year_to=2023").text
    assert "2,222" in html
    assert "Sample B" in html
    assert "Figure for 2022" in html


def test_office_page_of_a_body_that_is_not_an_ip_office_is_not_found(personas):
    assert_same_not_found(
        client_for(personas.learner),
        "/statistics/offices/asean-ip-academy/",
        "/statistics/offices/no-such-office/",
    )


def test_reading_shared_figures_is_logged_once_per_page_and_not_for_public_ones(personas, figures):
    client_for(None).get(OVERVIEW)
    client_for(personas.learner).get(OVERVIEW)
    assert not AuditEvent.objects.filter(action=AuditAction.CONFIDENTIAL_READ).exists()
    client_for(personas.th_examiner).get(OVERVIEW)
    event = AuditEvent.objects.get(action=AuditAction.CONFIDENTIAL_READ)
    assert event.actor == personas.th_examiner
    assert event.detail["figures"] == 2
    offices = set(event.organisations.values_list("slug", flat=True))
    assert offices == {"kr-kipo", "sg-ipos", "th-dip"}


def test_overview_says_not_yet_reported_for_every_office_when_there_are_no_figures(db):
    html = client_for(None).get(OVERVIEW).text
    offices = Organisation.objects.filter(kind="ip_office").count()
    # Per year: a bar label in the chart and a table cell for each office.
    assert html.count(">not yet reported</text>") == 2 * offices
    assert html.count('<td class="num missing">not yet reported</td>') == 2 * offices
    assert '<td class="num">' not in html


# Entering figures ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["kipo_policy", "kipo_admin"])
def test_enter_page_is_open_to_the_offices_policy_officers_and_admins(personas, who):
    response = client_for(getattr(personas, who)).get("/statistics/offices/kr-kipo/enter/")
    assert response.status_code == 200
    assert "Enter figures: KIPO" in response.text


@pytest.mark.parametrize(
    "who", ["ipos_policy", "ipos_admin", "kipo_examiner", "educator", "learner", "platform_admin"]
)
def test_enter_and_import_pages_of_another_office_answer_like_missing_ones(personas, figures, who):
    client = client_for(getattr(personas, who))
    for page in ["enter", "import"]:
        assert_same_not_found(
            client, f"/statistics/offices/kr-kipo/{page}/", f"/statistics/offices/nowhere/{page}/"
        )


def test_enter_page_sends_an_anonymous_visitor_to_sign_in(db):
    response = client_for(None).get("/statistics/offices/kr-kipo/enter/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/signin/")


def form_data(**changes):
    data = {
        "year": "2024",
        "series": "registrations:trademark",
        "value": "4321",
        "source": "Sample report 2024",
        "source_url": "https://example.org/report",
        "visibility": "offices",
    }
    return {**data, **changes}


def test_entering_a_figure_saves_it_and_entering_it_again_replaces_it(personas):
    client = client_for(personas.kipo_policy)
    response = client.post("/statistics/offices/kr-kipo/enter/", form_data(), follow=True)
    assert "The figure is saved." in response.text
    assert "4,321" in response.text
    figure = Figure.objects.get()
    assert (figure.office, figure.year, figure.measure, figure.right_or_area) == (
        personas.kipo,
        2024,
        "registrations",
        "trademark",
    )
    assert figure.value == 4321
    assert figure.source == "Sample report 2024"
    assert figure.source_url == "https://example.org/report"
    assert figure.entered_by == personas.kipo_policy
    response = client_for(personas.kipo_admin).post(
        "/statistics/offices/kr-kipo/enter/",
        form_data(value="5000", visibility="public"),
        follow=True,
    )
    assert "replaces the one before" in response.text
    figure = Figure.objects.get()
    assert figure.value == 5000
    assert figure.visibility == Visibility.PUBLIC
    assert figure.entered_by == personas.kipo_admin


def test_change_link_fills_the_form_with_the_figure(personas, figures):
    client = client_for(personas.kipo_policy)
    page = client.get("/statistics/offices/kr-kipo/enter/")
    assert "?year=2022&amp;series=applications:patent" in page.text
    form = client.get("/statistics/offices/kr-kipo/enter/?year=2022&series=applications:patent")
    assert form.context["form"].initial["value"] == 2222
    assert 'value="Sample B"' in form.text


def test_staff_of_another_office_cannot_enter_or_change_a_figure(personas, figures):
    for who in [personas.ipos_policy, personas.kipo_examiner, personas.learner]:
        response = client_for(who).post(
            "/statistics/offices/kr-kipo/enter/",
            form_data(year="2023", series="applications:patent", value="9"),
        )
        assert response.status_code == 404
    figures["public"].refresh_from_db()
    assert figures["public"].value == 1111
    assert Figure.objects.count() == 3
    with pytest.raises(PermissionError):
        services.save_figures(
            by=personas.ipos_policy,
            office=personas.kipo,
            rows=[{"year": 2020, "measure": "applications", "right_or_area": "patent",
                   "value": 1, "source": "x"}],
        )  # fmt: skip


def test_the_form_says_what_to_fix_and_saves_nothing(personas):
    client = client_for(personas.kipo_policy)
    response = client.post(
        "/statistics/offices/kr-kipo/enter/",
        form_data(year="3024", source="", source_url="ftp://nowhere", value="-3"),
    )
    assert response.status_code == 200
    html = response.text
    assert "Please fix the following" in html
    assert "This field is required" in html  # source
    assert "greater than or equal to 0" in html  # value
    assert not Figure.objects.exists()
    response = client.post(
        "/statistics/offices/kr-kipo/enter/", form_data(year="3024", source_url="ftp://x")
    )
    assert "Write the year as four digits from 1950 to" in response.text
    assert "Give a web address starting with https://" in response.text
    assert not Figure.objects.exists()


# Charts ----------------------------------------------------------------------------------


def test_overview_chart_is_an_accessible_svg_with_title_desc_and_values(personas, figures):
    html = client_for(personas.th_examiner).get(OVERVIEW).text
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) == 2  # one chart per year: 2023 and 2022
    latest = svgs[0]
    assert 'role="img"' in latest
    assert 'aria-labelledby="chart-2023-title chart-2023-desc"' in latest
    assert '<title id="chart-2023-title">Applications: Patent in 2023, by office</title>' in latest
    desc = re.search(r'<desc id="chart-2023-desc">(.*?)</desc>', latest).group(1)
    assert "Highest: IPOS with 3,333." in desc
    assert "10 not yet reported." in desc
    assert ">1,111</text>" in latest
    assert ">3,333</text>" in latest
    assert ">KIPO</text>" in latest
    assert latest.count(">not yet reported</text>") == 10
    assert "style=" not in html
    assert "<style" not in html
    # The table beside the chart says the same.
    assert "<caption>Applications: Patent in 2023, by office</caption>" in html


def test_bar_lengths_follow_the_values():
    chart = bar_chart(
        chart_id="c",
        title="t",
        description="d",
        bars=[Bar("A", 100), Bar("B", 50), Bar("C", None), Bar("D", 0)],
    )
    a, b, c, d = chart.bars
    assert int(a.width) == 2 * int(b.width)
    assert c.missing and c.value_text == ""
    assert d.width == "0" and d.value_text == "0"
    assert [t.text for t in chart.ticks] == ["0", "50", "100"]
    assert [nice_maximum(v) for v in [0, 1, 7, 12, 130, 2600, 9999]] == [
        1, 1, 10, 20, 200, 5000, 10000,
    ]  # fmt: skip


def test_overview_query_count_is_the_same_for_2_and_12_offices(
    personas, django_assert_max_num_queries
):
    offices = list(Organisation.objects.filter(kind="ip_office"))
    assert len(offices) == 12
    from ipcoop.people.models import Membership

    def fill(some):
        for office in some:
            Membership.objects.get_or_create(
                user=personas.kipo_policy, organisation=office, role="policy_officer"
            )
            personas.kipo_policy.__dict__.pop("_ipcoop_roles", None)
            for year in (2022, 2023):
                enter(personas.kipo_policy, office, year, 10 + year, "Sample", "public")

    fill(offices[:2])
    client = client_for(personas.th_examiner)
    client.get(OVERVIEW)
    with django_assert_max_num_queries(30) as small:
        client.get(OVERVIEW)
    fill(offices[2:])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(OVERVIEW)
    # Every office, in the chart and in the table.
    assert response.text.count(">2,033</text>") == 12
    assert response.text.count('<td class="num">2,033</td>') == 12


def test_office_page_query_count_does_not_grow_with_years(personas, django_assert_max_num_queries):
    enter(personas.kipo_policy, personas.kipo, 2023, 1, "Sample")
    client = client_for(personas.th_examiner)
    url = "/statistics/offices/kr-kipo/?year_from=2014&year_to=2023"
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for year in range(2014, 2023):
        for measure, subject in [("applications", "design"), ("4ir_filings", "ai")]:
            enter(personas.kipo_policy, personas.kipo, year, year, "Sample",
                  measure=measure, right_or_area=subject)  # fmt: skip
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert "2,014" in response.text


# CSV ----------------------------------------------------------------------------------


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_export_gives_an_anonymous_visitor_only_public_figures(figures):
    rows = read_csv(client_for(None).get("/statistics/export.csv"))
    assert [(r["office"], r["year"], r["value"], r["source"]) for r in rows] == [
        ("kr-kipo", "2023", "1111", "Sample A")
    ]
    assert rows[0]["visibility"] == "public"


def test_export_gives_staff_the_shared_figures_with_filters_applied(personas, figures):
    client = client_for(personas.th_examiner)
    rows = read_csv(client.get("/statistics/export.csv"))
    assert {r["value"] for r in rows} == {"1111", "2222", "3333"}
    rows = read_csv(client.get("/statistics/export.csv?office=kr-kipo"))
    assert {r["value"] for r in rows} == {"1111", "2222"}
    rows = read_csv(client.get("/statistics/export.csv?year_from=2023&year_to=2023"))
    assert {r["value"] for r in rows} == {"1111", "3333"}
    rows = read_csv(client.get("/statistics/export.csv?series=registrations:patent"))
    assert rows == []
    assert AuditEvent.objects.filter(
        action=AuditAction.CONFIDENTIAL_READ, detail__what="statistics CSV export"
    ).exists()


def test_export_from_the_overview_keeps_its_filters(personas, figures):
    client = client_for(personas.th_examiner)
    page = client.get(OVERVIEW)
    link = page.context["export_url"]
    assert link == "/statistics/export.csv?series=applications%3Apatent&year_from=2022&year_to=2023"
    assert {r["value"] for r in read_csv(client.get(link))} == {"1111", "2222", "3333"}


def test_export_protects_spreadsheets_from_formulas(personas):
    enter(personas.kipo_policy, personas.kipo, 2023, 1, "=HYPERLINK(1)", "public")
    rows = read_csv(client_for(None).get("/statistics/export.csv"))
    assert rows[0]["source"] == "'=HYPERLINK(1)"


def test_export_with_bad_filters_says_what_to_fix(db):
    response = client_for(None).get("/statistics/export.csv?year_from=2024&year_to=2020")
    assert response.status_code == 400
    assert "From year" in response.text


def test_template_csv_has_the_documented_columns(db):
    response = client_for(None).get("/statistics/template.csv")
    header = response.content.decode("utf-8-sig").strip()
    assert header == "year,measure,right_or_area,value,source,source_url,visibility"


def test_overview_with_ten_years_of_every_office_stays_small(personas):
    import gzip

    from ipcoop.people.models import Membership

    for office in Organisation.objects.filter(kind="ip_office"):
        Membership.objects.get_or_create(
            user=personas.kipo_policy, organisation=office, role="policy_officer"
        )
        personas.kipo_policy.__dict__.pop("_ipcoop_roles", None)
        services.save_figures(
            by=personas.kipo_policy,
            office=office,
            rows=[
                {"year": y, "measure": "applications", "right_or_area": "patent",
                 "value": 123456 + y, "source": "Sample annual report with a long title",
                 "source_url": "https://example.org/a/long/address/report.pdf"}
                for y in range(2014, 2024)
            ],
        )  # fmt: skip
    html = (
        client_for(personas.th_examiner)
        .get("/statistics/?series=applications:patent&year_from=2014&year_to=2023")
        .content
    )
    assert html.count(b"<svg ") == 10
    assert len(gzip.compress(html)) < 100_000


def test_overview_with_impossible_years_says_what_to_fix_and_shows_the_default(figures):
    response = client_for(None).get("/statistics/?year_from=2024&year_to=2001")
    assert response.status_code == 200
    assert "Make &#x27;From year&#x27; no later than &#x27;To year&#x27;." in response.text
    assert response.context["report"].year_to == 2023  # the latest public figure
    response = client_for(None).get("/statistics/?year_from=2000&year_to=2023")
    assert "Choose at most 10 years at a time." in response.text
