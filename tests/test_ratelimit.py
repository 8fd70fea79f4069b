"""Rate limits: 429 with Retry-After on sign-in, sign-up, password reset and API tokens."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from ipcoop.people import services
from ipcoop.ratelimit import Rate, hit
from tests.conftest import make_user


@pytest.fixture
def limits(settings):
    cache.clear()
    settings.RATE_LIMITS = {
        "signin": "3/m",
        "signup": "2/h",
        "password_reset": "2/h",
        "token_failure": "3/m",
        "token": "4/m",
        "search": "3/m",
    }
    yield settings.RATE_LIMITS
    cache.clear()


@pytest.mark.parametrize(
    ("text", "rate"),
    [("10/h", Rate(10, 3600)), ("5/10m", Rate(5, 600)), ("100/d", Rate(100, 86400))],
)
def test_rates_are_read_from_text(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["10", "ten/h", "5/10x", "/m"])
def test_a_malformed_rate_says_how_to_write_one(text):
    with pytest.raises(ValueError, match="looks like '10/h'"):
        Rate.parse(text)


def test_a_fixed_window_counts_then_resets(limits):
    rate = Rate(2, 60)
    assert hit("demo", "a", rate, now=120.0) == 0
    assert hit("demo", "a", rate, now=130.0) == 0
    assert hit("demo", "a", rate, now=150.0) == 30  # 30 s until the window ends
    assert hit("demo", "b", rate, now=150.0) == 0  # another client is counted apart
    assert hit("demo", "a", rate, now=180.0) == 0  # a new window


def test_signup_is_limited_per_address_with_retry_after(client, limits, db):
    for n in range(2):
        client.post("/account/signup/", {"username": f"x{n}"})
    response = client.post("/account/signup/", {"username": "x3"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many requests" in response.text
    # Reading the form is not limited.
    assert client.get("/account/signup/").status_code == 200
    # Another address is not affected.
    other = client.post("/account/signup/", {"username": "x4"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_password_reset_requests_are_limited(client, limits, db, mailoutbox):
    make_user("ana", email="ana@example.org")
    for _ in range(2):
        client.post("/account/password/reset/", {"email": "ana@example.org"})
    response = client.post("/account/password/reset/", {"email": "ana@example.org"})
    assert response.status_code == 429
    assert len(mailoutbox) == 2


def test_signin_attempts_are_limited_per_address(client, limits, db):
    make_user("ana")
    for _ in range(3):
        client.post("/account/signin/", {"username": "ana", "password": "wrong"})
    response = client.post("/account/signin/", {"username": "ana", "password": "wrong"})
    assert response.status_code == 429
    assert response.has_header("Retry-After")


def test_guessing_api_tokens_is_slowed_down(client, limits, db):
    for _ in range(3):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ipc_wrong")
        assert response.status_code == 401
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ipc_wrong")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_each_token_has_a_request_budget(client, limits, db):
    user = make_user("ana")
    _token, secret = services.create_token(user=user, name="script", request=None)
    for _ in range(4):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 429
    assert "Wait" in response.json()["message"]


def test_limits_fail_open_when_the_cache_is_down(client, limits, db, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "incr", down)
    for _ in range(5):
        response = client.post("/account/signup/", {"username": "x"})
        assert response.status_code == 200  # the form answers (with its errors), never 429 or 500


def test_searches_are_limited_per_address(client, limits, db):
    for _ in range(3):
        assert client.get("/search/", {"q": "patent"}).status_code == 200
    page = client.get("/search/", {"q": "patent"})
    assert page.status_code == 429
    assert page.has_header("Retry-After")
    api = client.get("/api/v1/search", {"q": "patent"})
    assert api.status_code == 429
    assert api.json()["code"] == "throttled"
