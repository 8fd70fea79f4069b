"""What the learning analytics page and its CSV show, read from the aggregate tables only.

Two queries fetch a whole year (the learner counters and the monthly figures, for
every country, month and audience the filters leave), whatever the number of
learners and attempts; everything else is arranged here. A cell with fewer than
``MIN_LEARNERS`` active learners shows no number at all ("fewer than 5"), so a small
class cannot be recognised.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipcoop.academy.i18n import text as translated_text
from ipcoop.academy.models import Audience, Course
from ipcoop.analytics.models import LearnerCount, MonthlyFigures, RollupState
from ipcoop.lib.charts import Bar, Chart, bar_chart, format_number

MIN_LEARNERS = 5
TOTAL = "*"  # every country: the regional total
MEASURES = (
    "attempts",
    "correct",
    "lessons_completed",
    "courses_completed",
    "objectives_practised",
    "objectives_mastered",
)

# Korea and the ten ASEAN countries, in the order the platform lists their offices.
COUNTRY_NAMES = {
    "KR": gettext_lazy("Korea"),
    "BN": gettext_lazy("Brunei Darussalam"),
    "KH": gettext_lazy("Cambodia"),
    "ID": gettext_lazy("Indonesia"),
    "LA": gettext_lazy("Lao PDR"),
    "MY": gettext_lazy("Malaysia"),
    "MM": gettext_lazy("Myanmar"),
    "PH": gettext_lazy("Philippines"),
    "SG": gettext_lazy("Singapore"),
    "TH": gettext_lazy("Thailand"),
    "VN": gettext_lazy("Viet Nam"),
}


def country_label(code: str) -> str:
    if code == TOTAL:
        return _("All countries")
    if not code:
        return _("Country not stated")
    return str(COUNTRY_NAMES.get(code, code))


def audience_label(audience: str) -> str:
    if audience == "all":
        return _("All audiences")
    return str(Audience(audience).label)


@dataclass
class Cell:
    """The figures of one group of learners in one period. No names, counts only."""

    learners: int = 0
    attempts: int = 0
    correct: int = 0
    lessons_completed: int = 0
    courses_completed: int = 0
    objectives_practised: int = 0
    objectives_mastered: int = 0
    # Hidden although it has 5 learners or more, so that a hidden small group cannot
    # be worked out by subtracting the cells shown from the total.
    withheld: bool = False

    @property
    def empty(self) -> bool:
        return self.learners == 0 and not any(getattr(self, m) for m in MEASURES)

    @property
    def suppressed(self) -> bool:
        """Fewer than 5 learners (and something to hide), or withheld: no number is shown."""
        return self.withheld or (self.learners < MIN_LEARNERS and not self.empty)

    @property
    def mastery_rate(self) -> int | None:
        """Objectives mastered per objective practised, in percent."""
        if not self.objectives_practised:
            return None
        return round(100 * self.objectives_mastered / self.objectives_practised)

    @property
    def correct_rate(self) -> int | None:
        if not self.attempts:
            return None
        return round(100 * self.correct / self.attempts)

    def add(self, other: Cell) -> None:
        self.learners += other.learners
        for name in MEASURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class Filters:
    year: int
    country: str = TOTAL  # a country code, "" (not stated) or TOTAL
    audience: str = ""  # "" every audience
    course: Course | None = None


@dataclass
class Row:
    """One line of a table: what it is about, and its cell (or "fewer than 5")."""

    month: dt.date | None
    country: str
    audience: str
    cell: Cell

    @property
    def country_label(self) -> str:
        return country_label(self.country)

    @property
    def audience_label(self) -> str:
        return audience_label(self.audience)


@dataclass
class Report:
    filters: Filters
    figures_until: dt.datetime | None
    months: list[Row]
    audiences: list[Row]
    table: list[Row]
    charts: list[tuple[Chart, str]] = field(default_factory=list)


def _scope_audiences(filters: Filters) -> tuple[dict[str, str], list[str]]:
    """Learner-counter scope → audience key ("all" too), and the audiences shown."""
    if filters.course is not None:
        audience = filters.course.audience
        return {f"course:{filters.course.pk}": audience}, [audience]
    if filters.audience:
        return {f"audience:{filters.audience}": filters.audience}, [filters.audience]
    scopes = {f"audience:{a}": a for a in Audience.values}
    scopes["all"] = "all"
    return scopes, list(Audience.values)


def _year_cells(
    filters: Filters, countries: frozenset[str] | None
) -> dict[tuple[str, str, str], Cell]:
    """(period, country, audience) → Cell for the year and each of its months.

    period is "2026" or "2026-03"; country a code, "" or TOTAL; audience a value or
    "all" (the filtered course's audience when a course is chosen). The reader sees
    ``countries`` (None: all) and the totals; cells are withheld so that no hidden
    group is revealed by subtraction. Two queries.
    """
    year = filters.year
    periods = [str(year)] + [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    scopes, _audiences = _scope_audiences(filters)
    cells: dict[tuple[str, str, str], Cell] = defaultdict(Cell)
    for period, scope, country, learners in LearnerCount.objects.filter(
        period__in=periods, scope__in=list(scopes)
    ).values_list("period", "scope", "country", "learners"):
        audience = scopes[scope]
        keys = [(period, country, audience), (period, TOTAL, audience)]
        if filters.course is not None or filters.audience:
            # One audience: its learners are all the learners shown.
            keys += [(period, country, "all"), (period, TOTAL, "all")]
        for key in keys:
            cells[key].learners += learners
    figures = MonthlyFigures.objects.filter(month__year=year)
    if filters.course is not None:
        figures = figures.filter(course=filters.course)
    elif filters.audience:
        figures = figures.filter(audience=filters.audience)
    rows = figures.values("month", "country", "audience").annotate(
        **{name: Sum(name) for name in MEASURES}
    )
    for row in rows:
        month = f"{row['month'].year:04d}-{row['month'].month:02d}"
        for period in (month, str(year)):
            for country in (row["country"], TOTAL):
                for audience in (row["audience"], "all"):
                    cell = cells[(period, country, audience)]
                    for name in MEASURES:
                        setattr(cell, name, getattr(cell, name) + (row[name] or 0))
    groups: dict[tuple[str, str], list[Cell]] = defaultdict(list)
    for (period, country, audience), cell in list(cells.items()):
        if country != TOTAL and (countries is None or country in countries):
            groups[(period, audience)].append(cell)
    for (period, audience), shown in groups.items():
        protect(shown, cells[(period, TOTAL, audience)])
    return cells


def protect(shown: list[Cell], total: Cell) -> None:
    """Withhold cells until the learners not shown (the total less the cells shown) are
    none or at least 5: first the smallest cells shown, the total when none is left.

    Each learner counts under one country, so the countries' learners add up to the
    total exactly, and a reader could otherwise subtract.
    """
    while True:
        hidden = total.learners - sum(c.learners for c in shown if not c.suppressed)
        if not 0 < hidden < MIN_LEARNERS or total.suppressed:
            return
        candidates = [c for c in shown if not c.suppressed and not c.empty]
        if not candidates:
            total.withheld = True
            return
        min(candidates, key=lambda c: c.learners).withheld = True


def countries_in_order(codes: set[str]) -> list[str]:
    known = [c for c in COUNTRY_NAMES if c in codes]
    others = sorted(c for c in codes if c and c not in COUNTRY_NAMES)
    return known + others + ([""] if "" in codes else [])


def build_report(*, filters: Filters, countries: frozenset[str] | None) -> Report:
    """The page's figures. ``countries``: those the reader sees one by one (None: all);
    the regional totals are always there. Three queries."""
    state = RollupState.objects.filter(pk=1).first()
    cells = _year_cells(filters, countries)
    _scopes, audiences = _scope_audiences(filters)
    year = str(filters.year)
    audience_key = filters.course.audience if filters.course else (filters.audience or "all")
    months = [
        Row(
            month=dt.date(filters.year, m, 1),
            country=filters.country,
            audience=audience_key,
            cell=cells.get((f"{year}-{m:02d}", filters.country, audience_key), Cell()),
        )
        for m in range(1, 13)
    ]
    by_audience = [
        Row(None, filters.country, a, cells.get((year, filters.country, a), Cell()))
        for a in audiences
    ]
    present = {key[1] for key in cells if key[0] == year and key[1] != TOTAL}
    if countries is not None:
        present = {c for c in present | set(countries) if c in countries}
    if filters.country != TOTAL:
        present &= {filters.country}
    table = []
    for country in [*countries_in_order(present), TOTAL]:
        for audience in audiences:
            cell = cells.get((year, country, audience), Cell())
            if cell.empty and country != TOTAL and len(audiences) > 1:
                continue  # nobody of that audience in that country: no line
            table.append(Row(None, country, audience, cell))
    report = Report(
        filters=filters,
        figures_until=state.figures_until if state else None,
        months=months,
        audiences=by_audience,
        table=table,
    )
    report.charts = _charts(report)
    return report


def _month_name(month: dt.date) -> str:
    return dateformat.format(month, "M")


def _bar(label: str, cell: Cell, value: int | None, text: str | None = None) -> Bar:
    if cell.suppressed:
        return Bar(label=label, value=0, text=_("withheld") if cell.withheld else _("fewer than 5"))
    return Bar(label=label, value=value or 0, text=text)


def _charts(report: Report) -> list[tuple[Chart, str]]:
    where = country_label(report.filters.country)
    year = report.filters.year
    learners = bar_chart(
        chart_id="chart-learners",
        title=_("Active learners per month, %(year)s") % {"year": year},
        description=_(
            "Learners who answered at least one question, each month (%(where)s). "
            "The table below gives the same numbers."
        )
        % {"where": where},
        bars=[_bar(_month_name(r.month), r.cell, r.cell.learners) for r in report.months],
    )
    completions = bar_chart(
        chart_id="chart-completions",
        title=_("Lessons completed per month, %(year)s") % {"year": year},
        description=_(
            "Lessons learners completed each month (%(where)s). "
            "The table below also gives the courses completed."
        )
        % {"where": where},
        bars=[_bar(_month_name(r.month), r.cell, r.cell.lessons_completed) for r in report.months],
    )
    mastery = bar_chart(
        chart_id="chart-mastery",
        title=_("Mastery rate by audience, %(year)s") % {"year": year},
        description=_(
            "Objectives mastered per objective practised, in percent, for each audience "
            "(%(where)s). The table beside gives the counts."
        )
        % {"where": where},
        bars=[
            _bar(
                r.audience_label,
                r.cell,
                r.cell.mastery_rate,
                None if r.cell.mastery_rate is None else f"{r.cell.mastery_rate} %",
            )
            for r in report.audiences
        ],
    )
    return [(learners, "months"), (completions, "months"), (mastery, "audiences")]


def number(value: int | None) -> str:
    return "" if value is None else format_number(value)


CSV_HEADER = [
    "month",
    "country",
    "audience",
    "course",
    "learners",
    "attempts",
    "correct answers",
    "lessons completed",
    "courses completed",
    "objectives practised",
    "objectives mastered",
    "mastery rate (%)",
]


def csv_rows(*, filters: Filters, countries: frozenset[str] | None) -> list[list[Any]]:
    """One line per month, country (and the regional total) and audience of the year.
    Lines of fewer than 5 learners say so instead of giving numbers. Two queries."""
    cells = _year_cells(filters, countries)
    _scopes, audiences = _scope_audiences(filters)
    present = {key[1] for key in cells if key[1] != TOTAL}
    if countries is not None:
        present &= countries
    if filters.country != TOTAL:
        present &= {filters.country}
    course = translated_text(filters.course.title) if filters.course else ""
    lines = []
    for m in range(1, 13):
        period = f"{filters.year:04d}-{m:02d}"
        for country in [*countries_in_order(present), TOTAL]:
            for audience in audiences:
                cell = cells.get((period, country, audience))
                if cell is None:
                    continue
                head = [period, country_label(country), audience_label(audience), course]
                if cell.suppressed:
                    why = _("withheld") if cell.withheld else _("fewer than 5")
                    lines.append(head + [why] * 8)
                    continue
                lines.append(
                    [
                        *head,
                        cell.learners,
                        cell.attempts,
                        cell.correct,
                        cell.lessons_completed,
                        cell.courses_completed,
                        cell.objectives_practised,
                        cell.objectives_mastered,
                        "" if cell.mastery_rate is None else cell.mastery_rate,
                    ]
                )
    return lines
