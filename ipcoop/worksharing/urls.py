from django.urls import path

from ipcoop.worksharing import views

app_name = "worksharing"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/work-products/new/", views.add_work_product, name="add_work_product"
    ),
    path("applications/<int:pk>/watch/", views.watch, name="watch"),
    path("applications/<int:pk>/request/", views.make_request, name="make_request"),
    path("families/<int:family_id>/", views.family, name="family"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("alerts/", views.alerts, name="alerts"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("import/", views.import_dossiers, name="import"),
]
