"""The search page: works without JavaScript, htmx gets the results partial, facets,
pagination, the cap on very common terms, and a constant number of queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from ipcoop.search import services
from tests.conftest import client_for
from tests.search.conftest import ask, post

pytestmark = pytest.mark.django_db


def test_header_has_a_labelled_search_box_on_every_page(personas):
    home = client_for(None).get("/")
    assert '<form class="site-search" role="search" method="get" action="/search/">' in home.text
    assert '<label for="site-search-q" class="visually-hidden">Search the platform</label>' in (
        home.text
    )
    assert 'id="site-search-q" name="q"' in home.text


def test_search_page_without_javascript_lists_results_with_snippets(personas):
    update = post(personas, title="Patent term extension", summary="Extension for medicines.")
    page = client_for(None).get("/search/", {"q": "extension"})
    assert page.status_code == 200
    assert "<h1>Search</h1>" in page.text
    assert f'<a href="/updates/{update.pk}/">Patent term <mark>extension</mark></a>' in page.text
    assert "<mark>Extension</mark> for medicines." in page.text
    assert "1 result" in page.text
    assert 'value="extension"' in page.text


def test_empty_query_invites_a_search(personas):
    page = client_for(None).get("/search/")
    assert page.status_code == 200
    assert "Type a word, a name or a number." in page.text


def test_htmx_request_gets_only_the_results_partial(personas):
    post(personas, title="Design renewal fees")
    page = client_for(None).get("/search/", {"q": "renewal"}, headers={"HX-Request": "true"})
    assert page.text.lstrip().startswith('<div id="search-results"')
    assert "<html" not in page.text
    assert "Design <mark>renewal</mark> fees" in page.text


def test_search_box_updates_results_as_you_type(personas):
    page = client_for(None).get("/search/")
    assert 'hx-trigger="input changed delay:300ms, search"' in page.text
    assert 'hx-target="#search-results"' in page.text


def test_facet_links_filter_and_show_counts(personas):
    post(personas, title="Blockchain evidence notice")
    ask(personas, title="Blockchain evidence in courts?")
    client = client_for(personas.kipo_policy)
    page = client.get("/search/", {"q": "blockchain"})
    assert 'Consultation <span class="count">(1)</span>' in page.text
    assert "?q=blockchain&amp;kind=consultation" in page.text
    only = client.get("/search/", {"q": "blockchain", "kind": "consultation"})
    assert "1 result" in only.text
    assert "<mark>Blockchain</mark> evidence in courts?" in only.text
    assert "<mark>Blockchain</mark> evidence notice" not in only.text
    assert 'aria-current="true"' in only.text


def test_results_are_paged_twenty_at_a_time(personas):
    for n in range(25):
        post(personas, title=f"Circular number {n} on seaweed")
    first = services.search(user=AnonymousUser(), query="seaweed")
    second = services.search(user=AnonymousUser(), query="seaweed", page=2)
    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (25, 2, 20, 5)
    page = client_for(None).get("/search/", {"q": "seaweed", "page": 2})
    assert "Page 2 of 2" in page.text
    assert 'rel="prev"' in page.text


def test_very_common_terms_are_capped_and_said_so(personas, monkeypatch):
    for n in range(5):
        post(personas, title=f"Notice {n} about rice")
    monkeypatch.setattr(services, "CAP", 3)
    results = services.search(user=AnonymousUser(), query="rice")
    assert (results.total, results.capped, len(results.hits)) == (3, True, 3)
    monkeypatch.setattr(services, "CAP", 1000)
    page = client_for(None).get("/search/", {"q": "rice"})
    assert "5 results" in page.text


def _results_page(client):
    return client.get("/search/", {"q": "durian"})


def test_results_page_query_count_is_constant(personas, django_assert_max_num_queries):
    client = client_for(personas.kipo_policy)
    post(personas, title="Durian geographical indication")
    ask(personas, title="Durian GI?")
    _results_page(client)  # warm the session
    with django_assert_max_num_queries(14) as few:
        _results_page(client)
    for n in range(20):
        post(personas, title=f"Durian notice {n}", visibility="offices")
        ask(personas, title=f"Durian question {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = _results_page(client)
    assert "More than" not in page.text and "42 results" in page.text
