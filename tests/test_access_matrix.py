"""The access matrix: every route of the platform, tried by every persona.

Routes come from the URL resolver and API operations from the OpenAPI document, so a
new route or operation without an entry in the tables below fails
``test_every_route_has_an_entry`` / ``test_every_api_operation_has_an_entry`` until
someone states who may reach it. The world (tests/access_matrix_world.py) holds one
object of every kind, owned by KIPO and kept from the public. Hidden objects must
answer exactly like missing ones, and no page may show a hidden object's title to
someone who may not read it. Each test lists every mismatch at once.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse

from ipcoop.api import api
from tests.access_matrix_world import PERSONAS, SIGNING_KEY, World, build_world
from tests.conftest import without_csrf

# Outcomes of a GET.
OK = "200"
SIGNIN = "signin"  # 302 to the sign-in page
FORBIDDEN = "403"
HIDDEN = "hidden"  # 404, same body as a missing object (or page)
GONE = "404"  # 404 that cannot be compared with a missing object
NOT_ALLOWED = "405"
REDIRECT = "302"  # 302 somewhere other than the sign-in page

# Persona groups.
SIGNED_IN_PERSONAS = PERSONAS[1:]
KIPO_STAFF = ("kipo_examiner", "kipo_policy", "kipo_admin")
KIPO_SPEAKERS = ("kipo_policy", "kipo_admin")
KIPO_WRITERS = ("kipo_examiner", "kipo_admin")  # work-sharing: examiners and office admins
IPOS_STAFF = ("ipos_examiner", "ipos_policy")
POLICY_OFFICERS = ("kipo_policy", "ipos_policy")
SPEAKERS = ("kipo_policy", "kipo_admin", "ipos_policy")
OFFICE_STAFF = KIPO_STAFF + IPOS_STAFF
TEACHERS = ("teacher", "other_teacher")


def rule(allowed=(), ok=OK, others=HIDDEN, anonymous=SIGNIN, **special) -> dict[str, str]:
    """Outcome per persona: ``ok`` for the allowed ones, ``others`` for the rest, with the
    anonymous visitor's and any persona's own outcome given separately."""
    outcome = {p: (ok if p in allowed else others) for p in PERSONAS}
    outcome["anonymous"] = anonymous
    outcome.update(special)
    return outcome


PUBLIC = rule(PERSONAS, anonymous=OK)
SIGNED_IN = rule(SIGNED_IN_PERSONAS)
POST_ONLY = rule(others=NOT_ALLOWED, anonymous=NOT_ALLOWED)
POST_ONLY_SIGNED_IN = rule(others=NOT_ALLOWED)
ANONYMOUS_ONLY = rule(others=REDIRECT, anonymous=OK)  # sign-up: signed-in people are sent on
KIPO_STAFF_ONLY = rule(KIPO_STAFF)  # pages behind sign-in
KIPO_STAFF_HIDDEN = rule(KIPO_STAFF, anonymous=HIDDEN)  # shown to visitors when public
KIPO_AND_IPOS_STAFF = rule(KIPO_STAFF + IPOS_STAFF)
OFFICE_READERS = rule(OFFICE_STAFF)  # work-sharing readers: IP office staff
EDUCATOR = rule(["educator"])
TEACHER_OF_CLASS = rule(["teacher"])
CERTIFICATE_HOLDER = rule(["adult"])

# Route name -> (arguments from world.ids, outcome per persona).
# An argument "=x" is the literal x, "?" the query string; any other value names an id
# in the world (replaced by a missing one to compare 404s).
# Extra probes (hidden variants of the same route) sit in PROBES below.
ROUTES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "healthz": ({}, PUBLIC),
    # Shell
    "web:home": ({}, PUBLIC),
    "web:cooperation": ({}, PUBLIC),
    "web:set_language": ({}, POST_ONLY),
    # Certificates: the verification page is public by its code; the PDF and the JSON
    # download are the holder's; educators list and revoke.
    "credentials:verify": ({"code": "certificate_code"}, PUBLIC),
    "credentials:issuer": ({}, PUBLIC),
    "credentials:mine": ({}, SIGNED_IN),
    "credentials:issued": ({}, EDUCATOR),
    "credentials:claim": (
        {"slug": "course_slug"},
        rule(SIGNED_IN_PERSONAS, adult=REDIRECT),  # the holder is sent to the certificate
    ),
    "credentials:pdf": ({"code": "certificate_code"}, CERTIFICATE_HOLDER),
    "credentials:json": ({"code": "certificate_code"}, CERTIFICATE_HOLDER),
    "credentials:revoke": ({"code": "certificate_code"}, EDUCATOR),
    # Accounts
    "people:signin": ({}, PUBLIC),
    "people:signout": ({}, POST_ONLY),
    "people:signin_code": ({}, rule(others=SIGNIN)),  # only after a password step
    "people:two_factor": ({}, SIGNED_IN),
    "people:disable_two_factor": ({}, POST_ONLY_SIGNED_IN),
    "people:new_recovery_codes": ({}, POST_ONLY_SIGNED_IN),
    "people:signup": ({}, ANONYMOUS_ONLY),
    "people:profile": ({}, SIGNED_IN),
    # Children in a class have no API tokens.
    "people:tokens": ({}, rule(tuple(p for p in SIGNED_IN_PERSONAS if p != "child"))),
    "people:revoke_token": ({"pk": "token_id"}, POST_ONLY_SIGNED_IN),
    "people:audit_log": ({}, rule(["kipo_admin", "platform_admin"])),
    "people:members": ({"slug": "org_slug"}, rule(["kipo_admin", "platform_admin"])),
    "people:revoke_membership": (
        {"slug": "org_slug", "pk": "membership_id"},
        POST_ONLY_SIGNED_IN,
    ),
    "people:password_reset": ({}, PUBLIC),
    "people:password_reset_done": ({}, PUBLIC),
    "people:password_reset_confirm": ({"uidb64": "uidb64", "token": "reset_token"}, PUBLIC),
    "people:password_reset_complete": ({}, PUBLIC),
    # Examination practice: questions are public; KIPO's position is shared with
    # offices (every cooperating organisation's staff and platform admins).
    "practice:matrix": ({}, PUBLIC),
    "practice:matrix_csv": ({}, PUBLIC),
    "practice:matrix_print": ({}, PUBLIC),
    "practice:question_create": ({}, rule([*POLICY_OFFICERS, "platform_admin"])),
    "practice:question": ({"slug": "practice_slug"}, PUBLIC),
    "practice:edit": ({"slug": "practice_slug", "office_slug": "office_slug"}, rule(KIPO_SPEAKERS)),
    "practice:history": (
        {"slug": "practice_slug", "office_slug": "office_slug"},
        rule([*OFFICE_STAFF, "educator", "platform_admin"], anonymous=HIDDEN),
    ),
    # Policy updates: KIPO's update is for its own staff.
    "updates:feed": ({}, PUBLIC),
    "updates:atom": ({}, PUBLIC),
    "updates:atom_private": ({"secret": "feed_secret"}, PUBLIC),  # the secret is the key
    "updates:feed_token": ({}, SIGNED_IN),
    "updates:mark_all_read": ({}, POST_ONLY_SIGNED_IN),
    "updates:create": ({}, rule(SPEAKERS)),
    "updates:detail": ({"pk": "update_id"}, KIPO_STAFF_HIDDEN),
    "updates:edit": ({"pk": "update_id"}, rule(KIPO_SPEAKERS)),
    "updates:attachment": (
        {"pk": "update_id", "attachment_pk": "update_attachment_id"},
        KIPO_STAFF_HIDDEN,
    ),
    # Consultations: KIPO asks IPOS; the Academy and platform admins take no part.
    "consultations:list": ({}, SIGNED_IN),
    "consultations:ask": ({}, rule(SPEAKERS, others=FORBIDDEN)),
    "consultations:detail": ({"pk": "consultation_id"}, KIPO_AND_IPOS_STAFF),
    "consultations:mark_useful": (
        {"pk": "consultation_id", "reply_pk": "reply_id"},
        POST_ONLY_SIGNED_IN,
    ),
    "consultations:close": ({"pk": "consultation_id"}, POST_ONLY_SIGNED_IN),
    "consultations:remind": ({"pk": "consultation_id"}, POST_ONLY_SIGNED_IN),
    # Statistics
    "statistics:overview": ({}, PUBLIC),
    "statistics:export": ({}, PUBLIC),
    "statistics:template": ({}, PUBLIC),
    "statistics:office": ({"slug": "office_slug"}, PUBLIC),
    "statistics:enter": ({"slug": "office_slug"}, rule(KIPO_SPEAKERS)),
    "statistics:import": ({"slug": "office_slug"}, rule(KIPO_SPEAKERS)),
    "search:results": ({"?": "q=zqx01"}, PUBLIC),  # results hold no hidden item
    # Work-sharing: KIPO's application is kept to its own office; it asked IPOS.
    "worksharing:lookup": ({}, OFFICE_READERS),
    "worksharing:application": ({"pk": "application_id"}, KIPO_STAFF_ONLY),
    "worksharing:add_work_product": ({"pk": "application_id"}, rule(KIPO_WRITERS)),
    "worksharing:watch": ({"pk": "application_id"}, POST_ONLY_SIGNED_IN),
    "worksharing:make_request": ({"pk": "application_id"}, rule(KIPO_WRITERS)),
    "worksharing:family": ({"family_id": "family_id"}, KIPO_STAFF_ONLY),
    "worksharing:requests": ({}, OFFICE_READERS),
    "worksharing:request": ({"pk": "share_request_id"}, KIPO_AND_IPOS_STAFF),
    "worksharing:alerts": ({}, rule(OFFICE_STAFF, ok=REDIRECT)),  # moved to the inbox
    "worksharing:document": ({"pk": "document_id"}, KIPO_STAFF_ONLY),
    "worksharing:import": ({}, rule([*KIPO_WRITERS, "ipos_examiner"])),
    # Learning analytics: educators, platform admins, speakers of IP offices.
    "analytics:overview": ({}, rule(["educator", *SPEAKERS, "platform_admin"])),
    "analytics:export": ({}, rule(["educator", *SPEAKERS, "platform_admin"])),
    # Academy: the published course is public (first lesson open to visitors); the
    # draft course is seen by educators only.
    "academy:catalogue": ({}, PUBLIC),
    "academy:dashboard": ({}, SIGNED_IN),
    "academy:reviews": ({}, SIGNED_IN),
    "academy:review_answer": ({"question_id": "review_question_id"}, POST_ONLY),
    "academy:author": ({}, EDUCATOR),
    "academy:author_import": ({}, EDUCATOR),
    "academy:author_objectives": ({}, EDUCATOR),
    "academy:author_course_new": ({}, EDUCATOR),
    "academy:author_course": ({"slug": "draft_slug"}, EDUCATOR),
    "academy:author_export": ({"slug": "draft_slug", "kind": "=json"}, EDUCATOR),
    "academy:author_course_workflow": (
        {"slug": "draft_slug", "action": "=submit"},
        rule(["educator"], ok=NOT_ALLOWED),
    ),
    "academy:author_unit_new": ({"slug": "draft_slug"}, EDUCATOR),
    "academy:author_unit": ({"slug": "draft_slug", "unit_id": "draft_unit_id"}, EDUCATOR),
    "academy:author_lesson_new": (
        {"slug": "draft_slug", "unit_id": "draft_unit_id"},
        EDUCATOR,
    ),
    "academy:author_lesson": ({"slug": "draft_slug", "lesson_id": "draft_lesson_id"}, EDUCATOR),
    "academy:author_preview": (
        {"slug": "draft_slug", "lesson_id": "draft_lesson_id"},
        EDUCATOR,
    ),
    "academy:author_question_new": (
        {"slug": "draft_slug", "lesson_id": "draft_lesson_id"},
        EDUCATOR,
    ),
    "academy:author_question": (
        {"slug": "draft_slug", "lesson_id": "draft_lesson_id", "question_id": "draft_question_id"},
        EDUCATOR,
    ),
    "academy:author_question_delete": (
        {"slug": "draft_slug", "lesson_id": "draft_lesson_id", "question_id": "draft_question_id"},
        rule(["educator"], ok=NOT_ALLOWED),
    ),
    "academy:author_lesson_workflow": (
        {"slug": "draft_slug", "lesson_id": "draft_lesson_id", "action": "=submit"},
        rule(["educator"], ok=NOT_ALLOWED),
    ),
    "academy:course": ({"slug": "course_slug"}, PUBLIC),
    "academy:course_file": ({"slug": "course_slug", "name": "file_name"}, PUBLIC),
    "academy:placement": ({"slug": "course_slug"}, SIGNED_IN),
    "academy:placement_answer": ({"slug": "course_slug"}, POST_ONLY),
    "academy:placement_finish": ({"slug": "course_slug"}, POST_ONLY),
    "academy:lesson": ({"slug": "course_slug", "lesson_slug": "lesson_slug"}, PUBLIC),
    "academy:complete": ({"slug": "course_slug", "lesson_slug": "lesson_slug"}, POST_ONLY),
    "academy:answer": (
        {"slug": "course_slug", "lesson_slug": "lesson_slug", "question_id": "question_id"},
        POST_ONLY,
    ),
    # Classes: the teacher's class with a consented child.
    "classes:list": ({}, rule(TEACHERS, others=FORBIDDEN, child=REDIRECT)),
    "classes:create": ({}, rule(TEACHERS, others=FORBIDDEN)),
    "classes:join": ({}, PUBLIC),
    "classes:signin": ({}, PUBLIC),
    "classes:me": ({}, rule(["child"])),
    "classes:aggregates": ({}, EDUCATOR),
    "classes:detail": ({"pk": "class_id"}, TEACHER_OF_CLASS),
    "classes:csv": ({"pk": "class_id"}, TEACHER_OF_CLASS),
    "classes:assign": ({"pk": "class_id"}, POST_ONLY),
    "classes:unassign": ({"pk": "class_id", "assignment_id": "assignment_id"}, POST_ONLY),
    "classes:reset": ({"pk": "class_id", "member_id": "member_id"}, POST_ONLY),
    "classes:consent": ({"pk": "class_id", "member_id": "member_id"}, POST_ONLY),
    "classes:age": ({"pk": "class_id", "member_id": "member_id"}, POST_ONLY),
    "classes:remove": ({"pk": "class_id", "member_id": "member_id"}, POST_ONLY),
    # Meetings: KIPO with IPD Myanmar, participants only.
    "meetings:list": ({}, PUBLIC),
    "meetings:create": ({}, rule(SPEAKERS, others=FORBIDDEN)),
    "meetings:find_time": ({}, SIGNED_IN),
    "meetings:poll_create": ({}, POST_ONLY_SIGNED_IN),
    "meetings:poll": ({"pk": "poll_id"}, KIPO_STAFF_ONLY),
    "meetings:poll_fix": ({"pk": "poll_id"}, POST_ONLY_SIGNED_IN),
    "meetings:series_list": ({}, PUBLIC),
    "meetings:series_create": ({}, rule(SPEAKERS, others=FORBIDDEN)),
    "meetings:series": ({"slug": "series_slug"}, PUBLIC),  # lists only visible meetings
    "meetings:calendar_token": ({}, SIGNED_IN),
    "meetings:calendar_feed": ({"secret": "calendar_secret"}, PUBLIC),  # the secret is the key
    "meetings:detail": ({"pk": "meeting_id"}, KIPO_STAFF_HIDDEN),
    "meetings:ics": ({"pk": "meeting_id"}, KIPO_STAFF_HIDDEN),
    "meetings:edit": ({"pk": "meeting_id"}, rule(KIPO_SPEAKERS, kipo_examiner=FORBIDDEN)),
    "meetings:cancel": ({"pk": "meeting_id"}, POST_ONLY_SIGNED_IN),
    "meetings:agenda_add": ({"pk": "meeting_id"}, POST_ONLY_SIGNED_IN),
    "meetings:agenda_remove": (
        {"pk": "meeting_id", "item_pk": "agenda_item_id"},
        POST_ONLY_SIGNED_IN,
    ),
    "meetings:attendance": ({"pk": "meeting_id"}, POST_ONLY_SIGNED_IN),
    "meetings:minutes": ({"pk": "meeting_id"}, rule(KIPO_SPEAKERS, kipo_examiner=FORBIDDEN)),
    "meetings:minutes_circulate": ({"pk": "meeting_id"}, POST_ONLY_SIGNED_IN),
    "meetings:minutes_approve": ({"pk": "meeting_id"}, POST_ONLY_SIGNED_IN),
    "meetings:minutes_comment": ({"pk": "meeting_id"}, POST_ONLY_SIGNED_IN),
    "meetings:decision_add": ({"pk": "meeting_id"}, POST_ONLY_SIGNED_IN),
    # Proposals: KIPO with IPD Myanmar, participants only (adopted); its project.
    "proposals:list": ({}, PUBLIC),
    "proposals:create": ({}, rule(SPEAKERS, others=FORBIDDEN)),
    "proposals:detail": ({"pk": "proposal_id"}, KIPO_STAFF_HIDDEN),
    "proposals:amend": (
        {"pk": "proposal_id"},
        # Decided proposals are not amended: the speakers are sent back to it.
        rule(KIPO_SPEAKERS, ok=REDIRECT, kipo_examiner=FORBIDDEN),
    ),
    "proposals:open": ({"pk": "proposal_id"}, POST_ONLY_SIGNED_IN),
    "proposals:withdraw": ({"pk": "proposal_id"}, POST_ONLY_SIGNED_IN),
    "proposals:endorse": ({"pk": "proposal_id"}, POST_ONLY_SIGNED_IN),
    "proposals:withdraw_objection": ({"pk": "proposal_id"}, POST_ONLY_SIGNED_IN),
    "proposals:comment": ({"pk": "proposal_id"}, POST_ONLY_SIGNED_IN),
    "proposals:version": ({"pk": "proposal_id", "number": "proposal_version"}, KIPO_STAFF_HIDDEN),
    "proposals:attachment": (
        {"pk": "proposal_id", "attachment_pk": "proposal_attachment_id"},
        KIPO_STAFF_HIDDEN,
    ),
    "projects:list": ({}, PUBLIC),
    "projects:sdg": ({}, PUBLIC),
    "projects:export_csv": ({}, PUBLIC),
    "projects:report": ({}, PUBLIC),
    "projects:create": (
        {"proposal_pk": "proposal2_id"},
        rule(KIPO_SPEAKERS, kipo_examiner=FORBIDDEN),
    ),
    "projects:detail": ({"pk": "project_id"}, KIPO_STAFF_HIDDEN),
    "projects:add_milestone": ({"pk": "project_id"}, POST_ONLY_SIGNED_IN),
    "projects:toggle_milestone": (
        {"pk": "project_id", "milestone_pk": "milestone_id"},
        POST_ONLY_SIGNED_IN,
    ),
    "projects:add_action": ({"pk": "project_id"}, POST_ONLY_SIGNED_IN),
    "projects:update_action": ({"pk": "project_id", "action_pk": "action_id"}, POST_ONLY_SIGNED_IN),
    "projects:add_report": ({"pk": "project_id"}, POST_ONLY_SIGNED_IN),
    # Inbox: KIPO's policy officer's item (opening it leads to its page).
    "notifications:inbox": ({}, SIGNED_IN),
    "notifications:read_all": ({}, POST_ONLY_SIGNED_IN),
    "notifications:preferences": ({}, SIGNED_IN),
    "notifications:open": ({"pk": "notification_id"}, rule(["kipo_policy"], ok=REDIRECT)),
    "notifications:read": ({"pk": "notification_id"}, POST_ONLY_SIGNED_IN),
}

# More tries of some routes: searches for each hidden item, a lookup of KIPO's own
# application number, the draft course behind learners' addresses.
PROBES: list[tuple[str, dict[str, str], dict[str, str]]] = [
    # The search finds each hidden item only for those who may read it.
    # (Queried in lower case: pages echo the query, titles keep their capitals.)
    *[("search:results", {"?": f"q=zqx{n:02}"}, PUBLIC) for n in range(2, 18)],
    # KIPO's own application number: KIPO is taken to the family, IPOS finds nothing.
    (
        "worksharing:lookup",
        {"?": "number=10-2024-0099999"},
        rule(KIPO_STAFF, ok=REDIRECT, ipos_examiner=OK, ipos_policy=OK),
    ),
    ("academy:course", {"slug": "draft_slug"}, rule(["educator"], anonymous=HIDDEN)),
    ("credentials:claim", {"slug": "draft_slug"}, rule(["educator"])),
]

# Titles of the world's hidden objects, and who may see each on any page.
SECRETS: dict[str, tuple[str, ...]] = {
    "ZQX01": KIPO_STAFF,  # the policy update
    "ZQX02": KIPO_STAFF + IPOS_STAFF,  # the consultation
    "ZQX03": KIPO_STAFF,  # the work-sharing application
    "ZQX04": KIPO_STAFF,  # the meeting
    "ZQX05": KIPO_STAFF,  # the slot poll
    "ZQX06": KIPO_STAFF,  # the proposal (and its project)
    "ZQX07": KIPO_STAFF,  # the second proposal
    "ZQX08": ("educator",),  # the draft course
    # The child's name: the child and their teacher only (the audit log names the
    # account by its generated username).
    "ZQX09": ("child", "teacher"),
    "ZQX10": ("kipo_policy",),  # the inbox item
    "ZQX11": ("teacher",),  # the consent's reference
    "ZQX12": KIPO_STAFF + IPOS_STAFF,  # IPOS's reply to the consultation
    "ZQX13": KIPO_STAFF,  # a comment on the proposal
    "ZQX14": KIPO_STAFF,  # the meeting's agenda item
    "ZQX15": KIPO_STAFF,  # the project's milestone
    "ZQX16": KIPO_STAFF,  # the project's action
    # The API token's name: its owner, and the audit log of KIPO's admin and the platform.
    "ZQX17": ("kipo_policy", "kipo_admin", "platform_admin"),
}
# Positive controls: the people who may read a hidden item do find it where it is
# listed, so the checks above are not passing on empty pages.
SHOWN: list[tuple[str, dict[str, str], str, str]] = [
    ("search:results", {"?": "q=zqx01"}, "kipo_examiner", "ZQX01"),
    ("search:results", {"?": "q=zqx02"}, "ipos_policy", "ZQX02"),
    ("updates:feed", {}, "kipo_examiner", "ZQX01"),
    ("consultations:list", {}, "ipos_examiner", "ZQX02"),
    ("worksharing:family", {"family_id": "family_id"}, "kipo_policy", "ZQX03"),
    ("meetings:list", {}, "kipo_examiner", "ZQX04"),
    ("meetings:series", {"slug": "series_slug"}, "kipo_examiner", "ZQX04"),
    ("meetings:poll", {"pk": "poll_id"}, "kipo_examiner", "ZQX05"),
    ("proposals:list", {}, "kipo_examiner", "ZQX06"),
    ("projects:list", {}, "kipo_examiner", "ZQX06"),
    ("proposals:list", {}, "kipo_examiner", "ZQX07"),
    ("academy:author", {}, "educator", "ZQX08"),
    ("classes:detail", {"pk": "class_id"}, "teacher", "ZQX09"),
    ("notifications:inbox", {}, "kipo_policy", "ZQX10"),
    ("classes:detail", {"pk": "class_id"}, "teacher", "ZQX11"),
    ("consultations:detail", {"pk": "consultation_id"}, "kipo_examiner", "ZQX12"),
    ("proposals:detail", {"pk": "proposal_id"}, "kipo_examiner", "ZQX13"),
    ("meetings:detail", {"pk": "meeting_id"}, "kipo_examiner", "ZQX14"),
    ("projects:detail", {"pk": "project_id"}, "kipo_examiner", "ZQX15"),
    ("projects:detail", {"pk": "project_id"}, "kipo_examiner", "ZQX16"),
    ("people:tokens", {}, "kipo_policy", "ZQX17"),
]
# Pages whose key is a secret in the address: they show their owner's items to
# whoever holds it.
CAPABILITY_ROUTES = {"updates:atom_private", "meetings:calendar_feed"}

MISSING_INT = 987_654
MISSING_STR = "no-such-thing-zq"


def _walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern)


def platform_routes() -> list[tuple[str, str]]:
    """Every named page route, except the admin, the API and the test-only app."""
    skipped = ("admin/", "api/", "test-notes/", "static/")
    return [(n, p) for n, p in _walk(get_resolver()) if not p.startswith(skipped)]


def url_of(world: World, name: str, args: dict[str, str], *, missing: bool = False) -> str:
    kwargs, query = {}, ""
    for key, ref in args.items():
        if key == "?":
            query = "?" + ref
            continue
        if ref.startswith("="):
            kwargs[key] = ref[1:]
            continue
        value = world.ids[ref]
        if missing:
            value = MISSING_INT if isinstance(value, int) else MISSING_STR
        kwargs[key] = value
    return reverse(name, kwargs=kwargs) + query


def outcome_of(response) -> str:
    if response.status_code == 302:
        return SIGNIN if response["Location"].startswith("/account/signin/") else REDIRECT
    return str(response.status_code)


def body_of(response, url: str) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return without_csrf(content).replace(url.encode(), b"URL")


@pytest.fixture
def world(db, tmp_path):
    with override_settings(
        MEDIA_ROOT=tmp_path / "media",
        IPCOOP_SIGNING_KEY=SIGNING_KEY,
        IPCOOP_BASE_URL="https://ipcoop.example.org",
    ):
        yield build_world()


def clients_for(world: World) -> dict[str, Client]:
    clients = {}
    for persona in PERSONAS:
        client = Client()
        if world.users[persona] is not None:
            client.force_login(world.users[persona])
        clients[persona] = client
    return clients


def test_every_route_has_an_entry():
    missing = [f"{name} ({pattern})" for name, pattern in platform_routes() if name not in ROUTES]
    stale = sorted(set(ROUTES) - {name for name, _ in platform_routes()})
    assert not missing, (
        "Add these routes to ROUTES in tests/test_access_matrix.py, saying what each "
        "persona gets: " + ", ".join(missing)
    )
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"
    stale = sorted((set(POST_OUTSIDERS) | set(POST_INSIDERS)) - set(ROUTES))
    assert not stale, f"POST_OUTSIDERS or POST_INSIDERS name unknown routes: {stale}"
    assert all(set(expected) == set(PERSONAS) for _, expected in ROUTES.values())


def _check_get(world, clients, name, args, expected, problems):
    url = url_of(world, name, args)
    for persona in PERSONAS:
        response = clients[persona].get(url)
        got = outcome_of(response)
        want = expected[persona]
        wanted_status = GONE if want == HIDDEN else want
        if got != wanted_status:
            problems.append(f"GET {url} as {persona}: expected {want}, got {got}")
            continue
        if want == HIDDEN and set(args) - {"?"}:
            other = url_of(world, name, args, missing=True)
            missing = clients[persona].get(other)
            if missing.status_code != 404 or body_of(response, url) != body_of(missing, other):
                problems.append(f"GET {url} as {persona}: the 404 differs from the one for {other}")
        if got == OK and name not in CAPABILITY_ROUTES:
            content = body_of(response, url).decode("utf-8", "replace")
            for secret, readers in SECRETS.items():
                if persona not in readers and secret in content:
                    problems.append(f"GET {url} as {persona}: shows {secret!r}")


def test_pages_answer_each_persona_as_the_table_says(world):
    clients = clients_for(world)
    problems: list[str] = []
    for name, _pattern in platform_routes():
        if name not in ROUTES:
            continue  # reported by test_every_route_has_an_entry
        args, expected = ROUTES[name]
        _check_get(world, clients, name, args, expected, problems)
    for name, args, expected in PROBES:
        _check_get(world, clients, name, args, expected, problems)
    for name, args, persona, secret in SHOWN:
        url = url_of(world, name, args)
        if secret not in clients[persona].get(url).content.decode():
            problems.append(f"GET {url} as {persona}: does not show {secret!r}")
    assert not problems, "\n".join(problems)


# POST-only routes: who must change nothing (besides the visitor). Pages with a GET
# take the personas their GET refuses.
NOT_KIPO = tuple(p for p in PERSONAS if p not in KIPO_STAFF)
OUTSIDERS_OF_CLASS = ("anonymous", "child", "adult", "other_teacher", "educator", "platform_admin")
NOT_EDUCATOR = tuple(p for p in PERSONAS if p != "educator")
POST_OUTSIDERS: dict[str, tuple[str, ...]] = {
    # Two-factor changes act on the caller's own account (and ask for the password).
    "people:disable_two_factor": ("anonymous",),
    "people:new_recovery_codes": ("anonymous",),
    "web:set_language": (),  # anyone chooses a language
    "people:signout": (),  # signing out is harmless to anyone
    "people:revoke_token": tuple(p for p in PERSONAS if p != "kipo_policy"),
    "people:revoke_membership": tuple(
        p for p in PERSONAS if p not in ("kipo_admin", "platform_admin")
    ),
    "consultations:mark_useful": (
        "anonymous",
        "adult",
        "educator",
        "platform_admin",
        "ipos_examiner",
    ),
    "consultations:close": ("anonymous", "adult", "educator", "platform_admin", *IPOS_STAFF),
    "consultations:remind": ("anonymous", "adult", "educator", "platform_admin", *IPOS_STAFF),
    "worksharing:watch": NOT_KIPO,
    "meetings:poll_fix": NOT_KIPO,
    "academy:author_course_workflow": NOT_EDUCATOR,
    "academy:author_question_delete": NOT_EDUCATOR,
    "academy:author_lesson_workflow": NOT_EDUCATOR,
    "notifications:read": tuple(p for p in PERSONAS if p != "kipo_policy"),
}
for _name in ("assign", "unassign", "reset", "consent", "age", "remove"):
    POST_OUTSIDERS[f"classes:{_name}"] = OUTSIDERS_OF_CLASS
for _name in (
    "cancel",
    "agenda_add",
    "agenda_remove",
    "attendance",
    "minutes_circulate",
    "minutes_approve",
    "minutes_comment",
    "decision_add",
):
    POST_OUTSIDERS[f"meetings:{_name}"] = NOT_KIPO
for _name in ("open", "withdraw", "endorse", "withdraw_objection", "comment"):
    POST_OUTSIDERS[f"proposals:{_name}"] = NOT_KIPO
for _name in ("add_milestone", "toggle_milestone", "add_action", "update_action", "add_report"):
    POST_OUTSIDERS[f"projects:{_name}"] = NOT_KIPO

REFUSED = {SIGNIN, FORBIDDEN, HIDDEN, GONE}

# Who may make each POST-only request: their request must get past the access check
# (whatever the form's fate), so the outsiders' refusals above come from access, not
# from the form. Tried in a rolled-back savepoint.
POST_INSIDERS: dict[str, str | None] = {
    "people:revoke_token": "kipo_policy",
    "people:revoke_membership": "kipo_admin",
    "consultations:mark_useful": "kipo_policy",
    "consultations:close": "kipo_policy",
    "consultations:remind": "kipo_policy",
    "worksharing:watch": "kipo_examiner",
    "meetings:poll_fix": "kipo_policy",
    "academy:author_course_workflow": "educator",
    "academy:author_question_delete": "educator",
    "academy:author_lesson_workflow": "educator",
    "notifications:read": "kipo_policy",
    "notifications:read_all": "kipo_policy",
    "updates:mark_all_read": "kipo_examiner",
    "meetings:poll_create": "kipo_policy",
    "academy:review_answer": "adult",
    "worksharing:request": "ipos_examiner",  # the office asked answers
    # The poll is answered by the participating offices' speakers (none is a persona);
    # the organiser's staff may not.
    "meetings:poll": None,
    "academy:placement_answer": "adult",
    "academy:placement_finish": "adult",
    "academy:complete": "adult",
    "academy:answer": "adult",
}
for _name in ("assign", "unassign", "reset", "consent", "age", "remove"):
    POST_INSIDERS[f"classes:{_name}"] = "teacher"
for _name in (
    "cancel",
    "agenda_add",
    "agenda_remove",
    "attendance",
    "minutes_circulate",
    "minutes_approve",
    "minutes_comment",
    "decision_add",
):
    POST_INSIDERS[f"meetings:{_name}"] = "kipo_policy"
for _name in ("open", "withdraw", "comment"):
    POST_INSIDERS[f"proposals:{_name}"] = "kipo_policy"
for _name in ("add_milestone", "toggle_milestone", "add_action", "update_action", "add_report"):
    POST_INSIDERS[f"projects:{_name}"] = "kipo_policy"


def form_data(world: World) -> dict[str, object]:
    """A form plausible for most of the platform's POSTs, so that a refusal is not just
    a missing field."""
    today = "2030-01-15"
    kipo = world.objects["kipo"].pk
    return {
        "title": "Changed",
        "body": "Changed",
        "text": "Changed",
        "name": "Changed",
        "summary": "Changed",
        "reason": "Changed",
        "note": "Changed",
        "message": "Changed",
        "position": "support",
        "done": "1",
        "percent_done": "50",
        "status": "done",
        "due_on": today,
        "due_date": today,
        "date": today,
        "given_on": today,
        "lesson": world.ids["draft_lesson_id"],
        "office": kipo,
        "to_office": kipo,
        "method": "signed_form",
        "at_or_over": "1",
        "confirm": "1",
        "answer": "yes",
        "choice": "0",
        "value": "true",
        "kind": "search_report",
        "attended": [kipo],
        "offices": [kipo],
        "duration_minutes": "15",
        "slot": world.ids["slot_id"],
    }


def row_counts() -> dict[str, int]:
    """Rows of every table of the platform's own apps."""
    counts = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("ipcoop"):
            continue
        for model in config.get_models():
            if model._meta.label == "people.AuditEvent":
                continue  # refusals may be audited
            counts[model._meta.label] = model.objects.count()
    return counts


def test_unsafe_requests_of_outsiders_change_nothing(world):
    clients = clients_for(world)
    data = form_data(world)
    problems: list[str] = []
    for name, _pattern in platform_routes():
        if name not in ROUTES:
            continue
        args, expected = ROUTES[name]
        post_only = all(expected[p] == NOT_ALLOWED for p in SIGNED_IN_PERSONAS)
        if post_only:
            outsiders = POST_OUTSIDERS.get(name, ("anonymous",))
        else:
            outsiders = tuple(p for p in PERSONAS if expected[p] in REFUSED)
        if not outsiders:
            continue
        url = url_of(world, name, args)
        before = row_counts()
        for persona in outsiders:
            # Messages left by an earlier (rolled-back) request would show on either page.
            clients[persona].cookies.pop("messages", None)
            response = clients[persona].post(url, data)
            got = outcome_of(response)
            if got not in (SIGNIN, FORBIDDEN, GONE, NOT_ALLOWED):
                problems.append(f"POST {url} as {persona}: got {got}")
            if got == GONE and set(args) - {"?"}:
                other = url_of(world, name, args, missing=True)
                clients[persona].cookies.pop("messages", None)
                missing = clients[persona].post(other, data)
                if missing.status_code != 404 or body_of(response, url) != body_of(missing, other):
                    problems.append(f"POST {url} as {persona}: the 404 differs from {other}'s")
        after = row_counts()
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        if changed:
            problems.append(f"POST {url} by {outsiders} changed rows: {changed}")
        if name in POST_INSIDERS:
            insider = POST_INSIDERS[name]
        elif post_only:
            insider = None
        else:
            insider = next((p for p in SIGNED_IN_PERSONAS if expected[p] == OK), None)
        if insider is not None:
            with transaction.atomic():
                got = outcome_of(clients[insider].post(url, data))
                transaction.set_rollback(True)
            if got in (SIGNIN, FORBIDDEN, GONE, NOT_ALLOWED):
                problems.append(f"POST {url} as {insider} (who may): got {got}")
    assert not problems, "\n".join(problems)


def test_every_state_change_needs_the_csrf_token(world):
    """A POST without the CSRF token is refused with 403 on every page route, from a
    visitor and from someone who may make that change, and changes nothing."""
    data = form_data(world)
    clients = {}
    for persona in PERSONAS:
        clients[persona] = Client(enforce_csrf_checks=True)
        if world.users[persona] is not None:
            clients[persona].force_login(world.users[persona])
    problems: list[str] = []
    for name, _pattern in platform_routes():
        args, expected = ROUTES[name]
        insider = POST_INSIDERS.get(name) or next(
            (p for p in SIGNED_IN_PERSONAS if expected[p] == OK), "kipo_admin"
        )
        url = url_of(world, name, args)
        before = row_counts()
        for persona in ("anonymous", insider):
            response = clients[persona].post(url, data)
            if response.status_code != 403 or b'data-refusal="csrf"' not in response.content:
                problems.append(f"POST {url} as {persona} without a token: {response.status_code}")
        if row_counts() != before:
            problems.append(f"POST {url} without a token changed rows")
    assert not problems, "\n".join(problems)


# API operations: "METHOD path" -> (path parameters from world.ids, outcome per persona).
# 401 for a missing sign-in. Unsafe operations are tried by the visitor and an outsider.
API_UNAUTHORISED = "401"


def api_rule(allowed=(), ok=OK, others="404", anonymous=API_UNAUTHORISED, **special):
    return rule(allowed, ok=ok, others=others, anonymous=anonymous, **special)


API_PUBLIC = api_rule(PERSONAS, anonymous=OK)
API_SIGNED_IN = api_rule(SIGNED_IN_PERSONAS)
UNSAFE = None
API_OPERATIONS: dict[str, tuple[dict[str, str], dict[str, str] | None]] = {
    "GET /api/v1/offices": ({}, API_PUBLIC),
    "GET /api/v1/me": ({}, API_SIGNED_IN),
    "GET /api/v1/me/tokens": ({}, API_SIGNED_IN),
    "POST /api/v1/me/tokens": ({}, UNSAFE),
    "POST /api/v1/me/tokens/{token_id}/revoke": ({"token_id": "token_id"}, UNSAFE),
    "GET /api/v1/practice/questions": ({}, API_PUBLIC),
    "GET /api/v1/practice/matrix": ({}, API_PUBLIC),
    "GET /api/v1/practice/positions/{position_id}/history": (
        {"position_id": "position_id"},
        api_rule([*OFFICE_STAFF, "educator", "platform_admin"], anonymous="404"),
    ),
    "PUT /api/v1/practice/positions/{question_slug}/{office_slug}": (
        {"question_slug": "practice_slug", "office_slug": "office_slug"},
        UNSAFE,
    ),
    "GET /api/v1/updates": ({}, API_PUBLIC),
    "POST /api/v1/updates": ({}, UNSAFE),
    "GET /api/v1/updates/{update_id}": (
        {"update_id": "update_id"},
        api_rule(KIPO_STAFF, anonymous="404"),
    ),
    "GET /api/v1/consultations": ({}, API_SIGNED_IN),
    "POST /api/v1/consultations": ({}, UNSAFE),
    "GET /api/v1/consultations/{consultation_id}": (
        {"consultation_id": "consultation_id"},
        api_rule(KIPO_STAFF + IPOS_STAFF),
    ),
    "POST /api/v1/consultations/{consultation_id}/replies": (
        {"consultation_id": "consultation_id"},
        UNSAFE,
    ),
    "GET /api/v1/statistics": ({}, API_PUBLIC),
    "POST /api/v1/statistics": ({}, UNSAFE),
    "GET /api/v1/search": ({}, API_PUBLIC),
    "GET /api/v1/worksharing/applications": ({}, API_SIGNED_IN),
    "POST /api/v1/worksharing/applications": ({}, UNSAFE),
    "POST /api/v1/worksharing/applications/{application_id}/work-products": (
        {"application_id": "application_id"},
        UNSAFE,
    ),
    "GET /api/v1/worksharing/families": ({}, API_SIGNED_IN),
    "GET /api/v1/worksharing/families/{family_id}": (
        {"family_id": "family_id"},
        api_rule(KIPO_STAFF),
    ),
    "POST /api/v1/worksharing/requests": ({}, UNSAFE),
    "GET /api/v1/worksharing/requests": ({}, API_SIGNED_IN),
    "POST /api/v1/worksharing/requests/{request_id}/answer": (
        {"request_id": "share_request_id"},
        UNSAFE,
    ),
    "GET /api/v1/worksharing/documents/{document_id}": (
        {"document_id": "document_id"},
        api_rule(KIPO_STAFF),
    ),
    "GET /api/v1/worksharing/documents/{document_id}/file": (
        {"document_id": "document_id"},
        api_rule(KIPO_STAFF),
    ),
    "GET /api/v1/academy/courses": ({}, API_PUBLIC),
    "GET /api/v1/academy/courses/{slug}": (
        {"slug": "draft_slug"},
        api_rule(anonymous="404"),  # the API serves published courses only, to everyone
    ),
    "POST /api/v1/academy/attempts": ({}, UNSAFE),
    "GET /api/v1/academy/me/progress": ({}, API_SIGNED_IN),
    "GET /api/v1/academy/me/next": ({}, API_SIGNED_IN),
    "GET /api/v1/academy/me/mastery": ({}, API_SIGNED_IN),
    "GET /api/v1/academy/me/reviews": ({}, API_SIGNED_IN),
    "GET /api/v1/academy/certificates/{code}": ({"code": "certificate_code"}, API_PUBLIC),
    "GET /api/v1/academy/certificates/{code}/status": (
        {"code": "certificate_code"},
        API_PUBLIC,
    ),
    "POST /api/v1/academy/classes/join": ({}, UNSAFE),
    "POST /api/v1/academy/classes/signin": ({}, UNSAFE),
    "GET /api/v1/meetings": ({}, API_SIGNED_IN),
    "POST /api/v1/meetings": ({}, UNSAFE),
    "POST /api/v1/meetings/slots": ({}, UNSAFE),
    "GET /api/v1/meetings/{meeting_id}": ({"meeting_id": "meeting_id"}, api_rule(KIPO_STAFF)),
    "GET /api/v1/proposals": ({}, API_SIGNED_IN),
    "POST /api/v1/proposals": ({}, UNSAFE),
    "GET /api/v1/proposals/{proposal_id}": (
        {"proposal_id": "proposal_id"},
        api_rule(KIPO_STAFF),
    ),
    "POST /api/v1/proposals/{proposal_id}/endorsements": (
        {"proposal_id": "proposal_id"},
        UNSAFE,
    ),
    "GET /api/v1/projects": ({}, API_SIGNED_IN),
    "GET /api/v1/projects/{project_id}": ({"project_id": "project_id"}, api_rule(KIPO_STAFF)),
    "PATCH /api/v1/projects/{project_id}/actions/{action_id}": (
        {"project_id": "project_id", "action_id": "action_id"},
        UNSAFE,
    ),
    "GET /api/v1/notifications": ({}, API_SIGNED_IN),
    "GET /api/v1/notifications/unread-count": ({}, API_SIGNED_IN),
    "POST /api/v1/notifications/read-all": ({}, UNSAFE),
    "GET /api/v1/notifications/preferences": ({}, API_SIGNED_IN),
    "PUT /api/v1/notifications/preferences": ({}, UNSAFE),
    "GET /api/v1/notifications/{notification_id}": (
        {"notification_id": "notification_id"},
        api_rule(["kipo_policy"]),
    ),
    "POST /api/v1/notifications/{notification_id}/read": (
        {"notification_id": "notification_id"},
        UNSAFE,
    ),
}
# Unsafe operations anyone may call without an account.
API_OPEN_UNSAFE = {"POST /api/v1/academy/classes/join", "POST /api/v1/academy/classes/signin"}
# Who, besides the visitor, must change nothing through an unsafe operation on the world:
# the Academy's educator holds no office role, owns none of the world's office items and
# is addressed by none of them.
API_OUTSIDER = "educator"
# Who may make each unsafe call on a world object: they get past the access check (in a
# rolled-back savepoint), so the outsider's refusal comes from access, not the body.
API_INSIDERS = {
    "POST /api/v1/me/tokens/{token_id}/revoke": "kipo_policy",
    "PUT /api/v1/practice/positions/{question_slug}/{office_slug}": "kipo_policy",
    "POST /api/v1/consultations/{consultation_id}/replies": "ipos_policy",
    "POST /api/v1/worksharing/applications/{application_id}/work-products": "kipo_examiner",
    "POST /api/v1/worksharing/requests/{request_id}/answer": "ipos_examiner",
    "PATCH /api/v1/projects/{project_id}/actions/{action_id}": "kipo_policy",
    "POST /api/v1/notifications/{notification_id}/read": "kipo_policy",
    # (The proposal is endorsed by IPD Myanmar's speakers; none is a persona.)
}
# Unsafe operations on the caller's own things (an outsider may call them).
API_PERSONAL_UNSAFE = {
    "POST /api/v1/me/tokens",
    "POST /api/v1/notifications/read-all",
    "PUT /api/v1/notifications/preferences",
    "POST /api/v1/meetings/slots",  # computes times, stores nothing
}
# Query strings the list operations need; they look for the world's hidden items.
API_QUERIES = {
    "GET /api/v1/search": "?q=zqx01",
    "GET /api/v1/worksharing/families": "?number=10-2024-0099999",
}


# Positive controls for the API, as SHOWN for pages.
API_SHOWN = [
    ("GET /api/v1/search", "kipo_examiner", "ZQX01"),
    ("GET /api/v1/worksharing/families", "kipo_examiner", "ZQX03"),
    ("GET /api/v1/meetings", "kipo_examiner", "ZQX04"),
    ("GET /api/v1/proposals", "kipo_examiner", "ZQX06"),
    ("GET /api/v1/notifications", "kipo_policy", "ZQX10"),
    ("GET /api/v1/consultations", "ipos_policy", "ZQX02"),
    ("GET /api/v1/updates", "kipo_examiner", "ZQX01"),
]


def example(schema: dict, components: dict, depth: int = 0):
    """A value that fits ``schema`` (required fields only), so that an unsafe call is
    refused for who makes it rather than for its body."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[1]], components, depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            return example(schema[key][0], components, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {
            name: example(sub, components, depth + 1)
            for name, sub in schema.get("properties", {}).items()
            if name in required and depth < 5
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2030-01-15"
    if schema.get("format") == "date-time":
        return "2030-01-15T09:00:00Z"
    return "Changed"


def request_body(operation: dict, components: dict) -> str:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return json.dumps(example(schema, components) if schema else {})


def api_operations() -> list[tuple[str, dict]]:
    schema = api.get_openapi_schema()
    return [
        (f"{method.upper()} {path}", operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def api_url(world: World, key: str, params: dict[str, str], *, missing: bool = False) -> str:
    path = key.split(" ", 1)[1]
    for name, ref in params.items():
        value = world.ids[ref]
        if missing:
            value = MISSING_INT if isinstance(value, int) else MISSING_STR
        path = path.replace("{" + name + "}", str(value))
    return path


def test_every_api_operation_has_an_entry():
    operations = api_operations()
    missing = [key for key, _ in operations if key not in API_OPERATIONS]
    assert not missing, (
        "Add these API operations to API_OPERATIONS in tests/test_access_matrix.py, "
        "saying what each persona gets: " + ", ".join(missing)
    )
    stale = sorted(set(API_OPERATIONS) - {key for key, _ in operations})
    assert not stale, f"API_OPERATIONS names operations that no longer exist: {stale}"
    extra = sorted(
        (set(API_INSIDERS) | set(API_QUERIES) | API_PERSONAL_UNSAFE) - set(API_OPERATIONS)
    )
    assert not extra, f"API tables name unknown operations: {extra}"
    for key, operation in operations:
        params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert params == set(API_OPERATIONS[key][0]), f"{key}: fill {params} from the world"


def test_api_answers_each_persona_as_the_table_says(world):
    clients = clients_for(world)
    components = api.get_openapi_schema()["components"]["schemas"]
    problems: list[str] = []
    for key, operation in api_operations():
        if key not in API_OPERATIONS:
            continue
        params, expected = API_OPERATIONS[key]
        method = key.split(" ", 1)[0].lower()
        url = api_url(world, key, params) + API_QUERIES.get(key, "")
        security = operation.get("security")
        optional = security is None or {} in security
        if expected is UNSAFE:
            body = request_body(operation, components)
            before = row_counts()
            for persona in ("anonymous", API_OUTSIDER):
                if persona == "anonymous" and key in API_OPEN_UNSAFE:
                    continue
                if persona != "anonymous" and key in API_PERSONAL_UNSAFE:
                    continue
                call = getattr(clients[persona], method)
                response = call(url, data=body, content_type="application/json")
                status = response.status_code
                if persona == "anonymous" and status != 401:
                    problems.append(f"{key} as anonymous: expected 401, got {status}")
                if status in (200, 201, 204):
                    problems.append(f"{key} as {persona}: got {status}")
                if persona != "anonymous" and params and status not in (403, 404):
                    problems.append(f"{key} as {persona}: expected 403 or 404, got {status}")
                if status == 404 and params:
                    other = api_url(world, key, params, missing=True)
                    missing = call(other, data=body, content_type="application/json")
                    if missing.status_code != 404 or missing.content != response.content:
                        problems.append(f"{key} as {persona}: the 404 differs from {other}'s")
            if key not in API_PERSONAL_UNSAFE and row_counts() != before:
                problems.append(f"{key}: an outsider's call changed rows")
            if key in API_INSIDERS:
                insider = API_INSIDERS[key]
                with transaction.atomic():
                    call = getattr(clients[insider], method)
                    status = call(url, data=body, content_type="application/json").status_code
                    transaction.set_rollback(True)
                if status in (401, 403, 404):
                    problems.append(f"{key} as {insider} (who may): got {status}")
            continue
        if (expected["anonymous"] == API_UNAUTHORISED) == optional:
            problems.append(f"{key}: the table and the schema's security disagree on visitors")
        for persona in PERSONAS:
            response = clients[persona].get(url)
            got, want = str(response.status_code), expected[persona]
            if got != want:
                problems.append(f"GET {url} as {persona}: expected {want}, got {got}")
                continue
            if want == "404" and params:
                other = api_url(world, key, params, missing=True)
                missing = clients[persona].get(other)
                if missing.status_code != 404 or missing.content != response.content:
                    problems.append(f"GET {url} as {persona}: the 404 differs from {other}'s")
            if want == OK:
                content = body_of(response, url).decode("utf-8", "replace")
                for secret, readers in SECRETS.items():
                    if persona not in readers and secret in content:
                        problems.append(f"GET {url} as {persona}: shows {secret!r}")
    for key, persona, secret in API_SHOWN:
        url = key.split(" ", 1)[1] + API_QUERIES.get(key, "")
        if secret not in clients[persona].get(url).content.decode():
            problems.append(f"GET {url} as {persona}: does not show {secret!r}")
    assert not problems, "\n".join(problems)
