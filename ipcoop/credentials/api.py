"""API of certificates: the signed Open Badges credential and its revocation list.

Both are public by code, like the verification page, and rate-limited per address
(scope "verify") so codes cannot be enumerated. A malformed code and an unknown one
answer the same 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from ipcoop import ratelimit
from ipcoop.apischema import NOT_FOUND
from ipcoop.credentials import services
from ipcoop.credentials.models import Certificate

router = Router(tags=["academy"])


def _certificate(request: HttpRequest, code: str) -> Certificate:
    ratelimit.check("verify", ratelimit.by_address(request))
    certificate = services.find_certificate(code)
    if certificate is None:
        raise Http404
    return certificate


@router.get(
    "/certificates/{code}",
    auth=None,
    response={200: dict[str, Any], **NOT_FOUND},
    url_name="credential",
    summary="A certificate's Open Badges credential",
)
def credential(request: HttpRequest, code: str) -> Any:
    """The OpenBadgeCredential (Open Badges 3.0, JSON-LD) exactly as signed, with its
    ``eddsa-jcs-2022`` proof. The issuer's key is at ``/.well-known/ipcoop-issuer.json``."""
    return _certificate(request, code).credential


@router.get(
    "/certificates/{code}/status",
    auth=None,
    response={200: dict[str, Any], **NOT_FOUND},
    url_name="credential_status",
    summary="A certificate's revocation list",
)
def credential_status(request: HttpRequest, code: str) -> Any:
    """The 1EdTech Revocation List the credential's ``credentialStatus`` points to:
    ``revokedCredentials`` names the credential once it is revoked."""
    return services.revocation_list(_certificate(request, code))
