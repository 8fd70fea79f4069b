"""Scheduling help and slot polls: ranked candidate times, polls answered by the offices
and fixed by the organiser."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcoop.lib import scheduling
from ipcoop.meetings.models import Availability, Meeting, PollAnswer, PollSlot, SlotPoll
from ipcoop.meetings.services.meetings import _check_text, _office_ids, _speakers, update_meeting
from ipcoop.notifications.models import Kind
from ipcoop.notifications.services import notify
from ipcoop.people.models import Organisation, User

MAX_POLL_SLOTS = 8


# Scheduling help -----------------------------------------------------------------


def participant_for(office: Organisation) -> scheduling.Participant:
    return scheduling.Participant(
        key=office.slug, zone=office.timezone, country=office.code or None
    )


def find_slots(
    *,
    offices: Sequence[Organisation],
    duration_minutes: int,
    first_day: date,
    last_day: date,
    limit: int = 20,
) -> list[scheduling.Slot]:
    """Ranked candidate times inside every office's working hours (``ipcoop.lib.scheduling``).

    No side effects. Raises ValidationError when no office is given, the duration is
    not 15–540 minutes or the range is reversed or too long.
    """
    errors: dict[str, list[str]] = {}
    if not offices:
        errors.setdefault("offices", []).append(_("Choose at least one office."))
    if not isinstance(duration_minutes, int) or not 15 <= duration_minutes <= 540:
        errors.setdefault("duration_minutes", []).append(
            _("Give a duration from 15 to 540 minutes (a working day).")
        )
    if first_day and last_day and last_day < first_day:
        errors.setdefault("last_day", []).append(_("The last day comes before the first day."))
    elif first_day and last_day and (last_day - first_day).days >= scheduling.MAX_RANGE_DAYS:
        errors.setdefault("last_day", []).append(
            _("Search at most %(days)d days at a time.") % {"days": scheduling.MAX_RANGE_DAYS}
        )
    if errors:
        raise ValidationError(errors)
    try:
        return scheduling.propose_slots(
            [participant_for(o) for o in offices],
            duration=timedelta(minutes=duration_minutes),
            first_day=first_day,
            last_day=last_day,
            limit=limit,
        )
    except ValueError as error:
        raise ValidationError(str(error)) from None


@transaction.atomic
def create_poll(
    *,
    by: User,
    organiser: Organisation,
    title: str,
    participants: Iterable[Organisation],
    slots: Sequence[tuple[datetime, datetime]],
    meeting: Meeting | None = None,
) -> SlotPoll:
    """Put up to MAX_POLL_SLOTS candidate times to the participating offices.

    Side effects: creates a SlotPoll, its PollSlots and participant links; puts a
    SLOT_POLL item in the inbox of each participating office's speakers. Raises
    ValidationError when the title, the offices or the slots are missing, there are
    too many slots, or a slot ends before it starts.
    """
    errors: dict[str, list[str]] = {}
    title = _check_text(errors, "title", title, 200)
    office_ids = [pk for pk in _office_ids(participants) if pk != organiser.pk]
    if not office_ids:
        errors.setdefault("offices", []).append(_("Choose the offices to ask."))
    unique = sorted(set(slots))
    if not unique:
        errors.setdefault("slots", []).append(_("Choose at least one candidate time."))
    elif len(unique) > MAX_POLL_SLOTS:
        errors.setdefault("slots", []).append(
            _("Choose at most %(count)d candidate times.") % {"count": MAX_POLL_SLOTS}
        )
    if any(end <= start for start, end in unique):
        errors.setdefault("slots", []).append(_("Each candidate time must end after it starts."))
    if errors:
        raise ValidationError(errors)
    poll = SlotPoll.objects.create(title=title, organiser=organiser, meeting=meeting, created_by=by)
    poll.participants.set(office_ids)
    PollSlot.objects.bulk_create(
        [PollSlot(poll=poll, starts_at=start, ends_at=end) for start, end in unique]
    )
    notify(
        recipients=_speakers(office_ids),
        kind=Kind.SLOT_POLL,
        subject=title,
        url=poll.get_absolute_url(),
        key=f"slot-poll:{poll.pk}",
        actor=by,
    )
    return poll


@transaction.atomic
def answer_poll(*, by: User, poll: SlotPoll, office: Organisation, answers: dict[int, str]) -> int:
    """Mark ``office``'s availability for the poll's slots (slot id → yes / if_need_be / no).

    Side effects: creates or replaces the office's PollAnswer for each slot given.
    Returns how many were written. Raises ValidationError when the poll is fixed, the
    office is not asked, an answer is unknown or a slot is not the poll's.
    """
    if poll.is_fixed:
        raise ValidationError(_("This poll is closed: the time is fixed."), code="fixed")
    if office.pk not in {o.pk for o in poll.participants.all()}:
        raise ValidationError(_("This office is not asked in this poll."))
    slot_ids = set(poll.slots.values_list("pk", flat=True))
    for slot_id, answer in answers.items():
        if slot_id not in slot_ids:
            raise ValidationError(_("Answer only for this poll's candidate times."))
        if answer not in Availability.values:
            raise ValidationError(_("Answer available, if need be or unavailable."))
    now = timezone.now()
    for slot_id, answer in answers.items():
        PollAnswer.objects.update_or_create(
            slot_id=slot_id,
            office=office,
            defaults={"answer": answer, "answered_by": by, "answered_at": now},
        )
    return len(answers)


@transaction.atomic
def fix_poll(*, by: User, poll: SlotPoll, slot: PollSlot) -> Meeting:
    """Fix the time of the poll's meeting on ``slot`` (the poll must have a meeting; a
    poll without one is fixed by ``create_meeting(poll=…, slot=…)``).

    Side effects: marks the poll fixed; moves the meeting (see ``update_meeting``:
    sequence, MEETING_CHANGED items). Raises ValidationError when the slot is not the
    poll's or the poll has no meeting.
    """
    if slot.poll_id != poll.pk:
        raise ValidationError(_("Choose one of the poll's candidate times."))
    if poll.meeting_id is None:
        raise ValidationError(_("Schedule the meeting at this time first."), code="no_meeting")
    poll.fixed_slot = slot
    poll.save(update_fields=["fixed_slot"])
    return update_meeting(
        by=by, meeting=poll.meeting, starts_at=slot.starts_at, ends_at=slot.ends_at
    )


def poll_table(poll: SlotPoll) -> tuple[list[Organisation], list[dict[str, Any]]]:
    """The offices asked and, per slot, each office's answer and the counts. No side effects."""
    offices = sorted(poll.participants.all(), key=lambda o: (o.position, o.slug))
    slots = list(poll.slots.prefetch_related("answers"))
    rows = []
    for slot in slots:
        given = {a.office_id: a for a in slot.answers.all()}
        cells = [given.get(o.pk) for o in offices]
        rows.append(
            {
                "slot": slot,
                "cells": list(zip(offices, cells, strict=True)),
                "yes": sum(1 for c in cells if c and c.answer == Availability.YES),
                "maybe": sum(1 for c in cells if c and c.answer == Availability.IF_NEED_BE),
                "no": sum(1 for c in cells if c and c.answer == Availability.NO),
            }
        )
    return offices, rows
