from django.urls import path, re_path

from ipcoop.exchange.updates import views

app_name = "updates"

urlpatterns = [
    path("", views.feed, name="feed"),
    path("feed.atom", views.atom_public, name="atom"),
    re_path(
        r"^feed/(?P<secret>[A-Za-z0-9_-]{1,100})\.atom$", views.atom_private, name="atom_private"
    ),
    path("private-feed/", views.feed_token, name="feed_token"),
    path("mark-all-read/", views.mark_all_read, name="mark_all_read"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
