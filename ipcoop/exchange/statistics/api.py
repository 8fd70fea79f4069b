"""API endpoints of statistics: read the figures you may see, enter your office's figures.

Both call the same services as the pages: ``services.figures_visible_to`` and
``services.save_figures``.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthorizationError

from ipcoop import access
from ipcoop.apischema import AUTH_ERRORS, INVALID, SESSION_TOKEN_OR_ANONYMOUS
from ipcoop.exchange.statistics import services
from ipcoop.exchange.statistics.models import Figure, Measure, Right, TechArea
from ipcoop.people.models import Organisation

router = Router(tags=["statistics"])


class FigureOut(Schema):
    office: str = Field(description="Slug of the office, as in /api/v1/offices.")
    office_code: str
    year: int
    measure: str
    right_or_area: str
    value: int
    source: str
    source_url: str
    visibility: str
    updated_at: datetime

    @staticmethod
    def resolve_office(obj: Figure) -> str:
        return obj.office.slug

    @staticmethod
    def resolve_office_code(obj: Figure) -> str:
        return obj.office.code


class FigureFilters(Schema):
    office: str | None = Field(None, description="Office slug, e.g. kr-kipo.")
    year: int | None = Field(None, description="One year.")
    year_from: int | None = Field(None, description="First year of a range.")
    year_to: int | None = Field(None, description="Last year of a range.")
    measure: Measure | None = None
    right_or_area: Right | TechArea | None = None


class FigureIn(Schema):
    year: int
    measure: str = Field(description="applications, registrations or 4ir_filings.")
    right_or_area: str = Field(
        description="patent, utility_model, trademark or design; for 4ir_filings: "
        "ai, blockchain or metaverse."
    )
    value: int = Field(description="A whole number of 0 or more.")
    source: str = Field(description="Where the number comes from, e.g. 'DGIP annual report 2024'.")
    source_url: str = ""
    visibility: str = Field("offices", description="offices (default) or public.")


class FiguresIn(Schema):
    office: str = Field(description="Slug of your office, e.g. kr-kipo.")
    figures: list[FigureIn]


class SavedOut(Schema):
    created: int
    updated: int


def _office_or_invalid(slug: str, field: str = "office") -> Organisation:
    office = access.statistics_offices().filter(slug=slug).first()
    if office is None:
        raise ValidationError(
            {field: f"Unknown office '{slug}': use a slug of an IP office from /api/v1/offices."}
        )
    return office


@router.get(
    "",
    response={200: list[FigureOut], **AUTH_ERRORS, **INVALID},
    auth=SESSION_TOKEN_OR_ANONYMOUS,
    summary="List figures",
)
def list_figures(request: HttpRequest, filters: Query[FigureFilters]):
    """The yearly figures you may see, newest year first.

    Without credentials: public figures only. Staff of any cooperating office also
    see the figures offices share with each other. Statuses: 200 the figures;
    401 a token was sent but is wrong or revoked; 403 not used for reading;
    422 a filter is not valid (e.g. an unknown office or measure).
    """
    office = _office_or_invalid(filters.office) if filters.office else None
    year_from, year_to = filters.year_from, filters.year_to
    if filters.year is not None:
        year_from = year_to = filters.year
    figures = list(
        services.filter_figures(
            services.figures_visible_to(request.auth),
            office=office,
            measure=filters.measure,
            right_or_area=filters.right_or_area,
            year_from=year_from,
            year_to=year_to,
        )
        .select_related("office")
        .order_by("office__position", "-year", "measure", "right_or_area")
    )
    services.record_figures_read(
        user=request.auth, figures=figures, what="statistics API", request=request
    )
    return figures


@router.post(
    "",
    response={201: SavedOut, **AUTH_ERRORS, **INVALID},
    summary="Enter figures",
)
def save_figures(request: HttpRequest, payload: FiguresIn):
    """Enter figures of one office, all or none.

    A figure for a year, measure and right or area that exists already is replaced.
    Statuses: 201 every figure saved (counts of new and replaced ones); 401 not
    signed in; 403 you are not a policy officer or office admin of that office;
    422 nothing saved: `errors` names each bad field as `figures.<index>.<field>`
    (index from 0), or `office` for an unknown office.
    """
    office = _office_or_invalid(payload.office)
    if not access.can_enter_figures(request.auth, office):
        raise AuthorizationError(
            message=f"Only policy officers and office admins of {office.short_name} "
            "may enter its figures."
        )
    rows = [item.model_dump() for item in payload.figures]
    try:
        result = services.save_figures(by=request.auth, office=office, rows=rows, request=request)
    except services.InvalidFigures as error:
        errors = [
            {
                "field": f"figures.{p.row}.{p.field}"
                if p.field != "__all__"
                else f"figures.{p.row}",
                "message": p.message,
            }
            for p in error.problems
        ]
        return Status(
            422,
            {
                "code": "invalid",
                "message": "Nothing was saved: some figures are not valid; see errors.",
                "errors": errors,
            },
        )
    return Status(201, {"created": result.created, "updated": result.updated})
