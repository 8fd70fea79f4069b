from django.urls import path

from ipcoop.exchange.practice import views

app_name = "practice"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("matrix.csv", views.matrix_csv, name="matrix_csv"),
    path("print/", views.matrix_print, name="matrix_print"),
    path("questions/new/", views.create_question, name="question_create"),
    path("questions/<slug:slug>/", views.question_detail, name="question"),
    path(
        "questions/<slug:slug>/<slug:office_slug>/edit/",
        views.edit_position,
        name="edit",
    ),
    path(
        "questions/<slug:slug>/<slug:office_slug>/history/",
        views.position_history,
        name="history",
    ),
]
