"""Posting and editing updates: who may, safe Markdown, attachments checked by content,
nothing half-saved, and the API's POST."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ipcoop.access import Visibility
from ipcoop.exchange.updates import services
from ipcoop.exchange.updates.models import Attachment, PolicyUpdate, UpdateTag
from tests.conftest import assert_same_not_found, client_for
from tests.exchange.test_updates_support import (  # noqa: F401 (media_root is autouse)
    ELF,
    EXE,
    JPEG,
    MISSING_ID,
    PDF,
    WEBP,
    docx_bytes,
    make_update,
    media_root,
    plain_zip_bytes,
    png_bytes,
    upload,
    xlsx_bytes,
)


def form_data(**extra):
    data = {
        "kind": "fee_change",
        "title": "New fees for trademark filing",
        "summary": "Fees change from 1 July.",
        "body": "Details in the table.",
        "effective_date": "2025-07-01",
        "technology_tags": ["metaverse"],
        "right_tags": ["trademark"],
        "visibility": "public",
    }
    data.update(extra)
    return data


def services_grant(user, office):
    from ipcoop.people import services as people

    people.grant_role(by=None, user=user, role="policy_officer", organisation=office)
    return user


def stored_files(folder_root: Path) -> list[Path]:
    folder = folder_root / "updates"
    return sorted(folder.iterdir()) if folder.exists() else []


# Who writes ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kipo_policy", "kipo_admin"])
def test_policy_officers_and_office_admins_post_for_their_office(personas, name):
    client = client_for(getattr(personas, name))
    assert "Post an update" in client.get("/updates/").text
    response = client.post("/updates/new/", form_data(office=personas.kipo.pk), follow=True)
    update = PolicyUpdate.objects.get()
    assert (update.office, update.author) == (personas.kipo, getattr(personas, name))
    assert update.tag_values == ["metaverse", "trademark"]
    assert str(update.effective_date) == "2025-07-01"
    assert "The update is published." in response.text
    assert '<h1 id="update-title">New fees for trademark filing</h1>' in response.text


@pytest.mark.parametrize(
    "name", ["kipo_examiner", "educator", "learner", "teacher", "outsider", "platform_admin"]
)
def test_other_people_cannot_post(personas, name):
    client = client_for(getattr(personas, name))
    assert "Post an update" not in client.get("/updates/").text
    assert client.get("/updates/new/").status_code == 404
    assert client.post("/updates/new/", form_data()).status_code == 404
    assert not PolicyUpdate.objects.exists()


def test_anonymous_visitor_is_sent_to_sign_in_to_post(db):
    response = client_for(None).get("/updates/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/signin/")


def test_an_office_cannot_post_for_another_office(personas):
    # One office to post for: the form offers no choice, a forged one is ignored.
    client_for(personas.ipos_policy).post("/updates/new/", form_data(office=personas.kipo.pk))
    assert PolicyUpdate.objects.get().office == personas.ipos
    # Someone posting for two offices chooses among those two only.
    make_user_role = services_grant(personas.ipos_policy, personas.thdip)
    response = client_for(make_user_role).post("/updates/new/", form_data(office=personas.kipo.pk))
    assert "Select a valid choice" in response.text
    assert PolicyUpdate.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.post_update(
            author=personas.ipos_policy,
            office=personas.kipo,
            kind="procedure",
            title="x",
            summary="y",
        )


def test_selected_visibility_needs_offices_to_share_with(personas):
    client = client_for(personas.kipo_policy)
    response = client.post("/updates/new/", form_data(visibility="selected"))
    assert "Name at least one other office to share with" in response.text
    assert not PolicyUpdate.objects.exists()
    client.post("/updates/new/", form_data(visibility="selected", shared_with=[personas.ipos.pk]))
    assert list(PolicyUpdate.objects.get().shared_with.all()) == [personas.ipos]


def test_insider_who_may_not_edit_gets_no_edit_page(personas):
    update = make_update(personas, Visibility.OWN)
    page = client_for(personas.kipo_examiner).get(f"/updates/{update.pk}/")
    assert "Edit this update" not in page.text
    assert_same_not_found(
        client_for(personas.kipo_examiner),
        f"/updates/{update.pk}/edit/",
        f"/updates/{MISSING_ID}/edit/",
    )
    # Another office's policy officer who can read it cannot edit it either.
    public = make_update(personas, Visibility.PUBLIC)
    assert client_for(personas.ipos_policy).get(f"/updates/{public.pk}/edit/").status_code == 404


def test_office_admin_edits_an_update_and_removes_an_attachment(
    personas, settings, django_capture_on_commit_callbacks
):
    update = make_update(personas, Visibility.OWN, files=[upload("a.pdf", PDF)])
    old = update.attachments.get()
    client = client_for(personas.kipo_admin)
    page = client.get(f"/updates/{update.pk}/edit/")
    assert 'value="KIPO own update"' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/updates/{update.pk}/edit/",
            form_data(
                title="Corrected title",
                visibility="offices",
                remove_attachments=[old.pk],
                attachments=[upload("chart.png", png_bytes())],
            ),
            follow=True,
        )
    assert "The update is saved." in response.text
    update.refresh_from_db()
    assert (update.title, update.visibility) == ("Corrected title", "offices")
    assert update.tag_values == ["metaverse", "trademark"]
    assert list(update.attachments.values_list("original_name", flat=True)) == ["chart.png"]
    assert [p.suffix for p in stored_files(settings.MEDIA_ROOT)] == [".png"]


# Safe Markdown ---------------------------------------------------------------------

HOSTILE = (
    "Hello <script>alert('body')</script>\n\n"
    '<img src="x" onerror="alert(1)">\n\n'
    '[click me](javascript:alert(2)) and <a href="javascript:alert(3)">raw</a>\n\n'
    '<p style="color:red" onclick="alert(4)">styled</p>'
)


def test_hostile_markdown_never_reaches_the_page_or_the_api(personas):
    update = make_update(
        personas, Visibility.PUBLIC, body=HOSTILE, title="<script>alert('title')</script>"
    )
    page = client_for(None).get(f"/updates/{update.pk}/").text
    body = page.split('<div class="markdown">')[1].split("</div>")[0]
    for bad in ("<script", "onerror", "javascript:", "onclick", "style="):
        assert bad not in body, bad
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "click me" in body
    html = client_for(None).get(f"/api/v1/updates/{update.pk}").json()["body_html"]
    for bad in ("<script", "onerror", "javascript:", "onclick"):
        assert bad not in html, bad


# Attachments -----------------------------------------------------------------------

ACCEPTED = [
    ("law.pdf", PDF, "application/pdf", "law.pdf"),
    ("photo.png", png_bytes(), "image/png", "photo.png"),
    ("photo.jpeg", JPEG, "image/jpeg", "photo.jpg"),
    ("banner.webp", WEBP, "image/webp", "banner.webp"),
    (
        "guideline.docx",
        docx_bytes(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "guideline.docx",
    ),
    (
        "fees.xlsx",
        xlsx_bytes(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "fees.xlsx",
    ),
    # The content decides, not the name: a PNG called .pdf is stored and served as a PNG.
    ("chart.pdf", png_bytes(), "image/png", "chart.png"),
]


@pytest.mark.parametrize(("name", "data", "mime", "shown"), ACCEPTED)
def test_accepted_attachment_is_stored_under_a_random_name_and_served_safely(
    personas, settings, name, data, mime, shown
):
    client = client_for(personas.kipo_policy)
    client.post("/updates/new/", form_data(attachments=[upload(name, data)]))
    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.original_name) == (mime, shown)
    (path,) = stored_files(settings.MEDIA_ROOT)
    assert path.read_bytes() == data
    assert name.rsplit(".")[0] not in path.name
    assert attachment.file.name == f"updates/{path.name}"
    response = client_for(None).get(f"/updates/{attachment.update_id}/attachments/{attachment.pk}/")
    assert response["Content-Type"] == mime
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{shown}\"; filename*=UTF-8''{shown}"
    )
    assert b"".join(response.streaming_content) == data


def test_file_name_is_sanitised_and_non_ascii_names_use_filename_star(personas, settings):
    client = client_for(personas.kipo_policy)
    client.post(
        "/updates/new/",
        form_data(attachments=[upload('..\\..\\심사 "기준";\r\n.pdf', PDF)]),
    )
    attachment = Attachment.objects.get()
    assert attachment.original_name == "심사 _기준.pdf"
    response = client_for(None).get(f"/updates/{attachment.update_id}/attachments/{attachment.pk}/")
    assert response["Content-Disposition"] == (
        'attachment; filename="attachment.pdf"; '
        "filename*=UTF-8''%EC%8B%AC%EC%82%AC%20_%EA%B8%B0%EC%A4%80.pdf"
    )


REFUSED = [
    ("setup.pdf", EXE, "application/x-msdownload"),
    ("tool.pdf", ELF, "application/x-executable"),
    ("archive.docx", plain_zip_bytes(), "application/zip"),
    ("notes.pdf", b"just some text, no PDF here", "not recognised"),
    (
        "macro.docx",
        docx_bytes(extra={"word/vbaProject.bin": b"\x00" * 10}),
        "application/",
    ),
    (
        "fake.docx",
        docx_bytes(main_type="application/xml"),
        "application/",
    ),
]


@pytest.mark.parametrize(("name", "data", "found"), REFUSED)
def test_disguised_file_is_refused_and_nothing_of_the_post_is_saved(
    personas, settings, name, data, found
):
    client = client_for(personas.kipo_policy)
    response = client.post(
        "/updates/new/",
        form_data(attachments=[upload("good.pdf", PDF), upload(name, data, "application/pdf")]),
    )
    assert response.status_code == 200
    assert f"“{name}” is not a file type we accept, whatever its name says" in response.text
    assert found in response.text
    assert "PDF, Word (DOCX), Excel (XLSX), PNG, JPEG, WebP" in response.text
    assert PolicyUpdate.objects.count() == Attachment.objects.count() == 0
    assert UpdateTag.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


def test_oversized_file_is_refused_with_the_limit_in_the_message(personas, settings):
    big = PDF + b"0" * (10 * 1024 * 1024)
    client = client_for(personas.kipo_policy)
    response = client.post("/updates/new/", form_data(attachments=[upload("huge.pdf", big)]))
    assert "“huge.pdf” is 10.0 MB; an attachment may be at most 10 MB." in response.text
    assert not PolicyUpdate.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_failure_while_storing_leaves_no_file_and_no_row(personas, settings, monkeypatch):
    """If the database refuses the second attachment, the first file is removed too."""
    original = Attachment.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", failing_save)
    with pytest.raises(RuntimeError):
        make_update(personas, files=[upload("a.pdf", PDF), upload("b.pdf", PDF)])
    assert PolicyUpdate.objects.count() == Attachment.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


def test_refused_file_on_edit_changes_nothing(personas, settings):
    update = make_update(personas, Visibility.PUBLIC, files=[upload("a.pdf", PDF)])
    before = stored_files(settings.MEDIA_ROOT)
    with pytest.raises(ValidationError) as refused:
        services.edit_update(
            editor=personas.kipo_policy,
            update=update,
            kind="procedure",
            title="Changed",
            summary="Changed",
            files=[upload("x.pdf", EXE)],
            remove_attachments=[update.attachments.get().pk],
        )
    assert "attachments" in refused.value.message_dict
    update.refresh_from_db()
    assert update.title == "KIPO public update"
    assert update.attachments.count() == 1
    assert stored_files(settings.MEDIA_ROOT) == before


# API --------------------------------------------------------------------------------


def test_api_post_publishes_and_answers_201(personas):
    client = client_for(personas.kipo_policy)
    response = client.post(
        "/api/v1/updates",
        {
            "kind": "law_amendment",
            "title": "Design Protection Act amendment",
            "summary": "Images are protected without a physical article.",
            "body": "See the act.",
            "effective_date": "2021-10-21",
            "tags": ["metaverse", "design"],
            "visibility": "selected",
            "offices": ["sg-ipos", "th-dip"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    update = PolicyUpdate.objects.get()
    assert body["id"] == update.pk
    assert (body["office"], body["visibility"], body["tags"]) == (
        "kr-kipo",
        "selected",
        ["metaverse", "design"],
    )
    assert sorted(body["offices"]) == ["sg-ipos", "th-dip"]
    assert body["effective_date"] == "2021-10-21"
    assert client_for(personas.th_examiner).get(f"/api/v1/updates/{update.pk}").status_code == 200


def test_api_post_refuses_bad_fields_with_what_to_fix(personas):
    client = client_for(personas.kipo_policy)
    response = client.post(
        "/api/v1/updates",
        {"kind": "gossip", "title": "x", "summary": "y", "tags": ["crypto"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"kind", "tags.0"}
    response = client.post(
        "/api/v1/updates",
        {
            "kind": "notice",
            "title": " ",
            "summary": "y",
            "visibility": "selected",
            "offices": ["nowhere"],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "offices", "message": "Unknown office slugs: nowhere."}
    ]
    response = client.post(
        "/api/v1/updates",
        {"kind": "notice", "title": " ", "summary": "y", "visibility": "selected"},
        content_type="application/json",
    )
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields == {
        "title": "Give the update a title.",
        "shared_with": "Name at least one other office to share with, or choose another "
        "visibility.",
    }
    assert not PolicyUpdate.objects.exists()


def test_api_post_by_a_reader_is_403_and_anonymous_is_401(personas):
    payload = {"kind": "notice", "title": "x", "summary": "y"}
    response = client_for(personas.kipo_examiner).post(
        "/api/v1/updates", payload, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    response = client_for(None).post("/api/v1/updates", payload, content_type="application/json")
    assert response.status_code == 401
    assert not PolicyUpdate.objects.exists()


def test_api_post_for_another_office_is_refused(personas):
    response = client_for(personas.ipos_policy).post(
        "/api/v1/updates",
        {"kind": "notice", "title": "x", "summary": "y", "office": "kr-kipo"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "office"
    assert not PolicyUpdate.objects.exists()
