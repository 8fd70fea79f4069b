"""Writing, amending and discussing proposals through the pages; attachments checked by
content; the version history with its changes; a query-count guard on the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipcoop.proposals.models import Proposal, ProposalAttachment
from tests.conftest import client_for
from tests.proposals.makers import propose, th_policy

pytestmark = pytest.mark.django_db


def _form(personas, **extra):
    return {
        "title": "Examiner exchange on <b>blockchain</b>",
        "problem": "Few examiners have seen such files. <script>alert(1)</script>",
        "activity": "Two-week visits.",
        "outcome": "Notes shared with all offices.",
        "budget": "",
        "pillar": "ip_system",
        "area": "blockchain",
        "sdgs": ["9", "17"],
        "proposing_offices": [personas.kipo.pk],
        "participating_offices": [personas.ipos.pk, personas.thdip.pk],
        "deadline": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "silence_rule": "no_decision",
        "visibility": "offices",
    } | extra


def _pdf():
    return SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%test\n1 0 obj\n<<>>\nendobj\n%%EOF\n")


def test_write_open_and_read(personas):
    client = client_for(personas.kipo_policy)
    response = client.post("/proposals/new/", _form(personas, open_now="on", attachments=[_pdf()]))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.state == "open"
    assert proposal.sdg_values == [9, 17]
    assert proposal.attachments.get().content_type == "application/pdf"
    page = client_for(personas.ipos_policy).get(response.url).content.decode()
    assert "&lt;b&gt;blockchain&lt;/b&gt;" in page  # the title is escaped
    assert "<script>alert(1)" not in page  # Markdown sanitised
    assert "Silence means no decision" in page
    download = client_for(personas.ipos_policy).get(
        f"/proposals/{proposal.pk}/attachments/{proposal.attachments.get().pk}/"
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_attachment_checked_by_content(personas):
    client = client_for(personas.kipo_policy)
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf at all" * 20)
    response = client.post("/proposals/new/", _form(personas, attachments=[fake]))
    assert response.status_code == 200
    assert "is not a file type we accept" in response.content.decode()
    assert not Proposal.objects.exists() and not ProposalAttachment.objects.exists()


def test_only_speakers_write(personas):
    assert client_for(personas.kipo_examiner).get("/proposals/new/").status_code == 403
    assert client_for(personas.platform_admin).get("/proposals/new/").status_code == 403
    response = client_for(None).get("/proposals/new/")
    assert response.status_code == 302


def test_draft_then_open_then_amend_shows_history(personas):
    client = client_for(personas.kipo_policy)
    client.post("/proposals/new/", _form(personas))
    proposal = Proposal.objects.get()
    assert proposal.state == "draft"
    assert client.post(f"/proposals/{proposal.pk}/open/").status_code == 302
    data = _form(personas, activity="Two-week visits.\nOne joint report.", note="Added a report")
    data.pop("proposing_offices")
    data.pop("participating_offices")
    assert client.post(f"/proposals/{proposal.pk}/amend/", data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.version == 2
    detail = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Version 2" in detail and "Added a report" in detail
    diff = client.get(f"/proposals/{proposal.pk}/versions/2/").content.decode()
    assert "<ins>" in diff and "One joint report." in diff


def test_discussion_by_participating_staff(personas):
    proposal = propose(personas, visibility="offices")
    client = client_for(personas.th_examiner)
    assert (
        client.post(f"/proposals/{proposal.pk}/comments/", {"body": "Count us in."}).status_code
        == 302
    )
    kipo_page = client_for(personas.kipo_policy).get(f"/proposals/{proposal.pk}/").content
    assert b"Count us in." in kipo_page
    # Staff of an office that neither proposes nor participates read but do not post.
    outsider_office = client_for(personas.educator)
    assert (
        outsider_office.post(f"/proposals/{proposal.pk}/comments/", {"body": "Hi"}).status_code
        == 403
    )


def test_api_create(personas):
    client = client_for(personas.kipo_policy)
    response = client.post(
        "/api/v1/proposals",
        {
            "title": "Joint webinar",
            "problem": "p",
            "activity": "a",
            "outcome": "o",
            "pillar": "education",
            "area": "other",
            "sdgs": [4],
            "proposing_offices": ["kr-kipo"],
            "participating_offices": ["sg-ipos"],
            "deadline": (timezone.now() + timedelta(days=3)).isoformat(),
            "open": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "open" and body["consensus"] == "pending"
    refused = client_for(personas.ipos_policy).post(
        "/api/v1/proposals",
        {
            **{k: body[k] for k in ("title", "problem", "activity", "outcome", "pillar", "area")},
            "proposing_offices": ["kr-kipo"],
            "participating_offices": ["sg-ipos"],
            "deadline": body["deadline"],
        },
        content_type="application/json",
    )
    assert refused.status_code == 403
    bad = client.post(
        "/api/v1/proposals",
        {
            **{k: body[k] for k in ("title", "problem", "activity", "outcome", "pillar", "area")},
            "sdgs": [18],
            "proposing_offices": ["kr-kipo"],
            "participating_offices": ["sg-ipos"],
            "deadline": body["deadline"],
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "sdgs"


def _count_list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/proposals/").status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow(personas):
    th = th_policy()
    first = propose(personas, visibility="offices")
    client = client_for(personas.ipos_policy)
    one = _count_list_queries(client)
    from ipcoop.proposals import services

    services.endorse(by=th, proposal=first, position="support")
    for n in range(19):
        propose(personas, title=f"Proposal {n}", visibility="offices", sdgs=[n % 17 + 1])
    twenty = _count_list_queries(client)
    assert "Proposal 18" in client.get("/proposals/").content.decode()
    assert one == twenty
