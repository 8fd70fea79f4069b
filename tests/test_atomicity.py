"""Every multi-step write is all or nothing, and retried submissions are recorded once.

Each test makes a later step of a service fail (after the earlier steps have written)
and checks that every table holds exactly the rows it held before and that no file the
service wrote is left under MEDIA_ROOT.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from ipcoop.academy import package as package_module
from ipcoop.academy import services as academy
from ipcoop.academy.models import Attempt, LessonProgress, ObjectiveProgress, Question
from ipcoop.classes import services as classes
from ipcoop.classes.models import ClassMember
from ipcoop.credentials import services as credentials
from ipcoop.credentials.models import Certificate
from ipcoop.exchange.statistics import services as statistics
from ipcoop.exchange.statistics.models import Figure
from ipcoop.exchange.updates import services as updates
from ipcoop.meetings.services import meetings as meeting_services
from ipcoop.notifications.models import Notification
from ipcoop.projects import services as projects
from ipcoop.projects.models import Project
from ipcoop.proposals import services as proposals
from ipcoop.proposals.models import Proposal, ProposalAttachment
from ipcoop.worksharing import importer
from ipcoop.worksharing import services as worksharing
from ipcoop.worksharing.models import Application, WorkProduct
from tests.academy.fixture import package
from tests.classes.conftest import PICTURES, make_class
from tests.conftest import client_for
from tests.credentials.conftest import complete_course, course_package
from tests.credentials.conftest import signing_key as _credentials_signing_key  # noqa: F401
from tests.meetings import conftest as meetings_conftest
from tests.meetings.conftest import make_meeting
from tests.projects.makers import adopted
from tests.proposals.makers import propose
from tests.worksharing.conftest import save

pytestmark = pytest.mark.django_db

# The meetings' offices and people, and the key that signs certificates, as their tests have them.
world = meetings_conftest.world

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Forced(Exception):
    """The failure forced in the middle of a service."""


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def rows() -> dict[str, int]:
    """The number of rows of every model of every installed app."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def files(root: Path) -> list[str]:
    root = Path(root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def then_fail(real):
    """``real`` run in full (it writes what it writes), then the forced failure."""

    def wrapper(*args, **kwargs):
        real(*args, **kwargs)
        raise Forced

    return wrapper


def fail(*args, **kwargs):
    raise Forced


class Unchanged:
    """Asserts that the block raised the forced failure and left rows and files as before."""

    def __init__(self, media: Path, expected: type[BaseException] = Forced):
        self.media, self.expected = media, expected

    def __enter__(self):
        self.rows, self.files = rows(), files(self.media)
        self.raises = pytest.raises(self.expected)
        self.raises.__enter__()
        return self

    def __exit__(self, *exc):
        handled = self.raises.__exit__(*exc)
        after = rows()
        changed = {k: (self.rows[k], after[k]) for k in after if after[k] != self.rows.get(k)}
        assert changed == {}, f"half-written (before, after): {changed}"
        assert files(self.media) == self.files, "files left under MEDIA_ROOT"
        return handled


# Academy -------------------------------------------------------------------------------


def test_course_package_import_is_all_or_nothing(monkeypatch, media):
    # Objectives, the course, units, lessons and versions are written before the questions.
    monkeypatch.setattr(Question, "save", fail)
    with Unchanged(media):
        package_module.import_package(package(), publish=True, review_note="test")


def test_attempt_with_progress_is_all_or_nothing_and_its_retry_is_recorded_once(
    monkeypatch, personas, media
):
    package_module.import_package(package(), publish=True, review_note="test")
    question = Question.objects.get(key="q-true-false")
    key = uuid.uuid4()
    learner = personas.learner

    def answer():
        return academy.record_attempt(
            learner=learner, question=question, answer={"value": True}, idempotency_key=key
        )

    # The attempt and the objective's progress are written, the lesson's progress fails.
    with monkeypatch.context() as patch:
        patch.setattr(academy, "_touch_lesson", then_fail(academy._touch_lesson))
        with Unchanged(media):
            answer()

    # The client retries with the same key: recorded now, once; again: the same attempt.
    first = answer()
    again = answer()
    assert first.created is True and again.created is False
    assert again.attempt.pk == first.attempt.pk
    assert Attempt.objects.filter(learner=learner).count() == 1
    progress = ObjectiveProgress.objects.get(learner=learner)
    assert (progress.answered, progress.correct) == (1, int(first.attempt.correct))
    assert LessonProgress.objects.filter(learner=learner).count() == 1


def test_attempt_api_retried_after_a_failure_answers_201_then_200(monkeypatch, personas):
    package_module.import_package(package(), publish=True, review_note="test")
    question = Question.objects.get(key="q-true-false")
    client = client_for(personas.learner)
    client.raise_request_exception = False
    payload = {"question": question.pk, "answer": {"value": False}, "idempotency_key": "%s"}
    payload["idempotency_key"] = str(uuid.uuid4())

    def post():
        return client.post("/api/v1/academy/attempts", payload, content_type="application/json")

    with monkeypatch.context() as patch:
        patch.setattr(academy, "_touch_lesson", then_fail(academy._touch_lesson))
        assert post().status_code == 500
    assert not Attempt.objects.exists() and not ObjectiveProgress.objects.exists()
    first, second, third = post(), post(), post()
    assert [first.status_code, second.status_code, third.status_code] == [201, 200, 200]
    assert first.json()["attempt"] == second.json()["attempt"] == third.json()["attempt"]
    assert second.json()["recorded"] is False
    assert second.json()["objective"]["answered"] == 1
    assert Attempt.objects.count() == 1


# Meetings ------------------------------------------------------------------------------


def test_meeting_with_participants_and_invitations_is_all_or_nothing(monkeypatch, world, media):
    # The meeting, its participants and every invitation are written, then the step fails.
    monkeypatch.setattr(meeting_services, "notify", then_fail(meeting_services.notify))
    with Unchanged(media):
        make_meeting(world)
    monkeypatch.undo()
    meeting = make_meeting(world)
    assert list(meeting.participants.all()) == [world.mm]
    assert Notification.objects.filter(kind="meeting_invitation").exists()


# Proposals and projects ----------------------------------------------------------------


def test_new_proposal_with_attachment_leaves_no_file_when_opening_fails(
    monkeypatch, personas, media
):
    monkeypatch.setattr(proposals, "open_proposal", then_fail(proposals.open_proposal))
    with Unchanged(media):
        propose(personas, attachments=[pdf()])


def test_amendment_is_all_or_nothing_with_its_attachments(monkeypatch, personas, media):
    proposal = propose(personas)
    endorsed = proposals.endorse(by=personas.ipos_policy, proposal=proposal, position="support")
    assert endorsed is not None
    before = Proposal.objects.get(pk=proposal.pk)
    # New version, superseded endorsements, transition and notifications are written, and
    # the attachment is stored, then the step fails.
    monkeypatch.setattr(proposals, "notify", then_fail(proposals.notify))
    with Unchanged(media):
        proposals.amend_proposal(
            by=personas.kipo_policy,
            proposal=proposal,
            note="Budget added",
            attachments=[pdf("budget.pdf")],
            budget="USD 10,000",
        )
    after = Proposal.objects.get(pk=proposal.pk)
    assert (after.version, after.budget) == (before.version, before.budget)
    assert proposal.endorsements.filter(superseded_at__isnull=True).count() == 1
    assert not ProposalAttachment.objects.exists()


def test_adopting_a_proposal_into_a_project_is_all_or_nothing(monkeypatch, personas, media):
    proposal = adopted(personas)
    real_create = Project.objects.create
    monkeypatch.setattr(Project.objects, "create", then_fail(real_create))
    today = timezone.localdate()
    with Unchanged(media):
        projects.create_project(
            by=personas.kipo_policy,
            proposal=proposal,
            lead_office=personas.kipo,
            partner_offices=[personas.ipos],
            start_date=today,
            end_date=today + dt.timedelta(days=100),
        )


# Work-sharing --------------------------------------------------------------------------


def test_work_product_with_citations_and_documents_is_all_or_nothing(monkeypatch, personas, media):
    application = save("kr-kipo", "10-2023-0012345")
    before_status = application.status
    monkeypatch.setattr(worksharing, "notify_watchers", fail)
    with Unchanged(media):
        worksharing.add_work_product(
            by=personas.kipo_examiner,
            application=application,
            kind="final_decision",
            decision="granted",
            date=dt.date(2023, 11, 2),
            citations=[{"document_number": "US 2020/0123456 A1", "category": "X"}],
            documents=[pdf("decision.pdf"), pdf("annex.pdf")],
        )
    assert Application.objects.get(pk=application.pk).status == before_status


GOOD = {
    "application_number": "10-2022-0100001",
    "filing_date": "2022-05-01",
    "invention_title": "Federated learning scheduler",
    "ipc_symbols": ["G06N 20/00"],
    "work_products": [
        {
            "kind": "search_report",
            "date": "2022-11-01",
            "citations": [{"document_number": "US 9999999 B2", "category": "X"}],
        }
    ],
}


def test_dossier_import_is_all_or_nothing_when_a_later_record_fails(monkeypatch, personas, media):
    second = {**GOOD, "application_number": "10-2022-0100002"}
    upload = SimpleUploadedFile(
        "dossiers.jsonl", "\n".join([json.dumps(GOOD), json.dumps(second)]).encode()
    )
    real_add = importer.services.add_work_product
    calls = []

    def add_then_fail_the_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise Forced
        return real_add(**kwargs)

    monkeypatch.setattr(importer.services, "add_work_product", add_then_fail_the_second)
    with Unchanged(media):
        importer.import_dossier_upload(
            by=personas.kipo_examiner, office=personas.kipo, upload=upload
        )
    monkeypatch.undo()
    upload.seek(0)
    report = importer.import_dossier_upload(
        by=personas.kipo_examiner, office=personas.kipo, upload=upload
    )
    assert (report.created, report.work_products) == (2, 2)
    assert WorkProduct.objects.count() == 2


# Exchange ------------------------------------------------------------------------------


def test_policy_update_with_attachments_is_all_or_nothing(monkeypatch, personas, media):
    # The update, tags, links and both files are written; indexing it fails.
    monkeypatch.setattr(updates, "index_item", fail)
    with Unchanged(media):
        updates.post_update(
            author=personas.kipo_policy,
            office=personas.kipo,
            kind="procedure",
            title="New fee schedule",
            summary="Fees change in March.",
            tags=["ai", "patent"],
            visibility="selected",
            shared_with=[personas.ipos],
            files=[pdf("fees.pdf"), pdf("annex.pdf")],
        )


def test_statistics_import_is_all_or_nothing(monkeypatch, personas, media):
    statistics.save_figures(
        by=personas.kipo_policy,
        office=personas.kipo,
        rows=[{"year": 2023, "measure": "applications", "right_or_area": "patent",
               "value": 1111, "source": "Sample A"}],
    )  # fmt: skip
    # The new figure is created, the change to the existing one fails.
    monkeypatch.setattr(Figure.objects, "bulk_update", fail)
    with Unchanged(media):
        statistics.save_figures(
            by=personas.kipo_policy,
            office=personas.kipo,
            rows=[
                {"year": 2023, "measure": "applications", "right_or_area": "patent",
                 "value": 2222, "source": "Sample B"},
                {"year": 2024, "measure": "applications", "right_or_area": "patent",
                 "value": 3333, "source": "Sample B"},
            ],
        )  # fmt: skip
    assert list(Figure.objects.values_list("year", "value")) == [(2023, 1111)]


# Credentials and classes ---------------------------------------------------------------


def test_certificate_is_issued_once_and_not_half_written(monkeypatch, personas, media):
    course = package_module.import_package(course_package(), publish=True, review_note="test")
    complete_course(personas.learner, course)
    with monkeypatch.context() as patch:
        patch.setattr(Certificate, "save", then_fail(Certificate.save))
        with Unchanged(media):
            credentials.issue_certificate(learner=personas.learner, course=course, language="en")
    first = credentials.issue_certificate(learner=personas.learner, course=course, language="en")
    again = credentials.issue_certificate(learner=personas.learner, course=course, language="ko")
    assert again.pk == first.pk and again.code == first.code
    assert Certificate.objects.count() == 1


def test_class_join_leaves_no_account_when_membership_fails(monkeypatch, personas, media):
    course = package_module.import_package(package(), publish=True, review_note="test")
    school_class = make_class(personas.teacher, course)
    # The child's account and role are written before the membership.
    monkeypatch.setattr(ClassMember.objects, "create", fail)
    with Unchanged(media):
        classes.join_class(code=school_class.code, display_name="Minji", picture_keys=PICTURES)

    # A membership refused by the database (same name at the same moment): no account left.
    def taken(**kwargs):
        raise IntegrityError("name taken")

    monkeypatch.setattr(ClassMember.objects, "create", taken)
    with Unchanged(media, ValidationError):
        classes.join_class(code=school_class.code, display_name="Minji", picture_keys=PICTURES)


# Retried submissions -------------------------------------------------------------------


def test_cancelling_a_meeting_again_changes_nothing(world):
    meeting = make_meeting(world)
    meeting_services.cancel_meeting(by=world.kr_policy, meeting=meeting)
    before = rows()
    sequence = type(meeting).objects.get(pk=meeting.pk).sequence
    again = meeting_services.cancel_meeting(by=world.kr_policy, meeting=meeting)
    assert rows() == before
    assert again.sequence == sequence and again.is_cancelled


def test_notification_with_a_key_is_delivered_once(personas):
    from ipcoop.notifications.services import notify

    fields = {
        "recipients": [personas.ipos_policy],
        "kind": "meeting_invitation",
        "subject": "Working group",
        "url": "/meetings/",
        "key": "retry-check:1",
    }
    assert notify(**fields) == 1
    assert notify(**fields) == 0
    assert Notification.objects.filter(recipient=personas.ipos_policy).count() == 1


def test_figures_sent_again_are_stored_once(personas):
    figures = [{"year": 2023, "measure": "applications", "right_or_area": "patent",
                "value": 1111, "source": "Sample A"}]  # fmt: skip
    first = statistics.save_figures(by=personas.kipo_policy, office=personas.kipo, rows=figures)
    before = rows()
    again = statistics.save_figures(by=personas.kipo_policy, office=personas.kipo, rows=figures)
    assert (first.created, again.created, again.updated) == (1, 0, 1)
    assert rows() == before


def test_dossier_file_imported_again_adds_nothing(personas):
    upload = SimpleUploadedFile("dossiers.jsonl", json.dumps(GOOD).encode())
    importer.import_dossier_upload(by=personas.kipo_examiner, office=personas.kipo, upload=upload)
    before = rows()
    upload.seek(0)
    report = importer.import_dossier_upload(
        by=personas.kipo_examiner, office=personas.kipo, upload=upload
    )
    assert (report.created, report.skipped) == (0, 1)
    assert rows() == before


def test_watching_a_family_again_adds_nothing(personas):
    application = save("kr-kipo", "10-2023-0012345")
    worksharing.watch_family(user=personas.kipo_examiner, application=application)
    before = rows()
    worksharing.watch_family(user=personas.kipo_examiner, application=application)
    assert rows() == before


def test_class_join_sent_twice_makes_one_child(personas):
    course = package_module.import_package(package(), publish=True, review_note="test")
    school_class = make_class(personas.teacher, course)
    classes.join_class(code=school_class.code, display_name="Minji", picture_keys=PICTURES)
    before = rows()
    with pytest.raises(ValidationError, match="already has this name"):
        classes.join_class(code=school_class.code, display_name="Minji", picture_keys=PICTURES)
    assert rows() == before
    assert ClassMember.objects.filter(school_class=school_class).count() == 1
