"""A short-lived cache of public pages as visitors see them.

Visitors (not signed in, no session) all see the same public page in a given
language, so a page marked with ``@public_page(seconds)`` is rendered once per
language, address and interval per worker and served from memory in between: a
visitor's request then costs the middleware stack and no query. What a visitor sees
is at most ``seconds`` old; anything shown only to signed-in people never goes
through this cache.

Every page carries a CSRF token (the language switch is a POST form, and htmx sends
the token from the ``<body>``). A cached page holds a placeholder instead, replaced
on every hit with a token of the visitor's own (``get_token``, which also makes the
CSRF middleware set the visitor's cookie).

Not cached: requests of signed-in people, requests carrying a session (a visitor
with a message waiting, a child whose learning is kept in the session), htmx
requests (partial pages), anything but GET and HEAD, and any response but a plain
200 without cookies of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

# Letters only, so that HTML escaping leaves it as it is.
CSRF_PLACEHOLDER = "ipcoopCsrfTokenPlaceholderXq"
_KEY_ATTRIBUTE = "_ipcoop_public_page"
_CACHE_ALIAS = "pages"
# Headers of the view's response kept with the page (outer middleware adds the rest).
_KEPT_HEADERS = ("Content-Type", "Content-Language")


def public_page(seconds: int) -> Callable:
    """Mark a view whose page, as a visitor sees it, may be served from a cache for up
    to ``seconds`` seconds."""

    def mark(view: Callable) -> Callable:
        view.public_page_seconds = seconds
        return view

    return mark


def placeholder_token(request: HttpRequest) -> dict[str, str]:
    """Context for the page being cached: the CSRF placeholder (a context processor
    calls this; it overrides Django's token only while such a page is rendered)."""
    if getattr(request, _KEY_ATTRIBUTE, None):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"} or request.headers.get("HX-Request"):
        return False
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    # A session (messages, a child's unsaved progress) or a message cookie: not public.
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request: HttpRequest) -> str:
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-page:{get_language()}:{address}"


class PublicPageCacheMiddleware:
    """Serves pages marked ``@public_page`` to visitors from the cache.

    Place it after the CSRF, authentication, locale and message middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.cache = caches[_CACHE_ALIAS]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, _KEY_ATTRIBUTE, None)
        if not key or response.streaming:
            return response
        if _storable(response):
            headers = {h: response[h] for h in _KEPT_HEADERS if h in response}
            self.cache.set(key, (response.content, headers), request.public_page_seconds)
        # Whatever the page was (a 404 too), the visitor gets a token of their own.
        response.content = _with_token(response.content, request)
        patch_cache_control(response, private=True)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        seconds = getattr(view, "public_page_seconds", None)
        if not seconds or not _cacheable_request(request):
            return None
        key = _key(request)
        cached = self.cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(_with_token(content, request))
            for name, value in headers.items():
                response[name] = value
            patch_cache_control(response, private=True)
            return response
        setattr(request, _KEY_ATTRIBUTE, key)
        request.public_page_seconds = seconds
        return None


def _storable(response: HttpResponse) -> bool:
    return response.status_code == 200 and not response.cookies


def _with_token(content: bytes, request: HttpRequest) -> bytes:
    if CSRF_PLACEHOLDER.encode() not in content:
        return content
    return content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
