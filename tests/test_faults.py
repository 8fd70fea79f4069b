"""Faults: a database that does not answer gets a 503 page, a cache that does not answer is
done without, and the platform served by gunicorn survives a killed worker, a PostgreSQL
restart and Redis going away under load (the scenarios are in tests/faultkit.py;
benchmarks/faults.py runs them longer and reports the figures).
"""

from __future__ import annotations

import json
import logging
import socket
import time
from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.db import OperationalError, connections
from django.test import Client, RequestFactory

from ipcoop.lib.cache import FailOpenRedisCache
from ipcoop.ratelimit import Rate, hit
from ipcoop.web import unavailable
from tests import faultkit
from tests.conftest import make_user

PAGE_TITLE = faultkit.UNAVAILABLE_PAGE_TITLE


def refuse_connections(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: refused')


@pytest.fixture
def database_down(db):
    """Every query fails as it does when PostgreSQL is down: at connection time."""
    with mock.patch.object(connections["default"], "ensure_connection", refuse_connections):
        yield


@pytest.fixture
def client_seeing_errors():
    # The test client re-raises a view's exception by default; a visitor sees the answer.
    return Client(raise_request_exception=False)


def assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(unavailable.RETRY_AFTER)
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert f"<h1>{PAGE_TITLE}</h1>" in text
    assert "cannot reach its database" in text
    for mark in faultkit.TRACE_MARKS:
        assert mark not in text


# --- a database that does not answer -------------------------------------------------


def test_a_page_gets_503_with_retry_after_when_the_database_is_down(
    database_down, client_seeing_errors
):
    response = client_seeing_errors.get("/cooperation/")
    assert_unavailable_page(response)


def test_the_503_page_is_in_the_visitors_language(database_down, client_seeing_errors):
    client_seeing_errors.cookies["ipcoop_language"] = "ko"
    response = client_seeing_errors.get("/cooperation/")
    assert response.status_code == 503
    assert '<html lang="ko"' in response.content.decode()


def test_the_api_answers_503_in_its_error_shape_when_the_database_is_down(
    database_down, client_seeing_errors
):
    # The endpoint returns a queryset that the response schema reads: the error comes
    # out of pydantic, and is still recognised.
    response = client_seeing_errors.get("/api/v1/offices")
    assert response.status_code == 503
    assert response["Retry-After"] == str(unavailable.RETRY_AFTER)
    body = json.loads(response.content)
    assert body["code"] == "unavailable"
    assert "cannot reach its database" in body["message"]
    assert body["errors"] == []


def test_a_session_lookup_that_fails_in_the_middleware_gets_the_503_page(
    db, monkeypatch, client_seeing_errors
):
    client_seeing_errors.force_login(make_user("signed.in"))
    # Only reading the session fails: that happens in the middleware, before any view.
    monkeypatch.setattr(SessionStore, "_get_session_from_db", refuse_connections)
    response = client_seeing_errors.get("/")
    assert_unavailable_page(response)


def test_the_failure_is_logged_with_its_traceback(database_down, client_seeing_errors, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        client_seeing_errors.get("/cooperation/")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Service Unavailable: /cooperation/"
    assert isinstance(record.exc_info[1], OperationalError)


def raised_and_answered(error: Exception, path: str = "/"):
    """What the handler answers while ``error`` is being handled."""
    try:
        raise error
    except Exception:
        return unavailable.server_error(RequestFactory().get(path))


def test_other_errors_still_get_the_500_page():
    response = raised_and_answered(ValueError("a bug"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Retry-After" not in response


def test_an_error_raised_from_a_database_error_counts_as_the_database():
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError as error:
        wrapped = RuntimeError("could not load the page")
        wrapped.__cause__ = error
    assert raised_and_answered(wrapped).status_code == 503
    assert raised_and_answered(wrapped, "/api/v1/practice").status_code == 503


# --- a cache that does not answer ----------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fail_open_cache(location: str, **options) -> FailOpenRedisCache:
    return FailOpenRedisCache(location, {"OPTIONS": options, "KEY_PREFIX": "faults-test"})


def test_a_cache_that_does_not_answer_is_done_without_quickly(caplog):
    cache = fail_open_cache(f"redis://127.0.0.1:{closed_port()}/0")
    with caplog.at_level(logging.WARNING, logger="ipcoop.lib.cache"):
        started = time.monotonic()
        assert cache.get("k", "default") == "default"
        assert time.monotonic() - started < 0.5
        # Then it is left alone for a while: no waiting at all.
        started = time.monotonic()
        cache.set("k", 1)
        assert cache.add("k", 1) is False
        assert cache.get_many(["k", "l"]) == {}
        assert cache.has_key("k") is False
        assert cache.delete("k") is False
        assert cache.incr("n") == 1  # counts from zero: a rate limit lets the request through
        assert cache.get_or_set("k", 2) == 2
        assert time.monotonic() - started < 0.05
    assert cache.available is False
    warnings = [r.getMessage() for r in caplog.records if r.name == "ipcoop.lib.cache"]
    assert len(warnings) == 1
    assert "does not answer" in warnings[0]


def test_rate_limits_let_requests_through_while_the_cache_is_down(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "ipcoop.lib.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    with caplog.at_level(logging.WARNING):
        answers = [hit("demo", "same-client", Rate(1, 60)) for _ in range(5)]
    assert answers == [0, 0, 0, 0, 0]
    # One warning from the cache, none per request from the rate limit.
    assert [r.name for r in caplog.records if r.levelno >= logging.WARNING] == ["ipcoop.lib.cache"]
    caches["default"].close()


@pytest.fixture
def redis_server():
    reason = faultkit.missing_redis()
    if reason:
        pytest.skip(f"Redis fault tests need a redis-server of their own: {reason}")
    with faultkit.ThrowawayRedis() as server:
        yield server


def test_the_cache_is_used_again_once_redis_is_back(redis_server, caplog):
    cache = fail_open_cache(redis_server.url, down_seconds=0.2)
    cache.set("k", "kept")
    assert cache.get("k") == "kept"
    # One client for every operation, on the same pool (it reconnects by itself).
    client = cache._cache.get_client()
    assert cache._cache.get_client("other key", write=True) is client
    redis_server.kill()
    with caplog.at_level(logging.WARNING, logger="ipcoop.lib.cache"):
        assert cache.get("k", "gone") == "gone"
        redis_server.start()
        time.sleep(0.3)
        cache.set("k", "again")
        assert cache.get("k") == "again"
    assert cache._cache.get_client() is client
    messages = [r.getMessage() for r in caplog.records if r.name == "ipcoop.lib.cache"]
    assert len(messages) == 2
    assert "answers again" in messages[1]
    cache.close()


# --- the platform under load (gunicorn, as in production) ----------------------------


@pytest.fixture(scope="module")
def served_sqlite(tmp_path_factory):
    """A production-mode environment with a migrated SQLite database of its own."""
    folder = tmp_path_factory.mktemp("faults")
    env = faultkit.production_env(folder)
    faultkit.migrate(env)
    return folder, env


def test_a_killed_worker_costs_at_most_its_requests_and_is_replaced(served_sqlite):
    folder, env = served_sqlite
    figures = faultkit.worker_kill(folder, env, workers=3, before=1.5, after=3)
    print(faultkit.dump(figures))
    assert figures["requests"] > 50
    # Only the requests the killed worker was answering are lost (connection reset).
    assert figures["error_rate"] <= 0.05
    assert {f["status"] for f in figures["failed_requests"]} <= {0}
    assert figures["respawn_s"] is not None
    assert figures["respawn_s"] < 5
    assert figures["new_worker_first_answer_s"] is not None
    assert figures["workers_after"] == 3


def test_postgresql_restarting_gets_a_fast_503_then_service_again(tmp_path):
    reason = faultkit.missing_postgres()
    if reason:
        pytest.skip(f"The PostgreSQL restart test needs a throwaway cluster: {reason}")
    with faultkit.ThrowawayPostgres() as cluster:
        env = faultkit.production_env(tmp_path, DATABASE_URL=cluster.url)
        faultkit.migrate(env)
        figures = faultkit.postgres_restart(tmp_path, env, cluster, outage=2, after=2)
    print(faultkit.dump(figures))
    failing = figures["failing"]
    # Only the clear 503 (page or API error, with Retry-After), never a 500 or a trace.
    assert set(figures["statuses"]) == {"200", "503"}
    assert failing["requests"] > 0
    assert failing["explained_503"] == failing["requests"]
    assert failing["with_trace"] == 0
    # Fast: nobody waits on a database that is not there.
    assert failing["max_ms"] < 2000
    # Back within seconds of PostgreSQL accepting connections, and for good.
    assert figures["first_200_after_ready_s"] < 3
    assert figures["after_recovery"]["requests"] > 0
    assert figures["after_recovery"]["statuses"] == {"200": figures["after_recovery"]["requests"]}


def test_redis_down_or_hanging_leaves_every_page_served(served_sqlite, redis_server):
    folder, env = served_sqlite
    figures = faultkit.redis_down(folder, env, redis_server, phase=2)
    print(faultkit.dump(figures))
    assert figures["requests"] > 50
    assert figures["statuses"] == {"200": figures["requests"]}
    for name, phase in figures["phases"].items():
        assert phase["requests"] > 0, name
    # A Redis that hangs costs at most its short timeout, then is left alone.
    assert figures["phases"]["hanging"]["p95_ms"] < 1000
