import datetime as dt

from ipcoop.worksharing.models import Application, Citation
from tests.conftest import client_for

KR_RECORD = {
    "office": "kr-kipo",
    "application_number": "10-2024-0001234",
    "filing_date": "2024-02-01",
    "invention_title": "Blockchain settlement ledger",
    "applicant_name": "Example Ltd",
    "ipc_symbols": ["H04L 9/50"],
    "priority_claims": [],
}


def test_api_create_then_update_is_idempotent(personas):
    client = client_for(personas.kipo_examiner)
    created = client.post(
        "/api/v1/worksharing/applications", KR_RECORD, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["application_number_normalised"] == "1020240001234"
    assert body["technology_area"] == "blockchain"
    again = client.post(
        "/api/v1/worksharing/applications",
        {**KR_RECORD, "application_number": "KR 1020240001234", "invention_title": "Ledger v2"},
        content_type="application/json",
    )
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Application.objects.get().title == "Ledger v2"


def test_api_refuses_bad_input_with_field_errors(personas):
    client = client_for(personas.kipo_examiner)
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    response = client.post(
        "/api/v1/worksharing/applications",
        {
            **KR_RECORD,
            "application_number": "12-34",
            "filing_date": future,
            "ipc_symbols": ["XYZ"],
            "priority_claims": [
                {"country_code": "KR", "application_number": "1", "filing_date": "2020-01-01"}
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"number", "filing_date", "ipc_symbols", "priorities.0"}
    assert Application.objects.count() == 0


def test_api_create_for_other_office_forbidden(personas):
    response = client_for(personas.th_examiner).post(
        "/api/v1/worksharing/applications", KR_RECORD, content_type="application/json"
    )
    assert response.status_code == 403
    assert Application.objects.count() == 0


def test_api_work_product_with_citations_and_bad_category(personas, family):
    client = client_for(personas.kipo_examiner)
    url = f"/api/v1/worksharing/applications/{family['kr'].pk}/work-products"
    ok = client.post(
        url,
        {
            "kind": "office_action",
            "date": "2023-11-01",
            "action_type": "Notice of preliminary rejection",
            "claims_objected": "1-3",
            "grounds": "Lack of inventive step",
            "citations": [{"document_number": "WO 2019/123456 A1", "category": "Y", "claims": "1"}],
        },
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert ok.json()["citations"][0]["kind_code"] == "A1"
    bad = client.post(
        url,
        {
            "kind": "search_report",
            "date": "2023-11-01",
            "citations": [{"document_number": "US 1234567", "category": "Q"}],
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "citations.0"
    assert Citation.objects.filter(document_normalised="WO2019123456").count() == 1


def test_api_work_product_on_other_office_application(personas, family):
    response = client_for(personas.th_examiner).post(
        f"/api/v1/worksharing/applications/{family['kr'].pk}/work-products",
        {"kind": "search_report", "date": "2023-11-01"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_api_family_lookup_and_detail(personas, family):
    client = client_for(personas.th_examiner)
    found = client.get("/api/v1/worksharing/families", {"number": "KR 10-2023-0012345"}).json()
    assert [f["id"] for f in found] == [family["kr"].pk]
    assert {m["office_code"] for m in found[0]["members"]} == {"KR", "VN", "SG"}
    detail = client.get(f"/api/v1/worksharing/families/{family['kr'].pk}").json()
    us = next(m for m in detail["merged_citations"] if m["document"] == "US20200123456")
    assert us["cited_by"] == [
        {"office": "KR", "categories": "X", "claims": "1-5"},
        {"office": "SG", "categories": "Y", "claims": "2"},
    ]
    assert len(detail["work_products"]) == 2


def test_api_applications_paginated(personas, family):
    client = client_for(personas.th_examiner)
    page = client.get("/api/v1/worksharing/applications", {"limit": 2}).json()
    assert len(page) == 2
    rest = client.get("/api/v1/worksharing/applications", {"limit": 2, "offset": 2}).json()
    assert len(rest) == 1
    assert client.get("/api/v1/worksharing/applications", {"limit": 0}).status_code == 422
