"""Per-request user preferences, and the two-factor sign-in office staff must set up."""

import functools
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from ipcoop.web import pagecache


class UserPreferencesMiddleware:
    """Shows times in the signed-in user's time zone (UTC for visitors), and gives the
    user of a GET request the memory of answers kept for them while people do not change
    (``pagecache.remembered_for_reader``; ``access`` keeps their roles in it).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if request.method in {"GET", "HEAD"}:
                user._ipcoop_remember = functools.partial(pagecache.remembered_for_reader, request)
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Office staff who must use two-factor sign-in and have not set it up yet
    (settings.REQUIRE_STAFF_TWO_FACTOR) are sent to the set-up page from every page but
    that one, signing out, the language switch and static files; the API refuses their
    session and their tokens with 401 until they have set it up.

    Place it after the authentication and message middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.REQUIRE_STAFF_TWO_FACTOR:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        from ipcoop.people import two_factor

        path = request.path_info
        api_root, *allowed = _allowed_paths()
        if path.startswith(api_root):
            header = request.headers.get("Authorization")
            if header is not None:
                scheme, _space, secret = header.partition(" ")
                refused = scheme.lower() == "bearer" and two_factor.token_owner_must_enrol(
                    secret.strip()
                )
            else:
                refused = two_factor.must_enrol(request.user)
            return _api_refusal(request) if refused else None
        if not request.user.is_authenticated or any(path.startswith(prefix) for prefix in allowed):
            return None
        # Asked on every page, so kept for the reader until people change (memberships,
        # an authenticator set up or taken away change that generation).
        if not pagecache.remembered_for_reader(
            request, "must-enrol", lambda: two_factor.must_enrol(request.user)
        ):
            return None
        messages.warning(
            request,
            _(
                "Office staff sign in with a code from an authenticator app as well as a "
                "password, because they can read confidential exchange data. Set it up to "
                "continue: it takes a minute."
            ),
        )
        target = reverse("people:two_factor")
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)


def _allowed_paths() -> tuple[str, ...]:
    return _paths_under(get_script_prefix(), get_urlconf(settings.ROOT_URLCONF))


@functools.cache
def _paths_under(_script_prefix: str, _urlconf: Any) -> tuple[str, ...]:
    """The API's root and the pages open to staff who have not set up a second factor
    (asked on every request: worked out once for each script prefix and URLconf)."""
    return (
        reverse("api:api-root"),
        reverse("people:two_factor"),
        reverse("people:signout"),
        reverse("web:set_language"),
        settings.STATIC_URL,
    )


def _api_refusal(request: HttpRequest) -> HttpResponse:
    url = request.build_absolute_uri(reverse("people:two_factor"))
    response = JsonResponse(
        {
            "code": "two_factor_required",
            "message": f"Two-factor sign-in is required for office staff: enrol at {url}",
            "errors": [],
        },
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="ipcoop"'
    return response
