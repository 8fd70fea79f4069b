"""The dossier import page: office staff who record dossiers upload JSON lines; every
wrong line is listed with its number and nothing is imported, or everything is and a
summary says what."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from ipcoop.worksharing.models import Application, WorkProduct
from tests.conftest import client_for
from tests.worksharing.test_worksharing_import import GOOD

URL = "/worksharing/import/"


def jsonl(*records, raw=()):
    lines = [json.dumps(r) for r in records] + list(raw)
    return SimpleUploadedFile(
        "dossiers.jsonl", ("\n".join(lines) + "\n").encode(), content_type="application/x-ndjson"
    )


def second(number="10-2022-0100002", **extra):
    return {**GOOD, "application_number": number, "work_products": [], **extra}


def test_examiner_imports_a_file_and_sees_what_was_created(personas):
    client = client_for(personas.kipo_examiner)
    page = client.get(URL)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    response = client.post(URL, {"office": personas.kipo.pk, "file": jsonl(GOOD, second())})
    assert response.status_code == 200
    text = response.text
    assert "2 applications created: 10-2022-0100001, 10-2022-0100002" in text
    assert "1 work product added" in text
    assert set(Application.objects.values_list("number", flat=True)) == {
        "10-2022-0100001",
        "10-2022-0100002",
    }
    assert WorkProduct.objects.count() == 1
    # The same file again changes nothing and says so.
    again = client.post(URL, {"office": personas.kipo.pk, "file": jsonl(GOOD, second())})
    assert "0 applications created" in again.text
    assert "2 applications already in, left unchanged" in again.text
    assert Application.objects.count() == 2


def test_every_wrong_line_is_listed_and_nothing_is_imported(personas):
    bad_number = second("12345-x")
    bad_date = second("10-2022-0100003", filing_date="2099-01-01")
    upload = jsonl(GOOD, bad_number, second(), raw=["{not json", "", json.dumps(bad_date)])
    response = client_for(personas.kipo_admin).post(
        URL, {"office": personas.kipo.pk, "file": upload}
    )
    text = response.text
    assert response.status_code == 200
    assert "3 lines are wrong: nothing was imported." in text
    rows = [row.split("</th>")[0] for row in text.split('<th scope="row">')[1:]]
    assert rows == ["2", "4", "6"]  # line 5 is blank and skipped, not wrong
    assert "number:" in text and "filing_date" in text
    assert not Application.objects.exists()
    assert not WorkProduct.objects.exists()


def test_only_examiners_and_office_admins_import_and_only_for_their_office(personas):
    for user in (personas.kipo_policy, personas.learner, personas.platform_admin):
        assert client_for(user).get(URL).status_code == 404
        assert client_for(user).post(URL, {"office": personas.kipo.pk}).status_code == 404
    # A Thai examiner cannot import for KIPO: KIPO is not a choice.
    response = client_for(personas.th_examiner).post(
        URL, {"office": personas.kipo.pk, "file": jsonl(GOOD)}
    )
    assert response.status_code == 200 and 'class="error"' in response.text
    assert not Application.objects.exists()


def test_a_file_that_is_not_utf8_text_is_refused_with_what_to_do(personas):
    upload = SimpleUploadedFile("dossiers.jsonl", b'{"application_number": "\xff\xfe"}\n')
    response = client_for(personas.kipo_examiner).post(
        URL, {"office": personas.kipo.pk, "file": upload}
    )
    assert "The file is not UTF-8 text" in response.text and "save it as UTF-8" in response.text
    assert not Application.objects.exists()


def test_lookup_page_links_to_the_import_only_for_those_who_may(personas):
    link = 'href="/worksharing/import/"'
    assert link in client_for(personas.kipo_examiner).get("/worksharing/").text
    assert link not in client_for(personas.kipo_policy).get("/worksharing/").text
