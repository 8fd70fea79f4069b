"""The page where a person makes (again) or revokes a private address: a feed or a
calendar that works without signing in because its URL holds a secret.

The new secret is shown once: it waits in the session for exactly one page view after
the POST that made it (post, redirect, get), and the page is never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse


def secret_address_page(
    request: HttpRequest,
    *,
    create: Callable[..., tuple[Any, str]],
    revoke: Callable[..., Any],
    active: Callable[[Any], Any],
    address_url_name: str,
    page_url_name: str,
    template: str,
    revoked_message: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    session_key = f"ipcoop_new_secret:{page_url_name}"
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            revoke(user=request.user)
            messages.success(request, revoked_message)
        else:
            _token, secret = create(user=request.user)
            request.session[session_key] = secret
        return redirect(page_url_name)
    secret = request.session.pop(session_key, None)
    context = {
        "token": active(request.user),
        "new_url": request.build_absolute_uri(reverse(address_url_name, args=[secret]))
        if secret
        else None,
        **(extra or {}),
    }
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response
