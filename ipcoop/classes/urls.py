"""Class pages, mounted at /classes/."""

from django.urls import path

from ipcoop.classes import views

app_name = "classes"

urlpatterns = [
    path("", views.my_classes, name="list"),
    path("new/", views.create, name="create"),
    path("join/", views.join, name="join"),
    path("signin/", views.signin, name="signin"),
    path("me/", views.me, name="me"),
    path("overview/", views.aggregates, name="aggregates"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress.csv", views.progress_csv, name="csv"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/assignments/<int:assignment_id>/remove/", views.unassign, name="unassign"),
    path("<int:pk>/children/<int:member_id>/pictures/", views.reset_pictures, name="reset"),
    path("<int:pk>/children/<int:member_id>/consent/", views.consent, name="consent"),
    path("<int:pk>/children/<int:member_id>/age/", views.consent_age, name="age"),
    path("<int:pk>/children/<int:member_id>/remove/", views.remove_child, name="remove"),
]
