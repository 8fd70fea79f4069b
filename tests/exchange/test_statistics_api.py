"""The statistics API: GET what you may see, POST your office's figures all or none.

Every figure here is made up for the test ("Sample ..."): the platform ships none.
"""

from __future__ import annotations

import pytest

from ipcoop.exchange.statistics import services
from ipcoop.exchange.statistics.models import Figure
from ipcoop.people.services import create_token
from tests.conftest import client_for

URL = "/api/v1/statistics"


def bearer(user) -> dict:
    _token, secret = create_token(user=user, name="office system")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def row(year, value, source="Sample", visibility="offices", measure="applications", area="patent"):
    return {
        "year": year,
        "measure": measure,
        "right_or_area": area,
        "value": value,
        "source": source,
        "visibility": visibility,
    }


@pytest.fixture
def figures(personas):
    services.save_figures(
        by=personas.kipo_policy,
        office=personas.kipo,
        rows=[row(2023, 1111, "Sample A", "public"), row(2022, 2222, "Sample B")],
    )
    services.save_figures(
        by=personas.ipos_policy, office=personas.ipos, rows=[row(2023, 3333, "Sample C")]
    )


def values(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["value"] for item in response.json()]


def test_anonymous_caller_gets_only_public_figures(figures):
    body = client_for(None).get(URL).json()
    assert body == [
        {
            "office": "kr-kipo",
            "office_code": "KR",
            "year": 2023,
            "measure": "applications",
            "right_or_area": "patent",
            "value": 1111,
            "source": "Sample A",
            "source_url": "",
            "visibility": "public",
            "updated_at": body[0]["updated_at"],
        }
    ]


def test_learner_gets_only_public_figures_and_staff_get_the_shared_ones(personas, figures):
    assert values(client_for(personas.learner).get(URL)) == [1111]
    assert values(client_for(None).get(URL, **bearer(personas.learner))) == [1111]
    staff = client_for(None)
    headers = bearer(personas.th_examiner)
    assert values(staff.get(URL, **headers)) == [1111, 2222, 3333]
    assert values(staff.get(URL, {"office": "kr-kipo"}, **headers)) == [1111, 2222]
    assert values(staff.get(URL, {"year": 2023}, **headers)) == [1111, 3333]
    assert values(staff.get(URL, {"measure": "registrations"}, **headers)) == []
    assert values(staff.get(URL, {"year_from": 2020, "year_to": 2022}, **headers)) == [2222]


def test_bad_filters_are_422_and_a_wrong_token_is_401(figures):
    client = client_for(None)
    response = client.get(URL, {"office": "asean-ip-academy"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "office"
    assert client.get(URL, {"measure": "grants"}).status_code == 422
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer ipc_wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_list_query_count_does_not_grow(personas, figures, django_assert_max_num_queries):
    client = client_for(personas.th_examiner)
    client.get(URL)
    with django_assert_max_num_queries(20) as small:
        client.get(URL)
    services.save_figures(
        by=personas.kipo_policy,
        office=personas.kipo,
        rows=[row(year, year) for year in range(2000, 2020)],
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(values(client.get(URL))) == 23


def post(client, body, **headers):
    return client.post(URL, body, content_type="application/json", **headers)


def test_policy_officer_enters_figures_with_a_token(personas, figures):
    body = {
        "office": "kr-kipo",
        "figures": [
            row(2023, 1500, "Sample new", "public"),
            row(2023, 8, "Sample list", measure="4ir_filings", area="metaverse"),
        ],
    }
    response = post(client_for(None), body, **bearer(personas.kipo_policy))
    assert response.status_code == 201
    assert response.json() == {"created": 1, "updated": 1}
    patent = Figure.objects.get(office=personas.kipo, year=2023, measure="applications")
    assert (patent.value, patent.source, patent.entered_by) == (
        1500,
        "Sample new",
        personas.kipo_policy,
    )
    assert Figure.objects.get(right_or_area="metaverse").value == 8


@pytest.mark.parametrize("who", ["ipos_policy", "kipo_examiner", "learner", "platform_admin"])
def test_others_cannot_enter_an_offices_figures(personas, figures, who):
    body = {"office": "kr-kipo", "figures": [row(2023, 9)]}
    response = post(client_for(None), body, **bearer(getattr(personas, who)))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "KIPO" in response.json()["message"]
    assert Figure.objects.get(office=personas.kipo, year=2023).value == 1111


def test_anonymous_post_is_401(personas, figures):
    response = post(client_for(None), {"office": "kr-kipo", "figures": [row(2023, 9)]})
    assert response.status_code == 401
    assert Figure.objects.get(office=personas.kipo, year=2023).value == 1111


def test_bad_items_are_all_reported_by_index_and_nothing_is_saved(personas, figures):
    body = {
        "office": "kr-kipo",
        "figures": [
            row(2023, 1500),  # fine, but not saved: another item is bad
            row(1800, 5),
            row(2021, 5, source=""),
            row(2021, 5, measure="4ir_filings", area="patent", visibility="secret"),
            row(2023, 7),  # repeats item 0
        ],
    }
    response = post(client_for(None), body, **bearer(personas.kipo_policy))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert [e["field"] for e in body["errors"]] == [
        "figures.1.year",
        "figures.2.source",
        "figures.3.right_or_area",
        "figures.3.visibility",
        "figures.4",
    ]
    assert "ai, blockchain, metaverse" in body["errors"][2]["message"]
    assert Figure.objects.get(office=personas.kipo, year=2023).value == 1111
    assert Figure.objects.count() == 3


def test_wrong_types_and_unknown_office_are_422(personas):
    headers = bearer(personas.kipo_policy)
    response = post(client_for(None), {"office": "kr-kipo", "figures": [row("x", 1)]}, **headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "figures.0.year"
    response = post(client_for(None), {"office": "nowhere", "figures": [row(2023, 1)]}, **headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "office"
    response = post(client_for(None), {"office": "kr-kipo", "figures": []}, **headers)
    assert response.status_code == 422
    assert not Figure.objects.exists()


def test_session_post_needs_csrf(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.kipo_policy)
    response = post(client, {"office": "kr-kipo", "figures": [row(2023, 1)]})
    assert response.status_code == 403
    assert not Figure.objects.exists()


def test_openapi_documents_the_statistics_statuses(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"][URL]
    assert {"200", "401", "403", "422"} <= set(paths["get"]["responses"])
    assert {"201", "401", "403", "422"} <= set(paths["post"]["responses"])
