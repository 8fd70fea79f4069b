"""Finding a time and slot polls."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.meetings import services
from ipcoop.meetings.forms import FindTimeForm, PollForm
from ipcoop.meetings.models import Availability, PollSlot, SlotPoll
from ipcoop.people.models import Organisation
from ipcoop.web.forms import add_service_errors

# Finding a time, polls ----------------------------------------------------------------------


@login_required
def find_time(request: HttpRequest) -> HttpResponse:
    form = FindTimeForm(request.GET or None)
    slots = None
    offices: list[Organisation] = []
    if request.GET and form.is_valid():
        data = form.cleaned_data
        offices = sorted(data["offices"], key=lambda o: (o.position, o.slug))
        try:
            slots = services.find_slots(
                offices=offices,
                duration_minutes=data["duration_minutes"],
                first_day=data["first_day"],
                last_day=data["last_day"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    organising = access.meeting_organising_organisations(request.user)
    context = {
        "form": form,
        "slots": slots,
        "offices": offices,
        "office_slugs": [o.slug for o in offices],
        "poll_form": PollForm(organising=organising) if organising.exists() else None,
        "max_slots": services.MAX_POLL_SLOTS,
    }
    template = "meetings/_slots.html" if request.htmx else "meetings/find_time.html"
    return render(request, template, context)


@login_required
@require_POST
def poll_create(request: HttpRequest) -> HttpResponse:
    organising = access.meeting_organising_organisations(request.user)
    if not organising.exists():
        raise PermissionDenied(_("Only policy officers and office admins organise meetings."))
    form = PollForm(request.POST, organising=organising)
    offices = list(Organisation.objects.filter(slug__in=request.POST.getlist("offices")))
    slots = []
    for value in request.POST.getlist("slot"):
        start, _sep, end = value.partition("/")
        try:
            slots.append((datetime.fromisoformat(start), datetime.fromisoformat(end)))
        except ValueError:
            continue
    slots = [(s, e) for s, e in slots if timezone.is_aware(s) and timezone.is_aware(e)]
    back = reverse("meetings:find_time") + "?" + request.POST.get("query", "")
    if not form.is_valid():
        messages.error(request, _("Give the meeting a title to put times to a poll."))
        return redirect(back)
    try:
        poll = services.create_poll(
            by=request.user,
            organiser=form.cleaned_data["organiser"],
            title=form.cleaned_data["title"],
            participants=offices,
            slots=slots,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, _("The candidate times are put to the offices."))
    return redirect(poll.get_absolute_url())


@login_required
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    poll = access.get_slot_poll_or_404(
        request.user, SlotPoll.objects.select_related("organiser", "meeting", "fixed_slot"), pk=pk
    )
    answer_offices = access.slot_poll_answer_offices(request.user, poll)
    if request.method == "POST":
        office = next((o for o in answer_offices if o.slug == request.POST.get("office")), None)
        if office is None:
            raise PermissionDenied(
                _("Only the offices asked answer, through their policy officers and office admins.")
            )
        answers = {}
        for slot in poll.slots.all():
            value = request.POST.get(f"slot-{slot.pk}")
            if value:
                answers[slot.pk] = value
        try:
            services.answer_poll(by=request.user, poll=poll, office=office, answers=answers)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your office's availability is saved."))
        return redirect(poll.get_absolute_url())
    offices, rows = services.poll_table(poll)
    mine = {}
    for row in rows:
        for office, answer in row["cells"]:
            if answer:
                mine[(row["slot"].pk, office.pk)] = answer.answer
    answer_forms = [
        {
            "office": office,
            "slots": [(row["slot"], mine.get((row["slot"].pk, office.pk), "")) for row in rows],
        }
        for office in answer_offices
    ]
    context = {
        "poll": poll,
        "offices": offices,
        "rows": rows,
        "answer_forms": answer_forms,
        "choices": Availability.choices,
        "can_fix": access.can_fix_slot_poll(request.user, poll),
    }
    return render(request, "meetings/poll.html", context)


@login_required
@require_POST
def poll_fix(request: HttpRequest, pk: int) -> HttpResponse:
    poll = access.get_slot_poll_or_404(request.user, SlotPoll.objects.all(), pk=pk)
    if not access.can_fix_slot_poll(request.user, poll):
        raise PermissionDenied(_("Only the organising office fixes the time of a poll."))
    slot = PollSlot.objects.filter(poll=poll, pk=request.POST.get("slot") or 0).first()
    if slot is None:
        raise Http404
    if poll.meeting_id is None:
        query = urlencode({"poll": poll.pk, "slot": slot.pk})
        return redirect(reverse("meetings:create") + "?" + query)
    try:
        meeting = services.fix_poll(by=request.user, poll=poll, slot=slot)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(poll.get_absolute_url())
    messages.success(request, _("The meeting time is fixed and the offices are told."))
    return redirect(meeting.get_absolute_url())
