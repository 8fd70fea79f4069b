"""iCalendar (RFC 5545) documents of meetings, written with the ``icalendar`` package.

Each meeting is one VEVENT with a UID that does not depend on the host name
(``meeting-<pk>@meetings.ipcoop``), DTSTART/DTEND in the meeting's own time zone
(TZID, with a VTIMEZONE for each zone used), SEQUENCE from the meeting, STATUS
(CONFIRMED or CANCELLED: cancelled meetings stay in the feed so calendar programs
remove them), DTSTAMP, LAST-MODIFIED and an absolute URL back to the meeting page.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable

import icalendar
from django.http import HttpResponse
from django.utils import timezone

from ipcoop.meetings.models import Format, Meeting

UID_DOMAIN = "meetings.ipcoop"
PRODID = "-//Korea-ASEAN IP Cooperation Platform//Meetings//EN"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def _location(meeting: Meeting) -> str:
    if meeting.format == Format.ONLINE:
        return meeting.link
    if meeting.format == Format.HYBRID:
        return f"{meeting.venue} / {meeting.link}"
    return meeting.venue


def build_calendar(
    meetings: Iterable[Meeting], *, absolute: Callable[[str], str], name: str
) -> bytes:
    """The calendar of ``meetings``; ``absolute`` turns a path into a full URL."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for meeting in meetings:
        zone = zoneinfo.ZoneInfo(meeting.time_zone)
        event = icalendar.Event()
        event.add("uid", meeting_uid(meeting))
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.starts_at.astimezone(zone))
        event.add("dtend", meeting.ends_at.astimezone(zone))
        event.add("dtstamp", stamp)
        event.add("last-modified", meeting.updated_at)
        event.add("created", meeting.created_at)
        event.add("sequence", meeting.sequence)
        event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
        event.add("url", absolute(meeting.get_absolute_url()))
        location = _location(meeting)
        if location:
            event.add("location", location)
        if meeting.description:
            event.add("description", meeting.description)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
