"""The key pages on a small phone (360 px) and on a desktop (1280 px), in English, Korean
and (the lessons) Thai, each opened by the person who uses it, saved as PNG files under
var/test-artifacts/screenshots/ (named page-language-width.png) for people to look at.

Each page must answer 200 in its language, show its main heading, not scroll sideways
at 360 px (a wide table scrolls inside its own box instead) and draw its Korean or Thai
text with a face that has the script's glyphs (no boxes).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.steps import header
from tests.conftest import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAV = {"en": ("Academy", "Cooperation", "Sign in"), "ko": ("아카데미", "협력", "로그인")}


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_home_page_screenshot(open_page, screenshot_dir: Path, language: str, width: int) -> None:
    page = open_page(width=width, height=800, language=language)
    page.set_default_navigation_timeout(30_000)  # the server's first page, on a busy machine
    page.goto("/")
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")

    expect(page.locator("html")).to_have_attribute("lang", language)
    academy, cooperation, sign_in = NAV[language]
    nav = header(page).locator("nav.main-nav")
    expect(nav.get_by_role("link", name=academy)).to_be_visible()
    expect(nav.get_by_role("link", name=cooperation)).to_be_visible()
    expect(header(page).get_by_role("link", name=sign_in)).to_be_visible()
    # The stylesheet is applied (served, and not refused by the CSP).
    header_colour = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    assert page.evaluate(header_colour) == "rgb(27, 31, 36)"
    assert page.evaluate("getComputedStyle(document.querySelector('.bar')).display") == "flex"

    path = screenshot_dir / f"home-{language}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width} px wide at {width} px"
    widest = page.evaluate(WIDEST_UNCLIPPED)
    assert widest["right"] <= width + 0.5, f"{widest['element']} reaches {widest['right']} px"


# The face each script must be drawn with (Debian's fonts-noto-core and fonts-noto-cjk),
# not boxes.
SCRIPT_FONTS = {
    "th": "Noto Sans Thai",
    "km": "Noto Sans Khmer",
    "lo": "Noto Sans Lao",
    "my": "Noto Sans Myanmar",
    "ko": "Noto Sans CJK",
}


def fonts_drawing(page, selector: str) -> set[str]:
    """The installed font families Chromium drew the first match of ``selector`` with."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    finally:
        cdp.detach()
    return {font["familyName"] for font in fonts if font["glyphCount"] > 0}


@pytest.mark.parametrize("language", ["th", "km", "lo", "my"])
def test_scripts_without_spaces_render_with_their_own_font(
    open_page, screenshot_dir: Path, language: str
) -> None:
    page = open_page(width=360, height=800, language=language)
    page.goto("/")
    page.evaluate("document.fonts.ready")
    expect(page.locator("html")).to_have_attribute("lang", language)
    label = page.locator("label[for=language-select]")
    assert label.inner_text() != "Language"  # translated into the script
    families = fonts_drawing(page, "label[for=language-select]")
    assert any(family.startswith(SCRIPT_FONTS[language]) for family in families), families
    path = screenshot_dir / f"home-{language}-360.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


# The right edge of the widest element the reader sees: elements inside a box that
# scrolls or clips sideways (a wide table in its .table-wrap) are left out, the box
# itself counts.
WIDEST_UNCLIPPED = """() => {
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  let widest = {right: 0, element: ''};
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.getClientRects().length || clipped(el)) continue;
    const right = el.getBoundingClientRect().right;
    if (right >= widest.right) {  // the innermost of those reaching furthest
      const classes = [...el.classList].map((name) => '.' + name).join('');
      widest = {right, element: el.tagName.toLowerCase() + classes};
    }
  }
  return widest;
}"""

# On failure: what sticks out, and the box (if any) that was expected to hold it.
STICKING_OUT = """(width) => [...document.body.querySelectorAll('*')]
  .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > width + 0.5)
  .slice(-6)
  .map((el) => {
    let up = el.parentElement;
    while (up && up !== document.body && getComputedStyle(up).overflowX === 'visible') {
      up = up.parentElement;
    }
    const name = (node) => node.tagName.toLowerCase()
      + [...node.classList].map((c) => '.' + c).join('');
    return name(el) + ' to ' + Math.round(el.getBoundingClientRect().right)
      + (up && up !== document.body ? ' in ' + name(up) : '');
  })"""

# The Korean or Thai text of the page that must not fall back to boxes: the main heading
# (every key page's heading is translated or is content in that language).
HEADING = "main h1"
HEADING_LANGUAGE = "document.querySelector('main h1').closest('[lang]').lang"
LANGUAGE_LABEL = "label[for=language-select]"


# ---------------------------------------------------------------------------------------
# The world of each page: built with the apps' own services, only what that page needs.


def import_curriculum(*slugs: str):
    """Import and publish courses of the starter curriculum (the real lessons)."""
    from ipcoop.academy.management.commands.seed_academy import CURRICULUM
    from ipcoop.academy.package import import_package, read_package

    courses = {}
    for slug in slugs:
        data, files = read_package((CURRICULUM / f"{slug}.json").read_bytes())
        courses[slug] = import_package(data, files=files, publish=True, review_note="test")
    return courses


CHILDREN = "ideas-are-treasures"
PROFESSIONALS = "ip-for-4ir-technologies"
ADULTS = "protecting-your-brand-in-asean-and-korea"
STUDENTS = "your-first-patent-trademark-copyright"


def _answer_some(learner, course, how_many: int) -> None:
    """Answer the first few single-choice and true/false questions, right then wrong."""
    from ipcoop.academy import services as academy

    questions = course.questions.filter(published=True, type__in=["single", "true_false"])
    for number, question in enumerate(questions.order_by("pk")[:how_many]):
        right = number % 3 != 2
        if question.type == "single":
            choice = next(i for i, c in enumerate(question.choices) if bool(c["correct"]) == right)
            given = {"choice": choice}
        else:
            given = {"value": question.answer if right else not question.answer}
        academy.record_attempt(
            learner=learner, question=question, answer=given, idempotency_key=uuid.uuid4()
        )


def _school_class(children: int):
    """A teacher's class of Korean children in the children's course, one consented."""
    from ipcoop.academy import services as academy
    from ipcoop.classes import services as classes
    from ipcoop.classes.models import ClassMember

    course = import_curriculum(CHILDREN)[CHILDREN]
    teacher = make_user("s.teacher", "teacher", display_name="Ms Kim")
    school_class = classes.create_class(
        by=teacher,
        name="Class 3B",
        audience="children",
        country="KR",
        age_min=8,
        age_max=10,
        courses=[course],
    )
    names = ["Minji", "Seo-yeon", "Joon", "Hana", "Tae-yang"][:children]
    kids = []
    for number, name in enumerate(names):
        pictures = [["sun", "cat", "boat"], ["tree", "fish", "star"]][number % 2]
        child = classes.join_class(code=school_class.code, display_name=name, picture_keys=pictures)
        kids.append(child)
    today = timezone.localdate()
    first = ClassMember.objects.get(user=kids[0])
    classes.record_consent(
        by=teacher, member=first, method="signed_form", given_on=today, reference="Form 12"
    )
    lessons = academy.published_lessons(course)
    classes.assign_lesson(
        by=teacher, school_class=school_class, lesson=lessons[0], due_on=today + timedelta(7)
    )
    academy.start_lesson(learner=kids[0], lesson=lessons[0])
    _answer_some(kids[0], course, 3)
    return teacher, school_class, kids[0], course, lessons


def _signin():
    return None, "/account/signin/"


def _catalogue():
    import_curriculum(CHILDREN, PROFESSIONALS, ADULTS, STUDENTS)
    return make_user("s.learner", "learner", display_name="Ana Santos"), "/academy/"


def _children_lesson():
    _teacher, _class, child, course, lessons = _school_class(children=1)
    return child, f"/academy/{course.slug}/{lessons[0].slug}/"


def _adult_lesson():
    from ipcoop.academy import services as academy

    course = import_curriculum(PROFESSIONALS)[PROFESSIONALS]
    lesson = academy.published_lessons(course)[0]
    return make_user("s.learner", "learner", display_name="Ana Santos"), (
        f"/academy/{course.slug}/{lesson.slug}/"
    )


def _dashboard():
    from ipcoop.academy import learning
    from ipcoop.academy import services as academy

    courses = import_curriculum(PROFESSIONALS, ADULTS)
    learner = make_user("s.learner", "learner", display_name="Ana Santos")
    for number, course in enumerate(courses.values()):
        lessons = academy.published_lessons(course)
        academy.complete_lesson(learner=learner, lesson=lessons[0])
        academy.start_lesson(learner=learner, lesson=lessons[1])
        _answer_some(learner, course, 4 + number)
    learning.sync_reviews(learner=learner)
    return learner, "/academy/me/"


def _practice_matrix():
    return make_user("s.examiner", "examiner", "kr-kipo"), "/practice/"


def _family():
    from ipcoop.worksharing.demo import seed_demo
    from ipcoop.worksharing.models import Application

    seed_demo(families=4, seed=42)
    biggest = (
        Application.objects.values("family_id")
        .annotate(members=Count("id"))
        .order_by("-members", "family_id")
        .first()
    )
    examiner = make_user("s.examiner", "examiner", "kr-kipo")
    return examiner, f"/worksharing/families/{biggest['family_id']}/"


def _policy_officer():
    # The demo data of meetings is written by the demo KIPO policy officer.
    return make_user("kr.policy", "policy_officer", "kr-kipo", display_name="KIPO policy officer")


def _projects():
    from ipcoop.proposals.demo import seed_cooperation_demo

    officer = _policy_officer()
    seed_cooperation_demo()
    return officer, "/projects/"


def _proposal():
    from ipcoop.proposals.demo import OPEN_TITLE, seed_cooperation_demo
    from ipcoop.proposals.models import Proposal

    officer = _policy_officer()
    seed_cooperation_demo()
    return officer, f"/proposals/{Proposal.objects.get(title=OPEN_TITLE).pk}/"


def _meeting():
    from ipcoop.meetings.demo import seed_meetings_demo
    from ipcoop.meetings.models import Meeting

    officer = _policy_officer()
    seed_meetings_demo()
    upcoming = Meeting.objects.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
    return officer, f"/meetings/{upcoming.pk}/"


def _search():
    import_curriculum(STUDENTS)
    return make_user("s.examiner", "examiner", "kr-kipo"), "/search/?q=patent"


def _verify():
    from ipcoop.academy.package import import_package
    from ipcoop.credentials import services as credentials
    from tests.credentials.conftest import complete_course, course_package

    course = import_package(course_package("copyright-basics"), publish=True, review_note="test")
    learner = make_user("s.graduate", "learner", display_name="Nguyễn Thị Lan")
    complete_course(learner, course)
    certificate = credentials.issue_certificate(learner=learner, course=course, language="en")
    return None, f"/verify/{certificate.code}"


def _teacher_class():
    teacher, school_class, *_rest = _school_class(children=4)
    return teacher, f"/classes/{school_class.pk}/"


# name: (builds the world and says who opens which address, languages); the home page
# has its own test above.
KEY_PAGES: dict[str, tuple[Callable[[], tuple], tuple[str, ...]]] = {
    "signin": (_signin, ("en", "ko")),
    "catalogue": (_catalogue, ("en", "ko")),
    "lesson-children": (_children_lesson, ("en", "ko", "th")),
    "lesson-professionals": (_adult_lesson, ("en", "ko", "th")),
    "dashboard": (_dashboard, ("en", "ko")),
    "practice-matrix": (_practice_matrix, ("en", "ko")),
    "worksharing-family": (_family, ("en", "ko")),
    "projects": (_projects, ("en", "ko")),
    "search": (_search, ("en", "ko")),
    "meeting": (_meeting, ("en", "ko")),
    "proposal": (_proposal, ("en", "ko")),
    "verify": (_verify, ("en", "ko")),
    "teacher-class": (_teacher_class, ("en", "ko")),
}
CASES = [
    pytest.param(name, language, id=f"{name}-{language}")
    for name, (_build, languages) in KEY_PAGES.items()
    for language in languages
]


@pytest.fixture
def signing_key(settings):
    settings.IPCOOP_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()


def session_cookie(user, url: str) -> dict:
    """The session cookie of ``user`` signed in (as the sign-in form would leave it)."""
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": url}


@pytest.mark.parametrize(("name", "language"), CASES)
def test_key_page_screenshots(
    open_page, live_server, screenshot_dir: Path, signing_key, name: str, language: str
) -> None:
    build, _languages = KEY_PAGES[name]
    user, path = build()
    problems = []
    for width in (360, 1280):
        page = open_page(width=width, height=800, language=language)
        page.set_default_navigation_timeout(30_000)
        if user is not None:
            page.context.add_cookies([session_cookie(user, live_server.url)])
        response = page.goto(path)
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready")
        shot = screenshot_dir / f"{name}-{language}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)

        assert response is not None and response.status == 200, (path, response and response.status)
        assert page.url.endswith(path), f"{path} sent the reader to {page.url}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator(HEADING).first).to_be_visible()
        if language in SCRIPT_FONTS:
            # A course not written in the language shows its English text (marked so):
            # then the translated interface is looked at instead.
            in_language = page.evaluate(HEADING_LANGUAGE) == language
            families = fonts_drawing(page, HEADING if in_language else LANGUAGE_LABEL)
            if not any(family.startswith(SCRIPT_FONTS[language]) for family in families):
                problems.append(f"{shot.name}: heading drawn with {sorted(families)}")
        if width == 360:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            widest = page.evaluate(WIDEST_UNCLIPPED)
            if scroll_width > width or widest["right"] > width + 0.5:
                problems.append(
                    f"{shot.name}: scrolls sideways ({scroll_width} px wide; "
                    f"{widest['element']} reaches {widest['right']:.0f} px; "
                    f"{page.evaluate(STICKING_OUT, width)})"
                )
    assert not problems, "\n".join(problems)
