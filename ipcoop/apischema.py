"""What every API router shares: authentication and the one error shape."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import AuthenticationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer, SessionAuth

from ipcoop import ratelimit
from ipcoop.people.services import user_for_token


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error the API answers: a code, a sentence saying what to fix, and field errors."""

    code: str
    message: str
    errors: list[FieldError] = []


class TokenAuth(HttpBearer):
    """A personal token. A request that sends any Authorization header is judged by it
    alone: a wrong or revoked token is refused even when a session cookie comes along."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization")
        if header is None:
            return None  # no token sent: let the session decide
        scheme, _, token = header.partition(" ")
        token = token.strip()
        user = user_for_token(token) if scheme.lower() == "bearer" else None
        if user is None:
            # Guessing tokens from one address is slowed down (429 after the limit).
            ratelimit.check("token_failure", ratelimit.by_address(request))
            raise AuthenticationError
        # Each token has a request budget per window.
        ratelimit.check("token", hashlib.sha256(token.encode()).hexdigest())
        request.user = user
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return user_for_token(token)


class PageParams(Schema):
    """``limit`` and ``offset`` for list endpoints: filters schemas inherit these."""

    limit: int = Field(100, ge=1, le=500, description="How many items, at most 500.")
    offset: int = Field(0, ge=0, le=10_000_000, description="How many items to skip.")

    def page(self, items: Any) -> Any:
        """The slice of a queryset or list this page asks for."""
        return items[self.offset : self.offset + self.limit]


class Anyone:
    """Last in an auth list: a request with no credentials goes on as an anonymous visitor.

    A token or session that *is* sent is still judged first (a wrong token is refused).
    The OpenAPI document marks such operations' security as optional (``{}``).
    """

    allows_anonymous = True

    def __call__(self, request: HttpRequest) -> Any:
        return AnonymousUser()


# Bearer token first (no CSRF needed), then the browser session (CSRF on unsafe methods).
SESSION_OR_TOKEN = [TokenAuth(), SessionAuth()]
# The same, or nobody: for what visitors may read too (what they see is still filtered).
SESSION_TOKEN_OR_ANONYMOUS = [*SESSION_OR_TOKEN, Anyone()]


class DocumentedErrors(OpenAPISchema):
    """The OpenAPI document, with what every operation may answer written down once:
    422 (a parameter or body is not valid) and 429 (too many requests), both ``ErrorOut``,
    and optional security where an operation lets visitors in (``Anyone``)."""

    COMMON = {
        400: "The request could not be read (for example, a body that is not JSON).",
        422: "A parameter or the body is not valid: see errors.",
        429: "Too many requests: wait for the seconds in Retry-After.",
    }

    def responses(self, operation: Any) -> dict[int, Any]:
        result = super().responses(operation)
        schema = self._create_schema_from_model(ErrorOut, mode="serialization")[0]
        for status, description in self.COMMON.items():
            result.setdefault(
                status,
                {
                    "description": description,
                    "content": {self.api.renderer.media_type: {"schema": schema}},
                },
            )
        return result

    def operation_security(self, operation: Any) -> list[dict[str, Any]] | None:
        result = super().operation_security(operation)
        if result and any(getattr(a, "allows_anonymous", False) for a in operation.auth_callbacks):
            result.append({})
        return result


# Responses every authenticated endpoint may give, for the OpenAPI document.
AUTH_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 429: ErrorOut}
INVALID = {422: ErrorOut}
NOT_FOUND = {404: ErrorOut}
