"""The demo command: two series, a past meeting with approved minutes and a decision, an
upcoming one with an agenda and a poll; running it twice changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ipcoop.meetings.models import Meeting, MeetingSeries, Minutes, SlotPoll

pytestmark = pytest.mark.django_db


def test_seed_meetings_demo_is_idempotent(capsys) -> None:
    call_command("seed_meetings_demo")
    call_command("seed_meetings_demo")
    out = capsys.readouterr().out
    assert "0 demo meetings created now; 2 series, 2 meetings, 1 polls." in out
    assert MeetingSeries.objects.count() == 2
    assert Meeting.objects.count() == 2
    assert all(m.title.startswith("[Demo]") for m in Meeting.objects.all())
    minutes = Minutes.objects.get()
    assert minutes.status == "approved"
    assert minutes.decisions.count() == 1
    upcoming = Meeting.objects.get(title__contains="next call")
    assert not upcoming.is_past
    assert upcoming.agenda_items.count() == 2
    assert SlotPoll.objects.get().slots.count() == 3
