"""The API root: the offices list, the caller, the OpenAPI document and the error shape."""

import pytest
from openapi_spec_validator import validate

from tests.conftest import client_for

EXPECTED_OFFICES = [
    # code, slug, short name, kind, time zone, languages
    ("KR", "kr-kipo", "KIPO", "ip_office", "Asia/Seoul", ["ko", "en"]),
    ("BN", "bn-bruipo", "BruIPO", "ip_office", "Asia/Brunei", ["ms", "en"]),
    ("KH", "kh-dip", "DIP (KH)", "ip_office", "Asia/Phnom_Penh", ["km", "en"]),
    ("KH", "kh-dipr", "DIPR", "ip_office", "Asia/Phnom_Penh", ["km", "en"]),
    ("ID", "id-dgip", "DGIP", "ip_office", "Asia/Jakarta", ["id", "en"]),
    ("LA", "la-dip", "DIP (LA)", "ip_office", "Asia/Vientiane", ["lo", "en"]),
    ("MY", "my-myipo", "MyIPO", "ip_office", "Asia/Kuala_Lumpur", ["ms", "en"]),
    ("MM", "mm-ipd", "IPD", "ip_office", "Asia/Yangon", ["my", "en"]),
    ("PH", "ph-ipophl", "IPOPHL", "ip_office", "Asia/Manila", ["fil", "en"]),
    ("SG", "sg-ipos", "IPOS", "ip_office", "Asia/Singapore", ["en", "zh", "ms", "ta"]),
    ("TH", "th-dip", "DIP (TH)", "ip_office", "Asia/Bangkok", ["th", "en"]),
    ("VN", "vn-ipvn", "IP Viet Nam", "ip_office", "Asia/Ho_Chi_Minh", ["vi", "en"]),
    (None, "asean-ip-academy", "ASEAN IP Academy", "academy", "Asia/Jakarta", ["en"]),
    (None, "asean-secretariat", "ASEAN Secretariat", "secretariat", "Asia/Jakarta", ["en"]),
]


@pytest.mark.django_db
def test_offices_endpoint_lists_every_cooperating_organisation(client):
    response = client.get("/api/v1/offices")
    assert response.status_code == 200
    rows = response.json()
    got = [
        (r["code"], r["slug"], r["short_name"], r["kind"], r["timezone"], r["languages"])
        for r in rows
    ]
    assert sorted(got, key=lambda row: row[1]) == sorted(EXPECTED_OFFICES, key=lambda row: row[1])
    kipo = next(r for r in rows if r["slug"] == "kr-kipo")
    assert kipo["name"] == "Korean Intellectual Property Office"
    assert "ST.3" in kipo["source"]
    assert all(r["source"] for r in rows)


@pytest.mark.django_db
def test_offices_endpoint_runs_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/api/v1/offices")


def test_me_returns_the_caller_with_roles(personas):
    body = client_for(personas.kipo_examiner).get("/api/v1/me").json()
    assert body["username"] == "kipo.examiner"
    assert body["is_platform_admin"] is False
    assert body["memberships"] == [{"role": "examiner", "organisation": "kr-kipo"}]


def test_me_without_credentials_is_401_in_the_error_shape(db, client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert "Bearer" in body["message"]
    assert body["errors"] == []


@pytest.mark.django_db
def test_unknown_api_path_is_404(client):
    assert client.get("/api/v1/no-such-thing").status_code == 404


def test_malformed_json_gives_a_field_level_error(personas):
    client = client_for(personas.learner)
    response = client.post("/api/v1/me/tokens", {"nom": "x"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == [{"field": "name", "message": "Field required"}]


@pytest.mark.django_db
def test_openapi_document_is_valid_and_documents_every_status(client):
    schema = client.get("/api/v1/openapi.json").json()
    validate(schema)
    operations = {
        (method.upper(), path): op
        for path, item in schema["paths"].items()
        for method, op in item.items()
    }
    assert set(operations) >= {
        ("GET", "/api/v1/offices"),
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/me/tokens"),
        ("POST", "/api/v1/me/tokens"),
        ("POST", "/api/v1/me/tokens/{token_id}/revoke"),
    }
    for key, op in operations.items():
        documented = set(op["responses"])
        if op.get("security"):
            assert {"401", "403"} <= documented, key
        if any(p["in"] == "path" for p in op.get("parameters", [])):
            assert "404" in documented, key
        if "requestBody" in op:
            assert "422" in documented, key
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()


@pytest.mark.django_db
def test_api_docs_are_served_from_this_host(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "swagger-ui-bundle.js" in response.text
    assert "cdn." not in response.text
    assert "https://" not in response.text


def test_nul_characters_are_refused_before_any_view(db, client):
    response = client.post(
        "/api/v1/me/tokens",
        '{"name": "a\\u0000b"}',
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer ipc_wrong",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert "NUL" in response.json()["message"]
    assert client.get("/search/?q=a%00b").status_code == 400
    assert client.get("/api/v1/search?q=a%00b").status_code == 400
