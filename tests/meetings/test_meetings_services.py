"""Scheduling rules, time and place changes with their notifications, agenda papers shown
only when the viewer may see them, and attendance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ipcoop.access import Visibility
from ipcoop.exchange.updates.models import PolicyUpdate
from ipcoop.meetings import services
from ipcoop.notifications.models import Notification
from tests.conftest import client_for
from tests.meetings.conftest import SEOUL, make_meeting

pytestmark = pytest.mark.django_db


def _kinds(user) -> list[tuple[str, bool]]:
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at", "id")
        .values_list("kind", "urgent")
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"format": "online", "link": ""}, "link"),
        ({"format": "in_person", "link": "", "venue": ""}, "venue"),
        ({"format": "hybrid", "link": "https://meet.example.org/x", "venue": ""}, "venue"),
        ({"format": "hybrid", "link": "", "venue": "KIPO, Daejeon"}, "link"),
        ({"link": "not a link"}, "link"),
        ({"timezone_name": "Mars/Olympus"}, "time_zone"),
        ({"title": "  "}, "title"),
    ],
)
def test_meeting_fields_are_checked(world, fields, field) -> None:
    with pytest.raises(ValidationError) as error:
        make_meeting(world, **fields)
    assert field in error.value.error_dict


def test_the_end_must_come_after_the_start(world) -> None:
    starts = timezone.now() + timedelta(days=10)
    with pytest.raises(ValidationError) as error:
        make_meeting(world, starts_at=starts, ends_at=starts)
    assert "ends_at" in error.value.error_dict


def test_in_person_and_hybrid_meetings_are_accepted_with_what_they_need(world) -> None:
    in_person = make_meeting(world, format="in_person", link="", venue="KIPO, Daejeon")
    hybrid = make_meeting(
        world, format="hybrid", link="https://meet.example.org/h", venue="IPD, Nay Pyi Taw"
    )
    assert (in_person.format, hybrid.format) == ("in_person", "hybrid")


def test_scheduling_invites_the_participating_speakers_only(world) -> None:
    make_meeting(world, participants=[world.mm, world.ph])
    assert _kinds(world.mm_policy) == [("meeting_invitation", False)]
    assert _kinds(world.ph_admin) == [("meeting_invitation", False)]
    assert _kinds(world.mm_examiner) == []  # examiners are not speakers
    assert _kinds(world.th_policy) == []
    assert _kinds(world.kr_policy) == []  # the organiser who scheduled it


def test_a_time_change_raises_the_sequence_and_tells_participants(world) -> None:
    meeting = make_meeting(world)
    services.update_meeting(by=world.kr_policy, meeting=meeting, description="More detail")
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert _kinds(world.mm_policy) == [("meeting_invitation", False)]
    services.update_meeting(
        by=world.kr_policy,
        meeting=meeting,
        starts_at=meeting.starts_at + timedelta(days=1),
        ends_at=meeting.ends_at + timedelta(days=1),
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert _kinds(world.mm_policy)[-1] == ("meeting_changed", False)
    services.update_meeting(
        by=world.kr_policy, meeting=meeting, format="in_person", link="", venue="KIPO, Daejeon"
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 2


def test_a_change_close_to_the_meeting_is_urgent(world) -> None:
    soon = timezone.now() + timedelta(hours=30)
    far = timezone.now() + timedelta(days=20)
    meeting = make_meeting(world, starts_at=far, ends_at=far + timedelta(hours=1))
    # Moving a distant meeting to tomorrow: the new time is within 48 hours.
    services.update_meeting(
        by=world.kr_policy, meeting=meeting, starts_at=soon, ends_at=soon + timedelta(hours=1)
    )
    assert _kinds(world.mm_policy)[-1] == ("meeting_changed", True)
    # Moving tomorrow's meeting far away: the old time was within 48 hours.
    services.update_meeting(
        by=world.kr_policy, meeting=meeting, starts_at=far, ends_at=far + timedelta(hours=1)
    )
    assert _kinds(world.mm_policy)[-1] == ("meeting_changed", True)
    other = make_meeting(world, title="Far away")
    services.update_meeting(
        by=world.kr_policy,
        meeting=other,
        starts_at=other.starts_at + timedelta(days=7),
        ends_at=other.ends_at + timedelta(days=7),
    )
    assert _kinds(world.mm_policy)[-1] == ("meeting_changed", False)


def test_cancelling_tells_participants_and_locks_the_meeting(world) -> None:
    meeting = make_meeting(world)
    services.cancel_meeting(by=world.kr_policy, meeting=meeting)
    services.cancel_meeting(by=world.kr_policy, meeting=meeting)  # idempotent
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("cancelled", 1)
    assert _kinds(world.mm_policy)[-1] == ("meeting_cancelled", False)
    with pytest.raises(ValidationError):
        services.update_meeting(by=world.kr_policy, meeting=meeting, title="Back")
    page = client_for(world.mm_policy).get(f"/meetings/{meeting.pk}/")
    assert "This meeting is cancelled." in page.content.decode()


def test_form_times_are_read_in_the_chosen_zone_and_shown_in_each_office_time(world) -> None:
    client = client_for(world.kr_policy)
    friday = (timezone.now() + timedelta(days=21)).date()
    while friday.weekday() != 4:
        friday += timedelta(days=1)
    response = client.post(
        "/meetings/new/",
        {
            "organiser": world.kr.pk,
            "title": "Heads of Office preparatory call",
            "format": "online",
            "link": "https://meet.example.org/hoo",
            "time_zone": "Asia/Yangon",
            "starts_at": f"{friday.isoformat()}T14:30",
            "ends_at": f"{friday.isoformat()}T15:30",
            "participants": [world.mm.pk],
            "visibility": "participants",
        },
    )
    assert response.status_code == 302, response.content.decode()
    meeting = world.kr.organised_meetings.get()
    assert meeting.starts_at == datetime(friday.year, friday.month, friday.day, 17, 0, tzinfo=SEOUL)
    assert meeting.time_zone == "Asia/Yangon"
    page = client_for(world.mm_examiner).get(response["Location"])
    rows = {r.office.slug: r for r in page.context["local_times"]}
    assert rows["kr-kipo"].start.strftime("%A %H:%M") == "Friday 17:00"
    assert rows["mm-ipd"].start.strftime("%A %H:%M") == "Friday 14:30"
    html = page.content.decode()
    assert "Friday 17:00" in html and "Friday 14:30" in html


def test_the_viewer_sees_the_meeting_in_their_own_zone(world) -> None:
    meeting = make_meeting(world)
    seoul = client_for(world.kr_policy).get(f"/meetings/{meeting.pk}/").content.decode()
    yangon = client_for(world.mm_policy).get(f"/meetings/{meeting.pk}/").content.decode()
    local_seoul = meeting.starts_at.astimezone(SEOUL)
    assert f"{local_seoul:%d}".lstrip("0") in seoul
    assert "17:00 – " in seoul.replace("</time>", "")
    assert "14:30 – " in yangon.replace("</time>", "")
    assert "(Asia/Seoul)" in seoul and "(Asia/Yangon)" in yangon


def test_agenda_papers_are_shown_only_to_those_who_may_see_them(world) -> None:
    meeting = make_meeting(world, visibility="offices")
    own = PolicyUpdate.objects.create(
        office=world.kr,
        visibility=Visibility.OWN,
        title="Internal note on backlog figures",
        summary="Kept inside KIPO.",
        body="Kept inside KIPO.",
        kind=PolicyUpdate._meta.get_field("kind").choices[0][0],
    )
    services.add_agenda_item(
        meeting=meeting,
        title="Backlog",
        presenter=world.kr,
        duration_minutes=20,
        policy_updates=[own],
    )
    inside = client_for(world.kr_examiner).get(f"/meetings/{meeting.pk}/").content.decode()
    outside = client_for(world.mm_policy).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Internal note on backlog figures" in inside
    assert "Backlog" in outside
    assert "Internal note on backlog figures" not in outside


def test_attendance_is_recorded_for_taking_part_offices_once_the_meeting_started(world) -> None:
    start = timezone.now() - timedelta(hours=2)
    meeting = make_meeting(world, starts_at=start, ends_at=start + timedelta(hours=1))
    row = services.record_attendance(
        meeting=meeting, office=world.mm, registered=False, attended=True
    )
    assert (row.registered, row.attended) == (True, True)
    with pytest.raises(ValidationError):
        services.record_attendance(
            meeting=meeting, office=world.th, registered=True, attended=False
        )
    future = make_meeting(world, title="Later")
    with pytest.raises(ValidationError):
        services.record_attendance(meeting=future, office=world.mm, registered=True, attended=True)
    response = client_for(world.kr_policy).post(
        f"/meetings/{meeting.pk}/attendance/", {"office": "ph-ipophl", "attended": "on"}
    )
    assert response.status_code == 302
    assert not meeting.attendances.filter(office=world.ph).exists()


def test_last_meeting_date_counts_only_visible_past_meetings(world) -> None:
    assert services.last_meeting_date(world.th_policy) is None
    start = timezone.now() - timedelta(days=3)
    make_meeting(world, starts_at=start, ends_at=start + timedelta(hours=1))
    later = timezone.now() - timedelta(days=1)
    cancelled = make_meeting(world, starts_at=later, ends_at=later + timedelta(hours=1))
    services.cancel_meeting(by=world.kr_policy, meeting=cancelled)
    assert services.last_meeting_date(world.mm_policy) == start.astimezone(UTC).date()
    assert services.last_meeting_date(world.th_policy) is None
