"""Customised learning paths: what a learner knows per objective, the placement check,
spaced review and the recommendation of what to do next.

Mastery (P(known), Bayesian Knowledge Tracing) is moved by every attempt in
``services._count_answer``; here a placement check sets it from a short adaptive quiz,
review cards follow the attempts on an FSRS schedule, and ``next_step`` picks the
next lesson, practice set or review with a reason (``ipcoop.academy.paths``).
Pages, the API and tests call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from fsrs import Card, Rating, Scheduler

from ipcoop import access
from ipcoop.academy import paths, services
from ipcoop.academy.i18n import pick
from ipcoop.academy.models import (
    Attempt,
    Audience,
    Course,
    Lesson,
    LessonProgress,
    Objective,
    ObjectiveProgress,
    Placement,
    Question,
    ReviewCard,
    Status,
)
from ipcoop.lib import mastery
from ipcoop.web.generations import writes_of_learner

# Mastery ----------------------------------------------------------------------------


def mastery_of(learner: Any) -> list[ObjectiveProgress]:
    """The learner's estimate per objective they have met, by objective code (one query)."""
    return list(
        access.objective_progress_of(learner)
        .select_related("objective")
        .order_by("objective__code")
    )


# Placement --------------------------------------------------------------------------

# A five-minute check: about fifteen seconds a question.
PLACEMENT_RULE = mastery.PlacementRule(cap=20)
PLACEMENT_AUDIENCES = (Audience.STUDENTS, Audience.ADULTS, Audience.PROFESSIONALS)


def offers_placement(course: Course) -> bool:
    """Children's courses have no placement check: they are taught from the start."""
    return course.audience in PLACEMENT_AUDIENCES


def _check_placement_allowed(learner: Any, course: Course) -> None:
    if not offers_placement(course):
        raise ValidationError(_("This course has no placement check: start with its first lesson."))
    if not access.may_store_learning(learner):
        # A check stores answers and mastery: not for a child without consent.
        raise ValidationError(
            _(
                "Your answers cannot be kept yet, so there is no placement check: "
                "start with the first lesson."
            )
        )


def _pool(course: Course) -> tuple[dict[str, list[Question]], dict[str, Objective]]:
    """The course's published questions per objective code, in the course's order, and
    the objectives (two queries)."""
    questions = (
        access.questions_visible_to(None, Question.objects.filter(course=course))
        .exclude(lesson__position=10**6)
        .select_related("objective")
        .order_by("lesson__position", "lesson_id", "position", "pk")
    )
    pool: dict[str, list[Question]] = {}
    objectives: dict[str, Objective] = {}
    for question in questions:
        pool.setdefault(question.objective.code, []).append(question)
        objectives[question.objective.code] = question.objective
    return pool, objectives


def latest_placement(learner: Any, course: Course) -> Placement | None:
    return access.placements_of(learner).filter(course=course).first()


def _choose(placement: Placement, pool: dict[str, list[Question]]) -> Question | None:
    """The next question: about the least certain objective, one not asked yet."""
    asked_questions = {row["question"] for row in placement.asked}
    counts: dict[str, int] = {}
    for row in placement.asked:
        counts[row["objective"]] = counts.get(row["objective"], 0) + 1
    # An objective with no question left to ask is out of the running.
    open_estimates = {
        code: p
        for code, p in placement.estimates.items()
        if any(q.pk not in asked_questions for q in pool.get(code, ()))
    }
    code = mastery.next_objective(open_estimates, counts, PLACEMENT_RULE)
    if code is None:
        return None
    return next(q for q in pool[code] if q.pk not in asked_questions)


@writes_of_learner
@transaction.atomic
def start_placement(*, learner: Any, course: Course) -> Placement:
    """Start the learner's placement check on a course, or return the one open.

    Side effects: a ``Placement`` with the starting estimates (the learner's current
    mastery, else the objective's prior) for every objective the course has questions
    on, and its first question. A course without questions finishes at once.
    Raises ValidationError for a children's course, or a learner whose answers may not
    be stored (``access.may_store_learning``).
    """
    _check_placement_allowed(learner, course)
    open_ = access.placements_of(learner).filter(course=course, finished_at__isnull=True).first()
    if open_ is not None:
        return open_
    pool, objectives = _pool(course)
    known = dict(
        access.objective_progress_of(learner)
        .filter(objective__code__in=list(pool))
        .values_list("objective__code", "mastery")
    )
    estimates = {code: known.get(code, objectives[code].bkt_prior) for code in pool}
    placement = Placement.objects.create(learner=learner, course=course, estimates=estimates)
    placement.current = _choose(placement, pool)
    if placement.current is None:
        return _finish(placement)
    placement.save(update_fields=["current"])
    return placement


@writes_of_learner
@transaction.atomic
def answer_placement(*, learner: Any, placement: Placement, question_id: Any, answer: Any) -> bool:
    """Check one answer of a placement check; True when it is right.

    Side effects: the answer is added to ``asked``; the objective's estimate is
    conditioned on it (an observation: nothing is learnt during a check); the next
    question is chosen, or the check finishes (see ``finish_placement``). Nothing is
    stored as an attempt. Raises ValidationError when the question is not the one on
    screen (answered already, e.g. a double click), when the learner's answers may not
    be stored, or when the answer is malformed.
    """
    _check_placement_allowed(learner, placement.course)
    placement = Placement.objects.select_for_update().get(pk=placement.pk, learner=learner)
    if placement.finished_at is not None or str(placement.current_id) != str(question_id):
        raise ValidationError(_("This question was already answered: go on with the next one."))
    question = Question.objects.select_related("objective").get(pk=placement.current_id)
    cleaned = services.clean_answer(question, answer)
    correct = services.is_correct(question, cleaned)
    code = question.objective.code
    params = question.objective.bkt
    placement.estimates[code] = mastery.observe(
        placement.estimates.get(code, params.prior), correct, params
    )
    placement.asked.append({"question": question.pk, "objective": code, "correct": correct})
    pool, _objectives = _pool(placement.course)
    placement.current = _choose(placement, pool)
    if placement.current is None:
        _finish(placement)
    else:
        placement.save(update_fields=["estimates", "asked", "current"])
    return correct


@writes_of_learner
@transaction.atomic
def finish_placement(*, learner: Any, course: Course) -> Placement:
    """End the learner's placement check on a course now (or skip it before it starts).

    Side effects: the open placement (a new, empty one when none is open: the check is
    skipped) is finished; see ``_finish``. Raises ValidationError as ``start_placement``.
    """
    _check_placement_allowed(learner, course)
    placement = (
        access.placements_of(learner)
        .select_for_update()
        .filter(course=course, finished_at__isnull=True)
        .first()
    )
    if placement is None:
        placement = Placement.objects.create(learner=learner, course=course)
    return _finish(placement)


def _finish(placement: Placement) -> Placement:
    """Side effects: ``finished_at`` and ``placed_past`` stored; every objective asked
    about gets the placement's estimate as the learner's mastery (``mastered_at`` now
    when placed past, emptied otherwise)."""
    now = timezone.now()
    asked = {row["objective"] for row in placement.asked}
    estimates = {code: p for code, p in placement.estimates.items() if code in asked}
    placed = mastery.placed_past(estimates, PLACEMENT_RULE)
    rows = {
        row.objective.code: row
        for row in ObjectiveProgress.objects.select_for_update()
        .filter(learner_id=placement.learner_id, objective__code__in=list(estimates))
        .select_related("objective")
    }
    objectives = Objective.objects.in_bulk(list(estimates), field_name="code")
    new, changed = [], []
    for code, p in estimates.items():
        row = rows.get(code)
        if row is None:
            row = ObjectiveProgress(learner_id=placement.learner_id, objective=objectives[code])
            new.append(row)
        else:
            changed.append(row)
        row.mastery = p
        row.mastered_at = (row.mastered_at or now) if code in placed else None
    ObjectiveProgress.objects.bulk_create(new)
    ObjectiveProgress.objects.bulk_update(changed, ["mastery", "mastered_at"])
    placement.finished_at = now
    placement.current = None
    placement.placed_past = sorted(placed)
    placement.save()
    return placement


# Spaced review ----------------------------------------------------------------------

REVIEW_AUDIENCES = (Audience.ADULTS, Audience.PROFESSIONALS)
# A right answer within this many milliseconds counts as easy.
FAST_MS = 10_000
# Days, not minutes: cards go straight to review (a daily queue), and the same
# answers always give the same dates (no fuzzing).
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def rating_for(correct: bool, time_ms: int | None) -> Rating:
    if not correct:
        return Rating.Again
    if time_ms is not None and time_ms < FAST_MS:
        return Rating.Easy
    return Rating.Good


@writes_of_learner
def sync_reviews(*, learner: Any) -> int:
    """Fold the learner's attempts not yet scheduled into their review cards, oldest
    first (at most FOLD_BATCH a call), and return how many were folded.

    Side effects: for each attempt on a question of an adults' or professionals'
    course, the learner's ``ReviewCard`` of that question is created or moved (FSRS:
    wrong → Again, right → Good, right and fast → Easy, reviewed at the attempt's
    time); every attempt read is marked ``scheduled``. A fixed number of queries; one
    read and no transaction when there is nothing to fold (the dashboard asks on
    every visit).
    """
    # A count, not exists(): with LIMIT 1 PostgreSQL may scan the whole table for a
    # learner whose attempts are all folded; the count reads the (learner, scheduled)
    # index.
    if not Attempt.objects.filter(learner=learner, scheduled=False).count():
        return 0
    return _fold_attempts(learner)


# Attempts folded per call at most: a long backlog (attempts imported, say) is folded
# over several visits, oldest first, rather than holding one request for minutes.
FOLD_BATCH = 1000


@transaction.atomic
def _fold_attempts(learner: Any) -> int:
    attempts = list(
        Attempt.objects.select_for_update(of=("self",))
        .filter(learner=learner, scheduled=False)
        .select_related("question__course")
        .order_by("created_at", "pk")[:FOLD_BATCH]
    )
    if not attempts:
        return 0
    eligible = [a for a in attempts if a.question.course.audience in REVIEW_AUDIENCES]
    cards = {
        card.question_id: card
        for card in ReviewCard.objects.select_for_update().filter(
            learner=learner, question_id__in={a.question_id for a in eligible}
        )
    }
    new: dict[int, ReviewCard] = {}
    for attempt in eligible:
        row = cards.get(attempt.question_id) or new.get(attempt.question_id)
        if row is None:
            row = ReviewCard(learner=learner, question_id=attempt.question_id)
            new[attempt.question_id] = row
            state = Card(card_id=attempt.question_id)
        else:
            state = Card.from_dict(row.card)
        when = attempt.created_at
        if state.last_review is not None and when < state.last_review:
            when = state.last_review
        state, _log = SCHEDULER.review_card(
            state, rating_for(attempt.correct, attempt.time_ms), review_datetime=when
        )
        row.card = state.to_dict()
        row.due = state.due
        row.last_review = state.last_review
        row.reviews += 1
    ReviewCard.objects.bulk_create(new.values())
    changed = [row for row in cards.values()]
    if changed:
        ReviewCard.objects.bulk_update(changed, ["card", "due", "last_review", "reviews"])
    Attempt.objects.filter(pk__in=[a.pk for a in attempts]).update(scheduled=True)
    return len(eligible)


def due_reviews(learner: Any, now: datetime | None = None) -> QuerySet[ReviewCard]:
    """The learner's review cards due now, of questions learners can see, most
    overdue first."""
    return access.reviews_of(learner).filter(due__lte=now or timezone.now()).order_by("due", "pk")


def next_review_due(learner: Any, now: datetime) -> datetime | None:
    """When the learner's next review card (of a question learners can see) falls due
    after ``now``; None when none is waiting."""
    return access.reviews_of(learner).filter(due__gt=now).aggregate(next=Min("due"))["next"]


def review_items(learner: Any, now: datetime | None = None) -> QuerySet[ReviewCard]:
    return due_reviews(learner, now).select_related(
        "question__objective", "question__course", "question__lesson__published_version"
    )


@dataclass
class ReviewResult:
    result: Any  # services.AttemptResult
    card: ReviewCard


@writes_of_learner
def answer_review(
    *,
    learner: Any,
    card: ReviewCard,
    answer: Any,
    idempotency_key: Any,
    time_ms: int | None = None,
) -> ReviewResult:
    """Answer a question of the review queue.

    Side effects: the answer is an attempt like any other (``services.record_attempt``:
    attempt, mastery, progress); then the review cards follow (``sync_reviews``),
    which moves this card's due date. Raises ValidationError as record_attempt does.
    """
    result = services.record_attempt(
        learner=learner,
        question=card.question,
        answer=answer,
        idempotency_key=idempotency_key,
        time_ms=time_ms,
    )
    sync_reviews(learner=learner)
    card.refresh_from_db()
    return ReviewResult(result, card)


# What next --------------------------------------------------------------------------


@dataclass
class NextStep:
    recommendation: paths.Recommendation
    course: Course
    lesson: Lesson | None
    objective: Objective
    for_objective: Objective | None
    url: str
    reason: str
    lesson_title: str = ""


def _active_course_ids(learner: Any) -> list[int]:
    """Courses the learner started (a lesson or a placement), most recent first."""
    seen: dict[int, Any] = {}
    rows = (
        LessonProgress.objects.filter(learner=learner)
        .values("course_id")
        .annotate(last=Max("updated_at"))
    )
    for row in rows:
        seen[row["course_id"]] = row["last"]
    for row in access.placements_of(learner).values("course_id").annotate(last=Max("started_at")):
        if row["course_id"] not in seen or seen[row["course_id"]] < row["last"]:
            seen[row["course_id"]] = row["last"]
    return [cid for cid, _last in sorted(seen.items(), key=lambda item: item[1], reverse=True)]


def next_step(learner: Any, course: Course | None = None, lang: str = "en") -> NextStep | None:
    """What the learner should do next, in one course or across the courses they
    started (most recent first), with a one-line reason. A fixed number of queries."""
    if not getattr(learner, "is_authenticated", False):
        return None
    course_ids = [course.pk] if course is not None else _active_course_ids(learner)
    if not course_ids:
        return None
    order = {cid: i for i, cid in enumerate(course_ids)}
    lessons = sorted(
        Lesson.objects.filter(
            course_id__in=course_ids,
            course__status=Status.PUBLISHED,
            published_version__isnull=False,
        )
        .exclude(position=10**6)
        .select_related("published_version", "course")
        .defer(*(f"published_version__{name}" for name in services.VERSION_TEXTS)),
        key=lambda lesson: (order[lesson.course_id], lesson.position, lesson.pk),
    )
    codes = {code for lesson in lessons for code in lesson.published_version.objectives}
    objectives = {
        o.code: o
        for o in Objective.objects.filter(code__in=codes).prefetch_related("prerequisites")
    }
    progress = {
        row.objective.code: row
        for row in access.objective_progress_of(learner)
        .filter(objective__code__in=codes)
        .select_related("objective")
    }
    forgetting = [
        row["question__objective__code"]
        for row in due_reviews(learner)
        .filter(question__objective__code__in=codes)
        .values("question__objective__code")
        .annotate(first=Min("due"), n=Count("pk"))
        .order_by("first", "question__objective__code")
    ]
    by_key = {lesson.pk: lesson for lesson in lessons}
    recommendation = paths.recommend(
        [
            paths.LessonItem(lesson.pk, tuple(lesson.published_version.objectives))
            for lesson in lessons
        ],
        {code: row.mastery for code, row in progress.items()},
        {code for code, row in progress.items() if row.answered},
        {code: [p.code for p in o.prerequisites.all()] for code, o in objectives.items()},
        forgetting,
    )
    if recommendation is None or recommendation.objective not in objectives:
        return None
    lesson = by_key.get(recommendation.lesson)
    objective = objectives[recommendation.objective]
    needed = objectives.get(recommendation.for_objective or "")
    if recommendation.kind == paths.Kind.REVIEW:
        url = reverse("academy:reviews")
    else:
        url = reverse("academy:lesson", args=[lesson.course.slug, lesson.slug])
        if recommendation.kind == paths.Kind.PRACTICE:
            url += "#practice-heading"
    return NextStep(
        recommendation=recommendation,
        course=lesson.course if lesson else (course or lessons[0].course),
        lesson=lesson,
        objective=objective,
        for_objective=needed,
        url=url,
        reason=reason_text(recommendation, objective, needed, lang),
        lesson_title=pick(lesson.published_version.title, lang).text if lesson else "",
    )


def reason_text(
    recommendation: paths.Recommendation,
    objective: Objective,
    needed: Objective | None,
    lang: str,
) -> str:
    """The one line that tells the learner why this step."""
    title = pick(objective.title, lang).text
    reason = recommendation.reason
    if reason == paths.Reason.REVIEW:
        return _("Review: you are forgetting “%(objective)s”.") % {"objective": title}
    if reason == paths.Reason.PREREQUISITE and needed is not None:
        return _("Learn “%(objective)s” first: “%(needed)s” builds on it.") % {
            "objective": title,
            "needed": pick(needed.title, lang).text,
        }
    if reason == paths.Reason.PRACTISE:
        return _("Keep practising “%(objective)s”: you do not know it for sure yet.") % {
            "objective": title
        }
    return _("You have not yet practised “%(objective)s”.") % {"objective": title}


def lesson_marks(learner: Any, lessons: list[Lesson]) -> dict[int, bool]:
    """Per lesson, whether the learner may skip it: every objective it teaches mastered
    (one query)."""
    if not getattr(learner, "is_authenticated", False) or not lessons:
        return {}
    codes = {code for lesson in lessons for code in lesson.published_version.objectives}
    known = dict(
        access.objective_progress_of(learner)
        .filter(objective__code__in=codes)
        .values_list("objective__code", "mastery")
    )
    return {
        lesson.pk: paths.skippable(lesson.published_version.objectives, known) for lesson in lessons
    }
