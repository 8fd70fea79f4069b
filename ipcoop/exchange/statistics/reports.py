"""What the statistics pages, the CSV export and the API show: figures arranged for reading.

No side effects here except through ``services.record_figures_read``, which the
views call. Each builder reads the offices once and the figures once, however
many offices and years there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipcoop import access
from ipcoop.exchange.statistics.models import SUBJECT_LABELS, SUBJECTS, Figure, Measure
from ipcoop.exchange.statistics.services import figures_visible_to, filter_figures
from ipcoop.lib.charts import Bar, Chart, bar_chart, format_number
from ipcoop.people.models import Organisation

# At most this many years on one page.
MAX_YEARS = 10
DEFAULT_YEARS = 5


@dataclass(frozen=True)
class Series:
    """One thing counted: a measure of a right, or 4IR filings in one area."""

    measure: str
    right_or_area: str

    @property
    def key(self) -> str:
        return f"{self.measure}:{self.right_or_area}"

    @property
    def label(self) -> str:
        return _("%(measure)s: %(subject)s") % {
            "measure": Measure(self.measure).label,
            "subject": SUBJECT_LABELS[self.right_or_area],
        }

    @property
    def measure_label(self) -> str:
        return str(Measure(self.measure).label)

    @property
    def subject_label(self) -> str:
        return str(SUBJECT_LABELS[self.right_or_area])


SERIES: list[Series] = [Series(m, s) for m in Measure.values for s in SUBJECTS[m]]
SERIES_BY_KEY: dict[str, Series] = {s.key: s for s in SERIES}


def series_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for a select, grouped by measure."""
    return [
        (str(label), [(s.key, s.label) for s in SERIES if s.measure == measure])
        for measure, label in Measure.choices
    ]


@dataclass
class Cell:
    """One row of a chart's table: what it is about, and the figure if one was reported."""

    label: str
    figure: Figure | None


@dataclass
class Panel:
    """A chart and the table that says the same in rows."""

    heading: str
    caption: str
    row_heading: str
    chart: Chart
    cells: list[Cell]
    slug: str = ""

    @property
    def reported(self) -> int:
        return sum(1 for c in self.cells if c.figure is not None)


@dataclass
class Report:
    panels: list[Panel]
    figures: list[Figure] = field(default_factory=list)
    year_from: int = 0
    year_to: int = 0


def default_years(figures: Any, year_to: int | None, year_from: int | None) -> tuple[int, int]:
    """The year range to show: as asked, else the last five years that have figures."""
    if year_to is None:
        latest = figures.aggregate(latest=Max("year"))["latest"]
        year_to = latest or timezone.localdate().year - 1
    if year_from is None:
        year_from = year_to - DEFAULT_YEARS + 1
    year_from = max(year_from, year_to - MAX_YEARS + 1)
    return year_from, year_to


def _description(subject: str, cells: Sequence[Cell]) -> str:
    reported = [c for c in cells if c.figure is not None]
    if not reported:
        return _("%(subject)s: no figure has been reported yet.") % {"subject": subject}
    top = max(reported, key=lambda c: c.figure.value)
    text = _("%(subject)s. Highest: %(label)s with %(value)s.") % {
        "subject": subject,
        "label": top.label,
        "value": format_number(top.figure.value),
    }
    missing = len(cells) - len(reported)
    if missing:
        text += " " + ngettext(
            "%(count)d not yet reported.", "%(count)d not yet reported.", missing
        ) % {"count": missing}
    return text + " " + _("The table beside the chart gives every value with its source.")


def _panel(
    *, chart_id: str, heading: str, caption: str, row_heading: str, cells: list[Cell]
) -> Panel:
    chart = bar_chart(
        chart_id=chart_id,
        title=caption,
        description=_description(caption, cells),
        bars=[Bar(c.label, c.figure.value if c.figure else None) for c in cells],
    )
    return Panel(
        heading=heading, caption=caption, row_heading=row_heading, chart=chart, cells=cells
    )


def overview_report(
    *, user: Any, series: Series, year_from: int | None, year_to: int | None
) -> Report:
    """Every IP office's figure for one series, one panel per year (newest first)."""
    offices = list(access.statistics_offices())
    visible = filter_figures(
        figures_visible_to(user), measure=series.measure, right_or_area=series.right_or_area
    )
    year_from, year_to = default_years(visible, year_to, year_from)
    figures = list(filter_figures(visible, year_from=year_from, year_to=year_to))
    by_cell = {(f.office_id, f.year): f for f in figures}
    for f in figures:
        f.office = next(o for o in offices if o.pk == f.office_id)
    panels = []
    for year in range(year_to, year_from - 1, -1):
        cells = [Cell(o.short_name, by_cell.get((o.pk, year))) for o in offices]
        panel = _panel(
            chart_id=f"chart-{year}",
            heading=str(year),
            caption=_("%(series)s in %(year)d, by office") % {"series": series.label, "year": year},
            row_heading=_("Office"),
            cells=cells,
        )
        panel.slug = str(year)
        panels.append(panel)
    return Report(panels=panels, figures=figures, year_from=year_from, year_to=year_to)


def office_report(
    *, user: Any, office: Organisation, year_from: int | None, year_to: int | None
) -> Report:
    """One office's figures: one panel per series, one bar per year (newest first)."""
    visible = filter_figures(figures_visible_to(user), office=office)
    year_from, year_to = default_years(visible, year_to, year_from)
    figures = list(filter_figures(visible, year_from=year_from, year_to=year_to))
    for f in figures:
        f.office = office
    by_cell = {(f.measure, f.right_or_area, f.year): f for f in figures}
    years = list(range(year_to, year_from - 1, -1))
    panels = []
    for s in SERIES:
        cells = [Cell(str(y), by_cell.get((s.measure, s.right_or_area, y))) for y in years]
        panel = _panel(
            chart_id=f"chart-{s.measure}-{s.right_or_area}",
            heading=s.subject_label,
            caption=_("%(office)s: %(series)s, %(first)d–%(last)d")
            % {"office": office.short_name, "series": s.label, "first": year_from, "last": year_to},
            row_heading=_("Year"),
            cells=cells,
        )
        panel.slug = s.key
        panels.append(panel)
    return Report(panels=panels, figures=figures, year_from=year_from, year_to=year_to)


EXPORT_HEADER = [
    "office",
    "office_code",
    "year",
    "measure",
    "right_or_area",
    "value",
    "source",
    "source_url",
    "visibility",
    "updated_at",
]


def export_rows(figures: Sequence[Figure]) -> list[list[Any]]:
    """Rows for the CSV export; the import columns are among them, so a file goes back in."""
    return [
        [
            f.office.slug,
            f.office.code,
            f.year,
            f.measure,
            f.right_or_area,
            f.value,
            f.source,
            f.source_url,
            f.visibility,
            f.updated_at.isoformat(timespec="seconds"),
        ]
        for f in figures
    ]
