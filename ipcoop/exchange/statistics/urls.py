from django.urls import path

from ipcoop.exchange.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.export_csv, name="export"),
    path("template.csv", views.template_csv, name="template"),
    path("offices/<slug:slug>/", views.office, name="office"),
    path("offices/<slug:slug>/enter/", views.enter, name="enter"),
    path("offices/<slug:slug>/import/", views.import_figures, name="import"),
]
