"""The shell every page shares: security headers, no inline code, accessibility, weight, health."""

import gzip
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client

from tests.conftest import client_for

PAGES = [
    "/",
    "/academy/",
    "/cooperation/",
    "/account/signin/",
    "/account/signup/",
    "/account/password/reset/",
    # The key pages of each part (empty of data here; pages with data are weighed in
    # their own tests, e.g. the lesson player and the practice matrix).
    "/practice/",
    "/updates/",
    "/search/?q=AI",
    "/meetings/",
    "/proposals/",
    "/projects/",
    "/projects/sdg/",
]
SIGNED_IN_PAGES = [
    "/account/profile/",
    "/account/tokens/",
    "/account/audit/",
    "/account/organisations/kr-kipo/members/",
    "/inbox/",
    "/inbox/preferences/",
    "/academy/me/",
    "/consultations/",
    "/statistics/",
    "/worksharing/",
    "/meetings/calendar/",
    "/meetings/find-a-time/",
    "/certificates/",
]


class PageScan(HTMLParser):
    """Collects what the accessibility and CSP checks need from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.inline_styles = 0
        self.event_handlers: list[str] = []
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.landmarks: set[str] = set()
        self.ids: set[str] = set()
        self.label_for: set[str] = set()
        self.inputs: list[str] = []
        self.html_lang = None
        self.skip_link = False
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if "style" in a:
            self.inline_styles += 1
        self.event_handlers += [k for k in a if k.startswith("on")]
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "script":
            if a.get("src"):
                self.scripts.append(a["src"])
            elif a.get("type") != "application/json":
                self._in_script = True
        if tag == "style":
            self.inline_styles += 1
        if tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a["href"])
        if tag in {"header", "nav", "main", "footer"}:
            self.landmarks.add(tag)
        if tag == "a" and a.get("href") == "#main" and "skip-link" in a.get("class", ""):
            self.skip_link = True
        if tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        if tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit"}:
            self.inputs.append(a.get("id", ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


def scan(html: str) -> PageScan:
    parser = PageScan()
    parser.feed(html)
    return parser


def pages_for(personas):
    yield from ((url, client_for(None)) for url in PAGES)
    yield from ((url, client_for(personas.kipo_admin)) for url in SIGNED_IN_PAGES)


def test_every_page_has_landmarks_skip_link_labels_and_no_inline_code(personas):
    for url, client in pages_for(personas):
        response = client.get(url)
        assert response.status_code == 200, url
        page = scan(response.text)
        assert page.landmarks == {"header", "nav", "main", "footer"}, url
        assert page.skip_link and "main" in page.ids, url
        assert page.html_lang == "en", url
        assert (page.inline_scripts, page.inline_styles, page.event_handlers) == (0, 0, []), url
        unlabelled = [i for i in page.inputs if i not in page.label_for]
        assert unlabelled == [], (url, unlabelled)


def test_csp_forbids_inline_code_and_third_party_hosts(db, client):
    csp = client.get("/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp


def test_security_headers(db, client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def _static_size(url: str) -> int:
    path = finders.find(url.removeprefix("/static/"))
    assert path, url
    return len(gzip.compress(Path(path).read_bytes()))


def test_every_page_with_its_css_and_js_is_under_100_kb_compressed(personas):
    for url, client in pages_for(personas):
        html = client.get(url).content
        page = scan(html.decode())
        assets = page.scripts + page.stylesheets
        assert all(a.startswith("/static/") for a in assets), (url, assets)
        total = len(gzip.compress(html)) + sum(_static_size(a) for a in assets)
        assert total < 100 * 1024, (url, total)


def test_htmx_is_served_from_the_platform(db, client):
    page = scan(client.get("/").text)
    assert any(re.search(r"/static/django_htmx/htmx-2(\.min)?\.js$", s) for s in page.scripts)


def test_home_page_speaks_to_learners_teachers_and_office_staff(db, client):
    text = client.get("/").text
    for heading in ["If you are a learner", "If you are a teacher", "If you work at an IP office"]:
        assert heading in text


def test_header_shows_sign_in_state(personas):
    assert "Sign in" in client_for(None).get("/").text
    signed_in = client_for(personas.kipo_examiner).get("/").text
    assert "kipo.examiner" in signed_in
    assert "Sign out" in signed_in


def test_admin_links_appear_only_for_office_admins(personas):
    admin_page = client_for(personas.kipo_admin).get("/").text
    assert "/account/organisations/kr-kipo/members/" in admin_page
    assert "/account/audit/" in admin_page
    examiner_page = client_for(personas.kipo_examiner).get("/").text
    assert "/account/audit/" not in examiner_page


def test_cooperation_page_lists_the_organisations_with_local_time(db, client, monkeypatch):
    fixed = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # a Wednesday
    monkeypatch.setattr("django.utils.timezone.now", lambda: fixed)
    text = client.get("/cooperation/").text
    assert 'Wed 12:00 <span class="sub">UTC+0900</span>' in text  # Seoul
    assert 'Wed 09:30 <span class="sub">UTC+0630</span>' in text  # Yangon
    assert 'Wed 10:00 <span class="sub">UTC+0700</span>' in text  # Bangkok, Phnom Penh
    assert "Korean Intellectual Property Office" in text
    assert "Department of Intellectual Property Rights, Cambodia" in text
    assert "Asia/Yangon" in text
    assert text.count("<tr>") == 15  # heading row and 14 organisations


def test_home_page_query_count_is_fixed(personas, django_assert_max_num_queries):
    client = client_for(personas.kipo_admin)
    # Session, user, roles, administered organisations, the inbox's unread count and
    # whether they are a child (the footer's link to API tokens); a reader's GET keeps
    # the roles and the class for their next requests (tests keep nothing).
    with django_assert_max_num_queries(6):
        client.get("/")


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_admin_sign_in_goes_through_the_platforms_sign_in(db, client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/account/signin/?next=/admin/"


def test_navigation_marks_the_current_pillar(db, client):
    def current(url):
        return re.findall(r'<a href="([^"]+)" aria-current="page"', client.get(url).text)

    assert current("/cooperation/") == ["/cooperation/"]
    assert current("/practice/") == ["/cooperation/"]
    assert current("/academy/") == ["/academy/"]
    assert current("/") == []


def test_a_form_sent_without_its_token_gets_a_page_that_says_what_to_do(db):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "ko"})
    response = client.post("/account/signin/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="ko"' in page
    english = Client(enforce_csrf_checks=True).post("/language/", {"language": "ko"})
    text = english.content.decode()
    assert "This form has expired" in text
    assert "Nothing was saved" in text and "reload the page" in text
