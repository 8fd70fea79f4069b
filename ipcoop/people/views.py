"""Account, profile, token, member and audit-log pages. Thin: parse, authorise, call, render."""

from __future__ import annotations

import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcoop import access, ratelimit
from ipcoop.people import services, two_factor
from ipcoop.people.forms import (
    ConfirmTwoFactorForm,
    EnableTwoFactorForm,
    GrantRoleForm,
    ProfileFields,
    SignInForm,
    SignUpForm,
    TokenForm,
    TwoFactorCodeForm,
)
from ipcoop.people.models import AuditAction, Membership, User
from ipcoop.web.forms import add_service_errors


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_language(response: HttpResponse, language: str) -> HttpResponse:
    """Make the user's chosen language the one every next page is shown in."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


@ratelimit.limit("signin")
def signin(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if two_factor.has_two_factor(user):
                # Not signed in yet: the session only remembers who gave the right
                # password, for a few minutes, until the code step.
                request.session[PENDING_SIGN_IN_KEY] = {
                    "user": user.pk,
                    "backend": user.backend,
                    "at": time.time(),
                    "next": _safe_next(request),
                }
                return redirect("people:signin_code")
            login(request, user)
            return _with_language(
                HttpResponseRedirect(_safe_next(request)), user.preferred_language
            )
    return render(
        request, "people/signin.html", {"form": form, "next": request.GET.get("next", "")}
    )


# Who gave the right password and still owes a code; how long that lasts.
PENDING_SIGN_IN_KEY = "ipcoop_two_factor_pending"
PENDING_SIGN_IN_SECONDS = 5 * 60


def _pending_sign_in(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    state = request.session.get(PENDING_SIGN_IN_KEY)
    if not isinstance(state, dict):
        return None
    user = None
    if 0 <= time.time() - state.get("at", 0) <= PENDING_SIGN_IN_SECONDS:
        user = User.objects.filter(pk=state.get("user"), is_active=True).first()
    if user is None:
        request.session.pop(PENDING_SIGN_IN_KEY, None)
        return None
    return user, state


@ratelimit.limit("signin")
def signin_code(request: HttpRequest) -> HttpResponse:
    pending = _pending_sign_in(request)
    if pending is None:
        messages.info(request, _("Sign in with your username and password first."))
        return redirect("people:signin")
    user, state = pending
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = two_factor.sign_in_with_code(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            del request.session[PENDING_SIGN_IN_KEY]
            login(request, user, backend=state["backend"])
            if method == two_factor.RECOVERY_CODE:
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; it will not work again. "
                        "Recovery codes left: %(count)d."
                    )
                    % {"count": two_factor.recovery_codes_left(user)},
                )
            return _with_language(HttpResponseRedirect(state["next"]), user.preferred_language)
    return render(request, "people/signin_code.html", {"form": form})


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_event(action=AuditAction.SIGN_OUT, actor=request.user, request=request)
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("web:home")


@ratelimit.limit("signup")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    initial = {"preferred_language": request.LANGUAGE_CODE, "time_zone": "UTC"}
    form = SignUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_up_learner(request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("Welcome! Your learner account is ready."))
            return _with_language(redirect("web:home"), user.preferred_language)
    return render(request, "people/signup.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileFields(
        request.POST or None,
        initial={
            "display_name": user.display_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "country": user.country,
            "time_zone": user.time_zone,
        },
    )
    child = access.is_child(user)
    if child:
        # A child's name is the one their class knows them by, and they give no e-mail.
        del form.fields["display_name"], form.fields["email"]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if child:
            data.update(display_name=user.display_name, email="")
        try:
            services.update_profile(user=user, **data)
        except ValidationError as error:
            user.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return _with_language(redirect("people:profile"), user.preferred_language)
    memberships = user.memberships.select_related("organisation")
    context = {
        "form": form,
        "memberships": memberships,
        "two_factor_on": two_factor.has_two_factor(user),
        "child": child,
    }
    return render(request, "people/profile.html", context)


# The secret being set up waits in the session until the first code proves the app
# holds it; new recovery codes wait there for exactly one page view.
TWO_FACTOR_SETUP_KEY = "ipcoop_two_factor_setup"
NEW_RECOVERY_CODES_KEY = "ipcoop_new_recovery_codes"


@login_required
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    if two_factor.has_two_factor(user):
        return _two_factor_page(request)
    secret = request.session.get(TWO_FACTOR_SETUP_KEY)
    if not secret:
        secret = request.session[TWO_FACTOR_SETUP_KEY] = two_factor.new_two_factor_secret()
    form = EnableTwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.enable_two_factor(
                user=user, secret=secret, code=form.cleaned_data["code"], request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            del request.session[TWO_FACTOR_SETUP_KEY]
            request.session[NEW_RECOVERY_CODES_KEY] = codes
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("people:two_factor")
    uri = two_factor.two_factor_setup_uri(user=user, secret=secret)
    context = {
        "enabled": False,
        "required": two_factor.two_factor_required(user),
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_code": segno.make(uri, error="m").svg_data_uri(scale=4, border=2),
    }
    response = render(request, "people/two_factor.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _two_factor_page(
    request: HttpRequest,
    *,
    disable_form: ConfirmTwoFactorForm | None = None,
    codes_form: ConfirmTwoFactorForm | None = None,
) -> HttpResponse:
    """The page of someone who has two-factor sign-in on (a form may come back with errors)."""
    new_codes = request.session.pop(NEW_RECOVERY_CODES_KEY, None)
    context = {
        "enabled": True,
        "required": two_factor.two_factor_required(request.user),
        "new_codes": new_codes,
        "codes_left": two_factor.recovery_codes_left(request.user),
        "disable_form": disable_form or ConfirmTwoFactorForm(),
        "codes_form": codes_form or ConfirmTwoFactorForm(prefix=CODES_FORM_PREFIX),
    }
    response = render(request, "people/two_factor.html", context)
    if new_codes:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def disable_two_factor(request: HttpRequest) -> HttpResponse:
    form = ConfirmTwoFactorForm(request.POST)
    if form.is_valid():
        try:
            two_factor.disable_two_factor(
                user=request.user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("people:two_factor")
    if not two_factor.has_two_factor(request.user):
        return redirect("people:two_factor")
    return _two_factor_page(request, disable_form=form)


# The new-recovery-codes form shares the page with the turn-off form: its own field ids.
CODES_FORM_PREFIX = "codes"


@login_required
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    form = ConfirmTwoFactorForm(request.POST, prefix=CODES_FORM_PREFIX)
    if form.is_valid():
        try:
            codes = two_factor.replace_recovery_codes(
                user=request.user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[NEW_RECOVERY_CODES_KEY] = codes
            messages.success(
                request, _("Your new recovery codes are ready; the old ones no longer work.")
            )
            return redirect("people:two_factor")
    if not two_factor.has_two_factor(request.user):
        return redirect("people:two_factor")
    return _two_factor_page(request, codes_form=form)


# The new token's secret waits in the session for exactly one page view.
NEW_TOKEN_SESSION_KEY = "ipcoop_new_token"  # noqa: S105 (a session key)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if access.is_child(request.user):
        raise Http404
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.create_token(
                user=request.user, name=form.cleaned_data["name"], request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Redirect so that reloading the page cannot make a second token.
            request.session[NEW_TOKEN_SESSION_KEY] = secret
            return redirect("people:tokens")
    context = {
        "form": form,
        "new_secret": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
        "tokens": access.tokens_of(request.user),
    }
    response = render(request, "people/tokens.html", context)
    if context["new_secret"]:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = access.get_token_or_404(request.user, pk)
    services.revoke_token(user=request.user, token=token, request=request)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("people:tokens")


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = access.get_administered_organisation_or_404(request.user, slug)
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_role(
                by=request.user,
                user=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                organisation=organisation,
                request=request,
            )
        except ValidationError as error:
            form.add_error("role", error)
        else:
            messages.success(request, _("The role is granted."))
            return redirect("people:members", slug=slug)
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__username", "role")
    )
    return render(
        request,
        "people/members.html",
        {"organisation": organisation, "memberships": memberships, "form": form},
    )


@login_required
@require_POST
def revoke_membership(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = access.get_administered_organisation_or_404(request.user, slug)
    membership = Membership.objects.filter(organisation=organisation, pk=pk).first()
    if membership is None:
        raise Http404
    services.revoke_role(by=request.user, membership=membership, request=request)
    messages.success(request, _("The role is revoked."))
    return redirect("people:members", slug=slug)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not access.administered_organisations(request.user).exists():
        raise Http404
    events = access.audit_events_visible_to(request.user)
    page = Paginator(events.prefetch_related("organisations"), 50).get_page(request.GET.get("page"))
    return render(request, "people/audit_log.html", {"page": page})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "people/password_reset_confirm.html"
    success_url = reverse_lazy("people:password_reset_complete")

    def form_valid(self, form: object) -> HttpResponse:
        response = super().form_valid(form)
        services.record_event(
            action=AuditAction.PASSWORD_RESET, actor=self.user, request=self.request, obj=self.user
        )
        return response
