"""The thread: who may reply, marking useful answers, closing, and the status rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ipcoop.exchange.consultations import services
from ipcoop.exchange.consultations.models import Reply, Status
from tests.conftest import client_for, make_user
from tests.exchange.test_consultations_access import ask


@pytest.fixture
def to_ipos_and_thailand(personas):
    return ask(
        personas,
        title="How do you examine AI-generated designs?",
        to=[personas.ipos, personas.thdip],
    )


def test_addressed_office_staff_reply_through_the_page(personas, to_ipos_and_thailand):
    consultation = to_ipos_and_thailand
    client = client_for(personas.th_examiner)
    response = client.post(
        f"/consultations/{consultation.pk}/",
        {"body": "We treat them as *computer-implemented*.", "practice_reference": ""},
        follow=True,
    )
    assert "Your reply is added to the thread." in response.text
    assert "<em>computer-implemented</em>" in response.text
    reply = Reply.objects.get()
    assert (reply.office, reply.author) == (personas.thdip, personas.th_examiner)
    consultation.refresh_from_db()
    assert consultation.status == Status.OPEN  # IPOS has not replied yet


def test_one_office_may_reply_several_times(personas, to_ipos_and_thailand):
    for text in ["First thoughts.", "A correction."]:
        services.reply_to_consultation(
            by=personas.ipos_policy, consultation=to_ipos_and_thailand, body=text
        )
    page = client_for(personas.kipo_policy).get(f"/consultations/{to_ipos_and_thailand.pk}/")
    assert page.text.index("First thoughts.") < page.text.index("A correction.")
    assert "2 replies" in page.text


def test_asking_office_staff_may_reply_too_without_answering_it(personas, to_ipos_and_thailand):
    services.reply_to_consultation(
        by=personas.kipo_examiner, consultation=to_ipos_and_thailand, body="To clarify…"
    )
    to_ipos_and_thailand.refresh_from_db()
    assert to_ipos_and_thailand.status == Status.OPEN


def test_every_addressed_office_replying_makes_it_answered(personas, to_ipos_and_thailand):
    consultation = to_ipos_and_thailand
    services.reply_to_consultation(by=personas.ipos_policy, consultation=consultation, body="SG")
    consultation.refresh_from_db()
    assert consultation.status == Status.OPEN
    services.reply_to_consultation(by=personas.th_examiner, consultation=consultation, body="TH")
    consultation.refresh_from_db()
    assert consultation.status == Status.ANSWERED


def test_reply_needs_a_body_and_a_practice_path(personas, to_ipos_and_thailand):
    client = client_for(personas.ipos_policy)
    url = f"/consultations/{to_ipos_and_thailand.pk}/"
    response = client.post(url, {"body": "  ", "practice_reference": "https://evil.example/x"})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "starting with /practice/" in response.text
    assert not Reply.objects.exists()


def test_practice_reference_is_shown_as_a_link(personas, to_ipos_and_thailand):
    services.reply_to_consultation(
        by=personas.ipos_policy,
        consultation=to_ipos_and_thailand,
        body="See our position.",
        practice_reference="/practice/ai-designs/sg/",
    )
    page = client_for(personas.kipo_policy).get(f"/consultations/{to_ipos_and_thailand.pk}/")
    assert '<a href="/practice/ai-designs/sg/">/practice/ai-designs/sg/</a>' in page.text


def test_staff_of_two_offices_asked_must_say_which_one_replies(personas, to_ipos_and_thailand):
    both = make_user("two.hats", "examiner", "sg-ipos")
    from ipcoop.people.models import Role
    from ipcoop.people.services import grant_role

    grant_role(by=None, user=both, role=Role.EXAMINER, organisation=personas.thdip)
    with pytest.raises(ValidationError, match="choose the one you reply for"):
        services.reply_to_consultation(by=both, consultation=to_ipos_and_thailand, body="Hi")
    page = client_for(both).get(f"/consultations/{to_ipos_and_thailand.pk}/")
    assert 'name="office"' in page.text
    reply = services.reply_to_consultation(
        by=both, consultation=to_ipos_and_thailand, body="Hi", office=personas.thdip
    )
    assert reply.office == personas.thdip
    with pytest.raises(ValidationError, match="only for an office you work for"):
        services.reply_to_consultation(
            by=both, consultation=to_ipos_and_thailand, body="Hi", office=personas.kipo
        )


def test_asker_marks_a_reply_useful_and_it_becomes_answered(personas, to_ipos_and_thailand):
    consultation = to_ipos_and_thailand
    reply = services.reply_to_consultation(
        by=personas.ipos_policy, consultation=consultation, body="Our view."
    )
    client = client_for(personas.kipo_policy)
    before = client.get(f"/consultations/{consultation.pk}/")
    assert "Mark the reply from IPOS useful" in before.text
    response = client.post(
        f"/consultations/{consultation.pk}/replies/{reply.pk}/useful/", follow=True
    )
    assert "The reply from IPOS is marked as a useful answer." in response.text
    assert "Marked useful by the asking office" in response.text
    reply.refresh_from_db()
    consultation.refresh_from_db()
    assert reply.marked_useful_by == personas.kipo_policy
    assert consultation.status == Status.ANSWERED


@pytest.mark.parametrize("name", ["kipo_examiner", "ipos_policy", "th_examiner"])
def test_only_policy_officers_and_admins_of_the_asker_mark_useful_or_close(
    personas, to_ipos_and_thailand, name
):
    consultation = to_ipos_and_thailand
    reply = services.reply_to_consultation(
        by=personas.ipos_policy, consultation=consultation, body="Our view."
    )
    client = client_for(getattr(personas, name))
    page = client.get(f"/consultations/{consultation.pk}/")
    assert "Close consultation" not in page.text
    assert "Mark useful" not in page.text
    url = f"/consultations/{consultation.pk}/"
    assert client.post(f"{url}replies/{reply.pk}/useful/").status_code == 403
    assert client.post(f"{url}close/").status_code == 403
    assert client.post(f"{url}remind/").status_code == 403
    reply.refresh_from_db()
    consultation.refresh_from_db()
    assert reply.marked_useful_at is None
    assert consultation.status == Status.OPEN


def test_reply_of_another_consultation_is_not_found(personas, to_ipos_and_thailand):
    other = ask(personas, title="Another one", to=[personas.ipos])
    reply = services.reply_to_consultation(by=personas.ipos_policy, consultation=other, body="x")
    client = client_for(personas.kipo_admin)
    url = f"/consultations/{to_ipos_and_thailand.pk}/replies/{reply.pk}/useful/"
    assert client.post(url).status_code == 404
    reply.refresh_from_db()
    assert reply.marked_useful_at is None


def test_closed_consultation_takes_no_new_replies(personas, to_ipos_and_thailand):
    consultation = to_ipos_and_thailand
    client = client_for(personas.kipo_admin)
    response = client.post(f"/consultations/{consultation.pk}/close/", follow=True)
    assert "The consultation is closed: it takes no new replies." in response.text
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED
    assert consultation.closed_by == personas.kipo_admin
    assert consultation.closed_at is not None

    examiner = client_for(personas.th_examiner)
    page = examiner.get(f"/consultations/{consultation.pk}/")
    assert "it takes no new replies" in page.text
    assert "Send reply" not in page.text
    refused = examiner.post(
        f"/consultations/{consultation.pk}/", {"body": "Late answer"}, follow=True
    )
    assert "This consultation is closed: it takes no new replies." in refused.text
    api = examiner.post(
        f"/api/v1/consultations/{consultation.pk}/replies",
        {"body": "Late answer"},
        content_type="application/json",
    )
    assert api.status_code == 409
    assert api.json() == {
        "code": "closed",
        "message": "This consultation is closed: it takes no new replies.",
        "errors": [],
    }
    assert not Reply.objects.exists()


def test_closed_consultation_answers_cannot_be_marked(personas, to_ipos_and_thailand):
    reply = services.reply_to_consultation(
        by=personas.ipos_policy, consultation=to_ipos_and_thailand, body="Our view."
    )
    services.close_consultation(by=personas.kipo_policy, consultation=to_ipos_and_thailand)
    reply.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.mark_reply_useful(by=personas.kipo_policy, reply=reply)
