"""What keeps search fast on a large index must not change what it answers.

PostgreSQL reads the newest matches in up to three steps (the newest ids, a range
below them sized from what those held, row by row or through the trigram index, then
the trigram index over the rest); with small constants every step runs here, and the
rows must be exactly the newest visible matches one ordered query would give,
whatever the term's frequency, with hidden documents interleaved and never counted.
The allowed organisations live in the row ("|3|11|"): organisation 1 must not pass
for 11.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from ipcoop import access
from ipcoop.people.models import Organisation, Role
from ipcoop.search import services, text
from ipcoop.search.models import SearchDocument
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

COLUMNS = ("pk", "kind", "office_id", "language", "year", "title_key", "changed")


def documents(personas, count=240):
    """``count`` documents, oldest first: every third says "alpha"; "beta" only in the
    oldest third; "gamma" in four; "x9" (a two-character term) in every fifth; "delta"
    in the newest 16 and the oldest 8 (the range below the newest falls short). Every
    other document is KIPO's own (hidden from visitors and other offices)."""
    live = services._state().generation
    start = datetime(2020, 1, 1, tzinfo=UTC)
    made = []
    for n in range(count):
        words = [f"notice {n}"]
        if n % 3 == 0:
            words.append("alpha")
        if n < count // 3 and n % 2 == 0:
            words.append("beta")
        if n in (5, 77, 150, 239):
            words.append("gamma")
        if n % 5 == 0:
            words.append("x9")
        if n >= count - 16 or n < 8:
            words.append("delta")
        public = n % 2 == 0
        title = " ".join(words)
        when = start + timedelta(hours=n)
        made.append(
            SearchDocument(
                generation=live,
                kind="update",
                object_id=n + 1,
                title=title,
                title_key=text.title_key(title),
                body="",
                folded=text.index_text(title),
                language="en",
                office=personas.kipo,
                year=when.year,
                created_at=when,
                updated_at=when,
                url=f"/updates/{n + 1}/",
                audience="public" if public else "orgs",
                visibility="public" if public else "own",
                allowed_orgs=None if public else f"|{personas.kipo.pk}|",
            )
        )
    return SearchDocument.objects.bulk_create(made)


def newest_hidden(personas, count=240, hidden=80):
    """``count`` documents saying "zeta", the newest ``hidden`` of them KIPO's own (as
    after an import of dossiers the reader may not see); of the older ones every
    other is public."""
    live = services._state().generation
    start = datetime(2020, 1, 1, tzinfo=UTC)
    made = []
    for n in range(count):
        public = n < count - hidden and n % 2 == 0
        title = f"zeta notice {n}"
        when = start + timedelta(hours=n)
        made.append(
            SearchDocument(
                generation=live,
                kind="update",
                object_id=n + 1,
                title=title,
                title_key=text.title_key(title),
                folded=text.index_text(title),
                language="en",
                office=personas.kipo,
                year=when.year,
                created_at=when,
                updated_at=when,
                url=f"/updates/{n + 1}/",
                audience="public" if public else "orgs",
                visibility="public" if public else "own",
                allowed_orgs=None if public else f"|{personas.kipo.pk}|",
            )
        )
    return SearchDocument.objects.bulk_create(made)


def newest_visible(made, user_sees_own, term, cap):
    """The newest ``cap + 1`` documents with ``term`` the user may find, by id."""
    hits = [
        d.pk for d in made if term in d.folded.split() and (d.audience == "public" or user_sees_own)
    ]
    return sorted(hits, reverse=True)[: cap + 1]


@pytest.fixture(params=[1000, 0], ids=["rows", "index"])
def small(request, monkeypatch):
    """Small constants; the range below the newest ids read row by row, or through
    the trigram index (``SCAN_ROWS`` 0)."""
    monkeypatch.setattr(services, "CAP", 9)
    monkeypatch.setattr(services, "NEWEST", 20)
    monkeypatch.setattr(services, "MIN_SEEN", 2)
    monkeypatch.setattr(services, "SCAN_ROWS", request.param)


@pytest.mark.parametrize("term", ["alpha", "beta", "gamma", "x9", "delta", "absent"])
@pytest.mark.parametrize("who", ["anonymous", "kipo_examiner", "th_examiner"])
def test_reading_in_steps_returns_the_newest_visible_matches(personas, small, term, who):
    made = documents(personas)
    user = AnonymousUser() if who == "anonymous" else getattr(personas, who)
    visible = access.search_documents_visible_to(user, services._live())
    rows = services._first_matches_postgresql(visible, [term], COLUMNS)
    want = newest_visible(made, who == "kipo_examiner", term, services.CAP)
    assert [row[0] for row in rows] == want


@pytest.mark.parametrize("who", ["anonymous", "kipo_examiner"])
def test_newest_documents_hidden_from_the_reader_do_not_hide_older_matches(personas, small, who):
    made = newest_hidden(personas)
    user = AnonymousUser() if who == "anonymous" else getattr(personas, who)
    visible = access.search_documents_visible_to(user, services._live())
    rows = services._first_matches_postgresql(visible, ["zeta"], COLUMNS)
    want = newest_visible(made, who == "kipo_examiner", "zeta", services.CAP)
    assert [row[0] for row in rows] == want


def test_capped_common_term_counts_only_what_the_reader_may_find(personas, small):
    made = documents(personas)
    audience = {d.object_id: d.audience for d in made}
    anonymous = services.search(user=AnonymousUser(), query="alpha")
    assert (anonymous.total, anonymous.capped) == (services.CAP, True)
    assert sum(v.count for v in anonymous.facets["kind"]) == services.CAP
    assert {audience[h.object_id] for h in anonymous.hits} == {"public"}
    owner = services.search(user=personas.kipo_examiner, query="alpha")
    assert (owner.total, owner.capped) == (services.CAP, True)
    assert {audience[h.object_id] for h in owner.hits} == {"public", "orgs"}


def test_an_organisation_id_inside_another_does_not_pass_for_it(personas):
    orgs = list(Organisation.objects.order_by("pk"))
    inner, outer = next((a, b) for a in orgs for b in orgs if a != b and str(a.pk) in str(b.pk))
    insider = make_user("outer.admin", Role.OFFICE_ADMIN, outer.slug)
    other = make_user("inner.admin", Role.OFFICE_ADMIN, inner.slug)
    when = datetime(2024, 5, 1, tzinfo=UTC)
    SearchDocument.objects.create(
        generation=services._state().generation,
        kind="update",
        object_id=1,
        title="Quince tariff note",
        title_key="quince tariff note",
        folded="quince tariff note",
        language="en",
        office=outer,
        year=2024,
        created_at=when,
        updated_at=when,
        url="/updates/1/",
        audience="orgs",
        visibility="own",
        allowed_orgs=SearchDocument.orgs_key([outer.pk]),
    )
    assert services.search(user=insider, query="quince").total == 1
    assert services.search(user=other, query="quince").total == 0
    assert services.search(user=AnonymousUser(), query="quince").total == 0
