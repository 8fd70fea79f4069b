"""Who sees which meeting: private meetings are invisible to everyone outside the
organising and participating offices — on the page, in calendar files, in the
subscription feed, in the API and in list counts — and answer like missing ones."""

from __future__ import annotations

import pytest

from ipcoop.meetings import services
from ipcoop.meetings.models import Meeting
from tests.conftest import assert_same_not_found, client_for
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Closed talk on 4IR examination backlog"


@pytest.fixture
def private(world) -> Meeting:
    return make_meeting(world, title=SECRET_TITLE)


@pytest.fixture
def public(world) -> Meeting:
    return make_meeting(world, title="Open webinar on design examination", visibility="public")


def test_participants_see_the_private_meeting_and_others_do_not(world, private, public) -> None:
    for user in (world.kr_policy, world.kr_examiner, world.mm_policy, world.mm_examiner):
        response = client_for(user).get(f"/meetings/{private.pk}/")
        assert response.status_code == 200
        assert SECRET_TITLE in response.content.decode()
    for user in (world.th_policy, world.ph_admin, world.learner, world.platform_admin, None):
        client = client_for(user)
        assert_same_not_found(client, f"/meetings/{private.pk}/", "/meetings/999999/")
        assert_same_not_found(client, f"/meetings/{private.pk}.ics", "/meetings/999999.ics")
        page = client.get(f"/meetings/{public.pk}/")
        assert page.status_code == 200


def test_the_secretariat_sees_a_private_meeting_only_when_it_takes_part(world, private) -> None:
    client = client_for(world.secretariat_policy)
    assert client.get(f"/meetings/{private.pk}/").status_code == 404
    services.update_meeting(
        by=world.kr_policy, meeting=private, participants=[world.mm, world.secretariat]
    )
    assert client.get(f"/meetings/{private.pk}/").status_code == 200


def test_offices_visibility_reaches_every_cooperating_staff_but_not_the_public(world) -> None:
    meeting = make_meeting(world, title="All-office briefing", visibility="offices")
    assert client_for(world.th_policy).get(f"/meetings/{meeting.pk}/").status_code == 200
    assert client_for(world.platform_admin).get(f"/meetings/{meeting.pk}/").status_code == 200
    assert client_for(world.learner).get(f"/meetings/{meeting.pk}/").status_code == 404
    assert client_for(None).get(f"/meetings/{meeting.pk}/").status_code == 404


def test_list_and_counts_leave_the_private_meeting_out(world, private, public) -> None:
    outsider = client_for(world.th_policy).get("/meetings/")
    body = outsider.content.decode()
    assert SECRET_TITLE not in body
    assert "Open webinar on design examination" in body
    assert outsider.context["counts"] == {"upcoming": 1, "past": 0}
    insider = client_for(world.mm_examiner).get("/meetings/")
    assert SECRET_TITLE in insider.content.decode()
    assert insider.context["counts"] == {"upcoming": 2, "past": 0}
    # Filtering by the participating office does not reveal it either.
    filtered = client_for(world.th_policy).get(f"/meetings/?office={world.mm.slug}")
    assert SECRET_TITLE not in filtered.content.decode()
    assert filtered.context["counts"]["upcoming"] == 1
    series = client_for(world.th_policy).get("/meetings/series/")
    assert series.status_code == 200


def test_api_hides_the_private_meeting_like_a_missing_one(world, private, public) -> None:
    outsider = client_for(world.th_policy)
    listed = outsider.get("/api/v1/meetings")
    assert [m["title"] for m in listed.json()] == ["Open webinar on design examination"]
    hidden = outsider.get(f"/api/v1/meetings/{private.pk}")
    missing = outsider.get("/api/v1/meetings/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    insider = client_for(world.mm_policy).get(f"/api/v1/meetings/{private.pk}")
    assert insider.status_code == 200
    assert insider.json()["title"] == SECRET_TITLE


def test_subscription_feed_holds_only_what_its_owner_may_see(world, private, public) -> None:
    _token, outsider_secret = services.create_calendar_token(user=world.th_policy)
    _token, insider_secret = services.create_calendar_token(user=world.mm_examiner)
    outsider = client_for(None).get(f"/meetings/calendar/{outsider_secret}.ics")
    insider = client_for(None).get(f"/meetings/calendar/{insider_secret}.ics")
    assert outsider.status_code == insider.status_code == 200
    assert SECRET_TITLE.encode() not in outsider.content
    assert f"meeting-{private.pk}@".encode() not in outsider.content
    assert f"meeting-{public.pk}@".encode() in outsider.content
    assert SECRET_TITLE.encode() in insider.content


def test_only_the_organiser_and_the_secretariat_change_a_meeting(world, private) -> None:
    edit = f"/meetings/{private.pk}/edit/"
    assert client_for(world.kr_policy).get(edit).status_code == 200
    assert client_for(world.kr_examiner).get(edit).status_code == 403
    assert client_for(world.mm_policy).get(edit).status_code == 403  # participant, not organiser
    assert client_for(world.th_policy).get(edit).status_code == 404  # cannot even see it
    response = client_for(world.mm_policy).post(f"/meetings/{private.pk}/cancel/")
    assert response.status_code == 403
    private.refresh_from_db()
    assert private.status == "scheduled"
    services.update_meeting(
        by=world.kr_policy, meeting=private, participants=[world.mm, world.secretariat]
    )
    assert client_for(world.secretariat_policy).get(edit).status_code == 200


def test_reading_a_private_meeting_is_written_to_the_audit_log(world, private) -> None:
    from ipcoop.people.models import AuditEvent

    client_for(world.mm_examiner).get(f"/meetings/{private.pk}/")
    event = AuditEvent.objects.get(action="confidential_read")
    assert event.object_id == str(private.pk)
    assert event.actor == world.mm_examiner


def test_series_pages_and_polls_hide_what_outsiders_may_not_see(world) -> None:
    series = services.create_series(
        by=world.kr_policy, organiser=world.kr, title="Working group on 4IR", frequency="quarterly"
    )
    make_meeting(world, title=SECRET_TITLE, series=series)
    outsider = client_for(world.th_policy)
    page = outsider.get(f"/meetings/series/{series.slug}/")
    assert page.status_code == 200
    assert SECRET_TITLE not in page.content.decode()
    listing = outsider.get("/meetings/series/")
    assert [s.meeting_count for s in listing.context["series_list"]] == [0]
    insider = client_for(world.mm_examiner).get("/meetings/series/")
    assert [s.meeting_count for s in insider.context["series_list"]] == [1]
    from datetime import datetime, timedelta

    from tests.meetings.conftest import SEOUL

    start = datetime(2026, 12, 1, 14, 0, tzinfo=SEOUL)
    poll = services.create_poll(
        by=world.kr_policy,
        organiser=world.kr,
        title="Closed poll",
        participants=[world.mm],
        slots=[(start, start + timedelta(hours=1))],
    )
    assert_same_not_found(outsider, f"/meetings/polls/{poll.pk}/", "/meetings/polls/999999/")
