"""Minutes: drafted by the organiser (or the Secretariat), kept in revisions, circulated to
the participating offices, commented by their staff, approved by the organiser and
then locked; decisions linked to proposals shown only to those who may read them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ipcoop.meetings import services
from ipcoop.meetings.models import Minutes
from ipcoop.notifications.models import Notification
from tests.conftest import client_for
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(world):
    start = timezone.now() - timedelta(days=2)
    return make_meeting(world, starts_at=start, ends_at=start + timedelta(hours=1))


def test_only_the_organiser_drafts_and_each_save_is_a_revision(world, held) -> None:
    url = f"/meetings/{held.pk}/minutes/"
    for user in (world.mm_policy, world.kr_examiner):
        response = client_for(user).post(url, {"body": "Not mine to write"})
        assert response.status_code == 403
    assert client_for(world.th_policy).post(url, {"body": "x"}).status_code == 404
    assert not Minutes.objects.exists()
    organiser = client_for(world.kr_policy)
    organiser.post(url, {"body": "1. Opening.\n2. Backlog."})
    organiser.post(url, {"body": "1. Opening by KIPO.\n2. Backlog figures."})
    minutes = Minutes.objects.get(meeting=held)
    assert [r.number for r in minutes.revisions.all()] == [2, 1]
    page = client_for(world.mm_examiner).get(f"/meetings/{held.pk}/").content.decode()
    assert "Opening by KIPO." in page
    assert "Revision 2, by kr.policy" in page


def test_the_whole_workflow_with_its_permissions(world, held) -> None:
    organiser, participant = client_for(world.kr_policy), client_for(world.mm_examiner)
    base = f"/meetings/{held.pk}/minutes/"
    # Approving or commenting before circulation is refused.
    organiser.post(base, {"body": "Draft text."})
    organiser.post(base + "approve/")
    participant.post(base + "comment/", {"body": "Too early"})
    minutes = Minutes.objects.get()
    assert minutes.status == "draft" and not minutes.comments.exists()
    # Participants may not circulate; the organiser does, and speakers are told.
    assert client_for(world.mm_policy).post(base + "circulate/").status_code == 403
    organiser.post(base + "circulate/")
    minutes.refresh_from_db()
    assert minutes.status == "circulated"
    told = Notification.objects.filter(kind="minutes_to_approve")
    assert set(told.values_list("recipient__username", flat=True)) == {"mm.policy"}
    # Staff of participating offices comment; others cannot.
    participant.post(base + "comment/", {"body": "Please add IPD's figures."})
    assert client_for(world.th_policy).post(base + "comment/", {"body": "x"}).status_code == 404
    assert client_for(world.learner).post(base + "comment/", {"body": "x"}).status_code == 404
    assert [(c.office.slug, c.body) for c in minutes.comments.all()] == [
        ("mm-ipd", "Please add IPD's figures.")
    ]
    # Editing while circulated keeps a new revision.
    organiser.post(base, {"body": "Draft text, with IPD's figures."})
    assert minutes.revisions.count() == 2
    # Only the organiser approves.
    assert client_for(world.mm_policy).post(base + "approve/").status_code == 403
    organiser.post(base + "approve/")
    minutes.refresh_from_db()
    assert minutes.status == "approved"
    assert minutes.approved_by == world.kr_policy
    assert minutes.approved_at is not None
    # Approved minutes are locked.
    organiser.post(base, {"body": "Changed afterwards"})
    assert minutes.revisions.count() == 2
    with pytest.raises(ValidationError) as error:
        services.save_minutes(by=world.kr_policy, meeting=held, body="Changed afterwards")
    assert error.value.code == "locked"
    with pytest.raises(ValidationError):
        services.add_decision(by=world.kr_policy, meeting=held, text="Late decision")
    with pytest.raises(ValidationError):
        services.comment_on_minutes(by=world.mm_examiner, meeting=held, body="Late comment")
    page = participant.get(f"/meetings/{held.pk}/").content.decode()
    assert "Approved" in page and "approved by kr.policy" in page
    assert "Draft text, with IPD" in page
    assert "Changed afterwards" not in page


def test_the_secretariat_drafts_minutes_of_a_meeting_it_sees(world, held) -> None:
    services.update_meeting(
        by=world.kr_policy, meeting=held, participants=[world.mm, world.secretariat]
    )
    client = client_for(world.secretariat_policy)
    client.post(f"/meetings/{held.pk}/minutes/", {"body": "Recorded by the Secretariat."})
    revision = services.latest_revision(Minutes.objects.get(meeting=held))
    assert revision.edited_by == world.secretariat_policy


def test_decisions_link_proposals_only_for_those_who_may_read_them(world) -> None:
    from ipcoop.proposals import services as proposals
    from ipcoop.proposals.models import Area, Pillar

    start = timezone.now() - timedelta(days=2)
    held = make_meeting(
        world, starts_at=start, ends_at=start + timedelta(hours=1), visibility="offices"
    )
    proposal = proposals.create_proposal(
        by=world.kr_policy,
        proposing_offices=[world.kr],
        participating_offices=[world.th],
        title="Joint webinar on AI inventorship",
        problem="Offices examine AI-assisted inventions differently.",
        activity="A webinar.",
        outcome="Shared notes.",
        pillar=Pillar.values[0],
        area=Area.values[0],
        deadline=timezone.now() + timedelta(days=30),
        visibility="participants",
        open_now=True,
    )
    decision = services.add_decision(
        by=world.kr_policy, meeting=held, text="Hold a joint webinar.", proposal=proposal
    )
    assert decision.proposal == proposal
    seen = client_for(world.th_policy).get(f"/meetings/{held.pk}/").content.decode()
    hidden = client_for(world.mm_policy).get(f"/meetings/{held.pk}/").content.decode()
    assert "Hold a joint webinar." in seen and "Hold a joint webinar." in hidden
    assert "Joint webinar on AI inventorship" in seen
    assert "Joint webinar on AI inventorship" not in hidden
    response = client_for(world.mm_policy).post(
        f"/meetings/{held.pk}/minutes/decisions/", {"text": "Not the organiser"}
    )
    assert response.status_code == 403
