"""The consultation pages: ask form, list with filters and counts, and query-count guards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ipcoop.exchange.consultations import services
from ipcoop.exchange.consultations.models import Consultation
from tests.conftest import client_for
from tests.exchange.test_consultations_access import ask


def form_data(**extra):
    return {
        "office": "",
        "title": "How do you examine claims to AI-generated designs?",
        "body": "We are drafting *guidance*.",
        "area": "ai",
        "due_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "audience": "all",
    } | extra


def test_ask_form_sends_a_consultation_to_selected_offices(personas):
    client = client_for(personas.ipos_policy)
    page = client.get("/consultations/ask/")
    assert page.status_code == 200
    boxes = page.context["form"]["offices"]
    offered = {box.data["label"] for box in boxes}
    assert "KIPO (KR)" in offered
    assert "IPOS (SG)" not in offered  # one's own office is not offered
    response = client.post(
        "/consultations/ask/",
        form_data(office=personas.ipos.pk, audience="selected", offices=[personas.kipo.pk]),
        follow=True,
    )
    assert "Your consultation is sent to the offices asked." in response.text
    assert "<em>guidance</em>" in response.text
    consultation = Consultation.objects.get()
    assert (consultation.office, consultation.visibility) == (personas.ipos, "selected")
    assert list(consultation.shared_with.all()) == [personas.kipo]
    assert consultation.asked_by == personas.ipos_policy


def test_ask_form_to_all_offices_ignores_ticked_boxes(personas):
    client_for(personas.kipo_admin).post(
        "/consultations/ask/",
        form_data(office=personas.kipo.pk, offices=[personas.ipos.pk]),
    )
    consultation = Consultation.objects.get()
    assert consultation.visibility == "offices"
    assert not consultation.shared_with.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"audience": "selected"}, "Select at least one organisation"),
        ({"due_date": "2001-01-01"}, "The due date has passed"),
        ({"title": ""}, "This field is required."),
    ],
)
def test_ask_form_says_what_to_fix(personas, extra, message):
    response = client_for(personas.kipo_policy).post(
        "/consultations/ask/", form_data(office=personas.kipo.pk, **extra)
    )
    assert response.status_code == 200
    assert "Please fix the following:" in response.text
    assert message in response.text
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("name", ["kipo_examiner", "educator", "learner"])
def test_only_policy_officers_and_admins_see_the_ask_form(personas, name):
    client = client_for(getattr(personas, name))
    assert client.get("/consultations/ask/").status_code == 403
    assert "Ask the offices" not in client.get("/consultations/").text


def test_list_filters_and_counts_what_awaits_the_office(personas):
    ai = ask(personas, title="AI inventors", to=[personas.ipos])
    chain = ask(personas, title="Smart contracts", to=[personas.ipos], area="blockchain")
    closed = ask(personas, title="Old question", to=[personas.ipos])
    services.close_consultation(by=personas.kipo_policy, consultation=closed)
    services.reply_to_consultation(by=personas.ipos_policy, consultation=chain, body="Done.")
    mine = ask(personas, title="IPOS own", by=personas.ipos_admin, office=personas.ipos)
    client = client_for(personas.ipos_policy)

    page = client.get("/consultations/")
    assert "1 consultation awaits your office's reply." in page.text
    for c in [ai, chain, closed, mine]:
        assert c.title in page.text
    assert page.text.count("Awaits your reply") == 1

    def shown(query):
        text = client.get(f"/consultations/?{query}").text
        return {c.title for c in [ai, chain, closed, mine] if c.title in text}

    assert shown("status=closed") == {closed.title}
    assert shown("status=answered") == {chain.title}
    assert shown("area=blockchain") == {chain.title}
    assert shown("office=sg-ipos") == {mine.title}
    assert shown("awaiting=on") == {ai.title}
    # KIPO awaits no reply to its own questions, only to the one IPOS asked every office.
    kipo = client_for(personas.kipo_policy).get("/consultations/?awaiting=on").text
    assert "1 consultation awaits your office's reply." in kipo
    assert mine.title in kipo
    assert ai.title not in kipo
    services.reply_to_consultation(by=personas.kipo_examiner, consultation=mine, body="KR")
    kipo = client_for(personas.kipo_policy).get("/consultations/").text
    assert "No consultation awaits your office's reply." in kipo


def test_detail_shows_which_offices_replied_with_text_not_colour(personas):
    consultation = ask(personas, title="Q", to=[personas.ipos, personas.thdip])
    services.reply_to_consultation(by=personas.ipos_policy, consultation=consultation, body="A")
    page = client_for(personas.kipo_policy).get(f"/consultations/{consultation.pk}/").text
    offices = page[page.index('id="offices-heading"') :]
    assert offices.index("IPOS") < offices.index("✓ replied") < offices.index("DIP (TH)")
    assert "not yet" in offices


def test_markdown_in_a_question_cannot_inject_script(personas):
    consultation = ask(
        personas, title="Q", to=[personas.ipos], body="<script>alert(1)</script> **bold**"
    )
    page = client_for(personas.ipos_policy).get(f"/consultations/{consultation.pk}/").text
    assert "<script>alert(1)" not in page
    assert "<strong>bold</strong>" in page


def make_many(personas, start, stop):
    for n in range(start, stop):
        c = ask(personas, title=f"Question {n}", to=[personas.ipos, personas.thdip])
        services.reply_to_consultation(by=personas.ipos_policy, consultation=c, body="r")


@pytest.mark.parametrize("url", ["/consultations/", "/api/v1/consultations"])
def test_list_query_count_is_the_same_for_3_and_30(personas, url, django_assert_max_num_queries):
    client = client_for(personas.ipos_policy)
    make_many(personas, 0, 3)
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        response = client.get(url)
    assert response.content.count(b"Question ") >= 3
    make_many(personas, 3, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.count(b"Question 29") == 1  # the newest, on the first page
