"""Makers for the project tests: an adopted proposal and its project."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ipcoop.projects import services
from ipcoop.proposals import services as proposal_services
from tests.proposals.makers import propose


def adopted(personas, *, title="Joint course", visibility="participants", **extra):
    """A KIPO proposal to IPOS, adopted by IPOS's support."""
    proposal = propose(
        personas, participants=[personas.ipos], title=title, visibility=visibility, **extra
    )
    proposal_services.endorse(by=personas.ipos_policy, proposal=proposal, position="support")
    proposal.refresh_from_db()
    return proposal


def project_for(personas, proposal, *, percents=(), overdue=0):
    """The proposal's project led by KIPO with IPOS as partner, with one IPOS action per
    percent given (the first ``overdue`` of them past due)."""
    today = timezone.localdate()
    project = services.create_project(
        by=personas.kipo_policy,
        proposal=proposal,
        lead_office=personas.kipo,
        partner_offices=[personas.ipos],
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=200),
    )
    for n, percent in enumerate(percents):
        action = services.add_action(
            by=personas.kipo_policy,
            project=project,
            title=f"Action {n}",
            owner_office=personas.ipos,
            due_date=today + (timedelta(days=-2) if n < overdue else timedelta(days=30)),
        )
        if percent:
            services.update_action(by=personas.ipos_policy, action=action, percent_done=percent)
    return project
