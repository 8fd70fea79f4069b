"""Personas: someone in every office role, a teacher, a learner, an outsider and a visitor.

Like healthchecks' owner/member/outsider, real accounts in real organisations
(the ones the migration creates) rather than factories.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.cache import BaseCache, caches
from django.test import Client
from django.utils import translation

from ipcoop.people import services
from ipcoop.people.models import Organisation, Role, User

PASSWORD = "correct horse battery staple 42"


def cache_turned_on(settings, config: dict, alias: str) -> Iterator[BaseCache]:
    """For a fixture: the test runs with ``config`` as CACHES and yields the cache
    ``alias``, empty before and after (the tests' own settings keep nothing)."""
    settings.CACHES = config
    caches[alias].clear()
    yield caches[alias]
    caches[alias].clear()


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """Every test starts in English: a request in another language (a learner's
    preferred language, say) leaves that language active in the thread afterwards."""
    translation.activate("en")
    yield
    translation.deactivate()


def make_user(username: str, role: str | None = None, org: str | None = None, **extra) -> User:
    user = services.create_user(username=username, password=PASSWORD, **extra)
    if role:
        organisation = Organisation.objects.get(slug=org) if org else None
        services.grant_role(by=None, user=user, role=role, organisation=organisation)
    return user


@dataclass
class Personas:
    kipo: Organisation
    ipos: Organisation
    thdip: Organisation
    academy: Organisation
    kipo_admin: User
    kipo_examiner: User
    kipo_policy: User
    ipos_admin: User
    ipos_policy: User
    th_examiner: User
    educator: User
    teacher: User
    learner: User
    outsider: User
    platform_admin: User


@pytest.fixture
def personas(db) -> Personas:
    orgs = {o.slug: o for o in Organisation.objects.all()}
    return Personas(
        kipo=orgs["kr-kipo"],
        ipos=orgs["sg-ipos"],
        thdip=orgs["th-dip"],
        academy=orgs["asean-ip-academy"],
        kipo_admin=make_user("kipo.admin", Role.OFFICE_ADMIN, "kr-kipo"),
        kipo_examiner=make_user("kipo.examiner", Role.EXAMINER, "kr-kipo"),
        kipo_policy=make_user("kipo.policy", Role.POLICY_OFFICER, "kr-kipo"),
        ipos_admin=make_user("ipos.admin", Role.OFFICE_ADMIN, "sg-ipos"),
        ipos_policy=make_user("ipos.policy", Role.POLICY_OFFICER, "sg-ipos"),
        th_examiner=make_user("th.examiner", Role.EXAMINER, "th-dip"),
        educator=make_user("academy.educator", Role.EDUCATOR, "asean-ip-academy"),
        teacher=make_user("a.teacher", Role.TEACHER),
        learner=make_user("a.learner", Role.LEARNER),
        outsider=make_user("outsider"),
        platform_admin=make_user("root", is_platform_admin=True),
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def without_csrf(body: bytes) -> bytes:
    """A page's body with the per-request CSRF mask blanked, to compare two answers."""
    return _CSRF.sub(rb"\1", body)


def assert_same_not_found(client: Client, hidden_url: str, missing_url: str, **kwargs) -> None:
    """The hidden object's URL answers exactly like a missing one: same status, same body.

    Only the per-request CSRF mask and the URL itself (echoed in the language
    switcher's return address) may differ.
    """
    method = kwargs.pop("method", "get")
    hidden = getattr(client, method)(hidden_url, **kwargs)
    missing = getattr(client, method)(missing_url, **kwargs)
    assert hidden.status_code == missing.status_code == 404
    hidden_body = without_csrf(hidden.content).replace(hidden_url.encode(), b"URL")
    missing_body = without_csrf(missing.content).replace(missing_url.encode(), b"URL")
    assert hidden_body == missing_body
