"""API endpoints of meetings: list, schedule, read one (with agenda and local times),
and find candidate times.

A meeting the caller may not see answers 404 with the same body as one that does not
exist. Every endpoint calls the same access helpers and services as the pages.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import AuthorizationError

from ipcoop import access
from ipcoop.apischema import AUTH_ERRORS, INVALID, NOT_FOUND
from ipcoop.meetings import services
from ipcoop.meetings.models import Format, Meeting, MeetingSeries, MeetingVisibility
from ipcoop.people.models import Organisation
from ipcoop.people.services import record_confidential_read

router = Router(tags=["meetings"])


class LocalTimeOut(Schema):
    office: str
    time_zone: str
    start: datetime
    end: datetime
    weekday: str


class AgendaItemOut(Schema):
    order: int
    title: str
    presenter: str | None
    duration_minutes: int


class MeetingOut(Schema):
    id: int
    title: str
    series: str | None
    format: str
    link: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    organiser: str
    participants: list[str]
    visibility: str
    status: str
    sequence: int
    url: str


class MeetingDetailOut(MeetingOut):
    description: str
    local_times: list[LocalTimeOut]
    agenda: list[AgendaItemOut]


class MeetingIn(Schema):
    title: str
    format: Format
    starts_at: datetime
    ends_at: datetime
    time_zone: str = "UTC"
    organiser: str | None = None
    participants: list[str] = []
    visibility: MeetingVisibility = MeetingVisibility.PARTICIPANTS
    series: str | None = None
    link: str = ""
    venue: str = ""
    description: str = ""


class ListFilters(Schema):
    when: str | None = None
    series: str | None = None
    office: str | None = None
    limit: int = 100
    offset: int = 0


class SlotsIn(Schema):
    offices: list[str]
    duration_minutes: int
    first_day: date
    last_day: date
    limit: int = 20


class SlotOut(Schema):
    start: datetime
    end: datetime
    score: float
    local_times: list[LocalTimeOut]


def _local(office: str, zone: str, start: datetime, end: datetime) -> dict:
    return {
        "office": office,
        "time_zone": zone,
        "start": start,
        "end": end,
        "weekday": start.strftime("%A"),
    }


def _meeting_out(meeting: Meeting, request: HttpRequest) -> dict:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "series": meeting.series.slug if meeting.series else None,
        "format": meeting.format,
        "link": meeting.link,
        "venue": meeting.venue,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "time_zone": meeting.time_zone,
        "organiser": meeting.organiser.slug,
        "participants": [o.slug for o in meeting.participants.all()],
        "visibility": meeting.visibility,
        "status": meeting.status,
        "sequence": meeting.sequence,
        "url": request.build_absolute_uri(meeting.get_absolute_url()),
    }


def _detail(meeting: Meeting, request: HttpRequest) -> dict:
    out = _meeting_out(meeting, request)
    out["description"] = meeting.description
    out["local_times"] = [
        _local(row.office.slug, row.office.timezone, row.start, row.end)
        for row in services.local_times(meeting)
    ]
    out["agenda"] = [
        {
            "order": i.order,
            "title": i.title,
            "presenter": i.presenter.slug if i.presenter else None,
            "duration_minutes": i.duration_minutes,
        }
        for i in meeting.agenda_items.select_related("presenter")
    ]
    return out


def resolve_offices(values: list[str], field: str) -> list[Organisation]:
    """Organisations by slug or ST.3 code; an unknown or ambiguous one is a 422."""
    found = []
    for value in values:
        by_slug = Organisation.objects.filter(slug=value).first()
        if by_slug:
            found.append(by_slug)
            continue
        by_code = list(Organisation.objects.filter(code=value.upper())) if len(value) == 2 else []
        if len(by_code) == 1:
            found.append(by_code[0])
        elif by_code:
            raise ValidationError(
                {field: f"{value!r} names several offices: give the slug (see /api/v1/offices)."}
            )
        else:
            raise ValidationError(
                {field: f"No office has the slug or ST.3 code {value!r}: see /api/v1/offices."}
            )
    return found


@router.get("", response={200: list[MeetingOut], **AUTH_ERRORS}, summary="Meetings")
def list_meetings(request: HttpRequest, filters: Query[ListFilters]):
    """The meetings you may see, soonest first. `when`: `upcoming` or `past` (newest
    first); `series` (slug), `office` (slug: organiser or participant); page with
    `limit` (at most 500) and `offset`."""
    meetings = services.meetings_for(request.auth)
    now = timezone.now()
    if filters.series:
        meetings = meetings.filter(series__slug=filters.series)
    if filters.office:
        meetings = meetings.filter(
            Q(organiser__slug=filters.office) | Q(participants__slug=filters.office)
        ).distinct()
    if filters.when == "upcoming":
        meetings = meetings.filter(ends_at__gte=now)
    elif filters.when == "past":
        meetings = meetings.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    limit = max(0, min(filters.limit, 500))
    offset = max(0, filters.offset)
    return [_meeting_out(m, request) for m in meetings[offset : offset + limit]]


@router.post(
    "", response={201: MeetingDetailOut, **AUTH_ERRORS, **INVALID}, summary="Schedule a meeting"
)
def create_meeting(request: HttpRequest, payload: MeetingIn):
    """Schedule a meeting. `starts_at`/`ends_at`: ISO 8601 with an offset; `time_zone`:
    the IANA zone of the calendar entry; `participants`: slugs or ST.3 codes;
    `organiser`: slug, needed only when you organise for several organisations.

    403 unless you are a policy officer or office admin; 422 when a field is not valid
    (an online meeting without a link, an end before the start…).
    """
    organising = list(access.meeting_organising_organisations(request.auth))
    if not organising:
        raise AuthorizationError("Only policy officers and office admins organise meetings.")
    if payload.organiser is None:
        if len(organising) > 1:
            raise ValidationError({"organiser": "Say which organisation organises."})
        organiser = organising[0]
    else:
        organiser = next((o for o in organising if o.slug == payload.organiser), None)
        if organiser is None:
            raise ValidationError({"organiser": "You may not organise for that organisation."})
    series = None
    if payload.series:
        series = MeetingSeries.objects.filter(slug=payload.series).first()
        if series is None:
            raise ValidationError({"series": f"No series has the slug {payload.series!r}."})
    meeting = services.create_meeting(
        by=request.auth,
        organiser=organiser,
        title=payload.title,
        format=payload.format,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        timezone_name=payload.time_zone,
        participants=resolve_offices(payload.participants, "participants"),
        visibility=payload.visibility,
        series=series,
        link=payload.link,
        venue=payload.venue,
        description=payload.description,
    )
    return Status(201, _detail(services.meetings_for(request.auth).get(pk=meeting.pk), request))


@router.post(
    "/slots", response={200: list[SlotOut], **AUTH_ERRORS, **INVALID}, summary="Find a time"
)
def find_slots(request: HttpRequest, payload: SlotsIn):
    """Candidate times inside every office's working hours (09:00–18:00 local, weekdays,
    not a public holiday of the office's country), on a 30-minute grid, best first
    (nearest the middle of everyone's day). `offices`: slugs or ST.3 codes;
    `duration_minutes`: 15–540; `first_day`/`last_day`: at most 92 days apart. Each slot
    gives its start and end in UTC and in each office's local time.
    """
    offices = resolve_offices(payload.offices, "offices")
    slots = services.find_slots(
        offices=offices,
        duration_minutes=payload.duration_minutes,
        first_day=payload.first_day,
        last_day=payload.last_day,
        limit=max(1, min(payload.limit, 100)),
    )
    return [
        {
            "start": s.start,
            "end": s.end,
            "score": s.score,
            "local_times": [_local(t.key, t.zone, t.start, t.end) for t in s.local],
        }
        for s in slots
    ]


@router.get(
    "/{meeting_id}",
    response={200: MeetingDetailOut, **AUTH_ERRORS, **NOT_FOUND},
    summary="One meeting",
)
def get_meeting(request: HttpRequest, meeting_id: int):
    """A meeting with its agenda and each office's local time. 404 (the same body as
    for a meeting that does not exist) when you may not see it."""
    meeting = access.get_meeting_or_404(
        request.auth, services.meetings_for(request.auth), pk=meeting_id
    )
    record_confidential_read(user=request.auth, item=meeting, request=request)
    return _detail(meeting, request)
