"""The shell: home, the two pillars' front pages, language switching and the health check."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from ipcoop.people.models import Organisation, OrganisationKind
from ipcoop.web.pagecache import public_page


@public_page(30)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@public_page(30)
def cooperation(request: HttpRequest) -> HttpResponse:
    """The cooperating organisations, each with its local time now."""
    organisations = list(Organisation.objects.all())
    return render(
        request,
        "web/cooperation.html",
        {
            "organisations": organisations,
            "now": timezone.now(),
            "office_count": sum(
                1 for org in organisations if org.kind == OrganisationKind.IP_OFFICE
            ),
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person's choice is kept in their profile."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise. For load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
