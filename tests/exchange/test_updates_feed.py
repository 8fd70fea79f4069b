"""The updates feed page (filters, pages, unread marks), the Atom feeds and the API list."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from ipcoop.access import Visibility
from ipcoop.exchange.updates import services
from ipcoop.exchange.updates.models import FeedToken, PolicyUpdate, ReadReceipt
from tests.conftest import client_for, without_csrf
from tests.exchange.test_updates_support import (  # noqa: F401 (media_root is autouse)
    PDF,
    make_update,
    media_root,
    upload,
)

ATOM = "{http://www.w3.org/2005/Atom}"


def titles_on(html: str, updates) -> list[str]:
    """The titles of ``updates`` in the order the page shows them."""
    found = [(html.find(f">{u.title}</a>"), u.title) for u in updates]
    return [title for position, title in sorted(found) if position >= 0]


def backdate(update: PolicyUpdate, days: int) -> PolicyUpdate:
    when = timezone.now() - timedelta(days=days)
    PolicyUpdate.objects.filter(pk=update.pk).update(created_at=when, updated_at=when)
    update.refresh_from_db()
    return update


# Feed page -----------------------------------------------------------------------------


def test_feed_lists_newest_first_and_filters_by_office_kind_tag_and_date(personas):
    old = backdate(
        make_update(personas, title="Old fee change", kind="fee_change", tags=["trademark"]),
        days=40,
    )
    new = make_update(personas, title="New AI guideline", tags=["ai", "patent"])
    ipos = services.post_update(
        author=personas.ipos_policy,
        office=personas.ipos,
        kind="notice",
        title="IPOS notice",
        summary="A notice.",
        visibility=Visibility.PUBLIC,
        tags=["copyright"],
    )
    every = [old, new, ipos]
    client = client_for(None)
    assert titles_on(client.get("/updates/").text, every) == [
        "IPOS notice",
        "New AI guideline",
        "Old fee change",
    ]
    assert titles_on(client.get("/updates/?office=sg-ipos").text, every) == ["IPOS notice"]
    assert titles_on(client.get("/updates/?kind=fee_change").text, every) == ["Old fee change"]
    assert titles_on(client.get("/updates/?tag=ai").text, every) == ["New AI guideline"]
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert titles_on(client.get(f"/updates/?published_from={since}").text, every) == [
        "IPOS notice",
        "New AI guideline",
    ]
    assert titles_on(client.get(f"/updates/?published_to={until}").text, every) == [
        "Old fee change"
    ]
    page = client.get("/updates/?kind=statistics").text
    assert "No updates match these filters." in page


def test_feed_pages_keep_the_filters_in_their_links(personas):
    for n in range(23):
        make_update(personas, title=f"Update number {n:02d}", tags=["patent"])
    client = client_for(None)
    first = client.get("/updates/?tag=patent").text
    assert "Page 1 of 2" in first
    assert 'href="?tag=patent&amp;page=2"' in first
    second = client.get("/updates/?tag=patent&page=2").text
    assert "Page 2 of 2" in second
    assert "Update number 00" in second and "Update number 22" not in second


def test_htmx_filter_request_gets_only_the_list(personas):
    make_update(personas, title="AI guideline", tags=["ai"])
    response = client_for(None).get(
        "/updates/?tag=ai", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="update-list"
    )
    assert response.text.lstrip().startswith('<section id="update-list"')
    assert "AI guideline" in response.text
    assert "<html" not in response.text


def test_feed_query_count_is_the_same_for_3_and_30_updates(personas, django_assert_max_num_queries):
    client = client_for(personas.kipo_examiner)
    for n in range(3):
        make_update(personas, Visibility.OWN, title=f"first {n}", files=[upload("a.pdf", PDF)])
    client.get("/updates/")
    with django_assert_max_num_queries(25) as small:
        client.get("/updates/")
    for n in range(27):
        level = [Visibility.PUBLIC, Visibility.SELECTED, Visibility.OWN][n % 3]
        make_update(personas, level, title=f"more {n}", files=[upload("b.pdf", PDF)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/updates/")
    assert response.text.count('class="update is-unread"') == 20
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/api/v1/updates?per_page=30")


@pytest.mark.parametrize("url", ["/api/v1/updates", "/updates/feed.atom"])
def test_api_list_and_atom_query_counts_do_not_grow(personas, django_assert_max_num_queries, url):
    client = client_for(None)
    for n in range(3):
        make_update(personas, title=f"first {n}")
    client.get(url)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for n in range(27):
        make_update(personas, title=f"more {n}", files=[upload("b.pdf", PDF)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


# Unread marks ---------------------------------------------------------------------------


def test_opening_an_update_marks_it_read_and_mark_all_read_clears_the_rest(personas):
    first = make_update(personas, Visibility.OFFICES, title="First")
    make_update(personas, Visibility.OFFICES, title="Second")
    reader = personas.th_examiner
    client = client_for(reader)
    page = client.get("/updates/").text
    assert "2 unread updates" in page
    assert page.count('class="badge unread">Unread</span>') == 2

    client.get(f"/updates/{first.pk}/")
    assert ReadReceipt.objects.filter(user=reader, update=first).exists()
    page = client.get("/updates/").text
    assert "1 unread update" in page
    assert page.count(">Unread</span>") == 1
    assert page.index(">Unread</span>") < page.index(">Second</a>")

    response = client.post("/updates/mark-all-read/", follow=True)
    assert "All updates are marked read." in response.text
    assert "0 unread updates" in response.text
    assert ">Unread</span>" not in response.text
    third = make_update(personas, Visibility.OFFICES, title="Third")
    page = client.get("/updates/").text
    assert "1 unread update" in page
    assert third.title in page
    # Someone else's marks are their own.
    assert "3 unread updates" in client_for(personas.ipos_policy).get("/updates/").text


def test_visitors_have_no_unread_marks(personas):
    make_update(personas, title="Public one")
    page = client_for(None).get("/updates/").text
    assert ">Unread</span>" not in page
    assert "Mark all read" not in page
    assert client_for(None).post("/updates/mark-all-read/").status_code == 302
    assert not ReadReceipt.objects.exists()


# Atom feeds -----------------------------------------------------------------------------


def parse_atom(response):
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 (our own feed)


def test_public_atom_feed_is_valid_and_escapes_text(personas):
    update = make_update(
        personas,
        title="Fees <b>&</b> forms",
        summary='Fees & <script>alert("x")</script> rise.',
    )
    make_update(personas, Visibility.OFFICES, title="Only for offices")
    root = parse_atom(client_for(None).get("/updates/feed.atom"))
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == "http://testserver/updates/feed.atom"
    assert root.findtext(f"{ATOM}updated")
    assert root.findtext(f"{ATOM}title")
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Fees <b>&</b> forms"
    assert entry.findtext(f"{ATOM}id") == f"http://testserver/updates/{update.pk}/"
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/updates/{update.pk}/"
    assert entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "KIPO"
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # Escaped twice over: a reader that renders the HTML shows the text, runs nothing.
    assert summary.text == "Fees &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; rise."
    assert b"<script>" not in client_for(None).get("/updates/feed.atom").content


def test_private_feed_shows_what_the_user_may_see_and_dies_when_revoked(personas):
    make_update(personas, Visibility.PUBLIC, title="Public")
    make_update(personas, Visibility.SELECTED, title="For IPOS")
    make_update(personas, Visibility.OWN, title="KIPO only")
    client = client_for(personas.ipos_policy)

    page = client.get("/updates/private-feed/").text
    assert "You have no private feed address now." in page
    response = client.post("/updates/private-feed/", {"action": "create"}, follow=True)
    assert response["Cache-Control"] == "no-store"
    url = response.context["new_url"]
    assert url.startswith("http://testserver/updates/feed/ipf_") and url.endswith(".atom")
    assert url in response.text
    secret = url.removeprefix("http://testserver/updates/feed/").removesuffix(".atom")
    stored = FeedToken.objects.get(user=personas.ipos_policy)
    assert secret not in str(FeedToken.objects.values().get())
    assert stored.prefix == secret[:10]
    assert url not in client.get("/updates/private-feed/").text  # shown once

    feed_path = url.removeprefix("http://testserver")
    anonymous = client_for(None)
    root = parse_atom(anonymous.get(feed_path))
    titles = {entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")}
    assert titles == {"Public", "For IPOS"}
    assert anonymous.get(feed_path)["Cache-Control"] == "private, no-store"

    # Access changes with the user's roles, at once.
    from ipcoop.people import services as people

    people.revoke_role(by=None, membership=personas.ipos_policy.memberships.get())
    root = parse_atom(anonymous.get(feed_path))
    assert {e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")} == {"Public"}

    # A new address replaces the old one; revoking stops it; both old addresses are 404.
    client.post("/updates/private-feed/", {"action": "create"})
    assert anonymous.get(feed_path).status_code == 404
    response = client.post("/updates/private-feed/", {"action": "revoke"}, follow=True)
    assert "Your private feed address no longer works." in response.text
    assert not FeedToken.objects.filter(revoked_at__isnull=True).exists()
    missing = anonymous.get("/updates/feed/ipf_no-such-secret.atom")
    revoked = anonymous.get(feed_path)
    assert revoked.status_code == missing.status_code == 404
    assert without_csrf(revoked.content).replace(feed_path.encode(), b"") == without_csrf(
        missing.content
    ).replace(b"/updates/feed/ipf_no-such-secret.atom", b"")


def test_private_feed_page_needs_sign_in(db):
    response = client_for(None).get("/updates/private-feed/")
    assert response.status_code == 302
    assert not FeedToken.objects.exists()


# API list -------------------------------------------------------------------------------


def test_api_list_filters_and_pages(personas):
    backdate(make_update(personas, title="Old", kind="fee_change"), days=10)
    for n in range(3):
        make_update(personas, title=f"New {n}", tags=["blockchain"])
    client = client_for(None)
    body = client.get("/api/v1/updates?per_page=2").json()
    assert (body["count"], body["page"], body["pages"]) == (4, 1, 2)
    assert [item["title"] for item in body["items"]] == ["New 2", "New 1"]
    body = client.get("/api/v1/updates?per_page=2&page=2").json()
    assert [item["title"] for item in body["items"]] == ["New 0", "Old"]
    assert [i["title"] for i in client.get("/api/v1/updates?kind=fee_change").json()["items"]] == [
        "Old"
    ]
    assert client.get("/api/v1/updates?tag=blockchain").json()["count"] == 3
    assert client.get("/api/v1/updates?office=sg-ipos").json()["count"] == 0
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert client.get("/api/v1/updates", {"since": since}).json()["count"] == 3
    bad = client.get("/api/v1/updates?tag=crypto")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "tag"


def test_api_read_with_a_revoked_token_is_401_not_anonymous(personas):
    from ipcoop.people import services as people

    token, secret = people.create_token(user=personas.kipo_examiner, name="script")
    people.revoke_token(user=personas.kipo_examiner, token=token)
    response = client_for(None).get("/api/v1/updates", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_api_read_with_a_token_sees_what_its_owner_sees(personas):
    from ipcoop.people import services as people

    own = make_update(personas, Visibility.OWN, title="KIPO only")
    _token, secret = people.create_token(user=personas.kipo_examiner, name="script")
    response = client_for(None).get(
        f"/api/v1/updates/{own.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
    assert response.json()["title"] == "KIPO only"


def test_openapi_documents_the_updates_endpoints(db):
    schema = client_for(None).get("/api/v1/openapi.json").json()
    listing = schema["paths"]["/api/v1/updates"]
    # 400, 422 and 429 are documented on every operation (ipcoop.apischema.DocumentedErrors).
    common = {"400", "422", "429"}
    assert set(listing["get"]["responses"]) == {"200", "401", *common}
    assert set(listing["post"]["responses"]) == {"201", "401", "403", *common}
    one = schema["paths"]["/api/v1/updates/{update_id}"]["get"]
    assert set(one["responses"]) == {"200", "401", "404", *common}
