"""Minutes pages: drafting (revisions), circulating, commenting, approving, decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.meetings import services
from ipcoop.meetings.forms import CommentForm, MinutesForm
from ipcoop.meetings.models import Minutes
from ipcoop.meetings.views.meetings import _decision_form, _get, _managed
from ipcoop.web.forms import add_service_errors

# Minutes ---------------------------------------------------------------------------------


@login_required
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    revision = services.latest_revision(minutes)
    if minutes and minutes.is_locked:
        messages.error(request, _("These minutes are approved: they can no longer change."))
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#minutes")
    form = MinutesForm(request.POST or None, initial={"body": revision.body if revision else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_minutes(by=request.user, meeting=meeting, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The minutes are saved as a new revision."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#minutes")
    revisions = minutes.revisions.select_related("edited_by") if minutes else []
    context = {"meeting": meeting, "form": form, "revisions": revisions}
    return render(request, "meetings/minutes_form.html", context)


def _minutes_action(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    meeting = _managed(request, pk)
    try:
        action(by=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#minutes")


@login_required
@require_POST
def minutes_circulate(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes_action(
        request, pk, services.circulate_minutes, _("The minutes are circulated for approval.")
    )


@login_required
@require_POST
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes_action(
        request, pk, services.approve_minutes, _("The minutes are approved and locked.")
    )


@login_required
@require_POST
def minutes_comment(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get(request, pk)
    offices = access.minutes_comment_offices(request.user, meeting)
    if not offices:
        raise PermissionDenied(_("Only staff of the organisations taking part comment."))
    form = CommentForm(request.POST, offices=offices)
    if form.is_valid():
        try:
            services.comment_on_minutes(
                by=request.user,
                meeting=meeting,
                body=form.cleaned_data["body"],
                office=form.cleaned_data.get("office"),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your comment is added."))
    else:
        messages.error(request, _("Write a comment first."))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#minutes")


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    form = _decision_form(request, request.POST)
    if form.is_valid():
        try:
            services.add_decision(by=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The decision is recorded."))
    else:
        messages.error(request, _("The decision was not recorded: write its text."))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#minutes")
