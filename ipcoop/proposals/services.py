"""What can happen to cooperation proposals: written, opened, amended, endorsed,
discussed, decided by consensus, withdrawn.

Each function lists its side effects. HTML views, API endpoints and the
``close-proposals`` command all call these; none writes the proposal models directly.
Every change of state is logged in ``Transition`` (who, when, why).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.exchange.choices import Area
from ipcoop.exchange.updates.services import check_attachment
from ipcoop.lib import consensus
from ipcoop.notifications.models import Kind
from ipcoop.notifications.services import notify, people_of_offices
from ipcoop.people.models import AuditAction, Organisation, User
from ipcoop.people.services import record_event
from ipcoop.proposals.models import (
    SDG,
    Comment,
    Endorsement,
    Pillar,
    Position,
    Proposal,
    ProposalAttachment,
    ProposalSdg,
    ProposalVersion,
    ProposalVisibility,
    SilenceRule,
    State,
    Transition,
)
from ipcoop.search.services import index_item as index_for_search

MAX_ATTACHMENTS = 10
TEXT_LIMIT = 50_000
TEXT_FIELDS = ("title", "problem", "activity", "outcome", "budget")


# Reading ------------------------------------------------------------------------------


def current_endorsements(proposal: Proposal) -> dict[int, Endorsement]:
    """Each office's current response to the proposal's current version (office id → it)."""
    found = proposal.endorsements.filter(
        version=proposal.version, superseded_at__isnull=True
    ).select_related("office", "author")
    return {e.office_id: e for e in found}


def outcome_for(proposal: Proposal, now: datetime | None = None) -> consensus.Outcome:
    """The consensus rule applied to the proposal as it stands. No side effects."""
    participants = [o.pk for o in proposal.participating_offices.all()]
    current = {pk: e.position for pk, e in current_endorsements(proposal).items()}
    return consensus.decide(
        participants=participants,
        endorsements=current,
        deadline=proposal.deadline,
        now=now or timezone.now(),
        silence_rule=proposal.silence_rule,
    )


def outcome_text(outcome: consensus.Outcome, names: dict[Any, str] | None = None) -> str:
    """A sentence saying why the rule decided what it decided."""
    names = names or {}
    offices = ", ".join(names.get(o, str(o)) for o in outcome.offices)
    texts = {
        consensus.ALL_RESPONDED: _(
            "Every participating office responded and none said it cannot support."
        ),
        consensus.SILENCE_AS_CONSENT: _(
            "The deadline passed with no objection; silence counted as consent for: %(offices)s."
        ),
        consensus.AWAITING: _("Waiting for responses from: %(offices)s."),
        consensus.BLOCKED: _(
            "Blocked: %(offices)s cannot support it (until withdrawn or the proposal is amended)."
        ),
        consensus.BLOCKED_AT_DEADLINE: _(
            "The deadline passed while %(offices)s could not support it."
        ),
        consensus.SILENCE_NO_DECISION: _(
            "The deadline passed without responses from %(offices)s, and silence means no decision."
        ),
        consensus.NO_SUPPORT: _("Every participating office abstained: nobody supports it."),
        consensus.NO_PARTICIPANTS: _("No participating office is named."),
    }
    return texts[outcome.code] % {"offices": offices}


def with_list_facts(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Proposals with what the list shows, in a fixed number of queries."""
    return (
        proposals.annotate(
            participant_count=Count("participating_offices", distinct=True),
            response_count=Count(
                "endorsements",
                filter=Q(endorsements__superseded_at__isnull=True)
                & Q(endorsements__version=F("version")),
                distinct=True,
            ),
        )
        .prefetch_related("proposing_offices", "sdg_links")
        .order_by("-created_at", "-id")
    )


def record_read(*, user: Any, proposal: Proposal, request: HttpRequest | None) -> None:
    """Log that a signed-in user read a proposal that is not public.

    Side effects: writes a confidential-read audit event, filed under the proposing
    offices (their admins see who read it) and the reader's organisations.
    """
    if proposal.visibility == ProposalVisibility.PUBLIC or not getattr(
        user, "is_authenticated", False
    ):
        return
    organisations = {o.pk for o in proposal.proposing_offices.all()}
    organisations |= access.staff_organisation_ids(user)
    record_event(
        action=AuditAction.CONFIDENTIAL_READ,
        actor=user,
        request=request,
        obj=proposal,
        organisations=organisations,
        detail={"visibility": proposal.visibility},
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def version_diff(old: ProposalVersion | None, new: ProposalVersion) -> list[tuple[str, list]]:
    """Per text field, the lines removed and added from ``old`` to ``new``. No side effects."""
    labels = {
        "title": _("Title"),
        "problem": _("Problem"),
        "activity": _("Proposed activity"),
        "outcome": _("Expected outcome"),
        "budget": _("Budget or resources"),
    }
    result = []
    for name in TEXT_FIELDS:
        before = (getattr(old, name) if old else "").splitlines()
        after = getattr(new, name).splitlines()
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before, after):
            tag, text = line[:2], line[2:]
            if tag == "? ":
                continue
            kind = {"+ ": "added", "- ": "removed"}.get(tag, "same")
            lines.append(DiffLine(kind, text))
        result.append((labels[name], lines))
    return result


# Validation ---------------------------------------------------------------------------


def _clean(
    *,
    title: str,
    problem: str,
    activity: str,
    outcome: str,
    budget: str,
    pillar: str,
    area: str,
    sdgs: Iterable[int],
    deadline: datetime,
    silence_rule: str,
    visibility: str,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    values = {
        "problem": (problem or "").strip(),
        "activity": (activity or "").strip(),
        "outcome": (outcome or "").strip(),
        "budget": (budget or "").strip(),
    }
    if not title:
        errors["title"] = [_("Give the proposal a title.")]
    elif len(title) > 200:
        errors["title"] = [_("Use at most 200 characters for the title.")]
    needed = {
        "problem": _("Describe the problem the proposal addresses."),
        "activity": _("Describe the activity you propose."),
        "outcome": _("Describe the outcome you expect."),
    }
    for name, message in needed.items():
        if not values[name]:
            errors[name] = [message]
    for name, value in values.items():
        if len(value) > TEXT_LIMIT:
            errors[name] = [_("Use at most 50,000 characters.")]
    if pillar not in Pillar.values:
        errors["pillar"] = [_("Choose a pillar: %(v)s.") % {"v": ", ".join(Pillar.values)}]
    if area not in Area.values:
        errors["area"] = [_("Choose a technology area: %(v)s.") % {"v": ", ".join(Area.values)}]
    try:
        goals = sorted({int(g) for g in sdgs})
    except (TypeError, ValueError):
        goals = [0]
    if any(g not in SDG.values for g in goals):
        errors["sdgs"] = [_("Sustainable Development Goals are numbered 1 to 17.")]
    if deadline is None or timezone.is_naive(deadline):
        errors["deadline"] = [_("Give the deadline for responses as a date and time.")]
    if silence_rule not in SilenceRule.values:
        errors["silence_rule"] = [
            _("Choose a silence rule: %(v)s.") % {"v": ", ".join(SilenceRule.values)}
        ]
    if visibility not in ProposalVisibility.values:
        errors["visibility"] = [
            _("Choose a visibility: %(v)s.") % {"v": ", ".join(ProposalVisibility.values)}
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        **values,
        "pillar": pillar,
        "area": area,
        "sdgs": goals,
        "deadline": deadline,
        "silence_rule": silence_rule,
        "visibility": visibility,
    }


def _check_uploads(proposal: Proposal | None, uploads: Sequence[Any]) -> list[Any]:
    already = proposal.attachments.count() if proposal is not None and proposal.pk else 0
    problems: list[str] = []
    checked = []
    if already + len(uploads) > MAX_ATTACHMENTS:
        problems.append(
            _("A proposal may have at most %(limit)d attachments.") % {"limit": MAX_ATTACHMENTS}
        )
    for upload in uploads:
        try:
            checked.append(check_attachment(upload))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"attachments": problems})
    return checked


def _store(proposal: Proposal, files: Iterable[Any], by: User, written: list[str]) -> None:
    """Save each checked file as an attachment; the name of every file written is added
    to ``written`` so that the caller removes them if its transaction fails."""
    for checked in files:
        attachment = ProposalAttachment(
            proposal=proposal,
            original_name=checked.name,
            content_type=checked.content_type,
            extension=checked.extension,
            size=checked.size,
            uploaded_by=by,
        )
        checked.upload.seek(0)
        attachment.file.save("upload", File(checked.upload), save=False)
        written.append(attachment.file.name)
        attachment.save()


def _log(proposal: Proposal, to_state: str, *, by: User | None, reason: str, at=None) -> None:
    Transition.objects.create(
        proposal=proposal,
        from_state=proposal.state,
        to_state=to_state,
        actor=by,
        reason=reason[:300],
        at=at or timezone.now(),
    )
    proposal.state = to_state


def _require_proposer(by: User, proposal: Proposal) -> None:
    if not access.can_amend_proposal(by, proposal):
        raise PermissionDenied(
            _("Only policy officers and office admins of a proposing office may do this.")
        )


def _subject(proposal: Proposal) -> str:
    return proposal.title


def _speakers_of(offices: Iterable[Organisation]) -> QuerySet[User]:
    return people_of_offices([o.pk for o in offices])


# Writing ------------------------------------------------------------------------------


@transaction.atomic
def create_proposal(
    *,
    by: User,
    proposing_offices: Sequence[Organisation],
    participating_offices: Sequence[Organisation],
    title: str,
    problem: str,
    activity: str,
    outcome: str,
    budget: str = "",
    pillar: str,
    area: str,
    sdgs: Iterable[int] = (),
    deadline: datetime,
    silence_rule: str = SilenceRule.CONSENT,
    visibility: str = ProposalVisibility.PARTICIPANTS,
    attachments: Sequence[Any] = (),
    open_now: bool = False,
) -> Proposal:
    """Write a proposal as a draft (version 1), optionally opening it at once.

    Side effects: creates the proposal, its SDG links, version 1, its attachments
    (content-checked) and a transition "created"; with ``open_now``, also what
    ``open_proposal`` does. Raises PermissionDenied unless ``by`` speaks for every
    proposing office; ValidationError naming the fields to fix.
    """
    spoken = access.offices_spoken_for(by)
    proposing = list(dict.fromkeys(proposing_offices))
    participating = list(dict.fromkeys(participating_offices))
    if not proposing:
        raise ValidationError({"proposing_offices": [_("Name at least one proposing office.")]})
    if any(o.pk not in spoken for o in proposing):
        raise PermissionDenied(
            _("You may propose only for offices where you are a policy officer or office admin.")
        )
    data = _clean(
        title=title,
        problem=problem,
        activity=activity,
        outcome=outcome,
        budget=budget,
        pillar=pillar,
        area=area,
        sdgs=sdgs,
        deadline=deadline,
        silence_rule=silence_rule,
        visibility=visibility,
    )
    if not participating:
        raise ValidationError(
            {"participating_offices": [_("Name at least one participating office to endorse.")]}
        )
    checked = _check_uploads(None, attachments)
    goals = data.pop("sdgs")
    now = timezone.now()
    proposal = Proposal.objects.create(**data, created_by=by, created_at=now, updated_at=now)
    proposal.proposing_offices.set(proposing)
    proposal.participating_offices.set(participating)
    ProposalSdg.objects.bulk_create([ProposalSdg(proposal=proposal, goal=g) for g in goals])
    _save_version(proposal, by=by, note=_("First version"))
    Transition.objects.create(
        proposal=proposal, from_state="", to_state=State.DRAFT, actor=by, reason=_("Written")
    )
    written: list[str] = []
    try:
        _store(proposal, checked, by, written)
        if open_now:
            open_proposal(by=by, proposal=proposal)
    except BaseException:
        # The transaction is undone: so are the files written for it.
        for name in written:
            _delete_stored(name)
        raise
    index_for_search(proposal)
    return proposal


def _save_version(proposal: Proposal, *, by: User, note: str) -> ProposalVersion:
    return ProposalVersion.objects.update_or_create(
        proposal=proposal,
        number=proposal.version,
        defaults={
            **{name: getattr(proposal, name) for name in TEXT_FIELDS},
            "note": note[:300],
            "author": by,
            "created_at": timezone.now(),
        },
    )[0]


@transaction.atomic
def open_proposal(*, by: User, proposal: Proposal) -> Proposal:
    """Open a draft for endorsement.

    Side effects: state draft → open (logged), ``opened_at``; notifies the speakers of
    the participating offices (PROPOSAL_TO_ENDORSE). Raises PermissionDenied unless
    ``by`` speaks for a proposing office; ValidationError unless it is a draft whose
    deadline is still ahead.
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require_proposer(by, proposal)
    if proposal.state != State.DRAFT:
        raise ValidationError(_("Only a draft can be opened."), code="state")
    now = timezone.now()
    if proposal.deadline <= now:
        raise ValidationError(
            {"deadline": [_("The deadline has passed: set a later deadline, then open it.")]}
        )
    _log(proposal, State.OPEN, by=by, reason=_("Opened for endorsement"), at=now)
    proposal.opened_at = now
    proposal.updated_at = now
    proposal.save(update_fields=["state", "opened_at", "updated_at"])
    notify(
        recipients=_speakers_of(proposal.participating_offices.all()),
        kind=Kind.PROPOSAL_TO_ENDORSE,
        subject=_subject(proposal),
        url=proposal.get_absolute_url(),
        actor=by,
    )
    index_for_search(proposal)
    return proposal


@transaction.atomic
def amend_proposal(
    *,
    by: User,
    proposal: Proposal,
    note: str = "",
    attachments: Sequence[Any] = (),
    remove_attachments: Iterable[int] = (),
    participating_offices: Sequence[Organisation] | None = None,
    **fields: Any,
) -> Proposal:
    """Change a draft or amend an open proposal.

    ``fields``: any of title, problem, activity, outcome, budget, pillar, area, sdgs,
    deadline, silence_rule, visibility (missing ones stay as they are). Participating
    offices change only in a draft.

    Side effects, for a draft: the fields and version 1's text are updated. For an
    open proposal: a new version is saved (its text kept), every current endorsement
    is superseded (kept as history, no longer counted), a transition "amended" is
    logged, the participating and proposing offices' speakers are notified
    (PROPOSAL_AMENDED). Raises PermissionDenied unless ``by`` speaks for a proposing
    office; ValidationError when the proposal is decided or withdrawn, or a field is wrong.
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require_proposer(by, proposal)
    if proposal.state not in {State.DRAFT, State.OPEN}:
        raise ValidationError(
            _("A proposal that is %(state)s cannot be amended.")
            % {"state": proposal.get_state_display().lower()},
            code="state",
        )
    unknown = (
        set(fields)
        - {*TEXT_FIELDS, "pillar", "area", "sdgs", "deadline"}
        - {
            "silence_rule",
            "visibility",
        }
    )
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    current = {
        **{name: getattr(proposal, name) for name in TEXT_FIELDS},
        "pillar": proposal.pillar,
        "area": proposal.area,
        "sdgs": proposal.sdg_values,
        "deadline": proposal.deadline,
        "silence_rule": proposal.silence_rule,
        "visibility": proposal.visibility,
    }
    data = _clean(**{**current, **{k: v for k, v in fields.items() if v is not None}})
    now = timezone.now()
    if proposal.state == State.OPEN and data["deadline"] <= now:
        raise ValidationError({"deadline": [_("Set a deadline in the future.")]})
    if participating_offices is not None and proposal.state == State.DRAFT:
        chosen = list(dict.fromkeys(participating_offices))
        if not chosen:
            raise ValidationError(
                {"participating_offices": [_("Name at least one participating office.")]}
            )
        proposal.participating_offices.set(chosen)
    checked = _check_uploads(proposal, attachments)
    goals = data.pop("sdgs")
    for name, value in data.items():
        setattr(proposal, name, value)
    proposal.updated_at = now
    ProposalSdg.objects.filter(proposal=proposal).exclude(goal__in=goals).delete()
    have = set(ProposalSdg.objects.filter(proposal=proposal).values_list("goal", flat=True))
    ProposalSdg.objects.bulk_create(
        [ProposalSdg(proposal=proposal, goal=g) for g in goals if g not in have]
    )
    removed = list(proposal.attachments.filter(pk__in=list(remove_attachments)))
    for attachment in removed:
        name = attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda name=name: _delete_stored(name))
    written: list[str] = []
    try:
        _store(proposal, checked, by, written)
        if proposal.state == State.DRAFT:
            proposal.save()
            _save_version(proposal, by=by, note=note or _("First version"))
            return proposal
        proposal.version += 1
        proposal.save()
        _save_version(proposal, by=by, note=note or _("Amended"))
        proposal.endorsements.filter(superseded_at__isnull=True).update(superseded_at=now)
        Transition.objects.create(
            proposal=proposal,
            from_state=State.OPEN,
            to_state=State.OPEN,
            actor=by,
            reason=(
                _("Amended to version %(n)d: endorsements re-opened.") % {"n": proposal.version}
                + (f" {note}" if note else "")
            )[:300],
            at=now,
        )
        notify(
            recipients=_speakers_of(
                [*proposal.participating_offices.all(), *proposal.proposing_offices.all()]
            ),
            kind=Kind.PROPOSAL_AMENDED,
            subject=_subject(proposal),
            url=proposal.get_absolute_url(),
            actor=by,
        )
        index_for_search(proposal)
        return proposal
    except BaseException:
        # The transaction is undone: so are the files written for it.
        for name in written:
            _delete_stored(name)
        raise


def _delete_stored(name: str) -> None:
    from django.core.files.storage import default_storage

    default_storage.delete(name)


@transaction.atomic
def withdraw_proposal(*, by: User, proposal: Proposal, reason: str) -> Proposal:
    """The proposers withdraw a draft or open proposal.

    Side effects: state → withdrawn (logged with the reason). Raises PermissionDenied
    unless ``by`` speaks for a proposing office; ValidationError without a reason or
    when it is already decided.
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require_proposer(by, proposal)
    reason = (reason or "").strip()
    if proposal.state not in {State.DRAFT, State.OPEN}:
        raise ValidationError(_("Only a draft or open proposal can be withdrawn."), code="state")
    if not reason:
        raise ValidationError({"reason": [_("Say why the proposal is withdrawn.")]})
    now = timezone.now()
    _log(proposal, State.WITHDRAWN, by=by, reason=reason, at=now)
    proposal.decided_at = now
    proposal.updated_at = now
    proposal.save(update_fields=["state", "decided_at", "updated_at"])
    index_for_search(proposal)
    return proposal


def endorsing_offices_for(by: User, proposal: Proposal) -> list[Organisation]:
    return access.endorsing_offices(by, proposal)


@transaction.atomic
def endorse(
    *,
    by: User,
    proposal: Proposal,
    position: str,
    text: str = "",
    office: Organisation | None = None,
    now: datetime | None = None,
) -> Endorsement:
    """Record a participating office's response to the current version.

    ``office``: the office responding; may be left out when ``by`` speaks for exactly one
    participating office. Side effects: the office's current response (if any) is
    superseded and kept as history; a new Endorsement; then the consensus rule is
    applied (see ``apply_consensus``). Raises PermissionDenied when ``by`` does not
    speak for a participating office; ValidationError when the proposal is not open,
    the position is unknown, or reservations/reasons are missing.
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    offices = access.endorsing_offices(by, proposal)
    if not offices:
        raise PermissionDenied(
            _(
                "Only policy officers and office admins of a participating office "
                "may endorse this proposal."
            )
        )
    if office is None:
        if len(offices) > 1:
            raise ValidationError({"office": [_("Choose the office you respond for.")]})
        office = offices[0]
    elif office.pk not in {o.pk for o in offices}:
        raise PermissionDenied(_("You do not speak for that office on this proposal."))
    if proposal.state != State.OPEN:
        raise ValidationError(_("This proposal is not open for endorsement."), code="state")
    text = (text or "").strip()
    if position not in Position.values:
        raise ValidationError(
            {"position": [_("Choose a position: %(v)s.") % {"v": ", ".join(Position.values)}]}
        )
    if position == Position.RESERVATIONS and not text:
        raise ValidationError({"text": [_("Write down your office's reservations.")]})
    if position == Position.CANNOT_SUPPORT and not text:
        raise ValidationError({"text": [_("Give the reason your office cannot support it.")]})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({"text": [_("Use at most 50,000 characters.")]})
    now = now or timezone.now()
    proposal.endorsements.filter(office=office, superseded_at__isnull=True).update(
        superseded_at=now
    )
    endorsement = Endorsement.objects.create(
        proposal=proposal,
        office=office,
        version=proposal.version,
        position=position,
        text=text,
        author=by,
        created_at=now,
    )
    apply_consensus(proposal=proposal, now=now, actor=by)
    return endorsement


@transaction.atomic
def withdraw_objection(
    *, by: User, proposal: Proposal, office: Organisation | None = None
) -> Endorsement:
    """Withdraw an office's current "cannot support".

    Side effects: that response is superseded and marked withdrawn (the office has then
    not responded to this version); the consensus rule is applied again. Raises
    PermissionDenied when ``by`` does not speak for a participating office;
    ValidationError when there is no standing "cannot support" to withdraw.
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    offices = access.endorsing_offices(by, proposal)
    if not offices or (office is not None and office.pk not in {o.pk for o in offices}):
        raise PermissionDenied(_("You do not speak for a participating office."))
    candidates = [office] if office is not None else offices
    current = current_endorsements(proposal)
    blocking = [
        current[o.pk]
        for o in candidates
        if o.pk in current and current[o.pk].position == Position.CANNOT_SUPPORT
    ]
    if proposal.state != State.OPEN or not blocking:
        raise ValidationError(
            _("There is no “cannot support” from your office to withdraw."), code="nothing"
        )
    endorsement = blocking[0]
    now = timezone.now()
    endorsement.superseded_at = now
    endorsement.withdrawn = True
    endorsement.save(update_fields=["superseded_at", "withdrawn"])
    apply_consensus(proposal=proposal, now=now, actor=by)
    return endorsement


@transaction.atomic
def add_comment(
    *, by: User, proposal: Proposal, body: str, office: Organisation | None = None
) -> Comment:
    """Add a message to the discussion thread.

    Side effects: creates a Comment. Raises PermissionDenied unless ``by`` is staff of a
    proposing or participating office; ValidationError for an empty message or a
    proposal in draft.
    """
    offices = access.discussion_offices(by, proposal)
    if not offices or (office is not None and office.pk not in {o.pk for o in offices}):
        raise PermissionDenied(
            _("Only staff of the proposing and participating offices take part in the discussion.")
        )
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write a message.")]})
    if len(body) > TEXT_LIMIT:
        raise ValidationError({"body": [_("Use at most 50,000 characters.")]})
    return Comment.objects.create(
        proposal=proposal, office=office or offices[0], author=by, body=body
    )


@transaction.atomic
def apply_consensus(
    *, proposal: Proposal, now: datetime | None = None, actor: User | None = None
) -> consensus.Outcome:
    """Decide an open proposal when the consensus rule says it is decided.

    Side effects, when decided: state → adopted or not adopted (logged with the reason;
    ``actor`` is the one whose response decided it, none for the scheduled command),
    ``decided_at`` and ``outcome_reason`` set; the proposing and participating offices'
    speakers are notified (PROPOSAL_DECIDED). Nothing happens to a proposal that is
    not open or still pending.
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    now = now or timezone.now()
    outcome = outcome_for(proposal, now)
    if proposal.state != State.OPEN or not outcome.is_decided:
        return outcome
    offices = [*proposal.participating_offices.all(), *proposal.proposing_offices.all()]
    names = {o.pk: o.short_name for o in offices}
    reason = outcome_text(outcome, names)
    to_state = State.ADOPTED if outcome.state == consensus.ADOPTED else State.NOT_ADOPTED
    _log(proposal, to_state, by=actor, reason=reason, at=now)
    proposal.decided_at = now
    proposal.outcome_reason = reason[:300]
    proposal.updated_at = now
    proposal.save(update_fields=["state", "decided_at", "outcome_reason", "updated_at"])
    notify(
        recipients=_speakers_of(offices),
        kind=Kind.PROPOSAL_DECIDED,
        subject=_subject(proposal),
        url=proposal.get_absolute_url(),
        key=f"proposal-decided:{proposal.pk}",
    )
    index_for_search(proposal)
    return outcome


def close_due_proposals(*, now: datetime | None = None) -> int:
    """Decide every open proposal whose deadline has passed (the scheduled command).

    Side effects: what ``apply_consensus`` does, per proposal. Returns how many were
    decided.
    """
    now = now or timezone.now()
    decided = 0
    due = Proposal.objects.filter(state=State.OPEN, deadline__lte=now).order_by("deadline", "pk")
    for pk in due.values_list("pk", flat=True):
        outcome = apply_consensus(proposal=Proposal(pk=pk), now=now)
        decided += outcome.is_decided
    return decided
