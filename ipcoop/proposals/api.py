"""API endpoints of cooperation proposals: list, write, read one, endorse.

A proposal the caller may not read answers 404 with the same body as one that does
not exist. Every endpoint calls the same access helpers and services as the pages.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import AuthorizationError

from ipcoop import access
from ipcoop.apischema import AUTH_ERRORS, INVALID, NOT_FOUND
from ipcoop.exchange.choices import Area
from ipcoop.people.models import Organisation
from ipcoop.proposals import services
from ipcoop.proposals.models import (
    Endorsement,
    Pillar,
    Position,
    Proposal,
    ProposalVisibility,
    SilenceRule,
    State,
)

router = Router(tags=["proposals"])


class EndorsementOut(Schema):
    office: str
    version: int
    position: str
    text: str
    author: str | None
    created_at: datetime
    current: bool


class TransitionOut(Schema):
    from_state: str
    to_state: str
    actor: str | None
    reason: str
    at: datetime


class VersionOut(Schema):
    number: int
    title: str
    problem: str
    activity: str
    outcome: str
    budget: str
    note: str
    created_at: datetime


class ProposalOut(Schema):
    id: int
    title: str
    state: str
    version: int
    pillar: str
    area: str
    sdgs: list[int]
    proposing_offices: list[str]
    participating_offices: list[str]
    deadline: datetime
    silence_rule: str
    visibility: str
    outcome_reason: str
    created_at: datetime
    decided_at: datetime | None
    project_id: int | None
    url: str


class ProposalDetailOut(ProposalOut):
    problem: str
    activity: str
    outcome: str
    budget: str
    consensus: str
    consensus_reason: str
    endorsements: list[EndorsementOut]
    versions: list[VersionOut]
    transitions: list[TransitionOut]


class ProposalIn(Schema):
    title: str
    problem: str
    activity: str
    outcome: str
    budget: str = ""
    pillar: Pillar
    area: Area
    sdgs: list[int] = []
    proposing_offices: list[str]
    participating_offices: list[str]
    deadline: datetime
    silence_rule: SilenceRule = SilenceRule.CONSENT
    visibility: ProposalVisibility = ProposalVisibility.PARTICIPANTS
    open: bool = False


class EndorsementIn(Schema):
    position: Position
    text: str = ""
    office: str | None = None


class EndorsementResult(Schema):
    endorsement: EndorsementOut
    proposal_state: str
    consensus: str
    consensus_reason: str


class ListFilters(Schema):
    state: State | None = None
    pillar: Pillar | None = None
    area: Area | None = None
    limit: int = 100
    offset: int = 0


def _endorsement_out(e: Endorsement, version: int) -> dict:
    return {
        "office": e.office.slug,
        "version": e.version,
        "position": e.position,
        "text": e.text,
        "author": e.author.username if e.author else None,
        "created_at": e.created_at,
        "current": e.superseded_at is None and e.version == version,
    }


def _project_id(p: Proposal) -> int | None:
    project = getattr(p, "project", None) if p.state == State.ADOPTED else None
    return project.pk if project is not None else None


def _out(p: Proposal) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "state": p.state,
        "version": p.version,
        "pillar": p.pillar,
        "area": p.area,
        "sdgs": p.sdg_values,
        "proposing_offices": [o.slug for o in p.proposing_offices.all()],
        "participating_offices": [o.slug for o in p.participating_offices.all()],
        "deadline": p.deadline,
        "silence_rule": p.silence_rule,
        "visibility": p.visibility,
        "outcome_reason": p.outcome_reason,
        "created_at": p.created_at,
        "decided_at": p.decided_at,
        "project_id": _project_id(p),
        "url": p.get_absolute_url(),
    }


def _detail(p: Proposal) -> dict:
    outcome = services.outcome_for(p)
    names = {o.pk: o.slug for o in p.participating_offices.all()}
    endorsements = p.endorsements.select_related("office", "author")
    return {
        **_out(p),
        "problem": p.problem,
        "activity": p.activity,
        "outcome": p.outcome,
        "budget": p.budget,
        "consensus": outcome.state,
        "consensus_reason": services.outcome_text(outcome, names),
        "endorsements": [_endorsement_out(e, p.version) for e in endorsements],
        "versions": [
            {
                "number": v.number,
                "title": v.title,
                "problem": v.problem,
                "activity": v.activity,
                "outcome": v.outcome,
                "budget": v.budget,
                "note": v.note,
                "created_at": v.created_at,
            }
            for v in p.versions.all()
        ],
        "transitions": [
            {
                "from_state": t.from_state,
                "to_state": t.to_state,
                "actor": t.actor.username if t.actor else None,
                "reason": t.reason,
                "at": t.at,
            }
            for t in p.transitions.select_related("actor")
        ],
    }


def _queryset():
    return Proposal.objects.select_related("project").prefetch_related(
        "proposing_offices", "participating_offices", "sdg_links"
    )


def _get(request: HttpRequest, pk: int) -> Proposal:
    return access.get_proposal_or_404(request.auth, _queryset(), pk=pk)


def _organisations(slugs: list[str], field: str) -> list[Organisation]:
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError(
            {field: f"Unknown organisation slug(s) {', '.join(unknown)}: see /api/v1/offices."}
        )
    return [found[s] for s in slugs]


@router.get("", response={200: list[ProposalOut], **AUTH_ERRORS, **INVALID}, summary="Proposals")
def list_proposals(request: HttpRequest, filters: Query[ListFilters]):
    """The proposals you may read, newest first. Filter by `state`, `pillar` and `area`;
    page with `limit` (at most 500) and `offset`.

    Drafts are read only by their proposing offices; then "participants" proposals by the
    proposing and participating offices, "offices" by all cooperating staff, "public"
    by everyone signed in.
    """
    limit = max(0, min(filters.limit, 500))
    offset = max(0, filters.offset)
    proposals = access.proposals_visible_to(request.auth, _queryset())
    for name in ("state", "pillar", "area"):
        value = getattr(filters, name)
        if value:
            proposals = proposals.filter(**{name: value})
    proposals = proposals.order_by("-created_at", "-id")
    return [_out(p) for p in proposals[offset : offset + limit]]


@router.post(
    "",
    response={201: ProposalDetailOut, **AUTH_ERRORS, **INVALID},
    summary="Write a proposal",
)
def create_proposal(request: HttpRequest, payload: ProposalIn):
    """Write a proposal (a draft, or open at once with `open: true`). Offices by slug;
    you must speak (policy officer or office admin) for every proposing office.

    201 with the proposal; 403 when you may not propose for those offices; 422 when a
    field is not valid.
    """
    try:
        proposal = services.create_proposal(
            by=request.auth,
            proposing_offices=_organisations(payload.proposing_offices, "proposing_offices"),
            participating_offices=_organisations(
                payload.participating_offices, "participating_offices"
            ),
            title=payload.title,
            problem=payload.problem,
            activity=payload.activity,
            outcome=payload.outcome,
            budget=payload.budget,
            pillar=payload.pillar,
            area=payload.area,
            sdgs=payload.sdgs,
            deadline=payload.deadline,
            silence_rule=payload.silence_rule,
            visibility=payload.visibility,
            open_now=payload.open,
        )
    except PermissionDenied as error:
        raise AuthorizationError(str(error)) from None
    return Status(201, _detail(_get(request, proposal.pk)))


@router.get(
    "/{proposal_id}",
    response={200: ProposalDetailOut, **AUTH_ERRORS, **NOT_FOUND},
    summary="One proposal",
)
def get_proposal(request: HttpRequest, proposal_id: int):
    """A proposal with its endorsements (current and earlier), versions and transition log.

    404 (the same body as for a proposal that does not exist) when you may not read it.
    """
    proposal = _get(request, proposal_id)
    services.record_read(user=request.auth, proposal=proposal, request=request)
    return _detail(proposal)


@router.post(
    "/{proposal_id}/endorsements",
    response={201: EndorsementResult, **AUTH_ERRORS, **NOT_FOUND, **INVALID},
    summary="Endorse a proposal",
)
def endorse(request: HttpRequest, proposal_id: int, payload: EndorsementIn):
    """Respond for a participating office: `support`, `reservations` (with `text`),
    `cannot_support` (with `text`, the reason) or `abstain`. A new response replaces your
    office's current one. `office` (slug) is needed only when you speak for several
    participating offices. The consensus rule is applied at once.

    201 with the response and the proposal's state; 403 when you do not speak for a
    participating office; 404 when you may not read the proposal; 422 when the proposal
    is not open or a field is missing.
    """
    proposal = _get(request, proposal_id)
    office = _organisations([payload.office], "office")[0] if payload.office else None
    try:
        made = services.endorse(
            by=request.auth,
            proposal=proposal,
            position=payload.position,
            text=payload.text,
            office=office,
        )
    except PermissionDenied as error:
        raise AuthorizationError(str(error)) from None
    proposal = _get(request, proposal_id)
    outcome = services.outcome_for(proposal)
    names = {o.pk: o.slug for o in proposal.participating_offices.all()}
    made = Endorsement.objects.select_related("office", "author").get(pk=made.pk)
    return Status(
        201,
        {
            "endorsement": _endorsement_out(made, proposal.version),
            "proposal_state": proposal.state,
            "consensus": outcome.state,
            "consensus_reason": proposal.outcome_reason or services.outcome_text(outcome, names),
        },
    )
