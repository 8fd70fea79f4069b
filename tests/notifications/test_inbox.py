"""The inbox pages and API: newest first, unread marks, mark read (htmx and plain
posts), filter by kind, pages, preferences; nobody reaches another person's items."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ipcoop.notifications import services
from ipcoop.notifications.models import Kind, Notification, Preference
from ipcoop.people.models import User
from tests.conftest import assert_same_not_found, client_for
from tests.notifications.conftest import at, item


def test_inbox_lists_own_items_newest_first_with_kind_label_and_local_time(alice, bob):
    User.objects.filter(pk=alice.pk).update(time_zone="Asia/Seoul")
    old = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
    item(alice, Kind.MEETING_CANCELLED, "Old meeting", created_at=old)
    item(alice, Kind.PROPOSAL_DECIDED, "New decision", created_at=at(1))
    item(bob, Kind.PROPOSAL_DECIDED, "Bob's secret item")
    page = client_for(alice).get("/inbox/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index("New decision") < text.index("Old meeting")
    assert "Meeting cancelled" in text and "Proposal decided" in text
    assert "2026-01-05 10:00" in text  # 01:00 UTC shown in Seoul time
    assert "Bob&#x27;s secret item" not in text and "Bob's secret item" not in text
    assert "2 unread items." in text


def test_opening_an_item_marks_it_read_and_goes_to_its_page(alice):
    n = item(alice, url="/proposals/9/")
    response = client_for(alice).get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/proposals/9/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_an_item_never_redirects_off_the_site(alice):
    n = item(alice, url="https://evil.example/")
    response = client_for(alice).get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == "/inbox/"


def test_mark_read_without_javascript_redirects_back_to_the_filtered_page(alice):
    n = item(alice)
    client = client_for(alice)
    response = client.post(
        reverse("notifications:read", args=[n.pk]), {"next": "/inbox/?kind=proposal_to_endorse"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/inbox/?kind=proposal_to_endorse"
    n.refresh_from_db()
    assert n.read_at is not None
    # A "next" pointing elsewhere is ignored.
    other = item(alice)
    response = client.post(
        reverse("notifications:read", args=[other.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/inbox/"


def test_mark_read_with_htmx_returns_the_item_and_the_new_count(alice):
    n = item(alice, subject="Swap me")
    item(alice, subject="Still unread")
    response = client_for(alice).post(
        reverse("notifications:read", args=[n.pk]), HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and f'id="notification-{n.pk}"' in text
    assert "Swap me" in text and "Mark read" not in text.split("inbox-unread-total")[0]
    assert 'hx-swap-oob="true"' in text and "1 unread item." in text


def test_mark_all_read_for_one_kind_or_all(alice):
    a = item(alice, Kind.SLOT_POLL)
    b = item(alice, Kind.ACTION_DUE)
    client = client_for(alice)
    client.post(reverse("notifications:read_all"), {"kind": "slot_poll"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.read_at is not None and b.read_at is None
    response = client.post(reverse("notifications:read_all"), HTTP_HX_REQUEST="true")
    assert "0 unread items." in response.content.decode()
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()


def test_filter_by_kind_and_unread(alice):
    item(alice, Kind.SLOT_POLL, "Poll for the spring meeting")
    read = item(alice, Kind.ACTION_DUE, "Translate the guide")
    read_before = item(alice, Kind.ACTION_DUE, "Already done")
    services.mark_read(user=alice, notification=read_before)
    client = client_for(alice)
    text = client.get("/inbox/?kind=action_due").content.decode()
    assert "Translate the guide" in text and "Already done" in text
    assert "Poll for the spring meeting" not in text
    text = client.get("/inbox/?kind=action_due&unread=on").content.decode()
    assert "Translate the guide" in text and "Already done" not in text
    assert read.read_at is None


def test_pages_of_twenty_five(alice):
    for number in range(30):
        item(alice, subject=f"Item number {number:02d}", created_at=at(number))
    client = client_for(alice)
    first = client.get("/inbox/").content.decode()
    second = client.get("/inbox/?page=2").content.decode()
    assert "Item number 00" in first and "Item number 24" in first
    assert "Item number 25" not in first and "Item number 29" in second
    assert "Page 1 of 2" in first


def test_another_persons_item_answers_like_a_missing_one(alice, bob):
    hidden = item(bob)
    missing = hidden.pk + 1000
    client = client_for(alice)
    assert_same_not_found(client, f"/inbox/{hidden.pk}/", f"/inbox/{missing}/")
    assert_same_not_found(
        client, f"/inbox/{hidden.pk}/read/", f"/inbox/{missing}/read/", method="post"
    )
    hidden.refresh_from_db()
    assert hidden.read_at is None
    # Marking all read touches only one's own items.
    client.post(reverse("notifications:read_all"))
    hidden.refresh_from_db()
    assert hidden.read_at is None


def test_platform_admins_do_not_read_other_inboxes(personas, alice):
    hidden = item(alice)
    client = client_for(personas.platform_admin)
    assert_same_not_found(client, f"/inbox/{hidden.pk}/", f"/inbox/{hidden.pk + 1000}/")


def test_visitors_are_sent_to_sign_in(alice):
    response = client_for(None).get("/inbox/")
    assert response.status_code == 302 and "/account/" in response["Location"]


def test_inbox_query_count_is_the_same_for_1_and_20_items(alice):
    client = client_for(alice)
    item(alice)
    client.get("/inbox/")
    with CaptureQueriesContext(connection) as one:
        client.get("/inbox/")
    for number in range(19):
        item(alice, list(Kind)[number % len(Kind)], f"Item {number}", actor=alice)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get("/inbox/")
    assert response.content.decode().count('<li id="notification-') == 20
    assert len(one) == len(twenty)


def test_unread_count_is_one_query(alice, bob, django_assert_num_queries):
    item(alice)
    item(alice)
    item(bob)
    services.mark_read(user=alice, notification=item(alice))
    with django_assert_num_queries(1):
        assert services.unread_count(alice) == 2


def test_preferences_page_saves_the_choice(alice):
    client = client_for(alice)
    page = client.get("/inbox/preferences/")
    assert page.status_code == 200 and "Daily" in page.content.decode()
    response = client.post("/inbox/preferences/", {"digest": "weekly"})
    assert response.status_code == 302
    pref = Preference.objects.get(user=alice)
    assert (pref.digest, pref.urgent_email) == ("weekly", False)
    response = client.post("/inbox/preferences/", {"digest": "hourly", "urgent_email": "on"})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    pref.refresh_from_db()
    assert pref.digest == "weekly"


# API -------------------------------------------------------------------------------


def test_api_lists_own_items_and_marks_them_read(alice, bob):
    mine = item(alice, Kind.ACTION_OVERDUE, "Overdue translation")
    item(bob, Kind.ACTION_OVERDUE, "Not mine")
    client = client_for(alice)
    body = client.get("/api/v1/notifications").json()
    assert [(n["id"], n["kind"], n["kind_label"], n["unread"]) for n in body] == [
        (mine.pk, "action_overdue", "Action overdue", True)
    ]
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    response = client.post(f"/api/v1/notifications/{mine.pk}/read", content_type="application/json")
    assert response.status_code == 200 and response.json()["unread"] is False
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 0}


def test_api_hides_other_peoples_items_like_missing_ones(alice, bob):
    hidden = item(bob)
    client = client_for(alice)
    for method, suffix in (("get", ""), ("post", "/read")):
        seen = getattr(client, method)(f"/api/v1/notifications/{hidden.pk}{suffix}")
        missing = getattr(client, method)(f"/api/v1/notifications/{hidden.pk + 1000}{suffix}")
        assert seen.status_code == missing.status_code == 404
        assert seen.json() == missing.json()
    hidden.refresh_from_db()
    assert hidden.read_at is None


def test_api_preferences_and_read_all(alice):
    item(alice, Kind.SLOT_POLL)
    item(alice, Kind.ACTION_DUE)
    client = client_for(alice)
    assert client.get("/api/v1/notifications/preferences").json()["digest"] == "daily"
    response = client.put(
        "/api/v1/notifications/preferences",
        {"digest": "off", "urgent_email": False},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["digest"] == "off"
    bad = client.put(
        "/api/v1/notifications/preferences",
        {"digest": "hourly", "urgent_email": False},
        content_type="application/json",
    )
    assert bad.status_code == 422
    marked = client.post(
        "/api/v1/notifications/read-all", {"kind": "slot_poll"}, content_type="application/json"
    )
    assert marked.json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread=true").json()[0]["kind"] == "action_due"


def test_api_needs_a_signed_in_user():
    assert client_for(None).get("/api/v1/notifications").status_code == 401
