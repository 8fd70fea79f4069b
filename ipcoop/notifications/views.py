"""Inbox pages: the list (filter by kind, unread only), opening an item, marking items
read, and the e-mail preferences.

Thin: parse, authorise (``ipcoop.access``: an inbox is personal), call a service,
render. htmx requests get the changed part; without JavaScript the forms post and
the page reloads. Someone else's item answers 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.notifications import services
from ipcoop.notifications.forms import FilterForm, PreferenceForm
from ipcoop.notifications.models import Kind

PAGE_SIZE = 25


def _kind_counts(request: HttpRequest) -> list[dict]:
    """Each kind the user has items of, with its total and unread counts (one query)."""
    rows = (
        access.notifications_of(request.user)
        .order_by()
        .values("kind")
        .annotate(total=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True)))
    )
    by_kind = {row["kind"]: row for row in rows}
    return [
        {
            "kind": kind,
            "label": label,
            "total": by_kind[kind]["total"],
            "unread": by_kind[kind]["unread"],
        }
        for kind, label in Kind.choices
        if kind in by_kind
    ]


def _inbox_context(request: HttpRequest, params: QueryDict | None = None) -> dict:
    """What the inbox page (or its list, for htmx) shows for the query ``params``
    (the request's own query string unless given)."""
    params = request.GET if params is None else params
    form = FilterForm(params or None)
    items = access.notifications_of(request.user)
    if form.is_valid():
        if form.cleaned_data["kind"]:
            items = items.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["unread"]:
            items = items.filter(read_at__isnull=True)
    page = Paginator(items, PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    kinds = _kind_counts(request)
    inbox_path = reverse("notifications:inbox")
    return {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "kinds": kinds,
        "unread_total": sum(k["unread"] for k in kinds),
        "selected_kind": form.cleaned_data["kind"] if form.is_valid() else "",
        "here": inbox_path + (f"?{params.urlencode()}" if params else ""),
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    context = _inbox_context(request)
    if request.htmx:
        return render(request, "notifications/_list.html", context)
    return render(request, "notifications/inbox.html", context)


def _back(request: HttpRequest) -> str:
    """Where a form post returns to: the inbox page it came from (never elsewhere)."""
    target = request.POST.get("next", "")
    inbox_path = reverse("notifications:inbox")
    if target.startswith(inbox_path) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return inbox_path


@login_required
def open_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the item read and go to the page it is about."""
    item = access.get_notification_or_404(request.user, pk)
    services.mark_read(user=request.user, notification=item)
    if item.url.startswith("/") and url_has_allowed_host_and_scheme(
        item.url, allowed_hosts={request.get_host()}
    ):
        return redirect(item.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_notification_or_404(request.user, pk)
    services.mark_read(user=request.user, notification=item)
    if request.htmx:
        return render(
            request,
            "notifications/_item_read.html",
            {
                "item": item,
                "here": _back(request),
                "unread_total": services.unread_count(request.user),
            },
        )
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") or None
    try:
        count = services.mark_all_read(user=request.user, kind=kind)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_back(request))
    if request.htmx:
        back = _back(request)
        context = _inbox_context(request, QueryDict(back.partition("?")[2]))
        context["announce"] = _("%(count)s item(s) marked read.") % {"count": count}
        return render(request, "notifications/_list.html", context)
    messages.success(request, _("%(count)s item(s) marked read.") % {"count": count})
    return redirect(_back(request))


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = services.preference_of(request.user)
    form = PreferenceForm(
        request.POST or None,
        initial={"digest": current.digest, "urgent_email": current.urgent_email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_preferences(
                user=request.user,
                digest=form.cleaned_data["digest"],
                urgent_email=form.cleaned_data["urgent_email"],
            )
        except ValidationError as error:
            form.add_error("digest", error)
        else:
            messages.success(request, _("Your e-mail preferences are saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
