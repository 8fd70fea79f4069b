"""Academy certificates: who has earned one, issuing it with its signed Open Badges
credential, revoking it, and checking a credential's proof.

Pages, the API and console commands call these functions; none decides on its own.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.academy import services as academy
from ipcoop.academy.i18n import content_languages, text
from ipcoop.academy.models import Attempt, Course, LessonProgress, ProgressStatus, Question, Status
from ipcoop.credentials import keys
from ipcoop.credentials.models import Certificate
from ipcoop.lib import credentials as lib

# Mastery: the share of correct answers each objective needs (see ``eligible``).
MASTERY_SHARE = 0.8

# Verification codes: 12 characters from 32 that cannot be mistaken for one another
# (no 0/O, no 1/I), 60 random bits, shown in groups of four.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12

ISSUER_ORGANISATION = "asean-ip-academy"
ISSUER_NAME = "ASEAN IP Academy"

CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://w3id.org/security/data-integrity/v2",
]
STATUS_TYPE = "1EdTechRevocationList"


# Codes ------------------------------------------------------------------------------


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(value: str) -> str | None:
    """The code in its stored form (ABCD-EFGH-JKLM), or None when it cannot be one.

    Case, spaces and hyphens do not count, so a code read aloud or typed in lower
    case still matches; any other character makes it malformed."""
    raw = "".join(str(value).split()).replace("-", "").upper()
    if len(raw) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def find_certificate(code: str) -> Certificate | None:
    """The certificate with this code (public lookup), or None: malformed and unknown
    codes are the same to callers."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return Certificate.objects.select_related("course").filter(code=normalised).first()


# Eligibility ------------------------------------------------------------------------


def objective_shares(learner: Any, course: Course) -> dict[int, tuple[str, int, int]]:
    """For each objective the course's published questions check: (code, correct
    answers, answers) over all the learner's attempts on questions of that objective."""
    lesson_ids = [lesson.pk for lesson in academy.published_lessons(course)]
    objectives = dict(
        Question.objects.filter(course=course, lesson_id__in=lesson_ids, published=True)
        .values_list("objective_id", "objective__code")
        .distinct()
    )
    counts = {
        row["question__objective_id"]: (row["right"], row["total"])
        for row in Attempt.objects.filter(
            learner=learner, question__objective_id__in=list(objectives)
        )
        .values("question__objective_id")
        .annotate(total=Count("pk"), right=Count("pk", filter=Q(correct=True)))
    }
    return {oid: (code, *counts.get(oid, (0, 0))) for oid, code in objectives.items()}


def eligible(learner: Any, course: Course) -> tuple[bool, str]:
    """Whether ``learner`` has earned the certificate of ``course``, and if not, what is
    still missing (a sentence for the learner).

    This is the one place that decides. For now it requires:

    1. the course is published and has published lessons, and the learner has
       completed every one of them (``LessonProgress`` status "completed");
    2. mastery of every objective the course checks (the objectives of its published
       questions): at least ``MASTERY_SHARE`` (80 %) of the learner's answers to
       questions on that objective are correct, counted over all their attempts.

    Rule 2 is a stand-in: it will be replaced by mastery from Bayesian Knowledge
    Tracing (``ipcoop.lib.mastery``: an objective is mastered when the estimated
    probability that it is known reaches ``mastery.MASTERED``), once the Academy
    stores that estimate per learner and objective. Callers need not change.
    """
    if learner is None or not learner.is_authenticated:
        return False, _("Sign in to earn a certificate.")
    if course.status != Status.PUBLISHED:
        return False, _("This course is not published.")
    lessons = academy.published_lessons(course)
    if not lessons:
        return False, _("This course has no lessons yet.")
    done = LessonProgress.objects.filter(
        learner=learner,
        lesson_id__in=[lesson.pk for lesson in lessons],
        status=ProgressStatus.COMPLETED,
    ).count()
    if done < len(lessons):
        return False, _(
            "Complete every lesson of the course first: %(done)d of %(total)d completed."
        ) % {"done": done, "total": len(lessons)}
    weak = sorted(
        code
        for code, right, total in objective_shares(learner, course).values()
        if not total or right / total < MASTERY_SHARE
    )
    if weak:
        return False, _(
            "Practise until at least %(percent)d%% of your answers on each objective are "
            "right. Still to practise: %(objectives)s."
        ) % {"percent": round(MASTERY_SHARE * 100), "objectives": ", ".join(weak)}
    return True, _("You have earned the certificate of this course.")


# The credential ---------------------------------------------------------------------


def platform_url(base_url: str = "") -> str:
    """The platform's public address, without a trailing slash: the given one, else
    the IPCOOP_BASE_URL setting, else the development server's."""
    return (base_url or getattr(settings, "IPCOOP_BASE_URL", "") or "http://localhost:8000").rstrip(
        "/"
    )


def issuer_name() -> str:
    from ipcoop.people.models import Organisation

    organisation = Organisation.objects.filter(slug=ISSUER_ORGANISATION).first()
    return organisation.name if organisation else ISSUER_NAME


def issuer_profile(base_url: str) -> dict:
    return {
        "id": keys.issuer_id(base_url),
        "type": ["Profile"],
        "name": issuer_name(),
        "url": base_url + "/",
    }


def credential_url(base_url: str, code: str) -> str:
    return base_url + reverse("api:credential", kwargs={"code": code})


def status_url(base_url: str, code: str) -> str:
    return base_url + reverse("api:credential_status", kwargs={"code": code})


def verification_url(base_url: str, code: str) -> str:
    return base_url + reverse("credentials:verify", kwargs={"code": code})


def _timestamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(
    *, code: str, name: str, course: Course, language: str, issued_at: datetime, base_url: str
) -> dict:
    """The unsigned OpenBadgeCredential (Open Badges 3.0 on the VC Data Model 1.1).

    The learner is not named in it: the subject is identified by a salted SHA-256 of the
    name on the certificate (an IdentityObject), so whoever holds the PDF can check that
    the credential is about that name, while the public JSON alone does not reveal it.
    """
    salt = secrets.token_hex(16)
    with translation.override(language):
        title = str(text(course.title, language))
        description = str(text(course.summary, language)) or _("A course of the ASEAN IP Academy.")
        narrative = _(
            "Completed every lesson of the course and answered at least %(percent)d%% of "
            "the practice questions on each of its learning objectives correctly."
        ) % {"percent": round(MASTERY_SHARE * 100)}
        credential_name = _("Certificate: %(course)s") % {"course": title}
    course_url = base_url + reverse("academy:course", kwargs={"slug": course.slug})
    return {
        "@context": list(CONTEXT),
        "id": credential_url(base_url, code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential_name,
        "issuer": issuer_profile(base_url),
        "issuanceDate": _timestamp(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$"
                    + hashlib.sha256((name + salt).encode("utf-8")).hexdigest(),
                    "identityType": "ext:name",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": course_url,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": title,
                "description": description,
                "criteria": {"id": course_url, "narrative": narrative},
                "inLanguage": language,
                "tag": list(course.topics),
            },
        },
        "credentialStatus": {"id": status_url(base_url, code), "type": STATUS_TYPE},
    }


def sign_credential(document: dict, *, issued_at: datetime, base_url: str) -> dict:
    return lib.sign(
        document,
        keys.signing_key(),
        verification_method=keys.key_id(base_url),
        created=_timestamp(issued_at),
    )


def verify_credential(document: Any) -> bool:
    """Whether ``document`` carries a valid proof by the platform's key (or a retired
    one) over exactly this content. The key is recognised by its Multikey (the fragment
    of ``verificationMethod``), so a move to another host name does not matter."""
    if not isinstance(document, dict) or not isinstance(document.get("proof"), dict):
        return False
    method = document["proof"].get("verificationMethod")
    if not isinstance(method, str):
        return False
    key = keys.verification_keys().get(method.rpartition("#")[2])
    return key is not None and lib.verify(document, key)


def revocation_list(certificate: Certificate) -> dict:
    """The 1EdTech Revocation List named by the credential's ``credentialStatus``:
    one list per certificate, empty unless it is revoked."""
    credential = certificate.credential
    revoked = []
    if certificate.is_revoked:
        revoked.append(
            {
                "id": credential["id"],
                "revocationReason": certificate.revocation_reason,
                "revocationDate": _timestamp(certificate.revoked_at),
            }
        )
    return {
        "id": credential["credentialStatus"]["id"],
        "issuer": credential["issuer"]["id"],
        "revokedCredentials": revoked,
    }


# Changes ----------------------------------------------------------------------------


@transaction.atomic
def issue_certificate(
    *, learner: Any, course: Course, language: str, base_url: str = ""
) -> Certificate:
    """Issue the learner's certificate of ``course``, or return the one already issued.

    Side effects, in one transaction: a ``Certificate`` (new unguessable code, the
    learner's name as it is now, the language, the time) with its Open Badges credential
    signed by the platform's key. Nothing when the learner already has one (also when
    two requests race). ``language`` falls back to English when the platform does not
    offer it; ``base_url`` is the platform's address written into the credential
    (default: ``platform_url()``).
    Raises ValidationError saying what is missing when the learner is not eligible.
    """
    existing = Certificate.objects.filter(learner=learner, course=course).first()
    if existing is not None:
        return existing
    ok, reason = eligible(learner, course)
    if not ok:
        raise ValidationError(reason)
    language = language if language in content_languages() else "en"
    base = platform_url(base_url)
    for _attempt in range(5):
        issued_at = timezone.now().replace(microsecond=0)
        code = new_code()
        name = learner.shown_name
        unsigned = build_credential(
            code=code,
            name=name,
            course=course,
            language=language,
            issued_at=issued_at,
            base_url=base,
        )
        certificate = Certificate(
            code=code,
            learner=learner,
            course=course,
            name=name,
            language=language,
            issued_at=issued_at,
            credential=sign_credential(unsigned, issued_at=issued_at, base_url=base),
        )
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError:
            existing = Certificate.objects.filter(learner=learner, course=course).first()
            if existing is not None:
                return existing
            continue  # the code was taken: draw another
        return certificate
    raise RuntimeError("No free certificate code after five draws.")  # pragma: no cover


@transaction.atomic
def revoke_certificate(*, by: Any, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate (Academy educators only).

    Side effects: the certificate's revocation time, reason and who revoked it are
    stored; from then on its verification page says "revoked" and its revocation list
    names the credential. Revoking again changes nothing.
    Raises PermissionDenied for anyone but an educator, ValidationError without a reason.
    """
    if not access.can_revoke_certificates(by):
        raise PermissionDenied
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revocation_reason = reason
        certificate.revoked_by = by
        certificate.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
    return certificate
