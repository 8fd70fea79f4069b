from django.urls import path

from ipcoop.urls import urlpatterns as platform_urlpatterns
from tests.sharedapp.views import note_detail

urlpatterns = [
    *platform_urlpatterns,
    path("test-notes/<int:pk>/", note_detail, name="test-note"),
]

# A database that does not answer: 503 with Retry-After, not a 500 (see that module).
handler500 = "ipcoop.web.unavailable.server_error"
