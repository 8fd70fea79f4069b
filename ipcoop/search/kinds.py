"""The kinds of things search finds: a registry, one entry per kind.

Adding a kind (courses, dossiers, meetings …) takes a few lines: a function turning
one object into a ``Document`` (which says who may find it, mapping the kind's own
access rule onto an ``Audience``), then ``register(Kind(...))``. Its services call
``ipcoop.search.services.index_item`` / ``remove_item`` when they create, change or
delete one, and ``reindex`` picks up the rest.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ipcoop.access import Visibility
from ipcoop.lib.markup import plain_text
from ipcoop.search.models import Audience

BODY_LIMIT = 20_000


@dataclass
class Document:
    """What the index keeps of one item."""

    title: str
    body: str
    url: str
    created_at: datetime
    updated_at: datetime
    audience: str
    visibility: str
    office_id: int | None = None
    allowed: Iterable[int] = ()
    tags: Iterable[str] = ()
    extra: str = ""  # searchable but not shown (codes, office names)
    language: str = ""  # empty: told from the text's script


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    model: str  # "app_label.ModelName"
    queryset: Callable[[], QuerySet[Any]]
    document: Callable[[Any], Document]
    plural: str | Promise = field(default="")


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def kind_of(obj: Model) -> Kind:
    """The kind of a model instance; LookupError for models search does not index."""
    label = obj._meta.label
    for kind in KINDS.values():
        if kind.model == label:
            return kind
    raise LookupError(f"{label} is not a searchable kind")


def shared_item_audience(item: Any) -> tuple[str, set[int]]:
    """The audience of a ``SharedItem`` under ``access.visibility_q``'s rule."""
    if item.visibility == Visibility.PUBLIC:
        return Audience.PUBLIC, set()
    if item.visibility == Visibility.OFFICES:
        return Audience.OFFICES, set()
    allowed = {item.office_id}
    if item.visibility == Visibility.SELECTED:
        allowed |= {org.pk for org in item.shared_with.all()}
    return Audience.ORGANISATIONS, allowed


def _text(markdown: str) -> str:
    return html.unescape(plain_text(markdown))


# Practice questions and office positions (ipcoop.exchange.practice) -------------


def _question_document(question: Any) -> Document:
    return Document(
        title=question.question,
        body=_text(question.explanation),
        url=reverse("practice:question", args=[question.slug]),
        created_at=question.created_at,
        updated_at=question.created_at,
        audience=Audience.PUBLIC,  # questions are reference data every visitor reads
        visibility=Visibility.PUBLIC,
        tags=[question.area, question.right],
        extra=" ".join([*question.ipc_symbols, *(str(n) for n in question.nice_classes)]),
        language="en",
    )


def _position_document(position: Any) -> Document:
    audience, allowed = shared_item_audience(position)
    question = position.question
    body = "\n".join(
        part for part in (position.summary, position.legal_basis, position.source_title) if part
    )
    return Document(
        title=f"{question.question} — {position.office.short_name}",
        body=body,
        url=reverse("practice:question", args=[question.slug]),
        created_at=position.created_at,
        updated_at=position.updated_at,
        audience=audience,
        visibility=position.visibility,
        office_id=position.office_id,
        allowed=allowed,
        tags=[question.area, question.right, position.answer],
        extra=f"{position.office.short_name} {position.office.code}",
    )


# Policy updates (ipcoop.exchange.updates) ------------------------------------------


def _update_document(update: Any) -> Document:
    audience, allowed = shared_item_audience(update)
    return Document(
        title=update.title,
        body=f"{update.summary}\n{_text(update.body)}",
        url=update.get_absolute_url(),
        created_at=update.created_at,
        updated_at=update.updated_at,
        audience=audience,
        visibility=update.visibility,
        office_id=update.office_id,
        allowed=allowed,
        tags=[update.kind, *(link.tag for link in update.tag_links.all())],
        extra=f"{update.office.short_name} {update.office.code}",
    )


# Consultations (ipcoop.exchange.consultations) -------------------------------------


def _consultation_document(consultation: Any) -> Document:
    # access.consultations_visible_to: the asking office always; "offices" means every
    # IP office, "selected" the organisations named. Nobody else, not even platform admins.
    allowed = {consultation.office_id}
    if consultation.visibility == Visibility.SELECTED:
        allowed |= {org.pk for org in consultation.shared_with.all()}
        audience = Audience.ORGANISATIONS
    else:
        audience = Audience.IP_OFFICES
    replies = "\n".join(_text(reply.body) for reply in consultation.replies.all())
    return Document(
        title=consultation.title,
        body=f"{_text(consultation.body)}\n{replies}".strip(),
        url=reverse("consultations:detail", args=[consultation.pk]),
        created_at=consultation.created_at,
        updated_at=max(
            [consultation.created_at, *(r.created_at for r in consultation.replies.all())]
        ),
        audience=audience,
        visibility=consultation.visibility,
        office_id=consultation.office_id,
        allowed=allowed,
        tags=[consultation.area, consultation.status],
        extra=f"{consultation.office.short_name} {consultation.office.code}",
    )


# Work-sharing dossiers (ipcoop.worksharing) -----------------------------------------


def _dossier_document(application: Any) -> Document:
    # access.worksharing_q: readers are examiners, policy officers and office admins of
    # IP offices (worksharing_office_ids), never platform admins, the Academy or the
    # Secretariat; "offices" means every such reader, "selected" those of the owner
    # and of the organisations named, anything else those of the owner. The two
    # dossier audiences apply exactly that rule (access.search_documents_visible_to).
    if application.visibility == Visibility.OFFICES:
        audience, allowed = Audience.DOSSIER_OFFICES, set()
    else:
        audience, allowed = Audience.DOSSIER_ORGS, {application.office_id}
        if application.visibility == Visibility.SELECTED:
            allowed |= {org.pk for org in application.shared_with.all()}
    office = application.office
    priorities = [
        f"{claim.country} {claim.number} {claim.number_normalised}"
        for claim in application.priorities.all()
    ]
    body = "\n".join(
        part
        for part in (
            f"{office.code} {application.number}",
            application.shown_applicant,  # a withheld applicant is never indexed
            " ".join(application.ipc_symbols),
            application.pct_application_number,
            application.pct_publication_number,
        )
        if part
    )
    return Document(
        title=application.title,
        body=body,
        url=application.get_absolute_url(),
        created_at=application.created_at,
        updated_at=application.updated_at,
        audience=audience,
        visibility=application.visibility,
        office_id=application.office_id,
        allowed=allowed,
        tags=[application.technology_area, application.status],
        extra=" ".join(
            [
                application.number_normalised,
                application.pct_number_normalised,
                *priorities,
                office.short_name,
            ]
        ),
    )


# Academy courses (ipcoop.academy) ---------------------------------------------------


def _all_languages(value: Any) -> list[str]:
    """Every translation of a translatable field ({lang: text}), English first."""
    if not isinstance(value, dict):
        return [str(value or "")]
    return [v for _k, v in sorted(value.items(), key=lambda kv: kv[0] != "en") if v]


def _course_document(course: Any) -> Document:
    # Only published courses are in the kind's queryset, and they are public: a draft
    # is never indexed (index_item removes a course that leaves the queryset).
    title = (course.title or {}).get("en") or next(iter(_all_languages(course.title)), "")
    lessons = []
    for lesson in course.lessons.all():
        version = lesson.published_version
        if version is None:
            continue
        lessons += _all_languages(version.title)
        for points in (version.key_points or {}).values():
            lessons += [p for p in points if p]
    body = "\n".join([*_all_languages(course.title)[1:], *_all_languages(course.summary), *lessons])
    return Document(
        title=title,
        body=body,
        url=reverse("academy:course", args=[course.slug]),
        created_at=course.created_at,
        updated_at=course.updated_at,
        audience=Audience.PUBLIC,
        visibility=Visibility.PUBLIC,
        tags=[course.audience, course.level, *course.topics],
        extra=" ".join(f"SDG {n}" for n in course.sdgs),
        language="en" if (course.title or {}).get("en") else "",
    )


# Meetings (ipcoop.meetings) ----------------------------------------------------------


def _short_visibility(value: str) -> str:
    """The index's visibility label (10 characters at most): "participants" is the
    "selected" organisations of the shared items."""
    return Visibility.SELECTED if value == "participants" else value


def _meeting_document(meeting: Any) -> Document:
    # access.meetings_q: "public" everyone; "offices" every cooperating organisation's
    # staff and platform admins; always the staff of the organiser and participants.
    offices = [meeting.organiser, *meeting.participants.all()]
    if meeting.visibility == "public":
        audience, allowed = Audience.PUBLIC, set()
    elif meeting.visibility == "offices":
        audience, allowed = Audience.OFFICES, set()
    else:
        audience, allowed = Audience.ORGANISATIONS, {o.pk for o in offices}
    agenda = [item.title for item in meeting.agenda_items.all()]
    return Document(
        title=meeting.title,
        body="\n".join([_text(meeting.description), meeting.venue, *agenda]).strip(),
        url=meeting.get_absolute_url(),
        created_at=meeting.created_at,
        updated_at=meeting.updated_at,
        audience=audience,
        visibility=_short_visibility(meeting.visibility),
        office_id=meeting.organiser_id,
        allowed=allowed,
        tags=[meeting.format, meeting.status],
        extra=" ".join(f"{o.short_name} {o.code}" for o in offices),
    )


# Cooperation proposals (ipcoop.proposals) ----------------------------------------------


def _proposal_document(proposal: Any) -> Document:
    # access.proposals_q: a draft only for the proposing offices' staff; afterwards
    # "public", "offices" (every cooperating organisation's staff and platform admins)
    # or "participants" (the proposing and participating offices' staff).
    proposing = list(proposal.proposing_offices.all())
    participating = list(proposal.participating_offices.all())
    if proposal.state == "draft":
        audience, allowed = Audience.ORGANISATIONS, {o.pk for o in proposing}
    elif proposal.visibility == "public":
        audience, allowed = Audience.PUBLIC, set()
    elif proposal.visibility == "offices":
        audience, allowed = Audience.OFFICES, set()
    else:
        audience, allowed = Audience.ORGANISATIONS, {o.pk for o in proposing + participating}
    body = "\n".join(
        _text(part) for part in (proposal.problem, proposal.activity, proposal.outcome)
    )
    return Document(
        title=proposal.title,
        body=body,
        url=proposal.get_absolute_url(),
        created_at=proposal.created_at,
        updated_at=proposal.updated_at,
        audience=audience,
        visibility="draft" if proposal.state == "draft" else _short_visibility(proposal.visibility),
        office_id=proposing[0].pk if proposing else None,
        allowed=allowed,
        tags=[proposal.pillar, proposal.area, proposal.state],
        extra=" ".join(f"{o.short_name} {o.code}" for o in proposing + participating),
    )


def _models() -> dict[str, Any]:
    from ipcoop.academy.models import Course
    from ipcoop.exchange.consultations.models import Consultation
    from ipcoop.exchange.practice.models import OfficePosition, PracticeQuestion
    from ipcoop.exchange.updates.models import PolicyUpdate
    from ipcoop.meetings.models import Meeting
    from ipcoop.proposals.models import Proposal
    from ipcoop.worksharing.models import Application

    return {
        "course": Course,
        "meeting": Meeting,
        "proposal": Proposal,
        "question": PracticeQuestion,
        "position": OfficePosition,
        "update": PolicyUpdate,
        "consultation": Consultation,
        "dossier": Application,
    }


register(
    Kind(
        name="question",
        label=_("Practice question"),
        plural=_("Practice questions"),
        model="practice.PracticeQuestion",
        queryset=lambda: _models()["question"].objects.order_by("pk"),
        document=_question_document,
    )
)
register(
    Kind(
        name="position",
        label=_("Office position"),
        plural=_("Office positions"),
        model="practice.OfficePosition",
        queryset=lambda: (
            _models()["position"]
            .objects.select_related("question", "office")
            .prefetch_related("shared_with")
            .order_by("pk")
        ),
        document=_position_document,
    )
)
register(
    Kind(
        name="update",
        label=_("Policy update"),
        plural=_("Policy updates"),
        model="updates.PolicyUpdate",
        queryset=lambda: (
            _models()["update"]
            .objects.select_related("office")
            .prefetch_related("shared_with", "tag_links")
            .order_by("pk")
        ),
        document=_update_document,
    )
)
register(
    Kind(
        name="consultation",
        label=_("Consultation"),
        plural=_("Consultations"),
        model="consultations.Consultation",
        queryset=lambda: (
            _models()["consultation"]
            .objects.select_related("office")
            .prefetch_related("shared_with", "replies")
            .order_by("pk")
        ),
        document=_consultation_document,
    )
)
register(
    Kind(
        name="dossier",
        label=_("Work-sharing dossier"),
        plural=_("Work-sharing dossiers"),
        model="worksharing.Application",
        queryset=lambda: (
            _models()["dossier"]
            .objects.select_related("office")
            .prefetch_related("shared_with", "priorities")
            .order_by("pk")
        ),
        document=_dossier_document,
    )
)
register(
    Kind(
        name="course",
        label=_("Course"),
        plural=_("Courses"),
        model="academy.Course",
        queryset=lambda: (
            _models()["course"]
            .objects.filter(status="published")
            .prefetch_related("lessons__published_version")
            .order_by("pk")
        ),
        document=_course_document,
    )
)
register(
    Kind(
        name="meeting",
        label=_("Meeting"),
        plural=_("Meetings"),
        model="meetings.Meeting",
        queryset=lambda: (
            _models()["meeting"]
            .objects.select_related("organiser")
            .prefetch_related("participants", "agenda_items")
            .order_by("pk")
        ),
        document=_meeting_document,
    )
)
register(
    Kind(
        name="proposal",
        label=_("Cooperation proposal"),
        plural=_("Cooperation proposals"),
        model="proposals.Proposal",
        queryset=lambda: (
            _models()["proposal"]
            .objects.prefetch_related("proposing_offices", "participating_offices")
            .order_by("pk")
        ),
        document=_proposal_document,
    )
)
