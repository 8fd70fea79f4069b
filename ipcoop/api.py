"""The JSON API root: /api/v1/.

Authentication is the browser session (with CSRF on unsafe methods) or a personal
token sent as ``Authorization: Bearer <token>``. Every error answers in one shape,
``ErrorOut``. Domain apps add routers here; their endpoints call the same service
and access functions as the HTML views.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from ipcoop.academy.api import router as academy_router
from ipcoop.apischema import SESSION_OR_TOKEN, DocumentedErrors
from ipcoop.classes.api import router as classes_router
from ipcoop.credentials.api import router as credentials_router
from ipcoop.exchange.consultations.api import router as consultations_router
from ipcoop.exchange.practice.api import router as practice_router
from ipcoop.exchange.statistics.api import router as statistics_router
from ipcoop.exchange.updates.api import router as updates_router
from ipcoop.meetings.api import router as meetings_router
from ipcoop.notifications.api import router as notifications_router
from ipcoop.people.api import router as people_router
from ipcoop.projects.api import router as projects_router
from ipcoop.proposals.api import router as proposals_router
from ipcoop.ratelimit import RateLimited
from ipcoop.search.api import router as search_router
from ipcoop.worksharing.api import router as worksharing_router


class IpcoopAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return DocumentedErrors(self, path_prefix)


api = IpcoopAPI(
    title="ipcoop API",
    version="1",
    description=(
        "The Korea–ASEAN IP Cooperation Platform. Authenticate with a personal token "
        "(`Authorization: Bearer ipc_…`, made on your Tokens page) or a browser session."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=SESSION_OR_TOKEN,
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "errors": errors or []}, status=status
    )


_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _location(loc: list[Any]) -> str:
    """A field's dotted name, without the parameter source and the body parameter's name."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source in {"body", "form"} and len(parts) > 1:
            parts.pop(0)
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": _location(list(e.get("loc", []))), "message": e["msg"]} for e in exc.errors]
    return error_response(request, 422, "invalid", "Some fields are not valid: see errors.", errors)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # One body for "missing" and "hidden": no existence oracle.
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request,
        401,
        "unauthenticated",
        "Sign in, or send a valid personal token as 'Authorization: Bearer <token>'.",
    )
    response["WWW-Authenticate"] = 'Bearer realm="ipcoop"'
    return response


@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error_response(
        request,
        429,
        "throttled",
        f"Too many requests. Wait {exc.retry_after} seconds, then try again.",
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthorizationError)
def on_forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or "Not allowed.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 403: "forbidden", 405: "method_not_allowed", 429: "throttled"}
    return error_response(request, exc.status_code, code.get(exc.status_code, "error"), str(exc))


@api.exception_handler(DjangoValidationError)
def on_domain_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the input: show each field's message."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "__all__", "message": str(m)} for m in exc.messages]
    return error_response(request, 422, "invalid", "Some fields are not valid: see errors.", errors)


api.add_router("", people_router)
api.add_router("/practice", practice_router)
api.add_router("/updates", updates_router)
api.add_router("/consultations", consultations_router)
api.add_router("/statistics", statistics_router)
api.add_router("/search", search_router)
api.add_router("/worksharing", worksharing_router)
api.add_router("/academy", academy_router)
api.add_router("/academy", credentials_router)
api.add_router("/academy/classes", classes_router)
api.add_router("/meetings", meetings_router)
api.add_router("/proposals", proposals_router)
api.add_router("/projects", projects_router)
api.add_router("/notifications", notifications_router)
