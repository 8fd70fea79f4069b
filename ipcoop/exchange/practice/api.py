"""API endpoints of examination practice: questions, the matrix, a position's history, and
saving a position. They call the same access helpers and services as the pages.

Reading needs no sign-in: anonymous callers see public positions; signed-in callers
(session or token) see what their roles allow. A bad token is refused (401).
Editing a position is for the owning office's policy officers and office admins;
for anyone else the office answers 404, as if it did not exist (access module:
``get_practice_office_for_editing_or_404``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from ipcoop import access
from ipcoop.apischema import (
    AUTH_ERRORS,
    INVALID,
    NOT_FOUND,
    SESSION_TOKEN_OR_ANONYMOUS,
    ErrorOut,
)
from ipcoop.exchange.practice import services
from ipcoop.exchange.practice.models import Area, OfficePosition, Right

router = Router(tags=["practice"])


CONFLICT = {409: ErrorOut}


class QuestionOut(Schema):
    slug: str
    question: str
    area: str
    right: str
    ipc_symbols: list[str]
    nice_classes: list[int]
    explanation: str


class QuestionFilters(Schema):
    area: Area | None = None
    right: Right | None = None


class CellOut(Schema):
    office_code: str | None
    office_slug: str
    office: str
    status: str  # "reported" or "not_reported"
    position_id: int | None = None
    answer: str | None = None
    summary: str | None = None
    legal_basis: str | None = None
    source_url: str | None = None
    source_title: str | None = None
    effective_date: date | None = None
    visibility: str | None = None
    version: int | None = None
    updated_at: datetime | None = None
    entered_by: str | None = None
    changed: bool = False


class MatrixRowOut(Schema):
    question: QuestionOut
    differs: bool
    positions: list[CellOut]


class MatrixOut(Schema):
    offices: list[str]
    since: date | None
    rows: list[MatrixRowOut]


class MatrixFilters(Schema):
    offices: str = ""
    area: Area | None = None
    right: Right | None = None
    since: date | None = None


class VersionOut(Schema):
    version: int
    answer: str
    summary: str
    legal_basis: str
    source_url: str
    source_title: str
    effective_date: date | None
    visibility: str
    entered_by: str | None
    entered_at: datetime


class HistoryOut(Schema):
    position_id: int
    question_slug: str
    office_slug: str
    versions: list[VersionOut]


class PositionIn(Schema):
    base_version: int
    answer: str
    summary: str
    source_title: str
    legal_basis: str = ""
    source_url: str = ""
    effective_date: date | None = None
    visibility: str = "offices"


def _cell(office: Any, position: OfficePosition | None, changed: bool = False) -> dict:
    out: dict[str, Any] = {
        "office_code": office.code or None,
        "office_slug": office.slug,
        "office": office.short_name,
        "status": "reported" if position else "not_reported",
        "changed": changed,
    }
    if position is not None:
        out.update(
            position_id=position.pk,
            answer=position.answer,
            summary=position.summary,
            legal_basis=position.legal_basis,
            source_url=position.source_url,
            source_title=position.source_title,
            effective_date=position.effective_date,
            visibility=position.visibility,
            version=position.version,
            updated_at=position.updated_at,
            entered_by=position.entered_by.username if position.entered_by else None,
        )
    return out


@router.get(
    "/questions",
    response={200: list[QuestionOut], **AUTH_ERRORS, **INVALID},
    auth=SESSION_TOKEN_OR_ANONYMOUS,
    summary="Practice questions",
)
def list_questions(request: HttpRequest, filters: Query[QuestionFilters]):
    """Every practice question, optionally of one technology `area` and one IP `right`."""
    return services.questions_filtered(area=filters.area or "", right=filters.right or "")


@router.get(
    "/matrix",
    response={200: MatrixOut, **AUTH_ERRORS, **INVALID},
    auth=SESSION_TOKEN_OR_ANONYMOUS,
    summary="Positions by question and office",
)
def matrix(request: HttpRequest, filters: Query[MatrixFilters]):
    """Each question with each chosen office's current position.

    `offices`: comma-separated ST.3 codes or office slugs (`KR,SG`; `KH` means both
    Cambodian offices); all offices when empty. A position the caller may not see
    answers `"status": "not_reported"`, like one that does not exist. `since` marks
    positions saved on or after that date (`changed`). Not audited per cell.
    """
    offices = services.resolve_offices(filters.offices.split(","))
    table = services.build_matrix(
        user=request.auth,
        questions=services.questions_filtered(area=filters.area or "", right=filters.right or ""),
        offices=offices,
        since=filters.since,
    )
    return {
        "offices": [o.slug for o in table.offices],
        "since": table.since,
        "rows": [
            {
                "question": row.question,
                "differs": row.differs,
                "positions": [_cell(c.office, c.position, c.changed) for c in row.cells],
            }
            for row in table.rows
        ],
    }


@router.get(
    "/positions/{position_id}/history",
    response={200: HistoryOut, **AUTH_ERRORS, **NOT_FOUND},
    auth=SESSION_TOKEN_OR_ANONYMOUS,
    summary="Every version of a position",
)
def position_history(request: HttpRequest, position_id: int):
    """All saved versions of a position, newest first, with who saved each and when.

    A position the caller may not see is not found. Reading a non-public position is
    recorded in the audit log.
    """
    position = access.get_visible_or_404(
        request.auth,
        OfficePosition.objects.select_related("question", "office"),
        pk=position_id,
    )
    services.read_position(user=request.auth, position=position, request=request)
    versions = position.versions.select_related("entered_by").order_by("-version")
    return {
        "position_id": position.pk,
        "question_slug": position.question.slug,
        "office_slug": position.office.slug,
        "versions": [
            {
                "version": v.version,
                "answer": v.answer,
                "summary": v.summary,
                "legal_basis": v.legal_basis,
                "source_url": v.source_url,
                "source_title": v.source_title,
                "effective_date": v.effective_date,
                "visibility": v.visibility,
                "entered_by": v.entered_by.username if v.entered_by else None,
                "entered_at": v.created_at,
            }
            for v in versions
        ],
    }


@router.put(
    "/positions/{question_slug}/{office_slug}",
    response={200: CellOut, 201: CellOut, **AUTH_ERRORS, **NOT_FOUND, **CONFLICT, **INVALID},
    summary="Save an office's position",
)
def save_position(request: HttpRequest, question_slug: str, office_slug: str, payload: PositionIn):
    """Save a new version of the office's position on the question.

    `base_version` is the version your edit started from (0 when the office has no
    position yet). 201: the first version was created; 200: a new version was saved
    (or nothing changed, and no version was added). 409 (`code: "conflict"`): someone
    saved after `base_version`; fetch their version, apply your change again. 404:
    the question or office does not exist, or you are not a policy officer or admin
    of that office. 422: a field is not valid (`errors` names each).
    """
    office = access.get_practice_office_for_editing_or_404(request.auth, office_slug)
    question = services.get_question_or_404(question_slug)
    try:
        position, written = services.save_position(
            by=request.auth,
            question=question,
            office=office,
            **payload.dict(),
        )
    except services.PositionChanged as error:
        return Status(
            409,
            {
                "code": "conflict",
                "message": str(error),
                "errors": [
                    {
                        "field": "base_version",
                        "message": f"The current version is {error.current.version}.",
                    }
                ],
            },
        )
    status = 201 if written and position.version == 1 else 200
    return Status(status, _cell(office, position))
