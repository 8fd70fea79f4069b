"""GET /api/v1/search: anonymous sees public items; a token or session sees what the
caller's roles allow; bad input answers 422, a bad token 401."""

from __future__ import annotations

import pytest

from ipcoop.people.services import create_token
from tests.conftest import client_for
from tests.search.conftest import ask, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(personas):
    return {
        "public": post(personas, title="Public notice on orchids", visibility="public"),
        "own": post(personas, title="Internal note on orchids", visibility="own"),
        "consultation": ask(personas, title="Orchid varieties?", to=[personas.ipos]),
    }


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_anonymous_caller_finds_public_items_only(items):
    answer = client_for(None).get("/api/v1/search", {"q": "orchid"})
    assert answer.status_code == 200
    body = answer.json()
    assert [hit["object_id"] for hit in body["results"]] == [items["public"].pk]
    assert body["results"][0]["title"] == "Public notice on <mark>orchid</mark>s"
    assert body["results"][0]["url"] == f"/updates/{items['public'].pk}/"
    assert (body["total"], body["more_than_cap"], body["page"], body["pages"]) == (1, False, 1, 1)
    assert body["facets"]["kind"] == [{"value": "update", "label": "Policy update", "count": 1}]


def test_token_caller_finds_what_their_roles_allow(personas, items):
    _token, secret = create_token(user=personas.kipo_examiner, name="office system")
    body = client_for(None).get("/api/v1/search", {"q": "orchid"}, **bearer(secret)).json()
    assert {(h["kind"], h["object_id"]) for h in body["results"]} == {
        ("update", items["public"].pk),
        ("update", items["own"].pk),
        ("consultation", items["consultation"].pk),
    }
    ipos = client_for(personas.ipos_policy).get("/api/v1/search", {"q": "orchid"}).json()
    assert {(h["kind"], h["object_id"]) for h in ipos["results"]} == {
        ("update", items["public"].pk),
        ("consultation", items["consultation"].pk),
    }


def test_filters_narrow_the_answer(personas, items):
    client = client_for(personas.kipo_policy)
    body = client.get("/api/v1/search", {"q": "orchid", "kind": "consultation"}).json()
    assert [h["object_id"] for h in body["results"]] == [items["consultation"].pk]
    body = client.get("/api/v1/search", {"q": "orchid", "office": personas.ipos.pk}).json()
    assert body["results"] == []
    body = client.get("/api/v1/search", {"q": "orchid", "lang": "th"}).json()
    assert body["total"] == 0


def test_invalid_parameters_answer_422_with_field_errors(items):
    client = client_for(None)
    answer = client.get("/api/v1/search", {"q": "orchid", "kind": "no-such-kind"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "kind"
    assert client.get("/api/v1/search", {"q": ""}).status_code == 422
    assert client.get("/api/v1/search", {"q": "x", "page": 0}).status_code == 422


def test_wrong_token_is_refused(items):
    answer = client_for(None).get("/api/v1/search", {"q": "orchid"}, **bearer("ipc_wrong"))
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthenticated"
