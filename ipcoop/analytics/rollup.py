"""The learning roll-up: attempts, completions and mastery turned into aggregate counts.

``rollup_learning`` is run by ``ipcoop rollup-learning`` from cron (every 10 minutes).
Each run reads only what was recorded since the last one (watermarks in
``RollupState``: the last attempt id, the last lesson completion and the last mastered
objective by time and id) and adds it to the aggregate tables, so a run costs what
happened in the interval, not the size of the history.

Records from the last ``SETTLE`` are left for the next run: an attempt gets its id and
its time when it is written and is visible once its (short) transaction commits, so
waiting a minute means no attempt with a smaller id can still appear after the
watermark has passed it.

One run is one transaction holding the lock on the state row (``select_for_update``
on PostgreSQL, the database write lock on SQLite): a second run started meanwhile
finds the lock taken and stops without counting anything, and readers see the old
figures until the run commits. Running again with nothing new changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from ipcoop.academy.models import Attempt, Lesson, LessonProgress, ObjectiveProgress, ProgressStatus
from ipcoop.analytics.models import (
    LearnerCount,
    LearnerObjective,
    LearnerSeen,
    MonthlyFigures,
    RollupState,
)

SETTLE = dt.timedelta(seconds=60)
BATCH = 20_000
IN_CHUNK = 2_000  # ids per IN (...) list: well under SQLite's limit on parameters
DONE = "done"  # LearnerSeen period marking a finished course


@dataclass
class RollupResult:
    locked: bool = False  # another run held the lock: nothing was done
    attempts: int = 0
    completions: int = 0
    mastered: int = 0
    figures_until: dt.datetime | None = None


def month_of(when: dt.datetime) -> dt.date:
    when = when.astimezone(dt.UTC)
    return dt.date(when.year, when.month, 1)


def month_period(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def _chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Cells:
    """The aggregate rows touched by one run, read once and written back at the end."""

    def __init__(self) -> None:
        self.figures: dict[tuple[dt.date, str, int], MonthlyFigures] = {}
        self.counts: dict[tuple[str, str, str], LearnerCount] = {}
        self._months: set[dt.date] = set()
        self._periods: set[str] = set()

    def load_months(self, months: Iterable[dt.date]) -> None:
        wanted = set(months) - self._months
        if not wanted:
            return
        self._months |= wanted
        for row in MonthlyFigures.objects.filter(month__in=wanted):
            self.figures[(row.month, row.country, row.course_id)] = row

    def load_periods(self, periods: Iterable[str]) -> None:
        wanted = set(periods) - self._periods
        if not wanted:
            return
        self._periods |= wanted
        for row in LearnerCount.objects.filter(period__in=wanted):
            self.counts[(row.period, row.scope, row.country)] = row

    def cell(self, month: dt.date, country: str, course_id: int, audience: str) -> MonthlyFigures:
        key = (month, country, course_id)
        row = self.figures.get(key)
        if row is None:
            row = MonthlyFigures(month=month, country=country, course_id=course_id)
            self.figures[key] = row
        row.audience = audience
        return row

    def add_learner(self, period: str, scope: str, country: str) -> None:
        key = (period, scope, country)
        row = self.counts.get(key)
        if row is None:
            row = LearnerCount(period=period, scope=scope, country=country)
            self.counts[key] = row
        row.learners += 1

    def save(self) -> None:
        fields = [
            "audience",
            "attempts",
            "correct",
            "lessons_completed",
            "courses_completed",
            "objectives_practised",
            "objectives_mastered",
        ]
        _save_rows(MonthlyFigures, list(self.figures.values()), fields)
        _save_rows(LearnerCount, list(self.counts.values()), ["learners"])


def _save_rows(model: Any, rows: list[Any], fields: list[str]) -> None:
    new = [r for r in rows if r.pk is None]
    old = [r for r in rows if r.pk is not None]
    model.objects.bulk_create(new, batch_size=500)
    model.objects.bulk_update(old, fields, batch_size=500)


def _lock_state() -> RollupState | None:
    """The state row, locked for this transaction; None when another run holds it."""
    return RollupState.objects.select_for_update(skip_locked=True).filter(pk=1).first()


def rollup_learning(
    *, now: dt.datetime | None = None, full: bool = False, batch_size: int = BATCH
) -> RollupResult:
    """Add what learners did since the last run to the aggregate tables.

    Side effects, in one transaction: ``MonthlyFigures`` and ``LearnerCount`` rows
    created or increased, ``LearnerSeen`` and ``LearnerObjective`` bookkeeping rows
    added, the watermarks in ``RollupState`` moved to what was counted. With
    ``full`` every aggregate and bookkeeping row is deleted first and everything is
    counted again (a rebuild; readers keep the old figures until it commits). When
    another run holds the lock, nothing happens (``locked`` is set in the result).
    """
    now = now or timezone.now()
    cutoff = now - SETTLE
    RollupState.objects.get_or_create(pk=1)  # committed at once: the row to lock
    try:
        with transaction.atomic():
            state = _lock_state()
            if state is None:
                return RollupResult(locked=True)
            if full:
                _reset(state)
            result = RollupResult()
            cells = _Cells()
            result.attempts = _count_attempts(state, cells, cutoff, batch_size)
            result.completions = _count_completions(state, cells, cutoff, batch_size)
            # After the attempts: mastery is credited to the course where the objective
            # was first practised, which the attempts up to the cutoff tell.
            result.mastered = _count_mastered(state, cells, cutoff, batch_size)
            cells.save()
            state.figures_until = cutoff
            state.ran_at = now
            state.save()
            result.figures_until = state.figures_until
            return result
    except OperationalError as error:
        # SQLite: another run holds the write lock past the busy timeout.
        if connection.vendor == "sqlite" and "locked" in str(error):
            return RollupResult(locked=True)
        raise


def _reset(state: RollupState) -> None:
    for model in (MonthlyFigures, LearnerCount, LearnerSeen, LearnerObjective):
        model.objects.all().delete()
    state.attempt_id = 0
    state.completions_until = None
    state.completions_pk = 0
    state.mastered_until = None
    state.mastered_pk = 0
    state.figures_until = None


def _known_seen(learners: set[int], periods: set[str]) -> list[tuple[int, str, int, str]]:
    rows: list[tuple[int, str, int, str]] = []
    for chunk in _chunks(sorted(learners)):
        rows.extend(
            LearnerSeen.objects.filter(learner_id__in=chunk, period__in=periods).values_list(
                "learner_id", "period", "course_id", "audience"
            )
        )
    return rows


def _count_new_learners(keys: dict[tuple[int, str, int, str], str], cells: _Cells) -> None:
    """Record (learner, period, course, audience) keys not seen yet and count each
    learner once per period in the course, the audience and every course. ``keys``
    maps each key to the learner's country."""
    if not keys:
        return
    known = _known_seen({k[0] for k in keys}, {k[1] for k in keys})
    courses = {(lid, p, c) for lid, p, c, _a in known}
    audiences = {(lid, p, a) for lid, p, _c, a in known}
    anything = {(lid, p) for lid, p, _c, _a in known}
    new = []
    for key in sorted(keys):
        learner, period, course, audience = key
        if (learner, period, course) in courses:
            continue
        country = keys[key]
        courses.add((learner, period, course))
        new.append(
            LearnerSeen(learner_id=learner, period=period, course_id=course, audience=audience)
        )
        cells.add_learner(period, f"course:{course}", country)
        if (learner, period, audience) not in audiences:
            audiences.add((learner, period, audience))
            cells.add_learner(period, f"audience:{audience}", country)
        if (learner, period) not in anything:
            anything.add((learner, period))
            cells.add_learner(period, "all", country)
    LearnerSeen.objects.bulk_create(new, batch_size=2000)


def _new_finished(pairs: set[tuple[int, int, str]]) -> set[tuple[int, int]]:
    """Of (learner, course, audience) just finished, those not counted before; records them."""
    if not pairs:
        return set()
    known = {(lid, c) for lid, _p, c, _a in _known_seen({p[0] for p in pairs}, {DONE})}
    new = sorted(p for p in pairs if (p[0], p[1]) not in known)
    LearnerSeen.objects.bulk_create(
        [LearnerSeen(learner_id=lid, period=DONE, course_id=c, audience=a) for lid, c, a in new],
        batch_size=2000,
    )
    return {(lid, c) for lid, c, _a in new}


def _count_attempts(state: RollupState, cells: _Cells, cutoff: dt.datetime, batch_size: int) -> int:
    """Attempts after the watermark, in id order, up to the first one after ``cutoff``."""
    total = 0
    while True:
        rows = list(
            Attempt.objects.filter(pk__gt=state.attempt_id)
            .order_by("pk")
            .values_list(
                "pk",
                "learner_id",
                "created_at",
                "correct",
                "question__objective_id",
                "lesson__course_id",
                "lesson__course__audience",
                "learner__country",
            )[:batch_size]
        )
        taken = []
        for row in rows:
            if row[2] > cutoff:
                break  # too recent: the next run takes it and everything after it
            taken.append(row)
        if taken:
            _count_attempt_rows(taken, cells)
            state.attempt_id = taken[-1][0]
            total += len(taken)
        if len(taken) < batch_size:
            return total
        # A full batch: there may be more.


def _count_attempt_rows(rows: list[tuple], cells: _Cells) -> None:
    months = {month_of(r[2]) for r in rows}
    cells.load_months(months)
    periods = {month_period(m) for m in months} | {str(m.year) for m in months}
    cells.load_periods(periods)
    seen_keys: dict[tuple[int, str, int, str], str] = {}
    first_practice: dict[tuple[int, int], tuple] = {}
    for _pk, learner, created, correct, objective, course, audience, country in rows:
        month = month_of(created)
        cell = cells.cell(month, country, course, audience)
        cell.attempts += 1
        cell.correct += 1 if correct else 0
        for period in (month_period(month), str(month.year)):
            seen_keys.setdefault((learner, period, course, audience), country)
        first_practice.setdefault((learner, objective), (created, course, audience, country))
    _count_new_learners(seen_keys, cells)
    # Objectives practised for the first time.
    learners = sorted({k[0] for k in first_practice})
    known: set[tuple[int, int]] = set()
    for chunk in _chunks(learners):
        known.update(
            LearnerObjective.objects.filter(learner_id__in=chunk).values_list(
                "learner_id", "objective_id"
            )
        )
    new = []
    for (learner, objective), (first_at, course, audience, country) in first_practice.items():
        if (learner, objective) in known:
            continue
        cells.cell(month_of(first_at), country, course, audience).objectives_practised += 1
        new.append(
            LearnerObjective(
                learner_id=learner,
                objective_id=objective,
                course_id=course,
                country=country,
                audience=audience,
                first_at=first_at,
            )
        )
    LearnerObjective.objects.bulk_create(new, batch_size=2000)


def _after(field: str, when: dt.datetime | None, pk: int) -> Q:
    if when is None:
        return Q()
    return Q(**{f"{field}__gt": when}) | Q(**{field: when, "pk__gt": pk})


def _count_completions(
    state: RollupState, cells: _Cells, cutoff: dt.datetime, batch_size: int
) -> int:
    """Lesson completions after the watermark up to ``cutoff``; finished courses among them."""
    totals = dict(
        Lesson.objects.filter(published_version__isnull=False)
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    total = 0
    while True:
        rows = list(
            LessonProgress.objects.filter(
                _after("completed_at", state.completions_until, state.completions_pk),
                status=ProgressStatus.COMPLETED,
                completed_at__isnull=False,
                completed_at__lte=cutoff,
            )
            .order_by("completed_at", "pk")
            .values_list(
                "pk",
                "learner_id",
                "course_id",
                "completed_at",
                "course__audience",
                "learner__country",
            )[:batch_size]
        )
        if not rows:
            return total
        months = {month_of(r[3]) for r in rows}
        cells.load_months(months)
        pairs: dict[tuple[int, int], tuple[str, str]] = {}
        for _pk, learner, course, completed, audience, country in rows:
            cells.cell(month_of(completed), country, course, audience).lessons_completed += 1
            pairs[(learner, course)] = (audience, country)
        _count_finished_courses(pairs, totals, cells, cutoff)
        last = rows[-1]
        state.completions_until, state.completions_pk = last[3], last[0]
        total += len(rows)
        if len(rows) < batch_size:
            return total


def _count_finished_courses(
    pairs: dict[tuple[int, int], tuple[str, str]],
    totals: dict[int, int],
    cells: _Cells,
    cutoff: dt.datetime,
) -> None:
    """Courses whose every published lesson the learner has now completed, once each."""
    learners = sorted({p[0] for p in pairs})
    courses = sorted({p[1] for p in pairs if totals.get(p[1])})
    finished: dict[tuple[int, int], dt.datetime] = {}
    for chunk in _chunks(learners):
        done = (
            LessonProgress.objects.filter(
                learner_id__in=chunk,
                course_id__in=courses,
                status=ProgressStatus.COMPLETED,
                completed_at__lte=cutoff,
                lesson__published_version__isnull=False,
            )
            .values("learner_id", "course_id")
            .annotate(n=Count("pk"), last=Max("completed_at"))
            .values_list("learner_id", "course_id", "n", "last")
        )
        for learner, course, n, last in done:
            if (learner, course) in pairs and n >= totals[course]:
                finished[(learner, course)] = last
    keys = {(learner, course, pairs[(learner, course)][0]) for learner, course in finished}
    for learner, course in sorted(_new_finished(keys)):
        audience, country = pairs[(learner, course)]
        month = month_of(finished[(learner, course)])
        cells.load_months([month])
        cells.cell(month, country, course, audience).courses_completed += 1


def _count_mastered(state: RollupState, cells: _Cells, cutoff: dt.datetime, batch_size: int) -> int:
    """Objectives mastered after the watermark, credited where they were first practised."""
    total = 0
    while True:
        rows = list(
            ObjectiveProgress.objects.filter(
                _after("mastered_at", state.mastered_until, state.mastered_pk),
                mastered_at__isnull=False,
                mastered_at__lte=cutoff,
            )
            .order_by("mastered_at", "pk")
            .values_list("pk", "learner_id", "objective_id", "mastered_at")[:batch_size]
        )
        if not rows:
            return total
        learners = sorted({r[1] for r in rows})
        objectives = {r[2] for r in rows}
        practised: dict[tuple[int, int], LearnerObjective] = {}
        for chunk in _chunks(learners):
            for row in LearnerObjective.objects.filter(
                learner_id__in=chunk, objective_id__in=objectives, mastered=False
            ):
                practised[(row.learner_id, row.objective_id)] = row
        months = {month_of(r[3]) for r in rows}
        cells.load_months(months)
        credited = []
        for _pk, learner, objective, mastered_at in rows:
            first = practised.pop((learner, objective), None)
            if first is None or first.first_at > mastered_at:
                continue  # placed past it without practice, or already counted
            cell = cells.cell(month_of(mastered_at), first.country, first.course_id, first.audience)
            cell.objectives_mastered += 1
            first.mastered = True
            credited.append(first)
        LearnerObjective.objects.bulk_update(credited, ["mastered"], batch_size=2000)
        last = rows[-1]
        state.mastered_until, state.mastered_pk = last[3], last[0]
        total += len(rows)
        if len(rows) < batch_size:
            return total
