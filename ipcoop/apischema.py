"""What every API router shares: authentication and the one error shape."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

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
        user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise AuthenticationError
        request.user = user
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return user_for_token(token)


# Bearer token first (no CSRF needed), then the browser session (CSRF on unsafe methods).
SESSION_OR_TOKEN = [TokenAuth(), SessionAuth()]

# Responses every authenticated endpoint may give, for the OpenAPI document.
AUTH_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut}
INVALID = {422: ErrorOut}
NOT_FOUND = {404: ErrorOut}
