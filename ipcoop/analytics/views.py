"""The learning analytics page and its CSV: parse the filters, authorise, read the
aggregates, render. Nothing here reads attempts or names a learner."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from ipcoop import access
from ipcoop.academy.models import Course
from ipcoop.analytics import reports
from ipcoop.analytics.forms import AnalyticsForm
from ipcoop.analytics.models import MonthlyFigures
from ipcoop.lib.spreadsheet import csv_text

# How often cron runs ``ipcoop rollup-learning``: the page states it.
ROLLUP_MINUTES = 10


def _form(request: HttpRequest, countries: frozenset[str] | None) -> AnalyticsForm:
    courses = list(access.courses_visible_to(request.user, Course.objects.order_by("slug")))
    years = sorted(
        {d.year for d in MonthlyFigures.objects.dates("month", "year")} | {timezone.now().year},
        reverse=True,
    )
    return AnalyticsForm(request.GET or None, countries=countries, courses=courses, years=years)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    countries = access.learning_analytics_countries(request.user)
    form = _form(request, countries)
    filters = form.filters()
    report = reports.build_report(filters=filters, countries=countries)
    query = request.GET.urlencode()
    context = {
        "form": form,
        "report": report,
        "countries": countries,
        "rollup_minutes": ROLLUP_MINUTES,
        "export_url": reverse("analytics:export") + (f"?{query}" if query else ""),
        "min_learners": reports.MIN_LEARNERS,
    }
    template = "analytics/_results.html" if request.htmx else "analytics/overview.html"
    return render(request, template, context)


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    countries = access.learning_analytics_countries(request.user)
    filters = _form(request, countries).filters()
    body = csv_text(reports.CSV_HEADER, reports.csv_rows(filters=filters, countries=countries))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = urlencode({"": f"learning-{filters.year}.csv"})[1:]
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
