"""What happens in examination work-sharing: dossiers saved (families recomputed in the
same transaction), work products added with their PDF documents (watchers told through
their inbox), families looked up and merged, requests between offices made and
answered, and reads written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipcoop import access
from ipcoop.access import Visibility
from ipcoop.lib import worksharing as ws
from ipcoop.lib.codes import normalise_ipc, validate_ipc
from ipcoop.lib.uploads import PDF_ONLY, CheckedFile, check_upload
from ipcoop.notifications.models import Kind as NotificationKind
from ipcoop.notifications.models import Notification
from ipcoop.notifications.services import notify
from ipcoop.people.models import AuditAction, Organisation, OrganisationKind, User
from ipcoop.people.services import record_event
from ipcoop.search.services import index_item as index_for_search
from ipcoop.worksharing.models import (
    Application,
    ApplicationStatus,
    Citation,
    Decision,
    FamilyKey,
    PriorityClaim,
    RequestStatus,
    ShareRequest,
    Watch,
    WorkProduct,
    WorkProductDocument,
    WorkProductKind,
)

WORKSHARING_VISIBILITIES = (Visibility.OFFICES, Visibility.SELECTED, Visibility.OWN)


def ip_offices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.IP_OFFICE)


# Validation ------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _check_date(errors: dict[str, list[str]], name: str, value: Any, label: str) -> None:
    if not isinstance(value, dt.date):
        errors[name].append(
            _("Give the %(what)s as a date, YYYY-MM-DD.") % {"what": _DATE_LABELS[label]}
        )
    elif value > _today():
        errors[name].append(
            _("The %(what)s %(date)s is in the future: give the real date.")
            % {"what": _DATE_LABELS[label], "date": f"{value:%Y-%m-%d}"}
        )


# What a date field is called in messages (translated when the message is made).
_DATE_LABELS = {
    "filing date": gettext_lazy("filing date"),
    "priority date": gettext_lazy("priority date"),
    "date": gettext_lazy("date"),
}


def clean_application(
    *,
    office: Organisation,
    number: str,
    filing_date: dt.date,
    title: str,
    ipc_symbols: Iterable[str],
    priorities: Iterable[dict[str, Any]],
    pct_application_number: str = "",
    status: str = ApplicationStatus.PENDING,
    visibility: str = Visibility.OFFICES,
) -> dict[str, Any]:
    """Check an application's fields with the domain rules; return the cleaned values.

    Raises ValidationError naming each field that is wrong and what to write instead.
    """
    errors: dict[str, list[str]] = defaultdict(list)
    if office.kind != OrganisationKind.IP_OFFICE:
        errors["office"].append(_("Applications belong to an IP office."))
    problem = ws.application_number_problem(number or "", office.code)
    if problem:
        errors["number"].append(problem)
    _check_date(errors, "filing_date", filing_date, "filing date")
    if not (title or "").strip():
        errors["title"].append(_("Give the title of the invention."))
    symbols: list[str] = []
    for symbol in ipc_symbols or []:
        try:
            validate_ipc(symbol)
        except ValidationError as error:
            errors["ipc_symbols"].extend(error.messages)
        else:
            symbols.append(normalise_ipc(symbol))
    cleaned_priorities = []
    for index, claim in enumerate(priorities or []):
        country = (claim.get("country") or "").strip().upper()
        pnumber = (claim.get("number") or "").strip()
        pdate = claim.get("date")
        where = f"priorities.{index}"
        if len(country) != 2 or not country.isalpha():
            errors[where].append(
                _("“%(code)s” is not a WIPO ST.3 country code: write e.g. KR.") % {"code": country}
            )
            continue
        problem = ws.application_number_problem(pnumber, country)
        if problem:
            errors[where].append(problem)
            continue
        before = len(errors[where])
        _check_date(errors, where, pdate, "priority date")
        if isinstance(pdate, dt.date) and isinstance(filing_date, dt.date) and pdate > filing_date:
            errors[where].append(_("A priority date cannot be after the filing date."))
        if len(errors[where]) == before:
            cleaned_priorities.append(
                {
                    "country": country,
                    "number": pnumber,
                    "number_normalised": ws.normalise_application_number(pnumber, country),
                    "date": pdate,
                }
            )
    problem = ws.pct_number_problem(pct_application_number or "")
    if problem:
        errors["pct_application_number"].append(problem)
    if status not in ApplicationStatus.values:
        errors["status"].append(
            _("Status must be one of: %(values)s.")
            % {"values": ", ".join(ApplicationStatus.values)}
        )
    if visibility not in WORKSHARING_VISIBILITIES:
        errors["visibility"].append(_("Visibility must be offices, selected or own."))
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)
    return {
        "number_normalised": ws.normalise_application_number(number, office.code),
        "ipc_symbols": symbols,
        "priorities": cleaned_priorities,
        "pct_number_normalised": ws.normalise_pct_number(pct_application_number or ""),
    }


# Families --------------------------------------------------------------------------


def family_keys(application: Application, priorities: Iterable[dict[str, Any]]) -> set[str]:
    keys = {f"{application.office.code}:{application.number_normalised}"}
    keys |= {f"{p['country']}:{p['number_normalised']}" for p in priorities}
    if application.pct_number_normalised:
        keys.add(f"PCT:{application.pct_number_normalised}")
    return keys


def recompute_families(
    *, application_ids: Iterable[int], old_family_ids: Iterable[int] = ()
) -> None:
    """Recompute the family of the given applications and of the families they were in.

    Side effects: updates ``family_id`` (the smallest application id of each family)
    of every application whose family changed. Call inside the saving transaction.
    """
    todo = set(application_ids)
    old = {f for f in old_family_ids if f is not None}
    if old:
        todo |= set(Application.objects.filter(family_id__in=old).values_list("pk", flat=True))
    keys_of: dict[int, set[str]] = defaultdict(set)
    seen_keys: set[str] = set()
    frontier = set(todo)
    while frontier:
        rows = FamilyKey.objects.filter(application_id__in=frontier).values_list(
            "application_id", "key"
        )
        new_keys = set()
        for app_id, key in rows:
            keys_of[app_id].add(key)
            if key not in seen_keys:
                new_keys.add(key)
        for app_id in frontier:
            keys_of.setdefault(app_id, set())
        seen_keys |= new_keys
        if not new_keys:
            break
        linked = set(
            FamilyKey.objects.filter(key__in=new_keys).values_list("application_id", flat=True)
        )
        frontier = linked - set(keys_of)
    groups = ws.group_by_shared_keys(keys_of)
    current = dict(Application.objects.filter(pk__in=groups).values_list("pk", "family_id"))
    by_family: dict[int, list[int]] = defaultdict(list)
    for app_id, family in groups.items():
        if current.get(app_id) != family:
            by_family[family].append(app_id)
    for family, app_ids in by_family.items():
        Application.objects.filter(pk__in=app_ids).update(family_id=family)


@transaction.atomic
def save_application(
    *,
    by: User | None,
    office: Organisation,
    number: str,
    filing_date: dt.date,
    title: str,
    applicant: str = "",
    applicant_withheld: bool = False,
    ipc_symbols: Iterable[str] = (),
    priorities: Iterable[dict[str, Any]] = (),
    pct_application_number: str = "",
    pct_publication_number: str = "",
    status: str = ApplicationStatus.PENDING,
    visibility: str = Visibility.OFFICES,
    shared_with: Iterable[Organisation] = (),
) -> tuple[Application, bool]:
    """Create or update the application of ``office`` with ``number`` (in any written
    form). Returns (application, created).

    Side effects: writes the application, replaces its priority claims and family keys,
    recomputes the families it leaves and joins. ``by`` None is a console import.
    Raises PermissionDenied unless ``by`` is an examiner or office admin of ``office``.
    """
    if by is not None and not access.can_write_worksharing(by, office):
        raise PermissionDenied(
            _("Only examiners and office admins of the office record its dossiers.")
        )
    cleaned = clean_application(
        office=office,
        number=number,
        filing_date=filing_date,
        title=title,
        ipc_symbols=ipc_symbols,
        priorities=priorities,
        pct_application_number=pct_application_number,
        status=status,
        visibility=visibility,
    )
    application = (
        Application.objects.select_for_update()
        .filter(office=office, number_normalised=cleaned["number_normalised"])
        .first()
    )
    created = application is None
    old_family = None if created else application.family_id
    if created:
        application = Application(office=office, number_normalised=cleaned["number_normalised"])
    application.number = number.strip()
    application.filing_date = filing_date
    application.title = title.strip()
    application.applicant = applicant.strip()
    application.applicant_withheld = applicant_withheld
    application.ipc_symbols = cleaned["ipc_symbols"]
    application.technology_area = ws.technology_area(cleaned["ipc_symbols"])
    application.pct_application_number = (pct_application_number or "").strip()
    application.pct_number_normalised = cleaned["pct_number_normalised"]
    application.pct_publication_number = (pct_publication_number or "").strip()
    application.status = status
    application.visibility = visibility
    application.save()
    application.shared_with.set(
        [o for o in shared_with if o.pk != office.pk] if visibility == Visibility.SELECTED else []
    )
    application.priorities.all().delete()
    PriorityClaim.objects.bulk_create(
        PriorityClaim(application=application, **claim) for claim in cleaned["priorities"]
    )
    application.keys.all().delete()
    FamilyKey.objects.bulk_create(
        FamilyKey(application=application, key=key)
        for key in sorted(family_keys(application, cleaned["priorities"]))
    )
    recompute_families(application_ids=[application.pk], old_family_ids=[old_family])
    application.refresh_from_db(fields=["family_id"])
    index_for_search(application)
    return application, created


def lookup_family_ids(user: User, query: str) -> list[int]:
    """Families with a member the user may read whose application number, priority
    number or PCT number is ``query`` written in any common form."""
    candidates = ws.lookup_candidates(query)
    plain = [value for country, value in candidates if country is None]
    keys = [f"{country}:{value}" for country, value in candidates if country is not None]
    # Three indexed look-ups rather than one OR across a join (which scans).
    by_key = list(FamilyKey.objects.filter(key__in=keys).values_list("application_id", flat=True))
    condition = (
        Q(number_normalised__in=plain) | Q(pct_number_normalised__in=plain) | Q(pk__in=by_key)
    )
    matches = access.applications_visible_to(user, Application.objects.filter(condition))
    return sorted(set(matches.values_list("family_id", flat=True)))


def family_members(
    user: User, family_id: int, *, with_priorities: bool = True
) -> list[Application]:
    """The members of a family the user may read, with what their pages show (their
    priority claims too, unless ``with_priorities`` is false: ``family_priorities``
    reads them later, when a page is made)."""
    members = (
        access.applications_visible_to(user, Application.objects.filter(family_id=family_id))
        .select_related("office")
        .order_by("filing_date", "pk")
    )
    if with_priorities:
        members = members.prefetch_related("priorities")
    return list(members)


def family_priorities(members: list[Application]) -> None:
    """Read the priority claims of ``members`` (one query)."""
    prefetch_related_objects(members, "priorities")


def family_work_products(members: list[Application]) -> list[WorkProduct]:
    return list(
        WorkProduct.objects.filter(application__in=[m.pk for m in members])
        .select_related("examiner_office", "application__office")
        .prefetch_related("citations", "documents")
        .order_by("date", "pk")
    )


@dataclass
class MergedCitation:
    key: str
    label: str
    kind_codes: set[str] = field(default_factory=set)
    is_patent: bool = True
    cited_by: dict[str, dict[str, set[str]]] = field(
        default_factory=dict
    )  # office -> categories/claims
    not_cited_by: list[str] = field(default_factory=list)

    @property
    def categories(self) -> set[str]:
        return {c for entry in self.cited_by.values() for c in entry["categories"]}

    @property
    def differs(self) -> bool:
        return bool(self.not_cited_by)

    def rows(self) -> list[tuple[str, str, str]]:
        return [
            (office, "".join(sorted(v["categories"])), ", ".join(sorted(v["claims"])))
            for office, v in sorted(self.cited_by.items())
        ]


def merge_citations(work_products: list[WorkProduct]) -> list[MergedCitation]:
    """Each cited document once (numbers normalised, kind codes set aside), with the
    offices that cited it, in which categories, against which claims. A document cited
    as X by one office but not cited at all by another office that has searched the
    family is marked in ``not_cited_by``."""
    merged: dict[str, MergedCitation] = {}
    searching: set[str] = set()
    for product in work_products:
        office = product.examiner_office.code or product.examiner_office.short_name
        if product.kind in (WorkProductKind.SEARCH_REPORT, WorkProductKind.WRITTEN_OPINION):
            searching.add(office)
        for citation in product.citations.all():
            key = citation.merge_key
            entry = merged.get(key)
            if entry is None:
                label = citation.document_normalised or citation.npl_text
                entry = merged[key] = MergedCitation(
                    key=key, label=label, is_patent=bool(citation.document_normalised)
                )
            if citation.kind_code:
                entry.kind_codes.add(citation.kind_code)
            cell = entry.cited_by.setdefault(office, {"categories": set(), "claims": set()})
            cell["categories"].add(citation.category)
            if citation.claims:
                cell["claims"].add(citation.claims)
    for entry in merged.values():
        if any("X" in v["categories"] for v in entry.cited_by.values()):
            entry.not_cited_by = sorted(searching - set(entry.cited_by))
    return sorted(merged.values(), key=lambda e: (not e.differs, "X" not in e.categories, e.label))


def record_worksharing_read(
    *, user: User, request: HttpRequest | None, applications: list[Application], what: str
) -> None:
    """Side effects: one confidential-read audit event for the page or API answer,
    filed under the offices owning what was read and the reader's organisations."""
    if not applications:
        return
    orgs = {a.office_id for a in applications} | set(access.staff_organisation_ids(user))
    record_event(
        action=AuditAction.CONFIDENTIAL_READ,
        actor=user,
        request=request,
        obj=applications[0],
        organisations=orgs,
        detail={"what": what, "applications": [a.pk for a in applications][:50]},
    )


# Work products ---------------------------------------------------------------------


def clean_citations(citations: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    errors: dict[str, list[str]] = defaultdict(list)
    cleaned = []
    for index, raw in enumerate(citations or []):
        where = f"citations.{index}"
        category = (raw.get("category") or "").strip().upper()
        if category not in ws.ST14_CATEGORIES:
            errors[where].append(
                f"{category!r} is not a WIPO ST.14 category: "
                f"use one of {' '.join(ws.ST14_CATEGORIES)}."
            )
        number = (raw.get("document_number") or "").strip()
        npl = (raw.get("npl_text") or "").strip()
        kind = (raw.get("kind_code") or "").strip().upper()
        normalised = ""
        if number:
            normalised, found_kind = ws.normalise_document_number(number)
            kind = kind or found_kind
            if not (len(normalised) >= 6 and normalised[:2].isalpha() and normalised[2:].isalnum()):
                errors[where].append(
                    _(
                        "“%(number)s” is not a patent document number: start with the office "
                        "code, e.g. US 2020/0123456 A1."
                    )
                    % {"number": number}
                )
        elif not npl:
            errors[where].append(
                _("Give a patent document number or the non-patent literature cited.")
            )
        if kind and not ws.KIND_CODE.match(kind):
            errors[where].append(
                _("“%(kind)s” is not a WIPO ST.16 kind code: write e.g. A1 or B1.") % {"kind": kind}
            )
        cleaned.append(
            {
                "document_number": number,
                "document_normalised": normalised,
                "kind_code": kind,
                "npl_text": npl if not number else "",
                "category": category,
                "claims": (raw.get("claims") or "").strip(),
                "passages": (raw.get("passages") or "").strip(),
            }
        )
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)
    return cleaned


# Documents of work products: PDFs only, checked by content like every upload.
MAX_DOCUMENTS = 5


def check_documents(uploads: Iterable[Any]) -> list[CheckedFile]:
    """Check every uploaded document (a PDF of at most 10 MB, by its content).

    No side effects. One ValidationError (field ``documents``) lists every problem."""
    uploads = list(uploads or [])
    problems: list[str] = []
    checked: list[CheckedFile] = []
    if len(uploads) > MAX_DOCUMENTS:
        problems.append(
            _("A work product may have at most %(count)d documents.") % {"count": MAX_DOCUMENTS}
        )
    for upload in uploads:
        try:
            checked.append(check_upload(upload, accepted=PDF_ONLY))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"documents": problems})
    return checked


def _store_documents(
    product: WorkProduct, files: Iterable[CheckedFile], by: User | None, written: list[str]
) -> None:
    for checked in files:
        document = WorkProductDocument(
            work_product=product,
            original_name=checked.name,
            content_type=checked.content_type,
            extension=checked.extension,
            size=checked.size,
            uploaded_by=by,
        )
        checked.upload.seek(0)
        document.file.save("upload", File(checked.upload), save=False)
        written.append(document.file.name)
        document.save()


def _delete_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def add_work_product(
    *,
    by: User | None,
    application: Application,
    kind: str,
    date: dt.date,
    summary: str = "",
    action_type: str = "",
    outcome: str = "",
    claims_objected: str = "",
    grounds: str = "",
    decision: str = "",
    granted_claims: str = "",
    citations: Iterable[dict[str, Any]] = (),
    documents: Iterable[Any] = (),
) -> WorkProduct:
    """Attach a work product of the application's office to the application.

    Side effects, in one transaction: creates the work product, its citations and its
    documents (PDF files written under MEDIA_ROOT/worksharing/ with random names, and
    removed again if anything fails); a final decision sets the application's status;
    every watcher of the family who may read the application (except the author) gets
    an inbox item (``notify_watchers``). Raises PermissionDenied unless ``by`` is an
    examiner or office admin of the application's office; ValidationError naming each
    wrong field (a document that is not a PDF, too large or empty included).
    """
    if by is not None and not access.can_write_worksharing(by, application.office_id):
        raise PermissionDenied(
            _("Only examiners and office admins of the office add its work products.")
        )
    errors: dict[str, list[str]] = defaultdict(list)
    if kind not in WorkProductKind.values:
        errors["kind"].append(
            _("Kind must be one of: %(values)s.") % {"values": ", ".join(WorkProductKind.values)}
        )
    _check_date(errors, "date", date, "date")
    if kind == WorkProductKind.FINAL_DECISION and decision not in Decision.values:
        errors["decision"].append(_("A final decision is granted, refused or withdrawn."))
    if kind != WorkProductKind.FINAL_DECISION and decision:
        errors["decision"].append(_("Only a final decision carries a decision."))
    try:
        cleaned = clean_citations(citations)
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = []
    try:
        checked = check_documents(documents)
    except ValidationError as error:
        errors.update(error.message_dict)
        checked = []
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)
    written: list[str] = []
    try:
        with transaction.atomic():
            product = WorkProduct.objects.create(
                application=application,
                kind=kind,
                date=date,
                examiner_office_id=application.office_id,
                summary=summary.strip(),
                action_type=action_type.strip(),
                outcome=outcome.strip(),
                claims_objected=claims_objected.strip(),
                grounds=grounds.strip(),
                decision=decision,
                granted_claims=granted_claims.strip(),
                created_by=by,
            )
            Citation.objects.bulk_create(Citation(work_product=product, **c) for c in cleaned)
            _store_documents(product, checked, by, written)
            if kind == WorkProductKind.FINAL_DECISION:
                Application.objects.filter(pk=application.pk).update(status=decision)
                application.status = decision
                index_for_search(application)
            notify_watchers(work_product=product, author=by)
    except BaseException:
        _delete_files(written)
        raise
    return product


def alert_subject(application: Application) -> str:
    """An alert's subject: the application's number and title (in no one language)."""
    return f"{application.office.code} {application.number} — {application.title}"


def notify_watchers(*, work_product: WorkProduct, author: User | None) -> int:
    """Side effects: one inbox item (kind ``worksharing_alert``, key per work product)
    for each watcher of the family who may read the application, except the author;
    the items reach e-mail through each watcher's digest. Returns how many were made."""
    application = work_product.application
    watchers = User.objects.filter(
        pk__in=Watch.objects.filter(application__family_id=application.family_id).values("user_id")
    ).exclude(pk=getattr(author, "pk", None))
    readers = [
        watcher
        for watcher in watchers
        if access.applications_visible_to(
            watcher, Application.objects.filter(pk=application.pk)
        ).exists()
    ]
    return notify(
        recipients=readers,
        kind=NotificationKind.WORKSHARING_ALERT,
        subject=alert_subject(application),
        url=f"{application.get_absolute_url()}#wp-{work_product.pk}",
        key=f"worksharing-work-product:{work_product.pk}",
        actor=author,
    )


def watch_family(*, user: User, application: Application) -> Watch:
    """Side effects: the user watches the application's family (once)."""
    watch, _ = Watch.objects.get_or_create(user=user, application=application)
    return watch


def unwatch_family(*, user: User, application: Application) -> None:
    """Side effects: removes the user's watches on every member of the family."""
    Watch.objects.filter(user=user, application__family_id=application.family_id).delete()


def is_watching(user: User, application: Application) -> bool:
    return Watch.objects.filter(user=user, application__family_id=application.family_id).exists()


def unread_alert_count(user: User) -> int:
    """The user's unread work-sharing alerts (inbox items of that kind). One query."""
    return Notification.objects.filter(
        recipient=user, kind=NotificationKind.WORKSHARING_ALERT, read_at__isnull=True
    ).count()


# Requests (ASPEC-style) ------------------------------------------------------------


@transaction.atomic
def request_results(
    *,
    by: User,
    application: Application,
    to_office: Organisation,
    due_date: dt.date,
    message: str = "",
) -> ShareRequest:
    """An examiner of the application's office asks ``to_office`` for its search and
    examination results on the corresponding applications (the same family).

    Side effects: creates an open request. Raises PermissionDenied unless ``by`` is an
    examiner or office admin of the application's office.
    """
    if not access.can_write_worksharing(by, application.office_id):
        raise PermissionDenied(
            _("Only examiners and office admins of the office make its requests.")
        )
    errors: dict[str, list[str]] = defaultdict(list)
    if to_office.kind != OrganisationKind.IP_OFFICE or to_office.pk == application.office_id:
        errors["to_office"].append(_("Ask another IP office."))
    if not isinstance(due_date, dt.date) or due_date < _today():
        errors["due_date"].append(_("Give a due date from today on, YYYY-MM-DD."))
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)
    return ShareRequest.objects.create(
        application=application,
        requesting_office_id=application.office_id,
        to_office=to_office,
        requested_by=by,
        due_date=due_date,
        message=message.strip(),
    )


@transaction.atomic
def answer_request(
    *, by: User, share_request: ShareRequest, share: bool, reason: str = ""
) -> ShareRequest:
    """The office asked shares its results or declines with a reason.

    Side effects: sharing adds the requesting office to ``shared_with`` of every
    application of the office asked in the family (an application kept to its own office
    becomes "selected offices"; one already open to all offices stays so); the request
    becomes shared or declined with who answered and when.
    Raises PermissionDenied unless ``by`` is an examiner or office admin of the office
    asked; ValidationError when the request is already answered, a decline has no reason,
    or the office has no application in the family.
    """
    if not access.can_write_worksharing(by, share_request.to_office_id):
        raise PermissionDenied(_("Only examiners and office admins of the office asked answer."))
    share_request = ShareRequest.objects.select_for_update().get(pk=share_request.pk)
    if share_request.status != RequestStatus.OPEN:
        raise ValidationError({"status": _("This request has already been answered.")})
    if share:
        family_id = share_request.application.family_id
        own = list(
            Application.objects.filter(family_id=family_id, office_id=share_request.to_office_id)
        )
        if not own:
            raise ValidationError(
                {
                    "__all__": _(
                        "Your office has no application in this family: decline with a reason."
                    )
                }
            )
        for application in own:
            if application.visibility == Visibility.OWN:
                application.visibility = Visibility.SELECTED
                application.save(update_fields=["visibility", "updated_at"])
            application.shared_with.add(share_request.requesting_office_id)
            index_for_search(application)
        share_request.status = RequestStatus.SHARED
    else:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why you decline.")})
        share_request.status = RequestStatus.DECLINED
    share_request.reason = reason.strip()
    share_request.answered_by = by
    share_request.answered_at = timezone.now()
    share_request.save()
    return share_request
