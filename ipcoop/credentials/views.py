"""Certificate pages: the public verification page and the issuer document, the
learner's certificates with their downloads, getting a certificate, and revocation
by educators."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ipcoop import access, ratelimit
from ipcoop.academy import services as academy
from ipcoop.academy.i18n import current_language, pick
from ipcoop.academy.models import Course
from ipcoop.classes.models import ClassMember
from ipcoop.credentials import keys, services
from ipcoop.credentials.forms import RevokeForm
from ipcoop.credentials.models import Certificate
from ipcoop.credentials.pdf import render_certificate

ISSUED_PAGE = 50


def base_url(request: HttpRequest) -> str:
    """The platform's address: the IPCOOP_BASE_URL setting, else this request's host."""
    configured = getattr(settings, "IPCOOP_BASE_URL", "")
    return services.platform_url(configured or request.build_absolute_uri("/"))


@ratelimit.limit("verify", methods=frozenset({"GET", "HEAD"}))
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone may check a code: valid, revoked, or unknown (also a malformed code or a
    stored credential whose proof does not hold), the last with 404."""
    certificate = services.find_certificate(code)
    if certificate is None or not services.verify_credential(certificate.credential):
        return render(request, "credentials/verify.html", {"state": "unknown"}, status=404)
    return render(
        request,
        "credentials/verify.html",
        {
            "state": "revoked" if certificate.is_revoked else "valid",
            "certificate": certificate,
            "course_title": pick(certificate.course.title, current_language()),
            "issuer": services.issuer_name(),
            "credential_url": services.credential_url("", certificate.code),
        },
    )


def issuer(request: HttpRequest) -> JsonResponse:
    """The issuer's profile and public key (see ipcoop.credentials.keys)."""
    base = base_url(request)
    issuer_id = keys.issuer_id(base)
    methods = [
        {
            "id": f"{issuer_id}#{multikey}",
            "type": "Multikey",
            "controller": issuer_id,
            "publicKeyMultibase": multikey,
        }
        for multikey in keys.verification_keys()
    ]
    document = {
        "@context": [
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://w3id.org/security/multikey/v1",
        ],
        **services.issuer_profile(base),
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    lang = current_language()
    certificates = list(
        access.certificates_of(request.user).select_related("course").order_by("-issued_at")
    )
    rows = [{"certificate": c, "title": pick(c.course.title, lang)} for c in certificates]
    # Courses whose lessons are all completed and that have no certificate yet.
    have = {c.course_id for c in certificates}
    started = [
        item["course"]
        for item in academy.learner_progress(request.user)["courses"]
        if item["course"].pk not in have and item["percent"] == 100
    ]
    return render(
        request,
        "credentials/mine.html",
        {
            "rows": rows,
            "ready": [{"course": c, "title": pick(c.title, lang)} for c in started],
            "nav_section": "academy",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def claim(request: HttpRequest, slug: str) -> HttpResponse:
    """A course's certificate: what is still missing, or the button that issues it."""
    course = access.get_course_or_404(request.user, Course.objects.all(), slug=slug)
    existing = access.certificates_of(request.user).filter(course=course).first()
    if existing is not None:
        return redirect("credentials:mine")
    error = ""
    if request.method == "POST":
        try:
            services.issue_certificate(
                learner=request.user,
                course=course,
                language=current_language(),
                base_url=base_url(request),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("credentials:mine")
    ok, reason = services.eligible(request.user, course)
    return render(
        request,
        "credentials/claim.html",
        {
            "course": course,
            "title": pick(course.title, current_language()),
            "name": request.user.shown_name,
            "eligible": ok,
            "reason": error or reason,
            "nav_section": "academy",
        },
        status=422 if error else 200,
    )


@login_required
def download_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = access.get_own_certificate_or_404(request.user, code)
    body = render_certificate(certificate, base_url=base_url(request))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@login_required
def download_json(request: HttpRequest, code: str) -> HttpResponse:
    certificate = access.get_own_certificate_or_404(request.user, code)
    body = json.dumps(certificate.credential, ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode("utf-8"), content_type="application/ld+json")
    response["Content-Disposition"] = f'attachment; filename="open-badge-{certificate.code}.json"'
    return response


def _require_educator(request: HttpRequest) -> None:
    if not access.can_revoke_certificates(request.user):
        raise Http404


@login_required
def issued(request: HttpRequest) -> HttpResponse:
    """Educators: the latest certificates, or the one whose code they look up."""
    _require_educator(request)
    lang = current_language()
    query = request.GET.get("code", "").strip()
    # A child's name is never shown to educators (they see aggregates of classes only).
    certificates = (
        Certificate.objects.select_related("course")
        .annotate(is_child=Exists(ClassMember.objects.filter(user_id=OuterRef("learner_id"))))
        .order_by("-issued_at", "-pk")
    )
    if query:
        normalised = services.normalise_code(query)
        certificates = certificates.filter(code=normalised or "")
    rows = [
        {"certificate": c, "title": pick(c.course.title, lang)} for c in certificates[:ISSUED_PAGE]
    ]
    return render(
        request,
        "credentials/issued.html",
        {"rows": rows, "query": query, "nav_section": "academy"},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    _require_educator(request)
    certificate = services.find_certificate(code)
    if certificate is None:
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_certificate(
                by=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("credentials:revoke", code=certificate.code)
    return render(
        request,
        "credentials/revoke.html",
        {
            "certificate": certificate,
            "title": pick(certificate.course.title, current_language()),
            "form": form,
            "nav_section": "academy",
        },
        status=422 if form.errors else 200,
    )
