"""notify(): who gets an item, the dedupe key, and urgent mail (after commit, once, only
when allowed)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from ipcoop.notifications import services
from ipcoop.notifications.models import Kind, Notification
from ipcoop.notifications.services import notify, people_of_offices
from ipcoop.people.models import Role, User
from tests.conftest import make_user


def test_one_item_per_recipient_without_duplicates_the_actor_or_inactive_people(alice, bob):
    gone = make_user("gone", Role.POLICY_OFFICER, "th-dip")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    gone.refresh_from_db()
    made = notify(
        recipients=[alice, bob, alice, gone],
        kind=Kind.PROPOSAL_TO_ENDORSE,
        subject="Joint AI examination guide",
        url="/proposals/7/",
        actor=bob,
    )
    assert made == 1
    items = list(Notification.objects.all())
    assert [(n.recipient, n.kind, n.subject, n.url) for n in items] == [
        (alice, "proposal_to_endorse", "Joint AI examination guide", "/proposals/7/")
    ]
    assert items[0].actor == bob and items[0].read_at is None and items[0].emailed_at is None


def test_the_actor_is_not_notified_even_when_alone(alice):
    made = notify(
        recipients=[alice], kind=Kind.MEETING_CHANGED, subject="S", url="/m/", actor=alice
    )
    assert made == 0
    assert not Notification.objects.exists()


def test_a_key_gives_each_recipient_at_most_one_item(alice, bob):
    first = notify(
        recipients=[alice], kind=Kind.ACTION_OVERDUE, subject="Report", url="/a/1/", key="overdue:1"
    )
    again = notify(
        recipients=[alice, bob],
        kind=Kind.ACTION_OVERDUE,
        subject="Report",
        url="/a/1/",
        key="overdue:1",
    )
    other_key = notify(
        recipients=[alice], kind=Kind.ACTION_OVERDUE, subject="Report", url="/a/1/", key="overdue:2"
    )
    assert (first, again, other_key) == (1, 1, 1)
    assert Notification.objects.filter(recipient=alice, key="overdue:1").count() == 1
    assert Notification.objects.filter(recipient=bob, key="overdue:1").count() == 1
    # Without a key, the same event may be told twice (each call is its own event).
    notify(recipients=[alice], kind=Kind.PROPOSAL_DECIDED, subject="P", url="/p/")
    notify(recipients=[alice], kind=Kind.PROPOSAL_DECIDED, subject="P", url="/p/")
    assert Notification.objects.filter(recipient=alice, kind="proposal_decided").count() == 2


def test_unknown_kind_or_missing_link_is_refused(alice):
    with pytest.raises(ValidationError):
        notify(recipients=[alice], kind="gossip", subject="S", url="/x/")
    with pytest.raises(ValidationError):
        notify(recipients=[alice], kind=Kind.SLOT_POLL, subject="S", url="")
    assert not Notification.objects.exists()


def test_people_of_offices_default_to_speakers_and_skip_inactive(personas):
    gone = make_user("kipo.gone", Role.POLICY_OFFICER, "kr-kipo")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    speakers = set(people_of_offices([personas.kipo.pk, personas.ipos.pk]))
    assert speakers == {
        personas.kipo_admin,
        personas.kipo_policy,
        personas.ipos_admin,
        personas.ipos_policy,
    }
    examiners = set(people_of_offices([personas.kipo.pk], roles=[Role.EXAMINER]))
    assert examiners == {personas.kipo_examiner}
    # No duplicates when someone holds two roles in the offices asked.
    from ipcoop.people import services as people_services

    people_services.grant_role(
        by=None, user=personas.kipo_admin, role=Role.POLICY_OFFICER, organisation=personas.kipo
    )
    assert list(people_of_offices([personas.kipo.pk])).count(personas.kipo_admin) == 1


# Urgent mail ---------------------------------------------------------------------


def urgent(recipients, key=None, actor=None):
    return notify(
        recipients=recipients,
        kind=Kind.MEETING_CHANGED,
        subject="Heads of office meeting",
        url="/meetings/3/",
        urgent=True,
        key=key,
        actor=actor,
    )


def test_urgent_mail_leaves_only_after_the_transaction_commits(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        urgent([alice])
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["alice@dip.example"]]
    message = mail.outbox[0]
    assert "Heads of office meeting" in message.subject
    item = Notification.objects.get()
    assert f"/inbox/{item.pk}/" in message.body  # opens /meetings/3/ and marks it read
    assert Notification.objects.get().emailed_at is not None


def test_urgent_mail_is_not_sent_when_the_transaction_rolls_back(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                urgent([alice])
                raise RuntimeError("the caller's service failed")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_urgent_mail_respects_the_preference_and_then_waits_for_the_digest(
    alice, bob, django_capture_on_commit_callbacks
):
    services.set_preferences(user=bob, digest="daily", urgent_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        urgent([alice, bob])
    assert [m.to for m in mail.outbox] == [["alice@dip.example"]]
    bobs = Notification.objects.get(recipient=bob)
    assert bobs.emailed_at is None  # the digest still carries it
    services.send_digest(user=bob)
    assert [m.to for m in mail.outbox][-1] == ["bob@ipos.example"]


def test_non_urgent_items_send_no_mail_at_once(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=[alice], kind=Kind.MEETING_CHANGED, subject="S", url="/m/")
    assert callbacks == [] and mail.outbox == []


def test_an_urgent_item_is_never_mailed_twice(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        urgent([alice], key="moved:3")
    ids = list(Notification.objects.values_list("pk", flat=True))
    # The task runs again (a retry, a second worker): nothing more is sent.
    assert services.send_urgent_emails(notification_ids=ids) == 0
    # The same event told again with its key makes no new item and no new mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert urgent([alice], key="moved:3") == 0
    # The digest does not repeat it either.
    assert services.send_digest(user=alice) == 0
    assert len(mail.outbox) == 1


def test_urgent_mail_skips_people_without_an_address(alice, django_capture_on_commit_callbacks):
    no_mail = make_user("nomail", Role.POLICY_OFFICER, "th-dip")
    with django_capture_on_commit_callbacks(execute=True):
        assert urgent([alice, no_mail]) == 2
    assert [m.to for m in mail.outbox] == [["alice@dip.example"]]
