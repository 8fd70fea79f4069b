"""Account, profile, token, member and audit-log pages. Thin: parse, authorise, call, render."""

from __future__ import annotations

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
from ipcoop.people import services
from ipcoop.people.forms import GrantRoleForm, ProfileFields, SignInForm, SignUpForm, TokenForm
from ipcoop.people.models import AuditAction, Membership


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
        httponly=False,
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
            login(request, user)
            return _with_language(
                HttpResponseRedirect(_safe_next(request)), user.preferred_language
            )
    return render(
        request, "people/signin.html", {"form": form, "next": request.GET.get("next", "")}
    )


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
            _add_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your learner account is ready."))
            return _with_language(redirect("web:home"), user.preferred_language)
    return render(request, "people/signup.html", {"form": form})


def _add_errors(form: object, error: ValidationError) -> None:
    """Show a service's ValidationError on the form fields it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


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
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=user, **form.cleaned_data)
        except ValidationError as error:
            user.refresh_from_db()
            _add_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return _with_language(redirect("people:profile"), user.preferred_language)
    memberships = user.memberships.select_related("organisation")
    return render(request, "people/profile.html", {"form": form, "memberships": memberships})


# The new token's secret waits in the session for exactly one page view.
NEW_TOKEN_SESSION_KEY = "ipcoop_new_token"  # noqa: S105 (a session key)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.create_token(
                user=request.user, name=form.cleaned_data["name"], request=request
            )
        except ValidationError as error:
            _add_errors(form, error)
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
