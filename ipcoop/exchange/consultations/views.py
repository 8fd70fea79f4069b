"""Consultation pages: list, ask, detail with its thread, and the asker's buttons.

Thin: parse, authorise (``ipcoop.access``), call a service, render. Every page needs a
signed-in user; a consultation the user may not read answers 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.exchange.consultations import services
from ipcoop.exchange.consultations.forms import AskForm, FilterForm, ReplyForm
from ipcoop.exchange.consultations.models import Consultation, Reply
from ipcoop.people.services import record_confidential_read
from ipcoop.web.forms import add_service_errors

PAGE_SIZE = 25


def _visible(request: HttpRequest):
    return access.consultations_visible_to(request.user, Consultation.objects.all())


def _get(request: HttpRequest, pk: int) -> Consultation:
    return access.get_consultation_or_404(
        request.user, Consultation.objects.select_related("office", "asked_by"), pk=pk
    )


@login_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    visible = _visible(request)
    consultations = services.with_list_facts(visible, request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            consultations = consultations.filter(status=data["status"])
        if data["office"]:
            consultations = consultations.filter(office=data["office"])
        if data["area"]:
            consultations = consultations.filter(area=data["area"])
        if data["awaiting"]:
            consultations = consultations.filter(awaits_you=True)
    consultations = consultations.select_related("office").prefetch_related("shared_with")
    page = Paginator(consultations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "awaiting_count": services.awaiting_reply_count(visible, request.user),
        "is_staff": bool(access.staff_organisation_ids(request.user)),
        "may_ask": access.consultation_asking_organisations(request.user).exists(),
        "today": timezone.localdate(),
    }
    return render(request, "consultations/list.html", context)


@login_required
def ask(request: HttpRequest) -> HttpResponse:
    asking = access.consultation_asking_organisations(request.user)
    if not asking.exists():
        raise PermissionDenied(
            _("Only policy officers and office admins of an IP office may ask a consultation.")
        )
    form = AskForm(request.POST or None, asking=asking)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.ask_consultation(
                by=request.user,
                office=data["office"],
                title=data["title"],
                body=data["body"],
                area=data["area"],
                due_date=data["due_date"],
                to_offices=data["offices"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your consultation is sent to the offices asked."))
            return redirect("consultations:detail", pk=consultation.pk)
    return render(request, "consultations/ask.html", {"form": form})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(request, pk)
    reply_offices = services.reply_offices_for(request.user, consultation)
    form = ReplyForm(request.POST or None, offices=reply_offices)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reply_to_consultation(
                    by=request.user,
                    consultation=consultation,
                    body=form.cleaned_data["body"],
                    office=form.cleaned_data.get("office"),
                    practice_reference=form.cleaned_data["practice_reference"],
                )
            except ValidationError as error:
                if error.code == "closed":  # closed while the reply was being written
                    messages.error(request, " ".join(error.messages))
                    return redirect("consultations:detail", pk=consultation.pk)
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your reply is added to the thread."))
                return redirect("consultations:detail", pk=consultation.pk)
    else:
        record_confidential_read(user=request.user, item=consultation, request=request)
    replies = consultation.replies.select_related("office", "author", "marked_useful_by")
    addressed = services.addressed_organisations(consultation)
    replied = {r.office_id for r in replies}
    reminded = {}
    for reminder in consultation.reminders.all():
        reminded.setdefault(reminder.office_id, reminder)  # newest first
    offices = [
        {"office": o, "replied": o.pk in replied, "reminder": reminded.get(o.pk)} for o in addressed
    ]
    context = {
        "consultation": consultation,
        "replies": replies,
        "offices": offices,
        "awaiting": sum(1 for o in offices if not o["replied"]),
        "form": form,
        "can_manage": access.can_manage_consultation(request.user, consultation),
        "today": timezone.localdate(),
    }
    return render(request, "consultations/detail.html", context)


def _managed(request: HttpRequest, pk: int) -> Consultation:
    """A consultation the user reads and manages (404 if hidden, 403 if only read)."""
    consultation = _get(request, pk)
    if not access.can_manage_consultation(request.user, consultation):
        raise PermissionDenied(
            _("Only policy officers and office admins of the asking office may do this.")
        )
    return consultation


@login_required
@require_POST
def mark_useful(request: HttpRequest, pk: int, reply_pk: int) -> HttpResponse:
    consultation = _managed(request, pk)
    reply = Reply.objects.filter(consultation=consultation, pk=reply_pk).first()
    if reply is None:
        raise Http404
    reply.consultation = consultation
    try:
        services.mark_reply_useful(by=request.user, reply=reply)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The reply from %(office)s is marked as a useful answer.")
            % {"office": reply.office.short_name},
        )
    return redirect("consultations:detail", pk=consultation.pk)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _managed(request, pk)
    services.close_consultation(by=request.user, consultation=consultation)
    messages.success(request, _("The consultation is closed: it takes no new replies."))
    return redirect("consultations:detail", pk=consultation.pk)


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _managed(request, pk)
    try:
        made = services.remind_offices(
            consultation=consultation,
            by=request.user,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if made:
            messages.success(
                request,
                ngettext(
                    "%(count)d office is reminded: %(offices)s.",
                    "%(count)d offices are reminded: %(offices)s.",
                    len(made),
                )
                % {"count": len(made), "offices": ", ".join(r.office.short_name for r in made)},
            )
        else:
            messages.success(
                request,
                _(
                    "Nobody to remind: every office asked has replied or was already "
                    "reminded today."
                ),
            )
    return redirect("consultations:detail", pk=consultation.pk)
