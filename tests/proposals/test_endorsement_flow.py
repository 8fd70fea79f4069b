"""Endorsing until consensus: the rule applied by the services, the pages and the API,
with the transition log and the notifications it leaves behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from ipcoop.notifications.models import Notification
from ipcoop.proposals import services
from ipcoop.proposals.models import Endorsement, State
from tests.conftest import client_for
from tests.proposals.makers import propose, th_policy

pytestmark = pytest.mark.django_db


def _state(proposal):
    proposal.refresh_from_db()
    return proposal.state


def test_opening_asks_the_participating_offices(personas):
    th = th_policy()
    proposal = propose(personas)
    kinds = set(
        Notification.objects.filter(kind="proposal_to_endorse").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"ipos.admin", "ipos.policy", th.username} <= kinds
    assert "kipo.policy" not in kinds  # the actor
    assert [t.to_state for t in proposal.transitions.all()] == ["draft", "open"]


def test_all_support_adopts_and_logs_who_and_why(personas):
    th = th_policy()
    proposal = propose(personas)
    services.endorse(by=personas.ipos_policy, proposal=proposal, position="support")
    assert _state(proposal) == State.OPEN
    services.endorse(by=th, proposal=proposal, position="support")
    assert _state(proposal) == State.ADOPTED
    last = proposal.transitions.last()
    assert (last.from_state, last.to_state, last.actor) == ("open", "adopted", th)
    assert "none said it cannot support" in last.reason
    decided = Notification.objects.filter(kind="proposal_decided")
    assert decided.filter(recipient=personas.kipo_policy).count() == 1


def test_cannot_support_blocks_until_withdrawn(personas):
    th = th_policy()
    proposal = propose(personas)
    services.endorse(
        by=personas.ipos_policy, proposal=proposal, position="cannot_support", text="Too soon."
    )
    services.endorse(by=th, proposal=proposal, position="support")
    assert _state(proposal) == State.OPEN
    assert services.outcome_for(proposal).code == "blocked"
    services.withdraw_objection(by=personas.ipos_policy, proposal=proposal)
    assert _state(proposal) == State.OPEN  # IPOS has now not responded
    withdrawn = Endorsement.objects.get(office=personas.ipos, position="cannot_support")
    assert withdrawn.withdrawn and withdrawn.superseded_at is not None
    services.endorse(by=personas.ipos_policy, proposal=proposal, position="support")
    assert _state(proposal) == State.ADOPTED


def test_changed_response_replaces_the_current_one(personas):
    th_policy()
    proposal = propose(personas)
    services.endorse(by=personas.ipos_policy, proposal=proposal, position="abstain")
    services.endorse(
        by=personas.ipos_admin, proposal=proposal, position="reservations", text="Budget."
    )
    current = services.current_endorsements(proposal)
    assert current[personas.ipos.pk].position == "reservations"
    assert Endorsement.objects.filter(office=personas.ipos).count() == 2


def test_amendment_reopens_endorsements(personas):
    th = th_policy()
    proposal = propose(personas)
    services.endorse(by=personas.ipos_policy, proposal=proposal, position="support")
    services.endorse(by=th, proposal=proposal, position="cannot_support", text="Scope.")
    services.amend_proposal(
        by=personas.kipo_policy,
        proposal=proposal,
        activity="Offices share one reading list, limited to public documents.",
        note="Narrowed the scope",
    )
    proposal.refresh_from_db()
    assert proposal.version == 2
    assert services.current_endorsements(proposal) == {}  # nothing counts any more
    assert Endorsement.objects.filter(proposal=proposal).count() == 2  # history kept
    assert list(proposal.versions.values_list("number", "activity")) == [
        (1, "Offices share one reading list."),
        (2, "Offices share one reading list, limited to public documents."),
    ]
    amended = Notification.objects.filter(kind="proposal_amended")
    assert amended.filter(recipient=th).exists()
    services.endorse(by=personas.ipos_policy, proposal=proposal, position="support")
    services.endorse(by=th, proposal=proposal, position="support")
    assert _state(proposal) == State.ADOPTED


def test_reservations_and_refusals_need_text(personas):
    proposal = propose(personas)
    for position in ("reservations", "cannot_support"):
        with pytest.raises(ValidationError) as error:
            services.endorse(by=personas.ipos_policy, proposal=proposal, position=position)
        assert "text" in error.value.message_dict


@pytest.mark.parametrize(
    ("rule", "expected"), [("consent", State.ADOPTED), ("no_decision", State.NOT_ADOPTED)]
)
def test_silence_after_deadline_by_command(personas, rule, expected):
    th_policy()
    proposal = propose(personas, silence_rule=rule)
    services.endorse(by=personas.ipos_policy, proposal=proposal, position="support")
    call_command("close_proposals")
    assert _state(proposal) == State.OPEN  # deadline not passed: pending
    proposal.deadline = timezone.now() - timedelta(minutes=1)
    proposal.save(update_fields=["deadline"])
    call_command("close_proposals")
    assert _state(proposal) == expected
    last = proposal.transitions.last()
    assert last.actor is None and "DIP" in last.reason
    call_command("close_proposals")  # nothing more happens
    assert proposal.transitions.count() == 3


def test_non_participating_office_cannot_endorse(personas):
    proposal = propose(personas, visibility="offices")  # KIPO examiner can read it...
    with pytest.raises(PermissionDenied):
        services.endorse(by=personas.kipo_admin, proposal=proposal, position="support")
    # ...and so can an office that does not participate; the page and API refuse (403).
    other = client_for(personas.th_examiner)
    page = other.post(f"/proposals/{proposal.pk}/endorse/", {"position": "support"})
    assert page.status_code == 403
    api = client_for(personas.kipo_admin).post(
        f"/api/v1/proposals/{proposal.pk}/endorsements",
        {"position": "support"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert api.json()["code"] == "forbidden"
    assert not Endorsement.objects.exists()


def test_examiner_of_a_participating_office_cannot_endorse(personas):
    proposal = propose(personas, participants=[personas.ipos, personas.kipo])
    page = client_for(personas.kipo_examiner).post(
        f"/proposals/{proposal.pk}/endorse/", {"position": "support"}
    )
    assert page.status_code == 403


def test_endorse_through_the_page_and_the_api(personas):
    th = th_policy()
    proposal = propose(personas)
    page = client_for(personas.ipos_policy).post(
        f"/proposals/{proposal.pk}/endorse/", {"position": "support"}, follow=True
    )
    assert page.status_code == 200
    assert "Your office&#x27;s response is recorded." in page.content.decode()
    api = client_for(th).post(
        f"/api/v1/proposals/{proposal.pk}/endorsements",
        {"position": "support"},
        content_type="application/json",
    )
    assert api.status_code == 201
    assert api.json()["proposal_state"] == "adopted"
    detail = client_for(th).get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'id="transition-log"' in detail
    assert "Adopted" in detail


def test_endorse_by_htmx_returns_the_section(personas):
    th_policy()
    proposal = propose(personas)
    response = client_for(personas.ipos_policy).post(
        f"/proposals/{proposal.pk}/endorse/",
        {"position": "cannot_support"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps only successful answers
    body = response.content.decode()
    assert body.lstrip().startswith("<section")
    assert "<html" not in body
    assert "Give the reason your office cannot support it." in body


def test_endorse_by_htmx_announces_outside_the_section(personas):
    th_policy()
    proposal = propose(personas)
    response = client_for(personas.ipos_policy).post(
        f"/proposals/{proposal.pk}/endorse/", {"position": "support"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.startswith('<div id="endorse-announce" hx-swap-oob="innerHTML">')
    assert "Your office&#x27;s response is recorded." in body
    assert 'id="office-sg-ipos"' in body


def test_withdraw_by_proposer_is_logged(personas):
    proposal = propose(personas)
    response = client_for(personas.kipo_policy).post(
        f"/proposals/{proposal.pk}/withdraw/", {"reason": "Merged into another plan."}
    )
    assert response.status_code == 302
    assert _state(proposal) == State.WITHDRAWN
    assert proposal.transitions.last().reason == "Merged into another plan."
    with pytest.raises(ValidationError):
        services.endorse(by=personas.ipos_policy, proposal=proposal, position="support")


def test_draft_edits_keep_version_one_and_may_change_participants(personas):
    proposal = propose(personas, open_now=False)
    services.amend_proposal(
        by=personas.kipo_admin,
        proposal=proposal,
        title="Shared AI reading list (draft 2)",
        participating_offices=[personas.ipos],
    )
    proposal.refresh_from_db()
    assert (proposal.version, proposal.state) == (1, State.DRAFT)
    assert list(proposal.participating_offices.all()) == [personas.ipos]
    assert proposal.versions.get().title == "Shared AI reading list (draft 2)"
    assert not Notification.objects.filter(kind="proposal_amended").exists()


def test_decided_proposal_cannot_be_amended_or_endorsed(personas):
    th = th_policy()
    proposal = propose(personas)
    services.endorse(by=personas.ipos_policy, proposal=proposal, position="support")
    services.endorse(by=th, proposal=proposal, position="support")
    with pytest.raises(ValidationError):
        services.amend_proposal(by=personas.kipo_policy, proposal=proposal, title="Again")
    with pytest.raises(ValidationError):
        services.endorse(by=th, proposal=proposal, position="cannot_support", text="Late")
    page = client_for(personas.kipo_policy).get(f"/proposals/{proposal.pk}/amend/")
    assert page.status_code == 302


def test_opening_needs_a_future_deadline(personas):
    with pytest.raises(ValidationError) as error:
        propose(personas, deadline=timezone.now() - timedelta(hours=1))
    assert "deadline" in error.value.message_dict
    from ipcoop.proposals.models import Proposal

    assert not Proposal.objects.exists()  # nothing half-written
