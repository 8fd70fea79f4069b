from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from ipcoop import ratelimit
from ipcoop.people import views

app_name = "people"

urlpatterns = [
    path("signin/", views.signin, name="signin"),
    path("signin/code/", views.signin_code, name="signin_code"),
    path("signout/", views.signout, name="signout"),
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("two-factor/", views.two_factor_settings, name="two_factor"),
    path("two-factor/disable/", views.disable_two_factor, name="disable_two_factor"),
    path("two-factor/recovery-codes/", views.new_recovery_codes, name="new_recovery_codes"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("audit/", views.audit_log, name="audit_log"),
    path("organisations/<slug:slug>/members/", views.members, name="members"),
    path(
        "organisations/<slug:slug>/members/<int:pk>/revoke/",
        views.revoke_membership,
        name="revoke_membership",
    ),
    path(
        "password/reset/",
        ratelimit.limit("password_reset")(
            auth_views.PasswordResetView.as_view(
                template_name="people/password_reset.html",
                email_template_name="people/password_reset_email.txt",
                subject_template_name="people/password_reset_subject.txt",
                success_url=reverse_lazy("people:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="people/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="people/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
