"""Creating a class, children joining and signing in with pictures, who sees what."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import PermissionDenied, ValidationError

from ipcoop.classes import services
from ipcoop.classes.models import ClassMember, SchoolClass
from ipcoop.people.models import Membership, User
from tests.classes.conftest import PICTURES, join, make_class
from tests.conftest import assert_same_not_found, client_for, make_user

pytestmark = pytest.mark.django_db


def test_teacher_creates_a_class_from_the_page(personas, course):
    client = client_for(personas.teacher)
    response = client.post(
        "/classes/new/",
        {
            "name": "Little inventors",
            "audience": "children",
            "country": "th",
            "age_min": "9",
            "age_max": "11",
            "courses": [course.pk],
        },
    )
    school_class = SchoolClass.objects.get(name="Little inventors")
    assert response.status_code == 302
    assert response.url == f"/classes/{school_class.pk}/"
    assert school_class.country == "TH"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{7}", school_class.code)
    assert list(school_class.courses.all()) == [course]
    text = client.get(response.url).content.decode()
    assert school_class.code in text
    assert "In TH a parent consents for a child under 10." in text
    assert client.get("/classes/").content.decode().count(school_class.code) == 1


def test_class_form_says_what_to_fix(personas, course):
    client = client_for(personas.teacher)
    response = client.post(
        "/classes/new/",
        {"name": "X", "audience": "children", "country": "K1", "age_min": "12", "age_max": "8"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "form-errors" in text
    assert SchoolClass.objects.count() == 0
    with pytest.raises(ValidationError) as error:
        make_class(personas.teacher, course, age_min=12, age_max=8)
    assert "youngest and oldest" in str(error.value)


def test_only_teachers_create_classes(personas, course):
    with pytest.raises(PermissionDenied):
        make_class(personas.learner, course)
    assert client_for(personas.learner).get("/classes/new/").status_code == 403
    assert client_for(personas.educator).get("/classes/").status_code == 403


def test_join_makes_a_private_child_account(school_class):
    member = join(school_class, "  Minji ")
    user = member.user
    assert member.display_name == "Minji"
    assert user.email == ""
    assert not user.has_usable_password()
    assert user.username.startswith("child-")
    assert "minji" not in user.username.lower()
    assert user.country == "KR"
    assert list(Membership.objects.filter(user=user).values_list("role", "organisation")) == [
        ("learner", None)
    ]
    # The pictures are stored hashed with the class's salt, never in clear.
    assert identify_hasher(member.picture_hash)
    assert all(key not in member.picture_hash for key in PICTURES)


def test_join_refuses_a_taken_name_and_bad_pictures(school_class, child):
    with pytest.raises(ValidationError) as error:
        join(school_class, "MINJI")
    assert "already has this name" in str(error.value)
    for keys in (["sun", "cat"], ["sun", "sun", "cat"], ["sun", "cat", "dragon"]):
        with pytest.raises(ValidationError):
            join(school_class, "Jun", keys)
    with pytest.raises(ValidationError):
        services.join_class(code="ZZZZZZZ", display_name="Jun", picture_keys=PICTURES)


def test_sign_in_with_pictures_in_any_order_and_code_in_lower_case(school_class, child):
    user = services.sign_in_child(
        code=school_class.code.lower(), display_name="minji", picture_keys=["boat", "sun", "cat"]
    )
    assert user == child.user
    with pytest.raises(ValidationError) as wrong_pictures:
        services.sign_in_child(
            code=school_class.code, display_name="Minji", picture_keys=["sun", "cat", "tree"]
        )
    with pytest.raises(ValidationError) as wrong_name:
        services.sign_in_child(code=school_class.code, display_name="Nobody", picture_keys=PICTURES)
    assert wrong_pictures.value.messages == wrong_name.value.messages


def test_five_wrong_tries_lock_until_the_teacher_gives_new_pictures(personas, school_class, child):
    for _ in range(services.SIGNIN_FAILURE_LIMIT):
        with pytest.raises(ValidationError):
            services.sign_in_child(
                code=school_class.code, display_name="Minji", picture_keys=["sun", "cat", "tree"]
            )
    with pytest.raises(ValidationError) as error:
        services.sign_in_child(code=school_class.code, display_name="Minji", picture_keys=PICTURES)
    assert "Too many tries" in str(error.value)
    keys = services.reset_pictures(by=personas.teacher, member=child)
    assert len(set(keys)) == 3
    user = services.sign_in_child(code=school_class.code, display_name="Minji", picture_keys=keys)
    assert user == child.user


def test_teacher_resets_pictures_and_sees_them_once(personas, school_class, child):
    client = client_for(personas.teacher)
    response = client.post(f"/classes/{school_class.pk}/children/{child.pk}/pictures/")
    text = response.content.decode()
    assert "New pictures for Minji" in text
    shown = re.findall(r'<li><img src="[^"]+/pictures/(\w+)\.svg"', text)
    assert len(shown) == 3
    assert (
        services.sign_in_child(code=school_class.code, display_name="Minji", picture_keys=shown)
        == child.user
    )
    assert "shown only once" not in client.get(f"/classes/{school_class.pk}/").content.decode()


def test_child_joins_and_signs_in_through_the_pages(school_class):
    client = client_for(None)
    step1 = client.post("/classes/join/", {"code": school_class.code.lower()})
    text = step1.content.decode()
    assert "Class: Class 3B" in text
    for key in ("sun", "moon", "tree"):
        assert f'id="picture-{key}"' in text and f'for="picture-{key}"' in text
    step2 = client.post(
        "/classes/join/",
        {"code": school_class.code, "display_name": "Jun", "pictures": ["moon", "tree", "fish"]},
    )
    assert step2.status_code == 302 and step2.url == "/classes/me/"
    page = client.get("/classes/me/").content.decode()
    assert "Hello, Jun!" in page
    assert "Your answers are not saved" in page
    assert client.session.get_expire_at_browser_close()

    other = client_for(None)
    bad = other.post(
        "/classes/signin/",
        {"code": school_class.code, "display_name": "Jun", "pictures": ["moon", "tree", "sun"]},
    )
    assert bad.status_code == 422
    assert "The name or the pictures are not right" in bad.content.decode()
    good = other.post(
        "/classes/signin/",
        {"code": school_class.code, "display_name": "jun", "pictures": ["fish", "moon", "tree"]},
    )
    assert good.status_code == 302
    assert other.get("/classes/me/").status_code == 200


def test_join_and_sign_in_are_rate_limited(school_class, fresh_limits):
    client = client_for(None)
    for _ in range(3):
        assert client.post("/classes/signin/", {"code": "WRONG22"}).status_code == 422
    response = client.post("/classes/signin/", {"code": school_class.code})
    assert response.status_code == 429
    assert response["Retry-After"]


def test_another_teacher_gets_404_like_a_missing_class(personas, school_class, child):
    other = make_user("other.teacher", "teacher")
    client = client_for(other)
    pk = school_class.pk
    missing = pk + 1000
    for suffix in ("", "progress.csv"):
        assert_same_not_found(client, f"/classes/{pk}/{suffix}", f"/classes/{missing}/{suffix}")
    assert_same_not_found(
        client,
        f"/classes/{pk}/children/{child.pk}/pictures/",
        f"/classes/{missing}/children/{child.pk}/pictures/",
        method="post",
    )
    assert "Class 3B" not in client.get("/classes/").content.decode()
    # Not even a platform admin reads a teacher's class.
    assert client_for(personas.platform_admin).get(f"/classes/{pk}/").status_code == 404
    # A child of one class is not reachable through another teacher's class.
    own = make_class(other, school_class.courses.get())
    assert client.post(f"/classes/{own.pk}/children/{child.pk}/pictures/").status_code == 404
    assert ClassMember.objects.get(pk=child.pk).picture_hash == child.picture_hash


def test_teacher_removes_a_child_and_their_data(personas, school_class, child):
    client = client_for(personas.teacher)
    client.post(f"/classes/{school_class.pk}/children/{child.pk}/remove/")
    assert not ClassMember.objects.filter(pk=child.pk).exists()
    assert not User.objects.filter(pk=child.user_id).exists()


def test_a_childs_name_never_reaches_the_audit_log(personas, school_class):
    from ipcoop.people.models import AuditEvent

    member = join(school_class, name="Somchai Jaidee")
    assert member.user.display_name == "Somchai Jaidee"
    events = AuditEvent.objects.filter(object_id=str(member.user.pk))
    assert events.exists()
    assert not any("Somchai" in e.object_repr or "Somchai" in e.actor_name for e in events)
    page = client_for(personas.platform_admin).get("/account/audit/").text
    assert "Somchai" not in page


def test_a_child_gives_no_e_mail_and_has_no_api_tokens(school_class):
    member = join(school_class, name="Minji")
    client = client_for(member.user)
    profile = client.get("/account/profile/").text
    assert 'name="email"' not in profile
    assert 'name="display_name"' not in profile
    assert "Manage your API tokens" not in profile
    # No link to a page a child cannot open, in the footer of any page either.
    assert 'href="/account/tokens/"' not in profile
    assert 'href="/account/tokens/"' not in client.get("/academy/").text
    assert 'href="/account/tokens/"' in client_for(school_class.teacher).get("/academy/").text
    saved = client.post(
        "/account/profile/",
        {"preferred_language": "ko", "country": "KR", "time_zone": "Asia/Seoul", "email": "x@y.z"},
    )
    assert saved.status_code == 302
    member.user.refresh_from_db()
    assert (member.user.email, member.user.display_name) == ("", "Minji")
    assert member.user.preferred_language == "ko"
    assert client.get("/account/tokens/").status_code == 404
    api = client.post("/api/v1/me/tokens", {"name": "script"}, content_type="application/json")
    assert api.status_code == 422
    assert not member.user.api_tokens.exists()
