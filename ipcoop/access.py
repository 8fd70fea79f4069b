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
        cached = list(user.memberships.values_list("organisation_id", "role"))
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
