"""Office admins manage their office's roles and read its audit log; nobody else does."""

import pytest
from django.core.exceptions import ValidationError

from ipcoop.people import services
from ipcoop.people.models import AuditAction, AuditEvent, Membership, Role
from tests.conftest import assert_same_not_found, client_for, make_user


def test_office_admin_grants_a_role_and_it_is_audited(personas):
    newcomer = make_user("newcomer")
    client = client_for(personas.kipo_admin)
    response = client.post(
        "/account/organisations/kr-kipo/members/",
        {"username": "newcomer", "role": Role.EXAMINER},
        follow=True,
    )
    assert "The role is granted." in response.text
    assert list(newcomer.memberships.values_list("organisation__slug", "role")) == [
        ("kr-kipo", "examiner")
    ]
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED, object_id=str(newcomer.pk))
    assert event.actor == personas.kipo_admin
    assert event.detail == {"role": "examiner", "organisation": "kr-kipo"}
    assert list(event.organisations.all()) == [personas.kipo]
    log = client.get("/account/audit/").text
    assert "Role granted (Examiner)" in log


def test_granting_to_an_unknown_username_says_so(personas):
    response = client_for(personas.kipo_admin).post(
        "/account/organisations/kr-kipo/members/", {"username": "ghost", "role": Role.EXAMINER}
    )
    assert "No account has the username ghost" in response.text


def test_a_role_that_does_not_fit_the_organisation_is_refused(personas):
    make_user("newcomer")
    response = client_for(personas.kipo_admin).post(
        "/account/organisations/kr-kipo/members/", {"username": "newcomer", "role": Role.EDUCATOR}
    )
    assert "The role Educator cannot be held in KIPO (KR)" in response.text
    assert not Membership.objects.filter(user__username="newcomer").exists()


def test_office_roles_need_an_organisation(db):
    user = make_user("somebody")
    with pytest.raises(ValidationError, match="is held in an organisation"):
        services.grant_role(by=None, user=user, role=Role.EXAMINER, organisation=None)


def test_office_admin_revokes_a_role(personas):
    membership = personas.kipo_examiner.memberships.get()
    response = client_for(personas.kipo_admin).post(
        f"/account/organisations/kr-kipo/members/{membership.pk}/revoke/", follow=True
    )
    assert "The role is revoked." in response.text
    assert not personas.kipo_examiner.memberships.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.ROLE_REVOKED, object_id=str(personas.kipo_examiner.pk)
    ).exists()


@pytest.mark.parametrize("name", ["ipos_admin", "kipo_examiner", "kipo_policy", "outsider"])
def test_others_cannot_see_an_offices_members_page(personas, name):
    client = client_for(getattr(personas, name))
    assert_same_not_found(
        client, "/account/organisations/kr-kipo/members/", "/account/organisations/nowhere/members/"
    )


def test_another_offices_admin_cannot_revoke_and_it_looks_missing(personas):
    membership = personas.kipo_examiner.memberships.get()
    client = client_for(personas.ipos_admin)
    assert_same_not_found(
        client,
        f"/account/organisations/kr-kipo/members/{membership.pk}/revoke/",
        "/account/organisations/kr-kipo/members/999999/revoke/",
        method="post",
    )
    # Nor through their own office's address.
    response = client.post(f"/account/organisations/sg-ipos/members/{membership.pk}/revoke/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_platform_admin_manages_any_office(personas):
    response = client_for(personas.platform_admin).get("/account/organisations/th-dip/members/")
    assert response.status_code == 200
    assert "th.examiner" in response.text


def test_members_page_lists_the_offices_people_only(personas):
    response = client_for(personas.kipo_admin).get("/account/organisations/kr-kipo/members/")
    for name in ["kipo.admin", "kipo.examiner", "kipo.policy"]:
        assert name in response.text
    for name in ["ipos.policy", "th.examiner", "a.learner"]:
        assert name not in response.text


def test_members_page_query_count_does_not_grow(personas, django_assert_max_num_queries):
    client = client_for(personas.kipo_admin)
    client.get("/account/organisations/kr-kipo/members/")
    with django_assert_max_num_queries(20) as before:
        client.get("/account/organisations/kr-kipo/members/")
    for n in range(3):
        make_user(f"extra{n}", Role.EXAMINER, "kr-kipo")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/account/organisations/kr-kipo/members/")


# Audit log -------------------------------------------------------------------------


def sign_in(client, username, password):
    return client.post("/account/signin/", {"username": username, "password": password})


def test_office_admin_reads_their_offices_events_but_not_others(personas):
    from django.test import Client

    from tests.conftest import PASSWORD

    sign_in(Client(), "kipo.examiner", PASSWORD)
    sign_in(Client(), "ipos.policy", PASSWORD)
    sign_in(Client(), "ipos.policy", "wrong")
    kipo_log = client_for(personas.kipo_admin).get("/account/audit/").text
    assert "kipo.examiner" in kipo_log
    assert "ipos.policy" not in kipo_log
    ipos_log = client_for(personas.ipos_admin).get("/account/audit/").text
    assert "ipos.policy" in ipos_log
    assert "Failed sign-in" in ipos_log
    assert "kipo.examiner" not in ipos_log


@pytest.mark.parametrize("name", ["kipo_examiner", "kipo_policy", "learner", "outsider"])
def test_people_without_admin_role_get_no_audit_log(personas, name):
    client = client_for(getattr(personas, name))
    assert_same_not_found(client, "/account/audit/", "/account/audit-nowhere/")


def test_platform_admin_reads_every_event_including_unknown_usernames(personas):
    from django.test import Client

    sign_in(Client(), "no-such-person", "x")
    log = client_for(personas.platform_admin).get("/account/audit/").text
    assert "no-such-person" in log


def test_audit_log_query_count_does_not_grow(personas, django_assert_max_num_queries):
    client = client_for(personas.kipo_admin)
    services.record_event(action=AuditAction.SIGN_IN, actor=personas.kipo_examiner)
    client.get("/account/audit/")
    with django_assert_max_num_queries(20) as before:
        client.get("/account/audit/")
    for _ in range(3):
        services.record_event(action=AuditAction.SIGN_IN, actor=personas.kipo_policy)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get("/account/audit/")
    assert response.text.count("kipo.policy") >= 3


def test_client_address_comes_from_the_trusted_proxy_only(personas, settings):
    from django.test import Client

    from tests.conftest import PASSWORD

    settings.TRUSTED_PROXY_COUNT = 1
    Client(REMOTE_ADDR="127.0.0.1").post(
        "/account/signin/",
        {"username": "kipo.policy", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.client_address == "203.0.113.9"


def test_reads_of_non_public_items_are_logged_for_the_owning_office(personas):
    from tests.sharedapp.models import Note

    secret = Note.objects.create(title="draft guideline", office=personas.kipo, visibility="own")
    public = Note.objects.create(title="press note", office=personas.kipo, visibility="public")
    services.record_confidential_read(user=personas.kipo_examiner, item=secret)
    services.record_confidential_read(user=personas.kipo_examiner, item=public)
    event = AuditEvent.objects.get(action=AuditAction.CONFIDENTIAL_READ)
    assert (event.actor, event.object_repr) == (personas.kipo_examiner, "draft guideline")
    assert list(event.organisations.all()) == [personas.kipo]
    assert "Confidential item read" in client_for(personas.kipo_admin).get("/account/audit/").text
    assert "draft guideline" not in client_for(personas.ipos_admin).get("/account/audit/").text
