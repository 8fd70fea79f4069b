from django.urls import path

from ipcoop.proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/open/", views.open_view, name="open"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/endorse/", views.endorse, name="endorse"),
    path("<int:pk>/endorse/withdraw/", views.withdraw_objection, name="withdraw_objection"),
    path("<int:pk>/comments/", views.comment, name="comment"),
    path("<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
