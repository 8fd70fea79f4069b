"""Search: keeping the index current, rebuilding it, and answering queries.

The services that create, change or delete a searchable item call ``index_item`` /
``remove_item`` inside their own transaction, so the index never disagrees with the
data a moment later. ``rebuild_index`` (the ``reindex`` command) builds a new
generation while the live one keeps answering, then switches in one transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.safestring import SafeString

from ipcoop import access
from ipcoop.search import text
from ipcoop.search.kinds import KINDS, Document, Kind, kind_of
from ipcoop.search.models import SearchDocument, SearchState

PAGE_SIZE = 20
CAP = 1000  # results ranked and counted at most; beyond, the page says "more than 1000"
WINDOW = 8 * CAP  # newest FTS matches read first on SQLite (see _first_matches)
# PostgreSQL (see _first_matches_postgresql): the newest NEWEST ids are read first; a
# term seen there at least MIN_SEEN times is then read from the ids just below, row by
# row if that is expected to take at most SCAN_ROWS rows, else through the trigram index
# narrowed to those ids; anything else goes to the trigram index, which reads at most
# PROBE times what is missing before it too is narrowed to ranges of ids.
NEWEST = 1000
MIN_SEEN = 5
SCAN_ROWS = 5000
PROBE = 3
BUCKET = 1024  # ids per key of the trigram index's second column (migration 0003)
SNIPPET_WIDTH = 240
FACETS = (("kind", "kind"), ("office", "office_id"), ("language", "language"), ("year", "year"))


# Keeping the index current ---------------------------------------------------------


def _state(*, for_update: bool = False) -> SearchState:
    states = SearchState.objects.select_for_update() if for_update else SearchState.objects
    state = states.filter(pk=1).first()
    if state is None:  # the row is made by migration; a flushed test database lacks it
        state, _created = SearchState.objects.get_or_create(pk=1)
    return state


def _document_row(kind: Kind, obj: Any, document: Document, generation: int) -> SearchDocument:
    tags = [str(tag) for tag in document.tags if tag]
    language = document.language or text.detect_language(f"{document.title}\n{document.body}")
    body = document.body.strip()[:20_000]
    return SearchDocument(
        generation=generation,
        kind=kind.name,
        object_id=obj.pk,
        title=document.title[:400],
        title_key=text.title_key(document.title)[:400],
        body=body,
        folded=text.index_text(document.title, body, " ".join(tags), document.extra),
        language=language,
        office_id=document.office_id,
        tags=" ".join(tags)[:200],
        visibility=document.visibility,
        audience=document.audience,
        year=document.created_at.year,
        created_at=document.created_at,
        updated_at=document.updated_at,
        url=document.url[:300],
        allowed_orgs=SearchDocument.orgs_key(document.allowed),
    )


def _write(rows: list[SearchDocument]) -> None:
    SearchDocument.objects.bulk_create(rows)


def index_item(obj: Any) -> None:
    """Put ``obj`` (of a registered kind) into the index, replacing what was there.

    Side effects: deletes the item's documents and writes a new one in the live
    generation (and in the generation a running ``reindex`` is building), with its
    allowed organisations; on SQLite the FTS5 table follows by trigger. Runs in a
    transaction (joining the caller's).
    """
    kind = kind_of(obj)
    # Read it afresh, with what the document needs, rather than trust the caller's caches.
    fresh = kind.queryset().filter(pk=obj.pk).first()
    if fresh is None:
        remove_item(obj)
        return
    document = kind.document(fresh)
    state = _state()
    generations = {state.generation} | ({state.building} if state.building else set())
    with transaction.atomic():
        SearchDocument.objects.filter(
            kind=kind.name, object_id=obj.pk, generation__in=generations
        ).delete()
        _write([_document_row(kind, fresh, document, g) for g in sorted(generations)])


def remove_item(obj: Any) -> None:
    """Take ``obj`` out of the index (every generation).

    Side effects: deletes its documents.
    """
    kind = kind_of(obj)
    SearchDocument.objects.filter(kind=kind.name, object_id=obj.pk).delete()


def _delete_generations(documents: QuerySet[SearchDocument]) -> None:
    # No signals, no relations: delete in SQL without loading the rows.
    documents._raw_delete(documents.db)


def rebuild_index(
    *, batch_size: int = 500, progress: Callable[[int, int], None] | None = None
) -> int:
    """Rebuild the whole index as a new generation and switch to it.

    Search keeps answering from the live generation meanwhile; items changed during
    the rebuild are written to both (``index_item``). Returns the number of documents.

    Side effects: marks the new generation as building, writes every item's document
    into it batch by batch (one transaction per batch), then in one transaction makes
    it live, and finally deletes the older generations. Calls ``progress(done, total)``
    after each batch.
    """
    with transaction.atomic():
        state = _state(for_update=True)
        new = max(state.generation, state.building or 0) + 1
        state.building = new
        state.save(update_fields=["building"])
    _delete_generations(SearchDocument.objects.filter(generation=new))
    total = sum(kind.queryset().count() for kind in KINDS.values())
    done = 0
    for kind in KINDS.values():
        last = 0
        while True:
            batch = list(kind.queryset().filter(pk__gt=last)[:batch_size])
            if not batch:
                break
            last = batch[-1].pk
            with transaction.atomic():
                SearchDocument.objects.filter(
                    kind=kind.name, generation=new, object_id__in=[o.pk for o in batch]
                ).delete()
                _write([_document_row(kind, o, kind.document(o), new) for o in batch])
            done += len(batch)
            if progress:
                progress(done, total)
    with transaction.atomic():
        state = _state(for_update=True)
        state.generation, state.building = new, None
        state.save(update_fields=["generation", "building"])
    _delete_generations(SearchDocument.objects.exclude(generation=new))
    return done


# Answering queries -----------------------------------------------------------------


@dataclass
class Hit:
    kind: str
    object_id: int
    kind_label: str
    title: SafeString
    snippet: SafeString
    url: str
    office: str
    language: str
    visibility: str
    updated_at: Any


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Results:
    query: str
    terms: list[str]
    total: int = 0
    capped: bool = False
    page: int = 1
    pages: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _live() -> QuerySet[SearchDocument]:
    live = Coalesce(Subquery(SearchState.objects.filter(pk=1).values("generation")[:1]), 1)
    return SearchDocument.objects.filter(generation=live)


def _fts_expression(terms: Iterable[str]) -> str:
    """An FTS5 query matching every term as a substring (quoted trigram strings)."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms if len(t) >= 3)


def _matching(terms: list[str], *, window: int | None = None) -> Q:
    """Documents whose folded text contains every term.

    SQLite: terms of three characters or more through the FTS5 trigram table (one
    MATCH of quoted strings, i.e. substrings), newest first and, with ``window``, only
    that many of the newest matches; PostgreSQL: LIKE, which the GIN trigram index
    answers. Shorter terms (a two-syllable Korean word, a Thai syllable) cannot be
    trigram-indexed: a plain substring test on the folded text, bounded by the cap on
    results (the newest documents are read first and reading stops at the cap).
    """
    condition = Q()
    short_terms = [t for t in terms if len(t) < 3]
    expression = _fts_expression(terms)
    if expression and connection.vendor == "sqlite":
        sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
        params: list[Any] = [expression]
        if window:
            sql += " ORDER BY rowid DESC LIMIT %s"
            params.append(window)
        condition &= Q(pk__in=RawSQL(sql, params))  # noqa: S611 - constant SQL, bound values
    else:
        for term in terms:
            if len(term) >= 3:
                condition &= Q(folded__contains=term)
    return condition & _substrings(short_terms)


def _substrings(terms: Iterable[str]) -> Q:
    """Every term as a plain substring test (strpos / instr), which no index answers:
    the planner then reads the rows the other conditions (an id range) name."""
    condition = Q()
    for term in terms:
        condition &= Q(GreaterThan(StrIndex("folded", Value(term)), 0))
    return condition


def _window_was_full(terms: list[str], window: int) -> bool:
    """Whether the FTS window held as many matches as it could (so more may exist)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
            "ORDER BY rowid DESC LIMIT %s)",
            [_fts_expression(terms), window],
        )
        return cursor.fetchone()[0] >= window


def _first_matches(user: Any, terms: list[str], columns: tuple[str, ...]) -> list[tuple]:
    """The newest ``CAP + 1`` documents ``user`` may find for ``terms``: the text match
    and the access filter in one query, bringing the columns facets and ranking need.

    On SQLite a very common term matches tens of thousands of documents; reading
    only the newest ``WINDOW`` FTS matches first keeps it fast. When that window was
    full yet left fewer than the cap after the access filter (the newest matches are
    ones the reader may not see, say an import of dossiers), the query runs again
    over a window twice as large, and so on until a window is not full (then it
    held every match). PostgreSQL: ``_first_matches_postgresql``.
    """
    visible = access.search_documents_visible_to(user, _live())
    if connection.vendor == "postgresql":
        return _first_matches_postgresql(visible, terms, columns)
    # The change time only orders rows: left as the database gives it (no conversion).
    changed = ExpressionWrapper(F("updated_at"), output_field=TextField())

    def run(window: int | None) -> list[tuple]:
        matched = visible.filter(_matching(terms, window=window)).annotate(changed=changed)
        return list(matched.order_by("-pk").values_list(*columns)[: CAP + 1])

    if not _fts_expression(terms):  # only one- and two-character terms
        return run(None)
    window = WINDOW
    rows = run(window)
    while len(rows) <= CAP and _window_was_full(terms, window):
        window *= 2
        rows = run(window)
    return rows


def _ids_above(low: int) -> Q:
    """``id > low``, also written as the trigram index's second column (``id / BUCKET``)
    so that PostgreSQL intersects the range with the trigram matches inside the index."""
    # Written out so it matches the index expression exactly (constant SQL, bound value).
    bucket = RawSQL(  # noqa: S611
        f'("search_searchdocument"."id" / {BUCKET}) >= CAST(%s AS bigint)',
        [low // BUCKET],
        output_field=BooleanField(),
    )
    return Q(bucket) & Q(pk__gt=low)


def _first_matches_postgresql(
    visible: QuerySet[SearchDocument], terms: list[str], columns: tuple[str, ...]
) -> list[tuple]:
    """``_first_matches`` on PostgreSQL: the same rows (the newest ``CAP + 1`` visible
    matches), read in steps so that a common term never rechecks every match.

    The GIN trigram index answers ``LIKE`` with candidate rows that PostgreSQL must
    recheck one by one; for a word in every Thai or Khmer document that is some 60 000
    long texts, hundreds of milliseconds, even when only the newest 1000 are wanted
    (a bitmap scan cannot read newest first and stop). So:

    1. The newest ``NEWEST`` ids, walked newest first along the primary key with a
       substring test no index answers (``strpos``): a millisecond or two whatever
       the term.
    2. A term seen there at least ``MIN_SEEN`` times is common here: at that rate the
       rest of the cap lies in the next ``expected`` ids; if that is at most
       ``SCAN_ROWS``, a fifth more are read the same way, stopping at the cap.
    3. Otherwise the trigram index, over the older ids, in the order of the table
       (no sorting), stopping at what is still missing (``PROBE`` times that if step
       1 saw the term at all): for a rare, medium or frequent term that is every
       match, and the newest of them are the answer; a term with more matches stops
       early.
    4. Then ranges of ids below, newest first, through the trigram index with the
       range as its second column (``id / BUCKET``): the index hands over only the
       candidates in the range (and, for a visitor, only public ones: the audience is
       its third column). Each range is sized from the rate of matches seen in the
       last one (a fifth more; the first from step 1), or, after a range with none or
       after step 3, twice the last (``4 * NEWEST`` ids first), until the cap is
       reached or the ids run out. (Every candidate in a range is rechecked before
       sorting, so a range much larger than needed costs time.)

    Each step reads its id range completely or up to what is still missing, so
    together they return exactly what one query ordered by id would. The access
    filter is inside every step: hidden documents are never counted, and a run of
    new documents the reader may not see (an import of dossiers) only makes step 1
    find nothing. Runs in a transaction with JIT compilation off (``SET LOCAL``):
    for a long unspaced pattern the planner's estimate can trigger compiling that
    costs more than the query.
    """
    changed = ExpressionWrapper(F("updated_at"), output_field=TextField())
    scan = _substrings(terms)
    indexed = any(len(term) >= 3 for term in terms)

    def run(
        condition: Q, low: int | None, high: int | None, limit: int, ordered: bool = True
    ) -> list[tuple]:
        matched = visible.filter(condition)
        if low is not None:
            matched = matched.filter(pk__gt=low)
        if high is not None:
            matched = matched.filter(pk__lte=high)
        matched = matched.annotate(changed=changed)
        matched = matched.order_by("-pk") if ordered else matched.order_by()
        return list(matched.values_list(*columns)[:limit])

    def planner(**settings: str) -> None:
        if connection.vendor == "postgresql":  # one round trip (constant SQL)
            cursor.execute(
                "; ".join(f"SET LOCAL {name} = {value}" for name, value in settings.items())
            )

    with transaction.atomic(), connection.cursor() as cursor:
        planner(jit="off")
        ids = SearchDocument.objects.aggregate(top=Max("pk"), bottom=Min("pk"))
        top, bottom = ids["top"] or 0, ids["bottom"] or 0
        high = top - NEWEST
        rows = run(scan, high, None, CAP + 1)  # 1.
        seen = len(rows)
        if seen > CAP or high < bottom:
            return rows
        span = None
        if seen >= MIN_SEEN:
            expected = -(-(CAP + 1 - seen) * NEWEST // seen)  # ids to read at that rate
            span = expected * 6 // 5
            if expected <= SCAN_ROWS or not indexed:  # 2.
                rows += run(scan, high - span, high, CAP + 1 - len(rows))
                high -= span
                span = None
                if len(rows) > CAP or high < bottom:
                    return rows
        if not indexed:  # only one- and two-character terms: no index helps
            return rows + run(scan, None, high, CAP + 1 - len(rows))
        if span is None:  # 3.
            need = CAP + 1 - len(rows)
            # Seen in the newest ids, yet rarely: likely a few thousand matches, all of
            # which this reads. Not seen there: rare, or the newest ids hold none.
            limit = (PROBE if seen else 1) * need
            # The trigram index, not a scan that would have to read up to the end: kept
            # for step 4 too, whose ranges are read through the same index.
            planner(enable_seqscan="off", enable_indexscan="off")
            probe = run(_matching(terms), None, high, limit, ordered=False)
            if len(probe) < limit:  # every match below: the newest of them
                return rows + sorted(probe, key=lambda row: row[0], reverse=True)[:need]
            # More than that: where in the ids is not known (the table's order follows
            # the ids only roughly once rows are deleted and their space reused).
            span = 4 * NEWEST
        while len(rows) <= CAP and high >= bottom:  # 4.
            low = high - span
            found = run(_matching(terms) & _ids_above(low), low, high, CAP + 1 - len(rows))
            rows += found
            # Next: as many ids as the rate just seen says hold the rest (a fifth more),
            # or twice as many as this time if it held none.
            missing = CAP + 1 - len(rows)
            span = -(-6 * missing * span // (5 * len(found))) if found else span * 2
            high = low
    return rows


def _office_labels(ids: Iterable[int]) -> dict[int, str]:
    from ipcoop.people.models import Organisation

    return dict(Organisation.objects.filter(pk__in=list(ids)).values_list("pk", "short_name"))


def search(
    *,
    user: Any,
    query: str,
    kind: str = "",
    office: int | None = None,
    language: str = "",
    year: int | None = None,
    page: int = 1,
    user_language: str = "en",
) -> Results:
    """What ``user`` may find for ``query``, one page of it ranked, with facet counts.

    Ranking: exact title match first, then documents in ``user_language``, then the
    most recently changed. Only the first ``CAP`` matches (newest in the index first)
    are ranked, counted and faceted (``capped`` says there were more). Facet counts
    are over the matches before the facet filters, so every choice stays in sight.
    Reads only: no side effects.
    """
    terms = text.query_terms(query)
    results = Results(query=query, terms=terms)
    if not terms:
        return results
    columns = ("pk", "kind", "office_id", "language", "year", "title_key", "changed")
    rows = _first_matches(user, terms, columns)
    results.capped = len(rows) > CAP
    pool = [dict(zip(columns, row, strict=True)) for row in rows[:CAP]]

    facets: dict[str, list[FacetValue]] = {}
    for name, column in FACETS:
        counts = Counter(row[column] for row in pool if row[column] is not None)
        facets[name] = [
            FacetValue(str(value), str(value), n)
            for value, n in sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        ]
    labels = _office_labels(int(v.value) for v in facets["office"])
    for value in facets["office"]:
        value.label = labels.get(int(value.value), value.value)
    for value in facets["kind"]:
        value.label = str(KINDS[value.value].label) if value.value in KINDS else value.value
    facets["year"].sort(key=lambda v: v.value, reverse=True)
    results.facets = facets

    wanted = {"kind": kind, "office_id": office, "language": language, "year": year}
    chosen = [
        row
        for row in pool
        if all(row[column] == value for column, value in wanted.items() if value)
    ]
    results.total = len(chosen)
    results.pages = max(1, -(-results.total // PAGE_SIZE))
    results.page = min(max(1, page), results.pages)
    start = (results.page - 1) * PAGE_SIZE
    title_key = text.title_key(query)
    # Exact title first, then the reader's language, then the most recently changed.
    chosen.sort(key=lambda row: (row["changed"], row["pk"]), reverse=True)
    chosen.sort(key=lambda row: (row["title_key"] != title_key, row["language"] != user_language))
    on_page = [row["pk"] for row in chosen[start : start + PAGE_SIZE]]
    documents = SearchDocument.objects.defer("folded").in_bulk(on_page)
    for pk in on_page:
        row = documents[pk]
        results.hits.append(
            Hit(
                kind=row.kind,
                object_id=row.object_id,
                kind_label=str(KINDS[row.kind].label) if row.kind in KINDS else row.kind,
                title=text.highlight(row.title, terms),
                snippet=text.highlight(row.body, terms, width=SNIPPET_WIDTH),
                url=row.url,
                office=labels.get(row.office_id or 0, ""),
                language=row.language,
                visibility=row.visibility,
                updated_at=row.updated_at,
            )
        )
    return results
