"""Meetings between offices in different time zones: KIPO (Seoul, UTC+9), IPD Myanmar
(Yangon, UTC+6:30) and IPOPHL (Manila, UTC+8), with speakers, an examiner and
outsiders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ipcoop.meetings import services
from ipcoop.meetings.models import Meeting
from ipcoop.people.models import Organisation, Role, User
from tests.conftest import make_user

SEOUL = ZoneInfo("Asia/Seoul")
YANGON = ZoneInfo("Asia/Yangon")


@dataclass
class World:
    kr: Organisation
    mm: Organisation
    ph: Organisation
    th: Organisation
    secretariat: Organisation
    kr_policy: User
    kr_examiner: User
    mm_policy: User
    mm_examiner: User
    ph_admin: User
    th_policy: User
    secretariat_policy: User
    learner: User
    platform_admin: User


@pytest.fixture
def world(db) -> World:
    orgs = {o.slug: o for o in Organisation.objects.all()}
    return World(
        kr=orgs["kr-kipo"],
        mm=orgs["mm-ipd"],
        ph=orgs["ph-ipophl"],
        th=orgs["th-dip"],
        secretariat=orgs["asean-secretariat"],
        kr_policy=make_user("kr.policy", Role.POLICY_OFFICER, "kr-kipo", time_zone="Asia/Seoul"),
        kr_examiner=make_user("kr.examiner", Role.EXAMINER, "kr-kipo"),
        mm_policy=make_user("mm.policy", Role.POLICY_OFFICER, "mm-ipd", time_zone="Asia/Yangon"),
        mm_examiner=make_user("mm.examiner", Role.EXAMINER, "mm-ipd"),
        ph_admin=make_user("ph.admin", Role.OFFICE_ADMIN, "ph-ipophl"),
        th_policy=make_user("th.policy", Role.POLICY_OFFICER, "th-dip"),
        secretariat_policy=make_user("asec.policy", Role.POLICY_OFFICER, "asean-secretariat"),
        learner=make_user("learner", Role.LEARNER),
        platform_admin=make_user("root", is_platform_admin=True),
    )


def next_weekday(weekday: int, *, weeks: int = 2) -> datetime:
    """A date of the given weekday (0 = Monday) at least ``weeks`` weeks ahead."""
    day = timezone.now().astimezone(SEOUL).date() + timedelta(weeks=weeks)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def make_meeting(
    world: World, *, title: str = "Working group on 4IR examination", **extra
) -> Meeting:
    """A private online meeting of KIPO with IPD Myanmar, Friday 17:00–18:00 Seoul time."""
    friday = next_weekday(4)
    starts = extra.pop(
        "starts_at", datetime(friday.year, friday.month, friday.day, 17, 0, tzinfo=SEOUL)
    )
    fields = {
        "by": world.kr_policy,
        "organiser": world.kr,
        "title": title,
        "format": "online",
        "link": "https://meet.example.org/4ir",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "timezone_name": "Asia/Seoul",
        "participants": [world.mm],
        "visibility": "participants",
    }
    fields.update(extra)
    return services.create_meeting(**fields)
