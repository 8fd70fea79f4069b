"""Every key page makes the same number of queries however much data there is.

Each case generates the tiny synthetic data set, counts the queries of the page as its
user sees it, then adds four times as much again (more learners, attempts, courses,
updates, dossiers, meetings, proposals and projects; the showcase family gets more
members, the learner more courses, the showcase lesson more questions) and counts again.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from ipcoop.ops import scaledata

TINY = scaledata.PRESETS["tiny"]
MORE = TINY.with_counts(
    **{
        name: getattr(TINY, name) * 4
        for name in (
            "learners",
            "attempts",
            "courses",
            "policy_updates",
            "applications",
            "meetings",
            "proposals",
            "practice_questions",
        )
    }
)
PAGES = [
    "home",
    "catalogue",
    "lesson",
    "dashboard",
    "practice matrix",
    "family",
    "accountability",
    "search",
    "search, anonymous",
]
# The database is set up for tests marked so; the data itself is the module's fixture's.
pytestmark = pytest.mark.django_db

# Pages whose query count still grows with the data: (page, reason with the counts).
GROWING: dict[str, str] = {}


def _queries(page: scaledata.KeyPage) -> tuple[int, list[str]]:
    client = Client()
    if page.username is not None:
        name, value = scaledata.session_cookie(page.username)
        client.cookies[name] = value
    first = client.get(page.path)  # warms caches the page may fill once
    assert first.status_code == 200, (page, first.status_code)
    with CaptureQueriesContext(connection) as context:
        response = client.get(page.path)
    assert response.status_code == 200, (page, response.status_code)
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


def _measure() -> dict[str, tuple[int, list[str]]]:
    cache.clear()
    return {page.name: _queries(page) for page in scaledata.key_pages()}


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker) -> dict[str, tuple[tuple, tuple]]:
    """Each key page's queries with the tiny data and with five times as much.

    Generated once for the module, in a transaction rolled back at the end (staff pass
    the two-factor check: their authenticator is set up)."""
    with (
        django_db_blocker.unblock(),
        override_settings(REQUIRE_STAFF_TWO_FACTOR=True),
        transaction.atomic(),
    ):
        scaledata.generate(TINY, seed=1)
        small = _measure()
        scaledata.generate(MORE, seed=2, extend=True)
        large = _measure()
        transaction.set_rollback(True)
    cache.clear()
    return {name: (small[name], large.get(name)) for name in small}


def _shape(sql: str) -> str:
    """A query without its values (to show which queries are new)."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def _case(name: str):
    if name in GROWING:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=GROWING[name]))
    return name


@pytest.mark.parametrize("name", [_case(name) for name in PAGES])
def test_key_page_makes_as_many_queries_with_more_data(measured, name):
    (small, small_sql), (large, large_sql) = measured[name]
    shapes = {_shape(sql) for sql in small_sql}
    new = [sql for sql in large_sql if _shape(sql) not in shapes][:10]
    assert large == small, "\n".join(
        [f"{name}: {small} queries with the tiny data, {large} with five times as much:", *new]
    )


def test_every_key_page_is_measured(measured):
    assert set(measured) == set(PAGES)
