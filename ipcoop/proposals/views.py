"""Proposal pages: list, write, detail (text, endorsements, discussion, versions,
transition log), amend, open, withdraw, endorse, download attachments.

Thin: parse, authorise (``ipcoop.access``), call a service, render. A proposal the
visitor may not read answers 404 like a missing one; a visible proposal whose action
the visitor may not take answers 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.exchange.updates.services import content_disposition
from ipcoop.proposals import services
from ipcoop.proposals.forms import (
    CommentForm,
    EndorseForm,
    FilterForm,
    ProposalForm,
    WithdrawForm,
    initial_for,
)
from ipcoop.proposals.models import (
    Proposal,
    ProposalVersion,
    ProposalVisibility,
    State,
)
from ipcoop.web.forms import add_service_errors

PAGE_SIZE = 25


def _get(request: HttpRequest, pk: int) -> Proposal:
    return access.get_proposal_or_404(
        request.user,
        Proposal.objects.prefetch_related(
            "proposing_offices", "participating_offices", "sdg_links"
        ),
        pk=pk,
    )


def proposal_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    proposals = access.proposals_visible_to(request.user, Proposal.objects.all())
    if form.is_valid():
        for name in ("state", "pillar", "area"):
            if form.cleaned_data[name]:
                proposals = proposals.filter(**{name: form.cleaned_data[name]})
    proposals = services.with_list_facts(proposals)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "may_propose": access.proposing_organisations(request.user).exists(),
    }
    return render(request, "proposals/list.html", context)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    proposing = list(access.proposing_organisations(request.user))
    if not proposing:
        raise PermissionDenied(
            _("Only policy officers and office admins of an organisation may write a proposal.")
        )
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        proposing=access.proposing_organisations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.create_proposal(
                by=request.user,
                proposing_offices=list(form.cleaned_data["proposing_offices"]),
                participating_offices=list(form.cleaned_data["participating_offices"]),
                attachments=form.cleaned_data["attachments"],
                open_now=form.cleaned_data["open_now"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The proposal is open for endorsement.")
                if proposal.state == State.OPEN
                else _("The proposal is saved as a draft."),
            )
            return redirect(proposal)
    return render(request, "proposals/form.html", {"form": form, "proposal": None})


def _endorsement_rows(proposal: Proposal) -> list[dict[str, Any]]:
    current = services.current_endorsements(proposal)
    return [
        {"office": office, "endorsement": current.get(office.pk)}
        for office in proposal.participating_offices.all()
    ]


def _detail_context(request: HttpRequest, proposal: Proposal, **forms: Any) -> dict[str, Any]:
    user = request.user
    endorsing = access.endorsing_offices(user, proposal)
    discussing = access.discussion_offices(user, proposal)
    rows = _endorsement_rows(proposal)
    may_withdraw_objection = any(
        r["endorsement"] is not None
        and r["endorsement"].position == "cannot_support"
        and r["office"] in endorsing
        for r in rows
    )
    outcome = services.outcome_for(proposal)
    names = {o.pk: o.short_name for o in proposal.participating_offices.all()}
    project = getattr(proposal, "project", None) if proposal.state == State.ADOPTED else None
    return {
        "proposal": proposal,
        "rows": rows,
        "outcome": outcome,
        "outcome_text": services.outcome_text(outcome, names),
        "endorse_form": forms.get("endorse_form")
        or (EndorseForm(offices=endorsing) if endorsing else None),
        "comment_form": forms.get("comment_form")
        or (CommentForm(offices=discussing) if discussing else None),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "may_withdraw_objection": may_withdraw_objection and proposal.state == State.OPEN,
        "can_amend": access.can_amend_proposal(user, proposal),
        "comments": proposal.comments.select_related("office", "author"),
        "versions": proposal.versions.select_related("author"),
        "transitions": proposal.transitions.select_related("actor"),
        "history": proposal.endorsements.filter(
            Q(superseded_at__isnull=False) | ~Q(version=proposal.version)
        )
        .select_related("office", "author")
        .order_by("-created_at", "-id"),
        "attachments": proposal.attachments.all(),
        "project": project,
        "now": timezone.now(),
    }


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get(request, pk)
    services.record_read(user=request.user, proposal=proposal, request=request)
    return render(request, "proposals/detail.html", _detail_context(request, proposal))


@login_required
@require_POST
def endorse(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get(request, pk)
    endorsing = access.endorsing_offices(request.user, proposal)
    if not endorsing:
        raise PermissionDenied(
            _("Only policy officers and office admins of a participating office may endorse.")
        )
    form = EndorseForm(request.POST, offices=endorsing)
    if form.is_valid():
        try:
            services.endorse(
                by=request.user,
                proposal=proposal,
                office=form.chosen_office(),
                position=form.cleaned_data["position"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            proposal = _get(request, pk)
            done = _("Your office's response is recorded.")
            if request.htmx:
                context = _detail_context(request, proposal)
                context["announce"] = done
                return render(request, "proposals/_endorsements.html", context)
            messages.success(request, done)
            return redirect(proposal)
    context = _detail_context(request, proposal, endorse_form=form)
    template = "proposals/_endorsements.html" if request.htmx else "proposals/detail.html"
    # 200 even with errors: htmx swaps only successful answers, and the form shows them.
    return render(request, template, context)


@login_required
@require_POST
def withdraw_objection(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get(request, pk)
    try:
        services.withdraw_objection(by=request.user, proposal=proposal)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your office's “cannot support” is withdrawn."))
    return redirect(proposal)


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get(request, pk)
    offices = access.discussion_offices(request.user, proposal)
    if not offices:
        raise PermissionDenied(
            _("Only staff of the proposing and participating offices take part in the discussion.")
        )
    form = CommentForm(request.POST, offices=offices)
    if form.is_valid():
        try:
            services.add_comment(
                by=request.user,
                proposal=proposal,
                office=form.chosen_office(),
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your message is added to the discussion."))
            return redirect(proposal.get_absolute_url() + "#discussion")
    return render(
        request, "proposals/detail.html", _detail_context(request, proposal, comment_form=form)
    )


def _proposer_only(request: HttpRequest, pk: int) -> Proposal:
    proposal = _get(request, pk)
    if not access.can_amend_proposal(request.user, proposal):
        raise PermissionDenied(
            _("Only policy officers and office admins of a proposing office may do this.")
        )
    return proposal


@login_required
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposer_only(request, pk)
    if proposal.state not in {State.DRAFT, State.OPEN}:
        messages.error(request, _("A decided or withdrawn proposal cannot be amended."))
        return redirect(proposal)
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        proposal=proposal,
        initial=initial_for(proposal),
    )
    if request.method == "POST" and form.is_valid():
        extra: dict[str, Any] = {}
        if "participating_offices" in form.fields:
            extra["participating_offices"] = list(form.cleaned_data["participating_offices"])
        try:
            services.amend_proposal(
                by=request.user,
                proposal=proposal,
                note=form.cleaned_data.get("note", ""),
                attachments=form.cleaned_data["attachments"],
                remove_attachments=form.cleaned_data.get("remove_attachments", []),
                **extra,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The proposal is amended: every office is asked to respond again.")
                if proposal.state == State.OPEN
                else _("The draft is saved."),
            )
            return redirect(proposal)
    return render(request, "proposals/form.html", {"form": form, "proposal": proposal})


@login_required
@require_POST
def open_view(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposer_only(request, pk)
    try:
        services.open_proposal(by=request.user, proposal=proposal)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The proposal is open for endorsement."))
    return redirect(proposal)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposer_only(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_proposal(
                by=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The proposal is withdrawn."))
            return redirect(proposal)
    return render(
        request, "proposals/detail.html", _detail_context(request, proposal, withdraw_form=form)
    )


def version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    proposal = _get(request, pk)
    versions = {v.number: v for v in proposal.versions.select_related("author")}
    shown = versions.get(number)
    if shown is None:
        raise Http404
    previous: ProposalVersion | None = versions.get(number - 1)
    context = {
        "proposal": proposal,
        "shown": shown,
        "previous": previous,
        "diff": services.version_diff(previous, shown),
    }
    return render(request, "proposals/version.html", context)


def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    proposal = _get(request, pk)
    found = proposal.attachments.filter(pk=attachment_pk).first()
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.record_read(user=request.user, proposal=proposal, request=request)
    response = FileResponse(handle, content_type=found.content_type)
    response["Content-Disposition"] = content_disposition(found.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = (
        "public, max-age=300"
        if proposal.visibility == ProposalVisibility.PUBLIC and proposal.state != State.DRAFT
        else "private, no-store"
    )
    return response
