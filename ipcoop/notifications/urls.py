from django.urls import path

from ipcoop.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("<int:pk>/", views.open_item, name="open"),
    path("<int:pk>/read/", views.read, name="read"),
]
