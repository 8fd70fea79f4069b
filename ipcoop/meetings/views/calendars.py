"""The personal calendar subscription: its address (made, shown once, revoked) and feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.meetings import ical, services
from ipcoop.meetings.models import Meeting

FEED_LIMIT = 500


# Calendars ---------------------------------------------------------------------------------


def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """Every meeting the address's owner may see now. An unknown or revoked address: 404."""
    user = services.user_for_calendar_token(secret)
    if user is None:
        raise Http404
    meetings = access.meetings_visible_to(
        user, Meeting.objects.select_related("organiser")
    ).order_by("-starts_at")[:FEED_LIMIT]
    body = ical.build_calendar(
        meetings,
        absolute=request.build_absolute_uri,
        name=_("Meetings for %(name)s") % {"name": user.shown_name},
    )
    response = ical.calendar_response(body, filename="meetings.ics")
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


NEW_CALENDAR_SESSION_KEY = "ipcoop_new_calendar_secret"


@login_required
def calendar_token(request: HttpRequest) -> HttpResponse:
    """The personal calendar address: make it (again) or revoke it."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_calendar_token(user=request.user)
            messages.success(request, _("Your calendar address no longer works."))
        else:
            _token, secret = services.create_calendar_token(user=request.user)
            request.session[NEW_CALENDAR_SESSION_KEY] = secret
        return redirect("meetings:calendar_token")
    secret = request.session.pop(NEW_CALENDAR_SESSION_KEY, None)
    context = {
        "token": services.active_calendar_token(request.user),
        "new_url": request.build_absolute_uri(reverse("meetings:calendar_feed", args=[secret]))
        if secret
        else None,
    }
    response = render(request, "meetings/calendar_token.html", context)
    response["Cache-Control"] = "no-store"
    return response
