"""The consultations API: list with filters, ask, read one, reply — every status documented."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ipcoop.exchange.consultations import services
from ipcoop.exchange.consultations.models import Consultation, Reply, Status
from ipcoop.people.services import create_token
from tests.conftest import client_for
from tests.exchange.test_consultations_access import ask


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def due(days=14):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_policy_officer_asks_selected_offices(personas):
    client = client_for(personas.ipos_policy)
    answer = post(
        client,
        "/api/v1/consultations",
        {
            "title": "How do you examine claims to AI-generated designs?",
            "body": "We are drafting guidance.",
            "area": "ai",
            "due_date": due(),
            "offices": ["kr-kipo"],
        },
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["office"] == "sg-ipos"
    assert body["asked_by"] == "ipos.policy"
    assert (body["to_all_offices"], body["offices"]) == (False, ["kr-kipo"])
    assert (body["status"], body["replies"]) == ("open", [])
    consultation = Consultation.objects.get()
    assert consultation.visibility == "selected"
    assert list(consultation.shared_with.values_list("slug", flat=True)) == ["kr-kipo"]


def test_empty_office_list_asks_every_ip_office(personas):
    answer = post(
        client_for(personas.kipo_policy),
        "/api/v1/consultations",
        {"title": "NFT marks", "body": "Class 9?", "area": "metaverse", "due_date": due()},
    )
    assert answer.status_code == 201
    offices = answer.json()["offices"]
    assert answer.json()["to_all_offices"] is True
    assert len(offices) == 11 and "kr-kipo" not in offices and "sg-ipos" in offices
    assert "asean-ip-academy" not in offices


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"due_date": "2000-01-01"}, "due_date", "The due date has passed"),
        ({"offices": ["xx-nowhere"]}, "offices", "No organisation has the slug 'xx-nowhere'"),
        ({"offices": ["kr-kipo"]}, "offices", "Your own office sees the consultation anyway"),
        ({"title": "   "}, "title", "This field is required."),
        ({"area": "quantum"}, "area", ""),
    ],
)
def test_ask_refuses_invalid_fields_with_what_to_fix(personas, payload, field, message):
    data = {"title": "T", "body": "B", "area": "ai", "due_date": due()} | payload
    answer = post(client_for(personas.kipo_policy), "/api/v1/consultations", data)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert errors[0]["message"].startswith(message)
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("name", ["kipo_examiner", "educator", "learner", "platform_admin"])
def test_only_policy_officers_and_admins_may_ask(personas, name):
    answer = post(
        client_for(getattr(personas, name)),
        "/api/v1/consultations",
        {"title": "T", "body": "B", "area": "ai", "due_date": due()},
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"
    assert not Consultation.objects.exists()


def test_list_filters_by_status_area_and_office(personas):
    open_one = ask(personas, title="Open AI", to=[personas.ipos])
    closed = ask(personas, title="Closed chain", to=[personas.ipos], area="blockchain")
    services.close_consultation(by=personas.kipo_policy, consultation=closed)
    own = ask(personas, title="IPOS asks", by=personas.ipos_policy, office=personas.ipos, to=[])
    client = client_for(personas.ipos_admin)

    def titles(query=""):
        answer = client.get(f"/api/v1/consultations{query}")
        assert answer.status_code == 200
        return [c["title"] for c in answer.json()]

    assert titles() == [own.title, closed.title, open_one.title]
    assert titles("?status=open") == [own.title, open_one.title]
    assert titles("?status=closed") == [closed.title]
    assert titles("?area=blockchain") == [closed.title]
    assert titles("?office=kr-kipo") == [closed.title, open_one.title]
    assert titles("?limit=1&offset=1") == [closed.title]
    assert client.get("/api/v1/consultations?status=lost").status_code == 422
    listed = client.get("/api/v1/consultations?status=open").json()
    assert [c["awaits_your_reply"] for c in listed] == [False, True]


def test_reply_through_the_api_with_a_token(personas):
    consultation = ask(personas, title="Q", to=[personas.ipos])
    _token, secret = create_token(user=personas.ipos_policy, name="office system")
    client = client_for(None)
    answer = client.post(
        f"/api/v1/consultations/{consultation.pk}/replies",
        {"body": "Our answer.", "practice_reference": "/practice/ai/sg/"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["office"], body["author"], body["useful"]) == ("sg-ipos", "ipos.policy", False)
    assert body["practice_reference"] == "/practice/ai/sg/"
    consultation.refresh_from_db()
    assert consultation.status == Status.ANSWERED  # the one office asked replied
    detail = client.get(
        f"/api/v1/consultations/{consultation.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()
    assert [r["body"] for r in detail["replies"]] == ["Our answer."]
    assert detail["reply_count"] == 1


def test_reply_refuses_a_bad_practice_reference(personas):
    consultation = ask(personas, title="Q", to=[personas.ipos])
    answer = post(
        client_for(personas.ipos_policy),
        f"/api/v1/consultations/{consultation.pk}/replies",
        {"body": "x", "practice_reference": "javascript:alert(1)"},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "practice_reference"
    assert not Reply.objects.exists()


def test_openapi_documents_every_status(personas):
    spec = client_for(None).get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert set(paths["/api/v1/consultations"]["get"]["responses"]) >= {"200", "401", "422"}
    assert set(paths["/api/v1/consultations"]["post"]["responses"]) >= {"201", "401", "403", "422"}
    one = paths["/api/v1/consultations/{consultation_id}"]["get"]["responses"]
    assert set(one) >= {"200", "401", "404"}
    replies = paths["/api/v1/consultations/{consultation_id}/replies"]["post"]["responses"]
    assert set(replies) >= {"201", "401", "404", "409", "422"}
