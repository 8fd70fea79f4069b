"""Who reads a policy update: every channel (page, list, API, Atom feeds, attachment
download) gives the same answer, with the hidden update present."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ipcoop.access import Visibility
from ipcoop.exchange.updates import services
from ipcoop.people.models import AuditAction, AuditEvent
from tests.conftest import assert_same_not_found, client_for
from tests.exchange.test_updates_support import (  # noqa: F401 (media_root is autouse)
    MISSING_ID,
    PDF,
    make_update,
    media_root,
    upload,
)

ATOM = "{http://www.w3.org/2005/Atom}"

# Who reads a KIPO update at each level: an insider (KIPO examiner), the selected office
# (IPOS), an office that was not selected (Thailand), a learner and an anonymous visitor.
READERS = ["kipo_examiner", "ipos_policy", "th_examiner", "learner", "anonymous"]
SEES = {
    Visibility.PUBLIC: set(READERS),
    Visibility.OFFICES: {"kipo_examiner", "ipos_policy", "th_examiner"},
    Visibility.SELECTED: {"kipo_examiner", "ipos_policy"},
    Visibility.OWN: {"kipo_examiner"},
}
CASES = [(level, reader) for level in SEES for reader in READERS]


def reader_of(personas, name):
    return None if name == "anonymous" else getattr(personas, name)


@pytest.fixture
def updates(personas):
    """A KIPO update at each visibility level, each with a PDF attached."""
    return {
        level: make_update(personas, level, files=[upload(f"{level}.pdf", PDF)]) for level in SEES
    }


def atom_titles(body: bytes) -> set[str]:
    root = ET.fromstring(body)  # noqa: S314 (our own feed)
    return {entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")}


@pytest.mark.parametrize(("level", "name"), CASES)
def test_every_channel_agrees_on_who_reads_an_update(personas, updates, level, name):
    user = reader_of(personas, name)
    client = client_for(user)
    update = updates[level]
    attachment = update.attachments.get()
    allowed = name in SEES[level]

    page = client.get(f"/updates/{update.pk}/")
    feed = client.get("/updates/").text
    api_one = client.get(f"/api/v1/updates/{update.pk}")
    api_ids = [item["id"] for item in client.get("/api/v1/updates").json()["items"]]
    download = client.get(f"/updates/{update.pk}/attachments/{attachment.pk}/")
    public_atom = atom_titles(client_for(None).get("/updates/feed.atom").content)

    assert (update.title in feed) is allowed
    assert (update.pk in api_ids) is allowed
    assert (update.title in public_atom) is (level == Visibility.PUBLIC)
    if user is not None:
        _token, secret = services.create_feed_token(user=user)
        private = client_for(None).get(f"/updates/feed/{secret}.atom")
        assert (update.title in atom_titles(private.content)) is allowed
    if allowed:
        assert page.status_code == 200
        assert f'<h1 id="update-title">{update.title}</h1>' in page.text
        assert api_one.status_code == 200
        assert api_one.json()["title"] == update.title
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
    else:
        assert update.title not in page.text
        assert_same_not_found(client, f"/updates/{update.pk}/", f"/updates/{MISSING_ID}/")
        assert_same_not_found(
            client, f"/api/v1/updates/{update.pk}", f"/api/v1/updates/{MISSING_ID}"
        )
        assert_same_not_found(
            client,
            f"/updates/{update.pk}/attachments/{attachment.pk}/",
            f"/updates/{MISSING_ID}/attachments/{MISSING_ID}/",
        )


def test_platform_admin_reads_offices_updates_but_not_own_or_selected(personas, updates):
    client = client_for(personas.platform_admin)
    assert client.get(f"/updates/{updates[Visibility.OFFICES].pk}/").status_code == 200
    for level in (Visibility.SELECTED, Visibility.OWN):
        assert_same_not_found(client, f"/updates/{updates[level].pk}/", f"/updates/{MISSING_ID}/")


def test_attachment_of_another_update_is_not_reached_through_a_visible_one(personas, updates):
    public = updates[Visibility.PUBLIC]
    own_file = updates[Visibility.OWN].attachments.get()
    assert_same_not_found(
        client_for(personas.learner),
        f"/updates/{public.pk}/attachments/{own_file.pk}/",
        f"/updates/{public.pk}/attachments/{MISSING_ID}/",
    )


def test_reading_a_non_public_update_is_audited_and_a_public_one_is_not(personas, updates):
    reader = personas.ipos_policy
    client = client_for(reader)
    client.get(f"/updates/{updates[Visibility.PUBLIC].pk}/")
    assert not AuditEvent.objects.filter(action=AuditAction.CONFIDENTIAL_READ).exists()
    selected = updates[Visibility.SELECTED]
    client.get(f"/updates/{selected.pk}/")
    event = AuditEvent.objects.get(action=AuditAction.CONFIDENTIAL_READ)
    assert (event.actor, event.object_id, event.detail) == (
        reader,
        str(selected.pk),
        {"visibility": "selected"},
    )
    assert set(event.organisations.values_list("slug", flat=True)) == {"kr-kipo", "sg-ipos"}
    client.get(f"/api/v1/updates/{selected.pk}")
    attachment = selected.attachments.get()
    client.get(f"/updates/{selected.pk}/attachments/{attachment.pk}/")
    reads = AuditEvent.objects.filter(action=AuditAction.CONFIDENTIAL_READ, actor=reader)
    assert reads.count() == 3


def test_shared_offices_are_named_only_to_the_owning_office(personas, updates):
    selected = updates[Visibility.SELECTED]
    owner_view = client_for(personas.kipo_examiner).get(f"/updates/{selected.pk}/").text
    partner_view = client_for(personas.ipos_policy).get(f"/updates/{selected.pk}/").text
    assert "Selected offices: IPOS" in owner_view
    assert "Selected offices: IPOS" not in partner_view
    api = client_for(personas.ipos_policy).get(f"/api/v1/updates/{selected.pk}").json()
    assert api["offices"] is None
    api = client_for(personas.kipo_examiner).get(f"/api/v1/updates/{selected.pk}").json()
    assert api["offices"] == ["sg-ipos"]
