"""The public verification page, the credential API, the issuer's key, the learner's
certificates and downloads, getting a certificate, and revocation by educators."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipcoop.academy.package import import_package
from ipcoop.credentials import services
from ipcoop.credentials.models import Certificate
from ipcoop.lib import credentials as lib
from tests.conftest import assert_same_not_found, client_for
from tests.credentials.conftest import complete_course, course_package
from tests.credentials.pdftext import extract_text


@pytest.fixture
def certificate(graduate, course) -> Certificate:
    graduate.display_name = "Ada Lovelace"
    graduate.save(update_fields=["display_name"])
    return services.issue_certificate(learner=graduate, course=course, language="en")


def other_code(code: str) -> str:
    """The code with one character changed (still well formed)."""
    last = code[-1]
    return code[:-1] + ("A" if last != "A" else "B")


def test_verification_page_shows_a_valid_certificate_to_anyone(certificate) -> None:
    response = client_for(None).get(f"/verify/{certificate.code}", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Valid" in page or "유효" in page
    assert "Ada Lovelace" in page
    assert "저작권 기초" in page  # the course title in the viewer's language
    assert "ASEAN IP Academy" in page
    assert certificate.code in page
    # Typed in lower case with spaces: the same certificate.
    loose = certificate.code.lower().replace("-", " ")
    assert client_for(None).get(f"/verify/{loose}").status_code == 200


def test_changed_or_malformed_code_answers_unknown_with_404(certificate) -> None:
    client = client_for(None)
    changed = other_code(certificate.code)
    response = client.get(f"/verify/{changed}")
    assert response.status_code == 404
    assert b"Unknown" in response.content
    assert b"Ada Lovelace" not in response.content
    assert_same_not_found(client, f"/verify/{changed}", "/verify/not-a-code!")
    assert_same_not_found(client, f"/verify/{changed}", "/verify/O0O0-1111-IIII")


def test_tampered_stored_credential_is_not_shown_as_valid(certificate) -> None:
    credential = dict(certificate.credential)
    credential["name"] = "Certificate: Patent attorney"
    Certificate.objects.filter(pk=certificate.pk).update(credential=credential)
    response = client_for(None).get(f"/verify/{certificate.code}")
    assert response.status_code == 404
    assert b"Ada Lovelace" not in response.content


def test_revoked_certificate_shows_revoked_without_personal_details(personas, certificate) -> None:
    services.revoke_certificate(
        by=personas.educator, certificate=certificate, reason="Answers were shared"
    )
    response = client_for(None).get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Revoked" in page
    assert "Valid" not in page
    assert "Ada Lovelace" not in page
    status = client_for(None).get(f"/api/v1/academy/certificates/{certificate.code}/status")
    assert status.status_code == 200
    assert status.json()["revokedCredentials"][0]["id"] == certificate.credential["id"]


def test_api_returns_the_signed_credential_publicly(certificate) -> None:
    response = client_for(None).get(f"/api/v1/academy/certificates/{certificate.code}")
    assert response.status_code == 200
    body = response.json()
    assert body == certificate.credential
    assert services.verify_credential(body)
    status_url = body["credentialStatus"]["id"].removeprefix("https://ipcoop.example.org")
    status = client_for(None).get(status_url)
    assert status.json() == {
        "id": body["credentialStatus"]["id"],
        "issuer": body["issuer"]["id"],
        "revokedCredentials": [],
    }


def test_api_unknown_and_malformed_codes_answer_the_same_404(certificate) -> None:
    client = client_for(None)
    base = "/api/v1/academy/certificates/"
    changed = client.get(base + other_code(certificate.code))
    malformed = client.get(base + "xyz")
    assert changed.status_code == malformed.status_code == 404
    assert changed.content == malformed.content
    assert client.get(base + "xyz/status").content == malformed.content


def test_issuer_document_publishes_the_key_that_verifies(certificate) -> None:
    response = client_for(None).get("/.well-known/ipcoop-issuer.json")
    assert response.status_code == 200
    document = response.json()
    method = document["verificationMethod"][0]
    assert method["type"] == "Multikey"
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert method["id"] == certificate.credential["proof"]["verificationMethod"]
    assert document["assertionMethod"] == [method["id"]]
    assert document["id"] == certificate.credential["issuer"]["id"]
    key = lib.public_key_from_multikey(method["publicKeyMultibase"])
    assert lib.verify(certificate.credential, key)


def test_verification_is_rate_limited(settings, certificate) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify": "3/m"}
    cache.clear()
    client = client_for(None)
    for _ in range(3):
        assert client.get(f"/verify/{certificate.code}").status_code == 200
    limited = client.get(f"/verify/{certificate.code}")
    assert limited.status_code == 429
    assert limited["Retry-After"]
    api = client.get(f"/api/v1/academy/certificates/{certificate.code}")
    assert api.status_code == 429
    cache.clear()


def test_learner_lists_and_downloads_own_certificate(certificate, graduate) -> None:
    client = client_for(graduate)
    page = client.get("/certificates/")
    assert page.status_code == 200
    assert f"/certificates/{certificate.code}.pdf" in page.content.decode()
    assert "Download Open Badge (JSON)" in page.content.decode()

    pdf = client.get(f"/certificates/{certificate.code}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="certificate-{certificate.code}.pdf"'
    )
    assert pdf.content.startswith(b"%PDF-")
    text = extract_text(pdf.content)
    assert certificate.code in text
    assert "Ada Lovelace" in text
    assert "Copyright basics" in text
    assert f"https://ipcoop.example.org/verify/{certificate.code}" in text

    badge = client.get(f"/certificates/{certificate.code}.json")
    assert badge.status_code == 200
    assert "attachment" in badge["Content-Disposition"]
    assert services.verify_credential(json.loads(badge.content))


def test_others_cannot_download_a_certificate(personas, certificate) -> None:
    other = client_for(personas.outsider)
    for suffix in ("pdf", "json"):
        assert_same_not_found(
            other,
            f"/certificates/{certificate.code}.{suffix}",
            f"/certificates/{other_code(certificate.code)}.{suffix}",
        )
    for admin in (personas.platform_admin, personas.educator):
        assert client_for(admin).get(f"/certificates/{certificate.code}.pdf").status_code == 404
    visitor = client_for(None).get(f"/certificates/{certificate.code}.pdf")
    assert visitor.status_code == 302
    assert "/account/signin/" in visitor["Location"]
    assert b"Ada Lovelace" not in client_for(personas.outsider).get("/certificates/").content


def test_get_my_certificate_button(personas, course) -> None:
    learner = personas.learner
    client = client_for(learner)
    url = f"/certificates/course/{course.slug}/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"0 of 2" in page.content
    assert b"Get my certificate" not in page.content
    refused = client.post(url)
    assert refused.status_code == 422
    assert not Certificate.objects.exists()

    complete_course(learner, course)
    client.cookies["ipcoop_language"] = "ko"
    page = client.get(url)
    assert b'<button type="submit">' in page.content
    assert learner.shown_name in page.content.decode()
    done = client.post(url)
    assert done.status_code == 302 and done["Location"] == "/certificates/"
    certificate = Certificate.objects.get(learner=learner, course=course)
    assert certificate.language == "ko"
    assert certificate.credential["issuer"]["id"] == (
        "https://ipcoop.example.org/.well-known/ipcoop-issuer.json"
    )
    # Again: still one certificate; the page sends the learner to their list.
    assert client.post(url).status_code == 302
    assert Certificate.objects.count() == 1


def test_claim_page_of_a_draft_course_is_not_found(personas, course) -> None:
    data = course_package(slug="secret-draft")
    for question in data["questions"]:
        question["key"] = "draft-" + question["key"]
    import_package(data)
    assert_same_not_found(
        client_for(personas.learner),
        "/certificates/course/secret-draft/",
        "/certificates/course/no-such-course/",
    )


def test_completed_course_is_offered_on_the_list(personas, course) -> None:
    complete_course(personas.learner, course)
    page = client_for(personas.learner).get("/certificates/").content.decode()
    assert f"/certificates/course/{course.slug}/" in page


def test_educator_revokes_from_the_page(personas, certificate) -> None:
    url = f"/certificates/{certificate.code}/revoke/"
    for someone in (personas.learner, personas.platform_admin, personas.kipo_admin):
        assert client_for(someone).get(url).status_code == 404
        assert client_for(someone).post(url, {"reason": "x"}).status_code == 404
    assert client_for(personas.learner).get("/certificates/issued/").status_code == 404
    educator = client_for(personas.educator)
    issued = educator.get("/certificates/issued/", {"code": certificate.code.lower()})
    assert certificate.code in issued.content.decode()
    empty = educator.post(url, {"reason": ""})
    assert empty.status_code == 422
    done = educator.post(url, {"reason": "Issued in error"})
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_by == personas.educator
    assert b"Revoked" in client_for(None).get(f"/verify/{certificate.code}").content


def _more_certificates(learner, count: int) -> None:
    for index in range(count):
        data = course_package(slug=f"cert-extra-{index}")
        course = import_package(data, publish=True, review_note="test")
        complete_course(learner, course)
        services.issue_certificate(learner=learner, course=course, language="en")


def test_lists_take_the_same_queries_for_one_and_many(personas, certificate, graduate) -> None:
    client = client_for(graduate)
    educator = client_for(personas.educator)

    def count(c, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url).status_code == 200
        return len(queries)

    mine_one, issued_one = count(client, "/certificates/"), count(educator, "/certificates/issued/")
    _more_certificates(graduate, 3)
    assert count(client, "/certificates/") == mine_one
    assert count(educator, "/certificates/issued/") == issued_one


def test_educators_never_see_a_childs_name_on_issued_certificates(personas, course) -> None:
    from django.utils import timezone

    from ipcoop.classes import services as classes
    from ipcoop.classes.models import ClassMember
    from ipcoop.credentials import services as credentials

    school_class = classes.create_class(
        by=personas.teacher,
        name="Class 3B",
        audience="children",
        country="KR",
        age_min=8,
        age_max=10,
        courses=[course],
    )
    user = classes.join_class(
        code=school_class.code, display_name="Minji Park", picture_keys=["sun", "cat", "boat"]
    )
    member = ClassMember.objects.get(user=user)
    classes.record_consent(
        by=personas.teacher, member=member, method="signed_form", given_on=timezone.localdate()
    )
    complete_course(user, course)
    child_certificate = credentials.issue_certificate(learner=user, course=course, language="en")

    page = client_for(personas.educator).get("/certificates/issued/").content.decode()
    assert child_certificate.code in page
    assert "Minji" not in page
    assert "A child in a class (name not shown)" in page
