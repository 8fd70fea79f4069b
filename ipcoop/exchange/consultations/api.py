"""API endpoints of consultations: list, ask, read one, reply.

Only staff of the asking office and of the organisations asked read a consultation;
for anyone else it answers 404 with the same body as a consultation that does not
exist. Every endpoint calls the same access helpers and services as the pages.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import AuthorizationError

from ipcoop import access
from ipcoop.apischema import AUTH_ERRORS, INVALID, NOT_FOUND, ErrorOut, PageParams
from ipcoop.exchange.consultations import services
from ipcoop.exchange.consultations.models import Area, Consultation, Reply
from ipcoop.exchange.consultations.models import Status as CStatus
from ipcoop.people.models import Organisation
from ipcoop.people.services import record_confidential_read

router = Router(tags=["consultations"])


class ReplyOut(Schema):
    id: int
    office: str
    author: str | None
    body: str
    practice_reference: str | None
    useful: bool
    created_at: datetime


class ConsultationOut(Schema):
    id: int
    title: str
    body: str
    area: str
    status: str
    office: str
    asked_by: str | None
    to_all_offices: bool
    offices: list[str]
    due_date: date
    created_at: datetime
    closed_at: datetime | None
    reply_count: int
    awaits_your_reply: bool


class ConsultationDetailOut(ConsultationOut):
    replies: list[ReplyOut]


class ConsultationIn(Schema):
    title: str
    body: str
    area: Area
    due_date: date
    offices: list[str] = []
    office: str | None = None


class ReplyIn(Schema):
    body: str
    practice_reference: str = ""
    office: str | None = None


class ListFilters(PageParams):
    status: CStatus | None = None
    area: Area | None = None
    office: str | None = None


def _reply_out(reply: Reply) -> dict:
    return {
        "id": reply.pk,
        "office": reply.office.slug,
        "author": reply.author.username if reply.author else None,
        "body": reply.body,
        "practice_reference": reply.practice_reference or None,
        "useful": reply.is_useful,
        "created_at": reply.created_at,
    }


def _consultation_out(c: Consultation, ip_office_slugs: list[str] | None = None) -> dict:
    if c.is_to_all_offices:
        if ip_office_slugs is None:
            offices = [o.slug for o in services.addressed_organisations(c)]
        else:
            offices = [s for s in ip_office_slugs if s != c.office.slug]
    else:
        offices = [o.slug for o in c.shared_with.all()]
    return {
        "id": c.pk,
        "title": c.title,
        "body": c.body,
        "area": c.area,
        "status": c.status,
        "office": c.office.slug,
        "asked_by": c.asked_by.username if c.asked_by else None,
        "to_all_offices": c.is_to_all_offices,
        "offices": offices,
        "due_date": c.due_date,
        "created_at": c.created_at,
        "closed_at": c.closed_at,
        "reply_count": c.reply_count,
        "awaits_your_reply": c.awaits_you,
    }


def _facts(request: HttpRequest):
    visible = access.consultations_visible_to(request.auth, Consultation.objects.all())
    return (
        services.with_list_facts(visible, request.auth)
        .select_related("office", "asked_by")
        .prefetch_related("shared_with")
    )


def _organisation(slug: str, field: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise ValidationError(
            {field: f"No organisation has the slug {slug!r}: see /api/v1/offices."}
        )
    return organisation


@router.get(
    "",
    response={200: list[ConsultationOut], **AUTH_ERRORS, **INVALID},
    summary="Consultations",
)
def list_consultations(request: HttpRequest, filters: Query[ListFilters]):
    """The consultations you may read, newest first: those your office asked and those
    addressed to it. Filter by `status` (open, answered, closed), `area` and `office`
    (slug of the asking office); page with `limit` (at most 500) and `offset`.

    401 when not signed in; 200 with an empty list when you hold no office role.
    """
    consultations = _facts(request)
    if filters.status:
        consultations = consultations.filter(status=filters.status)
    if filters.area:
        consultations = consultations.filter(area=filters.area)
    if filters.office:
        consultations = consultations.filter(office__slug=filters.office)
    ip_offices = list(Organisation.objects.filter(kind="ip_office").values_list("slug", flat=True))
    return [_consultation_out(c, ip_offices) for c in filters.page(consultations)]


@router.post(
    "",
    response={201: ConsultationDetailOut, **AUTH_ERRORS, **INVALID},
    summary="Ask a consultation",
)
def ask_consultation(request: HttpRequest, payload: ConsultationIn):
    """Ask a question. `offices`: slugs of the organisations asked, or empty to ask every
    IP office. `office`: the asking office, needed only when you may ask for several.

    201 with the consultation; 403 unless you are a policy officer or office admin of an
    IP office (or the ASEAN Secretariat); 422 when a field is not valid (e.g. a due date
    in the past, an unknown office slug).
    """
    asking = list(access.consultation_asking_organisations(request.auth))
    if not asking:
        raise AuthorizationError(
            "Only policy officers and office admins of an IP office may ask a consultation."
        )
    if payload.office is None:
        if len(asking) > 1:
            raise ValidationError({"office": "Say which office asks: you may ask for several."})
        office = asking[0]
    else:
        office = next((o for o in asking if o.slug == payload.office), None)
        if office is None:
            raise ValidationError({"office": "You may not ask for that office."})
    to_offices = [_organisation(slug, "offices") for slug in payload.offices]
    consultation = services.ask_consultation(
        by=request.auth,
        office=office,
        title=payload.title,
        body=payload.body,
        area=payload.area,
        due_date=payload.due_date,
        to_offices=to_offices,
    )
    return Status(201, _detail(_get(request, consultation.pk)))


def _get(request: HttpRequest, pk: int) -> Consultation:
    """A consultation the caller may read, with the list facts; else the one 404."""
    return access.get_consultation_or_404(request.auth, _facts(request), pk=pk)


def _detail(consultation: Consultation) -> dict:
    out = _consultation_out(consultation)
    replies = consultation.replies.select_related("office", "author")
    out["replies"] = [_reply_out(r) for r in replies]
    return out


@router.get(
    "/{consultation_id}",
    response={200: ConsultationDetailOut, **AUTH_ERRORS, **NOT_FOUND},
    summary="One consultation",
)
def get_consultation(request: HttpRequest, consultation_id: int):
    """A consultation with its replies, oldest first. The read is written to the audit log.

    404 (the same body as for a consultation that does not exist) when you may not read it.
    """
    consultation = _get(request, consultation_id)
    record_confidential_read(user=request.auth, item=consultation, request=request)
    return _detail(consultation)


@router.post(
    "/{consultation_id}/replies",
    response={201: ReplyOut, 409: ErrorOut, **AUTH_ERRORS, **NOT_FOUND, **INVALID},
    summary="Reply to a consultation",
)
def reply(request: HttpRequest, consultation_id: int, payload: ReplyIn):
    """Reply for your office. `office` (slug) is needed only when you are staff of several
    offices asked. `practice_reference`: optional path of a practice position
    (starting with /practice/).

    201 with the reply; 404 when you may not read the consultation (same body as
    missing); 409 (code `closed`) when it is closed; 422 when a field is not valid.
    """
    consultation = access.get_consultation_or_404(
        request.auth, Consultation.objects.all(), pk=consultation_id
    )
    office = _organisation(payload.office, "office") if payload.office else None
    try:
        made = services.reply_to_consultation(
            by=request.auth,
            consultation=consultation,
            body=payload.body,
            office=office,
            practice_reference=payload.practice_reference,
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "closed":
            return Status(409, {"code": "closed", "message": error.messages[0], "errors": []})
        raise
    made = Reply.objects.select_related("office", "author").get(pk=made.pk)
    return Status(201, _reply_out(made))
