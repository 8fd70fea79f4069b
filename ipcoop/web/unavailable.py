"""When the database cannot be reached: 503 with Retry-After and a plain page, never a 500.

PostgreSQL restarting, a fail-over or a full connection slot table make every query fail
for a few seconds. Such a failure (Django's ``OperationalError`` or ``InterfaceError``,
raised at connection time or by a query) may surface anywhere: in a view, in an API
endpoint, or in a middleware (the session is read lazily, the signed-in user is looked up
by the authentication middleware, the session is saved on the way out). Django turns an
exception from any of these layers into a response through the URL configuration's
``handler500``, so that handler is the one place that decides: ``server_error`` answers
503 for a database that does not answer and Django's usual 500 page otherwise. API
endpoints reach it too (ninja hands exceptions it has no handler for back to Django when
DEBUG is off), and get the API's error shape.

The page is rendered without a request context: no context processor runs, nobody is
looked up, nothing touches the database.
"""

from __future__ import annotations

import json
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views import defaults
from pydantic import ValidationError as PydanticValidationError

# Seconds a client should wait before trying again: a restart takes about this long.
RETRY_AFTER = 5
TEMPLATE = "web/unavailable.html"
_DATABASE_ERRORS = (OperationalError, InterfaceError)
_DATABASE_ERROR_NAMES = tuple(f"{error.__name__}:" for error in _DATABASE_ERRORS)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an exception it was raised from) says the database did not answer."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen and len(seen) < 10:
        if isinstance(exc, _DATABASE_ERRORS) or _reading_failed(exc):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _reading_failed(exc: BaseException) -> bool:
    """An API endpoint returns a queryset that the response schema reads; a database error
    while reading it reaches us as pydantic's ValidationError, with only its name kept."""
    if not isinstance(exc, PydanticValidationError):
        return False
    return any(
        error["type"] == "get_attribute_error"
        and str(error.get("ctx", {}).get("error", "")).startswith(_DATABASE_ERROR_NAMES)
        for error in exc.errors(include_url=False)
    )


def message() -> str:
    return gettext(
        "The platform cannot reach its database for a moment. This usually lasts a few seconds."
    )


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the API's error shape under /api/, else the standalone page."""
    if request.path.startswith("/api/"):
        body = {"code": "unavailable", "message": message(), "errors": []}
        response = HttpResponse(json.dumps(body), status=503, content_type="application/json")
    else:
        page = render_to_string(TEMPLATE, {"retry_after": RETRY_AFTER, "message": message()})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: 503 when the exception being handled is a database that does not
    answer (Django logs it with its traceback, as "Service Unavailable"), else Django's
    own 500 page."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return defaults.server_error(request)
