"""Costly pages kept for one signed-in reader (``pagecache.render_for_reader``) and the
generations that make a kept page unreachable once its data changes
(``web/generations.py``).

What matters most: nobody is shown a kept page made before a change of what they may
see, and nobody is ever shown a page kept for someone else. Each test makes a change
the way the platform does (through a service, committed) and looks again.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, timedelta
from unittest import mock

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipcoop.academy.models import LessonProgress
from ipcoop.access import Visibility
from ipcoop.classes import services as classes
from ipcoop.exchange.practice import services as practice
from ipcoop.notifications.services import notify
from ipcoop.people import services as people
from ipcoop.people import two_factor
from ipcoop.people.demo import DEMO_TWO_FACTOR_SECRET
from ipcoop.people.models import AuditAction, AuditEvent, Role, TwoFactorDevice, User
from ipcoop.web import generations, pagecache
from ipcoop.web.generations import APP_GENERATIONS, generation_of
from ipcoop.web.pagecache import CSRF_PLACEHOLDER
from tests.conftest import PASSWORD, cache_turned_on, client_for

READER_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "reader-pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "r"},
}
LESSON1 = "/academy/test-ideas/what-is-an-invention/"


@pytest.fixture(autouse=True)
def reader_cache(settings):
    yield from cache_turned_on(settings, READER_CACHE, "reader-pages")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as the platform does, in a transaction whose on-commit hooks run
    (each test runs inside a transaction that is never committed)."""

    @contextlib.contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            yield

    return run


def made(response) -> bool:
    """Whether the page was made for this request (not served as kept)."""
    return response.context is not None


# Generations ------------------------------------------------------------------------


def test_every_model_has_a_generation_or_none_and_no_entry_is_stale():
    for model in apps.get_models(include_auto_created=True):
        generation_of(model)  # raises for a model placed nowhere
    labels = {config.label for config in apps.get_app_configs()}
    assert set(APP_GENERATIONS) <= labels
    placed = {g for g in APP_GENERATIONS.values() if g} | {
        g for g in generations.MODEL_GENERATIONS.values() if g
    }
    assert placed == set(generations.GENERATIONS)


def test_a_committed_write_changes_its_generation_only(personas, committed):
    names = generations.GENERATIONS
    before = dict(zip(names, generations.tokens(names), strict=True))
    with committed():
        practice.create_question(
            by=None,
            question="Is a DAO an applicant?",
            slug="dao",
            area="blockchain",
            right="patent",
        )
    after = dict(zip(names, generations.tokens(names), strict=True))
    assert after[generations.PRACTICE] != before[generations.PRACTICE]
    # Indexing the question is a write to the search index too.
    assert after[generations.SEARCH] != before[generations.SEARCH]
    for name in set(names) - {generations.PRACTICE, generations.SEARCH}:
        assert after[name] == before[name]


def test_writes_no_kept_page_shows_change_nothing(personas, committed):
    names = generations.GENERATIONS
    before = generations.tokens(names)
    with committed():
        # A sign-in (last_login, the audit log, a session) and an inbox item.
        assert Client().post(
            "/account/signin/", {"username": "kipo.examiner", "password": PASSWORD}
        ).status_code in {200, 302}
        notify(recipients=[personas.learner], kind="proposal_decided", subject="S", url="/")
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN).exists()
    assert generations.tokens(names) == before


def test_a_write_rolled_back_leaves_no_pending_change(personas, committed):
    before = generations.tokens([generations.PRACTICE])
    with committed(), contextlib.suppress(RuntimeError), transaction.atomic():
        practice.create_question(
            by=None, question="Rolled back?", slug="rolled-back", area="ai", right="patent"
        )
        raise RuntimeError
    assert generations.tokens([generations.PRACTICE]) == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_outside_a_transaction_changes_it_at_once_and_keeps_its_own_result():
    """Outside a transaction the token changes right after the statement, without
    touching what the statement gives back (its new row's id, its row count)."""
    from ipcoop.exchange.practice.models import PracticeQuestion

    before = generations.tokens([generations.PRACTICE])
    made_ = [
        PracticeQuestion.objects.create(slug=f"q{n}", question=f"Q{n}?", area="ai", right="patent")
        for n in range(2)
    ]
    assert [PracticeQuestion.objects.get(pk=q.pk).slug for q in made_] == ["q0", "q1"]
    between = generations.tokens([generations.PRACTICE])
    assert between != before
    assert PracticeQuestion.objects.filter(slug__in=["q0", "q1"]).update(order=1) == 2
    assert generations.tokens([generations.PRACTICE]) != between


# The practice matrix ----------------------------------------------------------------


@pytest.fixture
def question(db):
    return practice.create_question(
        by=None, question="Is a DAO an applicant?", slug="dao", area="blockchain", right="patent"
    )


def _position(personas, question, base=0, **fields):
    values = {
        "answer": "yes",
        "summary": "A summary.",
        "source_title": "KIPO accepts a DAO",
        "visibility": Visibility.PUBLIC,
    }
    values.update(fields)
    position, _ = practice.save_position(
        by=personas.kipo_policy,
        question=question,
        office=personas.kipo,
        base_version=base,
        **values,
    )
    return position


def test_a_position_made_confidential_leaves_the_kept_matrix_at_once(personas, question, committed):
    with committed():
        position = _position(personas, question)
    learner = client_for(personas.learner)
    first = learner.get("/practice/")
    assert made(first) and "KIPO accepts a DAO" in first.text
    second = learner.get("/practice/")
    assert not made(second) and "KIPO accepts a DAO" in second.text
    assert CSRF_PLACEHOLDER not in second.text
    with committed():
        _position(
            personas,
            question,
            base=position.version,
            source_title="KIPO accepts a DAO only through a person",
            visibility=Visibility.OFFICES,
        )
    third = learner.get("/practice/")
    assert made(third)
    assert "KIPO accepts a DAO" not in third.text
    # Staff of another office may read it: their page has the new text.
    assert "only through a person" in client_for(personas.th_examiner).get("/practice/").text


def test_a_kept_page_costs_a_few_queries_whatever_it_shows(
    settings, personas, question, django_assert_max_num_queries
):
    settings.REQUIRE_STAFF_TWO_FACTOR = True
    two_factor.enable_demo_two_factor(user=personas.kipo_examiner, secret=DEMO_TWO_FACTOR_SECRET)
    examiner = client_for(personas.kipo_examiner)
    examiner.get("/practice/")
    # The session, and the reader read with the generations' tokens and their inbox
    # count; whether they must set up a second factor is remembered.
    with django_assert_max_num_queries(2):
        assert not made(examiner.get("/practice/"))


def test_the_second_factor_answer_follows_set_up_and_reset_but_not_its_use(
    settings, personas, question, committed
):
    settings.REQUIRE_STAFF_TWO_FACTOR = True
    examiner = client_for(personas.kipo_examiner)
    assert examiner.get("/practice/")["Location"] == "/account/two-factor/"
    with committed():
        two_factor.enable_demo_two_factor(
            user=personas.kipo_examiner, secret=DEMO_TWO_FACTOR_SECRET
        )
    # The page that shows the refusal's message is not kept; the one after is.
    assert "authenticator app" in examiner.get("/practice/").text
    examiner.get("/practice/")
    assert not made(examiner.get("/practice/"))
    people_token = generations.tokens([generations.PEOPLE])
    # Signing in with a code marks the device used: nothing kept changes.
    with committed():
        TwoFactorDevice.objects.filter(user=personas.kipo_examiner).update(last_used_step=7)
    assert generations.tokens([generations.PEOPLE]) == people_token
    assert not made(examiner.get("/practice/"))
    # Taken away (lost phone): the next page sends them to set it up again.
    with committed():
        two_factor.reset_two_factor(by=None, user=personas.kipo_examiner)
    assert examiner.get("/practice/")["Location"] == "/account/two-factor/"


def test_the_snapshot_is_read_with_the_reader_or_on_its_own(personas, rf):
    from django.contrib.auth import get_user

    client = client_for(personas.learner)
    notify(recipients=[personas.learner], kind="proposal_decided", subject="S", url="/")
    generations.bump([generations.PRACTICE])
    practice_token = generations.tokens([generations.PRACTICE])
    for unread in (1, 0):
        signed_in = rf.get("/practice/")
        signed_in.session = client.session
        signed_in.user = get_user(signed_in)  # as the authentication middleware reads it
        plain = rf.get("/practice/")
        plain.user = User.objects.get(pk=personas.learner.pk)  # read some other way
        for request in (signed_in, plain):
            snapshot = pagecache.reader_snapshot(request)
            assert snapshot.unread == unread
            assert snapshot.tokens_of([generations.PEOPLE]) == (0,)  # never written
            assert snapshot.tokens_of([generations.PRACTICE]) == practice_token
        personas.learner.notifications.update(read_at=timezone.now())
    # Nothing is read for a request that writes.
    request = rf.post("/practice/")
    request.user = personas.learner
    assert pagecache.reader_snapshot(request) is None


def test_a_page_kept_for_one_reader_is_never_served_to_another(personas, question, committed):
    with committed():
        _position(personas, question, visibility=Visibility.OFFICES)
    examiner = client_for(personas.kipo_examiner)
    examiner.get("/practice/")
    assert not made(examiner.get("/practice/"))
    # A learner asking for the same address gets a page made for them, without it.
    page = client_for(personas.learner).get("/practice/")
    assert made(page) and "KIPO accepts a DAO" not in page.text
    assert personas.kipo_examiner.shown_name not in page.text


def test_a_new_role_changes_what_the_kept_page_shows(personas, question, committed):
    with committed():
        _position(personas, question, visibility=Visibility.OFFICES)
    outsider = client_for(personas.outsider)
    assert "KIPO accepts a DAO" not in outsider.get("/practice/").text
    assert not made(outsider.get("/practice/"))
    with committed():
        people.grant_role(
            by=personas.kipo_admin,
            user=personas.outsider,
            role=Role.EXAMINER,
            organisation=personas.kipo,
        )
    assert "KIPO accepts a DAO" in outsider.get("/practice/").text


def test_each_session_gets_its_own_csrf_token_on_a_kept_page(personas, question):
    one, two = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (one, two):
        client.force_login(personas.learner)
    one.get("/practice/")
    kept = two.get("/practice/")
    assert not made(kept)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept.text).group(1)
    assert token != CSRF_PLACEHOLDER
    # The token works for this session: signing out with it succeeds.
    answer = two.post("/account/signout/", {"csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    assert "_auth_user_id" not in two.session


def test_an_inbox_item_or_a_message_is_shown_on_the_next_page(personas, question, committed):
    learner = client_for(personas.learner)
    learner.get("/practice/")
    assert not made(learner.get("/practice/"))
    with committed():
        notify(recipients=[personas.learner], kind="proposal_decided", subject="S", url="/")
    page = learner.get("/practice/")
    assert made(page) and '1<span class="visually-hidden"> unread' in page.text
    # A form that saves leaves a message, shown once, on a page made for it: here the
    # profile, whose new name the header shows too.
    form = learner.get("/account/profile/").context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["display_name"] = "Learner Renamed"
    assert learner.post("/account/profile/", data).status_code == 302
    shown = learner.get("/practice/")
    assert made(shown) and "Your profile is saved." in shown.text
    assert "Learner Renamed" in shown.text
    after = learner.get("/practice/")
    assert "Your profile is saved." not in after.text and "Learner Renamed" in after.text


def test_htmx_requests_are_never_kept(personas, question):
    learner = client_for(personas.learner)
    for _ in range(2):
        assert made(learner.get("/search/?q=dao", HTTP_HX_REQUEST="true"))


# Family view: the audit event is written on every visit ------------------------------


def test_family_view_audits_every_visit_and_drops_a_member_made_confidential(personas, committed):
    from tests.worksharing.conftest import save

    with committed():
        kr = save("kr-kipo", "10-2023-0012345", title="Accelerator KR")
        save(
            "sg-ipos",
            "10202300999X",
            title="Accelerator SG",
            priorities=[{"country": "KR", "number": "10-2023-0012345", "date": kr.filing_date}],
        )
    kr.refresh_from_db()
    url = f"/worksharing/families/{kr.family_id}/"
    thai = client_for(personas.th_examiner)
    audited = AuditEvent.objects.filter(
        action=AuditAction.CONFIDENTIAL_READ, actor=personas.th_examiner
    )
    assert "Accelerator SG" in thai.get(url).text
    kept = thai.get(url)
    assert not made(kept) and "Accelerator SG" in kept.text
    assert audited.count() == 2
    with committed():
        save(
            "sg-ipos",
            "10202300999X",
            title="Accelerator SG",
            visibility="own",
            priorities=[{"country": "KR", "number": "10-2023-0012345", "date": kr.filing_date}],
        )
    page = thai.get(url)
    assert made(page)
    assert "Accelerator KR" in page.text and "Accelerator SG" not in page.text


def test_remembered_roles_follow_a_role_granted_and_taken_away(personas, committed):
    from tests.worksharing.conftest import save

    with committed():
        kr = save("kr-kipo", "10-2023-0012345", title="Accelerator KR", visibility="offices")
    kr.refresh_from_db()
    url = f"/worksharing/families/{kr.family_id}/"
    outsider = client_for(personas.outsider)
    assert outsider.get(url).status_code == 404
    with CaptureQueriesContext(connection) as second:
        assert outsider.get(url).status_code == 404
    assert not [q for q in second.captured_queries if "people_membership" in q["sql"]]
    with committed():
        membership = people.grant_role(
            by=personas.kipo_admin,
            user=personas.outsider,
            role=Role.EXAMINER,
            organisation=personas.kipo,
        )
    assert "Accelerator KR" in outsider.get(url).text
    with committed():
        people.revoke_role(by=personas.kipo_admin, membership=membership)
    assert outsider.get(url).status_code == 404


# Lesson page: the learner's status is part of the key --------------------------------


def test_the_kept_lesson_follows_the_learners_status_and_the_content(personas, committed):
    from ipcoop.academy.package import import_package
    from tests.academy.fixture import package

    with committed():
        import_package(package(), publish=True, review_note="test")
    learner = client_for(personas.learner)
    assert "In progress" in learner.get(LESSON1).text
    kept = learner.get(LESSON1)
    assert not made(kept) and "In progress" in kept.text
    with committed():
        assert learner.post(f"{LESSON1}complete/").status_code == 302
    assert (
        LessonProgress.objects.get(
            learner=personas.learner, lesson__slug="what-is-an-invention"
        ).status
        == "completed"
    )
    again = learner.get(LESSON1)
    assert made(again) and "Completed" in again.text


def test_a_child_whose_learning_is_not_stored_never_gets_a_kept_lesson(personas, committed):
    from ipcoop.academy.package import import_package
    from tests.academy.fixture import package
    from tests.classes.conftest import join, make_class

    with committed():
        course = import_package(package(), publish=True, review_note="test")
    child = join(make_class(personas.teacher, course))
    client = client_for(child.user)
    for _ in range(2):
        page = client.get(LESSON1)
        assert page.status_code == 200 and made(page)
    assert not LessonProgress.objects.filter(learner=child.user).exists()
    # Once a parent's consent is recorded, the child's lesson is stored and kept...
    with committed():
        classes.record_consent(
            by=personas.teacher, member=child, method="signed_form", given_on=date.today()
        )
    with committed():
        client.get(LESSON1)
    assert LessonProgress.objects.filter(learner=child.user).exists()
    assert not made(client.get(LESSON1))
    # ...and from the moment it is withdrawn, nothing is kept or stored again.
    with committed():
        classes.withdraw_consent(by=personas.teacher, member=child)
    LessonProgress.objects.filter(learner=child.user).delete()
    assert made(client.get(LESSON1))
    assert not LessonProgress.objects.filter(learner=child.user).exists()


# Dashboard: the learner's own records ------------------------------------------------


def test_the_kept_dashboard_follows_the_learners_own_records_only(personas, committed):
    from ipcoop.academy.package import import_package
    from tests.academy.fixture import package

    with committed():
        import_package(package(), publish=True, review_note="test")
    learner, other = client_for(personas.learner), client_for(personas.outsider)
    with committed():
        learner.get(LESSON1)
    assert made(learner.get("/academy/me/"))
    assert not made(learner.get("/academy/me/"))
    # Another learner's progress leaves this learner's page kept.
    with committed():
        assert other.post(f"{LESSON1}complete/").status_code == 302
    assert not made(learner.get("/academy/me/"))
    with committed():
        assert learner.post(f"{LESSON1}complete/").status_code == 302
    page = learner.get("/academy/me/")
    assert made(page) and "33%" in page.text
    assert not made(learner.get("/academy/me/"))
    # A write to learning records by anything but a marked service (a bulk update, the
    # admin) is every learner's.
    with committed():
        LessonProgress.objects.filter(learner=personas.outsider).update(updated_at=timezone.now())
    assert made(learner.get("/academy/me/"))


def test_the_dashboards_review_count_follows_new_answers_and_time_alone(personas, committed):
    from tests.academy.adult import adult_course, question_of
    from tests.academy.test_learning_paths import answer

    with committed():
        course = adult_course(1, 3)
    question = question_of(course, "PAT-201")
    learner = client_for(personas.learner)
    assert "due for review" not in learner.get("/academy/me/").text
    with committed():
        answer(personas.learner, question, right=False)  # due again in a day
    # The new answer becomes a card at the next visit, not due yet; then nothing is read
    # for the count until it falls due.
    assert "due for review" not in learner.get("/academy/me/").text
    learner.get("/academy/me/")
    with CaptureQueriesContext(connection) as kept:
        assert not made(learner.get("/academy/me/"))
    assert not [q for q in kept.captured_queries if "academy_" in q["sql"]]
    tomorrow = timezone.now() + timedelta(days=1, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        page = learner.get("/academy/me/")
    assert made(page) and "1 question due for review" in page.text


# Search and accountability -----------------------------------------------------------


def test_kept_search_results_follow_the_index(personas, committed):
    from tests.search.conftest import post

    with committed():
        post(personas, title="Guidance on applicants that are DAOs")
    examiner = client_for(personas.kipo_examiner)
    assert "that are DAOs" in examiner.get("/search/?q=applicants").text
    assert not made(examiner.get("/search/?q=applicants"))
    with committed():
        post(personas, title="Applicants abroad: a second notice", visibility="offices")
    page = examiner.get("/search/?q=applicants")
    assert made(page) and "abroad: a second notice" in page.text
    # A learner's kept results never held the offices-only notice.
    assert (
        "abroad: a second notice"
        not in client_for(personas.learner).get("/search/?q=applicants").text
    )


def test_anonymous_search_is_a_public_page(settings, personas, committed):
    from tests.search.conftest import post

    with committed():
        post(personas, title="Guidance on applicants that are DAOs")
    settings.CACHES = {**READER_CACHE, "pages": {**READER_CACHE["reader-pages"], "LOCATION": "p"}}
    caches["pages"].clear()
    assert made(Client().get("/search/?q=applicants"))
    again = Client().get("/search/?q=applicants")
    assert not made(again) and "that are DAOs" in again.text
    caches["pages"].clear()


def test_kept_accountability_page_follows_the_projects(personas, committed):
    from tests.projects.makers import adopted, project_for

    with committed():
        project_for(personas, adopted(personas, title="Joint examiner course"))
    ipos = client_for(personas.ipos_policy)
    assert "Joint examiner course" in ipos.get("/projects/").text
    assert not made(ipos.get("/projects/"))
    with committed():
        project_for(personas, adopted(personas, title="Second joint course"))
    page = ipos.get("/projects/")
    assert made(page) and "Second joint course" in page.text
    # The projects are between KIPO and IPOS only: an examiner of another office never
    # sees them, on the page made for them or on the one kept for them.
    thai = client_for(personas.th_examiner)
    for _ in range(2):
        other = thai.get("/projects/").text
        assert "Joint examiner course" not in other and "Second joint course" not in other
    assert not made(thai.get("/projects/"))
