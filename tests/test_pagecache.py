"""Public pages are served to visitors from a short-lived cache; nobody else gets them."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ipcoop.academy.models import Course
from ipcoop.web.pagecache import CSRF_PLACEHOLDER
from tests.conftest import cache_turned_on, client_for

PAGES_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    "reader-pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


@pytest.fixture(autouse=True)
def page_cache(settings):
    yield from cache_turned_on(settings, PAGES_CACHE, "pages")


def _queries(client: Client, url: str, **extra) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return len(queries), response


def _rendered(client: Client, url: str, **extra) -> bool:
    """Whether the page was rendered for this request (not served from the cache)."""
    return client.get(url, **extra).context is not None


def test_a_visitor_gets_the_page_from_the_cache_with_a_token_of_their_own(db):
    first, second = Client(), Client()
    _n, page = _queries(first, "/")
    assert page.status_code == 200
    n, again = _queries(second, "/")
    assert n == 0 and again.context is None  # no view, no template, no query
    assert again.status_code == 200
    assert again["Content-Type"].startswith("text/html")
    assert again["Cache-Control"] == "private"
    body = again.content.decode()
    assert CSRF_PLACEHOLDER not in body and CSRF_PLACEHOLDER not in page.content.decode()
    assert "If you are a learner" in body
    # The second visitor's token is theirs: the language switch works with it.
    assert "csrftoken" in second.cookies
    checked = Client(enforce_csrf_checks=True)
    checked.get("/")
    served = checked.get("/")
    hidden = served.content.decode().split('name="csrfmiddlewaretoken" value="', 1)[1]
    answer = checked.post(
        "/language/", {"language": "ko", "next": "/", "csrfmiddlewaretoken": hidden[:64]}
    )
    assert answer.status_code == 302


def test_each_language_is_cached_apart(db):
    english = Client().get("/academy/")
    korean = Client(headers={"accept-language": "ko"}).get("/academy/")
    korean_again = Client(headers={"accept-language": "ko"}).get("/academy/")
    assert english.content != korean.content
    assert 'lang="ko"' in korean_again.content.decode()
    assert 'lang="en"' in Client().get("/academy/").content.decode()


def test_signed_in_people_never_get_the_visitors_page(personas):
    Client().get("/")  # cached for visitors
    examiner = client_for(personas.kipo_examiner)
    page = examiner.get("/")
    assert page.context is not None
    assert "kipo.examiner" in page.content.decode()
    assert "Sign out" in page.content.decode()
    # …and what they saw is not served to a visitor afterwards.
    visitor = Client().get("/").content.decode()
    assert "kipo.examiner" not in visitor


def test_a_visitor_with_a_session_or_htmx_is_not_served_from_the_cache(db, page_cache):
    Client().get("/")
    assert not _rendered(Client(), "/")
    with_session = Client()
    with_session.cookies["sessionid"] = "whatever"
    assert _rendered(with_session, "/")
    assert _rendered(Client(), "/", headers={"HX-Request": "true"})


def test_the_cache_holds_public_pages_for_seconds_only(db, page_cache):
    Client().get("/academy/")
    keys = list(page_cache._cache.keys())
    assert len(keys) == 1
    expiry = page_cache._expire_info[keys[0]]
    assert 0 < expiry - time.time() <= 30


def test_pages_not_marked_public_are_not_cached(db, page_cache):
    Client().get("/practice/")
    Client().get("/account/signin/")
    assert not page_cache._cache


def test_a_missing_course_is_not_cached(db, page_cache):
    assert not Course.objects.filter(slug="nope").exists()
    missing = Client().get("/academy/nope/")
    assert missing.status_code == 404
    assert CSRF_PLACEHOLDER not in missing.content.decode()
    assert not page_cache._cache
