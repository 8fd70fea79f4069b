"""Personal API tokens: created, shown once, stored hashed, used, listed, revoked."""

import hashlib

import pytest
from django.core.management import call_command

from ipcoop.people import services
from ipcoop.people.models import ApiToken, AuditAction, AuditEvent
from tests.conftest import assert_same_not_found, client_for, make_user


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def owner(db):
    return make_user("owner")


def test_token_page_shows_the_secret_once_and_stores_only_a_digest(owner):
    client = client_for(owner)
    created = client.post("/account/tokens/", {"name": "office system"})
    assert created.status_code == 302  # reloading the page cannot make a second token
    response = client.get(created["Location"])
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=owner)
    secret = response.context["new_secret"]
    assert secret.startswith("ipc_")
    assert secret in response.text
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    again = client.get("/account/tokens/")
    assert secret not in again.text
    assert "office system" in again.text
    assert token.prefix + "…" in again.text
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_CREATED, actor=owner).count() == 1


def test_token_without_a_name_is_refused(owner):
    response = client_for(owner).post("/account/tokens/", {"name": "  "})
    assert "This field is required" in response.text
    assert not ApiToken.objects.exists()


def test_valid_token_authenticates_and_records_last_use(owner):
    token, secret = services.create_token(user=owner, name="script")
    response = client_for(None).get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["username"] == "owner"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_wrong_token_is_refused_with_the_error_shape(owner):
    services.create_token(user=owner, name="script")
    for value in ["ipc_not-a-real-token", "garbage", ""]:
        response = client_for(None).get("/api/v1/me", **bearer(value))
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
        assert response["WWW-Authenticate"] == 'Bearer realm="ipcoop"'


def test_revoked_token_stops_working_at_once(owner):
    token, secret = services.create_token(user=owner, name="script")
    client = client_for(owner)
    response = client.post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert "is revoked" in response.text
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client_for(None).get("/api/v1/me", **bearer(secret)).status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED, actor=owner).count() == 1


def test_wrong_token_is_refused_even_with_a_signed_in_session(owner):
    token, secret = services.create_token(user=owner, name="script")
    services.revoke_token(user=owner, token=token)
    client = client_for(owner)
    assert client.get("/api/v1/me").status_code == 200  # the session alone works
    for header in [f"Bearer {secret}", "Bearer ipc_bogus", "Basic b3duZXI6eA=="]:
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header


def test_token_of_a_deactivated_user_is_refused(owner):
    _token, secret = services.create_token(user=owner, name="script")
    owner.is_active = False
    owner.save()
    assert client_for(None).get("/api/v1/me", **bearer(secret)).status_code == 401


def test_someone_elses_token_cannot_be_revoked_and_looks_missing(owner):
    token, _secret = services.create_token(user=owner, name="Owner's private link")
    intruder = client_for(make_user("intruder"))
    assert_same_not_found(
        intruder,
        f"/account/tokens/{token.pk}/revoke/",
        "/account/tokens/999999/revoke/",
        method="post",
    )
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "Owner&#x27;s private link" not in intruder.get("/account/tokens/").text


def test_api_token_lifecycle(owner):
    client = client_for(owner)
    created = client.post(
        "/api/v1/me/tokens", {"name": "docketing"}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("ipc_")
    listed = client_for(None).get("/api/v1/me/tokens", **bearer(body["token"])).json()
    assert [(t["name"], "token" in t) for t in listed] == [("docketing", False)]
    revoked = client_for(None).post(
        f"/api/v1/me/tokens/{body['id']}/revoke", **bearer(body["token"])
    )
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client_for(None).get("/api/v1/me", **bearer(body["token"])).status_code == 401


def test_api_refuses_revoking_someone_elses_token_like_a_missing_one(owner):
    token, _secret = services.create_token(user=owner, name="script")
    _mine, secret = services.create_token(user=make_user("intruder"), name="mine")
    client = client_for(None)
    hidden = client.post(f"/api/v1/me/tokens/{token.pk}/revoke", **bearer(secret))
    missing = client.post("/api/v1/me/tokens/999999/revoke", **bearer(secret))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_api_token_with_empty_name_gives_a_field_error(owner):
    response = client_for(owner).post(
        "/api/v1/me/tokens", {"name": ""}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "name", "message": "Give the token a name, e.g. 'office system'."}
    ]


def test_session_post_without_csrf_is_refused(owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post("/api/v1/me/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not ApiToken.objects.exists()


def test_console_token_command_prints_a_working_token(owner, capsys):
    call_command("token", "owner", "--name", "cron")
    secret = capsys.readouterr().out.strip()
    assert client_for(None).get("/api/v1/me", **bearer(secret)).json()["username"] == "owner"
    assert ApiToken.objects.get(user=owner).name == "cron"


def test_token_list_page_query_count_does_not_grow(owner, django_assert_max_num_queries):
    client = client_for(owner)
    services.create_token(user=owner, name="one")
    client.get("/account/tokens/")
    with django_assert_max_num_queries(8) as one:
        client.get("/account/tokens/")
    for n in range(3):
        services.create_token(user=owner, name=f"more {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/account/tokens/")
