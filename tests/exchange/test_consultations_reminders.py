"""Reminders: who gets mail, nobody twice a day, offices that replied are skipped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from ipcoop.exchange.consultations import services
from ipcoop.exchange.consultations.models import Reminder
from ipcoop.people.models import Role, User
from tests.conftest import client_for, make_user
from tests.exchange.test_consultations_access import ask


@pytest.fixture
def people(personas):
    """E-mail addresses for some of the IPOS and Thai staff (the others have none)."""
    for user, email in [
        (personas.ipos_policy, "policy@ipos.example"),
        (personas.ipos_admin, "admin@ipos.example"),
        (personas.th_examiner, "examiner@dip.example"),  # examiners are not reminded
    ]:
        user.email = email
        user.save(update_fields=["email"])
    th_policy = make_user("th.policy", Role.POLICY_OFFICER, "th-dip", email="policy@dip.example")
    make_user("th.admin", Role.OFFICE_ADMIN, "th-dip")  # no e-mail: skipped
    gone = make_user("th.gone", Role.POLICY_OFFICER, "th-dip", email="gone@dip.example")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    return th_policy


def due_in(personas, days, **extra):
    return ask(
        personas,
        title=f"Due in {days} days",
        to=[personas.ipos, personas.thdip],
        due_date=timezone.localdate() + timedelta(days=days),
        **extra,
    )


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_offices_without_a_reply_get_mail_for_their_policy_officers_and_admins(personas, people):
    consultation = due_in(personas, 2)
    made = services.send_due_reminders(within_days=3, base_url="https://ipcoop.example")
    assert recipients() == [
        "admin@ipos.example",
        "policy@dip.example",
        "policy@ipos.example",
    ]
    assert {(r.office.slug, r.recipients) for r in made} == {("sg-ipos", 2), ("th-dip", 1)}
    message = next(m for m in mail.outbox if m.to == ["policy@dip.example"])
    assert "Due in 2 days" in message.subject
    assert "DIP (TH) has not replied yet" in message.body
    assert f"https://ipcoop.example/consultations/{consultation.pk}/" in message.body
    assert len(mail.outbox) == 3  # one e-mail each: nobody sees the others' addresses


def test_nobody_gets_the_same_reminder_twice_in_one_day(personas, people):
    due_in(personas, 1)
    services.send_due_reminders(within_days=3)
    assert len(mail.outbox) == 3
    assert services.send_due_reminders(within_days=3) == []
    client = client_for(personas.kipo_policy)
    consultation = Reminder.objects.first().consultation
    response = client.post(f"/consultations/{consultation.pk}/remind/", follow=True)
    assert "already reminded today" in response.text
    assert len(mail.outbox) == 3
    # The next day they are reminded again.
    services.send_due_reminders(within_days=3, today=timezone.localdate() + timedelta(days=1))
    assert len(mail.outbox) == 6
    assert Reminder.objects.count() == 4


def test_offices_that_replied_are_skipped(personas, people):
    consultation = due_in(personas, 0)
    services.reply_to_consultation(by=personas.th_examiner, consultation=consultation, body="TH")
    made = services.send_due_reminders(within_days=3)
    assert [r.office.slug for r in made] == ["sg-ipos"]
    assert recipients() == ["admin@ipos.example", "policy@ipos.example"]


def test_only_open_consultations_due_soon_or_overdue_are_reminded(personas, people):
    due_in(personas, 10)  # not yet
    overdue = due_in(personas, 3)
    closed = due_in(personas, 1)
    services.close_consultation(by=personas.kipo_policy, consultation=closed)
    later = timezone.localdate() + timedelta(days=5)  # 'overdue' is now two days late
    made = services.send_due_reminders(within_days=3, today=later)
    assert {r.consultation for r in made} == {overdue}


def test_management_command_sends_the_reminders(personas, people, capsys):
    due_in(personas, 3)
    call_command("send_consultation_reminders", "--days", "3", "--base-url", "https://x.example")
    assert "Reminded 2 office(s) by 3 e-mail(s)." in capsys.readouterr().out
    assert len(mail.outbox) == 3
    call_command("send_consultation_reminders")
    assert len(mail.outbox) == 3


def test_ipcoop_console_command_name_maps_to_the_management_command():
    from ipcoop.cli import command_argv

    assert command_argv(["send-consultation-reminders", "--days", "2"]) == [
        "ipcoop",
        "send_consultation_reminders",
        "--days",
        "2",
    ]


def test_asker_reminds_now_whatever_the_due_date(personas, people):
    consultation = due_in(personas, 30)
    client = client_for(personas.kipo_policy)
    page = client.get(f"/consultations/{consultation.pk}/")
    assert "Remind offices that have not replied" in page.text
    response = client.post(f"/consultations/{consultation.pk}/remind/", follow=True)
    assert "2 offices are reminded: IPOS, DIP (TH)." in response.text
    assert recipients() == ["admin@ipos.example", "policy@dip.example", "policy@ipos.example"]
    assert mail.outbox[0].body.count(f"http://testserver/consultations/{consultation.pk}/") == 1
    assert set(Reminder.objects.values_list("sent_by__username", flat=True)) == {"kipo.policy"}
    again = client.get(f"/consultations/{consultation.pk}/")
    assert again.text.count(timezone.localdate().isoformat()) >= 2  # "last reminded" per office
