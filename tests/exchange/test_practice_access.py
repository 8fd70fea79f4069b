"""Who reads and who edits examination-practice positions, on pages and in the API alike.

A KIPO position shared with the offices exists in every test: it must reach cooperating
staff and nobody else, and where hidden it must look exactly like a position never reported.
"""

from __future__ import annotations

import json

import pytest

from ipcoop.access import Visibility
from ipcoop.exchange.practice import services
from ipcoop.exchange.practice.models import OfficePosition, PracticeQuestion
from ipcoop.people.models import AuditAction, AuditEvent, Role
from tests.conftest import assert_same_not_found, client_for, make_user

SECRET = "KIPO is still weighing the internal draft"
PUBLIC_TEXT = "IPOS publishes this answer openly"


@pytest.fixture
def question(db) -> PracticeQuestion:
    return services.create_question(
        by=None,
        question="Can a smart contract be a patentable invention?",
        slug="smart-contracts",
        area="blockchain",
        right="patent",
        ipc_symbols=["H04L 9/50"],
    )


@pytest.fixture
def positions(personas, question) -> dict[str, OfficePosition]:
    kipo, _ = services.save_position(
        by=personas.kipo_policy,
        question=question,
        office=personas.kipo,
        base_version=0,
        answer="under_review",
        summary=SECRET,
        source_title="KIPO internal memo 2026-3",
        visibility=Visibility.OFFICES,
    )
    ipos, _ = services.save_position(
        by=personas.ipos_policy,
        question=question,
        office=personas.ipos,
        base_version=0,
        answer="conditional",
        summary=PUBLIC_TEXT,
        source_title="IPOS examination guidelines, chapter 8",
        visibility=Visibility.PUBLIC,
    )
    return {"kipo": kipo, "ipos": ipos}


READERS = [
    "kipo_examiner",
    "kipo_policy",
    "ipos_policy",
    "th_examiner",
    "educator",
    "platform_admin",
]
NON_READERS = ["anonymous", "learner", "teacher", "outsider"]


def persona(personas, name):
    return None if name == "anonymous" else getattr(personas, name)


@pytest.mark.parametrize("name", READERS + NON_READERS)
def test_position_visibility_agrees_on_pages_and_api(personas, positions, name):
    client = client_for(persona(personas, name))
    sees = name in READERS

    matrix = client.get("/practice/?offices=kr-kipo&offices=sg-ipos")
    detail = client.get("/practice/questions/smart-contracts/")
    history = client.get("/practice/questions/smart-contracts/kr-kipo/history/")
    api = client.get("/api/v1/practice/matrix?offices=KR,SG")
    api_history = client.get(f"/api/v1/practice/positions/{positions['kipo'].pk}/history")

    assert matrix.status_code == detail.status_code == api.status_code == 200
    row = next(r for r in api.json()["rows"] if r["question"]["slug"] == "smart-contracts")
    kipo_cell, ipos_cell = row["positions"]
    assert ipos_cell["status"] == "reported"  # public: everyone
    assert ipos_cell["summary"] == PUBLIC_TEXT
    assert PUBLIC_TEXT in detail.text
    if sees:
        assert kipo_cell["status"] == "reported"
        assert kipo_cell["answer"] == "under_review"
        assert SECRET in detail.text
        assert SECRET in history.text
        assert history.status_code == api_history.status_code == 200
        assert api_history.json()["versions"][0]["summary"] == SECRET
        assert "Under review" in matrix.text
    else:
        assert kipo_cell == {
            "office_code": "KR",
            "office_slug": "kr-kipo",
            "office": "KIPO",
            "status": "not_reported",
            "position_id": None,
            "answer": None,
            "summary": None,
            "legal_basis": None,
            "source_url": None,
            "source_title": None,
            "effective_date": None,
            "visibility": None,
            "version": None,
            "updated_at": None,
            "entered_by": None,
            "changed": False,
        }
        assert SECRET not in detail.text
        assert "Under review" not in matrix.text
        assert history.status_code == api_history.status_code == 404
        assert "not yet reported" in detail.text


@pytest.mark.parametrize("name", NON_READERS)
def test_hidden_position_answers_like_one_never_reported(personas, positions, name):
    client = client_for(persona(personas, name))
    # Brunei has no position on the question: its history is simply missing.
    assert_same_not_found(
        client,
        "/practice/questions/smart-contracts/kr-kipo/history/",
        "/practice/questions/smart-contracts/bn-bruipo/history/",
    )
    hidden = client.get(f"/api/v1/practice/positions/{positions['kipo'].pk}/history")
    missing = client.get("/api/v1/practice/positions/999999/history")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_reading_a_non_public_position_is_audited_but_the_matrix_is_not(personas, positions):
    reader = personas.th_examiner
    client = client_for(reader)
    events = AuditEvent.objects.filter(action=AuditAction.CONFIDENTIAL_READ, actor=reader)

    client.get("/practice/")
    client.get("/practice/matrix.csv")
    client.get("/api/v1/practice/matrix")
    assert events.count() == 0

    client.get("/practice/questions/smart-contracts/kr-kipo/history/")
    assert events.count() == 1
    event = events.get()
    assert event.object_id == str(positions["kipo"].pk)
    # Filed under the owning office, so KIPO's admins see who read it.
    assert personas.kipo in event.organisations.all()

    client.get("/practice/questions/smart-contracts/")  # the KIPO position in full again
    client.get(f"/api/v1/practice/positions/{positions['kipo'].pk}/history")
    assert events.count() == 3
    # The public IPOS position is never logged.
    client.get("/practice/questions/smart-contracts/sg-ipos/history/")
    assert events.count() == 3


# Editing ---------------------------------------------------------------------------


def _form(position: OfficePosition | None, **changes) -> dict:
    data = {
        "answer": "yes",
        "summary": "A new answer.",
        "legal_basis": "",
        "source_title": "Guideline 2026",
        "source_url": "",
        "effective_date": "",
        "visibility": "offices",
        "base_version": position.version if position else 0,
    }
    data.update(changes)
    return data


def _body(position: OfficePosition | None, **changes) -> str:
    data = _form(position, **changes)
    data["effective_date"] = data["effective_date"] or None
    return json.dumps(data)


@pytest.mark.parametrize("name", ["kipo_policy", "kipo_admin"])
def test_kipo_policy_officer_and_admin_edit_kipo_positions(personas, positions, name):
    client = client_for(getattr(personas, name))
    page = client.get("/practice/questions/smart-contracts/kr-kipo/edit/")
    assert page.status_code == 200
    assert SECRET in page.text  # the form starts from the current version
    response = client.post(
        "/practice/questions/smart-contracts/kr-kipo/edit/", _form(positions["kipo"])
    )
    assert response.status_code == 302
    position = OfficePosition.objects.get(pk=positions["kipo"].pk)
    assert (position.version, position.answer, position.entered_by) == (
        2,
        "yes",
        getattr(personas, name),
    )


@pytest.mark.parametrize(
    "name",
    [
        "kipo_examiner",
        "ipos_policy",
        "ipos_admin",
        "th_examiner",
        "platform_admin",
        "educator",
        "learner",
        "outsider",
    ],
)
def test_others_cannot_edit_kipo_positions_on_page_or_api(personas, positions, name):
    client = client_for(getattr(personas, name))
    edit_url = "/practice/questions/smart-contracts/kr-kipo/edit/"
    assert_same_not_found(client, edit_url, "/practice/questions/smart-contracts/xx-none/edit/")
    posted = client.post(edit_url, _form(positions["kipo"]))
    assert posted.status_code == 404
    api = client.put(
        "/api/v1/practice/positions/smart-contracts/kr-kipo",
        _body(positions["kipo"]),
        content_type="application/json",
    )
    missing = client.put(
        "/api/v1/practice/positions/smart-contracts/xx-none",
        _body(positions["kipo"]),
        content_type="application/json",
    )
    assert api.status_code == missing.status_code == 404
    assert (
        api.json() == missing.json() == {"code": "not_found", "message": "Not found.", "errors": []}
    )
    position = OfficePosition.objects.get(pk=positions["kipo"].pk)
    assert (position.version, position.summary) == (1, SECRET)


def test_kipo_policy_officer_cannot_edit_singapore_but_ipos_can(personas, positions):
    kipo = client_for(personas.kipo_policy)
    assert kipo.get("/practice/questions/smart-contracts/sg-ipos/edit/").status_code == 404
    answer = kipo.put(
        "/api/v1/practice/positions/smart-contracts/sg-ipos",
        _body(positions["ipos"]),
        content_type="application/json",
    )
    assert answer.status_code == 404
    ipos = client_for(personas.ipos_policy)
    answer = ipos.put(
        "/api/v1/practice/positions/smart-contracts/sg-ipos",
        _body(positions["ipos"], visibility="public", summary="IPOS updated answer."),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["version"] == 2
    assert answer.json()["entered_by"] == "ipos.policy"


def test_edit_links_show_only_for_the_offices_the_user_may_edit(personas, positions):
    page = client_for(personas.kipo_policy).get("/practice/questions/smart-contracts/").text
    assert "/practice/questions/smart-contracts/kr-kipo/edit/" in page
    assert "/practice/questions/smart-contracts/sg-ipos/edit/" not in page
    page = client_for(personas.kipo_examiner).get("/practice/questions/smart-contracts/").text
    assert "/edit/" not in page


def test_anonymous_is_sent_to_sign_in_and_refused_by_the_api(personas, positions):
    client = client_for(None)
    response = client.get("/practice/questions/smart-contracts/kr-kipo/edit/")
    assert response.status_code == 302
    assert "/account/signin/" in response["Location"]
    answer = client.put(
        "/api/v1/practice/positions/smart-contracts/kr-kipo",
        _body(positions["kipo"]),
        content_type="application/json",
    )
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthenticated"


def test_a_wrong_token_is_refused_even_for_public_reads(db):
    answer = client_for(None).get(
        "/api/v1/practice/questions", HTTP_AUTHORIZATION="Bearer ipc_not-a-token"
    )
    assert answer.status_code == 401


def test_token_reads_what_its_owner_may_read(personas, positions):
    from ipcoop.people.services import create_token

    _token, secret = create_token(user=personas.th_examiner, name="script")
    answer = client_for(None).get(
        "/api/v1/practice/matrix?offices=KR", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    row = next(r for r in answer.json()["rows"] if r["question"]["slug"] == "smart-contracts")
    assert row["positions"][0]["summary"] == SECRET


def test_question_page_is_for_platform_admins_and_policy_officers(personas):
    for user in [personas.platform_admin, personas.kipo_policy, personas.ipos_policy]:
        assert client_for(user).get("/practice/questions/new/").status_code == 200
    secretariat = make_user("asean.policy", Role.POLICY_OFFICER, "asean-secretariat")
    assert client_for(secretariat).get("/practice/questions/new/").status_code == 200
    for user in [personas.kipo_examiner, personas.kipo_admin, personas.learner, personas.educator]:
        assert client_for(user).get("/practice/questions/new/").status_code == 404
