"""Synthetic data at a chosen scale, for load tests, benchmarks and query-count tests.

``generate(scale, seed=…)`` fills a migrated, empty database with realistic, seeded
(deterministic) data through bulk inserts: learners, courses and attempts, policy
updates, practice questions with every office's position, work-sharing applications in
families with search reports and citations, meetings, proposals with endorsements,
projects with milestones and action items, spread over 2017–2026, and the search index
for all of it. It also creates the people who use the key pages (``key_pages()``), with
one known password and, for office staff, an authenticator app already set up:

- ``scale.learner`` (a learner with progress in several courses),
- ``scale.kipo.examiner`` and ``scale.th.examiner`` (examiners of KIPO and DIP Thailand),
- ``scale.kipo.policy`` (a KIPO policy officer),
- ``scale.kipo.admin`` (KIPO's office admin).

``session_cookie(username)`` signs one of them in (a real session, as signing in makes)
so that a load tool can send the cookie.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, replace
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

# The people of the key pages; the password is documented on purpose: synthetic data only.
SCALE_PASSWORD = "ipcoop-scale-2026"  # noqa: S105
# Office staff's authenticator key: the demo accounts' one (``ipcoop demo-code`` shows codes).
SCALE_TWO_FACTOR_SECRET = "IPCOOPDEMOTWOFACTORKEY2345672345"  # noqa: S105
LEARNER = "scale.learner"
KIPO_EXAMINER = "scale.kipo.examiner"
OTHER_EXAMINER = "scale.th.examiner"
POLICY_OFFICER = "scale.kipo.policy"
OFFICE_ADMIN = "scale.kipo.admin"
# The showcase objects the key pages open (generated first, so they exist at every scale).
SHOWCASE_COURSE = "scale-course-0000"
SHOWCASE_OFFICES = ["kr-kipo", "th-dip", "vn-ipvn", "sg-ipos", "id-dgip"]
SEARCH_TERM = "patent"
DEFAULT_SEED = 20261125


@dataclass(frozen=True)
class KeyPage:
    """A representative page and who looks at it (None: an anonymous visitor)."""

    name: str
    path: str
    username: str | None


def key_pages() -> list[KeyPage]:
    """The key pages of the data in the current database, generated at any scale."""
    from ipcoop.academy.models import Lesson
    from ipcoop.worksharing.models import Application

    lesson = (
        Lesson.objects.filter(course__slug=SHOWCASE_COURSE, published_version__isnull=False)
        .order_by("unit__position", "position", "pk")
        .values_list("slug", flat=True)
        .first()
    )
    family = (
        Application.objects.filter(family_id__isnull=False)
        .order_by("pk")
        .values_list("family_id", flat=True)
        .first()
    )
    if lesson is None or family is None:
        raise LookupError("No generated data here: run `ipcoop scale-data` first.")
    return [
        KeyPage("home", "/", None),
        KeyPage("catalogue", "/academy/", None),
        KeyPage("lesson", f"/academy/{SHOWCASE_COURSE}/{lesson}/", LEARNER),
        KeyPage("dashboard", "/academy/me/", LEARNER),
        KeyPage("practice matrix", "/practice/", KIPO_EXAMINER),
        KeyPage("family", f"/worksharing/families/{family}/", KIPO_EXAMINER),
        KeyPage("accountability", "/projects/", POLICY_OFFICER),
        KeyPage("search", f"/search/?q={SEARCH_TERM}", KIPO_EXAMINER),
        KeyPage("search, anonymous", f"/search/?q={SEARCH_TERM}", None),
    ]


def session_cookie(username: str) -> tuple[str, str]:
    """Sign ``username`` in: a new session as ``django.contrib.auth.login`` writes it.

    Returns the session cookie's name and value. The person's second factor is whatever
    the data gave them (the generated staff have an authenticator set up, so
    REQUIRE_STAFF_TWO_FACTOR lets them through). Side effect: saves the session.
    """
    from ipcoop.people.models import User

    user = User.objects.get(username=username, is_active=True)
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return settings.SESSION_COOKIE_NAME, session.session_key


# Generating -------------------------------------------------------------------------


class ScaleDataError(Exception):
    """The database is not one synthetic data may be written into."""


@dataclass(frozen=True)
class Scale:
    """How much of everything to generate."""

    learners: int
    attempts: int
    courses: int
    policy_updates: int
    applications: int
    meetings: int
    proposals: int
    practice_questions: int
    lessons_per_course: int = 6
    questions_per_lesson: int = 3
    citations_per_report: int = 3

    def with_counts(self, **counts: int | None) -> Scale:
        """This scale with some counts replaced (None: unchanged)."""
        return replace(self, **{k: v for k, v in counts.items() if v is not None})


PRESETS = {
    "tiny": Scale(
        learners=20,
        attempts=200,
        courses=3,
        policy_updates=20,
        applications=30,
        meetings=6,
        proposals=8,
        practice_questions=4,
        lessons_per_course=3,
        questions_per_lesson=2,
    ),
    "small": Scale(
        learners=3_000,
        attempts=50_000,
        courses=20,
        policy_updates=500,
        applications=10_000,
        meetings=50,
        proposals=40,
        practice_questions=40,
    ),
    "large": Scale(
        learners=300_000,
        attempts=5_000_000,
        courses=2_000,
        policy_updates=50_000,
        applications=1_000_000,
        meetings=5_000,
        proposals=2_000,
        practice_questions=200,
    ),
}
COUNT_NAMES = [f.name for f in fields(Scale)]

START = dt.datetime(2017, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
SPAN = (END - START).total_seconds()
BATCH = 5_000
# Learners' countries, roughly by population; "" = not stated.
COUNTRIES = {
    "ID": 24,
    "PH": 14,
    "VN": 13,
    "TH": 10,
    "MM": 7,
    "MY": 6,
    "KR": 9,
    "KH": 4,
    "LA": 2,
    "SG": 3,
    "BN": 1,
    "": 7,
}
LANGUAGE_OF = {
    "ID": "id",
    "PH": "fil",
    "VN": "vi",
    "TH": "th",
    "MM": "my",
    "MY": "ms",
    "KR": "ko",
    "KH": "km",
    "LA": "lo",
}
# Words by language for titles and texts (a few common: "patent" is in many items).
_WORDS = {
    "en": "patent trademark design examination guideline inventor application fee "
    "renewal opposition appeal priority novelty claim drawing applicant agent office "
    "artificial intelligence blockchain metaverse copyright licence infringement "
    "search report prior art inventive step utility model trade secret enforcement",
    "ko": "특허 상표 디자인 심사 지침 발명자 출원 수수료 갱신 이의신청 심판 우선권 "
    "신규성 청구항 도면 출원인 대리인 인공지능 블록체인 메타버스 저작권",
    "th": "สิทธิบัตร เครื่องหมายการค้า การออกแบบ การตรวจสอบ แนวทาง ผู้ประดิษฐ์ คำขอ "
    "ค่าธรรมเนียม การต่ออายุ การคัดค้าน อุทธรณ์ สิทธิ์ก่อน ความใหม่ ข้อถือสิทธิ",
    "vi": "sáng chế nhãn hiệu kiểu dáng thẩm định hướng dẫn tác giả đơn đăng ký phí "
    "gia hạn phản đối khiếu nại quyền ưu tiên tính mới yêu cầu bảo hộ",
    "id": "paten merek desain pemeriksaan pedoman inventor permohonan biaya "
    "perpanjangan keberatan banding prioritas kebaruan klaim",
}
WORDS = {language: words.split() for language, words in _WORDS.items()}
IPC = ["G06N 3/08", "G06N 20/00", "G06Q 20/06", "H04L 9/06", "G06T 19/00", "A61K 31/00"]
AREA_OF_IPC = {"G06N": "ai", "G06Q": "blockchain", "H04L": "blockchain", "G06T": "metaverse"}


def _sentence(rng: random.Random, language: str, count: int) -> str:
    words = WORDS[language]
    return " ".join(rng.choice(words) for _ in range(count))


def _title(rng: random.Random, language: str = "en", count: int = 5) -> str:
    text = _sentence(rng, language, count)
    return text[:1].upper() + text[1:]


def _when(rng: random.Random, start: dt.datetime = START, end: dt.datetime = END) -> dt.datetime:
    return start + dt.timedelta(seconds=rng.random() * (end - start).total_seconds())


@contextlib.contextmanager
def _own_times(*model_list: type[models.Model]) -> Iterator[None]:
    """Let the generated rows keep their own creation times (auto_now/auto_now_add off)."""
    saved = []
    for model in model_list:
        for field in model._meta.concrete_fields:
            for flag in ("auto_now", "auto_now_add"):
                if getattr(field, flag, False):
                    saved.append((field, flag))
                    setattr(field, flag, False)
    try:
        yield
    finally:
        for field, flag in saved:
            setattr(field, flag, True)


class _Run:
    """One generation: the random source, pk counters, timings and progress."""

    def __init__(self, seed: int, progress: Callable[[str], None] | None) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - seeded synthetic data, not secrets
        self.progress = progress or (lambda _message: None)
        self.timings: dict[str, float] = {}
        self.models: set[type[models.Model]] = set()
        self._next: dict[type[models.Model], int] = {}

    def pk(self, model: type[models.Model]) -> int:
        """The next free primary key of ``model`` (explicit keys let rows refer to each
        other before they are written; sequences are reset at the end)."""
        if model not in self._next:
            top = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            self._next[model] = (top or 0) + 1
        value = self._next[model]
        self._next[model] = value + 1
        self.models.add(model)
        return value

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        self.progress(f"{name}…")
        yield
        seconds = time.perf_counter() - started
        self.timings[name] = self.timings.get(name, 0.0) + seconds
        self.progress(f"{name}: {seconds:.1f} s")


def _bulk(model: type[models.Model], rows: list[models.Model]) -> None:
    """Write model instances in batches (``rows`` is emptied)."""
    with _own_times(model):
        model.objects.bulk_create(rows, batch_size=BATCH)
    rows.clear()


def _db_value(value: Any) -> Any:
    """A Python value as the raw database driver takes it (JSON already a string)."""
    if connection.vendor == "sqlite":
        if isinstance(value, dt.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, uuid.UUID):
            return value.hex
    return value


def _copy(model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> int:
    """Write rows of values (in ``columns`` order) fast: COPY on PostgreSQL, executemany
    on SQLite. For the biggest tables, where model instances cost too much."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as wrapper:
        if connection.vendor == "postgresql":
            with wrapper.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join("%s" for _ in columns)
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - our names
            batch = []
            for row in rows:
                batch.append(tuple(_db_value(v) for v in row))
                if len(batch) == BATCH:
                    wrapper.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            if batch:
                wrapper.executemany(sql, batch)
                count += len(batch)
    return count


def _check_database(extend: bool) -> None:
    from ipcoop.academy.models import Course
    from ipcoop.exchange.updates.models import PolicyUpdate
    from ipcoop.people.models import Organisation, OrganisationKind, User
    from ipcoop.proposals.models import Proposal
    from ipcoop.worksharing.models import Application

    if settings.PRODUCTION:
        raise ScaleDataError("Synthetic data is not generated in production mode.")
    if Organisation.objects.filter(kind=OrganisationKind.IP_OFFICE).count() != 12:
        raise ScaleDataError(
            "The database lacks the cooperating organisations: run `ipcoop migrate` first."
        )
    if extend:
        if not User.objects.filter(username=LEARNER).exists():
            raise ScaleDataError("Nothing generated here yet to add to: generate without extend.")
        return
    for model in (User, Course, PolicyUpdate, Application, Proposal):
        if model.objects.exists():
            raise ScaleDataError(
                f"The database is not empty ({model._meta.verbose_name_plural} exist): "
                "generate into a freshly migrated database."
            )


def generate(
    scale: Scale,
    seed: int = DEFAULT_SEED,
    progress: Callable[[str], None] | None = None,
    *,
    extend: bool = False,
) -> dict[str, float]:
    """Fill a migrated, empty database with ``scale`` synthetic data (deterministic for a
    seed). ``extend=True`` adds another such portion to data generated before (the
    showcase objects of the key pages grow too: more members in the showcase family,
    more courses for the learner, more questions in the showcase lesson).

    Returns the seconds each step took. Calls ``progress(message)`` as it goes.
    Side effects: writes users (with memberships and, for office staff, an authenticator
    key), courses, attempts, practice questions and positions, policy updates,
    work-sharing dossiers, meetings, proposals, projects, and rebuilds the search index.
    Refuses (ScaleDataError) a database with data in it, unless extending, and
    production mode.
    """
    _check_database(extend)
    run = _Run(seed, progress)
    started = time.perf_counter()
    with _tuned_for_loading():
        from ipcoop.people.models import Organisation, OrganisationKind

        orgs = {o.slug: o for o in Organisation.objects.order_by("position", "slug")}
        offices = [o for o in orgs.values() if o.kind == OrganisationKind.IP_OFFICE]
        with run.step("people"), transaction.atomic():
            people = _people(run, extend)
        with run.step("learners"), transaction.atomic():
            learners = _learners(run, scale)
        with run.step("courses"), transaction.atomic():
            courses = _courses(run, scale, people, extend)
        with run.step("attempts and progress"):
            _attempts(run, scale, learners, courses, people)
        with run.step("the key pages' learner's review cards"):
            fold_reviews(people.learner)
        with run.step("practice questions and positions"), transaction.atomic():
            questions = _practice(run, scale, offices, people)
        with run.step("policy updates"):
            updates = _updates(run, scale, offices, people)
        with run.step("work-sharing dossiers"):
            _worksharing(run, scale, offices, extend)
        with run.step("proposals and projects"), transaction.atomic():
            proposals = _proposals(run, scale, orgs, offices, people)
        with run.step("meetings"), transaction.atomic():
            _meetings(run, scale, orgs, offices, questions, updates, proposals)
        _reset_sequences(run)
        with run.step("search index"):
            _search_index(run)
        # On PostgreSQL, VACUUM too (outside a transaction), as autovacuum would soon
        # after: folding the showcase learner's answers left dead rows that the
        # dashboard's count of answers still to fold would visit on every request.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        statement = "VACUUM ANALYZE" if vacuum else "ANALYZE"
        with run.step(f"statistics ({statement})"), connection.cursor() as cursor:
            cursor.execute(statement)
    run.timings["total"] = time.perf_counter() - started
    return run.timings


@contextlib.contextmanager
def _tuned_for_loading() -> Iterator[None]:
    """On SQLite, no fsync while loading (the data can be generated again)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA cache_size = -200000")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous = {int(before)}")


def _reset_sequences(run: _Run) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), sorted(run.models, key=str))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# People --------------------------------------------------------------------------


@dataclass
class _People:
    learner: Any
    kipo_examiner: Any
    other_examiner: Any
    policy_officer: Any
    office_admin: Any
    educator: Any


def _people(run: _Run, extend: bool) -> _People:
    from ipcoop.people import services, two_factor
    from ipcoop.people.models import Organisation, Role, User

    accounts = [
        (LEARNER, "Scale learner", Role.LEARNER, None, "id", "ID", "Asia/Jakarta"),
        (KIPO_EXAMINER, "Scale KIPO examiner", Role.EXAMINER, "kr-kipo", "ko", "KR", "Asia/Seoul"),
        (
            OTHER_EXAMINER,
            "Scale DIP examiner",
            Role.EXAMINER,
            "th-dip",
            "th",
            "TH",
            "Asia/Bangkok",
        ),
        (
            POLICY_OFFICER,
            "Scale KIPO policy officer",
            Role.POLICY_OFFICER,
            "kr-kipo",
            "ko",
            "KR",
            "Asia/Seoul",
        ),
        (
            OFFICE_ADMIN,
            "Scale KIPO office admin",
            Role.OFFICE_ADMIN,
            "kr-kipo",
            "ko",
            "KR",
            "Asia/Seoul",
        ),
        (
            "scale.educator",
            "Scale Academy educator",
            Role.EDUCATOR,
            "asean-ip-academy",
            "en",
            "ID",
            "Asia/Jakarta",
        ),
    ]
    if extend:
        users = [User.objects.get(username=account[0]) for account in accounts]
        return _People(*users)
    password = make_password(SCALE_PASSWORD)  # hashed once, for these few people only
    users = []
    for username, name, role, org, language, country, zone in accounts:
        user = User(
            pk=run.pk(User),
            username=username,
            password=password,
            display_name=name,
            preferred_language=language,
            country=country,
            time_zone=zone,
        )
        user.save(force_insert=True)
        organisation = Organisation.objects.get(slug=org) if org else None
        services.grant_role(by=None, user=user, role=role, organisation=organisation)
        if two_factor.two_factor_required(user):
            two_factor.enable_demo_two_factor(user=user, secret=SCALE_TWO_FACTOR_SECRET)
        users.append(user)
    return _People(*users)


def _learners(run: _Run, scale: Scale) -> list[int]:
    from ipcoop.people.models import User

    rng = run.rng
    codes, weights = zip(*COUNTRIES.items(), strict=True)
    offset = User.objects.filter(username__startswith="scale-learner-").count()
    pending, pks = [], []
    for n in range(offset, offset + scale.learners):
        country = rng.choices(codes, weights)[0]
        pk = run.pk(User)
        pks.append(pk)
        pending.append(
            User(
                pk=pk,
                username=f"scale-learner-{n:06d}",
                # Unusable: nobody signs in as these learners (and 300 000 hashes would
                # take hours).
                password="!",  # noqa: S106
                display_name=f"Learner {n}",
                country=country,
                preferred_language=LANGUAGE_OF.get(country, "en"),
                date_joined=_when(rng),
            )
        )
        if len(pending) == BATCH:
            _bulk(User, pending)
    _bulk(User, pending)
    return pks


# Academy -------------------------------------------------------------------------


@dataclass
class _Course:
    pk: int
    published_at: dt.datetime
    lessons: list[int]
    questions: list[tuple[int, int, int]]  # (question, lesson, objective)
    objectives: list[int]


def _courses(run: _Run, scale: Scale, people: _People, extend: bool) -> list[_Course]:
    from ipcoop.academy.models import (
        Audience,
        Course,
        Lesson,
        LessonVersion,
        Level,
        Objective,
        Question,
        Status,
        Topic,
        Unit,
    )

    rng = run.rng
    offset = Course.objects.filter(slug__startswith="scale-course-").count()
    made: list[_Course] = []
    rows: dict[type[models.Model], list[models.Model]] = {
        m: [] for m in (Objective, Course, Unit, Lesson, LessonVersion, Question)
    }
    for n in range(offset, offset + scale.courses):
        # The showcase course (the first) is there from the start.
        published = START if n == 0 else _when(rng, START, END - dt.timedelta(days=90))
        course = Course(
            pk=run.pk(Course),
            slug=f"scale-course-{n:04d}",
            audience=rng.choice(Audience.values),
            level=rng.choice(Level.values),
            topics=rng.sample(Topic.values, 2),
            sdgs=[rng.choice([4, 8, 9, 17])],
            minutes=10 * scale.lessons_per_course,
            languages=["en", "ko", "th"],
            title={
                "en": f"{_title(rng, 'en', 4)} ({n})",
                "ko": _title(rng, "ko", 4),
                "th": _title(rng, "th", 4),
            },
            summary={"en": _sentence(rng, "en", 25), "ko": _sentence(rng, "ko", 15)},
            status=Status.PUBLISHED,
            author=people.educator,
            published_at=published,
            created_at=published,
            updated_at=published,
        )
        rows[Course].append(course)
        objectives = []
        for k in range(3):
            objective = Objective(
                pk=run.pk(Objective),
                code=f"SC{n:05d}{k}",
                topic=course.topics[0],
                title={"en": _title(rng, "en", 4)},
                audiences=[course.audience],
            )
            rows[Objective].append(objective)
            objectives.append(objective.pk)
        units = []
        for u in range(2):
            unit = Unit(pk=run.pk(Unit), course=course, position=u, title={"en": _title(rng)})
            rows[Unit].append(unit)
            units.append(unit)
        lessons, questions = [], []
        for position in range(scale.lessons_per_course):
            lesson_pk, version_pk = run.pk(Lesson), run.pk(LessonVersion)
            rows[Lesson].append(
                Lesson(
                    pk=lesson_pk,
                    course=course,
                    unit=units[position * 2 // scale.lessons_per_course],
                    slug=f"lesson-{position:02d}",
                    position=position,
                    published_version_id=version_pk,
                    latest_version_id=version_pk,
                )
            )
            rows[LessonVersion].append(
                LessonVersion(
                    pk=version_pk,
                    lesson_id=lesson_pk,
                    number=1,
                    status=Status.PUBLISHED,
                    title={"en": _title(rng, "en", 4), "ko": _title(rng, "ko", 3)},
                    minutes=rng.randint(5, 15),
                    body={
                        "en": "\n\n".join(_sentence(rng, "en", 40) for _ in range(3)),
                        "ko": _sentence(rng, "ko", 40),
                    },
                    key_points={"en": [_sentence(rng, "en", 8) for _ in range(3)]},
                    objectives=[f"SC{n:05d}{k}" for k in range(3)],
                    author=people.educator,
                    created_at=published,
                    published_at=published,
                )
            )
            lessons.append(lesson_pk)
            for q in range(scale.questions_per_lesson):
                question = _question(
                    run, course, lesson_pk, objectives[(position + q) % 3], f"q-{position}-{q}", q
                )
                rows[Question].append(question)
                questions.append((question.pk, lesson_pk, question.objective_id))
        made.append(_Course(course.pk, published, lessons, questions, objectives))
        if len(rows[Question]) >= BATCH:
            for model, pending in rows.items():
                _bulk(model, pending)
    if extend:
        # The showcase lesson gets more questions too.
        lesson = Lesson.objects.get(course__slug=SHOWCASE_COURSE, slug="lesson-00")
        showcase = Course.objects.get(slug=SHOWCASE_COURSE)
        objective = Objective.objects.get(code="SC000000")
        for q in range(scale.questions_per_lesson):
            rows[Question].append(
                _question(run, showcase, lesson.pk, objective.pk, f"q-{offset}-{q}", q + offset)
            )
    for model, pending in rows.items():
        _bulk(model, pending)
    return made


def _question(run: _Run, course: Any, lesson: int, objective: int, key: str, position: int) -> Any:
    from ipcoop.academy.models import Question, QuestionType

    rng = run.rng
    single = rng.random() < 0.5
    return Question(
        pk=run.pk(Question),
        course=course,
        lesson_id=lesson,
        objective_id=objective,
        key=key,
        position=position,
        type=QuestionType.SINGLE if single else QuestionType.TRUE_FALSE,
        difficulty=rng.randint(1, 3),
        prompt={"en": f"{_title(rng, 'en', 8)}?", "ko": f"{_title(rng, 'ko', 6)}?"},
        choices=(
            [
                {"text": {"en": _title(rng, "en", 3)}, "correct": c == 0}
                for c in range(rng.randint(3, 4))
            ]
            if single
            else []
        ),
        answer=None if single else rng.random() < 0.5,
        feedback={"en": _sentence(rng, "en", 12)},
        published=True,
    )


def fold_reviews(learner: Any) -> int:
    """Fold all the learner's answers into review cards, as the dashboard visits they
    would have made did (other generated learners' answers are left for their first
    visit, a thousand at a time). Returns how many were folded."""
    from ipcoop.academy.learning import sync_reviews

    total = 0
    while folded := sync_reviews(learner=learner):
        total += folded
    return total


def _attempts(
    run: _Run, scale: Scale, learners: list[int], courses: list[_Course], people: _People
) -> None:
    from ipcoop.academy.models import (
        Attempt,
        LessonProgress,
        ObjectiveProgress,
        ProgressStatus,
    )

    rng = run.rng
    if not learners or not courses:
        return
    follows = {}
    for pk in learners:
        mine = [rng.randrange(len(courses))]
        if rng.random() < 0.2:
            mine.append(rng.randrange(len(courses)))
        follows[pk] = mine
    # The learner of the key pages follows the first (up to) three courses of this portion.
    follows[people.learner.pk] = list(range(min(3, len(courses))))
    columns = [
        "learner_id",
        "question_id",
        "lesson_id",
        "answer",
        "correct",
        "time_ms",
        "created_at",
        "idempotency_key",
        "scheduled",
    ]
    learner_ids = [*learners, people.learner.pk]

    def rows() -> Iterator[tuple]:
        for n in range(scale.attempts):
            learner = people.learner.pk if n % 50 == 0 else rng.choice(learner_ids)
            course = courses[rng.choice(follows[learner])]
            question, lesson, _objective = rng.choice(course.questions)
            correct = rng.random() < 0.7
            yield (
                learner,
                question,
                lesson,
                '{"choice": 0}',
                correct,
                rng.randint(2_000, 60_000),
                _when(rng, course.published_at),
                uuid.UUID(int=rng.getrandbits(128), version=4),
                False,
            )
            if n and n % 500_000 == 0:
                run.progress(f"  {n} attempts")

    with transaction.atomic():
        _copy(Attempt, columns, rows())
    progress_columns = [
        "learner_id",
        "lesson_id",
        "course_id",
        "status",
        "started_at",
        "completed_at",
        "updated_at",
    ]
    mastery_columns = [
        "learner_id",
        "objective_id",
        "answered",
        "correct",
        "last_practised",
        "mastery",
        "mastered_at",
    ]
    progress, mastered = [], []
    with transaction.atomic():
        for learner, mine in follows.items():
            for index in dict.fromkeys(mine):
                course = courses[index]
                done = rng.randint(1, len(course.lessons))
                if learner == people.learner.pk:
                    done = max(1, len(course.lessons) - 1)
                for position, lesson in enumerate(course.lessons[:done]):
                    when = _when(rng, course.published_at)
                    finished = position < done - 1 or rng.random() < 0.5
                    status = ProgressStatus.COMPLETED if finished else ProgressStatus.IN_PROGRESS
                    progress.append(
                        (learner, lesson, course.pk, status, when, when if finished else None, when)
                    )
                for objective in course.objectives:
                    if learner == people.learner.pk or rng.random() < 0.4:
                        answered = rng.randint(2, 12)
                        correct = rng.randint(1, answered)
                        when = _when(rng, course.published_at)
                        share = correct / answered
                        mastered.append(
                            (
                                learner,
                                objective,
                                answered,
                                correct,
                                when,
                                round(share, 3),
                                when if share > 0.9 else None,
                            )
                        )
            if len(progress) >= 10 * BATCH:
                _copy(LessonProgress, progress_columns, progress)
                progress.clear()
            if len(mastered) >= 10 * BATCH:
                _copy(ObjectiveProgress, mastery_columns, mastered)
                mastered.clear()
        _copy(LessonProgress, progress_columns, progress)
        _copy(ObjectiveProgress, mastery_columns, mastered)


def _links(model: type[models.Model], name: str, pairs: list[tuple[int, int]]) -> None:
    """Write many-to-many rows (source pk, target pk) of ``model.name``; empties pairs."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    through.objects.bulk_create(
        [through(**{source: a, target: b}) for a, b in pairs], batch_size=BATCH
    )
    pairs.clear()


def _shared(rng: random.Random, owner: Any, offices: list[Any]) -> tuple[str, list[int]]:
    """A visibility and, for "selected", the offices it is shared with."""
    visibility = rng.choices(["public", "offices", "selected", "own"], [4, 4, 1, 1])[0]
    if visibility != "selected":
        return visibility, []
    others = [o.pk for o in offices if o.pk != owner.pk]
    return visibility, rng.sample(others, rng.randint(1, 3))


# Exchange ------------------------------------------------------------------------


def _practice(run: _Run, scale: Scale, offices: list[Any], people: _People) -> list[int]:
    from ipcoop.exchange.choices import Area, Right
    from ipcoop.exchange.practice.models import (
        Answer,
        OfficePosition,
        PositionVersion,
        PracticeQuestion,
    )

    rng = run.rng
    offset = PracticeQuestion.objects.filter(slug__startswith="scale-practice-").count()
    questions, positions, versions = [], [], []
    with _own_times(PracticeQuestion, OfficePosition, PositionVersion):
        for n in range(offset, offset + scale.practice_questions):
            created = _when(rng, START, END - dt.timedelta(days=365))
            question = PracticeQuestion(
                pk=run.pk(PracticeQuestion),
                slug=f"scale-practice-{n:04d}",
                question=f"{_title(rng, 'en', 8)} ({n})?",
                area=rng.choice(Area.values),
                right=rng.choice(Right.values),
                ipc_symbols=rng.sample(IPC, 2),
                nice_classes=[rng.randint(1, 45)],
                explanation=_sentence(rng, "en", 40),
                order=100 + n,
                created_at=created,
            )
            questions.append(question)
            # Eleven of the twelve offices have stated a position (one has not yet).
            for office in rng.sample(offices, 11):
                when = _when(rng, created)
                fields_ = {
                    "answer": rng.choice(Answer.values),
                    "summary": _sentence(rng, "en", 30),
                    "legal_basis": f"Article {rng.randint(1, 120)}",
                    "source_title": f"{office.short_name} {_title(rng, 'en', 3)}",
                    "source_url": f"https://example.org/{office.slug}/{n}",
                    "effective_date": when.date(),
                    "visibility": rng.choice(["offices", "public", "public"]),
                    "version": 1,
                }
                position = OfficePosition(
                    pk=run.pk(OfficePosition),
                    question=question,
                    office=office,
                    created_at=when,
                    updated_at=when,
                    **fields_,
                )
                positions.append(position)
                versions.append(PositionVersion(position=position, created_at=when, **fields_))
        PracticeQuestion.objects.bulk_create(questions, batch_size=BATCH)
        OfficePosition.objects.bulk_create(positions, batch_size=BATCH)
        PositionVersion.objects.bulk_create(versions, batch_size=BATCH)
    return [q.pk for q in questions]


def _updates(run: _Run, scale: Scale, offices: list[Any], people: _People) -> list[int]:
    from ipcoop.exchange.updates.models import Kind, PolicyUpdate, Tag, UpdateTag

    rng = run.rng
    made, pending, tags, shared = [], [], [], []
    for n in range(scale.policy_updates):
        office = rng.choice(offices)
        visibility, with_ = _shared(rng, office, offices)
        created = START + dt.timedelta(seconds=(n + rng.random()) * SPAN / scale.policy_updates)
        language = rng.choice(["en", "en", "en", "ko", "th", "vi", "id"])
        update = PolicyUpdate(
            pk=run.pk(PolicyUpdate),
            office=office,
            visibility=visibility,
            kind=rng.choice(Kind.values),
            title=_title(rng, language, 7)[:200],
            summary=_sentence(rng, language, 30)[:600],
            body="\n\n".join(_sentence(rng, language, 50) for _ in range(rng.randint(1, 4))),
            effective_date=(created + dt.timedelta(days=rng.randint(0, 180))).date(),
            source_url=f"https://example.org/{office.slug}/updates/{n}",
            created_at=created,
            updated_at=created,
        )
        pending.append(update)
        made.append(update.pk)
        tags += [UpdateTag(update=update, tag=t) for t in rng.sample(Tag.values, 2)]
        shared += [(update.pk, org) for org in with_]
        if len(pending) == BATCH:
            with transaction.atomic():
                _bulk(PolicyUpdate, pending)
                UpdateTag.objects.bulk_create(tags, batch_size=BATCH)
                tags.clear()
                _links(PolicyUpdate, "shared_with", shared)
    with transaction.atomic():
        _bulk(PolicyUpdate, pending)
        UpdateTag.objects.bulk_create(tags, batch_size=BATCH)
        _links(PolicyUpdate, "shared_with", shared)
    return made


# Work-sharing --------------------------------------------------------------------


def _number(slug: str, code: str, year: int, serial: int) -> str:
    from ipcoop.worksharing.demo import OFFICES, application_number

    if slug in OFFICES:
        return application_number(slug, year, serial)
    return f"{code}{year}{serial:07d}"


def _worksharing(run: _Run, scale: Scale, offices: list[Any], extend: bool) -> None:
    from ipcoop.lib.worksharing import compact
    from ipcoop.worksharing.models import Application, Citation, FamilyKey, WorkProduct

    rng = run.rng
    by_slug = {o.slug: o for o in offices}
    serial = Application.objects.count() + 1
    showcase_family, showcase_key = None, ""
    if extend:
        first = Application.objects.select_related("office").order_by("pk").first()
        if first is not None:
            showcase_family = first.family_id
            showcase_key = f"{first.office.code}:{first.number_normalised}"
    apps, shared, keys, products, citations = [], [], [], [], []
    key_columns = ["application_id", "key"]
    product_columns = [
        "id",
        "application_id",
        "kind",
        "date",
        "examiner_office_id",
        "summary",
        "action_type",
        "outcome",
        "claims_objected",
        "grounds",
        "decision",
        "granted_claims",
        "created_at",
    ]
    citation_columns = [
        "work_product_id",
        "document_number",
        "document_normalised",
        "kind_code",
        "npl_text",
        "category",
        "claims",
        "passages",
    ]

    def flush() -> None:
        with transaction.atomic():
            _bulk(Application, apps)
            _links(Application, "shared_with", shared)
            _copy(FamilyKey, key_columns, keys)
            _copy(WorkProduct, product_columns, products)
            _copy(Citation, citation_columns, citations)
        for pending in (keys, products, citations):
            pending.clear()

    made = 0
    first_family = True
    while made < scale.applications:
        year = rng.randint(2017, 2025)
        if first_family:
            members = [by_slug[s] for s in SHOWCASE_OFFICES]
        else:
            members = rng.sample(offices, min(rng.randint(1, 6), scale.applications - made))
        pct = f"PCT/KR{year}/{serial:06d}" if rng.random() < 0.4 or first_family else ""
        ipc = rng.sample(IPC, 2)
        title = _title(rng, "en", 7)
        pool = [f"US {rng.randint(9_000_000, 12_000_000)} B2" for _ in range(4)]
        pool.append(f"KR 10-{rng.randint(1_000_000, 2_999_999)} B1")
        root_key, family_id = "", None
        if first_family and showcase_family is not None:
            root_key, family_id = showcase_key, showcase_family
        for position, office in enumerate(members):
            pk = run.pk(Application)
            number = _number(office.slug, office.code, year, serial)
            serial += 1
            normalised = compact(number)
            if family_id is None:
                family_id = pk
            visibility = (
                "offices" if first_family else rng.choice(["offices"] * 8 + ["selected", "own"])
            )
            filed = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            created = dt.datetime.combine(filed, dt.time(9), tzinfo=dt.UTC)
            apps.append(
                Application(
                    pk=pk,
                    office=office,
                    visibility=visibility,
                    number=number,
                    number_normalised=normalised,
                    filing_date=filed,
                    title=title if position == 0 or rng.random() < 0.7 else _title(rng, "en", 7),
                    applicant=f"{rng.choice(['Hanbit', 'Siam', 'Lotus', 'Merlion', 'Garuda'])} "
                    f"{rng.choice(['Robotics', 'Ledger', 'Vision', 'Labs'])} Co., Ltd.",
                    ipc_symbols=ipc,
                    technology_area=AREA_OF_IPC.get(ipc[0][:4], "other"),
                    pct_application_number=pct,
                    pct_number_normalised=compact(pct),
                    status=rng.choice(["pending", "pending", "granted", "refused", "withdrawn"]),
                    family_id=family_id,
                    created_at=created,
                    updated_at=created,
                )
            )
            if visibility == "selected":
                others = [o.pk for o in offices if o.pk != office.pk]
                shared += [(pk, org) for org in rng.sample(others, 2)]
            own_key = f"{office.code}:{normalised}"
            keys.append((pk, own_key))
            if not root_key:
                root_key = own_key
            elif root_key != own_key:
                keys.append((pk, root_key))
            if pct:
                keys.append((pk, f"PCT:{compact(pct)}"))
            report = run.pk(WorkProduct)
            report_date = filed + dt.timedelta(days=rng.randint(200, 600))
            products.append(
                (
                    report,
                    pk,
                    "search_report",
                    report_date,
                    office.pk,
                    _sentence(rng, "en", 15),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    created,
                )
            )
            for document in rng.sample(pool, min(scale.citations_per_report, len(pool))):
                number_, kind = document.rsplit(" ", 1)
                citations.append(
                    (
                        report,
                        document,
                        compact(number_),
                        kind,
                        "",
                        rng.choice("XYA"),
                        f"1-{rng.randint(2, 12)}",
                        f"paragraph [{rng.randint(10, 90):04d}]",
                    )
                )
            if rng.random() < 0.5 or first_family:
                products.append(
                    (
                        run.pk(WorkProduct),
                        pk,
                        "office_action",
                        report_date + dt.timedelta(days=rng.randint(30, 300)),
                        office.pk,
                        _sentence(rng, "en", 20),
                        "Notice of grounds for rejection",
                        "Objections raised",
                        "1-5",
                        _sentence(rng, "en", 25),
                        "",
                        "",
                        created,
                    )
                )
            made += 1
        first_family = False
        if len(apps) >= BATCH:
            flush()
            if made % 100_000 < BATCH:
                run.progress(f"  {made} applications")
    flush()


# Cooperation ---------------------------------------------------------------------


def _proposals(
    run: _Run, scale: Scale, orgs: dict[str, Any], offices: list[Any], people: _People
) -> list[int]:
    from ipcoop.exchange.choices import Area
    from ipcoop.projects.models import ActionItem, ActionStatus, Milestone, ProgressReport, Project
    from ipcoop.proposals.models import (
        SDG,
        Endorsement,
        Pillar,
        Position,
        Proposal,
        ProposalSdg,
        ProposalVersion,
        State,
        Transition,
    )

    rng = run.rng
    kipo = orgs["kr-kipo"]
    rows: dict[type[models.Model], list[models.Model]] = {
        m: []
        for m in (
            Proposal,
            ProposalVersion,
            ProposalSdg,
            Transition,
            Endorsement,
            Project,
            Milestone,
            ActionItem,
            ProgressReport,
        )
    }
    proposing, participating, partners = [], [], []
    made = []
    now = END
    for n in range(scale.proposals):
        created = START + dt.timedelta(seconds=(n + rng.random()) * SPAN / scale.proposals)
        # KIPO takes part in half of them, so its policy officer sees a full page.
        lead = kipo if n % 2 == 0 else rng.choice(offices)
        members = [lead, *rng.sample([o for o in offices if o != lead], rng.randint(2, 7))]
        opened = created + dt.timedelta(days=rng.randint(3, 30))
        deadline = opened + dt.timedelta(days=rng.randint(30, 90))
        if deadline > now:
            state = rng.choice([State.DRAFT, State.OPEN, State.OPEN])
        else:
            state = rng.choices([State.ADOPTED, State.NOT_ADOPTED, State.WITHDRAWN], [6, 3, 1])[0]
        decided = deadline if state in (State.ADOPTED, State.NOT_ADOPTED) else None
        texts = {
            "title": f"{_title(rng, 'en', 6)} ({n})"[:200],
            "problem": _sentence(rng, "en", 40),
            "activity": _sentence(rng, "en", 50),
            "outcome": _sentence(rng, "en", 30),
            "budget": f"USD {rng.randint(5, 200) * 1000}",
        }
        proposal = Proposal(
            pk=run.pk(Proposal),
            pillar=rng.choice(Pillar.values),
            area=rng.choice(Area.values),
            deadline=deadline,
            silence_rule=rng.choice(["consent", "no_decision"]),
            visibility=rng.choice(["participants", "offices", "offices", "public"]),
            state=state,
            version=1,
            created_by=people.policy_officer if lead == kipo else None,
            created_at=created,
            updated_at=decided or created,
            opened_at=None if state == State.DRAFT else opened,
            decided_at=decided,
            **texts,
        )
        rows[Proposal].append(proposal)
        made.append(proposal.pk)
        rows[ProposalVersion].append(
            ProposalVersion(proposal=proposal, number=1, created_at=created, **texts)
        )
        for goal in rng.sample(SDG.values, 2):
            rows[ProposalSdg].append(ProposalSdg(proposal=proposal, goal=goal))
        proposing.append((proposal.pk, lead.pk))
        participating += [(proposal.pk, o.pk) for o in members]
        rows[Transition].append(
            Transition(proposal=proposal, to_state=State.DRAFT, reason="Drafted", at=created)
        )
        if state != State.DRAFT:
            rows[Transition].append(
                Transition(
                    proposal=proposal,
                    from_state=State.DRAFT,
                    to_state=State.OPEN,
                    reason="Opened for endorsement",
                    at=opened,
                )
            )
            for office in members:
                if state == State.OPEN and rng.random() < 0.4:
                    continue
                rows[Endorsement].append(
                    Endorsement(
                        proposal=proposal,
                        office=office,
                        version=1,
                        position=(
                            Position.SUPPORT
                            if state == State.ADOPTED
                            else rng.choice(Position.values)
                        ),
                        text=_sentence(rng, "en", 10) if rng.random() < 0.3 else "",
                        created_at=_when(rng, opened, deadline),
                    )
                )
        if state not in (State.DRAFT, State.OPEN):
            rows[Transition].append(
                Transition(
                    proposal=proposal,
                    from_state=State.OPEN,
                    to_state=state,
                    reason="Deadline passed",
                    at=deadline,
                )
            )
        if state == State.ADOPTED:
            start = (deadline + dt.timedelta(days=rng.randint(10, 60))).date()
            project = Project(
                pk=run.pk(Project),
                proposal=proposal,
                title=texts["title"],
                lead_office=lead,
                start_date=start,
                end_date=start + dt.timedelta(days=rng.randint(180, 900)),
                created_by=proposal.created_by,
                created_at=deadline,
            )
            rows[Project].append(project)
            partners += [(project.pk, o.pk) for o in members[1:]]
            span = (project.end_date - start).days
            for k in range(rng.randint(2, 4)):
                due = start + dt.timedelta(days=span * (k + 1) // 4)
                done = due < now.date() and rng.random() < 0.8
                rows[Milestone].append(
                    Milestone(
                        project=project,
                        title=_title(rng, "en", 4),
                        due_date=due,
                        done=done,
                        done_at=dt.datetime.combine(due, dt.time(12), tzinfo=dt.UTC)
                        if done
                        else None,
                    )
                )
            for _k in range(rng.randint(2, 5)):
                due = start + dt.timedelta(days=rng.randint(10, span))
                status = rng.choice(ActionStatus.values)
                rows[ActionItem].append(
                    ActionItem(
                        project=project,
                        title=_title(rng, "en", 5),
                        owner_office=rng.choice(members),
                        due_date=due,
                        status=status,
                        percent_done={"done": 100, "not_started": 0}.get(
                            status, rng.randint(10, 90)
                        ),
                        updated_at=dt.datetime.combine(start, dt.time(12), tzinfo=dt.UTC),
                    )
                )
            rows[ProgressReport].append(
                ProgressReport(
                    project=project,
                    text=_sentence(rng, "en", 40),
                    date=start + dt.timedelta(days=span // 2),
                    office=lead,
                    created_at=dt.datetime.combine(start, dt.time(12), tzinfo=dt.UTC),
                )
            )
    for model, pending in rows.items():
        model.objects.bulk_create(pending, batch_size=BATCH)
        if model is Proposal:
            _links(Proposal, "proposing_offices", proposing)
            _links(Proposal, "participating_offices", participating)
        if model is Project:
            _links(Project, "partner_offices", partners)
    return made


def _meetings(
    run: _Run,
    scale: Scale,
    orgs: dict[str, Any],
    offices: list[Any],
    questions: list[int],
    updates: list[int],
    proposals: list[int],
) -> None:
    from ipcoop.meetings.models import AgendaItem, Attendance, Meeting, MeetingSeries

    rng = run.rng
    organisers = [*offices, orgs["asean-secretariat"], orgs["asean-ip-academy"]]
    offset = MeetingSeries.objects.filter(slug__startswith="scale-series-").count()
    series = [
        MeetingSeries(
            slug=f"scale-series-{offset + k:02d}",
            title=f"{_title(rng, 'en', 3)} working group",
            description=_sentence(rng, "en", 20),
            frequency="monthly",
            organiser=rng.choice(organisers),
            created_at=START,
        )
        for k in range(4)
    ]
    MeetingSeries.objects.bulk_create(series)
    meetings, participants, agenda, attendance = [], [], [], []
    agenda_questions, agenda_updates, agenda_proposals = [], [], []
    zones = ["Asia/Seoul", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore", "Asia/Manila"]
    for n in range(scale.meetings):
        starts = START + dt.timedelta(seconds=(n + rng.random()) * SPAN / scale.meetings)
        starts = starts.replace(minute=0, second=0, microsecond=0)
        kind = rng.choice(["online", "online", "in_person", "hybrid"])
        organiser = rng.choice(organisers)
        meeting = Meeting(
            pk=run.pk(Meeting),
            title=f"{_title(rng, 'en', 5)} ({n})",
            series=rng.choice(series) if rng.random() < 0.5 else None,
            description=_sentence(rng, "en", 30),
            format=kind,
            link="https://meet.example.org/" + str(n) if kind != "in_person" else "",
            venue="" if kind == "online" else f"{organiser.short_name} headquarters",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=rng.choice([1, 2, 3])),
            time_zone=rng.choice(zones),
            organiser=organiser,
            visibility=rng.choice(["participants", "offices", "offices", "public"]),
            status="cancelled" if rng.random() < 0.05 else "scheduled",
            created_at=starts - dt.timedelta(days=30),
            updated_at=starts - dt.timedelta(days=30),
        )
        meetings.append(meeting)
        members = {organiser.pk, *(o.pk for o in rng.sample(offices, rng.randint(2, 8)))}
        participants += [(meeting.pk, o) for o in sorted(members)]
        for order in range(rng.randint(2, 4)):
            item = AgendaItem(
                pk=run.pk(AgendaItem),
                meeting=meeting,
                order=order,
                title=_title(rng, "en", 5),
                duration_minutes=rng.choice([10, 15, 20, 30]),
            )
            agenda.append(item)
            if questions and rng.random() < 0.3:
                agenda_questions.append((item.pk, rng.choice(questions)))
            if updates and rng.random() < 0.3:
                agenda_updates.append((item.pk, rng.choice(updates)))
            if proposals and rng.random() < 0.3:
                agenda_proposals.append((item.pk, rng.choice(proposals)))
        if starts < END - dt.timedelta(days=30):
            attendance += [
                Attendance(
                    meeting=meeting, office_id=o, registered=True, attended=rng.random() < 0.9
                )
                for o in sorted(members)
            ]
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    _links(Meeting, "participants", participants)
    AgendaItem.objects.bulk_create(agenda, batch_size=BATCH)
    _links(AgendaItem, "practice_questions", agenda_questions)
    _links(AgendaItem, "policy_updates", agenda_updates)
    _links(AgendaItem, "proposals", agenda_proposals)
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)


# Search --------------------------------------------------------------------------


def _search_index(run: _Run) -> None:
    """Every generated item in the index, through the index's own rebuild (the documents
    exactly as the services write them)."""
    from ipcoop.search.services import rebuild_index

    step = {"next": 100_000}

    def report(done: int, total: int) -> None:
        if done >= step["next"]:
            run.progress(f"  {done}/{total} search documents")
            step["next"] += 100_000

    rebuild_index(batch_size=2_000, progress=report)


def row_counts() -> dict[str, int]:
    """Rows in each table of generated data (for the command's report and tests)."""
    from django.apps import apps

    labels = [
        "people.User",
        "academy.Course",
        "academy.Lesson",
        "academy.Question",
        "academy.Attempt",
        "academy.LessonProgress",
        "academy.ObjectiveProgress",
        "practice.PracticeQuestion",
        "practice.OfficePosition",
        "updates.PolicyUpdate",
        "worksharing.Application",
        "worksharing.FamilyKey",
        "worksharing.WorkProduct",
        "worksharing.Citation",
        "proposals.Proposal",
        "proposals.Endorsement",
        "projects.Project",
        "projects.Milestone",
        "projects.ActionItem",
        "meetings.Meeting",
        "search.SearchDocument",
    ]
    return {label: apps.get_model(label).objects.count() for label in labels}
