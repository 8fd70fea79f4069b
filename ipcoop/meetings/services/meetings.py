"""Meetings: read, series, scheduled, changed, cancelled; agenda and attendance.

See the package docstring for the conventions."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.meetings.models import (
    AgendaItem,
    Attendance,
    Format,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    MeetingVisibility,
    PollSlot,
    SlotPoll,
)
from ipcoop.notifications.models import Kind
from ipcoop.notifications.services import notify, people_of_offices
from ipcoop.people.models import Organisation, User
from ipcoop.search.services import index_item as index_for_search

# A change is urgent (e-mailed at once) when the meeting is this close.
URGENT_WITHIN = timedelta(hours=48)


def _check_text(errors: dict[str, list[str]], field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(value) > limit:
        errors.setdefault(field, []).append(
            _("Use at most %(limit)d characters.") % {"limit": limit}
        )
    return value


def _office_ids(offices: Iterable[Organisation | int]) -> list[int]:
    return sorted({getattr(o, "pk", o) for o in offices})


# Reading -----------------------------------------------------------------------


def meetings_for(user: User | Any) -> QuerySet[Meeting]:
    """The meetings ``user`` may see, with what lists show (series, organiser,
    participants) fetched in a fixed number of queries. No side effects."""
    return (
        access.meetings_visible_to(user, Meeting.objects.all())
        .select_related("series", "organiser")
        .prefetch_related(
            Prefetch("participants", queryset=Organisation.objects.order_by("position", "slug"))
        )
    )


@dataclass(frozen=True)
class OfficeTime:
    office: Organisation
    start: datetime
    end: datetime

    @property
    def other_day(self) -> bool:
        return self.start.date() != self.end.date()


def offices_of(meeting: Meeting) -> list[Organisation]:
    """The organising organisation and the participating ones, in reference order."""
    offices = {meeting.organiser_id: meeting.organiser}
    for office in meeting.participants.all():
        offices.setdefault(office.pk, office)
    return sorted(offices.values(), key=lambda o: (o.position, o.slug))


def local_times(meeting: Meeting) -> list[OfficeTime]:
    """The meeting's start and end in each office's own clock. No side effects."""
    rows = []
    for office in offices_of(meeting):
        zone = zoneinfo.ZoneInfo(office.timezone)
        rows.append(
            OfficeTime(office, meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone))
        )
    return rows


def last_meeting_date(user: User | Any, *, series: MeetingSeries | None = None) -> date | None:
    """The day (UTC) the latest meeting the user may see took place, counting only meetings
    that have ended and were not cancelled; None when there was none. Use it to mark what
    changed since the last meeting. No side effects."""
    meetings = access.meetings_visible_to(
        user, Meeting.objects.filter(ends_at__lte=timezone.now()).exclude(status="cancelled")
    )
    if series is not None:
        meetings = meetings.filter(series=series)
    latest = meetings.aggregate(latest=Max("starts_at"))["latest"]
    return latest.astimezone(zoneinfo.ZoneInfo("UTC")).date() if latest else None


# Series ------------------------------------------------------------------------


@transaction.atomic
def create_series(
    *,
    by: User,
    organiser: Organisation,
    title: str,
    frequency: str,
    description: str = "",
    slug: str = "",
) -> MeetingSeries:
    """Start a series of meetings.

    Side effects: creates a MeetingSeries. Raises ValidationError when the title is
    missing or the slug is taken.
    """
    errors: dict[str, list[str]] = {}
    title = _check_text(errors, "title", title, 200)
    slug = slugify(slug or title)[:80]
    if title and MeetingSeries.objects.filter(slug=slug).exists():
        errors.setdefault("title", []).append(
            _("A series with this name exists already: choose another title.")
        )
    if errors:
        raise ValidationError(errors)
    return MeetingSeries.objects.create(
        slug=slug,
        title=title,
        frequency=frequency,
        description=(description or "").strip(),
        organiser=organiser,
    )


# Meetings ------------------------------------------------------------------------


def _validate_meeting(
    *,
    errors: dict[str, list[str]],
    format: str,
    link: str,
    venue: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    timezone_name: str,
    visibility: str,
) -> None:
    if format not in Format.values:
        errors.setdefault("format", []).append(_("Choose online, in person or hybrid."))
    if format in (Format.ONLINE, Format.HYBRID) and not link:
        errors.setdefault("link", []).append(
            _("An online or hybrid meeting needs the link participants join with.")
        )
    if link:
        try:
            URLValidator(schemes=["https", "http"])(link)
        except ValidationError:
            errors.setdefault("link", []).append(_("Give a full web address (https://…)."))
    if format in (Format.IN_PERSON, Format.HYBRID) and not venue:
        errors.setdefault("venue", []).append(
            _("A meeting in person or hybrid needs a venue (place and address).")
        )
    if starts_at is None or timezone.is_naive(starts_at):
        errors.setdefault("starts_at", []).append(_("Give the start date and time."))
    if ends_at is None or timezone.is_naive(ends_at):
        errors.setdefault("ends_at", []).append(_("Give the end date and time."))
    elif starts_at is not None and timezone.is_aware(starts_at) and ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The meeting must end after it starts."))
    try:
        zoneinfo.ZoneInfo(timezone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        errors.setdefault("time_zone", []).append(
            _("Give an IANA time zone name, e.g. Asia/Seoul.")
        )
    if visibility not in MeetingVisibility.values:
        errors.setdefault("visibility", []).append(
            _("Choose who may see the meeting: participants, all offices or public.")
        )


def _speakers(office_ids: Iterable[int]) -> QuerySet[User]:
    return people_of_offices(list(office_ids))


def _is_soon(*moments: datetime) -> bool:
    now = timezone.now()
    return any(now - URGENT_WITHIN <= m <= now + URGENT_WITHIN for m in moments)


@transaction.atomic
def create_meeting(
    *,
    by: User,
    organiser: Organisation,
    title: str,
    format: str,
    starts_at: datetime,
    ends_at: datetime,
    timezone_name: str,
    participants: Iterable[Organisation] = (),
    visibility: str = MeetingVisibility.PARTICIPANTS,
    series: MeetingSeries | None = None,
    link: str = "",
    venue: str = "",
    description: str = "",
    poll: SlotPoll | None = None,
    slot: PollSlot | None = None,
) -> Meeting:
    """Schedule a meeting; with ``poll`` and ``slot``, the time the poll settled on.

    Side effects: creates the Meeting and its participant links; marks the poll fixed
    on the slot and links it to the meeting; puts a MEETING_INVITATION in the inbox of
    the speakers of every participating organisation. Raises ValidationError (nothing
    written) when a field is missing or inconsistent (see ``_validate_meeting``).
    """
    errors: dict[str, list[str]] = {}
    title = _check_text(errors, "title", title, 200)
    link, venue = (link or "").strip(), (venue or "").strip()
    _validate_meeting(
        errors=errors,
        format=format,
        link=link,
        venue=venue,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone_name=timezone_name,
        visibility=visibility,
    )
    if poll is not None and (slot is None or slot.poll_id != poll.pk):
        errors.setdefault("slot", []).append(_("Choose one of the poll's candidate times."))
    if poll is not None and poll.meeting_id:
        errors.setdefault("slot", []).append(_("This poll has fixed its meeting already."))
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        title=title,
        series=series,
        description=(description or "").strip(),
        format=format,
        link=link,
        venue=venue,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=timezone_name,
        organiser=organiser,
        visibility=visibility,
        created_by=by,
    )
    office_ids = [pk for pk in _office_ids(participants) if pk != organiser.pk]
    meeting.participants.set(office_ids)
    if poll is not None:
        poll.meeting = meeting
        poll.fixed_slot = slot
        poll.save(update_fields=["meeting", "fixed_slot"])
    notify(
        recipients=_speakers([organiser.pk, *office_ids]),
        kind=Kind.MEETING_INVITATION,
        subject=meeting.title,
        url=meeting.get_absolute_url(),
        urgent=_is_soon(starts_at),
        key=f"meeting-invitation:{meeting.pk}",
        actor=by,
    )
    index_for_search(meeting)
    return meeting


TIME_PLACE_FIELDS = ("format", "link", "venue", "starts_at", "ends_at", "time_zone")


@transaction.atomic
def update_meeting(*, by: User, meeting: Meeting, **changes: Any) -> Meeting:
    """Change a meeting's fields (title, series, description, format, link, venue,
    starts_at, ends_at, timezone_name, visibility, participants).

    Side effects: saves the Meeting; when its time or place changes, adds one to its
    sequence and puts a MEETING_CHANGED item in the inbox of the speakers of every
    participating organisation (urgent — e-mailed at once — when the old or the new
    start is within 48 hours of now); newly added organisations get a
    MEETING_INVITATION. Raises ValidationError (nothing written) when the result is
    inconsistent or the meeting is cancelled.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(
            _("This meeting is cancelled: it cannot be changed."), code="cancelled"
        )
    old_start = meeting.starts_at
    before = {f: getattr(meeting, f) for f in TIME_PLACE_FIELDS}
    participants = changes.pop("participants", None)
    if "timezone_name" in changes:
        changes["time_zone"] = changes.pop("timezone_name")
    allowed = {"title", "series", "description", "visibility", *TIME_PLACE_FIELDS}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"update_meeting() got unknown fields: {sorted(unknown)}")
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(meeting, field, value)
    errors: dict[str, list[str]] = {}
    meeting.title = _check_text(errors, "title", meeting.title, 200)
    _validate_meeting(
        errors=errors,
        format=meeting.format,
        link=meeting.link,
        venue=meeting.venue,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        timezone_name=meeting.time_zone,
        visibility=meeting.visibility,
    )
    if errors:
        raise ValidationError(errors)
    moved = any(getattr(meeting, f) != before[f] for f in TIME_PLACE_FIELDS)
    if moved:
        meeting.sequence += 1
    meeting.updated_at = timezone.now()
    meeting.save()
    old_ids = set(meeting.participants.values_list("pk", flat=True))
    if participants is not None:
        new_ids = {pk for pk in _office_ids(participants) if pk != meeting.organiser_id}
        meeting.participants.set(new_ids)
        added = new_ids - old_ids
        if added:
            notify(
                recipients=_speakers(added),
                kind=Kind.MEETING_INVITATION,
                subject=meeting.title,
                url=meeting.get_absolute_url(),
                urgent=_is_soon(meeting.starts_at),
                key=f"meeting-invitation:{meeting.pk}",
                actor=by,
            )
    if moved:
        notify(
            recipients=_speakers({meeting.organiser_id, *old_ids}),
            kind=Kind.MEETING_CHANGED,
            subject=meeting.title,
            url=meeting.get_absolute_url(),
            urgent=_is_soon(old_start, meeting.starts_at),
            key=f"meeting-changed:{meeting.pk}:{meeting.sequence}",
            actor=by,
        )
    index_for_search(meeting)
    return meeting


@transaction.atomic
def cancel_meeting(*, by: User, meeting: Meeting) -> Meeting:
    """Cancel a meeting (idempotent). It stays in calendars as cancelled.

    Side effects: sets status cancelled, adds one to the sequence, puts a
    MEETING_CANCELLED item in the inbox of the participating offices' speakers (urgent
    when the meeting was due within 48 hours).
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        return meeting
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    notify(
        recipients=_speakers(access.meeting_office_ids(meeting)),
        kind=Kind.MEETING_CANCELLED,
        subject=meeting.title,
        url=meeting.get_absolute_url(),
        urgent=_is_soon(meeting.starts_at),
        key=f"meeting-cancelled:{meeting.pk}",
        actor=by,
    )
    index_for_search(meeting)
    return meeting


# Agenda and attendance -------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    kind: str
    title: str
    url: str


def agenda_with_papers(user: User | Any, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda, each item with ``papers``: the linked practice questions
    (public), and the policy updates and proposals the user may read (``ipcoop.access``).
    Papers the user may not read are left out, not hinted at. No side effects."""
    from django.urls import reverse

    from ipcoop.exchange.updates.models import PolicyUpdate
    from ipcoop.proposals.models import Proposal

    items = list(
        meeting.agenda_items.select_related("presenter").prefetch_related(
            "practice_questions", "policy_updates", "proposals"
        )
    )
    update_ids = {u.pk for i in items for u in i.policy_updates.all()}
    proposal_ids = {p.pk for i in items for p in i.proposals.all()}
    seen_updates = set()
    if update_ids:
        visible = access.visible_to(user, PolicyUpdate.objects.filter(pk__in=update_ids))
        seen_updates = set(visible.values_list("pk", flat=True))
    seen_proposals = set()
    if proposal_ids:
        visible = access.proposals_visible_to(user, Proposal.objects.filter(pk__in=proposal_ids))
        seen_proposals = set(visible.values_list("pk", flat=True))
    for item in items:
        item.papers = [
            *(
                Paper(
                    _("Practice question"), q.question, reverse("practice:question", args=[q.slug])
                )
                for q in item.practice_questions.all()
            ),
            *(
                Paper(_("Policy update"), u.title, u.get_absolute_url())
                for u in item.policy_updates.all()
                if u.pk in seen_updates
            ),
            *(
                Paper(_("Proposal"), p.title, p.get_absolute_url())
                for p in item.proposals.all()
                if p.pk in seen_proposals
            ),
        ]
    return items


@transaction.atomic
def add_agenda_item(
    *,
    meeting: Meeting,
    title: str,
    presenter: Organisation | None = None,
    duration_minutes: int = 15,
    practice_questions: Iterable[Any] = (),
    policy_updates: Iterable[Any] = (),
    proposals: Iterable[Any] = (),
) -> AgendaItem:
    """Add a point at the end of the agenda.

    Side effects: creates an AgendaItem and its links to papers. Raises
    ValidationError when the title is missing or the duration is not 1–600 minutes.
    """
    errors: dict[str, list[str]] = {}
    title = _check_text(errors, "title", title, 200)
    if not isinstance(duration_minutes, int) or not 1 <= duration_minutes <= 600:
        errors.setdefault("duration_minutes", []).append(
            _("Give the time for this point in minutes, from 1 to 600.")
        )
    if errors:
        raise ValidationError(errors)
    last = meeting.agenda_items.aggregate(last=Max("order"))["last"]
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=(last or 0) + 1,
        title=title,
        presenter=presenter,
        duration_minutes=duration_minutes,
    )
    item.practice_questions.set(list(practice_questions))
    item.policy_updates.set(list(policy_updates))
    item.proposals.set(list(proposals))
    index_for_search(item.meeting)
    return item


@transaction.atomic
def remove_agenda_item(*, item: AgendaItem) -> None:
    """Side effects: deletes the AgendaItem (its links to papers go with it) and
    updates the meeting in the search index."""
    meeting = item.meeting
    item.delete()
    index_for_search(meeting)


@transaction.atomic
def record_attendance(
    *, meeting: Meeting, office: Organisation, registered: bool, attended: bool
) -> Attendance:
    """Record whether ``office`` registered for and attended the meeting.

    Side effects: creates or updates the office's Attendance. Raises ValidationError
    when the office does not take part or attendance is recorded before the meeting
    started.
    """
    if office.pk not in access.meeting_office_ids(meeting):
        raise ValidationError(_("This organisation does not take part in the meeting."))
    if attended and meeting.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be recorded once the meeting has started."))
    row, _created = Attendance.objects.update_or_create(
        meeting=meeting,
        office=office,
        defaults={
            "registered": registered or attended,
            "attended": attended,
            "updated_at": timezone.now(),
        },
    )
    return row
