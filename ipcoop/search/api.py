"""GET /api/v1/search: the same search as the page, as JSON.

No sign-in needed: anonymous callers find public items only; a session or a
personal token finds what the caller's roles allow. A wrong token is refused (401).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from ipcoop import ratelimit
from ipcoop.apischema import AUTH_ERRORS, INVALID, SESSION_TOKEN_OR_ANONYMOUS
from ipcoop.search import services
from ipcoop.search.kinds import KINDS

router = Router(tags=["search"])


class SearchFilters(Schema):
    q: str = Field(..., min_length=1, max_length=200, description="The words to find.")
    kind: str = Field("", description="One of: " + ", ".join(KINDS))
    office: int | None = Field(None, ge=1, description="Organisation id (see /offices).")
    lang: str = Field("", description="Language code of the documents, e.g. th, ko, vi.")
    year: int | None = Field(None, ge=1900, le=2999)
    page: int = Field(1, ge=1, le=10_000)


class HitOut(Schema):
    kind: str
    object_id: int
    title: str = Field(description="HTML: escaped text, matches in <mark>.")
    snippet: str = Field(description="HTML: escaped text, matches in <mark>.")
    url: str
    office: str
    language: str
    visibility: str
    updated_at: datetime


class FacetOut(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    query: str
    total: int = Field(description="Matches counted (at most 1000; see more_than_cap).")
    more_than_cap: bool
    page: int
    pages: int
    results: list[HitOut]
    facets: dict[str, list[FacetOut]]


@router.get(
    "",
    response={200: SearchOut, **AUTH_ERRORS, **INVALID},
    auth=SESSION_TOKEN_OR_ANONYMOUS,
    summary="Search",
)
def search(request: HttpRequest, filters: Query[SearchFilters]):
    """Search Academy courses, practice questions and positions, policy updates,
    consultations, meetings, cooperation proposals and work-sharing dossiers (these for
    examiners, policy officers and office admins of IP offices only).

    Only what the caller may read is found, counted and faceted. Ranking: exact title
    first, then the caller's language (Accept-Language / language cookie), then the
    most recent. Statuses: 200 results (possibly none); 401 a token was sent but is
    wrong or revoked; 403 not used; 422 a parameter is not valid (unknown kind or
    language, page out of range, empty q); 429 too many searches from one address.
    """
    from ninja.errors import ValidationError

    ratelimit.check("search", ratelimit.by_address(request))

    errors = []
    if filters.kind and filters.kind not in KINDS:
        errors.append({"loc": ["query", "kind"], "msg": "Use one of: " + ", ".join(KINDS)})
    if filters.lang and filters.lang not in dict(settings.LANGUAGES):
        errors.append({"loc": ["query", "lang"], "msg": "Use a language code of the platform."})
    if errors:
        raise ValidationError(errors)
    found = services.search(
        user=request.auth,
        query=filters.q,
        kind=filters.kind,
        office=filters.office,
        language=filters.lang,
        year=filters.year,
        page=filters.page,
        user_language=getattr(request, "LANGUAGE_CODE", "en"),
    )
    return {
        "query": found.query,
        "total": found.total,
        "more_than_cap": found.capped,
        "page": found.page,
        "pages": found.pages,
        "results": [
            {
                "kind": hit.kind,
                "object_id": hit.object_id,
                "title": str(hit.title),
                "snippet": str(hit.snippet),
                "url": hit.url,
                "office": hit.office,
                "language": hit.language,
                "visibility": hit.visibility,
                "updated_at": hit.updated_at,
            }
            for hit in found.hits
        ],
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in found.facets.items()
        },
    }
