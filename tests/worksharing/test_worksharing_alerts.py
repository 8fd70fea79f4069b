"""Watched families: a new work product on any member reaches the watcher's inbox (and so
the e-mail digest), never the author, never someone who may not read it."""

import datetime as dt

from django.core import mail

from ipcoop.notifications import services as notification_services
from ipcoop.notifications.models import Kind, Notification
from ipcoop.worksharing import services
from tests.conftest import client_for


def alerts_of(user):
    return Notification.objects.filter(recipient=user, kind=Kind.WORKSHARING_ALERT)


def test_watcher_notified_in_the_inbox_when_any_member_gains_work_product(
    personas, family, vn_examiner
):
    client = client_for(vn_examiner)
    client.post(f"/worksharing/applications/{family['vn'].pk}/watch/")
    product = services.add_work_product(
        by=personas.kipo_examiner,
        application=family["kr"],
        kind="office_action",
        date=dt.date(2023, 12, 1),
        action_type="Notice of allowance",
    )
    [alert] = alerts_of(vn_examiner)
    assert alert.subject.startswith("KR 10-2023-0012345 — Neural network accelerator")
    assert alert.url == f"/worksharing/applications/{family['kr'].pk}/#wp-{product.pk}"
    assert "1 unread alert" in client.get("/worksharing/").text
    # The old alerts address leads to the inbox, filtered to these alerts.
    response = client.get("/worksharing/alerts/")
    assert response.status_code == 302
    assert response["Location"] == "/inbox/?kind=worksharing_alert"
    page = client.get(response["Location"]).text
    assert "A watched patent family changed" in page and "KR 10-2023-0012345" in page
    assert "1 unread item." in page
    client.post("/inbox/read-all/", {"kind": "worksharing_alert"})
    assert "unread alert" not in client.get("/worksharing/").text


def test_the_author_is_not_alerted_about_their_own_work_product(personas, family):
    client_for(personas.kipo_examiner).post(f"/worksharing/applications/{family['kr'].pk}/watch/")
    services.add_work_product(
        by=personas.kipo_examiner,
        application=family["kr"],
        kind="written_opinion",
        date=dt.date(2023, 12, 1),
    )
    assert not alerts_of(personas.kipo_examiner).exists()


def test_alerts_reach_the_watchers_e_mail_digest(personas, family, vn_examiner):
    vn_examiner.email = "examiner@ipvn.example"
    vn_examiner.save(update_fields=["email"])
    client_for(vn_examiner).post(f"/worksharing/applications/{family['vn'].pk}/watch/")
    services.add_work_product(
        by=None, application=family["sg"], kind="written_opinion", date=dt.date(2023, 12, 1)
    )
    assert mail.outbox == []  # not urgent: no mail at once
    assert notification_services.send_digest(user=vn_examiner) == 1
    [message] = mail.outbox
    assert "A watched patent family changed" in message.body
    assert "SG 10202300999X" in message.body


def test_watcher_not_notified_about_what_they_cannot_read(personas, family):
    client_for(personas.th_examiner).post(f"/worksharing/applications/{family['kr'].pk}/watch/")
    hidden = family["sg"]
    hidden.visibility = "own"
    hidden.save()
    services.add_work_product(
        by=None, application=hidden, kind="written_opinion", date=dt.date(2023, 12, 1)
    )
    assert not alerts_of(personas.th_examiner).exists()


def test_unwatch_stops_alerts(personas, family):
    client = client_for(personas.th_examiner)
    client.post(f"/worksharing/applications/{family['kr'].pk}/watch/")
    client.post(f"/worksharing/applications/{family['sg'].pk}/watch/", {"action": "unwatch"})
    services.add_work_product(
        by=None, application=family["kr"], kind="written_opinion", date=dt.date(2023, 12, 1)
    )
    assert not Notification.objects.exists()
