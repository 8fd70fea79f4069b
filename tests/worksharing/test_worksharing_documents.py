"""PDF documents of work products: checked by content like every upload, stored under a
random name, listed on the application page and the family view, served only to those
who may read the application (as a download, never sniffed), and described by the API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcoop.lib import uploads
from ipcoop.people.models import AuditAction, AuditEvent
from ipcoop.worksharing import services
from ipcoop.worksharing.models import WorkProduct, WorkProductDocument
from tests.conftest import assert_same_not_found, client_for

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf(name="search-report.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def stored(root: Path) -> list[Path]:
    folder = Path(root) / "worksharing"
    return sorted(folder.iterdir()) if folder.exists() else []


def form(**extra):
    data = {"kind": "search_report", "date": "2023-11-02", "citations": "X | US 2020/0123456 A1"}
    data.update(extra)
    return data


def add_with_document(personas, application, name="KR search report.pdf"):
    return services.add_work_product(
        by=personas.kipo_examiner,
        application=application,
        kind="search_report",
        date=dt.date(2023, 11, 2),
        documents=[pdf(name)],
    )


def test_examiner_attaches_a_pdf_listed_on_both_pages_and_downloaded_safely(
    personas, family, vn_examiner, settings
):
    kr = family["kr"]
    client = client_for(personas.kipo_examiner)
    response = client.post(
        f"/worksharing/applications/{kr.pk}/work-products/new/",
        form(documents=[pdf("검색 보고서 (KR).pdf")]),
    )
    assert response.status_code == 302
    document = WorkProductDocument.objects.get()
    assert document.original_name == "검색 보고서 (KR).pdf"
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    [path] = stored(settings.MEDIA_ROOT)
    assert path.read_bytes() == PDF and "KR" not in path.name
    link = f'href="/worksharing/documents/{document.pk}/"'
    assert link in client.get(f"/worksharing/applications/{kr.pk}/").text
    # Another office's examiner reading the family sees and downloads it.
    reader = client_for(vn_examiner)
    assert link in reader.get(f"/worksharing/families/{kr.family_id}/").text
    download = reader.get(f"/worksharing/documents/{document.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith('attachment; filename="')
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        action=AuditAction.CONFIDENTIAL_READ,
        actor=vn_examiner,
        detail__what="work product document",
    ).exists()


@pytest.mark.parametrize(
    ("name", "data", "found"),
    [
        ("report.pdf", PNG, "image/png"),
        ("report.pdf", EXE, "application/x-msdownload"),
        ("report.pdf", b"plain words, no PDF", "not recognised"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_saved(
    personas, family, settings, name, data, found
):
    client = client_for(personas.kipo_examiner)
    response = client.post(
        f"/worksharing/applications/{family['kr'].pk}/work-products/new/",
        form(documents=[pdf("good.pdf"), pdf(name, data)]),
    )
    assert response.status_code == 200
    assert f"“{name}” is not a file type we accept, whatever its name says" in response.text
    assert found in response.text and "Attach a PDF file." in response.text
    assert WorkProduct.objects.filter(kind="search_report", date=dt.date(2023, 11, 2)).count() == 0
    assert not WorkProductDocument.objects.exists()
    assert stored(settings.MEDIA_ROOT) == []


def test_a_pdf_over_ten_megabytes_is_refused(personas, family, settings):
    big = PDF + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        services.add_work_product(
            by=personas.kipo_examiner,
            application=family["kr"],
            kind="office_action",
            date=dt.date(2023, 11, 2),
            documents=[pdf("huge.pdf", big)],
        )
    assert "“huge.pdf” is 10.0 MB; an attachment may be at most 10 MB." in str(
        refused.value.message_dict["documents"]
    )
    assert stored(settings.MEDIA_ROOT) == []


def test_a_failure_while_storing_leaves_no_file_and_no_row(personas, family, settings, monkeypatch):
    calls = []
    original = WorkProductDocument.save

    def failing_save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(WorkProductDocument, "save", failing_save)
    before = WorkProduct.objects.count()
    with pytest.raises(RuntimeError):
        services.add_work_product(
            by=personas.kipo_examiner,
            application=family["kr"],
            kind="office_action",
            date=dt.date(2023, 11, 2),
            documents=[pdf("one.pdf"), pdf("two.pdf")],
        )
    assert WorkProduct.objects.count() == before
    assert stored(settings.MEDIA_ROOT) == []


def test_a_document_of_a_hidden_application_answers_like_a_missing_one(personas, family):
    kr = family["kr"]
    kr.visibility = "own"
    kr.save()
    document = add_with_document(personas, kr).documents.get()
    missing = document.pk + 1000
    assert (
        client_for(personas.kipo_policy).get(f"/worksharing/documents/{document.pk}/").status_code
        == 200
    )
    for outsider in (personas.th_examiner, personas.ipos_admin, personas.platform_admin):
        client = client_for(outsider)
        assert_same_not_found(
            client, f"/worksharing/documents/{document.pk}/", f"/worksharing/documents/{missing}/"
        )
        for suffix in ("", "/file"):
            hidden = client.get(f"/api/v1/worksharing/documents/{document.pk}{suffix}")
            gone = client.get(f"/api/v1/worksharing/documents/{missing}{suffix}")
            assert hidden.status_code == gone.status_code == 404
            assert hidden.json() == gone.json()
    response = client_for(None).get(f"/worksharing/documents/{document.pk}/")
    assert response.status_code == 302  # visitors are sent to sign in first


def test_api_lists_document_metadata_and_serves_the_file(personas, family, vn_examiner):
    product = add_with_document(personas, family["kr"])
    document = product.documents.get()
    client = client_for(vn_examiner)
    body = client.get(f"/api/v1/worksharing/families/{family['kr'].family_id}").json()
    [listed] = [p for p in body["work_products"] if p["id"] == product.pk]
    assert listed["documents"] == [
        {
            "id": document.pk,
            "name": "KR search report.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "created_at": listed["documents"][0]["created_at"],
            "download_url": f"/api/v1/worksharing/documents/{document.pk}/file",
            "page_download_url": f"/worksharing/documents/{document.pk}/",
        }
    ]
    meta = client.get(f"/api/v1/worksharing/documents/{document.pk}").json()
    assert meta["name"] == "KR search report.pdf"
    file = client.get(listed["documents"][0]["download_url"])
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
    assert file["X-Content-Type-Options"] == "nosniff"
    assert b"".join(file.streaming_content) == PDF


def test_family_view_query_count_does_not_grow_with_documents(personas, family, vn_examiner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(vn_examiner)
    url = f"/worksharing/families/{family['kr'].family_id}/"
    add_with_document(personas, family["kr"], "first.pdf")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        add_with_document(personas, family["kr"], f"more-{n}.pdf")
    with CaptureQueriesContext(connection) as six:
        page = client.get(url).text
    assert page.count('href="/worksharing/documents/') == 6
    assert len(one) == len(six)


def test_one_content_check_serves_every_upload():
    """Updates accept Office files and images; work-sharing documents only PDFs: the same
    check, with the accepted types as the only difference."""
    from ipcoop.exchange.updates import services as update_services

    png = SimpleUploadedFile("chart.png", PNG)
    assert update_services.check_attachment(png).content_type == "image/png"
    with pytest.raises(ValidationError, match="Attach a PDF file"):
        uploads.check_upload(SimpleUploadedFile("chart.png", PNG), accepted=uploads.PDF_ONLY)
    assert uploads.check_upload(pdf(), accepted=uploads.PDF_ONLY).name == "search-report.pdf"
    assert update_services.check_attachment.__module__ == "ipcoop.exchange.updates.services"
    assert update_services.content_disposition is uploads.content_disposition
