"""Project pages: the accountability page (every project the visitor may see, with its
progress), the SDG view, the CSV export, the printable report, a project's page and
the forms that manage it.

Thin: parse, authorise (``ipcoop.access``), call a service, render. A project whose
proposal the visitor may not read answers 404 like a missing one.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.people.models import Organisation, User
from ipcoop.projects import services
from ipcoop.projects.forms import (
    ActionForm,
    ActionUpdateForm,
    FilterForm,
    MilestoneForm,
    ProjectForm,
    ReportForm,
)
from ipcoop.projects.models import ActionItem, Milestone, Project
from ipcoop.proposals.models import Proposal
from ipcoop.web import generations
from ipcoop.web.forms import add_service_errors
from ipcoop.web.pagecache import render_for_reader

# Projects per page of the accountability page (the CSV and the report hold them all).
PAGE_SIZE = 50


def _filtered_projects(request: HttpRequest, form: FilterForm):
    projects = access.projects_visible_to(request.user, Project.objects.all())
    return services.filter_projects(projects, **form.filters())


def _visible_projects(request: HttpRequest, form: FilterForm):
    today = timezone.localdate()
    projects = _filtered_projects(request, form)
    return list(services.with_progress(projects, today).order_by("-start_date", "-id")), today


def _rows(projects: list[Project]) -> list[dict[str, Any]]:
    return [{"project": p, "progress": services.progress_percent(p.progress)} for p in projects]


def accountability(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render_for_reader(
        request,
        "projects/accountability.html",
        lambda: _accountability_context(request, today),
        depends=(generations.COOPERATION,),
        vary=(today,),
    )


def _accountability_context(request: HttpRequest, today: datetime.date) -> dict:
    form = FilterForm(request.GET or None)
    projects = _filtered_projects(request, form)
    # The page of projects first, then the progress of those fifty only.
    ordered = projects.order_by("-start_date", "-id").values_list("pk", flat=True)
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = services.with_progress(Project.objects.filter(pk__in=list(page.object_list)), today)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "page": page,
        "rows": _rows(list(shown.order_by("-start_date", "-id"))),
        "total": page.paginator.count,
        "query": query.urlencode(),
        "today": today,
        "overdue_total": services.overdue_actions(projects, today).count(),
    }


def sdg_view(request: HttpRequest) -> HttpResponse:
    rows = services.sdg_counts(request.user)
    return render(request, "projects/sdg.html", {"rows": rows})


def export_csv(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    projects, _today = _visible_projects(request, form)
    response = HttpResponse(services.projects_csv(projects), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cooperation-projects.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def report(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    projects, today = _visible_projects(request, form)
    overdue = (
        services.overdue_actions(Project.objects.filter(pk__in=[p.pk for p in projects]), today)
        .select_related("project", "owner_office")
        .order_by("due_date", "pk")
    )
    context = {
        "rows": _rows(projects),
        "overdue": overdue,
        "today": today,
        "generated": timezone.now(),
        "sdgs": services.sdg_counts(request.user),
        "form": form,
    }
    return render(request, "projects/report.html", context)


def _get(request: HttpRequest, pk: int) -> Project:
    return access.get_project_or_404(
        request.user,
        Project.objects.select_related("lead_office", "proposal").prefetch_related(
            "partner_offices", "proposal__sdg_links"
        ),
        pk=pk,
    )


def _detail_context(request: HttpRequest, project: Project, **forms: Any) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    actions = list(
        project.actions.select_related("owner_office", "assignee", "updated_by").order_by(
            "due_date", "pk"
        )
    )
    can_manage = access.can_manage_project(user, project)
    offices = Organisation.objects.filter(
        pk__in={project.lead_office_id} | {o.pk for o in project.partner_offices.all()}
    )
    rows = []
    bound = forms.get("action_update")
    for action in actions:
        form = None
        if access.can_update_action(user, action, project):
            if bound is not None and bound.prefix == f"a{action.pk}":
                form = bound
            else:
                form = ActionUpdateForm(
                    prefix=f"a{action.pk}",
                    initial={
                        "status": action.status,
                        "percent_done": action.percent_done,
                        "evidence_url": action.evidence_url,
                    },
                )
        rows.append({"action": action, "overdue": action.is_overdue(today), "form": form})
    percents = [a.percent_done for a in actions]
    progress = round(sum(percents) / len(percents)) if percents else None
    staff_ids = access.staff_organisation_ids(user)
    may_report = bool(staff_ids & set(offices.values_list("pk", flat=True)))
    people = User.objects.none()
    if can_manage:
        from ipcoop.people.models import STAFF_ROLES

        people = User.objects.filter(
            is_active=True,
            memberships__organisation__in=offices,
            memberships__role__in=list(STAFF_ROLES),
        ).distinct()
    return {
        "project": project,
        "proposal": project.proposal,
        "rows": rows,
        "progress": progress,
        "milestones": project.milestones.all(),
        "reports": project.reports.select_related("author", "office"),
        "can_manage": can_manage,
        "may_report": may_report,
        "milestone_form": forms.get("milestone_form") or MilestoneForm(prefix="milestone"),
        "action_form": forms.get("action_form")
        or ActionForm(offices=offices, people=people, prefix="action"),
        "report_form": forms.get("report_form") or ReportForm(),
        "today": today,
    }


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(request, pk)
    services.record_read(user=request.user, project=project, request=request)
    return render(request, "projects/detail.html", _detail_context(request, project))


@login_required
def create(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    proposal = access.get_proposal_or_404(
        request.user,
        Proposal.objects.prefetch_related("proposing_offices", "participating_offices"),
        pk=proposal_pk,
    )
    if not access.can_amend_proposal(request.user, proposal):
        raise PermissionDenied(
            _("Only policy officers and office admins of a proposing office may do this.")
        )
    existing = Project.objects.filter(proposal=proposal).first()
    if existing is not None:
        return redirect(existing)
    proposers = list(proposal.proposing_offices.all())
    spoken = access.offices_spoken_for(request.user)
    lead = next((o for o in proposers if o.pk in spoken), proposers[0])
    initial = {
        "title": proposal.title,
        "lead_office": lead.pk,
        "partner_offices": [
            o.pk for o in [*proposers, *proposal.participating_offices.all()] if o.pk != lead.pk
        ],
        "start_date": timezone.localdate(),
    }
    form = ProjectForm(request.POST or None, proposal=proposal, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.create_project(
                by=request.user,
                proposal=proposal,
                title=data["title"],
                lead_office=data["lead_office"],
                partner_offices=list(data["partner_offices"]),
                start_date=data["start_date"],
                end_date=data["end_date"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project is created. Add its milestones and actions."))
            return redirect(project)
    return render(request, "projects/create.html", {"form": form, "proposal": proposal})


def _managed(request: HttpRequest, pk: int) -> Project:
    project = _get(request, pk)
    if not access.can_manage_project(request.user, project):
        raise PermissionDenied(
            _("Only policy officers and office admins of the lead office manage the project.")
        )
    return project


@login_required
@require_POST
def add_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managed(request, pk)
    form = MilestoneForm(request.POST, prefix="milestone")
    if form.is_valid():
        try:
            services.add_milestone(by=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The milestone is added."))
            return redirect(project)
    return render(
        request, "projects/detail.html", _detail_context(request, project, milestone_form=form)
    )


@login_required
@require_POST
def toggle_milestone(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    project = _managed(request, pk)
    milestone = Milestone.objects.filter(project=project, pk=milestone_pk).first()
    if milestone is None:
        raise Http404
    milestone.project = project
    services.set_milestone_done(by=request.user, milestone=milestone, done=not milestone.done)
    return redirect(project.get_absolute_url() + "#milestones")


@login_required
@require_POST
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managed(request, pk)
    context = _detail_context(request, project)
    form = ActionForm(
        request.POST,
        offices=context["action_form"].fields["owner_office"].queryset,
        people=context["action_form"].fields["assignee"].queryset,
        prefix="action",
    )
    if form.is_valid():
        try:
            services.add_action(by=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action is added and its owner is told."))
            return redirect(project)
    context["action_form"] = form
    return render(request, "projects/detail.html", context)


@login_required
@require_POST
def update_action(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    project = _get(request, pk)
    action = ActionItem.objects.filter(project=project, pk=action_pk).first()
    if action is None:
        raise Http404
    if not access.can_update_action(request.user, action, project):
        raise PermissionDenied(
            _("Only staff of the owner office or the lead office's speakers update this action.")
        )
    form = ActionUpdateForm(request.POST, prefix=f"a{action.pk}")
    if form.is_valid():
        try:
            services.update_action(by=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action is updated."))
            return redirect(project.get_absolute_url() + f"#action-{action.pk}")
    return render(
        request, "projects/detail.html", _detail_context(request, project, action_update=form)
    )


@login_required
@require_POST
def add_report(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(request, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.add_report(by=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The progress report is added."))
            return redirect(project.get_absolute_url() + "#reports")
    return render(
        request, "projects/detail.html", _detail_context(request, project, report_form=form)
    )
