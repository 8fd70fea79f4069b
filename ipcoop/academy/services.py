"""What happens in the Academy: answers checked and recorded, progress kept,
courses, lessons and questions written, reviewed and published.

Pages, the API and console commands call these functions; none decides on its own.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.academy.i18n import content_languages
from ipcoop.academy.models import (
    Attempt,
    Course,
    Lesson,
    LessonProgress,
    LessonVersion,
    Objective,
    ObjectiveProgress,
    ProgressStatus,
    Question,
    QuestionType,
    Status,
    Unit,
)
from ipcoop.academy.package import RESERVED_COURSE_SLUGS, RESERVED_LESSON_SLUGS, SLUG
from ipcoop.search.services import index_item as index_for_search
from ipcoop.web.generations import writes_of_learner

# Checking answers -------------------------------------------------------------------


def normalise_text(value: str) -> str:
    """Case and spacing do not count: "  Trade   Mark " equals "trade mark"."""
    return " ".join(str(value).split()).casefold()


def clean_answer(question: Question, answer: Any) -> dict:
    """The answer in its stored shape, or ValidationError saying what to send.

    single: {"choice": i}; multiple: {"choices": [i, ...]}; true_false: {"value": bool};
    matching: {"matches": [right index for each left item]}; short_answer: {"text": "..."}.
    """
    if not isinstance(answer, dict):
        raise ValidationError(_("Send the answer as an object."))
    kind = question.type
    try:
        if kind == QuestionType.SINGLE:
            choice = int(answer["choice"])
            if not 0 <= choice < len(question.choices):
                raise ValueError
            return {"choice": choice}
        if kind == QuestionType.MULTIPLE:
            choices = sorted({int(c) for c in answer["choices"]})
            if any(not 0 <= c < len(question.choices) for c in choices):
                raise ValueError
            return {"choices": choices}
        if kind == QuestionType.TRUE_FALSE:
            value = answer["value"]
            if isinstance(value, str):
                value = {"true": True, "false": False}[value.lower()]
            if not isinstance(value, bool):
                raise ValueError
            return {"value": value}
        if kind == QuestionType.MATCHING:
            matches = [int(m) for m in answer["matches"]]
            if len(matches) != len(question.pairs) or any(
                not 0 <= m < len(question.pairs) for m in matches
            ):
                raise ValueError
            return {"matches": matches}
        if kind == QuestionType.SHORT_ANSWER:
            text = answer["text"]
            if not isinstance(text, str) or not text.strip() or len(text) > 500:
                raise ValueError
            return {"text": text.strip()}
    except (KeyError, ValueError, TypeError):
        pass
    raise ValidationError(_("Choose or write an answer before checking it."))


def is_correct(question: Question, answer: dict) -> bool:
    kind = question.type
    if kind == QuestionType.SINGLE:
        return bool(question.choices[answer["choice"]]["correct"])
    if kind == QuestionType.MULTIPLE:
        right = [i for i, c in enumerate(question.choices) if c["correct"]]
        return answer["choices"] == right
    if kind == QuestionType.TRUE_FALSE:
        return answer["value"] == question.answer
    if kind == QuestionType.MATCHING:
        return answer["matches"] == list(range(len(question.pairs)))
    if kind == QuestionType.SHORT_ANSWER:
        given = normalise_text(answer["text"])
        return any(
            normalise_text(accepted) == given
            for answers in question.accepted.values()
            for accepted in answers
        )
    return False


def shuffled_rights(question: Question) -> list[int]:
    """The order in which a matching question offers its right sides: shuffled, but
    the same for the same question (so a page re-rendered after a post matches)."""
    order = list(range(len(question.pairs)))
    random.Random(f"{question.pk}:{question.key}").shuffle(order)  # noqa: S311
    return order


# Recording attempts and progress ----------------------------------------------------


@dataclass
class AttemptResult:
    attempt: Attempt
    created: bool
    objective_progress: ObjectiveProgress
    lesson_progress: LessonProgress
    # False when nothing was written (access.may_store_learning refused): the rows
    # above are unsaved and describe this answer alone.
    stored: bool = True


@writes_of_learner
def record_attempt(
    *,
    learner: Any,
    question: Question,
    answer: Any,
    idempotency_key: Any,
    time_ms: int | None = None,
) -> AttemptResult:
    """Check an answer and record it once.

    Side effects, in one transaction: an ``Attempt`` (learner, question, its lesson,
    the answer, whether it is right, time taken); the learner's ``ObjectiveProgress``
    for the question's objective (answered, correct, last practised) and
    ``LessonProgress`` (in progress unless completed). The same idempotency key sent
    again by the same learner (double click, retry) records nothing and returns the
    attempt stored the first time, also when two requests race. For a learner whose
    learning may not be stored (``access.may_store_learning``: a child whose parent's
    consent is not recorded) the answer is checked and nothing is written.
    Raises ValidationError for a malformed key or answer.
    """
    try:
        key = uuid.UUID(str(idempotency_key))
    except ValueError:
        raise ValidationError(
            _("The form is out of date: reload the page and answer again.")
        ) from None
    if time_ms is not None:
        time_ms = max(0, min(int(time_ms), 24 * 3600 * 1000))
    if not access.may_store_learning(learner):
        cleaned = clean_answer(question, answer)
        now = timezone.now()
        attempt = Attempt(
            learner=learner,
            question=question,
            lesson_id=question.lesson_id,
            answer=cleaned,
            correct=is_correct(question, cleaned),
            time_ms=time_ms,
            idempotency_key=key,
            created_at=now,
        )
        objective = ObjectiveProgress(
            learner=learner,
            objective_id=question.objective_id,
            answered=1,
            correct=int(attempt.correct),
            last_practised=now,
        )
        lesson = LessonProgress(
            learner=learner,
            lesson_id=question.lesson_id,
            course_id=question.course_id,
            updated_at=now,
        )
        return AttemptResult(attempt, False, objective, lesson, stored=False)
    stored = _stored_attempt(learner, key)
    if stored is not None:
        return stored
    cleaned = clean_answer(question, answer)
    correct = is_correct(question, cleaned)
    for retry in (False, True):
        try:
            with transaction.atomic():
                attempt = Attempt.objects.create(
                    learner=learner,
                    question=question,
                    lesson_id=question.lesson_id,
                    answer=cleaned,
                    correct=correct,
                    time_ms=time_ms,
                    idempotency_key=key,
                )
                objective = _count_answer(
                    learner, question.objective_id, correct, attempt.created_at
                )
                lesson = _touch_lesson(learner, question.lesson_id, question.course_id)
            return AttemptResult(attempt, True, objective, lesson)
        except IntegrityError:
            # The same key stored meanwhile by a concurrent request: answer with it.
            stored = _stored_attempt(learner, key)
            if stored is not None:
                return stored
            # Otherwise a progress row was created concurrently: try once more.
            if retry:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _stored_attempt(learner: Any, key: uuid.UUID) -> AttemptResult | None:
    attempt = Attempt.objects.filter(learner=learner, idempotency_key=key).first()
    if attempt is None:
        return None
    objective = ObjectiveProgress.objects.get(
        learner=learner, objective_id=attempt.question.objective_id
    )
    lesson = LessonProgress.objects.get(learner=learner, lesson_id=attempt.lesson_id)
    return AttemptResult(attempt, False, objective, lesson)


def _count_answer(learner: Any, objective_id: int, correct: bool, when: Any) -> ObjectiveProgress:
    """The one place an answer updates what we know of a learner's objective.

    Counts the answer and moves ``mastery`` (P(known), Bayesian Knowledge Tracing with
    the objective's parameters: the observation, then the learning transition);
    ``mastered_at`` is set when mastery reaches the threshold and emptied when it falls
    below. The row is locked so that two answers at once both count.
    """
    from ipcoop.lib import mastery

    locked = ObjectiveProgress.objects.select_for_update().select_related("objective")
    try:
        progress = locked.get(learner=learner, objective_id=objective_id)
        objective = progress.objective
    except ObjectiveProgress.DoesNotExist:
        # A concurrent first answer makes this insert fail: record_attempt tries again.
        objective = Objective.objects.get(pk=objective_id)
        progress = ObjectiveProgress.objects.create(
            learner=learner, objective=objective, mastery=objective.bkt_prior
        )
    p = mastery.update(progress.mastery, correct, objective.bkt)
    mastered_at = (progress.mastered_at or when) if mastery.is_mastered(p) else None
    ObjectiveProgress.objects.filter(pk=progress.pk).update(
        answered=F("answered") + 1,
        correct=F("correct") + (1 if correct else 0),
        last_practised=when,
        mastery=p,
        mastered_at=mastered_at,
    )
    progress.refresh_from_db()
    return progress


# How often a lesson opened again moves the learner's "last place" forward: opening
# the same lesson several times a minute writes once.
TOUCH_INTERVAL = timedelta(seconds=60)


def _touch_lesson(learner: Any, lesson_id: int, course_id: int) -> LessonProgress:
    progress, created = LessonProgress.objects.get_or_create(
        learner=learner,
        lesson_id=lesson_id,
        defaults={"course_id": course_id, "status": ProgressStatus.IN_PROGRESS},
    )
    now = timezone.now()
    if not created and progress.updated_at < now - TOUCH_INTERVAL:
        LessonProgress.objects.filter(pk=progress.pk).update(updated_at=now)
    return progress


@writes_of_learner
def start_lesson(*, learner: Any, lesson: Lesson) -> LessonProgress:
    """Side effects: the learner's progress on the lesson becomes "in progress"
    (unless already there or completed) and is marked as the last place visited.

    One statement at a time, outside a transaction: opening a lesson reads, and writes
    only for a first visit or a visit a minute after the last one (on SQLite a
    transaction would take the database's write lock on every lesson opened)."""
    return _touch_lesson(learner, lesson.pk, lesson.course_id)


@writes_of_learner
@transaction.atomic
def complete_lesson(*, learner: Any, lesson: Lesson) -> LessonProgress:
    """Side effects: the learner's progress on the lesson becomes "completed"."""
    progress = _touch_lesson(learner, lesson.pk, lesson.course_id)
    if progress.status != ProgressStatus.COMPLETED:
        progress.status = ProgressStatus.COMPLETED
        progress.completed_at = timezone.now()
        progress.save(update_fields=["status", "completed_at", "updated_at"])
    return progress


def lesson_statuses(learner: Any, lesson_ids: list[int]) -> dict[int, str]:
    if not getattr(learner, "is_authenticated", False):
        return {}
    return dict(
        LessonProgress.objects.filter(learner=learner, lesson_id__in=lesson_ids).values_list(
            "lesson_id", "status"
        )
    )


def course_percentages(learner: Any, courses: list[Course]) -> dict[int, int]:
    """Percent of each course's published lessons the learner completed (two queries)."""
    if not getattr(learner, "is_authenticated", False) or not courses:
        return {}
    ids = [c.pk for c in courses]
    totals = dict(
        Lesson.objects.filter(course_id__in=ids, published_version__isnull=False)
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    done = dict(
        LessonProgress.objects.filter(
            learner=learner,
            course_id__in=ids,
            status=ProgressStatus.COMPLETED,
            lesson__published_version__isnull=False,
        )
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    return {
        cid: round(100 * done.get(cid, 0) / totals[cid]) if totals.get(cid) else 0 for cid in ids
    }


def learner_progress(learner: Any) -> dict:
    """Everything the learner's dashboard and the API show: courses started (with
    percent and where to continue) and objectives practised. A fixed number of queries."""
    rows = list(
        LessonProgress.objects.filter(
            learner=learner,
            course__status=Status.PUBLISHED,
            lesson__published_version__isnull=False,
        )
        .select_related("course", "lesson__published_version")
        .order_by("-updated_at", "-pk")
    )
    courses: dict[int, Course] = {}
    last: dict[int, LessonProgress] = {}
    for row in rows:
        courses.setdefault(row.course_id, row.course)
        last.setdefault(row.course_id, row)
    percents = course_percentages(learner, list(courses.values()))
    objectives = list(
        ObjectiveProgress.objects.filter(learner=learner)
        .select_related("objective")
        .order_by("-last_practised")
    )
    return {
        "courses": [
            {"course": course, "percent": percents.get(cid, 0), "last": last[cid]}
            for cid, course in courses.items()
        ],
        "lessons": rows,
        "objectives": objectives,
    }


# Writing ----------------------------------------------------------------------------


def _require_author(by: Any) -> None:
    if not access.can_author_courses(by):
        raise PermissionDenied


def _lang(lang: str) -> str:
    if lang not in content_languages():
        raise ValidationError({"lang": _("Choose one of the platform's languages.")})
    return lang


def _set_text(field: dict, lang: str, value: str, name: str) -> dict:
    """A translated field with ``lang`` set; English may never be emptied."""
    value = (value or "").strip()
    result = dict(field or {})
    if value:
        result[lang] = value
    else:
        result.pop(lang, None)
    if not result.get("en"):
        raise ValidationError({name: _("Write the English text first: English is required.")})
    return result


@transaction.atomic
def save_course(
    *,
    by: Any,
    course: Course | None,
    lang: str,
    slug: str,
    title: str,
    summary: str,
    audience: str,
    level: str,
    topics: list[str],
    sdgs: list[int],
    minutes: int,
    languages: list[str],
) -> Course:
    """Create a course (a draft) or change one. Side effects: the course row; a
    published course stays published (its texts change at once)."""
    _require_author(by)
    lang = _lang(lang)
    if not SLUG.match(slug or "") or slug in RESERVED_COURSE_SLUGS:
        raise ValidationError(
            {"slug": _("Use lowercase letters, digits and single hyphens (not me or author).")}
        )
    clash = Course.objects.filter(slug=slug)
    if course is not None:
        clash = clash.exclude(pk=course.pk)
    if clash.exists():
        raise ValidationError({"slug": _("Another course uses this slug: choose another.")})
    if course is None:
        course = Course(author=by)
    course.slug = slug
    course.title = _set_text(course.title, lang, title, "title")
    course.summary = _set_text(course.summary, lang, summary, "summary")
    course.audience, course.level = audience, level
    course.topics, course.sdgs, course.minutes = topics, sorted(set(sdgs)), minutes
    course.languages = ["en", *[x for x in languages if x != "en"]]
    if course.status != Status.PUBLISHED:
        course.author = by
    course.save()
    index_for_search(course)
    return course


@transaction.atomic
def save_unit(*, by: Any, course: Course, unit: Unit | None, lang: str, title: str) -> Unit:
    """Create or rename a unit. Side effects: the unit row (new units go last)."""
    _require_author(by)
    if unit is None:
        unit = Unit(course=course, position=course.units.count())
    unit.title = _set_text(unit.title, _lang(lang), title, "title")
    unit.save()
    return unit


LESSON_TEXT_FIELDS = ("title", "body")


@transaction.atomic
def save_lesson(
    *,
    by: Any,
    unit: Unit,
    lesson: Lesson | None,
    lang: str,
    slug: str,
    title: str,
    body: str,
    key_points: list[str],
    minutes: int,
    objectives: list[str],
    sources: list[dict],
    video_url: str = "",
    transcript: str = "",
    images: list[tuple[str, str]] | None = None,
) -> LessonVersion:
    """Create a lesson or change its draft, in one language.

    Side effects: a new lesson gets version 1 (a draft). Changing a lesson whose
    latest version is published creates a new draft version (learners keep reading
    the published one); changing a version in review returns it to draft. The editor
    becomes the version's author (so cannot approve it).
    """
    _require_author(by)
    lang = _lang(lang)
    course = unit.course
    if not SLUG.match(slug or "") or slug in RESERVED_LESSON_SLUGS:
        raise ValidationError(
            {"slug": _("Use lowercase letters, digits and single hyphens (not files or complete).")}
        )
    clash = Lesson.objects.filter(course=course, slug=slug)
    if lesson is not None:
        clash = clash.exclude(pk=lesson.pk)
    if clash.exists():
        raise ValidationError({"slug": _("Another lesson of this course uses this slug.")})
    known = set(Objective.objects.filter(code__in=objectives).values_list("code", flat=True))
    unknown = [code for code in objectives if code not in known]
    if not objectives or unknown:
        raise ValidationError(
            {
                "objectives": _("List existing objective codes, e.g. PAT-101. Unknown: %s")
                % (", ".join(unknown) or "-")
            }
        )
    if minutes < 1:
        raise ValidationError({"minutes": _("Give the minutes the lesson takes (at least 1).")})
    if lesson is None:
        lesson = Lesson.objects.create(
            course=course,
            unit=unit,
            slug=slug,
            position=(
                course.lessons.order_by("-position").values_list("position", flat=True).first() or 0
            )
            + 1,
        )
        version = LessonVersion(lesson=lesson, number=1)
    else:
        lesson.slug = slug
        lesson.unit = unit
        latest = lesson.latest_version
        if latest is None or latest.status == Status.PUBLISHED:
            version = _copy_version(latest, lesson)
        else:
            version = latest
    version.title = _set_text(version.title, lang, title, "title")
    version.body = _set_text(version.body, lang, body, "body")
    points = [p.strip() for p in key_points if p.strip()]
    kp = dict(version.key_points or {})
    if points:
        kp[lang] = points
    else:
        kp.pop(lang, None)
    if not kp.get("en"):
        raise ValidationError({"key_points": _("Write the English key points first.")})
    version.key_points = kp
    version.minutes = minutes
    version.objectives = list(objectives)
    version.sources = sources
    if video_url:
        video = dict(version.video or {"transcript": {}})
        video["url"] = video_url
        video["transcript"] = _set_text(video.get("transcript"), lang, transcript, "transcript")
        version.video = {"url": video["url"], "transcript": video["transcript"]}
    else:
        version.video = None
    if images is not None:
        old = {image["src"]: image.get("alt", {}) for image in version.images or []}
        version.images = [
            {"src": src, "alt": _set_text(old.get(src, {}), lang, alt, "images")}
            for src, alt in images
        ]
    version.status = Status.DRAFT
    version.author = by
    version.submitted_at = None
    version.save()
    lesson.latest_version = version
    lesson.save()
    return version


def _copy_version(source: LessonVersion | None, lesson: Lesson) -> LessonVersion:
    number = (lesson.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = LessonVersion(lesson=lesson, number=number)
    if source is not None:
        for field in (
            "title",
            "minutes",
            "body",
            "key_points",
            "images",
            "video",
            "objectives",
            "sources",
        ):
            setattr(version, field, getattr(source, field))
    return version


def _draft_for_change(lesson: Lesson, by: Any) -> None:
    """A change to a lesson's questions reopens the lesson's draft if needed."""
    latest = lesson.latest_version
    if latest is None:
        return
    version = _copy_version(latest, lesson) if latest.status == Status.PUBLISHED else latest
    version.status = Status.DRAFT
    version.author = by
    version.submitted_at = None
    version.save()
    lesson.latest_version = version
    lesson.save(update_fields=["latest_version"])


@transaction.atomic
def submit_lesson(*, by: Any, lesson: Lesson) -> LessonVersion:
    """Send the lesson's draft for review. Side effects: the version is "in review"
    (a draft without an author, e.g. imported from the console, takes the sender as
    its author, who then cannot approve it)."""
    _require_author(by)
    version = lesson.latest_version
    if version is None or version.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be sent for review."))
    problems = lesson_problems(version)
    if problems:
        raise ValidationError(problems)
    version.status = Status.IN_REVIEW
    version.submitted_at = timezone.now()
    version.author = version.author or by  # an imported draft: the sender answers for it
    version.save()
    return version


def lesson_problems(version: LessonVersion) -> list[str]:
    """What stops a lesson version from being reviewed (missing English, etc.)."""
    problems = []
    for field in ("title", "body"):
        if not (getattr(version, field) or {}).get("en"):
            problems.append(_("The English %s is missing.") % field)
    if not (version.key_points or {}).get("en"):
        problems.append(_("The English key points are missing."))
    return problems


@transaction.atomic
def publish_lesson(*, by: Any, lesson: Lesson, note: str = "") -> LessonVersion:
    """Publish the version in review. Only an educator who is not its author may.

    Side effects: the version becomes published and the lesson's published version
    (learners see it at once); the lesson's questions become visible; the course is
    unchanged (a draft course stays hidden).
    """
    version = lesson.latest_version
    if version is None or not access.can_publish_academy_item(by, version):
        raise PermissionDenied
    version.status = Status.PUBLISHED
    version.reviewer = by
    version.review_note = note[:200]
    version.published_at = timezone.now()
    version.save()
    lesson.published_version = version
    lesson.save(update_fields=["published_version"])
    for question in lesson.questions.filter(pending__isnull=False):
        question.apply_pending()
        question.save()
    lesson.questions.update(published=True)
    index_for_search(lesson.course)
    return version


@transaction.atomic
def return_lesson(*, by: Any, lesson: Lesson, note: str = "") -> LessonVersion:
    """Send a version in review back to draft. Side effects: status draft, the note kept."""
    version = lesson.latest_version
    if version is None or not access.is_educator(by) or version.status != Status.IN_REVIEW:
        raise PermissionDenied
    version.status = Status.DRAFT
    version.review_note = note[:200]
    version.save()
    return version


@transaction.atomic
def submit_course(*, by: Any, course: Course) -> Course:
    """Send a draft course for review. Side effects: the course is "in review"."""
    _require_author(by)
    if course.status != Status.DRAFT:
        raise ValidationError(_("Only a draft course can be sent for review."))
    course.status = Status.IN_REVIEW
    course.author = course.author or by
    course.save()
    return course


@transaction.atomic
def return_course(*, by: Any, course: Course, note: str = "") -> Course:
    """Send a course in review back to draft. Side effects: status draft, the note kept."""
    if not access.is_educator(by) or course.status != Status.IN_REVIEW:
        raise PermissionDenied
    course.status = Status.DRAFT
    course.review_note = note[:200]
    course.save()
    return course


@transaction.atomic
def publish_course(*, by: Any, course: Course, note: str = "") -> Course:
    """Publish a course in review; only an educator other than its author may.
    Side effects: the course is listed; its lessons with a published version open."""
    if not access.can_publish_academy_item(by, course):
        raise PermissionDenied
    course.status = Status.PUBLISHED
    course.reviewer = by
    course.review_note = note[:200]
    course.published_at = timezone.now()
    course.save()
    index_for_search(course)
    return course


@transaction.atomic
def save_question(
    *,
    by: Any,
    lesson: Lesson,
    question: Question | None,
    lang: str,
    type: str,
    objective: str,
    difficulty: int,
    prompt: str,
    feedback: str,
    options: list[str],
    answer: bool | None = None,
) -> Question:
    """Create or change a question, in one language.

    ``options`` are lines: for single and multiple choice "* right" or "- wrong"
    (in a language other than English, the markers are taken from English and the
    lines must be as many as the English ones); for matching "left => right"; for
    short answers one accepted answer a line; nothing for true or false.
    Side effects: the question row. A change to a question learners can see is kept
    aside (``pending``) and the lesson gets a draft version: learners keep the old
    question until that version is published. A new question stays hidden until
    the lesson's next version is published (the lesson gets a draft if it had none).
    """
    _require_author(by)
    lang = _lang(lang)
    if type not in QuestionType.values:
        raise ValidationError({"type": _("Choose a question type.")})
    if difficulty not in (1, 2, 3):
        raise ValidationError({"difficulty": _("Choose a difficulty from 1 to 3.")})
    objectives = (lesson.latest_version.objectives if lesson.latest_version else []) or []
    if objective not in objectives:
        raise ValidationError(
            {"objective": _("Choose one of the lesson's objectives: %s") % ", ".join(objectives)}
        )
    new = question is None
    live = None
    if not new and question.published and lesson.published_version_id:
        # Learners keep the published question; the change waits for publication.
        live, question = question, question.with_pending()
    if new:
        last = (
            lesson.course.questions.order_by("-position").values_list("position", flat=True).first()
        )
        question = Question(
            course=lesson.course,
            lesson=lesson,
            key=f"q-{uuid.uuid4().hex[:10]}",
            position=(last or 0) + 1,
        )
    elif question.type != type:
        question.choices, question.pairs, question.accepted, question.answer = [], [], {}, None
    question.type = type
    question.objective = Objective.objects.get(code=objective)
    question.difficulty = difficulty
    question.prompt = _set_text(question.prompt, lang, prompt, "prompt")
    question.feedback = _set_text(question.feedback, lang, feedback, "feedback")
    lines = [line.strip() for line in options if line.strip()]
    if type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        question.choices = _choices(question.choices, lang, lines, type)
    elif type == QuestionType.MATCHING:
        question.pairs = _pairs(question.pairs, lang, lines)
    elif type == QuestionType.SHORT_ANSWER:
        accepted = dict(question.accepted or {})
        if lines:
            accepted[lang] = lines
        else:
            accepted.pop(lang, None)
        if not accepted.get("en"):
            raise ValidationError({"options": _("Write at least one accepted English answer.")})
        question.accepted = accepted
    elif type == QuestionType.TRUE_FALSE:
        if answer is None:
            raise ValidationError({"answer": _("Say whether the statement is true or false.")})
        question.answer = answer
    if type != QuestionType.TRUE_FALSE:
        question.answer = None
    if live is not None:
        live.pending = {name: getattr(question, name) for name in PENDING_FIELDS}
        live.save()
        _draft_for_change(lesson, by)
        return live
    question.save()
    if new:
        _draft_for_change(lesson, by)
    return question


@transaction.atomic
def delete_question(*, by: Any, question: Question) -> None:
    """Delete a question learners have never seen. Side effects: the row is gone.
    A published question stays (learners' attempts point at it)."""
    _require_author(by)
    if question.published or question.attempts.exists():
        raise ValidationError(_("A question learners have seen cannot be deleted."))
    question.delete()


def objective_tree() -> list[dict]:
    """Topics in tree order, each with its objectives, their prerequisites and the
    number of questions checking each (three queries)."""
    from ipcoop.academy.models import TOPIC_PARENTS, Topic

    objectives = list(
        Objective.objects.annotate(n_questions=Count("questions"))
        .prefetch_related("prerequisites")
        .order_by("code")
    )
    by_topic: dict[str, list[Objective]] = {}
    for objective in objectives:
        by_topic.setdefault(objective.topic, []).append(objective)
    return [
        {
            "topic": topic,
            "label": label,
            "parent": TOPIC_PARENTS.get(topic),
            "objectives": by_topic.get(topic, []),
        }
        for topic, label in Topic.choices
    ]


PENDING_FIELDS = (
    "objective_id",
    "type",
    "difficulty",
    "prompt",
    "choices",
    "answer",
    "pairs",
    "accepted",
    "feedback",
    "sources",
)


def _choices(old: list[dict], lang: str, lines: list[str], kind: str) -> list[dict]:
    if lang == "en":
        if len(lines) < 2 or any(line[:1] not in "*-" for line in lines):
            raise ValidationError(
                {
                    "options": _(
                        'Write at least two choices, one a line, starting with "*" (right) '
                        'or "-" (wrong).'
                    )
                }
            )
        choices = []
        for i, line in enumerate(lines):
            text = dict(old[i]["text"]) if i < len(old) else {}
            text["en"] = line[1:].strip()
            choices.append({"text": text, "correct": line[0] == "*"})
    else:
        if len(lines) != len(old):
            raise ValidationError(
                {"options": _("Write as many choices as in English (%d).") % len(old)}
            )
        choices = []
        for line, choice in zip(lines, old, strict=True):
            text = dict(choice["text"])
            text[lang] = line.lstrip("*-").strip()
            choices.append({"text": text, "correct": choice["correct"]})
    right = sum(c["correct"] for c in choices)
    if (kind == QuestionType.SINGLE and right != 1) or right < 1:
        raise ValidationError(
            {"options": _('Mark the right choice(s) with "*" (exactly one for single choice).')}
        )
    return choices


def _pairs(old: list[dict], lang: str, lines: list[str]) -> list[dict]:
    split = [line.split("=>", 1) for line in lines]
    if any(len(parts) != 2 or not parts[0].strip() or not parts[1].strip() for parts in split):
        raise ValidationError({"options": _('Write each pair on a line as "left => right".')})
    if lang == "en" and not 3 <= len(split) <= 5:
        raise ValidationError({"options": _("A matching question needs 3 to 5 pairs.")})
    if lang != "en" and len(split) != len(old):
        raise ValidationError({"options": _("Write as many pairs as in English (%d).") % len(old)})
    pairs = []
    for i, (left, right) in enumerate(split):
        base = old[i] if i < len(old) else {"left": {}, "right": {}}
        pairs.append(
            {
                "left": {**base["left"], lang: left.strip()},
                "right": {**base["right"], lang: right.strip()},
            }
        )
    return pairs


def questions_for_lessons(
    lesson_ids: list[int], *, drafts: bool = False
) -> dict[int, list[Question]]:
    qs = Question.objects.filter(lesson_id__in=lesson_ids).exclude(position=10**6)
    if not drafts:
        qs = qs.filter(published=True)
    result: dict[int, list[Question]] = {}
    for q in qs.select_related("objective").order_by("position", "pk"):
        result.setdefault(q.lesson_id, []).append(q.with_pending() if drafts else q)
    return result


# A lesson version's texts in every language: left out where only titles are shown.
VERSION_TEXTS = ("body", "key_points", "images", "video", "sources")


def published_lessons(course: Course) -> list[Lesson]:
    """The course's published lessons in order, with their unit and published version
    (titles, minutes and objectives; the texts are not read)."""
    return list(
        course.lessons.filter(published_version__isnull=False)
        .exclude(position=10**6)
        .select_related("published_version", "unit")
        .defer(*(f"published_version__{name}" for name in VERSION_TEXTS))
        .order_by("position", "pk")
    )


def catalogue(
    user: Any,
    *,
    audience: str = "",
    lang: str = "",
    topic: str = "",
    sdg: int | None = None,
    q: str = "",
):
    """The catalogue: published courses (for everyone, educators included), filtered
    by audience, a language the whole course is in, a topic (a parent topic takes its
    sub-topics), an SDG and words of the title in any language. Two queries at most;
    the filters on JSON lists run in Python (the catalogue is tens of courses)."""
    courses = Course.objects.filter(status=Status.PUBLISHED)
    if audience:
        courses = courses.filter(audience=audience)
    rows = list(courses.order_by("audience", "slug"))
    if lang:
        rows = [c for c in rows if lang in c.languages]
    if topic:
        rows = [
            c for c in rows if topic in c.topics or any(t.startswith(topic + "-") for t in c.topics)
        ]
    if sdg:
        rows = [c for c in rows if sdg in c.sdgs]
    if q:
        needle = normalise_text(q)
        rows = [c for c in rows if any(needle in normalise_text(t) for t in c.title.values())]
    return rows
