from django.urls import path

from ipcoop.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.accountability, name="list"),
    path("sdg/", views.sdg_view, name="sdg"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("report/", views.report, name="report"),
    path("from-proposal/<int:proposal_pk>/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/milestones/", views.add_milestone, name="add_milestone"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/toggle/",
        views.toggle_milestone,
        name="toggle_milestone",
    ),
    path("<int:pk>/actions/", views.add_action, name="add_action"),
    path("<int:pk>/actions/<int:action_pk>/", views.update_action, name="update_action"),
    path("<int:pk>/reports/", views.add_report, name="add_report"),
]
