"""POST /api/v1/academy/classes/join and /signin: a child gets a session."""

from __future__ import annotations

import pytest
from django.test import Client

from ipcoop.classes.models import ClassMember
from tests.classes.conftest import PICTURES

pytestmark = pytest.mark.django_db

JOIN = "/api/v1/academy/classes/join"
SIGNIN = "/api/v1/academy/classes/signin"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_join_starts_a_session_and_answers_whether_answers_are_saved(school_class):
    client = Client()
    response = post(
        client, JOIN, {"code": school_class.code, "display_name": "Ana", "pictures": PICTURES}
    )
    assert response.status_code == 201
    assert response.json() == {
        "display_name": "Ana",
        "class_name": "Class 3B",
        "answers_saved": False,
    }
    member = ClassMember.objects.get(display_name="Ana")
    assert int(client.session["_auth_user_id"]) == member.user_id
    assert client.get("/classes/me/").status_code == 200


def test_join_errors_use_the_one_error_shape(school_class, child):
    response = post(
        Client(), JOIN, {"code": school_class.code, "display_name": "Minji", "pictures": PICTURES}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][0]["field"] == "display_name"
    response = post(Client(), JOIN, {"code": "NOPE234", "display_name": "X1", "pictures": []})
    assert response.status_code == 422


def test_signin_checks_pictures(school_class, child):
    client = Client()
    wrong = post(
        client,
        SIGNIN,
        {"code": school_class.code, "display_name": "Minji", "pictures": ["sun", "cat", "fish"]},
    )
    assert wrong.status_code == 422
    assert "_auth_user_id" not in client.session
    right = post(
        client,
        SIGNIN,
        {"code": school_class.code, "display_name": "Minji", "pictures": PICTURES[::-1]},
    )
    assert right.status_code == 200
    assert right.json()["display_name"] == "Minji"
    assert int(client.session["_auth_user_id"]) == child.user_id


def test_api_is_rate_limited(school_class, fresh_limits):
    client = Client()
    body = {"code": "NOPE234", "display_name": "X1", "pictures": PICTURES}
    assert [post(client, SIGNIN, body).status_code for _ in range(4)] == [422, 422, 422, 429]
