"""Sessions read from the shared cache when there is one (``ipcoop/people/sessions.py``):
no query per request, the database still the record, and a copy trusted for a minute
at most."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipcoop.people import sessions
from tests.conftest import PASSWORD, cache_turned_on, make_user
from tests.test_settings import run_manage

SESSION_QUERY = 'FROM "django_session"'


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "ipcoop.people.sessions"
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "s"}
    yield from cache_turned_on(settings, {**settings.CACHES, "default": locmem}, "default")


def _session_queries(client, url: str = "/account/profile/") -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return sum(SESSION_QUERY in q["sql"] for q in queries.captured_queries), response


@pytest.mark.django_db
def test_a_signed_in_request_reads_its_session_from_the_cache(client, cached_sessions):
    user = make_user("reader", display_name="Ready Reader")
    signed_in = client.post("/account/signin/", {"username": "reader", "password": PASSWORD})
    assert signed_in.status_code == 302
    key = client.cookies["sessionid"].value
    # The database is the record; the cache holds a copy for a minute at most.
    assert Session.objects.filter(session_key=key).exists()
    cache_key = sessions.SessionStore.cache_key_prefix + key
    assert cache_key in cached_sessions
    expiry = cached_sessions._expire_info[cached_sessions.make_and_validate_key(cache_key)]
    assert expiry - time.time() <= sessions.CACHE_SECONDS
    reads, page = _session_queries(client)
    assert reads == 0 and "Ready Reader" in page.text
    # An emptied cache (Redis restarted) signs nobody out: the database is read once.
    cached_sessions.clear()
    reads, page = _session_queries(client)
    assert reads == 1 and "Ready Reader" in page.text
    assert _session_queries(client)[0] == 0
    assert user.pk == int(client.session["_auth_user_id"])


@pytest.mark.django_db
def test_signing_out_ends_the_session_in_the_cache_and_the_database(client, cached_sessions):
    make_user("leaver")
    client.post("/account/signin/", {"username": "leaver", "password": PASSWORD})
    key = client.cookies["sessionid"].value
    assert client.post("/account/signout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert sessions.SessionStore.cache_key_prefix + key not in cached_sessions
    # The old cookie opens nothing.
    client.cookies["sessionid"] = key
    assert client.get("/account/profile/")["Location"].startswith("/account/signin/")


@pytest.mark.parametrize(
    ("redis_url", "engine"),
    [
        ("redis://127.0.0.1:6379/0", "ipcoop.people.sessions"),
        ("", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_are_read_from_redis_only_when_there_is_one(redis_url, engine):
    done = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SESSION_ENGINE)",
        REDIS_URL=redis_url,
    )
    assert done.stdout.strip().splitlines()[-1] == engine, done.stderr
