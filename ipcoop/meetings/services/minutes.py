"""Minutes: revisions of the draft, circulation, comments, approval (then locked), decisions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.meetings.models import (
    Decision,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesRevision,
    MinutesStatus,
)
from ipcoop.meetings.services.meetings import _check_text, _speakers
from ipcoop.notifications.models import Kind
from ipcoop.notifications.services import notify
from ipcoop.people.models import Organisation, User

# Minutes ----------------------------------------------------------------------------


def latest_revision(minutes: Minutes | None) -> MinutesRevision | None:
    if minutes is None:
        return None
    return minutes.revisions.select_related("edited_by").first()


def _minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.select_for_update().filter(meeting=meeting).first()


@transaction.atomic
def save_minutes(*, by: User, meeting: Meeting, body: str) -> MinutesRevision:
    """Write the draft minutes (a new revision each time; earlier ones are kept).

    Side effects: creates the Minutes (draft) on first save and a MinutesRevision.
    Raises ValidationError when the body is empty, the meeting is cancelled or the
    minutes are approved (locked, code "locked").
    """
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting has no minutes."), code="cancelled")
    minutes = _minutes_of(meeting) or Minutes.objects.create(meeting=meeting)
    if minutes.is_locked:
        raise ValidationError(
            _("These minutes are approved: they can no longer change."), code="locked"
        )
    errors: dict[str, list[str]] = {}
    body = _check_text(errors, "body", body, 100_000)
    if errors:
        raise ValidationError(errors)
    last = minutes.revisions.aggregate(last=Max("number"))["last"] or 0
    return MinutesRevision.objects.create(minutes=minutes, number=last + 1, body=body, edited_by=by)


@transaction.atomic
def circulate_minutes(*, by: User, meeting: Meeting) -> Minutes:
    """Send the draft to the participating offices for comment and approval.

    Side effects: sets status circulated and circulated_at; puts a MINUTES_TO_APPROVE
    item in the inbox of the speakers of every organising and participating
    organisation. Raises ValidationError when there is no draft yet or the minutes are
    approved.
    """
    minutes = _minutes_of(meeting)
    if minutes is None or not minutes.revisions.exists():
        raise ValidationError(_("Write the minutes before circulating them."), code="empty")
    if minutes.is_locked:
        raise ValidationError(_("These minutes are approved already."), code="locked")
    minutes.status = MinutesStatus.CIRCULATED
    minutes.circulated_at = timezone.now()
    minutes.save(update_fields=["status", "circulated_at"])
    notify(
        recipients=_speakers(access.meeting_office_ids(meeting)),
        kind=Kind.MINUTES_TO_APPROVE,
        subject=meeting.title,
        url=meeting.get_absolute_url() + "#minutes",
        key=f"minutes-circulated:{minutes.pk}:{minutes.circulated_at.isoformat()}",
        actor=by,
    )
    return minutes


@transaction.atomic
def comment_on_minutes(
    *, by: User, meeting: Meeting, body: str, office: Organisation | None = None
) -> MinutesComment:
    """Comment on circulated minutes for one of ``by``'s participating organisations.

    Side effects: creates a MinutesComment. Raises ValidationError when the minutes are
    not circulated (code "not_circulated"), the body is empty, or ``by`` is not staff
    of a participating organisation (or must say which one).
    """
    minutes = _minutes_of(meeting)
    if minutes is None or minutes.status != MinutesStatus.CIRCULATED:
        raise ValidationError(
            _("Comments are taken while the minutes are circulated for approval."),
            code="not_circulated",
        )
    errors: dict[str, list[str]] = {}
    body = _check_text(errors, "body", body, 20_000)
    choices = access.minutes_comment_offices(by, meeting)
    if office is None and len(choices) == 1:
        office = choices[0]
    if office is None or office.pk not in {o.pk for o in choices}:
        errors.setdefault("office", []).append(
            _("Only staff of the organisations taking part comment; choose the one you write for.")
            if len(choices) > 1
            else _("Only staff of the organisations taking part comment on the minutes.")
        )
    if errors:
        raise ValidationError(errors)
    return MinutesComment.objects.create(minutes=minutes, office=office, author=by, body=body)


@transaction.atomic
def approve_minutes(*, by: User, meeting: Meeting) -> Minutes:
    """Approve circulated minutes: from then on they are locked.

    Side effects: sets status approved, approved_at and approved_by. Raises
    ValidationError when the minutes were not circulated first or are approved already.
    """
    minutes = _minutes_of(meeting)
    if minutes is None or minutes.status == MinutesStatus.DRAFT:
        raise ValidationError(
            _("Circulate the minutes to the participating offices before approving them."),
            code="not_circulated",
        )
    if minutes.is_locked:
        raise ValidationError(_("These minutes are approved already."), code="locked")
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_at = timezone.now()
    minutes.approved_by = by
    minutes.save(update_fields=["status", "approved_at", "approved_by"])
    return minutes


@transaction.atomic
def add_decision(
    *, by: User, meeting: Meeting, text: str, proposal: Any = None, project: Any = None
) -> Decision:
    """Record a decision in the minutes, optionally linked to a proposal or a project.

    Side effects: creates the Minutes (draft) when needed and a Decision. Raises
    ValidationError when the text is empty or the minutes are approved (locked).
    """
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting has no minutes."), code="cancelled")
    minutes = _minutes_of(meeting) or Minutes.objects.create(meeting=meeting)
    if minutes.is_locked:
        raise ValidationError(
            _("These minutes are approved: they can no longer change."), code="locked"
        )
    errors: dict[str, list[str]] = {}
    text = _check_text(errors, "text", text, 5_000)
    if errors:
        raise ValidationError(errors)
    last = minutes.decisions.aggregate(last=Max("order"))["last"] or 0
    return Decision.objects.create(
        minutes=minutes, order=last + 1, text=text, proposal=proposal, project=project
    )


def decisions_with_links(user: User | Any, minutes: Minutes | None) -> list[Decision]:
    """The decisions in ``minutes``, each with ``shown_proposal`` and ``shown_project``:
    the linked proposal or project when the user may read it (a project follows its
    proposal, ``ipcoop.access``), else None. No side effects."""
    from ipcoop.proposals.models import Proposal

    if minutes is None:
        return []
    decisions = list(minutes.decisions.select_related("proposal", "project__proposal"))
    proposal_ids = {d.proposal_id for d in decisions if d.proposal_id} | {
        d.project.proposal_id for d in decisions if d.project_id
    }
    seen = set()
    if proposal_ids:
        visible = access.proposals_visible_to(user, Proposal.objects.filter(pk__in=proposal_ids))
        seen = set(visible.values_list("pk", flat=True))
    for d in decisions:
        d.shown_proposal = d.proposal if d.proposal_id in seen else None
        d.shown_project = d.project if d.project_id and d.project.proposal_id in seen else None
    return decisions
