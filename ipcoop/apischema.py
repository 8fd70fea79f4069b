"""What every API router shares: authentication and the one error shape."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import AuthenticationError
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


# Bearer token first (no CSRF needed), then the browser session (CSRF on unsafe methods).
SESSION_OR_TOKEN = [TokenAuth(), SessionAuth()]

# Responses every authenticated endpoint may give, for the OpenAPI document.
AUTH_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 429: ErrorOut}
INVALID = {422: ErrorOut}
NOT_FOUND = {404: ErrorOut}
