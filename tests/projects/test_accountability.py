"""The accountability page, SDG view, CSV and printable report: private projects stay
invisible (and uncounted) for those who may not read their proposal; query counts do
not grow with the number of projects."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipcoop.projects import services
from tests.conftest import assert_same_not_found, client_for
from tests.projects.makers import adopted, project_for

pytestmark = pytest.mark.django_db

MISSING = 999_999


@pytest.fixture
def projects(personas):
    """A private project between KIPO and IPOS (goal 4) and a public one (goal 9)."""
    private = project_for(
        personas,
        adopted(personas, title="Private KIPO–IPOS course", sdgs=[4], pillar="education"),
        percents=[50],
        overdue=1,
    )
    public = project_for(
        personas, adopted(personas, title="Public examiner exchange", sdgs=[9], visibility="public")
    )
    return {"private": private, "public": public}


def _sdg_row(html: str, goal: int) -> str:
    start = html.index(f'id="sdg-{goal}"')
    return html[start : html.index("</tr>", start)]


@pytest.mark.parametrize(
    ("who", "sees_private"),
    [
        ("anonymous", False),
        ("th_examiner", False),
        ("platform_admin", False),
        ("educator", False),
        ("ipos_policy", True),
        ("kipo_examiner", True),
    ],
)
def test_private_project_hidden_everywhere(personas, projects, who, sees_private):
    client = client_for(None if who == "anonymous" else getattr(personas, who))
    private, public = projects["private"], projects["public"]
    page = client.get("/projects/").content.decode()
    assert public.title in page
    assert (private.title in page) is sees_private
    assert ("1 overdue action" in page) is sees_private
    assert ("2 projects" if sees_private else "1 project") in page
    sdg = client.get("/projects/sdg/").content.decode()
    assert sdg.count('<tr id="sdg-') == 17  # every goal listed, zeros included
    assert '<td class="num">1</td><td class="num">1</td>' in _sdg_row(sdg, 9)
    expected_4 = "1" if sees_private else "0"
    assert f'<td class="num">{expected_4}</td><td class="num">{expected_4}</td>' in _sdg_row(sdg, 4)
    rows = list(csv.DictReader(io.StringIO(client.get("/projects/export.csv").content.decode())))
    assert {r["title"] for r in rows} == (
        {private.title, public.title} if sees_private else {public.title}
    )
    report = client.get("/projects/report/").content.decode()
    assert (private.title in report) is sees_private
    filtered = client.get("/projects/?sdg=4").content.decode()
    assert (private.title in filtered) is sees_private
    if sees_private:
        assert client.get(f"/projects/{private.pk}/").status_code == 200
    else:
        assert_same_not_found(client, f"/projects/{private.pk}/", f"/projects/{MISSING}/")


@pytest.mark.parametrize("who", ["th_examiner", "ipos_policy"])
def test_api_agrees(personas, projects, who):
    client = client_for(getattr(personas, who))
    listed = {p["title"] for p in client.get("/api/v1/projects").json()}
    sees = who == "ipos_policy"
    assert (projects["private"].title in listed) is sees
    hidden = client.get(f"/api/v1/projects/{projects['private'].pk}")
    if not sees:
        missing = client.get(f"/api/v1/projects/{MISSING}")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()


def test_filters(personas, projects):
    client = client_for(personas.ipos_policy)
    education = client.get("/projects/?pillar=education").content.decode()
    assert projects["private"].title in education
    assert projects["public"].title not in education
    by_office = client.get("/projects/?office=th-dip").content.decode()
    assert "0 projects" in by_office
    by_year = client.get(f"/projects/?year={projects['public'].start_date.year}").content.decode()
    assert "2 projects" in by_year
    assert "0 projects" in client.get("/projects/?year=2001").content.decode()


def test_csv_guards_formulas(personas):
    project = project_for(personas, adopted(personas, title='=HYPERLINK("http://x","y")'))
    body = client_for(personas.kipo_policy).get("/projects/export.csv").content.decode()
    row = next(csv.DictReader(io.StringIO(body)))
    assert row["title"] == "'" + project.title
    assert row["progress_percent"] == "not_yet_reported"


def test_report_is_printable(personas, projects):
    page = client_for(personas.ipos_policy).get("/projects/report/").content.decode()
    assert 'media="print"' in page and "projects/print" in page
    assert "Overdue actions" in page and "Action 0" in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_accountability_query_count_does_not_grow(personas):
    project_for(personas, adopted(personas, title="P0", sdgs=[1, 2]), percents=[10, 20], overdue=1)
    client = client_for(personas.ipos_policy)
    counts_one = [
        _queries(client, u)
        for u in ("/projects/", "/projects/export.csv", "/projects/sdg/", "/projects/report/")
    ]
    for n in range(1, 20):
        project_for(
            personas, adopted(personas, title=f"P{n}", sdgs=[n % 17 + 1]), percents=[n], overdue=1
        )
    counts_twenty = [
        _queries(client, u)
        for u in ("/projects/", "/projects/export.csv", "/projects/sdg/", "/projects/report/")
    ]
    assert "P19" in client.get("/projects/").content.decode()
    assert counts_one == counts_twenty


def test_sdg_counts_count_adopted_proposals_without_project(personas):
    adopted(personas, title="Adopted, no project yet", sdgs=[13], visibility="public")
    rows = {r["goal"]: r for r in services.sdg_counts(None)}
    assert (rows[13]["projects"], rows[13]["adopted"]) == (0, 1)
    assert len(rows) == 17


def test_the_page_shows_projects_by_fifties_keeping_the_filters(personas, monkeypatch):
    from ipcoop.projects import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = [
        project_for(
            personas,
            adopted(personas, title=f"Exchange {n}", sdgs=[9], visibility="public"),
            percents=[10],
            overdue=1,
        )
        for n in range(3)
    ]
    client = client_for(personas.kipo_examiner)
    first = client.get("/projects/?sdg=9").content.decode()
    # Totals count every matching project and overdue action, not only those shown.
    assert "3 projects · 3 overdue actions" in first
    assert first.count('class="has-overdue"') == 2
    assert 'href="?sdg=9&amp;page=2" rel="next"' in first
    second = client.get("/projects/?sdg=9&page=2").content.decode()
    assert second.count('class="has-overdue"') == 1
    assert 'href="?sdg=9&amp;page=1" rel="prev"' in second
    assert all(p.title in first + second for p in made)
    # The CSV export keeps the filter and not the page.
    assert 'href="/projects/export.csv?sdg=9"' in second
