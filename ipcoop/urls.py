from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from ipcoop.api import api
from ipcoop.web.views import healthz

urlpatterns = [
    path("", include("ipcoop.web.urls")),
    path("", include("ipcoop.credentials.urls")),
    path("account/", include("ipcoop.people.urls")),
    path("practice/", include("ipcoop.exchange.practice.urls")),
    path("updates/", include("ipcoop.exchange.updates.urls")),
    path("consultations/", include("ipcoop.exchange.consultations.urls")),
    path("statistics/", include("ipcoop.exchange.statistics.urls")),
    path("search/", include("ipcoop.search.urls")),
    path("worksharing/", include("ipcoop.worksharing.urls")),
    path("academy/analytics/", include("ipcoop.analytics.urls")),
    path("academy/", include("ipcoop.academy.urls")),
    path("classes/", include("ipcoop.classes.urls")),
    path("meetings/", include("ipcoop.meetings.urls")),
    path("proposals/", include("ipcoop.proposals.urls")),
    path("projects/", include("ipcoop.projects.urls")),
    path("inbox/", include("ipcoop.notifications.urls")),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    # The admin signs in through the platform's own sign-in (throttled and audited).
    path(
        "admin/login/",
        RedirectView.as_view(url=reverse_lazy("people:signin"), query_string=True),
    ),
    path("admin/", admin.site.urls),
]

# A database that does not answer: 503 with Retry-After, not a 500 (see that module).
handler500 = "ipcoop.web.unavailable.server_error"
