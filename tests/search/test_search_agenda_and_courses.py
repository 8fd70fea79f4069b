"""Courses, meetings and cooperation proposals in search: each found by exactly the people
its own access rule lets read it, kept current by the services that change it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ipcoop.academy.models import Course
from ipcoop.academy.package import import_package
from ipcoop.people.models import Role
from tests.academy.fixture import package
from tests.conftest import make_user
from tests.proposals.makers import propose
from tests.search.conftest import found

pytestmark = pytest.mark.django_db


def test_a_published_course_is_found_in_any_of_its_languages_and_a_draft_never(personas):
    course = import_package(package(), publish=True, review_note="test")
    draft = import_package(
        package(slug="draft-ideas", title={"en": "Wombat draft course", "ko": "웜뱃 과정"})
    )
    assert Course.objects.get(pk=draft.pk).status != "published"
    assert found(None, "아이디어 시험") == {("course", course.pk)}
    assert found(None, "Ideas test course") == {("course", course.pk)}
    for user in (None, personas.learner, personas.educator, personas.kipo_admin):
        assert found(user, "wombat") == set()
        assert found(user, "웜뱃") == set()


def test_meetings_are_found_by_participants_only_unless_shared_wider(personas):
    from ipcoop.meetings import services as meetings

    thdip_policy = make_user("th.policy", Role.POLICY_OFFICER, "th-dip")
    starts = timezone.now() + timedelta(days=20)
    private = meetings.create_meeting(
        by=personas.kipo_policy,
        organiser=personas.kipo,
        title="Numbat working group",
        format="online",
        link="https://meet.example.org/numbat",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        timezone_name="Asia/Seoul",
        participants=[personas.ipos],
        visibility="participants",
    )
    want = {("meeting", private.pk)}
    assert found(personas.kipo_examiner, "numbat") == want
    assert found(personas.ipos_admin, "numbat") == want
    for outsider in (thdip_policy, personas.educator, personas.platform_admin, None):
        assert found(outsider, "numbat") == set()
    meetings.update_meeting(by=personas.kipo_policy, meeting=private, visibility="public")
    assert found(None, "numbat") == want


def test_proposals_are_found_as_their_state_and_visibility_allow(personas):
    from ipcoop.proposals import services as proposals

    draft = propose(personas, title="Quokka exchange programme", open_now=False)
    assert found(personas.kipo_examiner, "quokka") == {("proposal", draft.pk)}
    # A draft: not yet for the offices asked to endorse it.
    assert found(personas.ipos_policy, "quokka") == set()
    proposals.open_proposal(by=personas.kipo_policy, proposal=draft)
    assert found(personas.ipos_policy, "quokka") == {("proposal", draft.pk)}
    for outsider in (personas.educator, personas.platform_admin, personas.learner, None):
        assert found(outsider, "quokka") == set()
