"""What can happen to cooperation projects: made from an adopted proposal, milestones,
action items and their progress, progress reports, due and overdue reminders, the
accountability figures (progress, SDG counts) and the CSV export.

Each function lists its side effects. HTML views, API endpoints and the
``check-actions`` command all call these.

Progress of a project is the mean of its action items' percent done (0–100), each
action counting once; a project without action items has no progress yet.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.lib.spreadsheet import csv_text
from ipcoop.notifications.models import Kind
from ipcoop.notifications.services import notify, people_of_offices
from ipcoop.people.models import AuditAction, Membership, Organisation, User
from ipcoop.people.services import record_event
from ipcoop.projects.models import ActionItem, ActionStatus, Milestone, ProgressReport, Project
from ipcoop.proposals.models import SDG, Proposal, ProposalSdg, State

DUE_SOON_DAYS = 7


# Reading ------------------------------------------------------------------------------


def with_progress(projects: QuerySet[Project], today: datetime.date) -> QuerySet[Project]:
    """Projects annotated with ``progress`` (mean percent, None without actions),
    ``action_count`` and ``overdue_count``, with what the list shows prefetched."""
    return (
        projects.annotate(
            progress=Avg("actions__percent_done"),
            action_count=Count("actions", distinct=True),
            overdue_count=Count(
                "actions",
                filter=Q(actions__due_date__lt=today) & ~Q(actions__status=ActionStatus.DONE),
                distinct=True,
            ),
        )
        .select_related("lead_office", "proposal")
        .prefetch_related("partner_offices", "proposal__sdg_links")
    )


def overdue_actions(projects: QuerySet[Project], today: datetime.date) -> QuerySet[ActionItem]:
    """The actions of these projects past their due date and not done."""
    return ActionItem.objects.filter(project__in=projects, due_date__lt=today).exclude(
        status=ActionStatus.DONE
    )


def progress_percent(value: float | None) -> int | None:
    return None if value is None else round(value)


def filter_projects(
    projects: QuerySet[Project],
    *,
    pillar: str | None = None,
    office: Organisation | None = None,
    sdg: int | None = None,
    year: int | None = None,
) -> QuerySet[Project]:
    """The projects matching the filters: pillar of the proposal, lead or partner office,
    a goal of the proposal, running in the year (start year ≤ year ≤ end year)."""
    if pillar:
        projects = projects.filter(proposal__pillar=pillar)
    if office is not None:
        partner = Project.partner_offices.through.objects.filter(
            project_id=OuterRef("pk"), organisation_id=office.pk
        )
        projects = projects.filter(Q(lead_office=office) | Q(Exists(partner)))
    if sdg:
        projects = projects.filter(
            Exists(ProposalSdg.objects.filter(proposal_id=OuterRef("proposal_id"), goal=sdg))
        )
    if year:
        projects = projects.filter(start_date__year__lte=year, end_date__year__gte=year)
    return projects


def sdg_counts(user: Any) -> list[dict[str, Any]]:
    """Per goal (all 17, zero included): the projects and the adopted proposals the
    user may see that name it. Two queries, whatever the number of items."""
    visible_projects = access.projects_visible_to(user, Project.objects.all())
    visible_adopted = access.proposals_visible_to(
        user, Proposal.objects.filter(state=State.ADOPTED)
    )
    project_counts = dict(
        ProposalSdg.objects.filter(proposal__project__in=visible_projects)
        .values_list("goal")
        .annotate(n=Count("proposal", distinct=True))
    )
    adopted_counts = dict(
        ProposalSdg.objects.filter(proposal__in=visible_adopted)
        .values_list("goal")
        .annotate(n=Count("proposal", distinct=True))
    )
    return [
        {
            "goal": goal,
            "label": SDG(goal).label,
            "projects": project_counts.get(goal, 0),
            "adopted": adopted_counts.get(goal, 0),
        }
        for goal in SDG.values
    ]


CSV_HEADER = [
    "id",
    "title",
    "pillar",
    "area",
    "sdgs",
    "lead_office",
    "partner_offices",
    "start",
    "end",
    "progress_percent",
    "actions",
    "overdue_actions",
    "proposal_id",
]


def projects_csv(projects: Iterable[Project]) -> str:
    """The projects (with ``with_progress`` facts) as CSV; cells that a spreadsheet would
    run as formulas are neutralised. "not_yet_reported" where there is no progress yet."""
    rows = []
    for p in projects:
        progress = progress_percent(p.progress)
        rows.append(
            [
                p.pk,
                p.title,
                p.proposal.pillar,
                p.proposal.area,
                " ".join(str(g) for g in p.proposal.sdg_values),
                p.lead_office.slug,
                " ".join(o.slug for o in p.partner_offices.all()),
                p.start_date.isoformat(),
                p.end_date.isoformat(),
                "not_yet_reported" if progress is None else progress,
                p.action_count,
                p.overdue_count,
                p.proposal_id,
            ]
        )
    return csv_text(CSV_HEADER, rows)


def record_read(*, user: Any, project: Project, request: Any) -> None:
    """Log that a signed-in user read a project whose proposal is not public.

    Side effects: writes a confidential-read audit event, filed under the project's lead
    and partner offices and the reader's organisations.
    """
    if project.proposal.visibility == "public" or not getattr(user, "is_authenticated", False):
        return
    organisations = _project_offices(project) | access.staff_organisation_ids(user)
    record_event(
        action=AuditAction.CONFIDENTIAL_READ,
        actor=user,
        request=request,
        obj=project,
        organisations=organisations,
        detail={"visibility": project.proposal.visibility},
    )


# Writing ------------------------------------------------------------------------------


@transaction.atomic
def create_project(
    *,
    by: User,
    proposal: Proposal,
    lead_office: Organisation,
    partner_offices: Sequence[Organisation] = (),
    start_date: datetime.date,
    end_date: datetime.date,
    title: str = "",
) -> Project:
    """Turn an adopted proposal into its project (one per proposal).

    Side effects: creates the Project with its partner offices. Raises PermissionDenied
    unless ``by`` speaks for a proposing office; ValidationError when the proposal is
    not adopted, already has a project, the lead office is not a proposing office or
    the dates are reversed.
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not access.can_amend_proposal(by, proposal):
        raise PermissionDenied(
            _("Only policy officers and office admins of a proposing office may do this.")
        )
    if proposal.state != State.ADOPTED:
        raise ValidationError(_("Only an adopted proposal becomes a project."), code="state")
    if Project.objects.filter(proposal=proposal).exists():
        raise ValidationError(_("This proposal already has its project."), code="exists")
    errors: dict[str, list[str]] = {}
    proposers = {o.pk for o in proposal.proposing_offices.all()}
    involved = proposers | {o.pk for o in proposal.participating_offices.all()}
    if lead_office.pk not in proposers:
        errors["lead_office"] = [_("Choose one of the proposing offices to lead.")]
    partners = [o for o in dict.fromkeys(partner_offices) if o.pk != lead_office.pk]
    if any(o.pk not in involved for o in partners):
        errors["partner_offices"] = [
            _("Partners are chosen among the proposing and participating offices.")
        ]
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = [_("The end cannot be before the start.")]
    title = (title or proposal.title).strip()[:200]
    if errors:
        raise ValidationError(errors)
    project = Project.objects.create(
        proposal=proposal,
        title=title,
        lead_office=lead_office,
        start_date=start_date,
        end_date=end_date,
        created_by=by,
    )
    project.partner_offices.set(partners)
    return project


def _require_manager(by: User, project: Project) -> None:
    if not access.can_manage_project(by, project):
        raise PermissionDenied(
            _("Only policy officers and office admins of the lead office manage the project.")
        )


def _project_offices(project: Project) -> set[int]:
    return {project.lead_office_id} | {o.pk for o in project.partner_offices.all()}


@transaction.atomic
def add_milestone(*, by: User, project: Project, title: str, due_date: datetime.date) -> Milestone:
    """Side effects: creates a Milestone. Raises PermissionDenied unless ``by`` manages
    the project; ValidationError without a title or date."""
    _require_manager(by, project)
    title = (title or "").strip()
    if not title or due_date is None:
        raise ValidationError({"title": [_("Give the milestone a title and a due date.")]})
    return Milestone.objects.create(project=project, title=title[:200], due_date=due_date)


@transaction.atomic
def set_milestone_done(*, by: User, milestone: Milestone, done: bool) -> Milestone:
    """Side effects: marks the milestone done (with the time) or not done."""
    _require_manager(by, milestone.project)
    milestone.done = done
    milestone.done_at = timezone.now() if done else None
    milestone.save(update_fields=["done", "done_at"])
    return milestone


def _notify_assigned(action: ActionItem, by: User | None) -> None:
    recipients = (
        [action.assignee]
        if action.assignee is not None
        else list(people_of_offices([action.owner_office_id]))
    )
    notify(
        recipients=recipients,
        kind=Kind.ACTION_ASSIGNED,
        subject=f"{action.title} — {action.project.title}",
        url=action.project.get_absolute_url() + f"#action-{action.pk}",
        actor=by,
        key=f"action-assigned:{action.pk}:{action.assignee_id or 'office'}",
    )


@transaction.atomic
def add_action(
    *,
    by: User,
    project: Project,
    title: str,
    owner_office: Organisation,
    due_date: datetime.date,
    assignee: User | None = None,
) -> ActionItem:
    """Add an action item owned by an office of the project.

    Side effects: creates the ActionItem; notifies the assignee, or the owner office's
    speakers when nobody is named (ACTION_ASSIGNED). Raises PermissionDenied unless
    ``by`` manages the project; ValidationError when the owner is not the lead or a
    partner office, or the assignee is not staff of the owner office.
    """
    _require_manager(by, project)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Say what is to be done.")]
    if owner_office.pk not in _project_offices(project):
        errors["owner_office"] = [_("The owner office must be the lead or a partner office.")]
    if due_date is None:
        errors["due_date"] = [_("Give a due date.")]
    if assignee is not None and not _is_staff_of(assignee, owner_office):
        errors["assignee"] = [_("The assignee must be a member of staff of the owner office.")]
    if errors:
        raise ValidationError(errors)
    action = ActionItem.objects.create(
        project=project,
        title=title[:200],
        owner_office=owner_office,
        assignee=assignee,
        due_date=due_date,
        updated_by=by,
    )
    _notify_assigned(action, by)
    return action


def _is_staff_of(user: User, office: Organisation) -> bool:
    from ipcoop.people.models import STAFF_ROLES

    return Membership.objects.filter(
        user=user, organisation=office, role__in=list(STAFF_ROLES)
    ).exists()


def staff_of(office: Organisation) -> QuerySet[User]:
    """Active staff of an office: who may be assigned its actions."""
    from ipcoop.people.models import STAFF_ROLES

    return people_of_offices([office.pk], roles=list(STAFF_ROLES))


@transaction.atomic
def update_action(
    *,
    by: User,
    action: ActionItem,
    status: str | None = None,
    percent_done: int | None = None,
    evidence_url: str | None = None,
    assignee: User | bool | None = False,
) -> ActionItem:
    """Report progress on an action item (fields left as None stay as they are).

    ``assignee``: False leaves it; None clears it; a user (staff of the owner office)
    assigns it — only the lead office's speakers reassign. Marking it done without a
    percent sets 100.

    Side effects: updates the action; notifies a newly named assignee (ACTION_ASSIGNED).
    Raises PermissionDenied unless ``by`` is staff of the owner office or speaks for the
    lead office; ValidationError for an unknown status, a percent outside 0–100, a
    "done" below 100 % or a link that is not http(s).
    """
    action = ActionItem.objects.select_for_update().select_related("project").get(pk=action.pk)
    project = action.project
    if not access.can_update_action(by, action, project):
        raise PermissionDenied(
            _("Only staff of the owner office or the lead office's speakers update this action.")
        )
    errors: dict[str, list[str]] = {}
    if status is not None and status not in ActionStatus.values:
        errors["status"] = [_("Choose a status: %(v)s.") % {"v": ", ".join(ActionStatus.values)}]
    if percent_done is not None and not (0 <= int(percent_done) <= 100):
        errors["percent_done"] = [_("Give a percentage from 0 to 100.")]
    if evidence_url:
        evidence_url = evidence_url.strip()
        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError:
            errors["evidence_url"] = [
                _("Give the evidence as a web address starting with https://.")
            ]
    previous_assignee = action.assignee_id
    if assignee is not False:
        if not access.can_manage_project(by, project):
            errors["assignee"] = [_("Only the lead office's speakers reassign an action.")]
        elif assignee is not None and not _is_staff_of(assignee, action.owner_office):
            errors["assignee"] = [_("The assignee must be a member of staff of the owner office.")]
    if errors:
        raise ValidationError(errors)
    if status is not None:
        action.status = status
        if status == ActionStatus.DONE and percent_done is None:
            action.percent_done = 100
    if percent_done is not None:
        action.percent_done = int(percent_done)
    if action.status == ActionStatus.DONE and action.percent_done != 100:
        raise ValidationError(
            {"percent_done": [_("An action marked done is complete: set its progress to 100.")]}
        )
    if evidence_url is not None:
        action.evidence_url = evidence_url
    if assignee is not False:
        action.assignee = assignee
    action.updated_at = timezone.now()
    action.updated_by = by
    action.save()
    if action.assignee_id and action.assignee_id != previous_assignee:
        _notify_assigned(action, by)
    return action


@transaction.atomic
def add_report(
    *,
    by: User,
    project: Project,
    text: str,
    date: datetime.date | None = None,
    office: Organisation | None = None,
) -> ProgressReport:
    """Side effects: creates a ProgressReport. Raises PermissionDenied unless ``by`` is
    staff of the lead or a partner office; ValidationError for an empty text."""
    offices = access.staff_organisation_ids(by) & _project_offices(project)
    if not offices or (office is not None and office.pk not in offices):
        raise PermissionDenied(_("Only staff of the project's offices write progress reports."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the report.")]})
    office_id = office.pk if office is not None else min(offices)
    return ProgressReport.objects.create(
        project=project,
        text=text[:50_000],
        date=date or timezone.localdate(),
        author=by,
        office_id=office_id,
    )


def check_actions(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily reminders (``check-actions``).

    Side effects: notifies, for each open action (not done) due within the next 7 days,
    its assignee or else the owner office's speakers (ACTION_DUE, once per action), and
    for each overdue one the same people and the lead office's speakers (ACTION_OVERDUE,
    urgent, at most once per action per day). Returns the counts of items created.
    """
    today = today or timezone.localdate()
    counts = {"due": 0, "overdue": 0}
    open_actions = (
        ActionItem.objects.exclude(status=ActionStatus.DONE)
        .select_related("project", "assignee")
        .order_by("due_date", "pk")
    )
    soon = open_actions.filter(
        due_date__gte=today, due_date__lte=today + datetime.timedelta(DUE_SOON_DAYS)
    )
    overdue = open_actions.filter(due_date__lt=today)
    with transaction.atomic():
        for action in soon:
            counts["due"] += notify(
                recipients=_responsible(action),
                kind=Kind.ACTION_DUE,
                subject=f"{action.title} — {action.project.title}",
                url=action.project.get_absolute_url() + f"#action-{action.pk}",
                key=f"action-due:{action.pk}",
            )
        for action in overdue:
            recipients = [
                *_responsible(action),
                *people_of_offices([action.project.lead_office_id]),
            ]
            counts["overdue"] += notify(
                recipients=recipients,
                kind=Kind.ACTION_OVERDUE,
                subject=f"{action.title} — {action.project.title}",
                url=action.project.get_absolute_url() + f"#action-{action.pk}",
                urgent=True,
                key=f"action-overdue:{action.pk}:{today.isoformat()}",
            )
    return counts


def _responsible(action: ActionItem) -> list[User]:
    if action.assignee is not None and action.assignee.is_active:
        return [action.assignee]
    return list(people_of_offices([action.owner_office_id]))
