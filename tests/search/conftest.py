"""Helpers for search tests: items made through the real services of each kind."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from ipcoop.exchange.consultations import services as consultations
from ipcoop.exchange.practice import services as practice
from ipcoop.exchange.updates import services as updates
from ipcoop.search.services import search


def post(personas, *, title, summary="A short summary.", visibility="public", office=None, **kw):
    """An update by KIPO's policy officer (or IPOS's, for IPOS)."""
    office = office or personas.kipo
    author = personas.kipo_policy if office == personas.kipo else personas.ipos_policy
    return updates.post_update(
        author=author,
        office=office,
        kind="notice",
        title=title,
        summary=summary,
        visibility=visibility,
        **kw,
    )


def ask(personas, *, title, body="We would like to compare practice.", to=None):
    return consultations.ask_consultation(
        by=personas.kipo_policy,
        office=personas.kipo,
        title=title,
        body=body,
        area="ai",
        due_date=timezone.localdate() + timedelta(days=14),
        to_offices=to,
    )


def question(*, text, slug, explanation=""):
    return practice.create_question(
        by=None, question=text, area="ai", right="patent", slug=slug, explanation=explanation
    )


def position(personas, *, question, summary, visibility="offices", office=None, by=None):
    item, _changed = practice.save_position(
        by=by or personas.kipo_policy,
        question=question,
        office=office or personas.kipo,
        base_version=0,
        answer="yes",
        summary=summary,
        source_title="Examination guidelines",
        visibility=visibility,
    )
    return item


def found(user, query, **kw):
    """(kind, object id) of every hit for ``user`` (first page)."""
    results = search(user=user or AnonymousUser(), query=query, **kw)
    return {(hit.kind, hit.object_id) for hit in results.hits}
