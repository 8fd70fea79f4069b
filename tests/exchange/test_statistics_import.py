"""Importing figures from CSV and XLSX files: all rows or none, every problem with its line.

Every figure here is made up for the test ("Sample ..."): the platform ships none.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from ipcoop.exchange.statistics import services
from ipcoop.exchange.statistics.models import Figure
from tests.conftest import client_for

URL = "/statistics/offices/kr-kipo/import/"
HEADER = "year,measure,right_or_area,value,source,source_url,visibility\n"


def upload(client, name: str, content: bytes, url: str = URL):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def existing(personas):
    """A KIPO figure the imports below try to change."""
    services.save_figures(
        by=personas.kipo_policy,
        office=personas.kipo,
        rows=[{"year": 2023, "measure": "applications", "right_or_area": "patent",
               "value": 1111, "source": "Sample A"}],
    )  # fmt: skip
    return Figure.objects.get()


def cells():
    return sorted(Figure.objects.values_list("year", "measure", "right_or_area", "value", "source"))


def test_csv_import_saves_every_row_and_replaces_existing_figures(personas, existing):
    content = (
        HEADER
        + "2023,applications,patent,1500,Sample report 2023,,public\n"
        + "2023,registrations,design,40,Sample report 2023,https://example.org/r,\n"
        + "\n"  # blank lines are skipped
        + "2022,4ir_filings,AI,7,Sample list,,offices\n"
    ).encode()
    client = client_for(personas.kipo_policy)
    response = upload(client, "figures.csv", content)
    assert response.status_code == 302
    assert response["Location"] == "/statistics/offices/kr-kipo/"
    page = client.get(response["Location"])
    assert "Imported 3 figures: 2 new, 1 updated." in page.text
    assert cells() == [
        (2022, "4ir_filings", "ai", 7, "Sample list"),
        (2023, "applications", "patent", 1500, "Sample report 2023"),
        (2023, "registrations", "design", 40, "Sample report 2023"),
    ]
    design = Figure.objects.get(measure="registrations")
    assert design.source_url == "https://example.org/r"
    assert design.visibility == "offices"  # empty means shared with offices
    assert Figure.objects.get(year=2023, measure="applications").visibility == "public"


def test_csv_with_several_bad_rows_reports_each_line_and_imports_nothing(personas, existing):
    content = (
        HEADER
        + "2023,applications,patent,999,Sample fine row,,\n"  # line 2: good
        + "20x3,applications,patent,5,Sample,,\n"  # line 3: year
        + "2023,applications,blockchain,5,Sample,,\n"  # line 4: area does not fit the measure
        + "2021,grants,patent,5,Sample,,\n"  # line 5: measure
        + "2021,applications,design,1 234,,,secret\n"  # line 6: value, source, visibility
        + "2023,applications,patent,12,Sample again,,\n"  # line 7: repeats line 2
        + "2020,applications,trademark,3,Sample,www.example.org,\n"  # line 8: address
    ).encode()
    response = upload(client_for(personas.kipo_policy), "figures.csv", content)
    assert response.status_code == 200
    html = response.text
    assert "Nothing was imported: 8 problem(s) in the file" in html
    problems = [(line, column) for line, column, _message in response.context["problems"]]
    assert problems == [
        (3, "year"),
        (4, "right_or_area"),
        (5, "measure"),
        (6, "value"),
        (6, "source"),
        (6, "visibility"),
        (7, "__all__"),
        (8, "source_url"),
    ]
    for line in [3, 4, 5, 6, 7, 8]:
        assert f"Line {line}</th>" in html
    assert "Line 2</th>" not in html
    assert "For applications use one of: patent, utility_model, trademark, design." in html
    assert "Use one of: applications, registrations, 4ir_filings." in html
    assert "repeats the year, measure and right or area of row 1" in html
    # Nothing changed: the good row was not imported and the existing figure kept its value.
    assert cells() == [(2023, "applications", "patent", 1111, "Sample A")]


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_import_reads_numbers_and_text_cells(personas, existing):
    content = xlsx(
        [
            ["year", "measure", "right_or_area", "value", "source", "visibility"],
            [2023, "applications", "patent", 2000, "Sample workbook", "public"],
            [2021.0, "registrations", "utility_model", "15", "Sample workbook", None],
        ]
    )
    response = upload(client_for(personas.kipo_admin), "figures.xlsx", content)
    assert response.status_code == 302
    assert cells() == [
        (2021, "registrations", "utility_model", 15, "Sample workbook"),
        (2023, "applications", "patent", 2000, "Sample workbook"),
    ]


def test_xlsx_with_a_bad_row_names_its_row_number(personas, existing):
    content = xlsx(
        [
            ["year", "measure", "right_or_area", "value", "source"],
            [2023, "applications", "patent", 2000, "Sample"],
            [2022, "applications", "patent", 12.5, "Sample"],
        ]
    )
    response = upload(client_for(personas.kipo_policy), "figures.xlsx", content)
    assert response.context["problems"] == [
        (3, "value", "Write a whole number of 0 or more, digits only (no separators), e.g. 12345.")
    ]
    assert cells() == [(2023, "applications", "patent", 1111, "Sample A")]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("figures.csv", PNG, "This file&#x27;s content is not CSV, whatever its name says."),
        ("figures.xlsx", HEADER.encode(), "This file&#x27;s content is not XLSX"),
        ("figures.xlsx", PNG, "This file&#x27;s content is not XLSX"),
        ("figures.xlsx", b"PK\x03\x04" + b"\x00" * 60, "This file&#x27;s content is not XLSX"),
        ("figures.exe", b"MZ\x90\x00", "Upload a .csv or .xlsx file"),
        ("figures.txt", HEADER.encode(), "Upload a .csv or .xlsx file"),
        ("figures.csv", b"   \n", "The file is empty."),
        ("figures.csv", HEADER.encode(), "The file has no figures"),
        ("figures.csv", b"year,value\n2023,5\n", "lacks the column(s): measure, "),
        (
            "figures.csv",
            (HEADER.strip() + ",sorce\n").encode(),
            "Unknown column(s): sorce.",
        ),
        ("figures.csv", "year\n\xe9t\xe9\n".encode("latin-1"), "UTF-8"),
        ("figures.csv", HEADER.encode() + b"x" * 1_000_001, "the limit is 1000 KB"),
    ],
)
def test_files_that_are_not_a_table_of_figures_are_refused(
    personas, existing, name, content, message
):
    response = upload(client_for(personas.kipo_policy), name, content)
    assert response.status_code == 200
    assert message in response.text
    assert cells() == [(2023, "applications", "patent", 1111, "Sample A")]


def test_semicolon_separated_csv_is_read(personas):
    content = "year;measure;right_or_area;value;source\n2023;applications;design;9;Sample\n"
    response = upload(client_for(personas.kipo_policy), "figures.csv", content.encode())
    assert response.status_code == 302
    assert cells() == [(2023, "applications", "design", 9, "Sample")]


def test_an_exported_file_goes_back_in_but_only_for_its_own_office(personas, existing):
    exported = client_for(personas.kipo_policy).get("/statistics/export.csv").content
    response = upload(client_for(personas.kipo_policy), "export.csv", exported)
    assert response.status_code == 302
    assert cells() == [(2023, "applications", "patent", 1111, "Sample A")]
    from ipcoop.people.models import Membership

    Membership.objects.create(
        user=personas.kipo_policy, organisation=personas.ipos, role="policy_officer"
    )
    response = upload(
        client_for(personas.kipo_policy),
        "export.csv",
        exported,
        "/statistics/offices/sg-ipos/import/",
    )
    assert response.context["problems"][0][:2] == (2, "office")
    assert not Figure.objects.filter(office=personas.ipos).exists()


def test_staff_of_another_office_cannot_import(personas, existing):
    content = (HEADER + "2023,applications,patent,5,Sample,,\n").encode()
    for who in [personas.ipos_policy, personas.kipo_examiner, personas.learner]:
        assert upload(client_for(who), "figures.csv", content).status_code == 404
    assert upload(client_for(None), "figures.csv", content).status_code == 302  # to sign in
    assert cells() == [(2023, "applications", "patent", 1111, "Sample A")]


def test_import_page_documents_the_columns_and_links_the_template(personas):
    html = client_for(personas.kipo_policy).get(URL).text
    for column in ["year", "measure", "right_or_area", "value", "source", "source_url"]:
        assert f"<code>{column}</code>" in html
    assert "/statistics/template.csv" in html
    assert "1000 KB" in html
