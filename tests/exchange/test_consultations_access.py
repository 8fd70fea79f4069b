"""Who reads a consultation: the asking office and the offices asked, nobody else.

Tried through the pages and the API with the hidden consultation present; both agree.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ipcoop import access
from ipcoop.exchange.consultations import services
from ipcoop.exchange.consultations.models import Consultation
from ipcoop.people.models import AuditAction, AuditEvent
from tests.conftest import assert_same_not_found, client_for

MISSING_ID = 999_999


def ask(personas, *, title, to=None, by=None, office=None, **extra):
    """A consultation asked by KIPO's policy officer (to the offices in ``to``, or all)."""
    fields = {
        "body": "We would like to compare practice.",
        "area": "ai",
        "due_date": timezone.localdate() + timedelta(days=14),
    } | extra
    return services.ask_consultation(
        by=by or personas.kipo_policy,
        office=office or personas.kipo,
        title=title,
        to_offices=to,
        **fields,
    )


@pytest.fixture
def consultations(personas):
    """KIPO asks IPOS alone ("selected") and, separately, every IP office ("offices")."""
    return {
        "selected": ask(personas, title="KIPO asks IPOS about AI designs", to=[personas.ipos]),
        "offices": ask(personas, title="KIPO asks every office about NFTs", area="metaverse"),
    }


# Which of the two each persona reads.
EXPECTED = {
    "anonymous": set(),
    "outsider": set(),
    "learner": set(),
    "teacher": set(),
    "platform_admin": set(),  # runs the platform, takes no part in the exchange
    "educator": set(),  # the Academy is asked only when selected
    "th_examiner": {"offices"},
    "ipos_policy": {"selected", "offices"},
    "ipos_admin": {"selected", "offices"},
    "kipo_examiner": {"selected", "offices"},
    "kipo_policy": {"selected", "offices"},
    "kipo_admin": {"selected", "offices"},
}


def persona(personas, name):
    return None if name == "anonymous" else getattr(personas, name)


@pytest.mark.parametrize("name", EXPECTED)
def test_consultations_visible_to_lists_exactly_the_asker_and_addressed(
    personas, consultations, name
):
    user = persona(personas, name)
    seen = access.consultations_visible_to(user, Consultation.objects.all())
    assert {c.visibility for c in seen} == EXPECTED[name]


@pytest.mark.parametrize("name", [n for n in EXPECTED if n != "anonymous"])
def test_list_page_and_api_list_agree_on_what_each_persona_reads(personas, consultations, name):
    client = client_for(persona(personas, name))
    page = client.get("/consultations/")
    assert page.status_code == 200
    on_page = {level for level, c in consultations.items() if c.title in page.text}
    api = client.get("/api/v1/consultations")
    assert api.status_code == 200
    in_api = {c["title"] for c in api.json()}
    assert on_page == EXPECTED[name]
    assert in_api == {consultations[level].title for level in EXPECTED[name]}


@pytest.mark.parametrize("name", [n for n in EXPECTED if n != "anonymous"])
def test_detail_page_and_api_agree_and_hidden_answers_like_missing(personas, consultations, name):
    client = client_for(persona(personas, name))
    for level, consultation in consultations.items():
        page_url = f"/consultations/{consultation.pk}/"
        api_url = f"/api/v1/consultations/{consultation.pk}"
        if level in EXPECTED[name]:
            page = client.get(page_url)
            assert page.status_code == 200
            assert consultation.title in page.text
            assert client.get(api_url).json()["title"] == consultation.title
        else:
            assert_same_not_found(client, page_url, f"/consultations/{MISSING_ID}/")
            assert consultation.title not in client.get(page_url).text
            hidden = client.get(api_url)
            missing = client.get(f"/api/v1/consultations/{MISSING_ID}")
            assert hidden.status_code == missing.status_code == 404
            assert (
                hidden.json()
                == missing.json()
                == {
                    "code": "not_found",
                    "message": "Not found.",
                    "errors": [],
                }
            )


@pytest.mark.parametrize("name", ["th_examiner", "educator", "learner", "platform_admin"])
def test_hidden_consultation_refuses_replies_and_buttons_like_a_missing_one(
    personas, consultations, name
):
    client = client_for(persona(personas, name))
    hidden = consultations["selected"]
    reply = services.reply_to_consultation(
        by=personas.ipos_policy, consultation=hidden, body="Our practice is…"
    )
    for suffix in ["", "close/", "remind/", f"replies/{reply.pk}/useful/"]:
        assert_same_not_found(
            client,
            f"/consultations/{hidden.pk}/{suffix}",
            f"/consultations/{MISSING_ID}/{suffix}",
            method="post",
            data={"body": "Let me in"},
        )
    api = client.post(
        f"/api/v1/consultations/{hidden.pk}/replies",
        {"body": "Let me in"},
        content_type="application/json",
    )
    missing = client.post(
        f"/api/v1/consultations/{MISSING_ID}/replies",
        {"body": "Let me in"},
        content_type="application/json",
    )
    assert api.status_code == missing.status_code == 404
    assert api.json() == missing.json()
    assert hidden.replies.count() == 1
    hidden.refresh_from_db()
    assert hidden.status == "answered"  # IPOS, the one office asked, replied; nothing else


def test_anonymous_visitor_is_sent_to_sign_in_for_hidden_and_missing_alike(consultations):
    client = client_for(None)
    hidden = client.get(f"/consultations/{consultations['selected'].pk}/")
    missing = client.get(f"/consultations/{MISSING_ID}/")
    assert hidden.status_code == missing.status_code == 302
    assert hidden["Location"].startswith("/account/signin/")
    assert missing["Location"].startswith("/account/signin/")
    assert client.get("/consultations/").status_code == 302
    for url in ["/api/v1/consultations", f"/api/v1/consultations/{consultations['selected'].pk}"]:
        answer = client.get(url)
        assert answer.status_code == 401
        assert answer.json()["code"] == "unauthenticated"


def test_learner_sees_an_explanation_not_consultations(personas, consultations):
    page = client_for(personas.learner).get("/consultations/")
    assert "holds no office role" in page.text
    assert "KIPO asks" not in page.text


def test_reading_a_consultation_is_written_to_the_audit_log(personas, consultations):
    consultation = consultations["selected"]
    client_for(personas.ipos_policy).get(f"/consultations/{consultation.pk}/")
    client_for(personas.ipos_admin).get(f"/api/v1/consultations/{consultation.pk}")
    reads = AuditEvent.objects.filter(action=AuditAction.CONFIDENTIAL_READ)
    assert sorted(reads.values_list("actor__username", flat=True)) == ["ipos.admin", "ipos.policy"]
    event = reads.get(actor=personas.ipos_policy)
    assert event.object_id == str(consultation.pk)
    assert set(event.organisations.values_list("slug", flat=True)) == {"kr-kipo", "sg-ipos"}


def test_academy_and_secretariat_read_a_consultation_only_when_selected(personas):
    from tests.conftest import make_user

    secretariat = make_user("asean.policy", "policy_officer", "asean-secretariat")
    selected = ask(personas, title="To the Academy", to=[personas.academy])
    to_all = ask(personas, title="To all IP offices")
    assert list(access.consultations_visible_to(personas.educator, Consultation.objects.all())) == [
        selected
    ]
    assert not access.consultations_visible_to(secretariat, Consultation.objects.all()).exists()
    seen_by_thailand = access.consultations_visible_to(personas.th_examiner, Consultation.objects)
    assert list(seen_by_thailand.all()) == [to_all]
