"""Learning analytics benchmark: a synthetic Academy history, the roll-up, the pages.

    .venv/bin/python benchmarks/learning_bench.py
    createdb -h 127.0.0.1 -U postgres ipcoop_learningbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ipcoop_learningbench \\
        .venv/bin/python benchmarks/learning_bench.py
    dropdb -h 127.0.0.1 -U postgres ipcoop_learningbench

Builds (seeded, bulk inserts) ``--learners`` learners across Korea and the ASEAN
countries, eight published courses (two per audience, six lessons, two questions per
lesson), ``--attempts`` attempts spread in time order over 2025-01 to 2026-10, lesson
completions and mastered objectives, in the database named by DATABASE_URL (default:
var/learning-bench.sqlite3, never the development database). Then it times:

- the roll-up from nothing (``rollup_learning(full=True)``), then after ``--new``
  more attempts (incremental), then once more with nothing new;
- the analytics page and its CSV (Django test client, signed in as an Academy educator
  and as a KIPO policy officer; p50/p95 over ``--requests`` requests after a warm-up);
- the teacher dashboard of a class of 30 of these learners, when the classes app
  (``classes:detail``) is there.

The load average is printed with each figure: the machine is shared. ``--keep`` reuses
a history already built.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcoop.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'learning-bench.sqlite3'}")
# No query log (the bulk inserts are large); pages served as in production.
os.environ.setdefault("DEBUG", "false")
# Page timings only: office staff are not asked to set up two-factor sign-in first.
os.environ.setdefault("REQUIRE_STAFF_TWO_FACTOR", "false")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
# Static file URLs without a collected manifest.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, get_resolver, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from ipcoop.academy.models import (  # noqa: E402
    Attempt,
    Course,
    Lesson,
    LessonProgress,
    LessonVersion,
    Objective,
    ObjectiveProgress,
    ProgressStatus,
    Question,
    Status,
    Unit,
)
from ipcoop.analytics.models import LearnerSeen, MonthlyFigures  # noqa: E402
from ipcoop.analytics.rollup import rollup_learning  # noqa: E402
from ipcoop.ops.scaledata import COUNTRIES  # noqa: E402  (learners' countries, shared)
from ipcoop.people import services as people  # noqa: E402
from ipcoop.people.models import Organisation, Role, User  # noqa: E402

BATCH = 10_000
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
AUDIENCES = ["children", "students", "adults", "professionals"]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def say(text: str) -> None:
    print(text, flush=True)


def build_courses() -> list[dict]:
    """Eight published courses: (course, lessons, questions, objectives) each."""
    out = []
    for a_index, audience in enumerate(AUDIENCES):
        for c_index in range(2):
            n = a_index * 2 + c_index
            course = Course.objects.create(
                slug=f"bench-course-{n}",
                audience=audience,
                level="beginner",
                title={"en": f"Benchmark course {n}"},
                status=Status.PUBLISHED,
                published_at=START,
            )
            unit = Unit.objects.create(course=course, title={"en": "Unit"})
            objectives = [
                Objective.objects.create(code=f"BEN-{n}{k}", topic="patents", title={"en": "x"})
                for k in range(3)
            ]
            lessons, questions = [], []
            for position in range(6):
                lesson = Lesson.objects.create(
                    course=course, unit=unit, slug=f"lesson-{position}", position=position
                )
                version = LessonVersion.objects.create(
                    lesson=lesson, status=Status.PUBLISHED, title={"en": f"Lesson {position}"}
                )
                lesson.published_version = lesson.latest_version = version
                lesson.save()
                lessons.append(lesson)
                for q in range(2):
                    questions.append(
                        Question.objects.create(
                            course=course,
                            lesson=lesson,
                            objective=objectives[(position + q) % 3],
                            key=f"q-{position}-{q}",
                            type="true_false",
                            prompt={"en": "True?"},
                            answer=True,
                            published=True,
                        )
                    )
            out.append(
                {
                    "course": course,
                    "lessons": lessons,
                    "questions": questions,
                    "objectives": objectives,
                }
            )
    return out


def build(learners: int, attempts: int, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - seeded synthetic data
    started = time.perf_counter()
    with transaction.atomic():
        courses = build_courses()
    codes, weights = zip(*COUNTRIES.items(), strict=True)
    pending = []
    for i in range(learners):
        pending.append(
            User(
                username=f"bench-learner-{i:06d}",
                password="!",  # noqa: S106 - unusable: nobody signs in as these learners
                country=rng.choices(codes, weights)[0],
            )
        )
        if len(pending) == BATCH:
            User.objects.bulk_create(pending)
            pending.clear()
    User.objects.bulk_create(pending)
    rows = list(
        User.objects.filter(username__startswith="bench-learner-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Each learner follows one course, a fifth of them a second one too.
    follows = {}
    for pk in rows:
        mine = [rng.randrange(len(courses))]
        if rng.random() < 0.2:
            mine.append(rng.randrange(len(courses)))
        follows[pk] = mine
    say(f"  {learners} learners, 8 courses: {time.perf_counter() - started:.0f} s")

    field = Attempt._meta.get_field("created_at")
    field.auto_now_add = False  # the history has its own times
    span = (END - START).total_seconds()
    step = span / attempts
    pending = []
    for n in range(attempts):
        learner = rows[rng.randrange(len(rows))]
        course = courses[rng.choice(follows[learner])]
        question = course["questions"][rng.randrange(len(course["questions"]))]
        pending.append(
            Attempt(
                learner_id=learner,
                question_id=question.pk,
                lesson_id=question.lesson_id,
                answer={},
                correct=rng.random() < 0.7,
                created_at=START + dt.timedelta(seconds=n * step + rng.random() * step),
                idempotency_key=uuid.UUID(int=rng.getrandbits(128)),
            )
        )
        if len(pending) == BATCH:
            with transaction.atomic():
                Attempt.objects.bulk_create(pending)
            pending.clear()
            if (n + 1) % 500_000 == 0:
                say(f"  {n + 1} attempts: {time.perf_counter() - started:.0f} s")
    Attempt.objects.bulk_create(pending)
    field.auto_now_add = True

    progress, mastered = [], []
    for learner, mine in follows.items():
        course = courses[mine[0]]
        for lesson in course["lessons"][: rng.randint(0, 6)]:
            progress.append(
                LessonProgress(
                    learner_id=learner,
                    lesson=lesson,
                    course=course["course"],
                    status=ProgressStatus.COMPLETED,
                    completed_at=START + dt.timedelta(seconds=rng.random() * span),
                )
            )
        for objective in course["objectives"]:
            if rng.random() < 0.4:
                mastered.append(
                    ObjectiveProgress(
                        learner_id=learner,
                        objective=objective,
                        answered=5,
                        correct=4,
                        mastery=0.96,
                        mastered_at=START + dt.timedelta(seconds=rng.random() * span),
                    )
                )
    LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
    ObjectiveProgress.objects.bulk_create(mastered, batch_size=BATCH)
    say(
        f"  {attempts} attempts, {len(progress)} lesson completions, {len(mastered)} mastered"
        f" objectives: {time.perf_counter() - started:.0f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def add_attempts(count: int, seed: int) -> None:
    """``count`` new attempts two minutes old (past the roll-up's settling minute)."""
    rng = random.Random(seed)  # noqa: S311
    learners = list(
        User.objects.filter(username__startswith="bench-learner-").values_list("pk", flat=True)[
            :20_000
        ]
    )
    questions = list(Question.objects.filter(key__startswith="q-").values_list("pk", "lesson_id"))
    when = timezone.now() - dt.timedelta(minutes=2)
    field = Attempt._meta.get_field("created_at")
    field.auto_now_add = False
    Attempt.objects.bulk_create(
        [
            Attempt(
                learner_id=rng.choice(learners),
                question_id=q,
                lesson_id=lesson,
                answer={},
                correct=rng.random() < 0.7,
                created_at=when,
                idempotency_key=uuid.UUID(int=rng.getrandbits(128)),
            )
            for q, lesson in (rng.choice(questions) for _ in range(count))
        ],
        batch_size=BATCH,
    )
    field.auto_now_add = True


def timed(label: str, fn) -> float:
    before = load()
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    say(f"{label}: {seconds:.1f} s ({before}) -> {result}")
    return seconds


def page_times(client: Client, url: str, requests: int) -> tuple[float, float]:
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return statistics.median(times), p95


def account(username: str, role: str, org: str | None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = people.create_user(username=username, password=None)
        organisation = Organisation.objects.get(slug=org) if org else None
        people.grant_role(by=None, user=user, role=role, organisation=organisation)
    return user


def teacher_dashboard(requests: int) -> str:
    try:
        url_name = "classes:detail"
        reverse(url_name, args=[1])
        from ipcoop.classes import services as classes
        from ipcoop.classes.models import ClassMember
    except (ImportError, NoReverseMatch):
        return "not measured: the classes app has no class page yet"
    teacher = account("bench-teacher", Role.TEACHER, None)
    course = Course.objects.get(slug="bench-course-0")
    school_class = classes.create_class(
        by=teacher,
        name="Benchmark class",
        audience="children",
        country="TH",
        age_min=9,
        age_max=11,
        courses=[course],
    )
    # 30 learners of that course, among the 100 000.
    taken = set(ClassMember.objects.values_list("user_id", flat=True))
    learners = []
    for pk in (
        Attempt.objects.filter(lesson__course=course)
        .order_by("learner_id")
        .values_list("learner_id", flat=True)
        .distinct()[:200]
    ):
        if pk not in taken:
            learners.append(pk)
        if len(learners) == 30:
            break
    ClassMember.objects.bulk_create(
        [
            ClassMember(
                school_class=school_class,
                user_id=pk,
                display_name=f"Child {n}",
                name_key=f"child {n}",
                picture_hash="!",
                at_or_over_consent_age=True,
            )
            for n, pk in enumerate(learners)
        ]
    )
    client = Client()
    client.force_login(teacher)
    before = load()
    p50, p95 = page_times(client, reverse(url_name, args=[school_class.pk]), requests)
    return f"{len(learners)} learners: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({before})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--attempts", type=int, default=2_000_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="reuse the history built before")
    parser.add_argument("--pages-only", action="store_true", help="with --keep: time pages only")
    args = parser.parse_args()
    say(f"{connection.vendor}; {load()}")
    _views = get_resolver().url_patterns  # import every view module now, before the long build
    call_command("migrate", verbosity=0)
    if not args.keep:
        if Attempt.objects.exists():
            sys.exit("The database already holds attempts: use an empty one, or --keep.")
        build(args.learners, args.attempts, args.seed)
    if not args.pages_only:
        timed("roll-up, full", lambda: rollup_learning(full=True))
        figures, seen = MonthlyFigures.objects.count(), LearnerSeen.objects.count()
        say(f"  monthly figure rows: {figures}, learner-seen rows: {seen}")
        add_attempts(args.new, args.seed + 1)
        timed(f"roll-up, incremental after {args.new} new attempts", rollup_learning)
        timed("roll-up, nothing new", rollup_learning)

    setup_test_environment()
    educator = account("bench-educator", Role.EDUCATOR, "asean-ip-academy")
    office = account("bench-kipo", Role.POLICY_OFFICER, "kr-kipo")
    pages = [
        ("educator, all countries", educator, "/academy/analytics/?year=2026"),
        (
            "educator, TH children",
            educator,
            "/academy/analytics/?year=2026&country=TH&audience=children",
        ),
        ("educator, one course", educator, "/academy/analytics/?year=2025&course=bench-course-3"),
        ("educator, CSV", educator, "/academy/analytics/export.csv?year=2026"),
        ("KIPO policy officer", office, "/academy/analytics/?year=2026"),
    ]
    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        before = load()
        p50, p95 = page_times(client, url, args.requests)
        say(f"analytics page, {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({before})")
    say(f"teacher dashboard: {teacher_dashboard(args.requests)}")
    say(f"done; {load()}")


if __name__ == "__main__":
    main()
