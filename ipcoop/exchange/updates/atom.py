"""Atom 1.0 documents of policy updates (RFC 4287), written with Django's feed generator."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from ipcoop.exchange.updates.models import PolicyUpdate


def atom_response(
    request: HttpRequest,
    updates: Iterable[PolicyUpdate],
    *,
    title: str,
    feed_id: str,
    self_url: str,
) -> HttpResponse:
    """An Atom feed of ``updates``: feed id/updated/title, each entry's id, title, updated,
    published, link, summary, author and categories.

    The summary goes out as type="html", so the plain-text summary is HTML-escaped
    first (the XML writer then escapes it once more, as the format requires).
    """
    feed = Atom1Feed(
        title=title,
        link=request.build_absolute_uri("/updates/"),
        description="",
        feed_url=self_url,
        feed_guid=feed_id,
        language=getattr(request, "LANGUAGE_CODE", "en"),
    )
    for update in updates:
        link = request.build_absolute_uri(update.get_absolute_url())
        feed.add_item(
            title=update.title,
            link=link,
            description=escape(update.summary),
            unique_id=link,
            pubdate=update.created_at,
            updateddate=update.updated_at,
            author_name=update.office.short_name,
            categories=[update.kind, *update.tag_values],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
