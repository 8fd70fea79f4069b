"""Eligibility, issuing (idempotent, signed, valid Open Badges 3.0) and revocation."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ipcoop.academy.models import Lesson, Question
from ipcoop.credentials import keys, services
from ipcoop.credentials.models import Certificate
from ipcoop.people.models import Role
from tests.conftest import make_user
from tests.credentials.conftest import answer, complete_course

REPO = Path(__file__).resolve().parents[2]


def standards_dir() -> Path:
    return Path(os.environ.get("IPCOOP_STANDARDS_DIR", REPO / ".." / "shared/reference/standards"))


def test_not_eligible_until_every_lesson_is_completed(personas, course) -> None:
    learner = personas.learner
    ok, reason = services.eligible(learner, course)
    assert not ok
    assert "0 of 2" in reason
    first, _second = Lesson.objects.filter(course=course).order_by("position")
    from ipcoop.academy import services as academy

    academy.complete_lesson(learner=learner, lesson=first)
    ok, reason = services.eligible(learner, course)
    assert not ok and "1 of 2" in reason
    with pytest.raises(ValidationError):
        services.issue_certificate(learner=learner, course=course, language="en")
    assert not Certificate.objects.exists()


def test_lessons_done_but_objectives_not_mastered(personas, course) -> None:
    learner = personas.learner
    complete_course(learner, course, right=False)
    ok, reason = services.eligible(learner, course)
    assert not ok
    assert "CR-901" in reason and "CR-902" in reason
    # Four right answers after one wrong: 4/5 = 80 %, enough for CR-901 only.
    q1 = Question.objects.get(key="cert-basics-q1")
    for _ in range(4):
        answer(learner, q1, right=True)
    ok, reason = services.eligible(learner, course)
    assert not ok and "CR-901" not in reason and "CR-902" in reason
    q2 = Question.objects.get(key="cert-basics-q2")
    for _ in range(3):
        answer(learner, q2, right=True)
    # 3/4 = 75 %: still short.
    assert not services.eligible(learner, course)[0]
    answer(learner, q2, right=True)
    assert services.eligible(learner, course) == (
        True,
        "You have earned the certificate of this course.",
    )


def test_draft_course_and_visitor_are_never_eligible(personas, course, graduate) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not services.eligible(AnonymousUser(), course)[0]
    course.status = "draft"
    course.save(update_fields=["status"])
    assert services.eligible(graduate, course) == (False, "This course is not published.")


def test_issue_is_idempotent_and_keeps_the_name_at_issue_time(graduate, course) -> None:
    graduate.display_name = "Ada Lovelace"
    graduate.save(update_fields=["display_name"])
    first = services.issue_certificate(learner=graduate, course=course, language="ko")
    graduate.display_name = "Someone Else"
    graduate.save(update_fields=["display_name"])
    again = services.issue_certificate(learner=graduate, course=course, language="en")
    assert again.pk == first.pk
    assert Certificate.objects.count() == 1
    first.refresh_from_db()
    assert first.name == "Ada Lovelace"
    assert first.language == "ko"
    assert services.normalise_code(first.code) == first.code
    assert first.credential["credentialSubject"]["achievement"]["name"] == "저작권 기초"


def test_unknown_language_falls_back_to_english(graduate, course) -> None:
    certificate = services.issue_certificate(learner=graduate, course=course, language="xx")
    assert certificate.language == "en"


def test_codes_are_grouped_unambiguous_and_random() -> None:
    codes = {services.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 14 and code[4] == code[9] == "-"
        assert not set(code.replace("-", "")) & set("01OI")
    assert services.normalise_code(" abcd efgh-jkLm ") == "ABCD-EFGH-JKLM"
    for bad in ("ABCD-EFGH-JKL0", "ABCD-EFGH-JKL", "ABCD-EFGH-JKLMN", "ABCD/EFGH/JKLM", ""):
        assert services.normalise_code(bad) is None


def test_credential_is_signed_by_the_platform_key(graduate, course) -> None:
    certificate = services.issue_certificate(learner=graduate, course=course, language="en")
    credential = certificate.credential
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["proof"]["verificationMethod"] == (
        "https://ipcoop.example.org/.well-known/ipcoop-issuer.json#" + keys.public_multikey()
    )
    assert credential["credentialStatus"] == {
        "id": f"https://ipcoop.example.org/api/v1/academy/certificates/{certificate.code}/status",
        "type": "1EdTechRevocationList",
    }
    assert services.verify_credential(credential)
    # Stored and read back (jsonb on PostgreSQL reorders members): still valid.
    assert services.verify_credential(Certificate.objects.get(pk=certificate.pk).credential)


def test_credential_does_not_expose_the_learner(graduate, course) -> None:
    graduate.email = "learner@example.org"
    graduate.display_name = "Ada Lovelace"
    graduate.save(update_fields=["email", "display_name"])
    certificate = services.issue_certificate(learner=graduate, course=course, language="en")
    text = json.dumps(certificate.credential, ensure_ascii=False)
    assert "learner@example.org" not in text
    assert "Ada Lovelace" not in text
    assert graduate.username not in text
    identity = certificate.credential["credentialSubject"]["identifier"][0]
    import hashlib

    expected = hashlib.sha256(("Ada Lovelace" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == "sha256$" + expected
    assert identity["hashed"] is True


def _mutations(credential: dict):
    yield "name", {**credential, "name": credential["name"] + "!"}
    yield "issuanceDate", {**credential, "issuanceDate": "2020-01-01T00:00:00Z"}
    subject = credential["credentialSubject"]
    achievement = {**subject["achievement"], "name": "Patent attorney exam"}
    yield (
        "achievement",
        {**credential, "credentialSubject": {**subject, "achievement": achievement}},
    )
    identity = {**subject["identifier"][0], "identityHash": "sha256$" + "0" * 64}
    yield "identity", {**credential, "credentialSubject": {**subject, "identifier": [identity]}}
    yield "issuer", {**credential, "issuer": {**credential["issuer"], "name": "Another Academy"}}
    yield "status", {**credential, "credentialStatus": {"id": "https://x.example/", "type": "x"}}
    yield "id", {**credential, "id": credential["id"].replace("-", "")}
    yield "extra", {**credential, "expirationDate": "2030-01-01T00:00:00Z"}
    proof = credential["proof"]
    yield "proof date", {**credential, "proof": {**proof, "created": "2020-01-01T00:00:00Z"}}


def test_changing_any_field_breaks_the_signature(graduate, course) -> None:
    credential = services.issue_certificate(
        learner=graduate, course=course, language="en"
    ).credential
    for what, changed in _mutations(credential):
        assert not services.verify_credential(changed), what


def test_a_credential_signed_with_another_key_fails(graduate, course, settings) -> None:
    certificate = services.issue_certificate(learner=graduate, course=course, language="en")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ipcoop.lib import credentials as lib

    forger = Ed25519PrivateKey.generate()
    unsigned = {k: v for k, v in certificate.credential.items() if k != "proof"}
    # The forger claims the platform's key id, or names their own key.
    for method in (
        certificate.credential["proof"]["verificationMethod"],
        "https://ipcoop.example.org/.well-known/ipcoop-issuer.json#"
        + lib.multikey(forger.public_key()),
    ):
        forged = lib.sign(
            unsigned, forger, verification_method=method, created="2026-01-01T00:00:00Z"
        )
        assert lib.verify(forged, forger.public_key())
        assert not services.verify_credential(forged)


def test_revocation_by_educators_only(personas, graduate, course) -> None:
    certificate = services.issue_certificate(learner=graduate, course=course, language="en")
    for someone in (graduate, personas.kipo_admin, personas.platform_admin, personas.teacher):
        with pytest.raises(PermissionDenied):
            services.revoke_certificate(by=someone, certificate=certificate, reason="x")
    with pytest.raises(ValidationError):
        services.revoke_certificate(by=personas.educator, certificate=certificate, reason="  ")
    revoked = services.revoke_certificate(
        by=personas.educator, certificate=certificate, reason="Issued in error"
    )
    assert revoked.is_revoked and revoked.revoked_by == personas.educator
    when = revoked.revoked_at
    again = services.revoke_certificate(
        by=make_user("edu2", Role.EDUCATOR, "asean-ip-academy"),
        certificate=certificate,
        reason="Other",
    )
    assert again.revoked_at == when and again.revocation_reason == "Issued in error"
    listing = services.revocation_list(again)
    assert listing["revokedCredentials"] == [
        {
            "id": certificate.credential["id"],
            "revocationReason": "Issued in error",
            "revocationDate": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    ]
    # The signed credential itself is unchanged by revocation.
    assert services.verify_credential(Certificate.objects.get(pk=certificate.pk).credential)


def test_issued_credential_validates_against_open_badges_3_schema(graduate, course) -> None:
    schema_file = standards_dir() / "openbadges-3.0" / "achievementcredential.schema.json"
    if not schema_file.is_file():
        pytest.skip(
            f"Open Badges 3.0 schema not found at {schema_file}: set IPCOOP_STANDARDS_DIR to "
            "the folder holding openbadges-3.0/."
        )
    import jsonschema

    schema = json.loads(schema_file.read_text())
    credential = services.issue_certificate(
        learner=graduate, course=course, language="th"
    ).credential
    validator = jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(credential), key=str)
    assert errors == []
    assert credential["@context"][:2] == [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    # The schema is not lenient: a credential without its subject's achievement fails.
    broken = {**credential, "credentialSubject": {"type": ["AchievementSubject"]}}
    assert list(validator.iter_errors(broken))


def test_production_refuses_to_sign_without_a_key(settings, monkeypatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("IPCOOP_SIGNING_KEY", raising=False)
    settings.IPCOOP_SIGNING_KEY = ""
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="IPCOOP_SIGNING_KEY"):
        keys.signing_key()
    settings.IPCOOP_SIGNING_KEY = "not a key"
    with pytest.raises(ImproperlyConfigured, match="IPCOOP_SIGNING_KEY"):
        keys.signing_key()


def test_development_key_is_made_once_under_var(settings, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("IPCOOP_SIGNING_KEY", raising=False)
    settings.IPCOOP_SIGNING_KEY = ""
    settings.PRODUCTION = False
    settings.VAR_DIR = tmp_path
    first = keys.public_multikey()
    path = tmp_path / keys.DEV_KEY_FILE
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert keys.public_multikey() == first


def test_retired_key_still_verifies_what_it_signed(graduate, course, settings) -> None:
    certificate = services.issue_certificate(learner=graduate, course=course, language="en")
    old = keys.public_multikey()
    settings.IPCOOP_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()
    assert keys.public_multikey() != old
    assert not services.verify_credential(certificate.credential)
    settings.IPCOOP_RETIRED_SIGNING_KEYS = old
    assert services.verify_credential(certificate.credential)
    assert list(keys.verification_keys()) == [keys.public_multikey(), old]
