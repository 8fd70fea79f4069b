"""Meeting pages: the list, series, one meeting with its local times, agenda and
attendance; scheduling and changing a meeting; its calendar file."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.exchange.practice.models import PracticeQuestion
from ipcoop.exchange.updates.models import PolicyUpdate
from ipcoop.meetings import ical, services
from ipcoop.meetings.forms import (
    AgendaItemForm,
    AttendanceForm,
    CommentForm,
    DecisionForm,
    MeetingForm,
    SeriesForm,
)
from ipcoop.meetings.models import AgendaItem, Meeting, MeetingSeries, Minutes, PollSlot, SlotPoll
from ipcoop.people.models import Organisation
from ipcoop.people.services import record_confidential_read
from ipcoop.projects.models import Project
from ipcoop.proposals.models import Proposal
from ipcoop.web.forms import add_service_errors

PAGE_SIZE = 25
FEED_LIMIT = 500


def _get(request: HttpRequest, pk: int) -> Meeting:
    meetings = Meeting.objects.select_related("series", "organiser").prefetch_related(
        "participants"
    )
    return access.get_meeting_or_404(request.user, meetings, pk=pk)


def _managed(request: HttpRequest, pk: int) -> Meeting:
    """A meeting the user sees and runs (404 when hidden, 403 when only seen)."""
    meeting = _get(request, pk)
    if not access.can_manage_meeting(request.user, meeting):
        raise PermissionDenied(
            _("Only the organising office's policy officers and office admins may do this.")
        )
    return meeting


# Lists ------------------------------------------------------------------------------


def meeting_list(request: HttpRequest) -> HttpResponse:
    """Upcoming (or past) meetings the viewer may see, filtered by series and office."""
    now = timezone.now()
    meetings = services.meetings_for(request.user)
    series = MeetingSeries.objects.filter(slug=request.GET.get("series") or "").first()
    office = Organisation.objects.filter(slug=request.GET.get("office") or "").first()
    if series:
        meetings = meetings.filter(series=series)
    if office:
        meetings = meetings.filter(Q(organiser=office) | Q(participants=office)).distinct()
    counts = meetings.aggregate(
        upcoming=Count("pk", filter=Q(ends_at__gte=now), distinct=True),
        past=Count("pk", filter=Q(ends_at__lt=now), distinct=True),
    )
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    if when == "past":
        meetings = meetings.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        meetings = meetings.filter(ends_at__gte=now).order_by("starts_at", "id")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "when": when,
        "counts": counts,
        "series": series,
        "office": office,
        "all_series": MeetingSeries.objects.all(),
        "offices": Organisation.objects.all(),
        "may_organise": access.meeting_organising_organisations(request.user).exists(),
        "query": urlencode(
            {
                k: v
                for k, v in {
                    "series": series and series.slug,
                    "office": office and office.slug,
                }.items()
                if v
            }
        ),
    }
    return render(request, "meetings/list.html", context)


def series_list(request: HttpRequest) -> HttpResponse:
    visible = access.meetings_visible_to(request.user, Meeting.objects.all())
    series = MeetingSeries.objects.select_related("organiser").annotate(
        meeting_count=Count("meetings", filter=Q(meetings__in=visible), distinct=True)
    )
    context = {
        "series_list": series,
        "may_organise": access.meeting_organising_organisations(request.user).exists(),
    }
    return render(request, "meetings/series_list.html", context)


def series_detail(request: HttpRequest, slug: str) -> HttpResponse:
    series = MeetingSeries.objects.select_related("organiser").filter(slug=slug).first()
    if series is None:
        raise Http404
    meetings = services.meetings_for(request.user).filter(series=series).order_by("-starts_at")
    context = {"series": series, "meetings": meetings, "now": timezone.now()}
    return render(request, "meetings/series_detail.html", context)


@login_required
def series_create(request: HttpRequest) -> HttpResponse:
    organising = access.meeting_organising_organisations(request.user)
    if not organising.exists():
        raise PermissionDenied(_("Only policy officers and office admins organise meetings."))
    form = SeriesForm(request.POST or None, organising=organising)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.create_series(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The series is created."))
            return redirect(series.get_absolute_url())
    return render(request, "meetings/series_form.html", {"form": form})


# One meeting --------------------------------------------------------------------------


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get(request, pk)
    if request.user.is_authenticated:
        record_confidential_read(user=request.user, item=meeting, request=request)
    items = services.agenda_with_papers(request.user, meeting)
    can_manage = access.can_manage_meeting(request.user, meeting)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("approved_by").first()
    decisions = services.decisions_with_links(request.user, minutes)
    comment_offices = access.minutes_comment_offices(request.user, meeting)
    attendance = {a.office_id: a for a in meeting.attendances.all()}
    offices = services.offices_of(meeting)
    context = {
        "meeting": meeting,
        "local_times": services.local_times(meeting),
        "items": items,
        "agenda_minutes": sum(i.duration_minutes for i in items),
        "can_manage": can_manage,
        "minutes": minutes,
        "revision": services.latest_revision(minutes),
        "revision_count": minutes.revisions.count() if minutes else 0,
        "comments": minutes.comments.select_related("office", "author") if minutes else [],
        "decisions": decisions,
        "comment_form": CommentForm(offices=comment_offices) if comment_offices else None,
        "attendance": [(o, attendance.get(o.pk)) for o in offices],
        "polls": meeting.polls.all(),
        "viewer_zone": timezone.get_current_timezone_name(),
        "now": timezone.now(),
    }
    if can_manage:
        context["agenda_form"] = _agenda_form(request, meeting)
        context["decision_form"] = _decision_form(request)
    return render(request, "meetings/detail.html", context)


def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get(request, pk)
    body = ical.build_calendar([meeting], absolute=request.build_absolute_uri, name=meeting.title)
    response = ical.calendar_response(body, filename=f"meeting-{meeting.pk}.ics")
    if meeting.visibility != "public":
        response["Cache-Control"] = "private, no-store"
    return response


def _initial_from_query(request: HttpRequest, zone: str) -> dict:
    """Start, end and offices passed from "find a time" (ISO instants, office slugs)."""
    initial: dict = {"time_zone": zone}
    for key in ("start", "end"):
        raw = request.GET.get(key)
        try:
            moment = datetime.fromisoformat(raw) if raw else None
        except ValueError:
            moment = None
        if moment and timezone.is_aware(moment):
            local = moment.astimezone(zoneinfo.ZoneInfo(zone))
            initial["starts_at" if key == "start" else "ends_at"] = local.strftime("%Y-%m-%dT%H:%M")
    slugs = request.GET.getlist("offices")
    if slugs:
        initial["participants"] = list(Organisation.objects.filter(slug__in=slugs))
    if request.GET.get("title"):
        initial["title"] = request.GET["title"][:200]
    return initial


def _poll_from_query(request: HttpRequest) -> tuple[SlotPoll | None, PollSlot | None]:
    poll_id, slot_id = request.GET.get("poll"), request.GET.get("slot")
    if not poll_id:
        return None, None
    poll = access.get_slot_poll_or_404(request.user, SlotPoll.objects.all(), pk=poll_id)
    if not access.can_fix_slot_poll(request.user, poll):
        raise PermissionDenied(_("Only the organising office fixes the time of a poll."))
    slot = PollSlot.objects.filter(poll=poll, pk=slot_id).first() if slot_id else None
    if slot is None:
        raise Http404
    return poll, slot


@login_required
def create(request: HttpRequest) -> HttpResponse:
    organising = access.meeting_organising_organisations(request.user)
    if not organising.exists():
        raise PermissionDenied(_("Only policy officers and office admins organise meetings."))
    poll, slot = _poll_from_query(request)
    zone = getattr(request.user, "time_zone", "UTC") or "UTC"
    initial = _initial_from_query(request, zone)
    if poll is not None:
        initial.update(
            title=poll.title,
            organiser=poll.organiser,
            participants=list(poll.participants.all()),
            starts_at=slot.starts_at.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M"),
            ends_at=slot.ends_at.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M"),
        )
    form = MeetingForm(request.POST or None, organising=organising, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.create_meeting(
                by=request.user,
                organiser=data["organiser"],
                title=data["title"],
                series=data["series"],
                format=data["format"],
                link=data["link"],
                venue=data["venue"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                timezone_name=data["time_zone"],
                participants=data["participants"],
                visibility=data["visibility"],
                description=data["description"],
                poll=poll,
                slot=slot,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is scheduled and the offices are invited."))
            return redirect(meeting.get_absolute_url())
    return render(request, "meetings/form.html", {"form": form, "poll": poll, "slot": slot})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    zone = meeting.time_zone
    initial = {
        "organiser": meeting.organiser,
        "title": meeting.title,
        "series": meeting.series,
        "format": meeting.format,
        "link": meeting.link,
        "venue": meeting.venue,
        "time_zone": zone,
        "starts_at": meeting.starts_at.astimezone(zoneinfo.ZoneInfo(zone)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "ends_at": meeting.ends_at.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M"),
        "participants": list(meeting.participants.all()),
        "visibility": meeting.visibility,
        "description": meeting.description,
    }
    organising = Organisation.objects.filter(pk=meeting.organiser_id)
    form = MeetingForm(request.POST or None, organising=organising, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_meeting(
                by=request.user,
                meeting=meeting,
                title=data["title"],
                series=data["series"],
                format=data["format"],
                link=data["link"],
                venue=data["venue"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                timezone_name=data["time_zone"],
                participants=data["participants"],
                visibility=data["visibility"],
                description=data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is updated."))
            return redirect(meeting.get_absolute_url())
    return render(request, "meetings/form.html", {"form": form, "meeting": meeting})


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    services.cancel_meeting(by=request.user, meeting=meeting)
    messages.success(request, _("The meeting is cancelled and the offices are told."))
    return redirect(meeting.get_absolute_url())


# Agenda, attendance -------------------------------------------------------------------


def _agenda_form(request: HttpRequest, meeting: Meeting, data=None) -> AgendaItemForm:
    return AgendaItemForm(
        data,
        offices=Organisation.objects.filter(pk__in=access.meeting_office_ids(meeting)),
        questions=PracticeQuestion.objects.all(),
        updates=access.visible_to(request.user, PolicyUpdate.objects.select_related("office")),
        proposals=access.proposals_visible_to(request.user, Proposal.objects.all()),
    )


def _decision_form(request: HttpRequest, data=None) -> DecisionForm:
    proposals = access.proposals_visible_to(request.user, Proposal.objects.all())
    return DecisionForm(
        data,
        proposals=proposals,
        projects=Project.objects.filter(proposal__in=proposals).select_related("proposal"),
    )


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    form = _agenda_form(request, meeting, request.POST)
    if form.is_valid():
        try:
            services.add_agenda_item(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The point is added to the agenda."))
    else:
        messages.error(request, _("The agenda point was not added: give a title and minutes."))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")


@login_required
@require_POST
def agenda_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_pk).first()
    if item is None:
        raise Http404
    services.remove_agenda_item(item=item)
    messages.success(request, _("The point is removed from the agenda."))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.record_attendance(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance is recorded."))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#attendance")
