"""API endpoints for organisations, the caller and personal tokens."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from ipcoop import access
from ipcoop.apischema import AUTH_ERRORS, INVALID, NOT_FOUND
from ipcoop.people import services
from ipcoop.people.models import ApiToken, Organisation, User

router = Router(tags=["people"])


class OrganisationOut(Schema):
    code: str | None
    slug: str
    short_name: str
    name: str
    kind: str
    timezone: str
    languages: list[str]
    source: str

    @staticmethod
    def resolve_code(obj: Organisation) -> str | None:
        return obj.code or None


class MembershipOut(Schema):
    role: str
    organisation: str | None


class MeOut(Schema):
    username: str
    display_name: str
    email: str
    preferred_language: str
    country: str
    time_zone: str
    is_platform_admin: bool
    memberships: list[MembershipOut]


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str


@router.get("/offices", response={200: list[OrganisationOut]}, auth=None, summary="Organisations")
def list_offices(request: HttpRequest):
    """Every cooperating organisation: the IP offices, the ASEAN IP Academy and Secretariat.

    `code` is the WIPO ST.3 code of the office's country (null for regional bodies).
    """
    return Organisation.objects.all()


def _me(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "preferred_language": user.preferred_language,
        "country": user.country,
        "time_zone": user.time_zone,
        "is_platform_admin": access.is_platform_admin(user),
        "memberships": [
            {"role": m.role, "organisation": m.organisation.slug if m.organisation else None}
            for m in user.memberships.select_related("organisation")
        ],
    }


@router.get("/me", response={200: MeOut, **AUTH_ERRORS}, summary="The caller")
def me(request: HttpRequest):
    """The signed-in user (or the token's owner), with memberships and roles."""
    return _me(request.auth)


@router.get("/me/tokens", response={200: list[TokenOut], **AUTH_ERRORS}, summary="My tokens")
def list_tokens(request: HttpRequest):
    """Your personal API tokens, newest first, with when each was last used."""
    return access.tokens_of(request.auth)


@router.post(
    "/me/tokens",
    response={201: NewTokenOut, **AUTH_ERRORS, **INVALID},
    summary="Create a token",
)
def create_token(request: HttpRequest, payload: TokenIn):
    """Make a personal token. The `token` field is shown in this answer only: store it now."""
    token, secret = services.create_token(user=request.auth, name=payload.name, request=request)
    return Status(201, _token_out(token, secret))


@router.post(
    "/me/tokens/{token_id}/revoke",
    response={200: TokenOut, **AUTH_ERRORS, **NOT_FOUND},
    summary="Revoke a token",
)
def revoke_token(request: HttpRequest, token_id: int):
    """Revoke one of your tokens; it stops working at once. Someone else's token is not found."""
    token = access.get_token_or_404(request.auth, token_id)
    services.revoke_token(user=request.auth, token=token, request=request)
    return token


def _token_out(token: ApiToken, secret: str) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
        "token": secret,
    }
