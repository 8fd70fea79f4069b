"""Demo meetings (development only): two series, a past meeting with approved minutes
and a decision, an upcoming one with an agenda and a time poll.

Only invented logistics, marked "[Demo]" in every title: no date, decision or figure
here is a fact about a real meeting of the offices.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from ipcoop.exchange.practice.models import PracticeQuestion
from ipcoop.meetings import services
from ipcoop.meetings.models import Meeting, MeetingSeries, SlotPoll
from ipcoop.people.models import Organisation, User

DEMO = "[Demo]"
SEOUL = ZoneInfo("Asia/Seoul")


def _weekday_after(days: int, weekday: int) -> datetime:
    day = timezone.now().astimezone(SEOUL).date() + timedelta(days=days)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, time(14, 0), tzinfo=SEOUL)


def _series(by, kipo, slug, title, frequency) -> MeetingSeries:
    found = MeetingSeries.objects.filter(slug=slug).first()
    return found or services.create_series(
        by=by,
        organiser=kipo,
        title=title,
        frequency=frequency,
        slug=slug,
        description=f"{DEMO} An invented series for trying the platform.",
    )


@transaction.atomic
def seed_meetings_demo() -> list[str]:
    """Create the demo series and meetings that are missing (idempotent: found by title).

    Returns the titles created now. Side effects: those of the services called
    (meetings, agenda, minutes, a poll, inbox items). Refuses in production mode.
    """
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is not loaded in production mode.")
    orgs = {o.slug: o for o in Organisation.objects.all()}
    kipo = orgs["kr-kipo"]
    by = User.objects.filter(username="kr.policy").first()
    created: list[str] = []
    heads = _series(by, kipo, "demo-heads-of-office", f"{DEMO} Heads of Office meeting", "yearly")
    working = _series(
        by, kipo, "demo-4ir-examination", f"{DEMO} Working group on 4IR examination", "quarterly"
    )
    asean = [o for o in orgs.values() if o.is_ip_office and o.pk != kipo.pk]

    past_title = f"{DEMO} Heads of Office meeting (last year)"
    if not Meeting.objects.filter(title=past_title).exists():
        start = _weekday_after(-60, 3)
        past = services.create_meeting(
            by=by,
            organiser=kipo,
            title=past_title,
            series=heads,
            format="hybrid",
            link="https://meet.example.org/demo-heads",
            venue=f"{DEMO} Conference room, Seoul",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            timezone_name="Asia/Seoul",
            participants=[*asean, orgs["asean-secretariat"]],
            visibility="offices",
        )
        services.add_agenda_item(meeting=past, title="Opening", presenter=kipo, duration_minutes=15)
        services.add_agenda_item(meeting=past, title="Round of offices", duration_minutes=90)
        for office in [kipo, *asean[:4]]:
            services.record_attendance(meeting=past, office=office, registered=True, attended=True)
        services.save_minutes(
            by=by,
            meeting=past,
            body=f"{DEMO} Invented minutes for trying the workflow.\n\n1. Opening.\n"
            "2. Round of offices.",
        )
        services.add_decision(
            by=by, meeting=past, text=f"{DEMO} Hold the next meeting online (invented)."
        )
        services.circulate_minutes(by=by, meeting=past)
        services.approve_minutes(by=by, meeting=past)
        created.append(past_title)

    next_title = f"{DEMO} Working group on 4IR examination, next call"
    if not Meeting.objects.filter(title=next_title).exists():
        start = _weekday_after(14, 4)
        participants = [orgs["mm-ipd"], orgs["ph-ipophl"], orgs["th-dip"]]
        upcoming = services.create_meeting(
            by=by,
            organiser=kipo,
            title=next_title,
            series=working,
            format="online",
            link="https://meet.example.org/demo-4ir",
            starts_at=start,
            ends_at=start + timedelta(hours=1, minutes=30),
            timezone_name="Asia/Seoul",
            participants=participants,
            visibility="participants",
        )
        questions = list(PracticeQuestion.objects.all()[:2])
        services.add_agenda_item(
            meeting=upcoming,
            title="Practice questions to compare",
            presenter=kipo,
            duration_minutes=45,
            practice_questions=questions,
        )
        services.add_agenda_item(meeting=upcoming, title="Any other business", duration_minutes=15)
        slots = services.find_slots(
            offices=[kipo, *participants],
            duration_minutes=90,
            first_day=(start + timedelta(days=7)).date(),
            last_day=(start + timedelta(days=21)).date(),
            limit=3,
        )
        if slots:
            services.create_poll(
                by=by,
                organiser=kipo,
                title=f"{DEMO} Following 4IR call",
                participants=participants,
                slots=[(s.start, s.end) for s in slots],
                meeting=None,
            )
        created.append(next_title)
    return created


def demo_counts() -> dict[str, int]:
    return {
        "series": MeetingSeries.objects.filter(title__startswith=DEMO).count(),
        "meetings": Meeting.objects.filter(title__startswith=DEMO).count(),
        "polls": SlotPoll.objects.filter(title__startswith=DEMO).count(),
    }
