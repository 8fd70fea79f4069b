"""Request rate limits: how often one client may sign in, sign up, ask for a password
reset, use an API token or search.

Each limit is a *scope* with a rate such as ``"10/h"`` (settings ``RATE_LIMITS``, from
the environment as ``RATE_LIMIT_<SCOPE>``). Counting is a fixed window per client in the
shared cache (Redis in production, so every application server sees the same count).
A client over the limit gets 429 with ``Retry-After``: pages through ``limit``
(a view decorator) or ``check_or_429``, the API through ``RateLimited``.

If the cache is down the platform keeps serving: limits fail open and the failure is
logged, rather than turning every sign-in into an error.

Failed sign-ins are limited separately and more strictly from the audit log
(``people.services.sign_in_blocked``): that is the account lock-out.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ipcoop.lib.net import client_address

log = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"(\d+)/(\d*)([smhd])")


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"10/h"``, ``"5/10m"``, ``"100/d"``: requests per window."""
        match = _RATE.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"A rate looks like '10/h' or '5/10m', not {text!r}.")
        count, number, unit = match.groups()
        return cls(limit=int(count), seconds=int(number or 1) * _UNITS[unit])


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def rate_for(scope: str) -> Rate:
    return Rate.parse(settings.RATE_LIMITS[scope])


def hit(scope: str, identity: str, rate: Rate | None = None, *, now: float | None = None) -> int:
    """Count one request of ``identity`` in ``scope``.

    Returns 0 when it is allowed, else the seconds until the window ends (Retry-After).
    """
    rate = rate or rate_for(scope)
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"rl:{scope}:{digest}:{window}"
    try:
        cache.add(key, 0, timeout=rate.seconds + 1)
        count = cache.incr(key)
    except Exception:  # the cache is down: keep serving
        log.warning("rate limit for %s not checked: the cache did not answer", scope, exc_info=True)
        return 0
    if count <= rate.limit:
        return 0
    return max(1, math.ceil((window + 1) * rate.seconds - now))


def by_address(request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(
        request,
        "429.html",
        {"retry_after": retry_after, "minutes": max(1, math.ceil(retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def limit(
    scope: str,
    *,
    key: Callable[[HttpRequest], str] = by_address,
    methods: frozenset[str] = frozenset({"POST"}),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit a view's requests (by default its POSTs) per client address."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                retry_after = hit(scope, key(request))
                if retry_after:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def check(scope: str, identity: str) -> None:
    """For code paths that are not views (the API): raise ``RateLimited`` when over."""
    retry_after = hit(scope, identity)
    if retry_after:
        raise RateLimited(retry_after)
