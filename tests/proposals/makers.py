"""Shared makers for the proposal and project tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ipcoop.people.models import Role
from ipcoop.proposals import services
from tests.conftest import make_user


def th_policy():
    return make_user("th.policy", Role.POLICY_OFFICER, "th-dip")


def propose(personas, *, participants=None, title="Shared AI reading list", by=None, **extra):
    """A proposal by KIPO (opened unless open_now=False) to IPOS and DIP Thailand."""
    fields = {
        "problem": "Each office searches alone.",
        "activity": "Offices share one reading list.",
        "outcome": "One list.",
        "pillar": "ip_system",
        "area": "ai",
        "sdgs": [9, 17],
        "deadline": timezone.now() + timedelta(days=14),
        "visibility": "participants",
        "silence_rule": "consent",
        "open_now": True,
    } | extra
    return services.create_proposal(
        by=by or personas.kipo_policy,
        proposing_offices=[personas.kipo],
        participating_offices=participants or [personas.ipos, personas.thdip],
        title=title,
        **fields,
    )
