"""The e-mail digest: never empty, grouped by kind with the newest first, each item
once, daily or weekly per person, in the person's language and time zone."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from ipcoop.notifications import services
from ipcoop.notifications.models import Kind, Notification, Preference
from ipcoop.people.models import User
from tests.notifications.conftest import at, item


def html_of(message) -> str:
    return next(body for body, kind in message.alternatives if kind == "text/html")


def test_an_empty_digest_is_not_sent_nor_recorded(alice):
    assert services.send_digest(user=alice) == 0
    assert services.send_due_digests() == (0, 0)
    assert mail.outbox == []
    assert not Preference.objects.filter(user=alice, last_digest_at__isnull=False).exists()


def test_items_are_grouped_by_kind_newest_first_with_links(alice):
    item(
        alice, Kind.MEETING_INVITATION, "Annual heads meeting", url="/meetings/1/", created_at=at(5)
    )
    item(alice, Kind.PROPOSAL_TO_ENDORSE, "AI guide", url="/proposals/1/", created_at=at(4))
    newest = item(
        alice, Kind.MEETING_INVITATION, "Examiner exchange", url="/meetings/2/", created_at=at(1)
    )
    item(alice, Kind.PROPOSAL_TO_ENDORSE, "Blockchain study", url="/proposals/2/", created_at=at(3))

    assert services.send_digest(user=alice, base="https://ipcoop.example") == 4
    [message] = mail.outbox
    assert message.to == ["alice@dip.example"]
    body = message.body
    # Groups in the order of their newest item; newest first inside each group.
    order = [
        body.index("Your office is invited to a meeting"),
        body.index("Examiner exchange"),
        body.index("Annual heads meeting"),
        body.index("New proposal for your office to endorse"),
        body.index("Blockchain study"),
        body.index("AI guide"),
    ]
    assert order == sorted(order)
    assert body.count("Your office is invited to a meeting") == 1
    # Each item links through the inbox (opening it marks it read, then goes to its page).
    assert f"https://ipcoop.example/inbox/{newest.pk}/" in body
    assert "https://ipcoop.example/inbox/" in body
    assert "https://ipcoop.example/inbox/preferences/" in body
    html = html_of(message)
    assert html.index("Examiner exchange") < html.index("Annual heads meeting")
    assert '<a href="https://ipcoop.example/inbox/preferences/">' in html


def test_an_item_is_e_mailed_once_and_only_new_items_follow(alice):
    first = item(alice, subject="First", created_at=at(30))
    now = timezone.now()
    assert services.send_digest(user=alice, now=now) == 1
    first.refresh_from_db()
    assert first.emailed_at == now
    item(alice, subject="Second", created_at=now + dt.timedelta(hours=1))
    # The next day's digest holds only the new item.
    assert services.send_digest(user=alice, now=now + dt.timedelta(days=1)) == 1
    assert "Second" in mail.outbox[1].body and "First" not in mail.outbox[1].body
    assert services.send_digest(user=alice, now=now + dt.timedelta(days=2)) == 0
    assert len(mail.outbox) == 2


def test_daily_digest_at_most_once_a_day_in_the_persons_time_zone(alice):
    User.objects.filter(pk=alice.pk).update(time_zone="Asia/Bangkok")
    alice.refresh_from_db()
    monday_9 = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # 09:00 in Bangkok
    item(alice, subject="One", created_at=monday_9 - dt.timedelta(hours=1))
    assert services.send_digest(user=alice, now=monday_9) == 1
    item(alice, subject="Two", created_at=monday_9 + dt.timedelta(hours=1))
    # Every hour the same day: nothing (cron runs hourly).
    for hours in range(1, 14):
        assert services.send_digest(user=alice, now=monday_9 + dt.timedelta(hours=hours)) == 0
    # After midnight in Bangkok (17:00 UTC): the next day's digest.
    assert services.send_digest(user=alice, now=dt.datetime(2026, 11, 2, 17, 5, tzinfo=dt.UTC)) == 1
    assert len(mail.outbox) == 2


def test_weekly_digest_at_most_once_a_week(alice):
    services.set_preferences(user=alice, digest="weekly", urgent_email=True)
    monday = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    item(alice, subject="One", created_at=monday - dt.timedelta(hours=1))
    assert services.send_digest(user=alice, now=monday) == 1
    assert "weekly" in mail.outbox[0].subject
    for day in range(1, 7):  # Tuesday to Sunday: nothing, though items arrive
        when = monday + dt.timedelta(days=day)
        item(alice, subject=f"Day {day}", created_at=when - dt.timedelta(minutes=5))
        assert services.send_digest(user=alice, now=when) == 0
    next_monday = monday + dt.timedelta(days=7)
    assert services.send_digest(user=alice, now=next_monday) == 6
    assert len(mail.outbox) == 2


def test_frequency_selects_whose_digests_are_sent(alice, bob):
    services.set_preferences(user=bob, digest="weekly", urgent_email=True)
    item(alice, subject="For Alice")
    item(bob, subject="For Bob")
    assert services.send_due_digests(frequency="weekly") == (1, 1)
    assert [m.to for m in mail.outbox] == [["bob@ipos.example"]]
    assert services.send_due_digests(frequency="daily") == (1, 1)
    assert [m.to for m in mail.outbox][-1] == ["alice@dip.example"]


def test_digest_off_sends_nothing_but_keeps_the_inbox(alice):
    services.set_preferences(user=alice, digest="off", urgent_email=True)
    item(alice)
    assert services.send_due_digests() == (0, 0)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=alice, emailed_at__isnull=True).count() == 1


def test_send_digests_command_runs_the_task_and_is_safe_every_hour(alice, bob):
    item(alice)
    item(bob)
    call_command("send_digests", "--base-url", "https://x.example/")
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@dip.example", "bob@ipos.example"]
    item(alice, subject="Later the same day")
    call_command("send_digests", "--frequency", "daily")
    call_command("send_digests", "--now")
    # Sent again only if the day changed between the runs (midnight UTC); normally not.
    assert len(mail.outbox) in (2, 3)
    if timezone.localdate() == Preference.objects.get(user=alice).last_digest_at.date():
        assert len(mail.outbox) == 2


def test_digest_is_rendered_in_the_recipients_language_and_time_zone(alice, bob):
    User.objects.filter(pk=alice.pk).update(preferred_language="ko", time_zone="Asia/Seoul")
    alice.refresh_from_db()
    item(alice, subject="Korean reader", created_at=dt.datetime(2026, 11, 2, 1, 30, tzinfo=dt.UTC))
    item(bob, subject="English reader", created_at=dt.datetime(2026, 11, 2, 1, 30, tzinfo=dt.UTC))
    services.send_due_digests()
    to_alice = next(m for m in mail.outbox if m.to == ["alice@dip.example"])
    to_bob = next(m for m in mail.outbox if m.to == ["bob@ipos.example"])
    # The templates render under translation.override(the person's language): the
    # HTML part carries the active language, captured while rendering.
    assert '<html lang="ko">' in html_of(to_alice)
    assert '<html lang="en">' in html_of(to_bob)
    # Times are shown in the recipient's time zone (01:30 UTC is 10:30 in Seoul).
    assert "2026-11-02 10:30" in to_alice.body
    assert "2026-11-02 01:30" in to_bob.body
    # Sending in Korean does not leave Korean active afterwards.
    from django.utils import translation

    assert translation.get_language() != "ko"


def test_people_without_an_address_or_inactive_get_no_digest(alice):
    User.objects.filter(pk=alice.pk).update(email="")
    alice.refresh_from_db()
    item(alice)
    assert services.send_due_digests() == (0, 0)
    assert mail.outbox == []
