"""Sign-up, sign-in with throttling, sign-out, password reset and the profile."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings

from ipcoop.people.models import AuditAction, AuditEvent, Membership, User
from tests.conftest import PASSWORD, client_for, make_user

SIGNUP = {
    "username": "nadia",
    "password": PASSWORD,
    "display_name": "Nadia",
    "email": "nadia@example.org",
    "preferred_language": "th",
    "country": "th",
    "time_zone": "Asia/Bangkok",
}


@pytest.mark.django_db
def test_signup_creates_a_signed_in_learner_in_their_language(client):
    response = client.post("/account/signup/", SIGNUP, follow=True)
    user = User.objects.get(username="nadia")
    assert (user.display_name, user.country, user.time_zone) == ("Nadia", "TH", "Asia/Bangkok")
    assert list(user.memberships.values_list("role", "organisation")) == [("learner", None)]
    assert response.context["user"] == user
    assert client.cookies["ipcoop_language"].value == "th"
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_UP, actor=user).count() == 1


@pytest.mark.django_db
def test_signup_without_email_works_for_children_and_others(client):
    client.post("/account/signup/", {**SIGNUP, "email": ""})
    assert User.objects.get(username="nadia").email == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("password", "short", "This password is too short"),
        ("username", "bad name!", "Use only letters, digits"),
        ("time_zone", "Mars/Olympus", "Select a valid choice"),
        ("country", "THA", "Ensure this value has at most 2 characters"),
        ("email", "not-an-address", "Enter a valid email address"),
    ],
)
def test_signup_with_bad_input_says_what_to_fix_and_creates_nothing(client, field, value, message):
    response = client.post("/account/signup/", {**SIGNUP, field: value})
    assert response.status_code == 200
    assert message in response.text
    assert "Please fix the following" in response.text
    assert not User.objects.filter(username__in=["nadia", "bad name!"]).exists()


@pytest.mark.django_db
def test_password_rules_are_shown_on_the_password_field(client):
    response = client.post("/account/signup/", {**SIGNUP, "password": "nadia123"})
    form = response.context["form"]
    assert form.errors == {"password": ["The password is too similar to the username."]}
    assert form.non_field_errors() == []
    assert 'aria-invalid="true"' in response.text
    assert '<a href="#id_password">' in response.text


@pytest.mark.django_db
def test_signup_refuses_a_taken_username_whatever_its_case(client):
    make_user("Nadia")
    response = client.post("/account/signup/", SIGNUP)
    assert "That username is taken" in response.text
    assert User.objects.filter(username__iexact="nadia").count() == 1


@pytest.mark.django_db
def test_signin_starts_a_session_in_the_preferred_language_and_is_audited(client):
    user = make_user("somchai", preferred_language="th")
    response = client.post(
        "/account/signin/", {"username": "somchai", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.cookies["ipcoop_language"].value == "th"
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert (event.actor, event.client_address) == (user, "10.1.2.3")


@pytest.mark.django_db
def test_signin_follows_a_local_next_but_not_another_site(client):
    make_user("somchai")
    data = {"username": "somchai", "password": PASSWORD}
    assert client.post("/account/signin/?next=/account/profile/", data)["Location"] == (
        "/account/profile/"
    )
    other = Client()
    assert other.post("/account/signin/?next=https://evil.example/", data)["Location"] == "/"


@pytest.mark.django_db
def test_wrong_password_is_refused_audited_and_filed_under_the_users_office(personas):
    client = Client()
    response = client.post("/account/signin/", {"username": "kipo.examiner", "password": "nope"})
    assert "That username and password do not match" in response.text
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert event.actor_name == "kipo.examiner"
    assert list(event.organisations.all()) == [personas.kipo]


@pytest.mark.django_db
@override_settings(SIGNIN_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_username_even_for_the_right_password(client):
    make_user("somchai")
    for _ in range(3):
        client.post("/account/signin/", {"username": "somchai", "password": "wrong"})
    response = client.post("/account/signin/", {"username": "somchai", "password": PASSWORD})
    assert "Too many failed sign-ins" in response.text
    assert "_auth_user_id" not in client.session
    # Another account from another address is not affected.
    make_user("malee")
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert (
        other.post("/account/signin/", {"username": "malee", "password": PASSWORD}).status_code
        == 302
    )


@pytest.mark.django_db
@override_settings(SIGNIN_FAILURE_LIMIT_PER_ADDRESS=4)
def test_many_failures_from_one_address_lock_that_address(client):
    make_user("malee")
    for n in range(4):
        client.post("/account/signin/", {"username": f"guess{n}", "password": "x"})
    response = client.post("/account/signin/", {"username": "malee", "password": PASSWORD})
    assert "Too many failed sign-ins" in response.text


@pytest.mark.django_db
def test_signout_needs_post_and_ends_the_session(client):
    user = make_user("somchai")
    client.force_login(user)
    assert client.get("/account/signout/").status_code == 405
    response = client.post("/account/signout/", follow=True)
    assert response.context["user"].is_authenticated is False
    assert "You are signed out." in response.text
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=user).exists()


@pytest.mark.django_db
def test_password_reset_by_email_end_to_end(client):
    user = make_user("somchai", email="somchai@example.org")
    client.post("/account/password/reset/", {"email": "somchai@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/password/reset/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    new_password = "a brand new passphrase 77"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert "Password changed" in done.text
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET, actor=user).exists()
    # The link works once.
    assert "This link no longer works" in client.get(link, follow=True).text


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post("/account/password/reset/", {"email": "nobody@example.org"}, follow=True)
    assert "If an account has that address" in response.text
    assert mail.outbox == []


@pytest.mark.django_db
def test_profile_saves_language_country_and_time_zone(client):
    user = make_user("somchai")
    client.force_login(user)
    response = client.post(
        "/account/profile/",
        {
            "display_name": "Somchai",
            "email": "",
            "preferred_language": "vi",
            "country": "vn",
            "time_zone": "Asia/Ho_Chi_Minh",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language, user.country, user.time_zone) == (
        "Somchai",
        "vi",
        "VN",
        "Asia/Ho_Chi_Minh",
    )
    assert client.cookies["ipcoop_language"].value == "vi"


@pytest.mark.django_db
def test_profile_with_bad_input_keeps_what_was_saved(client):
    user = make_user("somchai", display_name="Somchai", country="TH")
    client.force_login(user)
    response = client.post(
        "/account/profile/",
        {
            "display_name": "Changed",
            "email": "",
            "preferred_language": "en",
            "country": "1X",
            "time_zone": "UTC",
        },
    )
    assert "is not a country code: use two capital letters" in response.text
    user.refresh_from_db()
    assert (user.display_name, user.country) == ("Somchai", "TH")


@pytest.mark.django_db
def test_profile_lists_the_users_roles(personas):
    response = client_for(personas.kipo_examiner).get("/account/profile/")
    assert "Examiner — Korean Intellectual Property Office" in response.text


@pytest.mark.django_db
def test_profile_needs_sign_in(client):
    response = client.get("/account/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/account/signin/?next=/account/profile/"


@pytest.mark.django_db
def test_passwords_are_stored_hashed(client):
    client.post("/account/signup/", SIGNUP)
    stored = User.objects.get(username="nadia").password
    assert PASSWORD not in stored
    assert stored.startswith("md5$")  # tests/settings.py; production uses Argon2


@pytest.mark.django_db
def test_learner_role_is_not_duplicated_by_membership_constraint():
    user = make_user("somchai", "learner")
    from ipcoop.people import services

    services.grant_role(by=None, user=user, role="learner", organisation=None)
    assert Membership.objects.filter(user=user).count() == 1
