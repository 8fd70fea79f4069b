"""Work-sharing pages: number lookup, application dossier, family view, requests
between offices, work-product documents, the dossier import and the alerts (which live
in the inbox). Thin: parse, authorise through ``ipcoop.access``, call a service,
render. Anything the user may not read answers 404 like something missing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcoop import access
from ipcoop.lib.uploads import download_response
from ipcoop.notifications.models import Kind as NotificationKind
from ipcoop.people.models import Organisation
from ipcoop.web import generations, pagecache
from ipcoop.web.forms import add_service_errors
from ipcoop.web.pagecache import render_for_reader
from ipcoop.worksharing import importer, services
from ipcoop.worksharing.forms import (
    AnswerForm,
    ImportForm,
    LookupForm,
    RequestForm,
    WorkProductForm,
)
from ipcoop.worksharing.models import (
    Application,
    RequestStatus,
    ShareRequest,
    WorkProductDocument,
)


def _reader_or_404(request: HttpRequest) -> None:
    """Work-sharing is for staff of IP offices with reader roles; for anyone else every
    page answers 404, like a page that does not exist."""
    if not access.worksharing_office_ids(request.user):
        raise Http404


def _get_application(request: HttpRequest, pk: int) -> Application:
    return access.get_application_or_404(
        request.user,
        Application.objects.select_related("office").prefetch_related("priorities", "shared_with"),
        pk=pk,
    )


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    _reader_or_404(request)
    form = LookupForm(request.GET or None)
    families: list[dict] = []
    searched = False
    if form.is_valid():
        searched = True
        ids = services.lookup_family_ids(request.user, form.cleaned_data["number"])
        if len(ids) == 1:
            return redirect("worksharing:family", family_id=ids[0])
        read = []
        for family_id in ids[:20]:
            members = services.family_members(request.user, family_id)
            read.extend(members)
            families.append({"id": family_id, "members": members})
        services.record_worksharing_read(
            user=request.user, request=request, applications=read, what="lookup"
        )
    context = {
        "form": form,
        "families": families,
        "searched": searched,
        "unread": services.unread_alert_count(request.user),
        "alerts_url": _alerts_url(),
        "may_import": bool(_import_offices(request)),
    }
    return render(request, "worksharing/lookup.html", context)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get_application(request, pk)
    products = services.family_work_products([application])
    services.record_worksharing_read(
        user=request.user, request=request, applications=[application], what="application page"
    )
    may_write = access.can_write_worksharing(request.user, application.office_id)
    context = {
        "application": application,
        "products": products,
        "watching": services.is_watching(request.user, application),
        "may_write": may_write,
        "request_form": RequestForm(exclude_office=application.office_id) if may_write else None,
    }
    return render(request, "worksharing/application.html", context)


@login_required
@require_POST
def watch(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get_application(request, pk)
    if request.POST.get("action") == "unwatch":
        services.unwatch_family(user=request.user, application=application)
        messages.success(request, _("You no longer watch this family."))
    else:
        services.watch_family(user=request.user, application=application)
        messages.success(
            request, _("You watch this family: new work products appear in your inbox.")
        )
    return redirect("worksharing:application", pk=pk)


@login_required
def make_request(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get_application(request, pk)
    if not access.can_write_worksharing(request.user, application.office_id):
        raise Http404
    form = RequestForm(request.POST or None, exclude_office=application.office_id)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.request_results(
                by=request.user, application=application, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your request was sent."))
            return redirect("worksharing:request", pk=made.pk)
    return render(
        request, "worksharing/request_form.html", {"application": application, "form": form}
    )


@login_required
def add_work_product(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get_application(request, pk)
    if not access.can_write_worksharing(request.user, application.office_id):
        raise Http404
    form = WorkProductForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.add_work_product(
                by=request.user, application=application, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The work product was added."))
            return redirect(f"{application.get_absolute_url()}#wp-{product.pk}")
    context = {"application": application, "form": form}
    return render(request, "worksharing/work_product_form.html", context)


@login_required
def family(request: HttpRequest, family_id: int) -> HttpResponse:
    # Who may read which member is kept for the reader until dossiers or people change;
    # the read is audited on every visit.
    members = pagecache.remembered_for_reader(
        request,
        f"family:{family_id}",
        lambda: services.family_members(request.user, family_id, with_priorities=False),
        depends=(generations.WORKSHARING,),
    )
    if not members:
        raise Http404
    services.record_worksharing_read(
        user=request.user, request=request, applications=members, what="family view"
    )

    def context() -> dict:
        services.family_priorities(members)
        products = services.family_work_products(members)
        merged = services.merge_citations(products)
        return {
            "family_id": family_id,
            "members": members,
            "products": products,
            "merged": merged,
            "offices": sorted({m.office.short_name for m in members}),
            "differences": sum(1 for m in merged if m.differs),
        }

    return render_for_reader(
        request, "worksharing/family.html", context, depends=(generations.WORKSHARING,)
    )


def _requests(request: HttpRequest):
    return access.share_requests_visible_to(
        request.user,
        ShareRequest.objects.select_related(
            "application__office", "requesting_office", "to_office", "requested_by"
        ),
    )


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    _reader_or_404(request)
    status = request.GET.get("status", "")
    rows = _requests(request)
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    context = {
        "rows": rows[:200],
        "status": status,
        "statuses": RequestStatus.choices,
        "today": timezone.localdate(),
    }
    return render(request, "worksharing/requests.html", context)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        share_request = _requests(request).get(pk=pk)
    except (ShareRequest.DoesNotExist, ValueError):
        raise Http404 from None
    may_answer = share_request.status == RequestStatus.OPEN and access.can_write_worksharing(
        request.user, share_request.to_office_id
    )
    form = AnswerForm(request.POST or None) if may_answer else None
    if request.method == "POST":
        if not may_answer:
            raise Http404
        if form.is_valid():
            try:
                services.answer_request(
                    by=request.user,
                    share_request=share_request,
                    share=form.cleaned_data["decision"] == "share",
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your answer was recorded."))
                return redirect("worksharing:request", pk=pk)
    context = {"share_request": share_request, "form": form}
    return render(request, "worksharing/request.html", context)


def _alerts_url() -> str:
    return f"{reverse('notifications:inbox')}?kind={NotificationKind.WORKSHARING_ALERT}"


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """Alerts about watched families are inbox items: the old address leads there."""
    _reader_or_404(request)
    return redirect(_alerts_url())


@login_required
def document(request: HttpRequest, pk: int) -> FileResponse:
    """A work product's PDF, for whoever may read its application: as a download, with its
    checked type, never sniffed or cached by shared caches. The read is audited."""
    found = access.get_worksharing_document_or_404(
        request.user,
        WorkProductDocument.objects.select_related("work_product__application"),
        pk=pk,
    )
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.record_worksharing_read(
        user=request.user,
        request=request,
        applications=[found.work_product.application],
        what="work product document",
    )
    return download_response(handle, content_type=found.content_type, name=found.original_name)


def _import_offices(request: HttpRequest):
    ids = access.worksharing_office_ids(request.user, access.WORKSHARING_WRITER_ROLES)
    return list(Organisation.objects.filter(pk__in=ids)) if ids else []


@login_required
def import_dossiers(request: HttpRequest) -> HttpResponse:
    """Office staff who record dossiers upload a JSON-lines file: all lines or none."""
    offices = _import_offices(request)
    if not offices:
        raise Http404
    queryset = Organisation.objects.filter(pk__in=[o.pk for o in offices])
    form = ImportForm(request.POST or None, request.FILES or None, offices=queryset)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = importer.import_dossier_upload(
                by=request.user,
                office=form.cleaned_data["office"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not report.rejected:
                messages.success(
                    request,
                    _("Import finished: %(created)s created, %(skipped)s already in.")
                    % {"created": report.created, "skipped": report.skipped},
                )
    context = {"form": form, "report": report, "office_count": len(offices)}
    return render(request, "worksharing/import.html", context)
