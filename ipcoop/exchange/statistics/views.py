"""Statistics pages: the overview across offices, one office's figures, entry, import, CSV.

Thin: parse the input, authorise through ``ipcoop.access``, call a service or a
report builder, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.exchange.statistics import reports, services, tables
from ipcoop.exchange.statistics.forms import (
    FORM_FIELD_OF,
    ExportForm,
    FigureForm,
    ImportForm,
    OverviewForm,
    YearsForm,
)
from ipcoop.exchange.statistics.models import FIGURE_VISIBILITIES, SUBJECTS, Measure

PAGE_SIZE = 50


def _years(form: YearsForm) -> tuple[int | None, int | None]:
    if form.is_bound and form.is_valid():
        return form.cleaned_data.get("year_from"), form.cleaned_data.get("year_to")
    return None, None


def overview(request: HttpRequest) -> HttpResponse:
    form = OverviewForm(request.GET or None)
    series_key = form.cleaned_data["series"] if form.is_bound and form.is_valid() else ""
    series = reports.SERIES_BY_KEY.get(series_key, reports.SERIES[0])
    year_from, year_to = _years(form)
    report = reports.overview_report(
        user=request.user, series=series, year_from=year_from, year_to=year_to
    )
    services.record_figures_read(
        user=request.user, figures=report.figures, what="statistics overview", request=request
    )
    if not form.is_bound:  # show the choices the page made
        form = OverviewForm(
            initial={"series": series.key, "year_from": report.year_from, "year_to": report.year_to}
        )
    export_query = urlencode(
        {
            "series": series.key,
            "year_from": report.year_from,
            "year_to": report.year_to,
        }
    )
    context = {
        "form": form,
        "series": series,
        "report": report,
        "offices": access.statistics_offices(),
        "entry_offices": access.figure_entry_offices(request.user),
        "export_url": f"{reverse('statistics:export')}?{export_query}",
    }
    return render(request, "statistics/overview.html", context)


def office(request: HttpRequest, slug: str) -> HttpResponse:
    office = access.get_statistics_office_or_404(slug)
    form = YearsForm(request.GET or None)
    year_from, year_to = _years(form)
    report = reports.office_report(
        user=request.user, office=office, year_from=year_from, year_to=year_to
    )
    services.record_figures_read(
        user=request.user, figures=report.figures, what="statistics of one office", request=request
    )
    if not form.is_bound:
        form = YearsForm(initial={"year_from": report.year_from, "year_to": report.year_to})
    export_query = urlencode(
        {"office": office.slug, "year_from": report.year_from, "year_to": report.year_to}
    )
    groups = [
        (label, [p for p in report.panels if p.slug.startswith(f"{measure}:")])
        for measure, label in Measure.choices
    ]
    context = {
        "office": office,
        "form": form,
        "report": report,
        "groups": groups,
        "can_enter": access.can_enter_figures(request.user, office),
        "export_url": f"{reverse('statistics:export')}?{export_query}",
    }
    return render(request, "statistics/office.html", context)


def _add_problems(form: FigureForm, error: services.InvalidFigures) -> None:
    for problem in error.problems:
        field = FORM_FIELD_OF.get(problem.field, problem.field)
        form.add_error(field if field in form.fields else None, problem.message)


@login_required
def enter(request: HttpRequest, slug: str) -> HttpResponse:
    office = access.get_figure_entry_office_or_404(request.user, slug)
    figures = (
        services.figures_visible_to(request.user)
        .filter(office=office)
        .order_by("-year", "measure", "right_or_area")
    )
    if request.method == "POST":
        form = FigureForm(request.POST)
        if form.is_valid():
            try:
                result = services.save_figures(
                    by=request.user, office=office, rows=[form.row()], request=request
                )
            except services.InvalidFigures as error:
                _add_problems(form, error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if result.created:
                    messages.success(request, _("The figure is saved."))
                else:
                    messages.success(
                        request, _("The figure is updated: it replaces the one before.")
                    )
                return redirect("statistics:enter", slug=office.slug)
    else:
        form = FigureForm(initial=_initial(request, figures))
    page = Paginator(figures, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"office": office, "form": form, "page": page}
    return render(request, "statistics/enter.html", context)


def _initial(request: HttpRequest, figures) -> dict:
    """Fill the form from an existing figure when its 'Change' link was followed."""
    year, key = request.GET.get("year", ""), request.GET.get("series", "")
    if key not in reports.SERIES_BY_KEY or not year.isdigit():
        return {}
    measure, right_or_area = key.split(":", 1)
    figure = figures.filter(year=int(year), measure=measure, right_or_area=right_or_area).first()
    if figure is None:
        return {"year": int(year), "series": key}
    return {
        "year": figure.year,
        "series": key,
        "value": figure.value,
        "source": figure.source,
        "source_url": figure.source_url,
        "visibility": figure.visibility,
    }


def _column_docs() -> list[tuple[str, bool, str]]:
    rights = ", ".join(SUBJECTS[Measure.APPLICATIONS])
    areas = ", ".join(SUBJECTS[Measure.FILINGS_4IR])
    return [
        ("year", True, _("The year counted, four digits, e.g. 2024.")),
        ("measure", True, _("One of: %(values)s.") % {"values": ", ".join(Measure.values)}),
        (
            "right_or_area",
            True,
            _("For applications and registrations: %(rights)s. For 4ir_filings: %(areas)s.")
            % {"rights": rights, "areas": areas},
        ),
        ("value", True, _("A whole number of 0 or more, digits only, e.g. 12345.")),
        ("source", True, _("Where the number comes from, e.g. 'DGIP annual report 2024'.")),
        ("source_url", False, _("A web address (https://…) where the number can be checked.")),
        (
            "visibility",
            False,
            _("%(values)s; empty means offices (shared with all cooperating offices).")
            % {"values": " or ".join(v.value for v in FIGURE_VISIBILITIES)},
        ),
    ]


@login_required
def import_figures(request: HttpRequest, slug: str) -> HttpResponse:
    office = access.get_figure_entry_office_or_404(request.user, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[tuple[int, str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = upload.read(tables.MAX_FILE_BYTES + 1)
            sheet = tables.read_figures_file(name=upload.name, content=content)
            result = services.save_figures(
                by=request.user, office=office, rows=sheet.rows, request=request
            )
        except services.InvalidFigures as error:
            problems = [
                (sheet.lines[min(p.row, len(sheet.lines) - 1)], p.field, p.message)
                for p in error.problems
            ]
            form.add_error(
                None,
                _(
                    "Nothing was imported: %(count)d problem(s) in the file, listed below. "
                    "Fix them and upload the file again."
                )
                % {"count": len(problems)},
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                _("Imported %(total)d figures: %(created)d new, %(updated)d updated.")
                % {"total": result.total, "created": result.created, "updated": result.updated},
            )
            return redirect("statistics:office", slug=office.slug)
    context = {
        "office": office,
        "form": form,
        "problems": problems,
        "columns": _column_docs(),
        "max_kb": tables.MAX_FILE_BYTES // 1000,
        "max_figures": services.MAX_FIGURES,
    }
    return render(request, "statistics/import.html", context)


def template_csv(request: HttpRequest) -> HttpResponse:
    """An empty file with the import's header line."""
    response = HttpResponse(
        "\ufeff" + tables.write_csv(services.FIELDS, []), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="ipcoop-statistics-template.csv"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    """The figures the user may see, with the filters of the page it was asked from."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            _("Check the filters: %(errors)s") % {"errors": form.errors.as_text()},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    data = form.cleaned_data
    office = access.get_statistics_office_or_404(data["office"]) if data["office"] else None
    measure, right_or_area = data["series"].split(":", 1) if data["series"] else (None, None)
    figures = list(
        services.filter_figures(
            services.figures_visible_to(request.user),
            office=office,
            measure=measure,
            right_or_area=right_or_area,
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
        )
        .select_related("office")
        .order_by("office__position", "-year", "measure", "right_or_area")
    )
    services.record_figures_read(
        user=request.user, figures=figures, what="statistics CSV export", request=request
    )
    body = tables.write_csv(reports.EXPORT_HEADER, reports.export_rows(figures))
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ipcoop-statistics.csv"'
    return response
