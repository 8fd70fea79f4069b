"""Certificate URLs, mounted at the root: /verify/<code>, the issuer document under
/.well-known/, and the learner's and educators' pages under /certificates/."""

from django.urls import path

from ipcoop.credentials import keys, views

app_name = "credentials"

urlpatterns = [
    path("verify/<str:code>", views.verify, name="verify"),
    path(keys.ISSUER_PATH.lstrip("/"), views.issuer, name="issuer"),
    path("certificates/", views.mine, name="mine"),
    path("certificates/issued/", views.issued, name="issued"),
    path("certificates/course/<slug:slug>/", views.claim, name="claim"),
    path("certificates/<str:code>.pdf", views.download_pdf, name="pdf"),
    path("certificates/<str:code>.json", views.download_json, name="json"),
    path("certificates/<str:code>/revoke/", views.revoke, name="revoke"),
]
