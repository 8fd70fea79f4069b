"""Who reads dossiers: examiners, office admins and policy officers of IP offices the
item is shared with; never the Academy, platform admins, learners or visitors."""

import datetime as dt

import pytest

from ipcoop.people.models import AuditAction, AuditEvent
from tests.conftest import assert_same_not_found, client_for
from tests.worksharing.conftest import save, search_report


@pytest.fixture
def restricted(personas):
    """A KR application shared only with SG, with a search report."""
    app = save(
        "kr-kipo",
        "10-2023-0077777",
        title="Restricted metaverse avatar renderer",
        ipc_symbols=["G06T 19/00"],
        visibility="selected",
        shared_with=[personas.ipos],
    )
    search_report(app, [{"document_number": "JP 2021-123456 A", "category": "X"}])
    return app


def test_application_page_shown_to_shared_office_staff(personas, restricted):
    for user in (personas.kipo_examiner, personas.kipo_policy, personas.ipos_admin):
        response = client_for(user).get(f"/worksharing/applications/{restricted.pk}/")
        assert response.status_code == 200
        assert "Restricted metaverse avatar renderer" in response.text
        assert "JP 2021-123456 A" in response.text


def test_application_page_hidden_from_others_like_missing(personas, restricted):
    hidden = f"/worksharing/applications/{restricted.pk}/"
    missing = f"/worksharing/applications/{restricted.pk + 999}/"
    for user in (
        personas.th_examiner,
        personas.educator,
        personas.platform_admin,
        personas.learner,
        personas.teacher,
    ):
        assert_same_not_found(client_for(user), hidden, missing)


def test_application_page_anonymous_sent_to_sign_in(restricted):
    response = client_for(None).get(f"/worksharing/applications/{restricted.pk}/")
    assert response.status_code == 302
    assert "/account/signin/" in response["Location"]


def test_family_page_hidden_from_unshared_office(personas, restricted):
    hidden = f"/worksharing/families/{restricted.family_id}/"
    missing = f"/worksharing/families/{restricted.family_id + 999}/"
    assert_same_not_found(client_for(personas.th_examiner), hidden, missing)
    assert_same_not_found(client_for(personas.learner), hidden, missing)
    assert client_for(personas.ipos_admin).get(hidden).status_code == 200


def test_lookup_does_not_reveal_hidden_application(personas, restricted):
    response = client_for(personas.th_examiner).get("/worksharing/?number=KR+10-2023-0077777")
    assert response.status_code == 200
    assert "No family you may read" in response.text
    assert "Restricted metaverse" not in response.text
    assert 'href="/worksharing/families/' not in response.text


def test_worksharing_pages_not_for_learners_academy_or_admins(personas, restricted):
    for user in (personas.learner, personas.educator, personas.platform_admin, personas.outsider):
        client = client_for(user)
        for url in (
            "/worksharing/",
            "/worksharing/requests/",
            "/worksharing/alerts/",
            "/worksharing/import/",
        ):
            assert client.get(url).status_code == 404


def test_api_hidden_application_answers_like_missing(personas, restricted):
    client = client_for(personas.th_examiner)
    hidden = client.get(f"/api/v1/worksharing/families/{restricted.family_id}")
    missing = client.get(f"/api/v1/worksharing/families/{restricted.family_id + 999}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    listed = client.get("/api/v1/worksharing/applications").json()
    assert restricted.pk not in [a["id"] for a in listed]
    assert client.get("/api/v1/worksharing/families?number=KR1020230077777").json() == []


def test_api_refuses_anonymous_and_shows_nothing_to_learner(personas, restricted):
    assert client_for(None).get("/api/v1/worksharing/applications").status_code == 401
    assert client_for(personas.learner).get("/api/v1/worksharing/applications").json() == []
    assert client_for(personas.platform_admin).get("/api/v1/worksharing/applications").json() == []


def test_reads_written_to_audit_log_once_per_page(personas, restricted):
    client = client_for(personas.ipos_admin)
    before = AuditEvent.objects.filter(action=AuditAction.CONFIDENTIAL_READ).count()
    client.get(f"/worksharing/families/{restricted.family_id}/")
    client.get(f"/worksharing/applications/{restricted.pk}/")
    client.get(f"/api/v1/worksharing/families/{restricted.family_id}")
    events = AuditEvent.objects.filter(action=AuditAction.CONFIDENTIAL_READ).order_by("pk")[before:]
    assert [e.detail["what"] for e in events] == ["family view", "application page", "api family"]
    assert all(e.actor == personas.ipos_admin for e in events)
    assert {o.slug for o in events[0].organisations.all()} == {"kr-kipo", "sg-ipos"}


def test_own_visibility_only_owner(personas):
    app = save("kr-kipo", "10-2023-0088888", visibility="own", filing_date=dt.date(2023, 2, 2))
    assert (
        client_for(personas.kipo_examiner).get(f"/worksharing/applications/{app.pk}/").status_code
        == 200
    )
    assert (
        client_for(personas.ipos_admin).get(f"/worksharing/applications/{app.pk}/").status_code
        == 404
    )


def test_withheld_applicant_never_shown(personas):
    app = save("kr-kipo", "10-2023-0099999", applicant="Secret Corp", applicant_withheld=True)
    page = client_for(personas.th_examiner).get(f"/worksharing/applications/{app.pk}/").text
    assert "Secret Corp" not in page
    assert "withheld" in page
    data = (
        client_for(personas.th_examiner).get(f"/api/v1/worksharing/families/{app.family_id}").json()
    )
    assert data["members"][0]["applicant_name"] is None


def test_api_writes_to_hidden_application_answer_like_missing(personas, restricted):
    client = client_for(personas.th_examiner)
    body = {"kind": "search_report", "date": "2023-11-01"}
    hidden = client.post(
        f"/api/v1/worksharing/applications/{restricted.pk}/work-products",
        body,
        content_type="application/json",
    )
    missing = client.post(
        f"/api/v1/worksharing/applications/{restricted.pk + 999}/work-products",
        body,
        content_type="application/json",
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    asked = client.post(
        "/api/v1/worksharing/requests",
        {"application_id": restricted.pk, "to_office": "kr-kipo", "due_date": "2099-01-01"},
        content_type="application/json",
    )
    assert asked.status_code == 404


def test_academy_and_secretariat_staff_read_nothing(personas, restricted):
    from tests.conftest import make_user

    secretariat = make_user("sec.policy", "policy_officer", "asean-secretariat")
    for user in (personas.educator, secretariat):
        assert client_for(user).get("/api/v1/worksharing/applications").json() == []
        assert (
            client_for(user).get(f"/worksharing/families/{restricted.family_id}/").status_code
            == 404
        )
