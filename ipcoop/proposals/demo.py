"""Demo cooperation content (development only): one open proposal awaiting
endorsements and one adopted proposal turned into a project with milestones and
actions, one of them overdue. Titles start with "[Demo]"; no figures, no legal facts.
Running it again changes nothing that is already there.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from ipcoop.people.models import Organisation
from ipcoop.projects.models import ActionItem, ActionStatus, Milestone, Project
from ipcoop.proposals.models import (
    Endorsement,
    Pillar,
    Position,
    Proposal,
    ProposalSdg,
    ProposalVersion,
    ProposalVisibility,
    SilenceRule,
    State,
    Transition,
)

OPEN_TITLE = "[Demo] Shared reading list on examining AI-assisted inventions"
ADOPTED_TITLE = "[Demo] Joint online course on IP basics for start-ups"
ADOPTED_REASON = "Every participating office responded and none said it cannot support."
TEXT = {
    OPEN_TITLE: (
        "Demo text. Examiners in several offices meet applications that describe AI tools; "
        "a shared reading list would save each office searching alone.",
        "Demo text. Each participating office names a few public documents it finds useful; "
        "the proposing office collects them into one list.",
        "Demo text. One list, reviewed once a year.",
    ),
    ADOPTED_TITLE: (
        "Demo text. Founders of young companies often learn about IP too late.",
        "Demo text. The offices build a short online course with the ASEAN IP Academy, "
        "each contributing one module in its own words.",
        "Demo text. A course open to learners in every participating country.",
    ),
}


def _proposal(title: str, *, state: str, deadline, proposers, participants, goals, pillar, now):
    problem, activity, outcome = TEXT[title]
    proposal, created = Proposal.objects.get_or_create(
        title=title,
        defaults={
            "problem": problem,
            "activity": activity,
            "outcome": outcome,
            "budget": "Demo: each office contributes staff time; no figures are given.",
            "pillar": pillar,
            "area": "ai" if pillar == Pillar.IP_SYSTEM else "other",
            "deadline": deadline,
            "silence_rule": SilenceRule.CONSENT,
            "visibility": ProposalVisibility.OFFICES,
            "state": state,
            "opened_at": now - datetime.timedelta(days=20),
            "decided_at": now - datetime.timedelta(days=5) if state == State.ADOPTED else None,
            "outcome_reason": ADOPTED_REASON if state == State.ADOPTED else "",
        },
    )
    if not created:
        return proposal, False
    proposal.proposing_offices.set(proposers)
    proposal.participating_offices.set(participants)
    ProposalSdg.objects.bulk_create([ProposalSdg(proposal=proposal, goal=g) for g in goals])
    ProposalVersion.objects.create(
        proposal=proposal,
        number=1,
        title=title,
        problem=problem,
        activity=activity,
        outcome=outcome,
        budget=proposal.budget,
        note="First version",
    )
    Transition.objects.create(
        proposal=proposal, from_state="", to_state=State.DRAFT, reason="Written (demo)"
    )
    Transition.objects.create(
        proposal=proposal,
        from_state=State.DRAFT,
        to_state=State.OPEN,
        reason="Opened for endorsement (demo)",
    )
    return proposal, True


@transaction.atomic
def seed_cooperation_demo() -> int:
    """Create the demo proposals and project when missing. Returns how many proposals
    were created (0 when everything was already there)."""
    now = timezone.now()
    today = timezone.localdate()
    orgs = {o.slug: o for o in Organisation.objects.all()}
    kipo, ipos, dip, ipvn, ipophl = (
        orgs["kr-kipo"],
        orgs["sg-ipos"],
        orgs["th-dip"],
        orgs["vn-ipvn"],
        orgs["ph-ipophl"],
    )
    created = 0
    open_proposal, made = _proposal(
        OPEN_TITLE,
        state=State.OPEN,
        deadline=now + datetime.timedelta(days=30),
        proposers=[kipo],
        participants=[ipos, dip, ipvn],
        goals=[9, 17],
        pillar=Pillar.IP_SYSTEM,
        now=now,
    )
    if made:
        created += 1
        Endorsement.objects.create(
            proposal=open_proposal, office=ipos, version=1, position=Position.SUPPORT
        )
    adopted, made = _proposal(
        ADOPTED_TITLE,
        state=State.ADOPTED,
        deadline=now - datetime.timedelta(days=6),
        proposers=[kipo],
        participants=[ipos, ipophl],
        goals=[4, 8, 17],
        pillar=Pillar.EDUCATION,
        now=now,
    )
    if made:
        created += 1
        for office in (ipos, ipophl):
            Endorsement.objects.create(
                proposal=adopted, office=office, version=1, position=Position.SUPPORT
            )
        Transition.objects.create(
            proposal=adopted,
            from_state=State.OPEN,
            to_state=State.ADOPTED,
            reason=adopted.outcome_reason,
        )
    project, made = Project.objects.get_or_create(
        proposal=adopted,
        defaults={
            "title": ADOPTED_TITLE,
            "lead_office": kipo,
            "start_date": today - datetime.timedelta(days=30),
            "end_date": today + datetime.timedelta(days=300),
        },
    )
    if made:
        project.partner_offices.set([ipos, ipophl])
        Milestone.objects.bulk_create(
            [
                Milestone(
                    project=project,
                    title="Course outline agreed",
                    due_date=today - datetime.timedelta(days=10),
                    done=True,
                    done_at=now - datetime.timedelta(days=11),
                ),
                Milestone(
                    project=project,
                    title="First modules online",
                    due_date=today + datetime.timedelta(days=120),
                ),
            ]
        )
        ActionItem.objects.bulk_create(
            [
                ActionItem(
                    project=project,
                    title="Draft the course outline",
                    owner_office=kipo,
                    due_date=today - datetime.timedelta(days=12),
                    status=ActionStatus.DONE,
                    percent_done=100,
                ),
                ActionItem(
                    project=project,
                    title="Write the module on trademarks",
                    owner_office=ipos,
                    due_date=today - datetime.timedelta(days=3),
                    status=ActionStatus.IN_PROGRESS,
                    percent_done=40,
                ),
                ActionItem(
                    project=project,
                    title="Write the module on patents",
                    owner_office=ipophl,
                    due_date=today + datetime.timedelta(days=60),
                    status=ActionStatus.NOT_STARTED,
                    percent_done=0,
                ),
            ]
        )
    return created
