"""Who reads a proposal: drafts only the proposers; then per visibility. Tried through
pages, API and list counts with the hidden proposals present."""

from __future__ import annotations

import pytest

from ipcoop.people.models import AuditAction, AuditEvent
from tests.conftest import assert_same_not_found, client_for
from tests.proposals.makers import propose

pytestmark = pytest.mark.django_db

MISSING = 999_999


@pytest.fixture
def proposals(personas):
    """KIPO proposes to IPOS: a draft, a participants-only, an all-offices and a public one."""

    def make(title, **extra):
        return propose(personas, participants=[personas.ipos], title=title, **extra)

    return {
        "draft": make("Draft idea", open_now=False),
        "participants": make("Between KIPO and IPOS", visibility="participants"),
        "offices": make("For every office", visibility="offices"),
        "public": make("For everyone", visibility="public"),
    }


EXPECTED = {
    "anonymous": {"public"},
    "outsider": {"public"},
    "learner": {"public"},
    "platform_admin": {"offices", "public"},
    "educator": {"offices", "public"},
    "th_examiner": {"offices", "public"},
    "ipos_policy": {"participants", "offices", "public"},
    "ipos_admin": {"participants", "offices", "public"},
    "kipo_examiner": {"draft", "participants", "offices", "public"},
    "kipo_policy": {"draft", "participants", "offices", "public"},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_pages_list_and_detail(personas, proposals, who):
    user = None if who == "anonymous" else getattr(personas, who)
    client = client_for(user)
    listing = client.get("/proposals/").content.decode()
    for key, proposal in proposals.items():
        seen = key in EXPECTED[who]
        assert (proposal.title in listing) is seen, key
        if seen:
            assert client.get(f"/proposals/{proposal.pk}/").status_code == 200
        else:
            assert_same_not_found(client, f"/proposals/{proposal.pk}/", f"/proposals/{MISSING}/")
            assert_same_not_found(
                client,
                f"/proposals/{proposal.pk}/versions/1/",
                f"/proposals/{MISSING}/versions/1/",
            )
    count = len(EXPECTED[who])
    assert f"{count} proposal" in listing


@pytest.mark.parametrize("who", [w for w in EXPECTED if w != "anonymous"])
def test_api_list_and_detail(personas, proposals, who):
    client = client_for(getattr(personas, who))
    listed = {p["title"] for p in client.get("/api/v1/proposals").json()}
    assert listed == {proposals[k].title for k in EXPECTED[who]}
    for key, proposal in proposals.items():
        hidden = client.get(f"/api/v1/proposals/{proposal.pk}")
        if key in EXPECTED[who]:
            assert hidden.status_code == 200
        else:
            missing = client.get(f"/api/v1/proposals/{MISSING}")
            assert hidden.status_code == missing.status_code == 404
            assert hidden.json() == missing.json()
            endorse = client.post(
                f"/api/v1/proposals/{proposal.pk}/endorsements",
                {"position": "support"},
                content_type="application/json",
            )
            assert endorse.status_code == 404


def test_hidden_proposal_cannot_be_endorsed_by_page(personas, proposals):
    client = client_for(personas.th_examiner)
    hidden = proposals["participants"]
    assert_same_not_found(
        client,
        f"/proposals/{hidden.pk}/endorse/",
        f"/proposals/{MISSING}/endorse/",
        method="post",
        data={"position": "support"},
    )


def test_api_needs_sign_in(proposals):
    assert client_for(None).get("/api/v1/proposals").status_code == 401


def test_reading_a_private_proposal_is_audited(personas, proposals):
    client_for(personas.ipos_policy).get(f"/proposals/{proposals['participants'].pk}/")
    event = AuditEvent.objects.get(action=AuditAction.CONFIDENTIAL_READ)
    assert event.object_id == str(proposals["participants"].pk)
    assert set(event.organisations.values_list("slug", flat=True)) >= {"kr-kipo", "sg-ipos"}
    client_for(None).get(f"/proposals/{proposals['public'].pk}/")
    assert AuditEvent.objects.filter(action=AuditAction.CONFIDENTIAL_READ).count() == 1


def test_only_proposers_amend(personas, proposals):
    target = proposals["offices"]
    assert client_for(personas.ipos_policy).get(f"/proposals/{target.pk}/amend/").status_code == 403
    assert (
        client_for(personas.kipo_examiner).get(f"/proposals/{target.pk}/amend/").status_code == 403
    )
    assert client_for(personas.kipo_admin).get(f"/proposals/{target.pk}/amend/").status_code == 200
