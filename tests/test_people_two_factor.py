"""Two-factor sign-in: the TOTP maths, enrolment, the code step of signing in (throttled,
no replay), recovery codes, turning it off, and office staff who must set it up."""

from __future__ import annotations

import re
import time

import pytest
import segno
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape

from ipcoop.lib import totp
from ipcoop.people import two_factor
from ipcoop.people.demo import DEMO_TWO_FACTOR_SECRET
from ipcoop.people.models import (
    AuditAction,
    AuditEvent,
    RecoveryCode,
    Role,
    TwoFactorDevice,
    User,
)
from ipcoop.people.services import create_token
from ipcoop.people.views import PENDING_SIGN_IN_KEY
from tests.conftest import PASSWORD, client_for, make_user

# RFC 6238 Appendix B, SHA-1: the 20-byte ASCII seed, 8 digits.
RFC6238_KEY = b"12345678901234567890"
RFC6238_SHA1 = [
    (59, 1, "94287082"),
    (1111111109, 0x23523EC, "07081804"),
    (1111111111, 0x23523ED, "14050471"),
    (1234567890, 0x273EF07, "89005924"),
    (2000000000, 0x3F940AA, "69279037"),
    (20000000000, 0x27BC86AA, "65353130"),
]
# RFC 4226 Appendix D: HOTP of the same key for counters 0 to 9, 6 digits.
RFC4226 = ["755224", "287082", "359152", "969429", "338314"]
RFC4226 += ["254676", "287922", "162583", "399871", "520489"]


# The maths (ipcoop/lib/totp.py) --------------------------------------------------


@pytest.mark.parametrize(("at", "step", "code"), RFC6238_SHA1)
def test_totp_matches_the_rfc_6238_sha1_vectors(at, step, code):
    assert totp.time_step(at) == step
    assert totp.totp(RFC6238_KEY, at, digits=8) == code


@pytest.mark.parametrize(("counter", "code"), list(enumerate(RFC4226)))
def test_hotp_matches_the_rfc_4226_vectors(counter, code):
    assert totp.hotp(RFC6238_KEY, counter) == code


def test_a_code_is_accepted_one_step_either_side_and_no_further():
    key = RFC6238_KEY
    at = 1111111111.0  # step 0x23523ED
    now = totp.time_step(at)
    for offset in (-1, 0, 1):
        code = totp.hotp(key, now + offset)
        assert totp.matching_step(key, code, at) == now + offset
    for offset in (-3, -2, 2, 3):
        assert totp.matching_step(key, totp.hotp(key, now + offset), at) is None


def test_steps_already_used_never_match_again():
    key = RFC6238_KEY
    at = 1234567890.0
    now = totp.time_step(at)
    code = totp.hotp(key, now)
    assert totp.matching_step(key, code, at, after=now - 1) == now
    assert totp.matching_step(key, code, at, after=now) is None
    # An older code is refused too once a newer one was accepted.
    assert totp.matching_step(key, totp.hotp(key, now - 1), at, after=now) is None


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 34 5x"])
def test_codes_that_are_not_six_ascii_digits_never_match(typed):
    assert totp.matching_step(RFC6238_KEY, typed, 59.0) is None


def test_spaces_and_dashes_inside_a_code_are_ignored():
    code = totp.totp(RFC6238_KEY, 59.0)
    spaced = f"{code[:3]} {code[3:]}"
    assert totp.matching_step(RFC6238_KEY, spaced, 59.0) == 1
    assert totp.matching_step(RFC6238_KEY, f"{code[:3]}-{code[3:]}", 59.0) == 1


def test_secrets_are_160_bit_base32_and_read_back_whatever_the_spacing():
    secret = totp.new_secret()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert len(totp.decode_secret(secret)) == 20
    grouped = " ".join(secret[i : i + 4] for i in range(0, 32, 4)).lower()
    assert totp.decode_secret(grouped) == totp.decode_secret(secret)
    assert secret != totp.new_secret()
    with pytest.raises(ValueError, match="not base32"):
        totp.decode_secret("not base32 at all 0189!")


def test_provisioning_uri_names_the_issuer_account_and_parameters():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", account="kr.policy", issuer="ipcoop")
    assert uri == (
        "otpauth://totp/ipcoop:kr.policy?secret=JBSWY3DPEHPK3PXP&issuer=ipcoop"
        "&algorithm=SHA1&digits=6&period=30"
    )


# Helpers ---------------------------------------------------------------------------


def secret_on_page(html: str) -> str:
    match = re.search(r'id="two-factor-secret">([^<]+)<', html)
    assert match, "the set-up page shows the key as text"
    return match.group(1)


def code_for(secret: str, at: float | None = None) -> str:
    return totp.totp(totp.decode_secret(secret), at)


def enrol(user: User) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on with a code from two minutes ago, so that the codes of
    the next minutes are still unused. Returns the secret and the recovery codes."""
    secret = two_factor.new_two_factor_secret()
    earlier = time.time() - 120
    codes = two_factor.enable_two_factor(
        user=user, secret=secret, code=code_for(secret, earlier), at=earlier
    )
    return secret, codes


def password_step(client: Client, username: str, next_url: str = "") -> object:
    url = "/account/signin/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": PASSWORD, "next": next_url})


def signed_in_username(client: Client) -> str | None:
    response = client.get("/api/v1/me")
    return response.json()["username"] if response.status_code == 200 else None


def actions(user: User) -> list[str]:
    """The audit events about the user, but for the role granted when the test made them."""
    return list(
        AuditEvent.objects.filter(object_id=str(user.pk), object_type="people.user")
        .exclude(action=AuditAction.ROLE_GRANTED)
        .order_by("id")
        .values_list("action", flat=True)
    )


# Enrolment -------------------------------------------------------------------------


@pytest.mark.django_db
def test_enrolment_shows_key_and_qr_confirms_a_code_then_shows_recovery_codes_once():
    user = make_user("nadia", Role.LEARNER)
    client = client_for(user)

    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    secret = secret_on_page(page.text)
    # The QR code is the otpauth:// address of that same key, inline (CSP allows data:).
    uri = totp.provisioning_uri(secret.replace(" ", ""), account="nadia", issuer="ipcoop")
    assert uri.startswith("otpauth://totp/ipcoop:nadia?secret=")
    image = segno.make(uri, error="m").svg_data_uri(scale=4, border=2)
    assert f'<img class="qr-code" src="{escape(image)}"' in page.text
    assert "It is optional for you." in page.text
    # The key stays the same until it is confirmed (reloading does not change it).
    assert secret_on_page(client.get("/account/two-factor/").text) == secret

    wrong = client.post("/account/two-factor/", {"code": "000000"})
    assert "That code does not match" in wrong.text
    assert not TwoFactorDevice.objects.exists()

    done = client.post("/account/two-factor/", {"code": code_for(secret)}, follow=True)
    assert "Two-factor sign-in is on." in done.text
    assert done["Cache-Control"] == "no-store"
    shown = re.findall(r"<li><code>([0-9a-z]{4}(?:-[0-9a-z]{4}){3})</code></li>", done.text)
    assert len(shown) == len(set(shown)) == 10

    again = client.get("/account/two-factor/")
    assert not any(code in again.text for code in shown)
    assert "You have 10 unused recovery codes." in again.text

    device = TwoFactorDevice.objects.get(user=user)
    compact = secret.replace(" ", "")
    assert compact not in device.encrypted_secret
    stored = set(RecoveryCode.objects.filter(user=user).values_list("digest", flat=True))
    assert len(stored) == 10
    assert not stored & set(shown)
    assert actions(user) == [AuditAction.TWO_FACTOR_ENABLED]


@pytest.mark.django_db
def test_enrolment_needs_sign_in():
    response = Client().get("/account/two-factor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/signin/")


@pytest.mark.django_db
def test_profile_says_whether_two_factor_sign_in_is_on():
    user = make_user("nadia", Role.LEARNER)
    client = client_for(user)
    assert "Two-factor sign-in is off." in client.get("/account/profile/").text
    enrol(user)
    assert "Two-factor sign-in is on." in client.get("/account/profile/").text


# Signing in with a code ------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_asks_for_the_code_after_the_password_and_only_then_signs_in():
    user = make_user("somchai", Role.LEARNER, preferred_language="th")
    secret, _codes = enrol(user)
    client = Client()

    response = password_step(client, "somchai", next_url="/account/tokens/")
    assert response.status_code == 302
    assert response["Location"] == "/account/signin/code/"
    assert signed_in_username(client) is None
    assert AuditAction.SIGN_IN not in actions(user)

    page = client.get("/account/signin/code/")
    assert "Enter your code" in page.text

    response = client.post("/account/signin/code/", {"code": code_for(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/account/tokens/"
    assert client.cookies["ipcoop_language"].value == "th"
    assert signed_in_username(client) == "somchai"
    assert PENDING_SIGN_IN_KEY not in client.session
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN, actor=user)
    assert event.detail == {"second_factor": "totp"}


@pytest.mark.django_db
def test_users_without_two_factor_sign_in_as_before():
    make_user("plain", Role.LEARNER)
    client = Client()
    response = password_step(client, "plain")
    assert response["Location"] == "/"
    assert signed_in_username(client) == "plain"


@pytest.mark.django_db
def test_the_pending_state_opens_no_page():
    user = make_user("somchai", Role.EXAMINER, "th-dip")
    enrol(user)
    client = Client()
    password_step(client, "somchai")
    assert client.session[PENDING_SIGN_IN_KEY]["user"] == user.pk
    assert "_auth_user_id" not in client.session

    for url in ["/account/profile/", "/account/tokens/", "/account/two-factor/", "/inbox/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/signin/?next="), url
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me/tokens").status_code == 401
    home = client.get("/")
    assert home.context["user"].is_authenticated is False


@pytest.mark.django_db
def test_the_code_step_without_a_password_first_sends_back_to_sign_in():
    user = make_user("somchai", Role.LEARNER)
    secret, _codes = enrol(user)
    client = Client()
    response = client.post("/account/signin/code/", {"code": code_for(secret)}, follow=True)
    assert response.redirect_chain[-1][0] == "/account/signin/"
    assert "Sign in with your username and password first." in response.text
    assert signed_in_username(client) is None


@pytest.mark.django_db
def test_the_pending_state_expires_after_five_minutes():
    user = make_user("somchai", Role.LEARNER)
    secret, _codes = enrol(user)
    client = Client()
    password_step(client, "somchai")
    session = client.session
    session[PENDING_SIGN_IN_KEY] = {**session[PENDING_SIGN_IN_KEY], "at": time.time() - 301}
    session.save()
    response = client.post("/account/signin/code/", {"code": code_for(secret)})
    assert response["Location"] == "/account/signin/"
    assert signed_in_username(client) is None
    assert PENDING_SIGN_IN_KEY not in client.session


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(settings):
    settings.SIGNIN_FAILURE_LIMIT = 3
    user = make_user("somchai", Role.EXAMINER, "th-dip")
    secret, _codes = enrol(user)
    client = Client()
    password_step(client, "somchai")
    good = code_for(secret)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"

    response = client.post("/account/signin/code/", {"code": wrong})
    assert "That code does not match." in response.text
    assert signed_in_username(client) is None
    failure = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert (failure.actor_name, failure.detail) == ("somchai", {"step": "code"})
    assert set(failure.organisations.values_list("slug", flat=True)) == {"th-dip"}

    client.post("/account/signin/code/", {"code": wrong})
    client.post("/account/signin/code/", {"code": "not a recovery code"})
    # Three failures: now even the right code is refused, and so is the password.
    response = client.post("/account/signin/code/", {"code": good})
    assert "Too many failed sign-ins" in response.text
    assert signed_in_username(client) is None
    response = password_step(Client(), "somchai")
    assert "Too many failed sign-ins" in response.text
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 3


@pytest.mark.django_db
def test_a_code_works_once_and_older_codes_are_refused_after_it():
    user = make_user("somchai", Role.LEARNER)
    secret, _codes = enrol(user)
    now = time.time()
    code = code_for(secret, now)

    first = Client()
    password_step(first, "somchai")
    first.post("/account/signin/code/", {"code": code})
    assert signed_in_username(first) == "somchai"

    replay = Client()
    password_step(replay, "somchai")
    response = replay.post("/account/signin/code/", {"code": code})
    assert "That code does not match." in response.text
    assert signed_in_username(replay) is None
    previous = code_for(secret, now - 30)
    if previous != code:
        response = replay.post("/account/signin/code/", {"code": previous})
        assert signed_in_username(replay) is None
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=user).count() == 1


@pytest.mark.django_db
def test_the_same_code_in_two_requests_signs_in_only_one(rf):
    user = make_user("somchai", Role.LEARNER)
    secret, _codes = enrol(user)
    code = code_for(secret)
    request = rf.post("/account/signin/code/")
    assert two_factor.sign_in_with_code(request=request, user=user, code=code) == "totp"
    with pytest.raises(Exception, match="That code does not match"):
        two_factor.sign_in_with_code(request=request, user=user, code=code)


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once_and_is_audited():
    user = make_user("somchai", Role.EXAMINER, "th-dip")
    _secret, codes = enrol(user)
    client = Client()
    password_step(client, "somchai")
    # Typed in capitals, without the dashes, it still works.
    response = client.post(
        "/account/signin/code/", {"code": codes[3].upper().replace("-", " ")}, follow=True
    )
    assert signed_in_username(client) == "somchai"
    assert "Recovery codes left: 9." in response.text
    used = AuditEvent.objects.get(action=AuditAction.RECOVERY_CODE_USED)
    assert (used.actor, used.detail) == (user, {"left": 9})
    assert set(used.organisations.values_list("slug", flat=True)) == {"th-dip"}
    sign_in = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert sign_in.detail == {"second_factor": "recovery_code"}

    again = Client()
    password_step(again, "somchai")
    response = again.post("/account/signin/code/", {"code": codes[3]})
    assert "That code does not match." in response.text
    assert signed_in_username(again) is None
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 9


@pytest.mark.django_db
def test_a_recovery_code_of_someone_else_does_not_work():
    user = make_user("somchai", Role.LEARNER)
    other = make_user("other", Role.LEARNER)
    enrol(user)
    _secret, others_codes = enrol(other)
    client = Client()
    password_step(client, "somchai")
    client.post("/account/signin/code/", {"code": others_codes[0]})
    assert signed_in_username(client) is None


# Turning it off --------------------------------------------------------------------


@pytest.mark.django_db
def test_turning_off_needs_the_password_and_a_code():
    user = make_user("nadia", Role.LEARNER)
    secret, _codes = enrol(user)
    client = client_for(user)

    response = client.post(
        "/account/two-factor/disable/", {"password": "wrong password", "code": code_for(secret)}
    )
    assert "That is not your password." in response.text
    response = client.post(
        "/account/two-factor/disable/", {"password": PASSWORD, "code": "123456x"}
    )
    assert "That code does not match." in response.text
    assert TwoFactorDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 2

    response = client.post(
        "/account/two-factor/disable/",
        {"password": PASSWORD, "code": code_for(secret)},
        follow=True,
    )
    assert "Two-factor sign-in is off." in response.text
    assert not TwoFactorDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert actions(user)[-1] == AuditAction.TWO_FACTOR_DISABLED
    # And signing in needs the password only again.
    fresh = Client()
    password_step(fresh, "nadia")
    assert signed_in_username(fresh) == "nadia"


@pytest.mark.django_db
def test_turning_off_with_a_recovery_code():
    user = make_user("nadia", Role.LEARNER)
    _secret, codes = enrol(user)
    client_for(user).post("/account/two-factor/disable/", {"password": PASSWORD, "code": codes[0]})
    assert not TwoFactorDevice.objects.filter(user=user).exists()
    assert actions(user)[-2:] == [AuditAction.RECOVERY_CODE_USED, AuditAction.TWO_FACTOR_DISABLED]


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones_with_password_and_code():
    user = make_user("nadia", Role.LEARNER)
    secret, old_codes = enrol(user)
    client = client_for(user)

    refused = client.post(
        "/account/two-factor/recovery-codes/",
        {"codes-password": PASSWORD, "codes-code": "000000x"},
    )
    assert "That code does not match." in refused.text
    # The two forms on the page keep their own field ids.
    assert 'id="id_codes-password"' in refused.text
    assert 'id="id_password"' in refused.text

    response = client.post(
        "/account/two-factor/recovery-codes/",
        {"codes-password": PASSWORD, "codes-code": code_for(secret)},
        follow=True,
    )
    assert "Your new recovery codes are ready" in response.text
    shown = re.findall(r"<li><code>([0-9a-z]{4}(?:-[0-9a-z]{4}){3})</code></li>", response.text)
    assert len(shown) == 10
    assert not set(shown) & set(old_codes)
    assert actions(user)[-1] == AuditAction.RECOVERY_CODES_REPLACED

    old = Client()
    password_step(old, "nadia")
    old.post("/account/signin/code/", {"code": old_codes[0]})
    assert signed_in_username(old) is None
    new = Client()
    password_step(new, "nadia")
    new.post("/account/signin/code/", {"code": shown[0]})
    assert signed_in_username(new) == "nadia"


@pytest.mark.django_db
def test_reset_command_takes_two_factor_away_and_is_audited(capsys):
    user = make_user("nadia", Role.LEARNER)
    enrol(user)
    call_command("reset_two_factor", "Nadia")
    assert "Two-factor sign-in of nadia is reset." in capsys.readouterr().out
    assert not TwoFactorDevice.objects.exists()
    assert not RecoveryCode.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_DISABLED)
    assert (event.actor_name, event.detail) == ("system", {"reset": True})


# Office staff must set it up -------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.REQUIRE_STAFF_TWO_FACTOR = True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "org"),
    [
        (Role.OFFICE_ADMIN, "kr-kipo"),
        (Role.EXAMINER, "th-dip"),
        (Role.POLICY_OFFICER, "sg-ipos"),
        (Role.POLICY_OFFICER, "asean-secretariat"),
    ],
)
def test_office_staff_without_two_factor_are_sent_to_set_it_up(required, role, org):
    user = make_user("staff", role, org)
    client = client_for(user)
    for url in ["/", "/practice/", "/account/profile/", "/account/tokens/"]:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/account/two-factor/"), url
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    assert "Office staff sign in with a code from an authenticator app" in page.text
    assert "Office staff can read confidential exchange data" in page.text
    # Once set up, every page opens.
    client.post("/account/two-factor/", {"code": code_for(secret_on_page(page.text))})
    assert client.get("/practice/").status_code == 200


@pytest.mark.django_db
def test_a_signed_in_staff_member_may_still_sign_out_switch_language_and_load_styles(required):
    client = client_for(make_user("staff", Role.EXAMINER, "th-dip"))
    assert client.get("/static/ipcoop/site.css").status_code == 200
    response = client.post("/language/", {"language": "ko", "next": "/account/two-factor/"})
    assert response["Location"] == "/account/two-factor/"
    response = client.post("/account/signout/")
    assert response["Location"] == "/"
    assert signed_in_username(client) is None


@pytest.mark.django_db
def test_htmx_requests_of_staff_without_two_factor_redirect_the_whole_page(required):
    client = client_for(make_user("staff", Role.EXAMINER, "th-dip"))
    response = client.get("/practice/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/account/two-factor/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "org"),
    [
        (Role.LEARNER, None),
        (Role.TEACHER, None),
        (Role.EDUCATOR, "asean-ip-academy"),
        (Role.OFFICE_ADMIN, "asean-ip-academy"),
        (None, None),
    ],
)
def test_others_are_not_required_to_set_it_up(required, role, org):
    user = make_user("someone", role, org)
    client = client_for(user)
    assert client.get("/account/profile/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    page = client.get("/account/two-factor/")
    assert "It is optional for you." in page.text


@pytest.mark.django_db
def test_nobody_is_sent_to_set_it_up_when_the_setting_is_off(settings):
    settings.REQUIRE_STAFF_TWO_FACTOR = False
    client = client_for(make_user("staff", Role.EXAMINER, "th-dip"))
    assert client.get("/account/profile/").status_code == 200


@pytest.mark.django_db
def test_api_refuses_tokens_and_sessions_of_staff_without_two_factor(required):
    staff = make_user("staff", Role.POLICY_OFFICER, "kr-kipo")
    learner = make_user("learner", Role.LEARNER)
    _token, secret = create_token(user=staff, name="office system")
    _token, learner_secret = create_token(user=learner, name="mine")
    api = Client()

    response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert response.json() == {
        "code": "two_factor_required",
        "message": "Two-factor sign-in is required for office staff: enrol at "
        "http://testserver/account/two-factor/",
        "errors": [],
    }
    assert client_for(staff).get("/api/v1/me").status_code == 401
    learner_me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {learner_secret}"})
    assert learner_me.json()["username"] == "learner"
    # A wrong token is still the usual refusal.
    wrong = api.get("/api/v1/me", headers={"Authorization": "Bearer ipc_wrong"})
    assert wrong.json()["code"] == "unauthenticated"

    enrol(staff)
    response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert (response.status_code, response.json()["username"]) == (200, "staff")


@pytest.mark.django_db
def test_staff_sign_in_then_set_up_then_sign_in_with_a_code(required):
    """The whole way, with the password step sending staff to set it up."""
    make_user("staff", Role.EXAMINER, "th-dip")
    client = Client()
    response = password_step(client, "staff", next_url="/practice/")
    assert response["Location"] == "/practice/"
    assert client.get("/practice/")["Location"] == "/account/two-factor/"
    secret = secret_on_page(client.get("/account/two-factor/").text)
    setup_code = code_for(secret)
    client.post("/account/two-factor/", {"code": setup_code})
    client.post("/account/signout/")

    again = Client()
    response = password_step(again, "staff", next_url="/practice/")
    assert response["Location"] == "/account/signin/code/"
    # The code that confirmed the set-up is used up: the next step's code (one step
    # ahead is within the tolerance) signs in.
    assert "does not match" in again.post("/account/signin/code/", {"code": setup_code}).text
    response = again.post("/account/signin/code/", {"code": code_for(secret, time.time() + 30)})
    assert response["Location"] == "/practice/"
    assert again.get("/practice/").status_code == 200


# Demo accounts ---------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_office_staff_get_the_documented_demo_key(capsys, required):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert DEMO_TWO_FACTOR_SECRET in out
    assert "ipcoop demo-code" in out
    with_key = set(TwoFactorDevice.objects.values_list("user__username", flat=True))
    # Office staff and the platform admin; not the educator, teacher or learner.
    assert with_key == {"admin", "kr.admin", "kr.examiner", "kr.policy", "sg.policy"} | {
        "th.examiner",
        "vn.examiner",
    }
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_ENABLED).count() == 7

    call_command("demo_code")
    code = capsys.readouterr().out.strip()
    client = Client()
    client.post("/account/signin/", {"username": "kr.policy", "password": "ipcoop-demo-2026"})
    client.post("/account/signin/code/", {"code": code})
    assert signed_in_username(client) == "kr.policy"
    learner = Client()
    learner.post("/account/signin/", {"username": "learner.demo", "password": "ipcoop-demo-2026"})
    assert signed_in_username(learner) == "learner.demo"


@pytest.mark.django_db
def test_demo_keys_and_codes_are_refused_in_production(settings):
    settings.PRODUCTION = True
    user = make_user("staff", Role.EXAMINER, "th-dip")
    with pytest.raises(Exception, match="not set in production"):
        two_factor.enable_demo_two_factor(user=user, secret=DEMO_TWO_FACTOR_SECRET)
    with pytest.raises(Exception, match="not available in production"):
        call_command("demo_code")
    assert not TwoFactorDevice.objects.exists()


@pytest.mark.django_db
def test_a_secret_encrypted_under_an_earlier_key_still_works(settings):
    user = make_user("nadia", Role.LEARNER)
    secret, _codes = enrol(user)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]
    request = Client().get("/").wsgi_request
    assert two_factor.sign_in_with_code(request=request, user=user, code=code_for(secret)) == "totp"


@pytest.mark.django_db
def test_after_the_secret_key_changed_without_fallback_a_recovery_code_still_works(settings):
    user = make_user("nadia", Role.LEARNER)
    secret, codes = enrol(user)
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = []
    request = Client().get("/").wsgi_request
    with pytest.raises(Exception, match="That code does not match"):
        two_factor.sign_in_with_code(request=request, user=user, code=code_for(secret))
    method = two_factor.sign_in_with_code(request=request, user=user, code=codes[0])
    assert method == "recovery_code"


@pytest.mark.django_db
def test_platform_admins_must_enrol_too(settings):
    from ipcoop.people.two_factor import must_enrol
    from tests.conftest import make_user

    settings.REQUIRE_STAFF_TWO_FACTOR = True
    root = make_user("root", is_platform_admin=True)
    learner = make_user("ana", "learner")
    assert must_enrol(root) is True
    assert must_enrol(learner) is False
    response = client_for(root).get("/practice/")
    assert response.status_code == 302
    assert "/account/two-factor/" in response["Location"]
