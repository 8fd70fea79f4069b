"""Saving positions: every save a new immutable version, word diffs, optimistic locking,
and the domain rules (codes, URLs, required source) on forms, services and the API."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from ipcoop.exchange.practice import services
from ipcoop.exchange.practice.diff import word_diff
from ipcoop.exchange.practice.models import OfficePosition, PositionVersion, PracticeQuestion
from tests.conftest import client_for

EDIT = "/practice/questions/inventor-test/kr-kipo/edit/"
API = "/api/v1/practice/positions/inventor-test/kr-kipo"


@pytest.fixture
def question(db) -> PracticeQuestion:
    return services.create_question(
        by=None,
        question="Must an inventor be a natural person?",
        slug="inventor-test",
        area="ai",
        right="patent",
    )


def form(base_version: int, **changes) -> dict:
    data = {
        "answer": "no",
        "summary": "Only a natural person can be named as inventor.",
        "legal_basis": "Patent Act Art. 33(1)",
        "source_title": "Court decision 1",
        "source_url": "https://example.org/decision",
        "effective_date": "2024-05-16",
        "visibility": "public",
        "base_version": base_version,
    }
    data.update(changes)
    return data


def test_word_diff_marks_inserted_and_deleted_words_and_escapes_them():
    html = word_diff(
        "Only a <b>person</b> may invent", "Only a natural <b>person</b> may not invent"
    )
    assert html == ("Only a <ins>natural</ins> &lt;b&gt;person&lt;/b&gt; may <ins>not</ins> invent")
    assert word_diff("yes it is", "no it is") == "<del>yes</del> <ins>no</ins> it is"


def test_every_save_keeps_an_immutable_version_with_who_and_what(personas, question):
    client = client_for(personas.kipo_policy)
    assert client.post(EDIT, form(0)).status_code == 302
    second = {"summary": "Only a human being can be named as inventor.", "answer": "conditional"}
    assert client.post(EDIT, form(1, **second)).status_code == 302
    client_for(personas.kipo_admin).post(EDIT, form(2, source_title="Court decision 2", **second))

    position = OfficePosition.objects.get(question=question, office=personas.kipo)
    assert position.version == 3
    versions = list(position.versions.order_by("version"))
    assert [(v.version, v.answer, v.entered_by.username) for v in versions] == [
        (1, "no", "kipo.policy"),
        (2, "conditional", "kipo.policy"),
        (3, "conditional", "kipo.admin"),
    ]
    assert versions[0].summary == "Only a natural person can be named as inventor."
    assert versions[2].source_title == "Court decision 2"
    assert versions[1].created_at <= versions[2].created_at

    page = client_for(personas.th_examiner).get(
        "/practice/questions/inventor-test/kr-kipo/history/"
    )
    text = page.text
    for number in (1, 2, 3):
        assert f"Version {number}" in text
    assert "Saved by kipo.admin" in text and "Saved by kipo.policy" in text
    assert "<del>natural person</del> <ins>human being</ins>" in text
    assert "<del>No</del> <ins>Conditional</ins>" in text
    assert "Court decision <del>1</del> <ins>2</ins>" in text
    assert "Changed: source document." in text


def test_saving_the_same_values_writes_no_new_version(personas, question):
    client = client_for(personas.kipo_policy)
    client.post(EDIT, form(0))
    response = client.post(EDIT, form(1), follow=True)
    assert "Nothing changed" in response.text
    assert PositionVersion.objects.filter(position__question=question).count() == 1


def test_a_stale_edit_is_refused_and_the_users_input_is_kept(personas, question):
    first = client_for(personas.kipo_policy)
    first.post(EDIT, form(0))
    # Two people open the edit page at version 1; the admin saves first.
    client_for(personas.kipo_admin).post(EDIT, form(1, answer="under_review"))
    response = first.post(EDIT, form(1, summary="My careful rewording of the answer."))

    assert response.status_code == 200
    text = response.content.decode()
    assert "KIPO&#x27;s position was changed by kipo.admin at" in text
    assert "review their version and apply your change again" in text
    assert "My careful rewording of the answer." in text  # nothing the user wrote is lost
    assert "Their version (version 2)" in text
    assert 'name="base_version" value="2"' in text  # the next save is based on what they saw
    position = OfficePosition.objects.get(question=question, office=personas.kipo)
    assert (position.version, position.answer) == (2, "under_review")

    again = first.post(EDIT, form(2, summary="My careful rewording of the answer."))
    assert again.status_code == 302
    position.refresh_from_db()
    assert (position.version, position.summary) == (3, "My careful rewording of the answer.")


def test_api_put_creates_then_versions_then_refuses_stale_with_409(personas, question):
    client = client_for(personas.kipo_policy)
    created = client.put(API, json.dumps(form(0)), content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["version"] == 1
    updated = client.put(API, json.dumps(form(1, answer="yes")), content_type="application/json")
    assert updated.status_code == 200
    assert updated.json()["answer"] == "yes"
    assert updated.json()["version"] == 2

    stale = client.put(API, json.dumps(form(1, answer="no")), content_type="application/json")
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "conflict"
    assert body["message"].startswith("KIPO's position was changed by kipo.policy at ")
    assert body["errors"] == [{"field": "base_version", "message": "The current version is 2."}]
    assert OfficePosition.objects.get(question=question, office=personas.kipo).answer == "yes"

    history = client.get(f"/api/v1/practice/positions/{updated.json()['position_id']}/history")
    assert [v["version"] for v in history.json()["versions"]] == [2, 1]
    assert history.json()["versions"][1]["answer"] == "no"
    assert history.json()["versions"][0]["entered_by"] == "kipo.policy"


def test_api_rejects_invalid_fields_with_422_and_writes_nothing(personas, question):
    client = client_for(personas.kipo_policy)
    bad = form(0, answer="maybe", source_title="", source_url="not a url", visibility="own")
    answer = client.put(API, json.dumps(bad), content_type="application/json")
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"answer", "source_title", "source_url", "visibility"}
    missing = client.put(API, json.dumps({"answer": "yes"}), content_type="application/json")
    assert missing.status_code == 422
    assert {"base_version", "summary", "source_title"} <= {
        e["field"] for e in missing.json()["errors"]
    }
    assert not OfficePosition.objects.filter(question=question).exists()


def test_edit_page_shows_field_errors_and_keeps_input(personas, question):
    response = client_for(personas.kipo_policy).post(
        EDIT, form(0, source_title="", source_url="ftp:/nowhere", summary="Kept words")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Please fix the following" in text
    assert "Kept words" in text
    assert "This field is required." in text
    assert "Enter a valid URL." in text
    assert not OfficePosition.objects.filter(question=question).exists()


def test_invalid_ipc_and_nice_codes_are_refused_with_what_to_fix(personas):
    client = client_for(personas.platform_admin)
    response = client.post(
        "/practice/questions/new/",
        {
            "question": "Are NFT marks registrable?",
            "area": "metaverse",
            "right": "trademark",
            "ipc_symbols": "G06N 3/08, G6N 3",
            "nice_classes": "9, 46",
        },
    )
    text = response.content.decode()
    assert "G6N 3 is not an IPC symbol" in text
    assert "46 is not a Nice class: use a number from 1 to 45." in text
    assert not PracticeQuestion.objects.filter(question="Are NFT marks registrable?").exists()

    with pytest.raises(ValidationError) as error:
        services.create_question(
            by=personas.platform_admin,
            question="Q?",
            area="ai",
            right="patent",
            ipc_symbols=["X99Z 1/00"],
            nice_classes=["abc"],
        )
    assert set(error.value.message_dict) == {"ipc_symbols", "nice_classes"}


def test_platform_admin_adds_a_question_with_normalised_codes(personas):
    response = client_for(personas.platform_admin).post(
        "/practice/questions/new/",
        {
            "question": "Are NFT-authenticated files registrable goods?",
            "area": "metaverse",
            "right": "trademark",
            "ipc_symbols": "g06q20/12",
            "nice_classes": "35, 9 9",
            "explanation": "About class 9.",
        },
    )
    assert response.status_code == 302
    question = PracticeQuestion.objects.get(slug="are-nft-authenticated-files-registrable-goods")
    assert question.ipc_symbols == ["G06Q 20/12"]
    assert question.nice_classes == [9, 35]
    assert question.created_by == personas.platform_admin
    page = client_for(None).get(response["Location"]).text
    assert "IPC G06Q 20/12" in page and "Nice class 35" in page
    assert page.count("not yet reported") == 13  # 12 IP offices and the ASEAN Secretariat


def test_examiner_cannot_save_through_the_service(personas, question):
    with pytest.raises(ValidationError):
        services.save_position(
            by=personas.kipo_examiner,
            question=question,
            office=personas.kipo,
            base_version=0,
            answer="yes",
            summary="x",
            source_title="y",
        )
    assert not OfficePosition.objects.filter(question=question).exists()
