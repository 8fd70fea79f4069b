from django.urls import path, re_path

from ipcoop.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.create, name="create"),
    path("find-a-time/", views.find_time, name="find_time"),
    path("polls/new/", views.poll_create, name="poll_create"),
    path("polls/<int:pk>/", views.poll_detail, name="poll"),
    path("polls/<int:pk>/fix/", views.poll_fix, name="poll_fix"),
    path("series/", views.series_list, name="series_list"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<slug:slug>/", views.series_detail, name="series"),
    path("calendar/", views.calendar_token, name="calendar_token"),
    re_path(
        r"^calendar/(?P<secret>[A-Za-z0-9_-]{1,100})\.ics$",
        views.calendar_feed,
        name="calendar_feed",
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes"),
    path("<int:pk>/minutes/circulate/", views.minutes_circulate, name="minutes_circulate"),
    path("<int:pk>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("<int:pk>/minutes/comment/", views.minutes_comment, name="minutes_comment"),
    path("<int:pk>/minutes/decisions/", views.decision_add, name="decision_add"),
]
