"""API endpoints of cooperation projects: list, read one, update an action.

A project is read by whoever may read its proposal; any other answers 404 with the
same body as a project that does not exist. Endpoints call the same access helpers and
services as the pages.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import AuthorizationError

from ipcoop import access
from ipcoop.apischema import AUTH_ERRORS, INVALID, NOT_FOUND
from ipcoop.projects import services
from ipcoop.projects.models import ActionItem, ActionStatus, Project

router = Router(tags=["projects"])


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: date
    done: bool


class ActionOut(Schema):
    id: int
    title: str
    owner_office: str
    assignee: str | None
    due_date: date
    status: str
    percent_done: int
    evidence_url: str
    overdue: bool
    updated_at: datetime


class ReportOut(Schema):
    date: date
    text: str
    author: str | None
    office: str | None


class ProjectOut(Schema):
    id: int
    title: str
    proposal_id: int
    pillar: str
    area: str
    sdgs: list[int]
    lead_office: str
    partner_offices: list[str]
    start_date: date
    end_date: date
    progress_percent: int | None
    action_count: int
    overdue_count: int
    url: str


class ProjectDetailOut(ProjectOut):
    milestones: list[MilestoneOut]
    actions: list[ActionOut]
    reports: list[ReportOut]


class ActionPatch(Schema):
    status: ActionStatus | None = None
    percent_done: int | None = None
    evidence_url: str | None = None


def _out(p: Project) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "proposal_id": p.proposal_id,
        "pillar": p.proposal.pillar,
        "area": p.proposal.area,
        "sdgs": p.proposal.sdg_values,
        "lead_office": p.lead_office.slug,
        "partner_offices": [o.slug for o in p.partner_offices.all()],
        "start_date": p.start_date,
        "end_date": p.end_date,
        "progress_percent": services.progress_percent(p.progress),
        "action_count": p.action_count,
        "overdue_count": p.overdue_count,
        "url": p.get_absolute_url(),
    }


def _action_out(a: ActionItem, today: date) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "owner_office": a.owner_office.slug,
        "assignee": a.assignee.username if a.assignee else None,
        "due_date": a.due_date,
        "status": a.status,
        "percent_done": a.percent_done,
        "evidence_url": a.evidence_url,
        "overdue": a.is_overdue(today),
        "updated_at": a.updated_at,
    }


def _visible(request: HttpRequest):
    today = timezone.localdate()
    projects = access.projects_visible_to(request.auth, Project.objects.all())
    return services.with_progress(projects, today), today


@router.get("", response={200: list[ProjectOut], **AUTH_ERRORS}, summary="Projects")
def list_projects(request: HttpRequest, limit: int = 100, offset: int = 0):
    """The projects you may read (those whose proposal you may read), newest start first,
    with progress (mean of the actions' percent done; null without actions)."""
    limit = max(0, min(limit, 500))
    offset = max(0, offset)
    projects, _today = _visible(request)
    projects = projects.order_by("-start_date", "-id")
    return [_out(p) for p in projects[offset : offset + limit]]


def _get(request: HttpRequest, pk: int) -> tuple[Project, date]:
    projects, today = _visible(request)
    return access.get_project_or_404(request.auth, projects, pk=pk), today


@router.get(
    "/{project_id}",
    response={200: ProjectDetailOut, **AUTH_ERRORS, **NOT_FOUND},
    summary="One project",
)
def get_project(request: HttpRequest, project_id: int):
    """A project with its milestones, actions and progress reports. 404 (same body as a
    missing project) when you may not read it."""
    project, today = _get(request, project_id)
    services.record_read(user=request.auth, project=project, request=request)
    return {
        **_out(project),
        "milestones": [
            {"id": m.pk, "title": m.title, "due_date": m.due_date, "done": m.done}
            for m in project.milestones.all()
        ],
        "actions": [
            _action_out(a, today)
            for a in project.actions.select_related("owner_office", "assignee")
        ],
        "reports": [
            {
                "date": r.date,
                "text": r.text,
                "author": r.author.username if r.author else None,
                "office": r.office.slug if r.office else None,
            }
            for r in project.reports.select_related("author", "office")
        ],
    }


@router.patch(
    "/{project_id}/actions/{action_id}",
    response={200: ActionOut, **AUTH_ERRORS, **NOT_FOUND, **INVALID},
    summary="Update an action",
)
def update_action(request: HttpRequest, project_id: int, action_id: int, payload: ActionPatch):
    """Report progress on an action: `status`, `percent_done` (0–100), `evidence_url`.
    Fields left out stay as they are; marking it `done` without a percent sets 100.

    200 with the action; 403 unless you are staff of the action's owner office or a policy
    officer or office admin of the lead office; 404 when you may not read the project or
    the action is not one of its; 422 when a value is not valid.
    """
    project, today = _get(request, project_id)
    action = ActionItem.objects.filter(project=project, pk=action_id).first()
    if action is None:
        from django.http import Http404

        raise Http404
    try:
        action = services.update_action(
            by=request.auth,
            action=action,
            status=payload.status,
            percent_done=payload.percent_done,
            evidence_url=payload.evidence_url,
        )
    except PermissionDenied as error:
        raise AuthorizationError(str(error)) from None
    action = ActionItem.objects.select_related("owner_office", "assignee").get(pk=action.pk)
    return _action_out(action, today)
