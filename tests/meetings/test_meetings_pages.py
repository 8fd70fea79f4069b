"""The meetings list (upcoming, past, filters, query count), find a time, slot polls and
the API."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipcoop.meetings import services
from ipcoop.meetings.models import Meeting, PollAnswer, SlotPoll
from ipcoop.notifications.models import Notification
from tests.conftest import client_for
from tests.meetings.conftest import SEOUL, YANGON, make_meeting

pytestmark = pytest.mark.django_db


def _list_queries(client, url="/meetings/") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["page"].object_list)


def test_the_list_makes_the_same_number_of_queries_for_1_and_20_meetings(world) -> None:
    series = services.create_series(
        by=world.kr_policy, organiser=world.kr, title="Working group on 4IR", frequency="quarterly"
    )
    client = client_for(world.mm_policy)
    make_meeting(world, series=series)
    one, shown = _list_queries(client)
    assert shown == 1
    for n in range(19):
        make_meeting(world, title=f"Meeting {n}", series=series, participants=[world.mm, world.ph])
    twenty, shown = _list_queries(client)
    assert shown == 20
    assert twenty == one


def test_upcoming_and_past_are_split_and_filters_apply(world) -> None:
    series = services.create_series(
        by=world.kr_policy, organiser=world.kr, title="Heads of Office meeting", frequency="yearly"
    )
    past_start = timezone.now() - timedelta(days=30)
    make_meeting(
        world,
        title="Last year",
        series=series,
        starts_at=past_start,
        ends_at=past_start + timedelta(hours=2),
    )
    make_meeting(world, title="Next one", series=series)
    make_meeting(world, title="With Manila", participants=[world.ph])
    client = client_for(world.kr_examiner)
    upcoming = client.get("/meetings/")
    assert [m.title for m in upcoming.context["page"].object_list] == ["Next one", "With Manila"]
    past = client.get("/meetings/?when=past")
    assert [m.title for m in past.context["page"].object_list] == ["Last year"]
    by_series = client.get(f"/meetings/?series={series.slug}")
    assert [m.title for m in by_series.context["page"].object_list] == ["Next one"]
    assert by_series.context["counts"] == {"upcoming": 1, "past": 1}
    by_office = client.get("/meetings/?office=ph-ipophl")
    assert [m.title for m in by_office.context["page"].object_list] == ["With Manila"]
    series_page = client.get(f"/meetings/series/{series.slug}/").content.decode()
    assert "Last year" in series_page and "Next one" in series_page
    assert "With Manila" not in series_page


def test_find_a_time_shows_ranked_slots_with_each_office_local_time(world) -> None:
    client = client_for(world.kr_policy)
    response = client.get(
        "/meetings/find-a-time/",
        {
            "offices": ["kr-kipo", "mm-ipd", "ph-ipophl"],
            "duration_minutes": 60,
            "first_day": "2026-12-01",
            "last_day": "2026-12-04",
        },
    )
    assert response.status_code == 200
    slots = response.context["slots"]
    assert slots
    html = response.content.decode()
    assert "Tuesday 14:00" in html and "Tuesday 11:30" in html and "Tuesday 13:00" in html
    # 4 December 2026 is Myanmar's National Day: no slot that day.
    assert all(s.local[1].start.date() != date(2026, 12, 4) for s in slots)
    assert "Schedule at time 1" in html
    partial = client.get(
        "/meetings/find-a-time/",
        {
            "offices": ["kr-kipo", "mm-ipd"],
            "duration_minutes": 60,
            "first_day": "2026-12-01",
            "last_day": "2026-12-01",
        },
        headers={"HX-Request": "true"},
    )
    assert partial.content.decode().lstrip().startswith('<section id="slot-results"')


def test_the_poll_is_answered_by_speakers_and_fixed_by_the_organiser(world) -> None:
    organiser = client_for(world.kr_policy)
    first = datetime(2026, 12, 1, 14, 0, tzinfo=SEOUL)
    second = datetime(2026, 12, 2, 14, 0, tzinfo=SEOUL)
    response = organiser.post(
        "/meetings/polls/new/",
        {
            "title": "Quarterly 4IR call",
            "organiser": world.kr.pk,
            "offices": ["kr-kipo", "mm-ipd", "ph-ipophl"],
            "slot": [
                f"{first.isoformat()}/{(first + timedelta(hours=1)).isoformat()}",
                f"{second.isoformat()}/{(second + timedelta(hours=1)).isoformat()}",
            ],
        },
    )
    poll = SlotPoll.objects.get()
    assert response["Location"] == f"/meetings/polls/{poll.pk}/"
    assert sorted(o.slug for o in poll.participants.all()) == ["mm-ipd", "ph-ipophl"]
    assert set(
        Notification.objects.filter(kind="slot_poll").values_list("recipient__username", flat=True)
    ) == {"mm.policy", "ph.admin"}
    slot_a, slot_b = poll.slots.all()
    # Examiners read but do not answer; outsiders do not even see it.
    assert client_for(world.mm_examiner).get(poll.get_absolute_url()).status_code == 200
    refused = client_for(world.mm_examiner).post(
        poll.get_absolute_url(), {"office": "mm-ipd", f"slot-{slot_a.pk}": "yes"}
    )
    assert refused.status_code == 403
    assert client_for(world.th_policy).get(poll.get_absolute_url()).status_code == 404
    client_for(world.mm_policy).post(
        poll.get_absolute_url(),
        {"office": "mm-ipd", f"slot-{slot_a.pk}": "yes", f"slot-{slot_b.pk}": "no"},
    )
    client_for(world.ph_admin).post(
        poll.get_absolute_url(), {"office": "ph-ipophl", f"slot-{slot_a.pk}": "if_need_be"}
    )
    answers = {(a.slot_id, a.office.slug): a.answer for a in PollAnswer.objects.all()}
    assert answers == {
        (slot_a.pk, "mm-ipd"): "yes",
        (slot_b.pk, "mm-ipd"): "no",
        (slot_a.pk, "ph-ipophl"): "if_need_be",
    }
    table = organiser.get(poll.get_absolute_url())
    row = table.context["rows"][0]
    assert (row["yes"], row["maybe"], row["no"]) == (1, 1, 0)
    # A participant cannot fix; the organiser fixes by scheduling at the slot.
    assert (
        client_for(world.mm_policy)
        .post(f"/meetings/polls/{poll.pk}/fix/", {"slot": slot_a.pk})
        .status_code
        == 403
    )
    fix = organiser.post(f"/meetings/polls/{poll.pk}/fix/", {"slot": slot_a.pk})
    assert fix["Location"] == f"/meetings/new/?poll={poll.pk}&slot={slot_a.pk}"
    form = organiser.get(fix["Location"])
    assert form.context["form"].initial["starts_at"] == "2026-12-01T14:00"
    created = organiser.post(
        fix["Location"],
        {
            "organiser": world.kr.pk,
            "title": "Quarterly 4IR call",
            "format": "online",
            "link": "https://meet.example.org/q",
            "time_zone": "Asia/Seoul",
            "starts_at": "2026-12-01T14:00",
            "ends_at": "2026-12-01T15:00",
            "participants": [world.mm.pk, world.ph.pk],
            "visibility": "participants",
        },
    )
    meeting = Meeting.objects.get()
    assert created["Location"] == f"/meetings/{meeting.pk}/"
    poll.refresh_from_db()
    assert (poll.meeting, poll.fixed_slot) == (meeting, slot_a)
    # Answers are closed once fixed.
    late = client_for(world.mm_policy).post(
        poll.get_absolute_url(), {"office": "mm-ipd", f"slot-{slot_b.pk}": "yes"}, follow=True
    )
    assert "This poll is closed" in late.content.decode()


def test_a_poll_of_an_existing_meeting_moves_it_when_fixed(world) -> None:
    meeting = make_meeting(world)
    new_start = datetime(2026, 12, 2, 12, 0, tzinfo=SEOUL)
    poll = services.create_poll(
        by=world.kr_policy,
        organiser=world.kr,
        title=meeting.title,
        participants=[world.mm],
        slots=[(new_start, new_start + timedelta(hours=1))],
        meeting=meeting,
    )
    slot = poll.slots.get()
    response = client_for(world.kr_policy).post(
        f"/meetings/polls/{poll.pk}/fix/", {"slot": slot.pk}
    )
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (new_start, 1)
    assert Notification.objects.filter(kind="meeting_changed", recipient=world.mm_policy).exists()


def test_a_poll_takes_at_most_eight_times(world) -> None:
    from django.core.exceptions import ValidationError

    start = datetime(2026, 12, 1, 12, 0, tzinfo=SEOUL)
    slots = [(start + timedelta(days=d), start + timedelta(days=d, hours=1)) for d in range(9)]
    with pytest.raises(ValidationError):
        services.create_poll(
            by=world.kr_policy,
            organiser=world.kr,
            title="Too many",
            participants=[world.mm],
            slots=slots,
        )


def test_api_creates_reads_and_finds_slots(world) -> None:
    client = client_for(world.kr_policy)
    created = client.post(
        "/api/v1/meetings",
        {
            "title": "Heads of Office meeting",
            "format": "hybrid",
            "link": "https://meet.example.org/hoo",
            "venue": "Conference hall, Seoul",
            "starts_at": "2026-12-04T17:00:00+09:00",
            "ends_at": "2026-12-04T18:00:00+09:00",
            "time_zone": "Asia/Seoul",
            "participants": ["MM", "ph-ipophl"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["participants"] == ["mm-ipd", "ph-ipophl"]
    local = {row["office"]: row for row in body["local_times"]}
    assert local["mm-ipd"]["start"] == "2026-12-04T14:30:00+06:30"
    assert local["mm-ipd"]["weekday"] == "Friday"
    assert local["kr-kipo"]["start"] == "2026-12-04T17:00:00+09:00"
    got = client_for(world.mm_examiner).get(f"/api/v1/meetings/{body['id']}")
    assert got.json()["title"] == "Heads of Office meeting"
    invalid = client.post(
        "/api/v1/meetings",
        {
            "title": "No link",
            "format": "online",
            "starts_at": "2026-12-04T17:00:00+09:00",
            "ends_at": "2026-12-04T18:00:00+09:00",
            "participants": ["KH"],
        },
        content_type="application/json",
    )
    assert invalid.status_code == 422
    assert (
        client_for(world.mm_examiner)
        .post(
            "/api/v1/meetings",
            {
                "title": "x",
                "format": "online",
                "starts_at": "2026-12-04T17:00:00Z",
                "ends_at": "2026-12-04T18:00:00Z",
                "link": "https://x.example",
            },
            content_type="application/json",
        )
        .status_code
        == 403
    )
    slots = client.post(
        "/api/v1/meetings/slots",
        {
            "offices": ["KR", "MM"],
            "duration_minutes": 60,
            "first_day": "2026-11-27",
            "last_day": "2026-11-27",
            "limit": 50,
        },
        content_type="application/json",
    )
    assert slots.status_code == 200
    found = slots.json()
    starts = [s["start"] for s in found]
    assert "2026-11-27T08:00:00Z" in starts
    friday_evening = next(s for s in found if s["start"].startswith("2026-11-27T08:00:00"))
    times = {t["office"]: t["start"] for t in friday_evening["local_times"]}
    assert times == {"kr-kipo": "2026-11-27T17:00:00+09:00", "mm-ipd": "2026-11-27T14:30:00+06:30"}
    assert datetime.fromisoformat(times["mm-ipd"]) == datetime(2026, 11, 27, 14, 30, tzinfo=YANGON)
    unknown = client.post(
        "/api/v1/meetings/slots",
        {
            "offices": ["XX"],
            "duration_minutes": 60,
            "first_day": "2026-11-27",
            "last_day": "2026-11-27",
        },
        content_type="application/json",
    )
    assert unknown.status_code == 422


def test_the_edit_form_moves_the_meeting_in_the_zone_it_names(world) -> None:
    meeting = make_meeting(world)
    client = client_for(world.kr_policy)
    form = client.get(f"/meetings/{meeting.pk}/edit/")
    initial = form.context["form"].initial
    assert initial["time_zone"] == "Asia/Seoul"
    assert initial["starts_at"].endswith("T17:00")
    day = initial["starts_at"][:10]
    response = client.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "organiser": world.kr.pk,
            "title": meeting.title,
            "format": "in_person",
            "venue": "IPD, Nay Pyi Taw",
            "time_zone": "Asia/Yangon",
            "starts_at": f"{day}T09:00",
            "ends_at": f"{day}T10:00",
            "participants": [world.mm.pk],
            "visibility": "participants",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at.astimezone(YANGON).strftime("%H:%M") == "09:00"
    assert meeting.starts_at.astimezone(SEOUL).strftime("%H:%M") == "11:30"
    assert (meeting.format, meeting.venue, meeting.sequence) == ("in_person", "IPD, Nay Pyi Taw", 1)
    refused = client.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "organiser": world.kr.pk,
            "title": meeting.title,
            "format": "in_person",
            "venue": "",
            "time_zone": "Asia/Yangon",
            "starts_at": f"{day}T09:00",
            "ends_at": f"{day}T08:00",
            "visibility": "participants",
        },
    )
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert "venue" in errors and "ends_at" in errors
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_the_organiser_builds_the_agenda_on_the_page(world) -> None:
    from ipcoop.exchange.practice.models import PracticeQuestion

    meeting = make_meeting(world)
    question = PracticeQuestion.objects.first()
    client = client_for(world.kr_policy)
    assert question is not None  # reference questions come with the practice app
    data = {
        "title": "Compare positions",
        "presenter": world.mm.pk,
        "duration_minutes": 30,
        "practice_questions": [question.pk],
    }
    client.post(f"/meetings/{meeting.pk}/agenda/", data)
    assert (
        client_for(world.mm_policy)
        .post(f"/meetings/{meeting.pk}/agenda/", {"title": "Not mine", "duration_minutes": 5})
        .status_code
        == 403
    )
    item = meeting.agenda_items.get()
    assert (item.title, item.presenter, item.duration_minutes) == (
        "Compare positions",
        world.mm,
        30,
    )
    page = client_for(world.mm_examiner).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Compare positions" in page and "30 minutes in all." in page
    assert question.question in page
    client.post(f"/meetings/{meeting.pk}/agenda/{item.pk}/remove/")
    assert not meeting.agenda_items.exists()


def test_the_organiser_pages_open_and_others_are_refused(world) -> None:
    meeting = make_meeting(world)
    organiser = client_for(world.kr_policy)
    for url, heading in [
        ("/meetings/new/", "Schedule a meeting"),
        ("/meetings/series/new/", "Start a series"),
        (f"/meetings/{meeting.pk}/minutes/", "Minutes"),
        ("/meetings/calendar/", "Meetings in your calendar"),
    ]:
        response = organiser.get(url)
        assert response.status_code == 200
        assert f"<h1>{heading}</h1>" in response.content.decode()
    examiner = client_for(world.kr_examiner)
    assert examiner.get("/meetings/new/").status_code == 403
    assert examiner.get("/meetings/series/new/").status_code == 403
    created = organiser.post(
        "/meetings/series/new/",
        {"organiser": world.kr.pk, "title": "Heads of Office meeting", "frequency": "yearly"},
    )
    assert created["Location"] == "/meetings/series/heads-of-office-meeting/"
