"""API endpoints of the inbox: list, one item, mark read, mark all read, unread count,
e-mail preferences.

An inbox is personal: someone else's item answers 404 with the same body as an item
that does not exist. Every endpoint calls the same access helpers and services as
the pages.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from ipcoop import access
from ipcoop.apischema import AUTH_ERRORS, INVALID, NOT_FOUND
from ipcoop.notifications import services
from ipcoop.notifications.models import DigestFrequency, Kind, Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    subject: str
    url: str
    urgent: bool
    created_at: datetime
    read_at: datetime | None
    unread: bool


class ListFilters(Schema):
    kind: Kind | None = None
    unread: bool = False
    limit: int = 50
    offset: int = 0


class CountOut(Schema):
    unread: int


class ReadAllIn(Schema):
    kind: Kind | None = None


class MarkedOut(Schema):
    marked: int


class PreferenceOut(Schema):
    digest: DigestFrequency
    urgent_email: bool
    last_digest_at: datetime | None


class PreferenceIn(Schema):
    digest: DigestFrequency
    urgent_email: bool


def _preference_out(pref) -> dict:
    return {
        "digest": pref.digest,
        "urgent_email": pref.urgent_email,
        "last_digest_at": pref.last_digest_at,
    }


def _out(item: Notification) -> dict:
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_label": item.kind_label,
        "subject": item.subject,
        "url": item.url,
        "urgent": item.urgent,
        "created_at": item.created_at,
        "read_at": item.read_at,
        "unread": item.is_unread,
    }


@router.get("", response={200: list[NotificationOut], **AUTH_ERRORS, **INVALID}, summary="Inbox")
def list_notifications(request: HttpRequest, filters: Query[ListFilters]):
    """Your inbox, newest first. Filter by `kind` and `unread`; page with `limit`
    (at most 200) and `offset`. `kind_label` is in the language of the request."""
    limit = max(0, min(filters.limit, 200))
    offset = max(0, filters.offset)
    items = access.notifications_of(request.auth)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.unread:
        items = items.filter(read_at__isnull=True)
    return [_out(item) for item in items[offset : offset + limit]]


@router.get("/unread-count", response={200: CountOut, **AUTH_ERRORS}, summary="Unread count")
def unread(request: HttpRequest):
    """How many items in your inbox are unread."""
    return {"unread": services.unread_count(request.auth)}


@router.post(
    "/read-all", response={200: MarkedOut, **AUTH_ERRORS, **INVALID}, summary="Mark all read"
)
def read_all(request: HttpRequest, payload: ReadAllIn):
    """Mark every unread item read (of one `kind`, when given)."""
    return {"marked": services.mark_all_read(user=request.auth, kind=payload.kind)}


@router.get(
    "/preferences", response={200: PreferenceOut, **AUTH_ERRORS}, summary="E-mail preferences"
)
def get_preferences(request: HttpRequest):
    """How your inbox reaches you by e-mail: `digest` (off, daily, weekly) and
    `urgent_email` (urgent items at once)."""
    pref = services.preference_of(request.auth)
    return _preference_out(pref)


@router.put(
    "/preferences",
    response={200: PreferenceOut, **AUTH_ERRORS, **INVALID},
    summary="Change e-mail preferences",
)
def put_preferences(request: HttpRequest, payload: PreferenceIn):
    """Save your e-mail preferences. 422 when a value is not valid."""
    pref = services.set_preferences(
        user=request.auth, digest=payload.digest, urgent_email=payload.urgent_email
    )
    return _preference_out(pref)


@router.get(
    "/{notification_id}",
    response={200: NotificationOut, **AUTH_ERRORS, **NOT_FOUND},
    summary="One item",
)
def get_notification(request: HttpRequest, notification_id: int):
    """One item of your inbox. 404 (same body as a missing one) for anyone else's."""
    return _out(access.get_notification_or_404(request.auth, notification_id))


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, **AUTH_ERRORS, **NOT_FOUND},
    summary="Mark one item read",
)
def read(request: HttpRequest, notification_id: int):
    """Mark one of your items read. 404 (same body as a missing one) for anyone else's."""
    item = access.get_notification_or_404(request.auth, notification_id)
    return _out(services.mark_read(user=request.auth, notification=item))
