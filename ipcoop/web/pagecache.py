"""Pages kept for seconds: public pages as visitors see them, and pages as one
signed-in reader sees them.

Visitors
--------

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

Readers
-------
A view whose page costs much to make calls ``render_for_reader`` instead of
``render``, after it has checked access and done what each visit does (an audit
event, a lesson's "last opened"). The page is kept for that one reader only: its key
holds who they are (and the name, time zone and language the page is made with),
the address, their unread inbox count, what the view says the page varies on, and
the tokens of the generations of data it is made from (``generations.py``). Any
write to that data changes a token, so nobody is shown a page made before a change of
what they may see; ``seconds`` bounds what changes with time alone. Not kept: htmx
requests, anything but GET and HEAD, a request with a message waiting, and any
response but a plain 200. Pages are kept compressed in the worker's memory.

The tokens and the inbox count are read once per request, as it starts, with the
reader's own row (``ReaderSnapshot``, ``user_with_snapshot``, read by
``people.backends.ReaderBackend``). What every visit must still decide before the page
(whether the reader must set up a second factor, their roles, which lesson or family
members they may open) is kept the same way for the reader while the generations it
depends on stay as they are (``remembered_for_reader``), so that a kept page costs one
query: the reader's.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from ipcoop.notifications.services import unread_count_sql
from ipcoop.web import generations

# Letters only, so that HTML escaping leaves it as it is.
CSRF_PLACEHOLDER = "ipcoopCsrfTokenPlaceholderXq"
_KEY_ATTRIBUTE = "_ipcoop_public_page"
_PLACEHOLDER_ATTRIBUTE = "_ipcoop_csrf_placeholder"
_CACHE_ALIAS = "pages"
_READER_CACHE_ALIAS = "reader-pages"
_SNAPSHOT_ATTRIBUTE = "_ipcoop_reader_snapshot"
# How long an answer remembered for a reader lasts at most, whatever else changes.
_REMEMBERED_SECONDS = 300
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
    if getattr(request, _PLACEHOLDER_ATTRIBUTE, False):
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
            return _kept_response(*cached, request)
        setattr(request, _KEY_ATTRIBUTE, key)
        setattr(request, _PLACEHOLDER_ATTRIBUTE, True)
        request.public_page_seconds = seconds
        return None


def _kept_response(content: bytes, headers: dict[str, str], request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_with_token(content, request))
    for name, value in headers.items():
        response[name] = value
    patch_cache_control(response, private=True)
    return response


# Readers ------------------------------------------------------------------------------


_COLUMN = "ipcoop_snapshot_{}"


def _snapshot_names(user_id: Any) -> tuple[str, ...]:
    return (*generations.GENERATIONS, generations.learner_generation(user_id))


def user_with_snapshot(user_id: int) -> Any:
    """The user ``user_id`` (None when there is none), read with what their request's
    snapshot holds (below): one statement, plain SQL, as cheap to make as it is to run
    on every signed-in request (``people.backends.ReaderBackend``)."""
    params = [*_snapshot_names(user_id), user_id, user_id]
    return next(iter(get_user_model().objects.raw(_snapshot_sql(connection.vendor), params)), None)


@functools.cache
def _snapshot_sql(_vendor: str) -> str:
    """The statement of ``user_with_snapshot`` (made once per database kind); its
    parameters: the snapshot's generation names, the user's id for their inbox count,
    and the user's id."""
    User = get_user_model()
    columns = [
        f"({generations.TOKEN_SQL}) AS {_COLUMN.format(number)}"
        for number in range(len(_snapshot_names(0)))
    ]
    columns.append(f"({unread_count_sql()}) AS {_COLUMN.format('unread')}")
    table = connection.ops.quote_name(User._meta.db_table)
    key = connection.ops.quote_name(User._meta.pk.column)
    # Names from the models' meta, every value a parameter.
    return f"SELECT {table}.*, {', '.join(columns)} FROM {table} WHERE {table}.{key} = %s"  # noqa: S608


class ReaderSnapshot:
    """What the kept pages of one signed-in request are decided with, read once, as
    the request starts: the token of every generation (the reader's own learning
    generation among them) and the reader's unread inbox count. Read with the reader's
    row (``user_with_snapshot``), or in a statement of its own for a user read
    otherwise."""

    def __init__(self, user: Any) -> None:
        self.user = user
        names = _snapshot_names(user.pk)
        if not hasattr(user, _COLUMN.format("unread")):  # read without the snapshot
            user = user_with_snapshot(user.pk)
        self.tokens = {
            name: getattr(user, _COLUMN.format(number)) or 0 for number, name in enumerate(names)
        }
        self.unread = getattr(user, _COLUMN.format("unread"))
        self.known = frozenset(names)

    def tokens_of(self, names: Sequence[str]) -> tuple[int, ...]:
        """The tokens of ``names`` (0 when never written), read again only for names
        outside this reader's snapshot (another learner's generation)."""
        if self.known.issuperset(names):
            return tuple(self.tokens[name] for name in names)
        return generations.tokens(names)


def reader_snapshot(request: HttpRequest) -> ReaderSnapshot | None:
    """The snapshot of a signed-in reader's GET or HEAD request (None for any other
    request: a page or answer made after a write is not kept)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.method not in {"GET", "HEAD"}:
        return None
    snapshot = getattr(request, _SNAPSHOT_ATTRIBUTE, None)
    if snapshot is None or snapshot.user is not user:
        snapshot = ReaderSnapshot(user)
        setattr(request, _SNAPSHOT_ATTRIBUTE, snapshot)
    return snapshot


def remembered_for_reader(
    request: HttpRequest,
    name: str,
    answer: Callable[[], Any],
    *,
    depends: Sequence[str] = (),
    holds: Callable[[Any], bool] | None = None,
) -> Any:
    """``answer()``, kept for this reader (who they are, superuser or not) while none of
    the generations people and ``depends`` changes: for what every visit must decide
    and only those generations change (whether they must set up a second factor, say).
    ``holds(kept)`` says whether a kept answer still holds, for one that also changes
    with time. ``name`` tells answers apart (with the arguments they depend on).
    Answered afresh on any request but a signed-in reader's GET or HEAD."""
    snapshot = reader_snapshot(request)
    if snapshot is None:
        return answer()
    user = request.user
    tokens = snapshot.tokens_of((generations.PEOPLE, *depends))
    key = _hashed_key("reader-answer", (name, user.pk, user.is_superuser, tokens))
    cache = caches[_READER_CACHE_ALIAS]
    kept = cache.get(key)
    if kept is None or (holds is not None and not holds(kept[0])):
        kept = (answer(),)  # in a tuple: an answer of None is kept as well
        cache.set(key, kept, _REMEMBERED_SECONDS)
    return kept[0]


def _reader_key(request: HttpRequest, depends: Sequence[str], vary: Sequence[Any]) -> str | None:
    """The key of the page as this reader sees it now, or None when it is not kept."""
    if request.headers.get("HX-Request"):
        return None
    snapshot = reader_snapshot(request)
    if snapshot is None:
        return None
    if len(get_messages(request)):  # shown once, by the page that is made next
        return None
    user = request.user
    parts = (
        user.pk,
        user.shown_name,
        user.is_superuser,
        get_current_timezone_name(),
        get_language(),
        request.get_full_path(),
        snapshot.unread,
        tuple(vary),
        snapshot.tokens_of((generations.PEOPLE, *depends)),
    )
    return _hashed_key("reader-page", parts)


def _hashed_key(kind: str, parts: tuple) -> str:
    return f"{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def render_for_reader(
    request: HttpRequest,
    template: str,
    context: Callable[[], dict[str, Any]],
    *,
    depends: Sequence[str],
    vary: Sequence[Any] = (),
    seconds: int = 60,
) -> HttpResponse:
    """``render(request, template, context())``, or the same page kept for this reader
    when none of the generations in ``depends`` (``generations.GENERATIONS``) has
    changed since it was made, nor anything in ``vary``, within ``seconds``.

    ``context`` is called only when the page is made. Whatever must happen on every
    visit (access checks, audit events) happens before, in the view."""
    key = _reader_key(request, depends, vary)
    if key is None:
        return render(request, template, context())
    cache = caches[_READER_CACHE_ALIAS]
    kept = cache.get(key)
    if kept is not None:
        content, headers = kept
        return _kept_response(zlib.decompress(content), headers, request)
    setattr(request, _PLACEHOLDER_ATTRIBUTE, True)
    response = render(request, template, context())
    if _storable(response):
        headers = {h: response[h] for h in _KEPT_HEADERS if h in response}
        cache.set(key, (zlib.compress(response.content, 1), headers), seconds)
    response.content = _with_token(response.content, request)
    patch_cache_control(response, private=True)
    return response


def _storable(response: HttpResponse) -> bool:
    return response.status_code == 200 and not response.cookies


def _with_token(content: bytes, request: HttpRequest) -> bytes:
    if CSRF_PLACEHOLDER.encode() not in content:
        return content
    return content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
