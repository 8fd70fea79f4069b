"""What can happen to people, roles, tokens and the audit log.

Each function lists its side effects. HTML views, API endpoints and console
commands all call these; none of them writes these models directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcoop.access import forget_roles, is_child
from ipcoop.lib import tokens
from ipcoop.lib.net import client_address
from ipcoop.people.models import (
    ROLE_ORGANISATION_KINDS,
    ApiToken,
    AuditAction,
    AuditEvent,
    Membership,
    Organisation,
    Role,
    TwoFactorDevice,
    User,
)

TOKEN_PREFIX = "ipc_"  # noqa: S105 (a label, not a secret)
# last_used_at is written at most this often per token, not on every request.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


# Audit log ----------------------------------------------------------------------


def _organisation_ids(user: User) -> set[int]:
    """The organisations a user belongs to: where their audit events are filed."""
    return {m.organisation_id for m in user.memberships.all() if m.organisation_id}


@transaction.atomic
def record_event(
    *,
    action: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
    obj: Any = None,
    organisations: Iterable[Organisation | int] | None = None,
    actor_name: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event.

    Side effects: creates an AuditEvent and its organisation links, in one
    transaction. When ``organisations`` is None, the event is filed under every
    organisation the actor belongs to, so those organisations' admins can read it.
    """
    if organisations is None:
        organisations = _organisation_ids(actor) if actor is not None else set()
    event = AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_name=(actor.username if actor is not None else actor_name)[:150],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        client_address=client_address(request) if request is not None else None,
        detail=detail or {},
    )
    # A new event links to nothing yet: added without reading the links first.
    event.organisations.add(*organisations)
    return event


# Accounts -----------------------------------------------------------------------


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str | None,
    email: str = "",
    display_name: str = "",
    preferred_language: str = "en",
    country: str = "",
    time_zone: str = "UTC",
    is_platform_admin: bool = False,
) -> User:
    """Create a user after validating every field.

    Side effects: creates a User. Raises ValidationError (nothing written) when a
    field is invalid or the username is taken.
    """
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        preferred_language=preferred_language,
        country=country,
        time_zone=time_zone,
        is_staff=is_platform_admin,
        is_superuser=is_platform_admin,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.error_list}) from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def sign_up_learner(*, request: HttpRequest | None, **fields: Any) -> User:
    """Create a learner's account.

    Side effects: creates a User and a platform-wide learner Membership, writes a
    sign-up audit event.
    """
    user = create_user(**fields)
    Membership.objects.create(user=user, role=Role.LEARNER)
    record_event(action=AuditAction.SIGN_UP, actor=user, request=request, obj=user)
    return user


def _since_window() -> Any:
    return timezone.now() - timedelta(minutes=settings.SIGNIN_FAILURE_WINDOW_MINUTES)


def sign_in_blocked(*, username: str, address: str | None) -> bool:
    """Whether too many sign-ins failed lately for this username or from this address.

    Counted from the audit log, so every application server sees the same count.
    """
    since = _since_window()
    failures = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED, created_at__gte=since)
    if failures.filter(actor_name=username.lower()[:150]).count() >= settings.SIGNIN_FAILURE_LIMIT:
        return True
    return bool(
        address
        and failures.filter(client_address=address).count()
        >= settings.SIGNIN_FAILURE_LIMIT_PER_ADDRESS
    )


def sign_in_throttled_error() -> ValidationError:
    return ValidationError(
        _(
            "Too many failed sign-ins. Wait %(minutes)d minutes and try again, "
            "or reset your password."
        )
        % {"minutes": settings.SIGNIN_FAILURE_WINDOW_MINUTES},
        code="throttled",
    )


def record_sign_in_failure(
    *, request: HttpRequest | None, username: str, user: User | None, step: str | None = None
) -> None:
    """A failed sign-in (or failed code) in the log, where sign_in_blocked counts it."""
    record_event(
        action=AuditAction.SIGN_IN_FAILED,
        actor=None,
        actor_name=username.lower(),
        request=request,
        obj=user,
        organisations=_organisation_ids(user) if user else set(),
        detail={"step": step} if step else None,
    )


def has_two_factor(user: User) -> bool:
    """Whether the user signs in with a code from an authenticator app too (see two_factor)."""
    return TwoFactorDevice.objects.filter(user=user).exists()


def sign_in(*, request: HttpRequest, username: str, password: str) -> User:
    """Check a username and password, with throttling.

    Side effects: writes a failed sign-in audit event, or for a user without
    two-factor sign-in a sign-in event. Raises ValidationError with a message for the
    person when the sign-in fails or is throttled. Does not start the session: the
    caller does (django.contrib.auth.login). For a user with two-factor sign-in
    (``has_two_factor``) the password is only the first step: the caller asks for a
    code and finishes with ``sign_in_with_code``, which writes the sign-in event.
    """
    address = client_address(request)
    if sign_in_blocked(username=username, address=address):
        raise sign_in_throttled_error()
    user = authenticate(request, username=username, password=password)
    if user is None:
        known = User.objects.filter(username__iexact=username).first()
        record_sign_in_failure(request=request, username=username, user=known)
        raise ValidationError(
            _("That username and password do not match. Check both and try again."),
            code="invalid_login",
        )
    if not has_two_factor(user):
        record_event(action=AuditAction.SIGN_IN, actor=user, request=request, obj=user)
    return user


@transaction.atomic
def update_profile(
    *,
    user: User,
    display_name: str,
    email: str,
    preferred_language: str,
    country: str,
    time_zone: str,
) -> User:
    """Change a user's own profile.

    Side effects: saves the User. Raises ValidationError (nothing written) on bad input.
    """
    user.display_name = display_name
    user.email = email
    user.preferred_language = preferred_language
    user.country = country
    user.time_zone = time_zone
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=["display_name", "email", "preferred_language", "country", "time_zone"])
    return user


# Roles --------------------------------------------------------------------------


def check_role_fits(*, role: str, organisation: Organisation | None) -> None:
    """Raise ValidationError when the role cannot be held in that kind of organisation."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role: %(role)s.") % {"role": role}, code="invalid_role")
    kind = organisation.kind if organisation is not None else None
    if kind not in ROLE_ORGANISATION_KINDS[role]:
        if organisation is None:
            message = _("The role %(role)s is held in an organisation: choose one.")
        else:
            message = _("The role %(role)s cannot be held in %(organisation)s.")
        raise ValidationError(
            message % {"role": Role(role).label, "organisation": organisation},
            code="role_organisation",
        )


@transaction.atomic
def grant_role(
    *,
    by: User | None,
    user: User,
    role: str,
    organisation: Organisation | None,
    request: HttpRequest | None = None,
) -> Membership:
    """Give a user a role (idempotent).

    Side effects: creates a Membership unless it exists, writes a role-granted
    audit event filed under the organisation. Raises ValidationError when the role
    does not fit the organisation.
    """
    check_role_fits(role=role, organisation=organisation)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        forget_roles(user)
        record_event(
            action=AuditAction.ROLE_GRANTED,
            actor=by,
            actor_name="system" if by is None else "",
            request=request,
            obj=user,
            organisations=[organisation] if organisation else [],
            detail={"role": role, "organisation": organisation.slug if organisation else None},
        )
    return membership


@transaction.atomic
def revoke_role(
    *, by: User | None, membership: Membership, request: HttpRequest | None = None
) -> None:
    """Take a role away.

    Side effects: deletes the Membership, writes a role-revoked audit event
    filed under the organisation.
    """
    organisation = membership.organisation
    user = membership.user
    role = membership.role
    membership.delete()
    forget_roles(user)
    record_event(
        action=AuditAction.ROLE_REVOKED,
        actor=by,
        actor_name="system" if by is None else "",
        request=request,
        obj=user,
        organisations=[organisation] if organisation else [],
        detail={"role": role, "organisation": organisation.slug if organisation else None},
    )


# Personal API tokens ------------------------------------------------------------


@transaction.atomic
def create_token(
    *, user: User, name: str, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Make a personal API token.

    Returns the stored token and the secret, which is shown once and never stored.
    Side effects: creates an ApiToken (digest only) and a token-created audit event.
    Children in a class have no API tokens (their accounts are kept to the class).
    """
    if is_child(user):
        raise ValidationError(_("Accounts of children in a class have no API tokens."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. 'office system'.")})
    if len(name) > 80:
        raise ValidationError({"name": _("Use at most 80 characters for the name.")})
    secret = tokens.new_secret(TOKEN_PREFIX)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:10], digest=tokens.digest(secret)
    )
    record_event(action=AuditAction.TOKEN_CREATED, actor=user, request=request, obj=token)
    return token, secret


@transaction.atomic
def revoke_token(*, user: User, token: ApiToken, request: HttpRequest | None = None) -> None:
    """Revoke a token (idempotent).

    Side effects: sets revoked_at, writes a token-revoked audit event.
    """
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(action=AuditAction.TOKEN_REVOKED, actor=user, request=request, obj=token)


def user_for_token(secret: str) -> User | None:
    """The active user a token belongs to, or None for an unknown or revoked token.

    Side effects: updates the token's last_used_at (at most once a minute).
    """
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=tokens.digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def record_confidential_read(*, user: User, item: Any, request: HttpRequest | None = None) -> None:
    """Log that ``user`` read a shared item that is not public.

    Side effects: writes a confidential-read audit event, filed under the item's
    owning office (so its admins see who read their data) and the reader's own
    organisations. Public items are not logged.
    """
    from ipcoop.access import Visibility

    if getattr(item, "visibility", Visibility.PUBLIC) == Visibility.PUBLIC:
        return
    organisations = {item.office_id} | _organisation_ids(user)
    record_event(
        action=AuditAction.CONFIDENTIAL_READ,
        actor=user,
        request=request,
        obj=item,
        organisations=organisations,
        detail={"visibility": item.visibility},
    )
