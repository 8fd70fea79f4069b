from django.urls import path

from ipcoop.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("cooperation/", views.cooperation, name="cooperation"),
    path("language/", views.set_language, name="set_language"),
]
