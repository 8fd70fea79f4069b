"""The search page: a GET form that works without JavaScript; htmx swaps in the results."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

from ipcoop import ratelimit
from ipcoop.search import services
from ipcoop.search.forms import SearchForm
from ipcoop.web import generations
from ipcoop.web.pagecache import public_page, render_for_reader

# Facet name in the results -> parameter in the address.
FACET_PARAMETERS = (("kind", "kind"), ("office", "office"), ("language", "lang"), ("year", "year"))


def _facet_links(request: HttpRequest, found: services.Results) -> list[dict[str, Any]]:
    """Each facet with a link per value (the current address with that filter set)."""
    titles = {
        "kind": _("Kind"),
        "office": _("Office"),
        "language": _("Language"),
        "year": _("Year"),
    }
    languages = dict(settings.LANGUAGES)
    facets = []
    for name, parameter in FACET_PARAMETERS:
        current = request.GET.get(parameter, "")

        def address(value: str | None, parameter: str = parameter) -> str:
            query: QueryDict = request.GET.copy()
            query.pop("page", None)
            query.pop(parameter, None)
            if value is not None:
                query[parameter] = value
            return "?" + query.urlencode()

        values = [
            {
                "label": languages.get(v.value, v.value) if name == "language" else v.label,
                "count": v.count,
                "url": address(v.value),
                "selected": v.value == current,
            }
            for v in found.facets.get(name, [])
        ]
        facets.append(
            {
                "name": name,
                "title": titles[name],
                "values": values,
                "clear_url": address(None) if current else "",
            }
        )
    return facets


@public_page(30)
@ratelimit.limit("search", methods=frozenset({"GET"}))
def results(request: HttpRequest) -> HttpResponse:
    template = "search/results.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render_for_reader(
        request, template, lambda: _results_context(request), depends=(generations.SEARCH,)
    )


def _results_context(request: HttpRequest) -> dict[str, Any]:
    form = SearchForm(request.GET)
    found = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        found = services.search(
            user=request.user,
            query=data["q"],
            kind=data["kind"] or "",
            office=data["office"],
            language=data["lang"] or "",
            year=data["year"],
            page=data["page"] or 1,
            user_language=getattr(request, "LANGUAGE_CODE", "en"),
        )
    return {
        "form": form,
        "found": found,
        "facets": _facet_links(request, found) if found else [],
        "query": request.GET.get("q", "")[:200],
    }
