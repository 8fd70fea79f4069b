"""API endpoints of policy updates: list, read one, post.

Reading needs no sign-in: anonymous callers see public updates only; a token or a
session adds what the caller's offices may see. Hidden updates answer exactly like
missing ones (404, same body).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthorizationError

from ipcoop import access
from ipcoop.access import Visibility
from ipcoop.apischema import AUTH_ERRORS, INVALID, NOT_FOUND, ErrorOut, TokenAuth
from ipcoop.exchange.updates import services
from ipcoop.exchange.updates.models import Kind, PolicyUpdate, Tag
from ipcoop.lib.markup import render_markdown
from ipcoop.people.models import Organisation

router = Router(tags=["updates"])

KindName = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
TagName = Literal[tuple(Tag.values)]  # type: ignore[valid-type]
VisibilityName = Literal[tuple(Visibility.values)]  # type: ignore[valid-type]


def _viewer(request: HttpRequest) -> Any:
    """Who reads: the token's owner, else the session's user, else an anonymous visitor.

    Reads take credentials optionally, so they are checked here rather than by the
    router: a wrong or revoked token is still refused (401), never read as anonymous.
    """
    TokenAuth()(request)  # raises AuthenticationError; sets request.user for a good token
    return request.user


class AttachmentOut(Schema):
    name: str
    content_type: str
    size: int
    url: str


class UpdateOut(Schema):
    id: int
    url: str
    office: str
    office_name: str
    kind: str
    title: str
    summary: str
    body: str = Field(description="Markdown, as the author wrote it.")
    body_html: str = Field(description="The body rendered to sanitised HTML.")
    effective_date: date | None
    source_url: str
    tags: list[str]
    visibility: str
    offices: list[str] | None = Field(
        description="The offices a 'selected' update is shared with; shown only to the "
        "owning office's staff (null for everyone else)."
    )
    author: str | None
    created_at: datetime
    updated_at: datetime
    attachments: list[AttachmentOut]


class UpdatePage(Schema):
    count: int
    page: int
    pages: int
    items: list[UpdateOut]


class UpdateIn(Schema):
    kind: KindName
    title: str
    summary: str
    body: str = ""
    effective_date: date | None = None
    source_url: str = ""
    tags: list[TagName] = []
    visibility: VisibilityName = Visibility.OWN.value
    offices: list[str] = Field(
        default=[], description="Slugs of the offices to share with when visibility is 'selected'."
    )
    office: str | None = Field(
        default=None,
        description="Slug of the office posting; needed only if you post for more than one.",
    )


class UpdateFilters(Schema):
    office: str | None = Field(default=None, description="Slug of the posting office.")
    kind: KindName | None = None
    tag: TagName | None = None
    since: datetime | None = Field(
        default=None, description="Only updates published or changed at or after this time."
    )
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=100)


def _out(request: HttpRequest, update: PolicyUpdate, viewer: Any) -> dict[str, Any]:
    owner_staff = update.office_id in access.staff_organisation_ids(viewer)
    return {
        "id": update.pk,
        "url": request.build_absolute_uri(update.get_absolute_url()),
        "office": update.office.slug,
        "office_name": update.office.short_name,
        "kind": update.kind,
        "title": update.title,
        "summary": update.summary,
        "body": update.body,
        "body_html": str(render_markdown(update.body)),
        "effective_date": update.effective_date,
        "source_url": update.source_url,
        "tags": update.tag_values,
        "visibility": update.visibility,
        "offices": [o.slug for o in update.shared_with.all()] if owner_staff else None,
        "author": update.author.shown_name if update.author else None,
        "created_at": update.created_at,
        "updated_at": update.updated_at,
        "attachments": [
            {
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "url": request.build_absolute_uri(
                    reverse("updates:attachment", args=[update.pk, a.pk])
                ),
            }
            for a in update.attachments.all()
        ],
    }


@router.get(
    "",
    response={200: UpdatePage, 401: ErrorOut, **INVALID},
    auth=None,
    summary="List policy updates",
)
def list_updates(request: HttpRequest, filters: Query[UpdateFilters]):
    """The updates the caller may see, newest first, `per_page` at a time.

    - **200**: a page of updates (`count` is the total; `pages` how many pages).
    - **401**: the Authorization header holds an unknown or revoked token.
    - **422**: a filter is not valid (unknown kind or tag, bad date, page < 1).

    Credentials are optional: without them only public updates are listed; with a
    personal token (`Authorization: Bearer …`) or a session, also what your offices
    may see.
    """
    viewer = _viewer(request)
    updates = services.updates_for(
        viewer,
        office=filters.office,
        kind=filters.kind,
        tag=filters.tag,
        changed_since=filters.since,
    ).prefetch_related("shared_with")
    count = updates.count()
    start = (filters.page - 1) * filters.per_page
    items = updates[start : start + filters.per_page]
    return {
        "count": count,
        "page": filters.page,
        "pages": max(1, math.ceil(count / filters.per_page)),
        "items": [_out(request, update, viewer) for update in items],
    }


@router.get(
    "/{update_id}",
    response={200: UpdateOut, 401: ErrorOut, **NOT_FOUND},
    auth=None,
    summary="One policy update",
)
def get_update(request: HttpRequest, update_id: int):
    """One update.

    - **200**: the update.
    - **401**: the Authorization header holds an unknown or revoked token.
    - **404**: no such update, or one the caller may not see (the same answer).

    Credentials are optional, as for the list. Reading an update marks it read for
    you; reading one that is not public is written to the audit log.
    """
    viewer = _viewer(request)
    update = access.get_visible_or_404(
        viewer,
        PolicyUpdate.objects.select_related("office", "author").prefetch_related(
            "tag_links", "attachments", "shared_with"
        ),
        pk=update_id,
    )
    services.record_read(user=viewer, update=update, request=request)
    return _out(request, update, viewer)


def _office_for(user: Any, slug: str | None) -> Organisation:
    offices = list(Organisation.objects.filter(pk__in=access.update_writer_office_ids(user)))
    if not offices:
        raise AuthorizationError(
            message="Only policy officers and office admins post updates for their office."
        )
    if slug is None:
        if len(offices) > 1:
            raise ValidationError(
                {
                    "office": "You post for several offices: name one of "
                    + ", ".join(o.slug for o in offices)
                    + "."
                }
            )
        return offices[0]
    for office in offices:
        if office.slug == slug:
            return office
    raise ValidationError(
        {
            "office": "You do not post for that office. Use one of: "
            + ", ".join(o.slug for o in offices)
            + "."
        }
    )


@router.post(
    "",
    response={201: UpdateOut, **AUTH_ERRORS, **INVALID},
    summary="Post a policy update",
)
def post_update(request: HttpRequest, payload: UpdateIn):
    """Publish an update for your office (attachments are added on the web page).

    - **201**: the update is published; the body is the new update.
    - **401**: no session or valid token.
    - **403**: you are not a policy officer or office admin of any office.
    - **422**: a field is not valid; `errors` names each field and what to fix
      (e.g. `visibility` 'selected' with no `offices`, or an unknown office slug).
    """
    user = request.auth
    office = _office_for(user, payload.office)
    slugs = list(dict.fromkeys(payload.offices))
    shared = list(Organisation.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {o.slug for o in shared})
    if unknown:
        raise ValidationError({"offices": "Unknown office slugs: " + ", ".join(unknown) + "."})
    update = services.post_update(
        author=user,
        office=office,
        kind=payload.kind,
        title=payload.title,
        summary=payload.summary,
        body=payload.body,
        effective_date=payload.effective_date,
        source_url=payload.source_url,
        tags=payload.tags,
        visibility=payload.visibility,
        shared_with=shared,
    )
    update = (
        PolicyUpdate.objects.select_related("office", "author")
        .prefetch_related("tag_links", "attachments", "shared_with")
        .get(pk=update.pk)
    )
    return Status(201, _out(request, update, user))
