"""Search finds only what each persona may read: for every persona and kind, the hits
equal what the pages' own access functions return, with the hidden items present and
matching the query, and hidden items are absent from counts and facets too."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from ipcoop import access
from ipcoop.exchange.consultations.models import Consultation
from ipcoop.exchange.practice.models import OfficePosition, PracticeQuestion
from ipcoop.exchange.updates.models import PolicyUpdate
from ipcoop.search.services import search
from tests.conftest import client_for
from tests.search.conftest import ask, found, position, post, question

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "outsider",
    "learner",
    "teacher",
    "platform_admin",
    "educator",
    "th_examiner",
    "ipos_policy",
    "ipos_admin",
    "kipo_examiner",
    "kipo_policy",
    "kipo_admin",
]
MARK = "harmonisation"


def persona(personas, name):
    return None if name == "anonymous" else getattr(personas, name)


@pytest.fixture
def items(personas):
    """One item of every kind and visibility, all containing MARK."""
    q = question(text=f"Is {MARK} of AI practice possible?", slug="harmonisation-ai")
    return {
        "question": q,
        "position_offices": position(personas, question=q, summary=f"{MARK} is welcome."),
        "position_public": position(
            personas,
            question=q,
            summary=f"{MARK} in ASEAN.",
            visibility="public",
            office=personas.ipos,
            by=personas.ipos_policy,
        ),
        "update_public": post(personas, title=f"Public {MARK}", visibility="public"),
        "update_offices": post(personas, title=f"Offices {MARK}", visibility="offices"),
        "update_selected": post(
            personas,
            title=f"Selected {MARK}",
            visibility="selected",
            shared_with=[personas.ipos, personas.academy],
        ),
        "update_own": post(personas, title=f"Own {MARK}", visibility="own"),
        "consultation_all": ask(personas, title=f"Every office: {MARK}?"),
        "consultation_selected": ask(
            personas, title=f"IPOS only: {MARK}?", to=[personas.ipos, personas.academy]
        ),
    }


def expected(user):
    """What the pages' own access functions let ``user`` read, as (kind, id)."""
    return (
        {("question", pk) for pk in PracticeQuestion.objects.values_list("pk", flat=True)}
        | {
            ("position", pk)
            for pk in access.visible_to(user, OfficePosition.objects.all()).values_list(
                "pk", flat=True
            )
        }
        | {
            ("update", pk)
            for pk in access.visible_to(user, PolicyUpdate.objects.all()).values_list(
                "pk", flat=True
            )
        }
        | {
            ("consultation", pk)
            for pk in access.consultations_visible_to(user, Consultation.objects.all()).values_list(
                "pk", flat=True
            )
        }
    )


@pytest.mark.parametrize("name", PERSONAS)
def test_search_finds_exactly_what_the_access_rules_let_each_persona_read(personas, items, name):
    user = persona(personas, name)
    results = search(user=user or AnonymousUser(), query=MARK)
    hits = {(hit.kind, hit.object_id) for hit in results.hits}
    made = {(key.split("_")[0], item.pk) for key, item in items.items()}
    mine = expected(user or AnonymousUser()) & made  # reference data does not say MARK
    assert hits == mine
    assert results.total == len(mine)
    assert sum(v.count for v in results.facets["kind"]) == len(mine)
    assert sum(v.count for v in results.facets["office"]) == len(mine) - 1  # question: no office


EXPECTED_KEYS = {
    "anonymous": {"question", "position_public", "update_public"},
    "outsider": {"question", "position_public", "update_public"},
    "platform_admin": {"question", "position_public", "position_offices", "update_public",
                       "update_offices"},
    "educator": {"question", "position_public", "position_offices", "update_public",
                 "update_offices", "update_selected", "consultation_selected"},
    "th_examiner": {"question", "position_public", "position_offices", "update_public",
                    "update_offices", "consultation_all"},
    "ipos_policy": {"question", "position_public", "position_offices", "update_public",
                    "update_offices", "update_selected", "consultation_all",
                    "consultation_selected"},
    "kipo_examiner": {"question", "position_public", "position_offices", "update_public",
                      "update_offices", "update_selected", "update_own", "consultation_all",
                      "consultation_selected"},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED_KEYS))
def test_each_visibility_level_reaches_exactly_its_readers(personas, items, name):
    kinds = {"question": "question", "position": "position", "update": "update",
             "consultation": "consultation"}  # fmt: skip
    want = {(kinds[key.split("_")[0]], items[key].pk) for key in EXPECTED_KEYS[name]}
    assert found(persona(personas, name), MARK) == want


def test_hidden_item_is_absent_from_page_counts_and_facets(personas, items):
    client = client_for(personas.th_examiner)
    page = client.get("/search/", {"q": MARK})
    assert page.status_code == 200
    assert "6 results" in page.text
    assert "Every office: <mark>harmonisation</mark>?" in page.text
    for hidden in ("Own <mark>", "Selected <mark>", "IPOS only"):
        assert hidden not in page.text
    assert 'Consultation <span class="count">(1)</span>' in page.text
    assert 'Policy update <span class="count">(2)</span>' in page.text
    results = search(user=personas.th_examiner, query="selected " + MARK)
    assert (results.total, results.hits) == (0, [])
    assert all(values == [] for values in results.facets.values())
    # Its owner finds it, on the same page.
    mine = client_for(personas.kipo_examiner).get("/search/", {"q": "Own " + MARK})
    assert "<mark>Own</mark> <mark>harmonisation</mark>" in mine.text


def test_hidden_item_is_absent_from_the_api_answer(personas, items):
    anonymous = client_for(None).get("/api/v1/search", {"q": MARK}).json()
    titles = {hit["title"] for hit in anonymous["results"]}
    assert anonymous["total"] == 3
    assert not any("Own" in t or "Offices" in t or "IPOS only" in t for t in titles)
    assert {f["value"] for f in anonymous["facets"]["kind"]} == {"question", "position", "update"}
