"""The personal calendar subscription: its address (made, shown once, revoked) and feed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.meetings import ical, services
from ipcoop.meetings.models import Meeting
from ipcoop.web.secret_address import secret_address_page

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


@login_required
def calendar_token(request: HttpRequest) -> HttpResponse:
    """The personal calendar address: make it (again) or revoke it."""
    return secret_address_page(
        request,
        create=services.create_calendar_token,
        revoke=services.revoke_calendar_token,
        active=services.active_calendar_token,
        address_url_name="meetings:calendar_feed",
        page_url_name="meetings:calendar_token",
        template="meetings/calendar_token.html",
        revoked_message=_("Your calendar address no longer works."),
    )
