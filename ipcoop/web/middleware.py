"""Input no page or endpoint should ever have to handle."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

# A NUL character, raw or escaped in JSON ("\u0000"), or percent-encoded in a query.
_NUL_IN_BODY = re.compile(rb"\x00|\\u0000", re.IGNORECASE)
MESSAGE = "Text may not contain NUL characters (code 0): remove them and send again."


class RefuseNulCharacters:
    """PostgreSQL cannot store NUL in text, and no IP office, course or learner needs
    it: a request carrying one gets 400 before any view runs (HTML forms already refuse
    it per field; this covers the JSON API and query strings)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query or _has_nul(request):
            if request.path.startswith("/api/"):
                body = {"code": "bad_request", "message": MESSAGE, "errors": []}
                return HttpResponse(json.dumps(body), status=400, content_type="application/json")
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return False
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.startswith("application/json"):
        return False  # forms and uploads: field validation refuses NUL where it matters
    return bool(_NUL_IN_BODY.search(request.body))
