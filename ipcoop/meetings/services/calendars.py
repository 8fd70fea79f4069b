"""Calendar subscription tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ipcoop.lib import tokens
from ipcoop.meetings.models import CalendarToken
from ipcoop.people.models import User

CALENDAR_TOKEN_PREFIX = "ipcal_"  # noqa: S105 (a label, not a secret)


# Calendar subscription tokens ------------------------------------------------------
# The same scheme as the private Atom feed of policy updates (and its digest helper):
# a random secret shown once, only its SHA-256 digest stored, revocable.


def active_calendar_token(user: User) -> CalendarToken | None:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def create_calendar_token(*, user: User) -> tuple[CalendarToken, str]:
    """Make a new calendar subscription address for ``user``; the old one stops working.

    Returns the stored token and the secret, which is shown once and never stored.
    Side effects: revokes the user's active calendar token, creates a CalendarToken
    (digest only).
    """
    revoke_calendar_token(user=user)
    secret = tokens.new_secret(CALENDAR_TOKEN_PREFIX)
    token = CalendarToken.objects.create(
        user=user, prefix=secret[:10], digest=tokens.digest(secret)
    )
    return token, secret


def revoke_calendar_token(*, user: User) -> int:
    """Stop the user's calendar address from working (idempotent).

    Side effects: sets revoked_at on the user's active calendar tokens. Returns how many.
    """
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def user_for_calendar_token(secret: str) -> User | None:
    """The active user whose calendar address holds ``secret``; None when unknown or
    revoked. No side effects."""
    if not secret.startswith(CALENDAR_TOKEN_PREFIX):
        return None
    token = (
        CalendarToken.objects.select_related("user")
        .filter(digest=tokens.digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return token.user if token else None
