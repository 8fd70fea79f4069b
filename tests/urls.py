from django.urls import path

from ipcoop.urls import urlpatterns as platform_urlpatterns
from tests.sharedapp.views import note_detail

urlpatterns = [
    *platform_urlpatterns,
    path("test-notes/<int:pk>/", note_detail, name="test-note"),
]
