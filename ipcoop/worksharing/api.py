"""API of examination work-sharing, for office systems.

Field names are the snake_case forms of WIPO ST.96 / ST.9 vocabulary (each schema field
says which): ``application_number`` (ST.96 ApplicationNumberText, INID 21),
``filing_date`` (FilingDate, INID 22), ``invention_title`` (InventionTitle, INID 54),
``applicant_name`` (ApplicantName, INID 71), ``ipc_symbols`` (PatentClassification IPC,
INID 51), ``priority_claims`` (PriorityClaim: INID 31 number, 32 date, 33 country).
Dates are ISO 8601. Anything you may not read answers 404 like something missing.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthorizationError

from ipcoop import access
from ipcoop.apischema import AUTH_ERRORS, INVALID, NOT_FOUND
from ipcoop.lib.uploads import download_response
from ipcoop.worksharing import services
from ipcoop.worksharing.models import Application, ShareRequest, WorkProduct, WorkProductDocument

router = Router(tags=["worksharing"])


class PriorityClaimIO(Schema):
    country_code: str = Field(description="ST.96 PriorityClaim/IPOfficeCode (INID 33), WIPO ST.3.")
    application_number: str = Field(description="ST.96 ApplicationNumberText (INID 31).")
    filing_date: dt.date = Field(description="ST.96 FilingDate of the priority (INID 32).")


class ApplicationIn(Schema):
    office: str = Field(description="Slug of the IP office, e.g. kr-kipo (ST.96 IPOfficeCode).")
    application_number: str = Field(
        description="ST.96 ApplicationNumberText (INID 21), in the office's own form."
    )
    filing_date: dt.date = Field(description="ST.96 FilingDate (INID 22), not in the future.")
    invention_title: str = Field(description="ST.96 InventionTitle (INID 54).")
    applicant_name: str = Field("", description="ST.96 ApplicantName (INID 71).")
    applicant_withheld: bool = Field(False, description="When true the applicant is never shown.")
    ipc_symbols: list[str] = Field([], description="ST.96 PatentClassification, IPC (INID 51).")
    priority_claims: list[PriorityClaimIO] = Field([], description="ST.96 PriorityClaimBag.")
    pct_application_number: str = Field("", description="ST.96 PCTApplicationNumber.")
    pct_publication_number: str = Field("", description="ST.96 PCTPublicationNumber.")
    status: str = "pending"
    visibility: str = Field("offices", description="offices, selected or own.")
    shared_with: list[str] = Field([], description="Office slugs, for visibility 'selected'.")


class ApplicationOut(Schema):
    id: int
    office: str
    office_code: str
    application_number: str
    application_number_normalised: str
    filing_date: dt.date
    invention_title: str
    applicant_name: str | None
    ipc_symbols: list[str]
    technology_area: str
    priority_claims: list[PriorityClaimIO]
    pct_application_number: str
    pct_publication_number: str
    status: str
    visibility: str
    family_id: int | None


class CitationIO(Schema):
    document_number: str = Field(
        "", description="ST.96 PatentCitation number, e.g. US 2020/0123456."
    )
    kind_code: str = Field("", description="WIPO ST.16 kind code, e.g. A1.")
    npl_text: str = Field("", description="ST.96 NPLCitation text, when not a patent document.")
    category: str = Field(description="WIPO ST.14 category: X Y A P E D L O T &.")
    claims: str = ""
    passages: str = ""


class WorkProductIn(Schema):
    kind: str = Field(
        description="search_report, written_opinion, office_action or final_decision."
    )
    date: dt.date
    summary: str = ""
    action_type: str = ""
    outcome: str = ""
    claims_objected: str = ""
    grounds: str = ""
    decision: str = Field("", description="For a final decision: granted, refused or withdrawn.")
    granted_claims: str = ""
    citations: list[CitationIO] = []


class DocumentOut(Schema):
    id: int
    name: str = Field(description="The file name, cleaned; always ends in .pdf.")
    content_type: str = Field(description="Checked from the content: application/pdf.")
    size: int = Field(description="Bytes.")
    created_at: dt.datetime
    download_url: str = Field(
        description="GET it with the same authentication: the PDF, as an attachment."
    )
    page_download_url: str = Field(description="The same file for a signed-in browser.")


class WorkProductOut(WorkProductIn):
    id: int
    application_id: int
    examiner_office: str
    documents: list[DocumentOut] = []


class MergedCitationOut(Schema):
    document: str
    kind_codes: list[str]
    cited_by: list[dict]
    not_cited_by: list[str]


class FamilyOut(Schema):
    id: int
    members: list[ApplicationOut]
    work_products: list[WorkProductOut]
    merged_citations: list[MergedCitationOut]


class FamilyRef(Schema):
    id: int
    members: list[ApplicationOut]


class RequestIn(Schema):
    application_id: int = Field(description="Your office's application in the family.")
    to_office: str = Field(description="Slug of the office asked.")
    due_date: dt.date
    message: str = ""


class RequestOut(Schema):
    id: int
    application_id: int
    family_id: int | None
    requesting_office: str
    to_office: str
    status: str
    due_date: dt.date
    message: str
    reason: str


class AnswerIn(Schema):
    share: bool
    reason: str = ""


def application_out(a: Application) -> dict:
    return {
        "id": a.pk,
        "office": a.office.slug,
        "office_code": a.office.code,
        "application_number": a.number,
        "application_number_normalised": a.number_normalised,
        "filing_date": a.filing_date,
        "invention_title": a.title,
        "applicant_name": a.shown_applicant or None,
        "ipc_symbols": a.ipc_symbols,
        "technology_area": a.technology_area,
        "priority_claims": [
            {"country_code": p.country, "application_number": p.number, "filing_date": p.date}
            for p in a.priorities.all()
        ],
        "pct_application_number": a.pct_application_number,
        "pct_publication_number": a.pct_publication_number,
        "status": a.status,
        "visibility": a.visibility,
        "family_id": a.family_id,
    }


def document_out(d: WorkProductDocument) -> dict:
    return {
        "id": d.pk,
        "name": d.original_name,
        "content_type": d.content_type,
        "size": d.size,
        "created_at": d.created_at,
        "download_url": reverse("api:worksharing_document_file", args=[d.pk]),
        "page_download_url": d.get_absolute_url(),
    }


def work_product_out(p: WorkProduct) -> dict:
    return {
        "id": p.pk,
        "application_id": p.application_id,
        "examiner_office": p.examiner_office.slug,
        "kind": p.kind,
        "date": p.date,
        "summary": p.summary,
        "action_type": p.action_type,
        "outcome": p.outcome,
        "claims_objected": p.claims_objected,
        "grounds": p.grounds,
        "decision": p.decision,
        "granted_claims": p.granted_claims,
        "citations": [
            {
                "document_number": c.document_number,
                "kind_code": c.kind_code,
                "npl_text": c.npl_text,
                "category": c.category,
                "claims": c.claims,
                "passages": c.passages,
            }
            for c in p.citations.all()
        ],
        "documents": [document_out(d) for d in p.documents.all()],
    }


def request_out(r: ShareRequest) -> dict:
    return {
        "id": r.pk,
        "application_id": r.application_id,
        "family_id": r.application.family_id,
        "requesting_office": r.requesting_office.slug,
        "to_office": r.to_office.slug,
        "status": r.status,
        "due_date": r.due_date,
        "message": r.message,
        "reason": r.reason,
    }


def _office(slug: str, field: str):
    office = services.ip_offices().filter(slug=slug).first()
    if office is None:
        raise ValidationError({field: f"No IP office has the slug {slug!r}: see /api/v1/offices."})
    return office


def _applications():
    return Application.objects.select_related("office").prefetch_related("priorities")


class ListParams(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)
    office: str | None = None


@router.get("/applications", response={200: list[ApplicationOut], **AUTH_ERRORS, **INVALID})
def list_applications(request: HttpRequest, params: Query[ListParams]):
    """Applications you may read, newest filing first; page with `limit` (1–500) and
    `offset`; filter by `office` slug. The read is written to the audit log."""
    apps = access.applications_visible_to(request.auth, _applications()).order_by(
        "-filing_date", "-pk"
    )
    if params.office:
        apps = apps.filter(office__slug=params.office)
    page = list(apps[params.offset : params.offset + params.limit])
    services.record_worksharing_read(
        user=request.auth, request=request, applications=page, what="api applications"
    )
    return [application_out(a) for a in page]


@router.post(
    "/applications",
    response={200: ApplicationOut, 201: ApplicationOut, **AUTH_ERRORS, **INVALID},
)
def save_application(request: HttpRequest, payload: ApplicationIn):
    """Create (201) or update (200) the application of `office` with
    `application_number` (in any written form): sending the same record again changes
    nothing. 403 unless you are an examiner or office admin of that office; 422 with
    field errors for a malformed number, IPC symbol, priority or a future date."""
    office = _office(payload.office, "office")
    if not access.can_write_worksharing(request.auth, office):
        raise AuthorizationError(
            "Only examiners and office admins of the office record its dossiers."
        )
    application, created = services.save_application(
        by=request.auth,
        office=office,
        number=payload.application_number,
        filing_date=payload.filing_date,
        title=payload.invention_title,
        applicant=payload.applicant_name,
        applicant_withheld=payload.applicant_withheld,
        ipc_symbols=payload.ipc_symbols,
        priorities=[
            {"country": p.country_code, "number": p.application_number, "date": p.filing_date}
            for p in payload.priority_claims
        ],
        pct_application_number=payload.pct_application_number,
        pct_publication_number=payload.pct_publication_number,
        status=payload.status,
        visibility=payload.visibility,
        shared_with=[_office(s, "shared_with") for s in payload.shared_with],
    )
    body = application_out(_applications().get(pk=application.pk))
    return Status(201, body) if created else body


@router.post(
    "/applications/{application_id}/work-products",
    response={201: WorkProductOut, **AUTH_ERRORS, **NOT_FOUND, **INVALID},
)
def add_work_product(request: HttpRequest, application_id: int, payload: WorkProductIn):
    """Attach a search report, written opinion, office action or final decision to one
    of your office's applications. Citations: a patent document number (with an ST.16
    kind code) or non-patent literature, and an ST.14 category. Watchers of the family
    are notified. 404 when you may not read the application; 403 when it is not your
    office's."""
    application = access.get_application_or_404(
        request.auth, Application.objects.all(), pk=application_id
    )
    if not access.can_write_worksharing(request.auth, application.office_id):
        raise AuthorizationError(
            "Only examiners and office admins of the office add its work products."
        )
    data = payload.dict()
    product = services.add_work_product(by=request.auth, application=application, **data)
    product = (
        WorkProduct.objects.select_related("examiner_office")
        .prefetch_related("citations", "documents")
        .get(pk=product.pk)
    )
    return Status(201, work_product_out(product))


@router.get("/families", response={200: list[FamilyRef], **AUTH_ERRORS})
def find_families(request: HttpRequest, number: str):
    """Families with a member whose application, priority or PCT number is `number`,
    written in any common form (`KR 10-2023-0012345`, `KR1020230012345`,
    `10-2023-0012345`). Only members you may read are listed."""
    ids = services.lookup_family_ids(request.auth, number)[:20]
    out = []
    read = []
    for family_id in ids:
        members = services.family_members(request.auth, family_id)
        read.extend(members)
        out.append({"id": family_id, "members": [application_out(m) for m in members]})
    services.record_worksharing_read(
        user=request.auth, request=request, applications=read, what="api lookup"
    )
    return out


@router.get("/families/{family_id}", response={200: FamilyOut, **AUTH_ERRORS, **NOT_FOUND})
def get_family(request: HttpRequest, family_id: int):
    """A family's members you may read, their work products and the merged citations
    (each document once, with the offices that cited it; `not_cited_by` lists offices
    that searched the family but did not cite a document another office cited as X)."""
    members = services.family_members(request.auth, family_id)
    if not members:
        raise Http404
    products = services.family_work_products(members)
    merged = services.merge_citations(products)
    services.record_worksharing_read(
        user=request.auth, request=request, applications=members, what="api family"
    )
    return {
        "id": family_id,
        "members": [application_out(m) for m in members],
        "work_products": [work_product_out(p) for p in products],
        "merged_citations": [
            {
                "document": m.label,
                "kind_codes": sorted(m.kind_codes),
                "cited_by": [
                    {"office": office, "categories": cats, "claims": claims}
                    for office, cats, claims in m.rows()
                ],
                "not_cited_by": m.not_cited_by,
            }
            for m in merged
        ],
    }


def _requests(request: HttpRequest):
    return access.share_requests_visible_to(
        request.auth,
        ShareRequest.objects.select_related("application", "requesting_office", "to_office"),
    )


@router.post("/requests", response={201: RequestOut, **AUTH_ERRORS, **NOT_FOUND, **INVALID})
def make_request(request: HttpRequest, payload: RequestIn):
    """Ask another office (`to_office` slug) for its results on the applications of the
    family of your office's application `application_id`. 201 with the open request."""
    application = access.get_application_or_404(
        request.auth, Application.objects.all(), pk=payload.application_id
    )
    if not access.can_write_worksharing(request.auth, application.office_id):
        raise AuthorizationError(
            "Only examiners and office admins of the office make its requests."
        )
    made = services.request_results(
        by=request.auth,
        application=application,
        to_office=_office(payload.to_office, "to_office"),
        due_date=payload.due_date,
        message=payload.message,
    )
    return Status(201, request_out(_requests(request).get(pk=made.pk)))


class RequestFilter(Schema):
    status: str | None = None


@router.get("/requests", response={200: list[RequestOut], **AUTH_ERRORS})
def list_requests(request: HttpRequest, filters: Query[RequestFilter]):
    """Requests your office made or was asked; filter by `status` (open, shared, declined)."""
    rows = _requests(request)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return [request_out(r) for r in rows[:500]]


@router.post(
    "/requests/{request_id}/answer",
    response={200: RequestOut, **AUTH_ERRORS, **NOT_FOUND, **INVALID},
)
def answer_request(request: HttpRequest, request_id: int, payload: AnswerIn):
    """The office asked shares (`share: true`) or declines with a `reason`."""
    share_request = access.get_share_request_or_404(
        request.auth, ShareRequest.objects.all(), pk=request_id
    )
    if not access.can_write_worksharing(request.auth, share_request.to_office_id):
        raise AuthorizationError("Only examiners and office admins of the office asked answer.")
    services.answer_request(
        by=request.auth, share_request=share_request, share=payload.share, reason=payload.reason
    )
    return request_out(_requests(request).get(pk=request_id))


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, **AUTH_ERRORS, **NOT_FOUND},
    summary="A work product's document",
)
def get_document(request: HttpRequest, document_id: int):
    """What is known of a work product's PDF. 404 (same body as a missing one) when you
    may not read its application."""
    found = access.get_worksharing_document_or_404(
        request.auth, WorkProductDocument.objects.all(), pk=document_id
    )
    return document_out(found)


@router.get(
    "/documents/{document_id}/file",
    response={200: None, **AUTH_ERRORS, **NOT_FOUND},
    url_name="worksharing_document_file",
    summary="Download a work product's document",
)
def download_document(request: HttpRequest, document_id: int):
    """The PDF itself, as an attachment (`application/pdf`, nosniff). The read is written
    to the audit log. 404 (same body as a missing one) when you may not read it."""
    found = access.get_worksharing_document_or_404(
        request.auth,
        WorkProductDocument.objects.select_related("work_product__application"),
        pk=document_id,
    )
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.record_worksharing_read(
        user=request.auth,
        request=request,
        applications=[found.work_product.application],
        what="api work product document",
    )
    return download_response(handle, content_type=found.content_type, name=found.original_name)
