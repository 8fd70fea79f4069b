"""Schemathesis against the OpenAPI document: every operation, with generated input.

No request may end in a server error, and every response must be one the document lists,
with the body its schema describes. Bounded: a few examples per operation, derandomised,
so the suite stays fast and repeatable.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from ipcoop.people import services
from ipcoop.people.models import Role
from ipcoop.wsgi import application
from tests.conftest import make_user

# Read from the application itself (no network, no database needed for the document).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the WSGI application itself, whose request signals would close
    the database connection (and the test's transaction with it); Django's test client
    switches that off in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db) -> dict[str, str]:
    """An examiner's and policy officer's token (KIPO): most operations are open to them."""
    user = make_user("schema.officer", Role.POLICY_OFFICER, "kr-kipo")
    services.grant_role(
        by=None, user=user, role=Role.EXAMINER, organisation=user.memberships.first().organisation
    )
    _token, secret = services.create_token(user=user, name="schemathesis")
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, bearer):
    # Not checked: "valid-looking input is accepted" (a domain rule may still refuse it
    # with 422, or access with 404, as documented) and "input outside the schema is
    # refused" (pydantic reads a number as a Unix time for a date-time parameter, which
    # is harmless).
    case.call_and_validate(
        headers=bearer, excluded_checks=[positive_data_acceptance, negative_data_rejection]
    )
