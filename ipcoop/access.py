"""The one place that decides who may see and change what.

Every view and API endpoint fetches objects through these helpers; none decides
visibility on its own. Asking for an object you may not see raises the same
``Http404`` as asking for one that does not exist, so the answer never tells
whether a hidden object is there.

Visibility of a shared item (an item of an organisation, see ``SharedItem``):

``public``    everyone, signed in or not.
``offices``   staff of every cooperating organisation (IP offices, the Academy,
              the Secretariat) and platform admins.
``selected``  staff of the owning organisation and of the organisations it names.
``own``       staff of the owning organisation only.

Staff means holding an office admin, examiner, policy officer or educator role.
Platform admins run the platform for the offices: they read what is shared with
all offices, but not what an office keeps to itself or shares with named offices.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ipcoop.people.models import Organisation, User


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    OFFICES = "offices", _("All cooperating offices")
    SELECTED = "selected", _("Selected offices")
    OWN = "own", _("Own office only")


class SharedItem(models.Model):
    """Fields every item an organisation shares carries. Subclass it; use ``visible_to``."""

    office = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("office"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.OWN
    )
    shared_with = models.ManyToManyField(
        "people.Organisation",
        related_name="+",
        blank=True,
        verbose_name=_("shared with"),
        help_text=_("The offices that may see it when visibility is 'selected offices'."),
    )

    class Meta:
        abstract = True


def _roles(user: User | AnonymousUser | None) -> list[tuple[int | None, str]]:
    """(organisation id, role) pairs of the user, read once per user object."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_ipcoop_roles", None)
    if cached is None:

        def read() -> list[tuple[int | None, str]]:
            return list(user.memberships.values_list("organisation_id", "role"))

        # A reader's GET request remembers them across requests while memberships stay
        # as they are (people.middleware.UserPreferencesMiddleware, pagecache).
        remember = getattr(user, "_ipcoop_remember", None)
        cached = remember("roles", read) if remember is not None else read()
        user._ipcoop_roles = cached
    return cached


def forget_roles(user: User) -> None:
    """Drop the cached roles after a membership change."""
    user.__dict__.pop("_ipcoop_roles", None)


def staff_organisation_ids(user: User | AnonymousUser | None) -> frozenset[int]:
    """Organisations in which the user holds a staff role."""
    from ipcoop.people.models import STAFF_ROLES

    return frozenset(org for org, role in _roles(user) if org is not None and role in STAFF_ROLES)


def is_platform_admin(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def is_cooperating_staff(user: User | AnonymousUser | None) -> bool:
    """Staff of any cooperating organisation, or a platform admin."""
    return is_platform_admin(user) or bool(staff_organisation_ids(user))


def has_role(
    user: User | AnonymousUser | None,
    roles: Iterable[str],
    organisation: Organisation | int | None = None,
) -> bool:
    """Whether the user holds one of ``roles`` (in ``organisation``, when one is given)."""
    wanted = set(roles)
    org_id = getattr(organisation, "pk", organisation)
    return any(
        role in wanted and (organisation is None or org == org_id) for org, role in _roles(user)
    )


# Who speaks for an office: its policy officers and office admins. They post its
# updates, state its positions, enter its figures and run its consultations.
# Platform admins run the platform; they do not speak for an office.
SPEAKER_ROLES = ("policy_officer", "office_admin")


def speaks_for(user: User | AnonymousUser | None, office: Organisation | int) -> bool:
    return has_role(user, SPEAKER_ROLES, office)


def offices_spoken_for(user: User | AnonymousUser | None) -> frozenset[int]:
    return organisation_ids_with_role(user, SPEAKER_ROLES)


def organisation_ids_with_role(
    user: User | AnonymousUser | None, roles: Iterable[str]
) -> frozenset[int]:
    wanted = set(roles)
    return frozenset(org for org, role in _roles(user) if org is not None and role in wanted)


def visibility_q(user: User | AnonymousUser | None, model: type[SharedItem]) -> Q:
    """A filter selecting the items of ``model`` that ``user`` may see."""
    allowed = Q(visibility=Visibility.PUBLIC)
    if is_cooperating_staff(user):
        allowed |= Q(visibility=Visibility.OFFICES)
    orgs = staff_organisation_ids(user)
    if orgs:
        through = model.shared_with.through
        item_field = f"{model._meta.model_name}_id"
        named = Exists(
            through.objects.filter(**{item_field: OuterRef("pk")}, organisation_id__in=orgs)
        )
        allowed |= Q(visibility__in=[Visibility.SELECTED, Visibility.OWN], office_id__in=orgs)
        allowed |= Q(visibility=Visibility.SELECTED) & Q(named)
    return allowed


def visible_to(user: User | AnonymousUser | None, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The part of ``queryset`` (of a ``SharedItem`` model) that ``user`` may see."""
    return queryset.filter(visibility_q(user, queryset.model))


def get_visible_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    """One item the user may see, or the same 404 as for an item that does not exist."""
    try:
        return visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_change_shared_item(
    user: User | AnonymousUser | None, item: SharedItem, roles: Iterable[str]
) -> bool:
    """Whether the user holds one of ``roles`` in the item's owning organisation."""
    return has_role(user, roles, item.office_id)


# People and organisations -------------------------------------------------------


def can_administer(user: User | AnonymousUser | None, organisation: Organisation) -> bool:
    """Office admins administer their own organisation; platform admins every one."""
    from ipcoop.people.models import Role

    return is_platform_admin(user) or has_role(user, [Role.OFFICE_ADMIN], organisation)


def administered_organisations(user: User | AnonymousUser | None) -> QuerySet[Organisation]:
    from ipcoop.people.models import Organisation, Role

    if is_platform_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=organisation_ids_with_role(user, [Role.OFFICE_ADMIN]))


def get_administered_organisation_or_404(
    user: User | AnonymousUser | None, slug: str
) -> Organisation:
    from ipcoop.people.models import Organisation

    try:
        return administered_organisations(user).get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None


def audit_events_visible_to(user: User | AnonymousUser | None) -> QuerySet[Any]:
    """Platform admins read the whole log; office admins the events of their organisations."""
    from ipcoop.people.models import AuditEvent, Role

    events = AuditEvent.objects.all()
    if is_platform_admin(user):
        return events
    orgs = organisation_ids_with_role(user, [Role.OFFICE_ADMIN])
    if not orgs:
        return events.none()
    through = AuditEvent.organisations.through
    return events.filter(
        Exists(through.objects.filter(auditevent_id=OuterRef("pk"), organisation_id__in=orgs))
    )


def tokens_of(user: User | AnonymousUser | None) -> QuerySet[Any]:
    """API tokens are personal: each user sees and revokes only their own."""
    from ipcoop.people.models import ApiToken

    if user is None or not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def get_token_or_404(user: User | AnonymousUser | None, pk: int) -> Any:
    from ipcoop.people.models import ApiToken

    try:
        return tokens_of(user).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Examination practice (ipcoop.exchange.practice) ---------------------------------
# Positions are SharedItems (visibility "offices" or "public"): read them with
# visible_to / get_visible_or_404. Changing them is for the owning office only.


def practice_position_holders() -> QuerySet[Organisation]:
    """Organisations that hold positions on examination practice: the IP offices and
    the ASEAN Secretariat (for region-wide programmes such as ASPEC)."""
    from ipcoop.people.models import Organisation, OrganisationKind

    return Organisation.objects.filter(
        kind__in=[OrganisationKind.IP_OFFICE, OrganisationKind.SECRETARIAT]
    )


def can_edit_practice_positions(user: User | AnonymousUser | None, office: Organisation) -> bool:
    """Policy officers and office admins of an office edit its own positions, nobody else
    (not examiners, not other offices, not platform admins: a position is the office's word)."""
    from ipcoop.people.models import OrganisationKind

    return office.kind in {
        OrganisationKind.IP_OFFICE,
        OrganisationKind.SECRETARIAT,
    } and speaks_for(user, office)


def get_practice_office_for_editing_or_404(
    user: User | AnonymousUser | None, slug: str
) -> Organisation:
    """The office whose positions the user may edit. Any other office, or one that does not
    exist, answers the same 404: an edit page is not reached by those who may not edit."""
    from ipcoop.people.models import Organisation

    try:
        office = practice_position_holders().get(slug=slug)
    except (ValueError, TypeError, Organisation.DoesNotExist):
        raise Http404 from None
    if not can_edit_practice_positions(user, office):
        raise Http404
    return office


def can_create_practice_question(user: User | AnonymousUser | None) -> bool:
    """Platform admins and policy officers (of any office or the Secretariat) add questions."""
    from ipcoop.people.models import Role

    return is_platform_admin(user) or has_role(user, [Role.POLICY_OFFICER])


# Policy updates (exchange/updates) ----------------------------------------------


def update_writer_office_ids(user: User | AnonymousUser | None) -> frozenset[int]:
    """Offices for which the user posts policy updates: where they are a policy officer
    or an office admin. Platform admins run the platform; they do not speak for an office."""
    return offices_spoken_for(user)


def can_post_update(
    user: User | AnonymousUser | None, office: Organisation | int | None = None
) -> bool:
    """Whether the user posts updates (for ``office``, when one is given)."""
    offices = update_writer_office_ids(user)
    if office is None:
        return bool(offices)
    return getattr(office, "pk", office) in offices


def can_change_update(user: User | AnonymousUser | None, update: SharedItem) -> bool:
    """The owning office's policy officers and office admins edit its updates."""
    return speaks_for(user, update.office_id)


def get_changeable_update_or_404(user: User | AnonymousUser | None, pk: Any) -> Any:
    """An update the user may edit. Hidden or missing: 404; visible but not theirs: 404 too,
    so an edit address says nothing more than the update's own page."""
    from ipcoop.exchange.updates.models import PolicyUpdate

    update = get_visible_or_404(user, PolicyUpdate.objects.all(), pk=pk)
    if not can_change_update(user, update):
        raise Http404
    return update


# Consultations between offices (ipcoop.exchange.consultations) ------------------
#
# A consultation is addressed, not published: "offices" means every IP office,
# "selected" the organisations in shared_with. Only staff of the asking office and
# of the addressed organisations read it; unlike other shared items, the Academy,
# the Secretariat (unless named) and platform admins do not, because they cannot
# take part in the exchange.


def consultations_visible_to(
    user: User | AnonymousUser | None, queryset: QuerySet[Any]
) -> QuerySet[Any]:
    """The consultations in ``queryset`` that ``user`` may read (and reply to)."""
    from ipcoop.people.models import Organisation, OrganisationKind

    orgs = staff_organisation_ids(user)
    if not orgs:
        return queryset.none()
    through = queryset.model.shared_with.through
    named = Exists(through.objects.filter(consultation_id=OuterRef("pk"), organisation_id__in=orgs))
    in_an_ip_office = Exists(
        Organisation.objects.filter(pk__in=orgs, kind=OrganisationKind.IP_OFFICE)
    )
    return queryset.filter(
        Q(office_id__in=orgs)
        | (Q(visibility=Visibility.SELECTED) & Q(named))
        | (Q(visibility=Visibility.OFFICES) & Q(in_an_ip_office))
    )


def get_consultation_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    """One consultation the user may read, or the same 404 as for a missing one."""
    try:
        return consultations_visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def consultation_asking_organisations(user: User | AnonymousUser | None) -> QuerySet[Any]:
    """Organisations the user may ask a consultation for: an IP office or the ASEAN
    Secretariat in which they are a policy officer or office admin."""
    from ipcoop.people.models import Organisation, OrganisationKind

    orgs = offices_spoken_for(user)
    return Organisation.objects.filter(
        pk__in=orgs, kind__in=[OrganisationKind.IP_OFFICE, OrganisationKind.SECRETARIAT]
    )


def can_manage_consultation(user: User | AnonymousUser | None, consultation: Any) -> bool:
    """Policy officers and office admins of the asking office mark useful answers,
    close the consultation and send reminders."""
    return speaks_for(user, consultation.office_id)


# Statistics exchange (ipcoop.exchange.statistics) ---------------------------------


def statistics_offices() -> QuerySet[Organisation]:
    """The organisations that report statistics: the IP offices (public reference data)."""
    from ipcoop.people.models import Organisation, OrganisationKind

    return Organisation.objects.filter(kind=OrganisationKind.IP_OFFICE)


def get_statistics_office_or_404(slug: str) -> Organisation:
    """An IP office by slug; anything else (the Academy, an unknown slug) is not found."""
    from ipcoop.people.models import Organisation

    try:
        return statistics_offices().get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None


def can_enter_figures(user: User | AnonymousUser | None, office: Organisation | int) -> bool:
    """Policy officers and office admins of an IP office enter that office's figures only."""
    return speaks_for(user, office)


def figure_entry_offices(user: User | AnonymousUser | None) -> QuerySet[Organisation]:
    """The IP offices whose figures the user may enter (none for platform admins)."""
    return statistics_offices().filter(pk__in=offices_spoken_for(user))


def get_figure_entry_office_or_404(user: User | AnonymousUser | None, slug: str) -> Organisation:
    """An IP office whose figures the user may enter; any other answers like a missing one."""
    from ipcoop.people.models import Organisation

    try:
        return figure_entry_offices(user).get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None


# Search (ipcoop.search) -----------------------------------------------------------
# Every search document carries an audience and, for the audiences that name
# organisations, the organisations allowed. The search index maps each kind's own
# rule onto these (kinds.py): shared items per visibility_q, consultations per
# consultations_visible_to, work-sharing dossiers per worksharing_q. This filter is
# inside every search query, so a hidden item never reaches results, counts, facets
# or snippets.


def search_documents_visible_to(
    user: User | AnonymousUser | None, queryset: QuerySet[Any]
) -> QuerySet[Any]:
    """The search documents in ``queryset`` that ``user`` may find.

    ``public``: everyone. ``offices``: staff of any cooperating organisation and
    platform admins (as ``visibility_q``). ``orgs``: staff of an allowed organisation
    (the owner, and those named for "selected"). ``ip_offices``: staff of an allowed
    organisation or of any IP office (consultations addressed to every office).
    ``ws_offices``: whoever reads work-sharing dossiers at all (``worksharing_office_ids``:
    an examiner, policy officer or office admin of an IP office); ``ws_orgs``: such a
    reader in an allowed office (as ``worksharing_q``); for both, the dossier must also
    be readable now under ``worksharing_q``. The allowed organisations are written in
    the row ("|3|11|"): the test is a substring match on it, not a join.
    """
    from ipcoop.people.models import Organisation, OrganisationKind

    def named(org_ids: Iterable[int]) -> Q:
        condition = Q()
        for org in sorted(org_ids):
            condition |= Q(allowed_orgs__contains=f"|{org}|")
        return condition

    allowed = Q(audience="public")
    if is_cooperating_staff(user):
        allowed |= Q(audience="offices")
    orgs = staff_organisation_ids(user)
    if orgs:
        in_an_ip_office = Exists(
            Organisation.objects.filter(pk__in=orgs, kind=OrganisationKind.IP_OFFICE)
        )
        allowed |= Q(audience__in=["orgs", "ip_offices"]) & named(orgs)
        allowed |= Q(audience="ip_offices") & Q(in_an_ip_office)
    readers = worksharing_office_ids(user)
    if readers:
        from ipcoop.worksharing.models import Application

        # And the dossier as it is now (worksharing_q): a document written before its
        # dossier was narrowed is not found, whenever the index catches up.
        readable_now = Exists(
            Application.objects.filter(worksharing_q(user), pk=OuterRef("object_id"))
        )
        allowed |= (
            (Q(audience="ws_offices") | (Q(audience="ws_orgs") & named(readers)))
            & Q(kind="dossier")
            & Q(readable_now)
        )
    return queryset.filter(allowed)


# Examination work-sharing (ipcoop.worksharing) ------------------------------------
# Dossiers and their work products are read only by examiners, office admins and
# policy officers of cooperating IP offices: never the Academy, the Secretariat,
# platform admins, teachers, learners or visitors. "offices" means every IP office;
# "selected" the owner and the offices in shared_with; "own" the owner only.

WORKSHARING_READER_ROLES = ("examiner", "office_admin", "policy_officer")
WORKSHARING_WRITER_ROLES = ("examiner", "office_admin")


def worksharing_office_ids(
    user: User | AnonymousUser | None, roles: Iterable[str] = WORKSHARING_READER_ROLES
) -> frozenset[int]:
    """IP offices in which the user holds one of ``roles`` (one query per user, cached)."""
    from ipcoop.people.models import Organisation, OrganisationKind

    orgs = organisation_ids_with_role(user, roles)
    if not orgs:
        return frozenset()
    cache = getattr(user, "_ipcoop_ip_offices", None)
    if cache is None:
        cache = frozenset(
            Organisation.objects.filter(kind=OrganisationKind.IP_OFFICE).values_list(
                "pk", flat=True
            )
        )
        user._ipcoop_ip_offices = cache
    return orgs & cache


def worksharing_q(user: User | AnonymousUser | None, prefix: str = "") -> Q | None:
    """A filter on applications (through ``prefix``, e.g. "application__") the user may
    read, or None when the user may read none."""
    from ipcoop.worksharing.models import Application

    orgs = worksharing_office_ids(user)
    if not orgs:
        return None
    named = Exists(
        Application.shared_with.through.objects.filter(
            application_id=OuterRef(f"{prefix}pk" if prefix else "pk"), organisation_id__in=orgs
        )
    )
    return (
        Q(**{f"{prefix}office_id__in": orgs})
        | Q(**{f"{prefix}visibility": Visibility.OFFICES})
        | (Q(**{f"{prefix}visibility": Visibility.SELECTED}) & Q(named))
    )


def applications_visible_to(
    user: User | AnonymousUser | None, queryset: QuerySet[Any]
) -> QuerySet[Any]:
    """The applications in ``queryset`` the user may read."""
    q = worksharing_q(user)
    return queryset.none() if q is None else queryset.filter(q)


def get_application_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    """One application the user may read, or the same 404 as a missing one."""
    try:
        return applications_visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_write_worksharing(user: User | AnonymousUser | None, office: Organisation | int) -> bool:
    """Examiners and office admins of an IP office record its dossiers and work products,
    and answer requests made to it."""
    return getattr(office, "pk", office) in worksharing_office_ids(user, WORKSHARING_WRITER_ROLES)


def share_requests_visible_to(
    user: User | AnonymousUser | None, queryset: QuerySet[Any]
) -> QuerySet[Any]:
    """Requests are read by the requesting office and the office asked (reader roles)."""
    orgs = worksharing_office_ids(user)
    if not orgs:
        return queryset.none()
    return queryset.filter(Q(requesting_office_id__in=orgs) | Q(to_office_id__in=orgs))


def get_share_request_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    try:
        return share_requests_visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def worksharing_documents_visible_to(
    user: User | AnonymousUser | None, queryset: QuerySet[Any]
) -> QuerySet[Any]:
    """Documents of work products (PDFs) are read by whoever may read the application."""
    q = worksharing_q(user, prefix="work_product__application__")
    return queryset.none() if q is None else queryset.filter(q)


def get_worksharing_document_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    """One work-product document the user may read, or the same 404 as a missing one."""
    try:
        return worksharing_documents_visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# ---------------------------------------------------------------------------
# Academy (courses, lessons, questions, attempts)
# ---------------------------------------------------------------------------
# Courses, lessons and questions are written by educators of the Academy and read
# by everyone once published. A draft (or a course in review) is seen only by
# educators: for anyone else it answers 404 like a missing one, in pages, the API
# and catalogue filters alike. A lesson is visible to learners when its course is
# published and it has a published version; learners read that version, never a
# newer draft. Publishing needs a second educator: the one who last changed the
# draft cannot approve it. Visitors without an account may open the first lesson of
# a course; every other lesson, practice and progress need an account. Attempts and
# progress are read only by the learner they belong to.

ACADEMY_AUTHOR_ROLES = ("educator",)


def is_educator(user: User | AnonymousUser | None) -> bool:
    """An educator of the Academy (the role exists only in Academy organisations)."""
    return bool(organisation_ids_with_role(user, ACADEMY_AUTHOR_ROLES))


def can_author_courses(user: User | AnonymousUser | None) -> bool:
    return is_educator(user)


def can_publish_academy_item(user: User | AnonymousUser | None, item: Any) -> bool:
    """A course or lesson version awaiting review may be published by an educator
    other than its author (the last one who changed it)."""
    return (
        is_educator(user)
        and getattr(item, "status", None) == "in_review"
        and item.author_id is not None
        and item.author_id != user.pk
    )


def courses_visible_to(user: User | AnonymousUser | None, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if is_educator(user):
        return queryset
    return queryset.filter(status="published")


def get_course_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    try:
        return courses_visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def lessons_visible_to(user: User | AnonymousUser | None, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Lessons a learner may read: a published version in a published course.
    Educators see every lesson (the player shows them the published version too)."""
    if is_educator(user):
        return queryset
    return queryset.filter(course__status="published", published_version__isnull=False)


def questions_visible_to(
    user: User | AnonymousUser | None, queryset: QuerySet[Any]
) -> QuerySet[Any]:
    return queryset.filter(
        published=True,
        course__status="published",
        lesson__published_version__isnull=False,
    )


def get_question_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    try:
        return questions_visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def may_open_lesson(
    user: User | AnonymousUser | None, lesson: Any, first_lesson_id: int | None
) -> bool:
    """Whether the user may read a visible lesson: anyone the first lesson of its
    course, only signed-in users the others."""
    return bool(user is not None and user.is_authenticated) or lesson.pk == first_lesson_id


# Learning paths: mastery, placement checks and review cards are the learner's own.
# Nobody else reads them, educators and platform admins included; another learner's
# answers like a missing one. Review cards of questions learners cannot see (a
# course or lesson unpublished since) are left out.


def objective_progress_of(user: User | AnonymousUser | None) -> QuerySet[Any]:
    from ipcoop.academy.models import ObjectiveProgress

    if user is None or not user.is_authenticated:
        return ObjectiveProgress.objects.none()
    return ObjectiveProgress.objects.filter(learner=user)


def placements_of(user: User | AnonymousUser | None) -> QuerySet[Any]:
    from ipcoop.academy.models import Placement

    if user is None or not user.is_authenticated:
        return Placement.objects.none()
    return Placement.objects.filter(learner=user)


def reviews_of(user: User | AnonymousUser | None) -> QuerySet[Any]:
    from ipcoop.academy.models import ReviewCard

    if user is None or not user.is_authenticated:
        return ReviewCard.objects.none()
    return ReviewCard.objects.filter(
        learner=user,
        question__published=True,
        question__course__status="published",
        question__lesson__published_version__isnull=False,
    )


def get_review_or_404(user: User | AnonymousUser | None, **lookup: Any) -> Any:
    """One of the user's own review cards, or the same 404 as a missing one."""
    queryset = reviews_of(user).select_related("question__objective", "question__course")
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Certificates
# A certificate is public by its verification code: anyone holding the code reads
# its verification page and its signed credential (what a verifier needs, nothing
# more). The list of someone's certificates and the PDF are read only by the learner
# they belong to; anyone else's answers like a missing one. Academy educators revoke
# certificates (and list the issued ones to find them); nobody edits one.


def certificates_of(user: User | AnonymousUser | None) -> QuerySet[Any]:
    from ipcoop.credentials.models import Certificate

    if user is None or not user.is_authenticated:
        return Certificate.objects.none()
    return Certificate.objects.filter(learner=user)


def get_own_certificate_or_404(user: User | AnonymousUser | None, code: str) -> Any:
    queryset = certificates_of(user)
    try:
        return queryset.select_related("course").get(code=code)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def can_revoke_certificates(user: User | AnonymousUser | None) -> bool:
    return is_educator(user)


# ---------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------

# Meetings (ipcoop.meetings). Visibility of a meeting: "participants" — staff of the
# organising organisation and of the participating ones; "offices" — staff of every
# cooperating organisation and platform admins; "public" — everyone. Hidden meetings
# answer like missing ones (page, calendar file, subscription feed, API, counts).
# The organiser's speakers (policy officers, office admins) run a meeting, and so do
# the ASEAN Secretariat's policy officers, for any meeting they can see: they keep
# the records of ASEAN meetings. Slot polls are read by the staff of the organising
# and participating organisations; each participating office's speakers answer.

MEETING_SECRETARIAT_ROLES = ("policy_officer",)


def meetings_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """A filter on meetings (through ``prefix``, e.g. "meeting__") the user may see."""
    from ipcoop.meetings.models import Meeting

    p = prefix
    allowed = Q(**{f"{p}visibility": "public"})
    if is_cooperating_staff(user):
        allowed |= Q(**{f"{p}visibility": "offices"})
    orgs = staff_organisation_ids(user)
    if orgs:
        participating = Exists(
            Meeting.participants.through.objects.filter(
                meeting_id=OuterRef(f"{p}pk" if p else "pk"), organisation_id__in=orgs
            )
        )
        allowed |= Q(**{f"{p}organiser_id__in": orgs}) | Q(participating)
    return allowed


def meetings_visible_to(
    user: User | AnonymousUser | None, queryset: QuerySet[Any]
) -> QuerySet[Any]:
    """The meetings in ``queryset`` the user may see."""
    return queryset.filter(meetings_q(user))


def get_meeting_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    """One meeting the user may see, or the same 404 as a missing one."""
    try:
        return meetings_visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _is_secretariat_policy_officer(user: User | AnonymousUser | None) -> bool:
    from ipcoop.people.models import OrganisationKind

    orgs = organisation_ids_with_role(user, MEETING_SECRETARIAT_ROLES)
    if not orgs:
        return False
    from ipcoop.people.models import Organisation

    return Organisation.objects.filter(pk__in=orgs, kind=OrganisationKind.SECRETARIAT).exists()


def meeting_organising_organisations(user: User | AnonymousUser | None) -> QuerySet[Organisation]:
    """Organisations the user may organise meetings for: those they speak for."""
    from ipcoop.people.models import Organisation

    return Organisation.objects.filter(pk__in=offices_spoken_for(user))


def can_manage_meeting(user: User | AnonymousUser | None, meeting: Any) -> bool:
    """The organiser's speakers, and the Secretariat's policy officers, change the meeting,
    its agenda, attendance and minutes. Call only for a meeting the user may see."""
    return speaks_for(user, meeting.organiser_id) or _is_secretariat_policy_officer(user)


def meeting_office_ids(meeting: Any) -> set[int]:
    """The organising and participating organisations of a meeting."""
    return {meeting.organiser_id, *(o.pk for o in meeting.participants.all())}


def minutes_comment_offices(user: User | AnonymousUser | None, meeting: Any) -> list[Organisation]:
    """The organising or participating organisations in whose name the user (staff)
    comments on circulated minutes."""
    from ipcoop.people.models import Organisation

    orgs = staff_organisation_ids(user) & meeting_office_ids(meeting)
    return list(Organisation.objects.filter(pk__in=orgs))


def slot_polls_visible_to(
    user: User | AnonymousUser | None, queryset: QuerySet[Any]
) -> QuerySet[Any]:
    """Polls read by staff of the organising and participating organisations."""
    orgs = staff_organisation_ids(user)
    if not orgs:
        return queryset.none()
    through = queryset.model.participants.through
    named = Exists(through.objects.filter(slotpoll_id=OuterRef("pk"), organisation_id__in=orgs))
    return queryset.filter(Q(organiser_id__in=orgs) | Q(named))


def get_slot_poll_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    try:
        return slot_polls_visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_fix_slot_poll(user: User | AnonymousUser | None, poll: Any) -> bool:
    return speaks_for(user, poll.organiser_id) or _is_secretariat_policy_officer(user)


def slot_poll_answer_offices(user: User | AnonymousUser | None, poll: Any) -> list[Organisation]:
    """The participating offices the user answers for (their speakers)."""
    spoken = offices_spoken_for(user)
    return [o for o in poll.participants.all() if o.pk in spoken]


# ---------------------------------------------------------------------------
# Proposals
# ---------------------------------------------------------------------------


# Cooperation proposals (ipcoop.proposals). A draft is read only by staff of its
# proposing offices. Once open (and after it is decided or withdrawn) its visibility
# decides: "participants" — staff of the proposing and participating offices;
# "offices" — staff of every cooperating organisation and platform admins;
# "public" — everyone. Hidden proposals answer like missing ones everywhere.


def proposals_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """A filter on proposals (through ``prefix``, e.g. "proposal__") the user may read."""
    from ipcoop.proposals.models import Proposal

    p = prefix
    outer = OuterRef(f"{p}pk" if p else "pk")
    not_draft = ~Q(**{f"{p}state": "draft"})
    allowed = not_draft & Q(**{f"{p}visibility": "public"})
    if is_cooperating_staff(user):
        allowed |= not_draft & Q(**{f"{p}visibility": "offices"})
    orgs = staff_organisation_ids(user)
    if orgs:
        proposing = Exists(
            Proposal.proposing_offices.through.objects.filter(
                proposal_id=outer, organisation_id__in=orgs
            )
        )
        participating = Exists(
            Proposal.participating_offices.through.objects.filter(
                proposal_id=outer, organisation_id__in=orgs
            )
        )
        allowed |= Q(proposing) | (not_draft & Q(participating))
    return allowed


def proposals_visible_to(
    user: User | AnonymousUser | None, queryset: QuerySet[Any]
) -> QuerySet[Any]:
    """The proposals in ``queryset`` the user may read."""
    return queryset.filter(proposals_q(user))


def get_proposal_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    """One proposal the user may read, or the same 404 as a missing one."""
    try:
        return proposals_visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def proposing_organisations(user: User | AnonymousUser | None) -> QuerySet[Organisation]:
    """Organisations the user may propose for: those they speak for (policy officers and
    office admins). Platform admins speak for no office and propose nothing."""
    from ipcoop.people.models import Organisation

    return Organisation.objects.filter(pk__in=offices_spoken_for(user))


def can_amend_proposal(user: User | AnonymousUser | None, proposal: Any) -> bool:
    """Speakers of any proposing office amend, open and withdraw the proposal."""
    spoken = offices_spoken_for(user)
    return bool(spoken) and any(o.pk in spoken for o in proposal.proposing_offices.all())


def endorsing_offices(user: User | AnonymousUser | None, proposal: Any) -> list[Organisation]:
    """The participating offices the user endorses for (as policy officer or office admin)."""
    spoken = offices_spoken_for(user)
    if not spoken:
        return []
    return [o for o in proposal.participating_offices.all() if o.pk in spoken]


def discussion_offices(user: User | AnonymousUser | None, proposal: Any) -> list[Organisation]:
    """The offices, proposing or participating, in whose name the user (staff) may write
    in the proposal's discussion thread."""
    orgs = staff_organisation_ids(user)
    if not orgs:
        return []
    seen: dict[int, Organisation] = {}
    for office in [*proposal.proposing_offices.all(), *proposal.participating_offices.all()]:
        if office.pk in orgs:
            seen.setdefault(office.pk, office)
    return list(seen.values())


# ---------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------


# Cooperation projects (ipcoop.projects). A project is read by whoever may read the
# proposal it came from (so counts, CSV and the SDG view follow the proposal's
# visibility). Speakers of the lead office manage it; staff of an action's owner
# office, and the lead office's speakers, update that action.


def projects_visible_to(
    user: User | AnonymousUser | None, queryset: QuerySet[Any]
) -> QuerySet[Any]:
    """The projects in ``queryset`` the user may read."""
    return queryset.filter(proposals_q(user, prefix="proposal__"))


def get_project_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    """One project the user may read, or the same 404 as a missing one."""
    try:
        return projects_visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_manage_project(user: User | AnonymousUser | None, project: Any) -> bool:
    """Policy officers and office admins of the lead office manage the project."""
    return speaks_for(user, project.lead_office_id)


def can_update_action(user: User | AnonymousUser | None, action: Any, project: Any) -> bool:
    """Staff of the action's owner office, or the lead office's speakers."""
    return action.owner_office_id in staff_organisation_ids(user) or can_manage_project(
        user, project
    )


# ---------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------
# An inbox is personal: each person reads and marks only their own items. Anyone
# else's item answers like a missing one, platform admins included.


def notifications_of(user: User | AnonymousUser | None) -> QuerySet[Any]:
    """The user's own inbox items, newest first (none for visitors)."""
    from ipcoop.notifications.models import Notification

    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def get_notification_or_404(user: User | AnonymousUser | None, pk: Any) -> Any:
    """One of the user's own items, or the same 404 as for a missing one."""
    from ipcoop.notifications.models import Notification

    try:
        return notifications_of(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# ---------------------------------------------------------------------------
# Classes and children
# ---------------------------------------------------------------------------
# Teachers (the platform-wide teacher role, any school, any country) run classes.
# A teacher sees only their own classes and the children in them; anyone else's
# class answers like a missing one, platform admins included. Children join with a
# class code and a picture password: their accounts have no e-mail, no public
# profile and appear on no list outside their class. Academy educators see counts
# per class (classes.services.class_aggregates), never a child's name. A child's
# answers and progress are stored only when may_store_learning says so: a parent's
# consent is recorded, or the country's rule does not ask for it (the child is at or
# over the consent age). Until then a child reads and practises, and nothing of it
# outlives the browser session.


def is_teacher(user: User | AnonymousUser | None) -> bool:
    from ipcoop.people.models import Role

    return has_role(user, [Role.TEACHER])


def classes_of(user: User | AnonymousUser | None, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The classes in ``queryset`` the user teaches."""
    if not is_teacher(user):
        return queryset.none()
    return queryset.filter(teacher=user)


def get_class_or_404(
    user: User | AnonymousUser | None, queryset: QuerySet[Any], **lookup: Any
) -> Any:
    """One of the user's own classes, or the same 404 as for a missing one."""
    try:
        return classes_of(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def class_membership(user: User | AnonymousUser | None) -> Any:
    """The user's place in a class (with the class and any consent), or None."""
    if user is None or not user.is_authenticated:
        return None
    # Read once per user object (a request's user asks several times per page).
    member = getattr(user, "_ipcoop_class_membership", _UNREAD)
    if member is _UNREAD:
        from ipcoop.classes.models import ClassMember
        from ipcoop.web.generations import CLASSES

        def read() -> Any:
            found = ClassMember.objects.select_related("school_class", "consent")
            return found.filter(user=user).first()

        # Kept across a reader's GET requests while classes and consents stay as they
        # are, like their roles (``_roles``).
        remember = getattr(user, "_ipcoop_remember", None)
        member = remember("class", read, depends=(CLASSES,)) if remember is not None else read()
        user._ipcoop_class_membership = member
    return member


_UNREAD = object()


def forget_class_membership(user: User) -> None:
    """Drop the membership read by ``class_membership`` after its consent changed."""
    user.__dict__.pop("_ipcoop_class_membership", None)


def is_child(user: User | AnonymousUser | None) -> bool:
    """Whether the account is a child's, made by joining a class."""
    return class_membership(user) is not None


def may_store_learning(user: User | AnonymousUser | None) -> bool:
    """Whether the user's answers and progress may be stored: always for a learner who
    is not a child in a class; for a child, only once the consent their country's rule
    asks for is recorded. Visitors have nothing stored."""
    if user is None or not user.is_authenticated:
        return False
    member = class_membership(user)
    if member is None:
        return True
    from ipcoop.classes.rules import consent_satisfied

    return consent_satisfied(member)


def may_see_class_aggregates(user: User | AnonymousUser | None) -> bool:
    """Academy educators read per-class counts (no names) to follow the programme."""
    return is_educator(user)


# ---------------------------------------------------------------------------
# Learning analytics
# ---------------------------------------------------------------------------
# Aggregate Academy figures (ipcoop.analytics): learners, attempts, completions and
# mastery per month, country of the learners, audience and course; never a name.
# Academy educators and platform admins read every country. Policy officers and
# office admins of an IP office read their own country (the office's ST.3 code; both
# Cambodian offices read Cambodia) and the regional totals. Everyone else (teachers,
# learners, examiners, the Secretariat, visitors) gets the same 404 as a missing page.

LEARNING_ANALYTICS_OFFICE_ROLES = SPEAKER_ROLES


def learning_analytics_countries(user: User | AnonymousUser | None) -> frozenset[str] | None:
    """The learners' countries whose figures the user reads one by one: None for every
    country; a set for an IP office's speakers (regional totals are read as well).
    Raises Http404 for anyone who may not read learning analytics."""
    if is_platform_admin(user) or is_educator(user):
        return None
    office_ids = organisation_ids_with_role(user, LEARNING_ANALYTICS_OFFICE_ROLES)
    if office_ids:
        from ipcoop.people.models import Organisation, OrganisationKind

        codes = frozenset(
            Organisation.objects.filter(
                pk__in=office_ids, kind=OrganisationKind.IP_OFFICE
            ).values_list("code", flat=True)
        ) - {""}
        if codes:
            return codes
    raise Http404


def may_read_learning_analytics(user: User | AnonymousUser | None) -> bool:
    """Whether the user reads any learning analytics (to offer the link)."""
    try:
        learning_analytics_countries(user)
    except Http404:
        return False
    return True
