"""The learning analytics page and CSV: who reads them, what they show, what never shows."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipcoop.analytics.rollup import rollup_learning
from tests.analytics.conftest import at, attempt, complete, learner, master
from tests.conftest import assert_same_not_found, client_for

URL = "/academy/analytics/"
CSV_URL = "/academy/analytics/export.csv"


def _class(world, country: str, size: int, month: int = 2) -> list:
    """``size`` learners of ``country`` who practise course A in ``month`` of 2025."""
    people = [learner(country) for _ in range(size)]
    for who in people:
        attempt(who, world.qa1, at(month, 3))
        attempt(who, world.qa2, at(month, 4), correct=False)
        complete(who, world.a1, at(month, 5))
        master(who, world.o1, at(month, 6))
    return people


def _text(response) -> str:
    """The page's visible text, tags removed and spaces folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def figures(world):
    """Korea: 6 learners (shown); Singapore: 7 (hidden from Korea's office);
    Thailand: 3 (fewer than 5 everywhere); Indonesia: 5 (withheld from those who see
    every country, or the total would give Thailand's 3 away)."""
    people = {
        "KR": _class(world, "KR", 6),
        "SG": _class(world, "SG", 7),
        "TH": _class(world, "TH", 3),
        "ID": _class(world, "ID", 5),
    }
    rollup_learning()
    return people


def test_educator_sees_every_country_with_small_groups_suppressed(personas, figures):
    response = client_for(personas.educator).get(URL, {"year": 2025})

    assert response.status_code == 200
    text = _text(response)
    assert "Korea Children 6 12 50 % 6 0 6 50 %" in text
    assert "Singapore Children 7 14 50 % 7 0 7 50 %" in text
    assert "Thailand Children fewer than 5 learners" in text
    assert "Indonesia Children withheld" in text
    assert "All countries Children 21 42 50 % 21 0 21 50 %" in text
    # February, regional total: 21 learners, 21 lessons completed.
    assert "February 21 21 0" in text
    assert "Children 21 42 21 50 %" in text  # mastery by audience
    assert "Figures up to" in text
    assert 'role="img"' in response.content.decode()


def test_five_learners_are_shown_four_are_not(personas, world):
    _class(world, "KR", 5, month=1)
    _class(world, "SG", 6, month=1)
    _class(world, "TH", 4, month=1)
    _class(world, "MY", 1, month=1)  # with Thailand, 5 not shown: the total reveals no small group
    rollup_learning()

    client = client_for(personas.educator)
    korea = _text(client.get(URL, {"year": 2025, "country": "KR"}))
    thailand = _text(client.get(URL, {"year": 2025, "country": "TH"}))

    assert "Korea Children 5 10 50 %" in korea
    assert "January 5 5 0" in korea
    assert "January fewer than 5 learners" in thailand
    assert "Thailand Children fewer than 5 learners" in thailand
    assert "Thailand Children 4" not in thailand
    rows = _csv(client.get(CSV_URL, {"year": 2025, "country": "TH"}))
    assert rows[1][:5] == ["2025-01", "Thailand", "Children", "", "fewer than 5"]
    assert all(cell == "fewer than 5" for cell in rows[1][4:])


def test_office_sees_its_country_and_the_regional_totals_only(personas, figures):
    client = client_for(personas.kipo_policy)

    page = _text(client.get(URL, {"year": 2025}))
    rows = _csv(client.get(CSV_URL, {"year": 2025}))

    assert "Korea Children 6" in page
    assert "All countries Children 21" in page
    assert "Singapore" not in page and "Thailand" not in page
    assert {r[1] for r in rows[1:]} == {"Korea", "All countries"}
    assert ["2025-02", "All countries", "Children", "", "21"] in [r[:5] for r in rows]
    # Asking for another country's figures shows an error and Korea's figures only.
    other = client.get(URL, {"year": 2025, "country": "SG"})
    assert other.status_code == 200
    assert "Singapore Children" not in _text(other)
    sg_rows = _csv(client.get(CSV_URL, {"year": 2025, "country": "SG"}))
    assert "Singapore" not in {r[1] for r in sg_rows}


def test_office_cannot_subtract_a_small_group_from_the_total(personas, world):
    _class(world, "KR", 6)
    _class(world, "TH", 3)
    rollup_learning()

    text = _text(client_for(personas.kipo_policy).get(URL, {"year": 2025}))

    assert "Korea Children withheld" in text
    assert "All countries Children 9" in text
    assert "Korea Children 6" not in text


def test_platform_admin_reads_every_country(personas, figures):
    text = _text(client_for(personas.platform_admin).get(URL, {"year": 2025}))
    assert "Singapore Children 7" in text and "Korea Children 6" in text


@pytest.mark.parametrize("who", ["teacher", "learner", "th_examiner", "outsider"])
def test_others_get_not_found(personas, figures, who):
    client = client_for(getattr(personas, who))
    for url in (URL, CSV_URL):
        assert_same_not_found(client, url, "/no-such-analytics/")
        assert b"Singapore" not in client.get(url).content


def test_visitors_are_sent_to_sign_in(client, figures):
    for url in (URL, CSV_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert "/account/" in response["Location"]


def test_no_learner_name_anywhere(personas, world):
    people = [*_class(world, "KR", 6), learner("KR", name="=cmd|calc")]
    attempt(people[-1], world.qa1, at(2, 9))
    rollup_learning()
    client = client_for(personas.educator)

    page = client.get(URL, {"year": 2025}).content.decode()
    csv_body = client.get(CSV_URL, {"year": 2025}).content.decode()

    for who in people:
        for name in (who.username, who.display_name, who.first_name, who.last_name):
            assert name not in page
            assert name not in csv_body


def test_csv_is_formula_safe(personas, world):
    world.course_a.title = {"en": '=HYPERLINK("http://x")'}
    world.course_a.save()
    _class(world, "KR", 5)
    rollup_learning()

    response = client_for(personas.educator).get(
        CSV_URL, {"year": 2025, "course": world.course_a.slug}
    )

    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:5] == ["month", "country", "audience", "course", "learners"]
    assert rows[1][3] == '\'=HYPERLINK("http://x")'
    assert rows[1][4] == "5"


def test_page_queries_do_not_grow_with_learners_and_attempts(personas, world):
    client = client_for(personas.educator)
    _class(world, "KR", 5)
    rollup_learning()
    client.get(URL, {"year": 2025})  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"year": 2025})
    _class(world, "SG", 30, month=3)
    _class(world, "TH", 20, month=7)
    rollup_learning()
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"year": 2025})

    assert "Singapore Children 30" in _text(response)
    assert len(many) == len(few)
    assert not any("academy_attempt" in q["sql"] for q in many.captured_queries)


def test_htmx_gets_the_results_only(personas, figures):
    response = client_for(personas.educator).get(
        URL, {"year": 2025, "audience": "children"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Korea" in body and "Figures up to" in body
