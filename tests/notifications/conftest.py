"""Notification fixtures: people with e-mail addresses and a helper that writes items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ipcoop.notifications.models import Kind, Notification
from ipcoop.people.models import Role
from tests.conftest import make_user


@pytest.fixture
def alice(db):
    return make_user("alice", Role.POLICY_OFFICER, "th-dip", email="alice@dip.example")


@pytest.fixture
def bob(db):
    return make_user("bob", Role.OFFICE_ADMIN, "sg-ipos", email="bob@ipos.example")


def item(user, kind=Kind.PROPOSAL_TO_ENDORSE, subject="Joint AI examination guide", **extra):
    """An inbox item written straight to the table, at a chosen time."""
    extra.setdefault("url", "/proposals/1/")
    extra.setdefault("created_at", timezone.now())
    return Notification.objects.create(recipient=user, kind=kind, subject=subject, **extra)


def at(hours_ago: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours_ago)
