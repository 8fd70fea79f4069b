from django.urls import path

from ipcoop.exchange.consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("ask/", views.ask, name="ask"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/replies/<int:reply_pk>/useful/", views.mark_useful, name="mark_useful"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/remind/", views.remind, name="remind"),
]
