"""One object of every kind the platform's routes need, owned by KIPO (kr-kipo) and
kept from the public wherever the kind has a visibility, plus the personas that try
to reach them. Built with the apps' own service functions.

Used by tests/test_access_matrix.py; every name in ``World.ids`` is a route argument.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ipcoop.academy import learning
from ipcoop.academy import services as academy
from ipcoop.academy.models import CourseFile, ReviewCard
from ipcoop.academy.package import import_package
from ipcoop.classes import services as classes
from ipcoop.classes.models import ClassMember
from ipcoop.credentials import services as credentials
from ipcoop.exchange.consultations import services as consultations
from ipcoop.exchange.practice import services as practice
from ipcoop.exchange.updates import services as updates
from ipcoop.meetings.services import calendars, meetings, polls
from ipcoop.notifications.models import Kind, Notification
from ipcoop.people import services as people
from ipcoop.people.models import Organisation, Role, User
from ipcoop.projects import services as projects
from ipcoop.proposals import services as proposals
from ipcoop.worksharing import services as worksharing
from tests.academy.fixture import package
from tests.conftest import make_user
from tests.credentials.conftest import complete_course, course_package

# RFC 8032, test 1: a fixed Ed25519 key for the certificate.
SIGNING_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
SIGNING_KEY = base64.b64encode(SIGNING_SEED).decode()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
PICTURES = ["sun", "cat", "boat"]

# Every persona the matrix tries, in the order reports list them.
PERSONAS = (
    "anonymous",
    "child",
    "adult",
    "teacher",
    "other_teacher",
    "educator",
    "kipo_examiner",
    "kipo_policy",
    "kipo_admin",
    "ipos_examiner",
    "ipos_policy",
    "platform_admin",
)


@dataclass
class World:
    users: dict[str, User | None]
    ids: dict[str, object] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)


def _pdf(name: str = "paper.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_world() -> World:
    orgs = {o.slug: o for o in Organisation.objects.all()}
    kipo, ipos, mm = orgs["kr-kipo"], orgs["sg-ipos"], orgs["mm-ipd"]
    users: dict[str, User | None] = {
        "anonymous": None,
        "adult": make_user("m.adult", Role.LEARNER, email="adult@example.org"),
        "teacher": make_user("m.teacher", Role.TEACHER),
        "other_teacher": make_user("m.teacher2", Role.TEACHER),
        "educator": make_user("m.educator", Role.EDUCATOR, "asean-ip-academy"),
        "kipo_examiner": make_user("m.kipo.examiner", Role.EXAMINER, "kr-kipo"),
        "kipo_policy": make_user("m.kipo.policy", Role.POLICY_OFFICER, "kr-kipo"),
        "kipo_admin": make_user("m.kipo.admin", Role.OFFICE_ADMIN, "kr-kipo"),
        "ipos_examiner": make_user("m.ipos.examiner", Role.EXAMINER, "sg-ipos"),
        "ipos_policy": make_user("m.ipos.policy", Role.POLICY_OFFICER, "sg-ipos"),
        "platform_admin": make_user("m.root", is_platform_admin=True),
    }
    u = users
    mm_policy = make_user("m.mm.policy", Role.POLICY_OFFICER, "mm-ipd")
    w = World(users=users)
    ids = w.ids
    today = timezone.localdate()

    # Academy: a published course with lessons (and an image), a draft course.
    course = import_package(course_package("matrix-course"), publish=True, review_note="test")
    CourseFile.objects.create(
        course=course, name="chart.png", content_type="image/png", content=PNG
    )
    draft_data = package(
        slug="matrix-draft", title={"en": "Draft course ZQX08", "ko": "초안 ZQX08"}
    )
    for i, q in enumerate(draft_data["questions"]):
        q["key"] = f"matrix-draft-{i}"
    draft = import_package(draft_data)
    lessons = academy.published_lessons(course)
    question = course.questions.filter(published=True).order_by("pk").first()
    draft_lesson = draft.units.first().lessons.order_by("pk").first()
    draft_question = draft.questions.order_by("pk").first()
    ids |= {
        "course_slug": course.slug,
        "file_name": "chart.png",
        "lesson_slug": lessons[0].slug,
        "question_id": question.pk,
        "draft_slug": draft.slug,
        "draft_unit_id": draft.units.first().pk,
        "draft_lesson_id": draft_lesson.pk,
        "draft_question_id": draft_question.pk,
    }
    # The adult learner completes the course and is certified; an answer in an
    # adults' course gives them a review card.
    complete_course(u["adult"], course)
    certificate = credentials.issue_certificate(learner=u["adult"], course=course, language="en")
    adults_data = course_package("matrix-adults")
    adults_data["course"]["audience"] = "adults"
    for objective in adults_data["objectives"]:
        objective["code"] = objective["code"].replace("CR-9", "CR-8")
        objective["audiences"] = ["adults"]
    for q in adults_data["questions"]:
        q["key"] = q["key"].replace("matrix-adults", "matrix-adults-q")
        q["objective"] = q["objective"].replace("CR-9", "CR-8")
    for lesson in adults_data["course"]["units"][0]["lessons"]:
        lesson["objectives"] = [o.replace("CR-9", "CR-8") for o in lesson["objectives"]]
    adults_course = import_package(adults_data, publish=True, review_note="test")
    complete_course(u["adult"], adults_course, right=False)
    learning.sync_reviews(learner=u["adult"])
    card = ReviewCard.objects.filter(learner=u["adult"]).order_by("pk").first()
    ids |= {"certificate_code": certificate.code, "review_question_id": card.question_id}

    # A teacher's class with a child whose parent consented.
    school_class = classes.create_class(
        by=u["teacher"],
        name="Class 3B",
        audience="children",
        country="KR",
        age_min=8,
        age_max=10,
        courses=[course],
    )
    child_user = classes.join_class(
        code=school_class.code, display_name="Minji ZQX09", picture_keys=PICTURES
    )
    member = ClassMember.objects.get(user=child_user)
    classes.record_consent(
        by=u["teacher"], member=member, method="signed_form", given_on=today, reference="Form ZQX11"
    )
    assignment = classes.assign_lesson(
        by=u["teacher"], school_class=school_class, lesson=lessons[0], due_on=today + timedelta(7)
    )
    users["child"] = child_user
    ids |= {"class_id": school_class.pk, "member_id": member.pk, "assignment_id": assignment.pk}

    # Policy update shared with KIPO's own staff only, with an attachment.
    update = updates.post_update(
        author=u["kipo_policy"],
        office=kipo,
        kind="examination_guideline",
        title="Internal note ZQX01",
        summary="For KIPO staff only.",
        visibility="own",
        files=[_pdf("note.pdf")],
    )
    ids |= {"update_id": update.pk, "update_attachment_id": update.attachments.get().pk}

    # A practice question (public) with KIPO's position, shared with offices (the
    # narrowest a position goes).
    pq = practice.create_question(
        by=u["kipo_policy"], question="Is a trained model patentable?", area="ai", right="patent"
    )
    practice.save_position(
        by=u["kipo_policy"],
        question=pq,
        office=kipo,
        base_version=0,
        answer="yes",
        summary="Under conditions.",
        source_title="KIPO guideline",
    )
    position = pq.positions.get(office=kipo)
    ids |= {"practice_slug": pq.slug, "office_slug": kipo.slug, "position_id": position.pk}

    # Consultation from KIPO to IPOS, with IPOS's reply.
    consultation = consultations.ask_consultation(
        by=u["kipo_policy"],
        office=kipo,
        title="Consultation ZQX02",
        to_offices=[ipos],
        body="We would like to compare practice.",
        area="ai",
        due_date=today + timedelta(days=14),
    )
    reply = consultations.reply_to_consultation(
        by=u["ipos_policy"], consultation=consultation, body="Our practice ZQX12."
    )
    ids |= {"consultation_id": consultation.pk, "reply_id": reply.pk}

    # Work-sharing: a KIPO application kept to its own office, a work product with a
    # PDF, KIPO's request to IPOS.
    application, _ = worksharing.save_application(
        by=u["kipo_examiner"],
        office=kipo,
        number="10-2024-0099999",
        filing_date=dt.date(2024, 3, 1),
        title="Accelerator ZQX03",
        ipc_symbols=["G06N 3/08"],
        visibility="own",
    )
    work_product = worksharing.add_work_product(
        by=u["kipo_examiner"],
        application=application,
        kind="search_report",
        date=dt.date(2024, 9, 1),
        citations=[{"document_number": "US 2020/0123456 A1", "category": "X", "claims": "1-5"}],
        documents=[_pdf("search-report.pdf")],
    )
    share_request = worksharing.request_results(
        by=u["kipo_examiner"],
        application=application,
        to_office=ipos,
        due_date=today + timedelta(30),
    )
    application.refresh_from_db()
    ids |= {
        "application_id": application.pk,
        "family_id": application.family_id,
        "share_request_id": share_request.pk,
        "document_id": work_product.documents.get().pk,
    }

    # Meetings: KIPO with MM (participants only), a series, a poll, agenda item.
    series = meetings.create_series(
        by=u["kipo_policy"], organiser=kipo, title="Matrix working group", frequency="quarterly"
    )
    starts = timezone.now().replace(microsecond=0, second=0, minute=0) + timedelta(days=20)
    meeting = meetings.create_meeting(
        by=u["kipo_policy"],
        organiser=kipo,
        title="Meeting ZQX04",
        format="online",
        link="https://meet.example.org/x",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        timezone_name="Asia/Seoul",
        participants=[mm],
        visibility="participants",
        series=series,
    )
    item = meetings.add_agenda_item(meeting=meeting, title="Agenda ZQX14", presenter=kipo)
    poll = polls.create_poll(
        by=u["kipo_policy"],
        organiser=kipo,
        title="Poll ZQX05",
        participants=[mm],
        slots=[(starts + timedelta(days=1), starts + timedelta(days=1, hours=1))],
    )
    _token, calendar_secret = calendars.create_calendar_token(user=u["kipo_policy"])
    _feed, feed_secret = updates.create_feed_token(user=u["kipo_policy"])
    ids |= {
        "slot_id": poll.slots.get().pk,
        "meeting_id": meeting.pk,
        "agenda_item_id": item.pk,
        "series_slug": series.slug,
        "poll_id": poll.pk,
        "calendar_secret": calendar_secret,
        "feed_secret": feed_secret,
    }

    # A proposal of KIPO with IPD Myanmar (participants only), adopted, with an
    # attachment, a comment and its project with a milestone and an action.
    proposal = proposals.create_proposal(
        by=u["kipo_policy"],
        proposing_offices=[kipo],
        participating_offices=[mm],
        title="Proposal ZQX06",
        problem="Each office searches alone.",
        activity="Offices share one list.",
        outcome="One list.",
        pillar="ip_system",
        area="ai",
        sdgs=[9, 17],
        deadline=timezone.now() + timedelta(days=14),
        visibility="participants",
        silence_rule="consent",
        open_now=True,
        attachments=[_pdf("plan.pdf")],
    )
    proposals.add_comment(by=u["kipo_policy"], proposal=proposal, body="Comment ZQX13.")
    proposals.endorse(by=mm_policy, proposal=proposal, position="support")
    proposal.refresh_from_db()
    project = projects.create_project(
        by=u["kipo_policy"],
        proposal=proposal,
        lead_office=kipo,
        partner_offices=[mm],
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=200),
    )
    milestone = projects.add_milestone(
        by=u["kipo_policy"],
        project=project,
        title="Milestone ZQX15",
        due_date=today + timedelta(30),
    )
    action = projects.add_action(
        by=u["kipo_policy"],
        project=project,
        title="Action ZQX16",
        owner_office=kipo,
        due_date=today + timedelta(30),
    )
    # A second proposal (adopted, no project yet) for the project-from-proposal route.
    proposal2 = proposals.create_proposal(
        by=u["kipo_policy"],
        proposing_offices=[kipo],
        participating_offices=[mm],
        title="Glossary ZQX07",
        problem="Terms differ.",
        activity="Offices write one glossary.",
        outcome="One glossary.",
        pillar="ip_system",
        area="ai",
        sdgs=[9],
        deadline=timezone.now() + timedelta(days=14),
        visibility="participants",
        silence_rule="consent",
        open_now=True,
    )
    proposals.endorse(by=mm_policy, proposal=proposal2, position="support")
    ids |= {
        "proposal_id": proposal.pk,
        "proposal_attachment_id": proposal.attachments.get().pk,
        "proposal_version": 1,
        "proposal2_id": proposal2.pk,
        "project_id": project.pk,
        "milestone_id": milestone.pk,
        "action_id": action.pk,
    }

    # Personal things of the KIPO policy officer: an inbox item and an API token.
    note = Notification.objects.create(
        recipient=u["kipo_policy"],
        kind=Kind.PROPOSAL_TO_ENDORSE,
        subject="Inbox ZQX10",
        url=f"/proposals/{proposal.pk}/",
        created_at=timezone.now(),
    )
    api_token, _secret = people.create_token(user=u["kipo_policy"], name="Token ZQX17")
    ids |= {
        "notification_id": note.pk,
        "token_id": api_token.pk,
        "org_slug": kipo.slug,
        "membership_id": u["kipo_examiner"].memberships.get().pk,
        "uidb64": "MQ",
        "reset_token": "set-password",
    }
    w.objects |= {
        "course": course,
        "draft": draft,
        "ipos": ipos,
        "kipo": kipo,
    }
    return w
