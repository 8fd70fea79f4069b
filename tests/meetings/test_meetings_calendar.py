"""Calendar files: one meeting's .ics and the personal subscription feed, parsed back with
icalendar; the subscription token (digest only, shown once, revocable)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipcoop.meetings import services
from ipcoop.meetings.models import CalendarToken
from tests.conftest import client_for
from tests.meetings.conftest import SEOUL, YANGON, make_meeting, next_weekday

pytestmark = pytest.mark.django_db


def _events(body: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return [c for c in calendar.walk("VEVENT")]


def test_ics_gives_back_the_same_instants_in_the_meeting_zone(world) -> None:
    friday = next_weekday(4)
    starts = datetime(friday.year, friday.month, friday.day, 14, 30, tzinfo=YANGON)
    meeting = make_meeting(world, starts_at=starts, timezone_name="Asia/Yangon")
    response = client_for(world.mm_policy).get(f"/meetings/{meeting.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == starts
    assert start.astimezone(SEOUL).strftime("%A %H:%M") == "Friday 17:00"
    assert end - start == timedelta(hours=1)
    assert event["dtstart"].params["TZID"] == "Asia/Yangon"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Yangon"]
    assert str(event["uid"]) == f"meeting-{meeting.pk}@meetings.ipcoop"
    assert str(event["url"]) == f"http://testserver/meetings/{meeting.pk}/"
    assert int(event["sequence"]) == 0
    assert str(event["status"]) == "CONFIRMED"
    assert "dtstamp" in event and "last-modified" in event
    assert str(event["location"]) == "https://meet.example.org/4ir"


def test_a_moved_then_cancelled_meeting_keeps_its_uid_and_counts_its_sequence(world) -> None:
    meeting = make_meeting(world)
    uid = f"meeting-{meeting.pk}@meetings.ipcoop"
    services.update_meeting(
        by=world.kr_policy,
        meeting=meeting,
        starts_at=meeting.starts_at + timedelta(hours=-2),
        ends_at=meeting.ends_at + timedelta(hours=-2),
    )
    services.update_meeting(by=world.kr_policy, meeting=meeting, title="Renamed only")
    services.cancel_meeting(by=world.kr_policy, meeting=meeting)
    (event,) = _events(client_for(world.kr_policy).get(f"/meetings/{meeting.pk}.ics").content)
    assert str(event["uid"]) == uid
    assert int(event["sequence"]) == 2  # the move and the cancellation; not the renaming
    assert str(event["status"]) == "CANCELLED"


def test_the_subscription_feed_keeps_cancelled_meetings_and_every_zone(world) -> None:
    kept = make_meeting(world, title="Kept")
    dropped = make_meeting(world, title="Dropped", timezone_name="Asia/Yangon")
    services.cancel_meeting(by=world.kr_policy, meeting=dropped)
    _token, secret = services.create_calendar_token(user=world.mm_examiner)
    response = client_for(None).get(f"/meetings/calendar/{secret}.ics")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    calendar = icalendar.Calendar.from_ical(response.content)
    status = {str(e["summary"]): str(e["status"]) for e in calendar.walk("VEVENT")}
    assert status == {"Kept": "CONFIRMED", "Dropped": "CANCELLED"}
    assert sorted(str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")) == [
        "Asia/Seoul",
        "Asia/Yangon",
    ]
    starts = {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert starts["Kept"] == kept.starts_at


def test_the_token_is_stored_only_as_a_digest_and_shown_once(world) -> None:
    client = client_for(world.kr_policy)
    response = client.post("/meetings/calendar/", {"action": "create"}, follow=True)
    url = response.context["new_url"]
    assert url and url.endswith(".ics")
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    token = CalendarToken.objects.get(user=world.kr_policy)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.digest}
    stored = [str(v) for v in CalendarToken.objects.values_list("prefix", "digest").get()]
    assert all(secret != value for value in stored)
    # Shown once: the next visit does not show it again.
    again = client.get("/meetings/calendar/")
    assert again.context["new_url"] is None
    assert secret not in again.content.decode()
    assert client_for(None).get(url.replace("http://testserver", "")).status_code == 200


def test_revoking_the_token_stops_the_feed(world) -> None:
    make_meeting(world)
    client = client_for(world.kr_policy)
    _token, secret = services.create_calendar_token(user=world.kr_policy)
    feed = f"/meetings/calendar/{secret}.ics"
    assert client_for(None).get(feed).status_code == 200
    client.post("/meetings/calendar/", {"action": "revoke"})
    assert client_for(None).get(feed).status_code == 404
    # A new address replaces the old one, which stays dead.
    _token, newer = services.create_calendar_token(user=world.kr_policy)
    assert client_for(None).get(f"/meetings/calendar/{newer}.ics").status_code == 200
    assert client_for(None).get(feed).status_code == 404
    assert client_for(None).get("/meetings/calendar/ipcal_not-a-token.ics").status_code == 404


def _feed_queries(secret: str) -> int:
    client = client_for(None)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/meetings/calendar/{secret}.ics")
    assert response.status_code == 200
    return len(queries)


def test_the_feed_makes_the_same_number_of_queries_for_1_and_20_meetings(world) -> None:
    _token, secret = services.create_calendar_token(user=world.mm_policy)
    make_meeting(world, title="Meeting 0")
    one = _feed_queries(secret)
    for n in range(1, 20):
        make_meeting(world, title=f"Meeting {n}", participants=[world.mm, world.ph])
    assert len(_events(client_for(None).get(f"/meetings/calendar/{secret}.ics").content)) == 20
    assert _feed_queries(secret) == one
