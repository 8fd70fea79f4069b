import datetime as dt

from ipcoop.worksharing import services
from ipcoop.worksharing.models import Notice
from tests.conftest import client_for


def test_watcher_notified_when_any_member_gains_work_product(personas, family, vn_examiner):
    client = client_for(vn_examiner)
    client.post(f"/worksharing/applications/{family['vn'].pk}/watch/")
    services.add_work_product(
        by=personas.kipo_examiner,
        application=family["kr"],
        kind="office_action",
        date=dt.date(2023, 12, 1),
        action_type="Notice of allowance",
    )
    assert Notice.objects.filter(user=vn_examiner).count() == 1
    assert "1 unread alert" in client.get("/worksharing/").text
    page = client.get("/worksharing/alerts/").text
    assert "KR 10-2023-0012345" in page and "Office action" in page and "1 unread" in page
    client.post("/worksharing/alerts/")
    assert "0 unread" in client.get("/worksharing/alerts/").text


def test_watcher_not_notified_about_what_they_cannot_read(personas, family):
    client_for(personas.th_examiner).post(f"/worksharing/applications/{family['kr'].pk}/watch/")
    hidden = family["sg"]
    hidden.visibility = "own"
    hidden.save()
    services.add_work_product(
        by=None, application=hidden, kind="written_opinion", date=dt.date(2023, 12, 1)
    )
    assert Notice.objects.filter(user=personas.th_examiner).count() == 0


def test_unwatch_stops_notices(personas, family):
    client = client_for(personas.th_examiner)
    client.post(f"/worksharing/applications/{family['kr'].pk}/watch/")
    client.post(f"/worksharing/applications/{family['sg'].pk}/watch/", {"action": "unwatch"})
    services.add_work_product(
        by=None, application=family["kr"], kind="written_opinion", date=dt.date(2023, 12, 1)
    )
    assert Notice.objects.count() == 0
