"""Policy update pages and Atom feeds. Thin: parse, authorise (ipcoop.access), call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.access import Visibility
from ipcoop.exchange.updates import services
from ipcoop.exchange.updates.atom import atom_response
from ipcoop.exchange.updates.forms import FilterForm, UpdateForm, initial_for
from ipcoop.exchange.updates.models import PolicyUpdate
from ipcoop.lib.markup import render_markdown
from ipcoop.people.models import Organisation
from ipcoop.web.forms import add_service_errors
from ipcoop.web.secret_address import secret_address_page

PER_PAGE = 20


def feed(request: HttpRequest) -> HttpResponse:
    """The updates the visitor may see, newest first, filtered and paged."""
    form = FilterForm(request.GET or None)
    updates = services.updates_for(request.user, **form.filters())
    page = Paginator(updates, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_post": access.can_post_update(request.user),
        "unread": services.unread_count(request.user),
    }
    template = "updates/feed.html"
    if request.htmx and request.htmx.target == "update-list":
        template += "#update-list"
    return render(request, template, context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    update = access.get_visible_or_404(
        request.user,
        PolicyUpdate.objects.select_related("office", "author").prefetch_related(
            "tag_links", "attachments"
        ),
        pk=pk,
    )
    services.record_read(user=request.user, update=update, request=request)
    owner_staff = update.office_id in access.staff_organisation_ids(request.user)
    context = {
        "update": update,
        "body": render_markdown(update.body),
        "can_change": access.can_change_update(request.user, update),
        "shared_with": update.shared_with.all() if owner_staff else None,
    }
    response = render(request, "updates/detail.html", context)
    if update.visibility != Visibility.PUBLIC:
        response["Cache-Control"] = "private, no-store"
    return response


def _writer_offices(request: HttpRequest) -> QuerySet[Organisation]:
    offices = Organisation.objects.filter(pk__in=access.update_writer_office_ids(request.user))
    if not offices:
        raise Http404
    return offices


@login_required
def create(request: HttpRequest) -> HttpResponse:
    offices = _writer_offices(request)
    form = UpdateForm(request.POST or None, request.FILES or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            update = services.post_update(
                author=request.user,
                office=form.posting_office(),
                **form.service_arguments(),
            )
        except ValidationError as error:
            add_service_errors(form, error, {"tags": "technology_tags"})
        else:
            messages.success(request, _("The update is published."))
            return redirect(update)
    return render(request, "updates/form.html", {"form": form, "update": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    update = access.get_changeable_update_or_404(request.user, pk)
    attachments = list(update.attachments.all())
    form = UpdateForm(
        request.POST or None,
        request.FILES or None,
        initial={**initial_for(update), "office": update.office},
        attachments=attachments,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_update(
                editor=request.user,
                update=update,
                remove_attachments=form.removed_attachments(),
                **form.service_arguments(),
            )
        except ValidationError as error:
            update.refresh_from_db()
            add_service_errors(form, error, {"tags": "technology_tags"})
        else:
            messages.success(request, _("The update is saved."))
            return redirect(update)
    return render(request, "updates/form.html", {"form": form, "update": update})


def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A file of an update the visitor may see: as a download, with its checked type."""
    update = access.get_visible_or_404(request.user, PolicyUpdate.objects.all(), pk=pk)
    found = update.attachments.filter(pk=attachment_pk).first()
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.record_read(user=request.user, update=update, request=request)
    response = FileResponse(handle, content_type=found.content_type)
    response["Content-Disposition"] = services.content_disposition(found.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = (
        "public, max-age=300" if update.visibility == Visibility.PUBLIC else "private, no-store"
    )
    return response


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(user=request.user)
    messages.success(request, _("All updates are marked read."))
    return redirect("updates:feed")


# Atom feeds ------------------------------------------------------------------------


def atom_public(request: HttpRequest) -> HttpResponse:
    """Public updates only, whoever asks (a feed reader sends no cookies)."""
    updates = services.updates_for(None)[:50]
    return atom_response(
        request,
        updates,
        title=_("Policy updates from the Korea–ASEAN IP offices"),
        feed_id=request.build_absolute_uri(reverse("updates:atom")),
        self_url=request.build_absolute_uri(reverse("updates:atom")),
    )


def atom_private(request: HttpRequest, secret: str) -> HttpResponse:
    """What the address's owner may see now. An unknown or revoked address: 404."""
    user = services.user_for_feed_token(secret)
    if user is None:
        raise Http404
    updates = services.updates_for(user)[:50]
    response = atom_response(
        request,
        updates,
        title=_("Policy updates for %(name)s") % {"name": user.shown_name},
        feed_id=f"tag:{request.get_host().split(':')[0]},2025:ipcoop/updates/private/{user.pk}",
        self_url=request.build_absolute_uri(),
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def feed_token(request: HttpRequest) -> HttpResponse:
    """The private feed address: make it (again) or revoke it."""
    return secret_address_page(
        request,
        create=services.create_feed_token,
        revoke=services.revoke_feed_token,
        active=services.active_feed_token,
        address_url_name="updates:atom_private",
        page_url_name="updates:feed_token",
        template="updates/feed_token.html",
        revoked_message=_("Your private feed address no longer works."),
        extra={"public_url": request.build_absolute_uri(reverse("updates:atom"))},
    )
