"""The interface in ten languages: Korean in full, the shell in Thai, Vietnamese and Indonesian."""

import pytest
from django.conf import settings
from django.test import Client

from ipcoop.people.models import User
from tests.conftest import client_for, make_user


def page(path: str, language: str) -> str:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return response.text


@pytest.mark.django_db
def test_korean_page_shows_korean_navigation_and_lang():
    html = page("/", "ko")
    assert '<html lang="ko"' in html
    for korean in ["아카데미", "협력", "로그인", "회원 가입", "본문으로 건너뛰기"]:
        assert korean in html
    assert ">Academy<" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["th", "vi", "id"])
def test_shell_is_translated_in_thai_vietnamese_and_indonesian(language):
    html = page("/", language)
    assert f'<html lang="{language}"' in html
    english = page("/", "en")
    # The home page's headline, the navigation and the sign-in link are all translated.
    for source in [
        "Korea–ASEAN IP Cooperation Platform",
        "Skip to main content",
        "If you are a learner",
        "Sign in",
    ]:
        assert source in english
        assert source not in html, (language, source)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["th", "vi", "id", "ko"])
def test_sign_in_and_sign_up_forms_are_translated(language):
    for path, source in [
        ("/account/signin/", "Forgot your password?"),
        ("/account/signup/", "Create a learner account"),
    ]:
        assert source not in page(path, language), (language, path)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["lo", "km", "my", "fil", "ms"])
def test_other_languages_are_accepted_and_fall_back_to_english_cleanly(language):
    html = page("/", language)
    assert f'<html lang="{language}"' in html
    # Untranslated sentences stay readable English, never empty or marked up.
    assert "If you are a teacher" in html
    assert "%(" not in html
    assert "{{" not in html


@pytest.mark.django_db
def test_browser_language_is_used_when_there_is_no_choice_yet():
    html = Client().get("/", HTTP_ACCEPT_LANGUAGE="vi-VN,vi;q=0.9").text
    assert '<html lang="vi"' in html


@pytest.mark.django_db
def test_switching_language_sets_the_cookie_and_returns_to_the_page(client):
    response = client.post("/language/", {"language": "ko", "next": "/cooperation/"})
    assert response.status_code == 302
    assert response["Location"] == "/cooperation/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    assert "협력" in client.get("/cooperation/").text


def test_switching_language_signed_in_is_remembered_in_the_profile(db):
    user = make_user("somchai")
    client = client_for(user)
    client.post("/language/", {"language": "th", "next": "/"})
    assert User.objects.get(pk=user.pk).preferred_language == "th"


def test_unknown_language_is_ignored(db):
    user = make_user("somchai")
    client = client_for(user)
    client.post("/language/", {"language": "xx", "next": "/"})
    assert User.objects.get(pk=user.pk).preferred_language == "en"


def test_times_are_shown_in_the_users_time_zone(personas):
    from ipcoop.people import services
    from ipcoop.people.models import AuditAction

    personas.kipo_admin.time_zone = "Asia/Seoul"
    personas.kipo_admin.save()
    event = services.record_event(action=AuditAction.SIGN_IN, actor=personas.kipo_examiner)
    from zoneinfo import ZoneInfo

    seoul = event.created_at.astimezone(ZoneInfo("Asia/Seoul")).strftime("%Y-%m-%d %H:%M:%S")
    assert seoul in client_for(personas.kipo_admin).get("/account/audit/").text


def untranslated(language: str) -> list[str]:
    """msgids of the platform's catalogue for ``language`` that have no translation."""
    from pathlib import Path

    po = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
    missing, msgid, strings, key = [], None, {}, None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgid_plural ", "msgstr")):
            key, _, value = line.partition(" ")
            strings[key] = value.strip()[1:-1]
        elif line.startswith('"') and key:
            strings[key] += line.strip()[1:-1]
        elif not line.strip() and strings:
            msgid = strings.get("msgid", "")
            translations = [v for k, v in strings.items() if k.startswith("msgstr")]
            if msgid and not all(translations):
                missing.append(msgid)
            strings, key = {}, None
    return missing


def test_every_interface_string_is_translated_into_korean():
    assert untranslated("ko") == []


# The shell: layout and navigation, home, sign-in, sign-up and profile pages, form parts.
SHELL_TEMPLATES = [
    "templates/base.html",
    "templates/includes/field.html",
    "templates/includes/form_errors.html",
    "templates/includes/pagination.html",
    "templates/people/signin.html",
    "templates/people/signup.html",
    "templates/people/profile.html",
    "web/templates/web/home.html",
]


def shell_strings() -> set[str]:
    """Every {% translate "…" %} string of the shell templates."""
    import re
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    found: set[str] = set()
    for name in SHELL_TEMPLATES:
        text = (root / name).read_text(encoding="utf-8")
        found |= set(re.findall(r"""{% translate ["']([^"']+)["'] %}""", text))
    return found


@pytest.mark.parametrize("language", ["th", "vi", "id"])
def test_the_shell_is_fully_translated(language):
    strings = shell_strings()
    assert len(strings) > 30
    assert sorted(strings & set(untranslated(language))) == []


def test_the_untranslated_check_sees_missing_entries():
    # The partial catalogues prove the check can fail.
    assert "If you are a teacher" in untranslated("lo")
