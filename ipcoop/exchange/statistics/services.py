"""What can happen to statistics: figures are checked, entered and read.

The entry form, the CSV/XLSX import and the API all call ``save_figures``: every
row is checked with the same rules, every problem is reported (with the row it
is in), and nothing is written unless every row is good.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.access import Visibility
from ipcoop.exchange.statistics.models import (
    FIGURE_VISIBILITIES,
    FIRST_YEAR,
    SUBJECTS,
    Figure,
    Measure,
)
from ipcoop.people.models import AuditAction, Organisation, User
from ipcoop.people.services import record_event

# The fields of one figure, in the order files and the API use them.
REQUIRED_FIELDS = ("year", "measure", "right_or_area", "value", "source")
OPTIONAL_FIELDS = ("source_url", "visibility")
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
# Columns of the CSV export that an import accepts too, so an exported file goes back in.
# "office", when given, must name the office the figures are entered for; the others are ignored.
EXPORT_ONLY_FIELDS = ("office", "office_code", "updated_at")

# At most this many figures in one import or API call.
MAX_FIGURES = 2000


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one row: ``row`` is its position (0 = first) in the list given."""

    row: int
    field: str
    message: str


class InvalidFigures(ValidationError):
    """Some rows are not valid. ``problems`` lists every one; nothing was written."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        super().__init__(
            [f"{p.row + 1}, {p.field}: {p.message}" for p in self.problems], code="invalid_rows"
        )


@dataclass(frozen=True)
class FigureData:
    """One checked row, ready to be saved."""

    year: int
    measure: str
    right_or_area: str
    value: int
    source: str
    source_url: str
    visibility: str

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.year, self.measure, self.right_or_area)


@dataclass(frozen=True)
class SaveResult:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole_number(value: Any) -> int | None:
    """An int from an int, a whole float (spreadsheets) or a string of digits; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    return int(text) if text.isascii() and text.isdigit() else None


def _check_row(
    row: Mapping[str, Any], index: int, last_year: int, office: Organisation | None
) -> tuple[FigureData | None, list[RowProblem]]:
    problems: list[RowProblem] = []

    def problem(field: str, message: str) -> None:
        problems.append(RowProblem(index, field, message))

    named_office = _text(row.get("office"))
    if office is not None and named_office and named_office != office.slug:
        problem(
            "office",
            _("This row is for office '%(named)s'; enter only %(office)s figures here.")
            % {"named": named_office, "office": office.slug},
        )

    year = _whole_number(row.get("year"))
    if year is None or not FIRST_YEAR <= year <= last_year:
        problem(
            "year",
            _("Write the year as four digits from %(first)d to %(last)d, e.g. %(last)d.")
            % {"first": FIRST_YEAR, "last": last_year},
        )
    measure = _text(row.get("measure")).lower()
    if measure not in SUBJECTS:
        problem("measure", _("Use one of: %(choices)s.") % {"choices": ", ".join(Measure.values)})
    subject = _text(row.get("right_or_area")).lower()
    if measure in SUBJECTS and subject not in SUBJECTS[measure]:
        problem(
            "right_or_area",
            _("For %(measure)s use one of: %(choices)s.")
            % {"measure": measure, "choices": ", ".join(SUBJECTS[measure])},
        )
    elif measure not in SUBJECTS and not any(subject in s for s in SUBJECTS.values()):
        problem(
            "right_or_area",
            _("Use one of: %(choices)s.")
            % {"choices": ", ".join(dict.fromkeys(s for v in SUBJECTS.values() for s in v))},
        )
    value = _whole_number(row.get("value"))
    if value is None or value < 0 or value > 10**12:
        problem(
            "value",
            _("Write a whole number of 0 or more, digits only (no separators), e.g. 12345."),
        )
    source = _text(row.get("source"))
    if not source:
        problem("source", _("Name the source of the number, e.g. 'DGIP annual report 2024'."))
    elif len(source) > 300:
        problem("source", _("Shorten the source to at most 300 characters."))
    source_url = _text(row.get("source_url"))
    if source_url:
        try:
            URLValidator(schemes=["http", "https"])(source_url)
        except ValidationError:
            problem("source_url", _("Give a web address starting with https:// or leave it empty."))
        else:
            if len(source_url) > 500:
                problem("source_url", _("Shorten the web address to at most 500 characters."))
    visibility = _text(row.get("visibility")).lower() or Visibility.OFFICES
    if visibility not in FIGURE_VISIBILITIES:
        problem(
            "visibility",
            _(
                "Use 'offices' (shared with all cooperating offices) or 'public' "
                "(everyone), or leave it empty for 'offices'."
            ),
        )
    if problems:
        return None, problems
    data = FigureData(
        year=year,
        measure=measure,
        right_or_area=subject,
        value=value,
        source=source,
        source_url=source_url,
        visibility=visibility,
    )
    return data, []


def check_figures(
    *, rows: Sequence[Mapping[str, Any]], office: Organisation | None = None
) -> list[FigureData]:
    """Check every row; return them cleaned, or raise InvalidFigures listing every problem.

    No side effects. A row that repeats the year, measure and right or area of an
    earlier row is a problem too (which of the two numbers is right?).
    """
    if not rows:
        raise InvalidFigures([RowProblem(0, "__all__", _("Give at least one figure."))])
    if len(rows) > MAX_FIGURES:
        raise InvalidFigures(
            [
                RowProblem(
                    MAX_FIGURES,
                    "__all__",
                    _("Give at most %(max)d figures at once; split the rest into another file.")
                    % {"max": MAX_FIGURES},
                )
            ]
        )
    last_year = timezone.localdate().year
    cleaned: list[FigureData] = []
    problems: list[RowProblem] = []
    first_row: dict[tuple[int, str, str], int] = {}
    for index, row in enumerate(rows):
        data, row_problems = _check_row(row, index, last_year, office)
        problems.extend(row_problems)
        if data is None:
            continue
        if data.key in first_row:
            problems.append(
                RowProblem(
                    index,
                    "__all__",
                    _(
                        "This row repeats the year, measure and right or area of row "
                        "%(row)d; keep only one of them."
                    )
                    % {"row": first_row[data.key] + 1},
                )
            )
            continue
        first_row[data.key] = index
        cleaned.append(data)
    if problems:
        raise InvalidFigures(problems)
    return cleaned


def save_figures(
    *,
    by: User,
    office: Organisation,
    rows: Sequence[Mapping[str, Any]],
    request: HttpRequest | None = None,
) -> SaveResult:
    """Enter figures of one office: all of them, or none.

    Side effects: creates a Figure for each new (year, measure, right or area) and
    replaces the value, source, address and visibility of each existing one, with
    ``entered_by`` set to ``by``. Raises PermissionError when ``by`` may not enter
    the office's figures and InvalidFigures (nothing written) when any row is bad.
    """
    if not office.is_ip_office or not access.can_enter_figures(by, office):
        raise PermissionError(
            _("Only policy officers and office admins of %(office)s may enter its figures.")
            % {"office": office.short_name}
        )
    cleaned = check_figures(rows=rows, office=office)
    now = timezone.now()
    try:
        with transaction.atomic():
            existing = {
                (f.year, f.measure, f.right_or_area): f
                for f in Figure.objects.select_for_update().filter(
                    office=office, year__in={d.year for d in cleaned}
                )
            }
            new: list[Figure] = []
            changed: list[Figure] = []
            for data in cleaned:
                figure = existing.get(data.key)
                if figure is None:
                    figure = Figure(office=office, year=data.year, measure=data.measure)
                    figure.right_or_area = data.right_or_area
                    figure.created_at = now
                    new.append(figure)
                else:
                    changed.append(figure)
                figure.value = data.value
                figure.source = data.source
                figure.source_url = data.source_url
                figure.visibility = data.visibility
                figure.entered_by = by
                figure.updated_at = now
            Figure.objects.bulk_create(new)
            Figure.objects.bulk_update(
                changed, ["value", "source", "source_url", "visibility", "entered_by", "updated_at"]
            )
    except IntegrityError as error:
        # Someone entered the same figure at the same moment: nothing of ours was written.
        raise ValidationError(
            _("Another person saved figures of this office at the same time. Send them again."),
            code="conflict",
        ) from error
    return SaveResult(created=len(new), updated=len(changed))


# Reading ---------------------------------------------------------------------------


def figures_visible_to(user: User | Any) -> QuerySet[Figure]:
    """The figures the user may see: public ones for everyone, all of them for office staff."""
    return access.visible_to(user, Figure.objects.all())


def filter_figures(
    figures: QuerySet[Figure],
    *,
    office: Organisation | None = None,
    measure: str | None = None,
    right_or_area: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> QuerySet[Figure]:
    if office is not None:
        figures = figures.filter(office=office)
    if measure:
        figures = figures.filter(measure=measure)
    if right_or_area:
        figures = figures.filter(right_or_area=right_or_area)
    if year_from is not None:
        figures = figures.filter(year__gte=year_from)
    if year_to is not None:
        figures = figures.filter(year__lte=year_to)
    return figures


def record_figures_read(
    *, user: User | Any, figures: Iterable[Figure], what: str, request: HttpRequest | None = None
) -> None:
    """Log, once per page or download, that a user read figures that are not public.

    Side effects: when any of ``figures`` is not public and the user is signed in,
    writes one confidential-read audit event filed under the offices whose figures
    were read and the reader's own organisations. (One event per read rather than
    one per figure: a chart shows dozens.)
    """
    hidden = [f for f in figures if f.visibility != Visibility.PUBLIC]
    if not hidden or user is None or not user.is_authenticated:
        return
    offices = {f.office_id for f in hidden}
    own = {m.organisation_id for m in user.memberships.all() if m.organisation_id}
    record_event(
        action=AuditAction.CONFIDENTIAL_READ,
        actor=user,
        request=request,
        organisations=offices | own,
        detail={"what": what, "figures": len(hidden), "model": "statistics.figure"},
    )
