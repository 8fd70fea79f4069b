import datetime as dt

from ipcoop.worksharing.models import Application, ShareRequest
from tests.conftest import client_for, make_user
from tests.worksharing.conftest import save, search_report

DUE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def _sg_kept_to_itself(vn_app):
    sg = save(
        "sg-ipos",
        "10202400001Q",
        priorities=[{"country": "VN", "number": vn_app.number, "date": vn_app.filing_date}],
        visibility="own",
        title="SG dossier kept to its office",
        filing_date=dt.date(2024, 6, 1),
    )
    search_report(sg, [{"document_number": "EP 3000001 A1", "category": "X"}])
    return sg


def test_request_shared_makes_results_visible_to_requesting_office(
    personas, vn_examiner, sg_examiner
):
    vn_app = save("vn-ipvn", "1-2024-00100", filing_date=dt.date(2024, 1, 5))
    sg_app = _sg_kept_to_itself(vn_app)
    vn = client_for(vn_examiner)
    family_url = f"/worksharing/families/{vn_app.family_id}/"
    assert "EP3000001" not in vn.get(family_url).text
    response = vn.post(
        f"/worksharing/applications/{vn_app.pk}/request/",
        {"to_office": personas.ipos.pk, "due_date": DUE, "message": "ASPEC request"},
    )
    made = ShareRequest.objects.get()
    assert response["Location"] == f"/worksharing/requests/{made.pk}/"
    assert made.status == "open"
    sg = client_for(sg_examiner)
    assert "VN 1-2024-00100" in sg.get("/worksharing/requests/?status=open").text
    assert "ASPEC request" in sg.get(f"/worksharing/requests/{made.pk}/").text
    answered = sg.post(f"/worksharing/requests/{made.pk}/", {"decision": "share"})
    assert answered.status_code == 302
    made.refresh_from_db()
    assert made.status == "shared" and made.answered_by == sg_examiner
    sg_app = Application.objects.get(pk=sg_app.pk)
    assert sg_app.visibility == "selected"
    assert list(sg_app.shared_with.values_list("slug", flat=True)) == ["vn-ipvn"]
    assert "EP3000001" in vn.get(family_url).text
    # still hidden from a third office
    hidden = client_for(personas.th_examiner).get(family_url).text
    assert "EP3000001" not in hidden


def test_request_decline_needs_reason(personas, vn_examiner, sg_examiner):
    vn_app = save("vn-ipvn", "1-2024-00100")
    _sg_kept_to_itself(vn_app)
    made = client_for(vn_examiner).post(
        "/api/v1/worksharing/requests",
        {"application_id": vn_app.pk, "to_office": "sg-ipos", "due_date": DUE},
        content_type="application/json",
    )
    assert made.status_code == 201
    request_id = made.json()["id"]
    sg = client_for(sg_examiner)
    page = sg.post(f"/worksharing/requests/{request_id}/", {"decision": "decline"})
    assert "Say why you decline." in page.text
    sg.post(
        f"/worksharing/requests/{request_id}/",
        {"decision": "decline", "reason": "Not examined yet"},
    )
    listed = (
        client_for(vn_examiner).get("/api/v1/worksharing/requests", {"status": "declined"}).json()
    )
    assert [(r["id"], r["reason"]) for r in listed] == [(request_id, "Not examined yet")]


def test_request_not_answerable_by_requesting_or_third_office(personas, vn_examiner):
    vn_app = save("vn-ipvn", "1-2024-00100")
    made = ShareRequest.objects.create(
        application=vn_app,
        requesting_office=vn_app.office,
        to_office=personas.ipos,
        requested_by=vn_examiner,
        due_date=dt.date.today(),
    )
    assert (
        client_for(vn_examiner)
        .post(f"/worksharing/requests/{made.pk}/", {"decision": "share"})
        .status_code
        == 404
    )
    hidden = client_for(personas.th_examiner).get(f"/worksharing/requests/{made.pk}/")
    missing = client_for(personas.th_examiner).get(f"/worksharing/requests/{made.pk + 99}/")
    assert hidden.status_code == missing.status_code == 404
    api = client_for(personas.th_examiner).post(
        f"/api/v1/worksharing/requests/{made.pk}/answer",
        {"share": True},
        content_type="application/json",
    )
    assert api.status_code == 404
    made.refresh_from_db()
    assert made.status == "open"


def test_request_api_validation_and_policy_officer_cannot_ask(personas):
    kr_app = save("kr-kipo", "10-2024-0000777")
    examiner = client_for(personas.kipo_examiner)
    past = examiner.post(
        "/api/v1/worksharing/requests",
        {"application_id": kr_app.pk, "to_office": "kr-kipo", "due_date": "2020-01-01"},
        content_type="application/json",
    )
    assert past.status_code == 422
    assert {e["field"] for e in past.json()["errors"]} == {"to_office", "due_date"}
    policy = client_for(personas.kipo_policy).post(
        "/api/v1/worksharing/requests",
        {"application_id": kr_app.pk, "to_office": "sg-ipos", "due_date": DUE},
        content_type="application/json",
    )
    assert policy.status_code == 403
    assert ShareRequest.objects.count() == 0


def test_request_list_page_shows_status(personas, vn_examiner):
    user = make_user("vn.admin", "office_admin", "vn-ipvn")
    vn_app = save("vn-ipvn", "1-2024-00100")
    ShareRequest.objects.create(
        application=vn_app,
        requesting_office=vn_app.office,
        to_office=personas.ipos,
        requested_by=vn_examiner,
        due_date=dt.date.today(),
    )
    page = client_for(user).get("/worksharing/requests/").text
    assert "VN 1-2024-00100" in page and "IPOS" in page and "Open" in page
