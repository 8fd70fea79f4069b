"""The roll-up counts exactly, incrementally, once, and under a lock."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from ipcoop.analytics.models import LearnerSeen, RollupState
from ipcoop.analytics.rollup import SETTLE, _lock_state, rollup_learning
from tests.analytics.conftest import at, attempt, complete, learner, master, snapshot


def test_rollup_counts_exactly(world):
    w = world
    k1, k2, t1 = learner("KR"), learner("KR"), learner("TH")
    attempt(k1, w.qa1, at(1, 5), correct=False)
    attempt(k1, w.qa1, at(1, 6))
    attempt(k1, w.qb1, at(1, 7))  # objective 1 again, in course B: not a new objective
    attempt(k1, w.qa2, at(2, 3))
    attempt(k2, w.qa1, at(1, 8), correct=False)
    last = attempt(t1, w.qb1, at(3, 1))
    complete(k1, w.a1, at(1, 6))
    complete(k1, w.a2, at(2, 3))  # the last lesson of course A: course completed in February
    complete(k2, w.a1, at(1, 9))
    complete(t1, w.b1, at(3, 2))  # course B has one lesson
    master(k1, w.o1, at(1, 20))  # first practised in course A
    master(t1, w.o2, at(3, 5))  # placed past it without practice: not credited

    result = rollup_learning()

    assert (result.attempts, result.completions, result.mastered) == (6, 4, 2)
    figures, counts = snapshot()
    jan, feb, mar = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)
    a, b = w.course_a.pk, w.course_b.pk
    # (audience, attempts, correct, lessons, courses, practised, mastered)
    assert figures == {
        (jan, "KR", a): ("children", 3, 1, 2, 0, 2, 1),
        (jan, "KR", b): ("professionals", 1, 1, 0, 0, 0, 0),
        (feb, "KR", a): ("children", 1, 1, 1, 1, 1, 0),
        (mar, "TH", b): ("professionals", 1, 1, 1, 1, 1, 0),
    }
    assert counts == {
        ("2025-01", "all", "KR"): 2,
        ("2025-01", "audience:children", "KR"): 2,
        ("2025-01", "audience:professionals", "KR"): 1,
        ("2025-01", f"course:{a}", "KR"): 2,
        ("2025-01", f"course:{b}", "KR"): 1,
        ("2025-02", "all", "KR"): 1,
        ("2025-02", "audience:children", "KR"): 1,
        ("2025-02", f"course:{a}", "KR"): 1,
        ("2025-03", "all", "TH"): 1,
        ("2025-03", "audience:professionals", "TH"): 1,
        ("2025-03", f"course:{b}", "TH"): 1,
        ("2025", "all", "KR"): 2,
        ("2025", "audience:children", "KR"): 2,
        ("2025", "audience:professionals", "KR"): 1,
        ("2025", f"course:{a}", "KR"): 2,
        ("2025", f"course:{b}", "KR"): 1,
        ("2025", "all", "TH"): 1,
        ("2025", "audience:professionals", "TH"): 1,
        ("2025", f"course:{b}", "TH"): 1,
    }
    state = RollupState.objects.get()
    assert state.figures_until is not None
    assert state.attempt_id == last.pk


def test_rollup_leaves_the_last_minute_for_the_next_run(world):
    who = learner("KR")
    now = timezone.now()
    old = attempt(who, world.qa1, now - SETTLE - dt.timedelta(seconds=5))
    attempt(who, world.qa1, now - dt.timedelta(seconds=10))
    attempt(
        who, world.qa1, now - 2 * SETTLE
    )  # written later, but its id comes after the recent one

    first = rollup_learning(now=now)

    assert first.attempts == 1  # stops at the first attempt still settling
    assert RollupState.objects.get().attempt_id == old.pk
    second = rollup_learning(now=now + 2 * SETTLE)
    assert second.attempts == 2
    figures, _counts = snapshot()
    assert sum(f[1] for f in figures.values()) == 3


def _random_history(world, seed: int, learners: list, start: dt.datetime, days: int) -> None:
    """Attempts, completions and mastery in time order (as they happen)."""
    rng = random.Random(seed)
    questions = [world.qa1, world.qa2, world.qb1]
    lessons = [world.a1, world.a2, world.b1]
    events = []
    for who in learners:
        for _ in range(rng.randint(1, 12)):
            events.append(("attempt", who, rng.choice(questions), rng.random() < 0.6))
        for lesson in rng.sample(lessons, rng.randint(0, 3)):
            events.append(("complete", who, lesson, None))
        for objective in rng.sample([world.o1, world.o2], rng.randint(0, 2)):
            events.append(("master", who, objective, None))
    rng.shuffle(events)
    step = dt.timedelta(days=days) / len(events)
    for index, (kind, who, thing, correct) in enumerate(events):
        when = start + index * step
        if kind == "attempt":
            attempt(who, thing, when, correct)
        elif kind == "complete":
            if not who.academy_lessons.filter(lesson=thing).exists():
                complete(who, thing, when)
        elif not who.academy_objectives.filter(objective=thing).exists():
            master(who, thing, when)


def test_incremental_equals_full(world):
    people = [learner(c) for c in ["KR", "TH", "SG", ""] * 8]
    _random_history(world, 1, people[:20], at(1, 1), 70)
    first = rollup_learning(batch_size=7)
    _random_history(world, 2, people[10:], at(3, 15), 200)
    second = rollup_learning(batch_size=5)
    incremental = snapshot()

    full = rollup_learning(full=True)

    assert first.attempts > 0 and second.attempts > 0
    assert full.attempts == first.attempts + second.attempts
    assert full.completions == first.completions + second.completions
    assert snapshot() == incremental
    figures, counts = incremental
    assert sum(f[4] for f in figures.values()) > 0  # some courses completed
    assert sum(f[6] for f in figures.values()) > 0  # some objectives mastered
    # Distinct learners: the year's count is not the sum of the months'.
    months = sum(n for (p, s, c), n in counts.items() if s == "all" and len(p) == 7)
    year = sum(n for (p, s, c), n in counts.items() if s == "all" and p == "2025")
    assert year == len(people) and months > year


def test_rollup_is_idempotent(world):
    people = [learner("KR") for _ in range(6)]
    _random_history(world, 3, people, at(4, 1), 30)
    rollup_learning()
    once = snapshot()
    seen = LearnerSeen.objects.count()

    again = rollup_learning()
    call_command("rollup_learning", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert (again.attempts, again.completions, again.mastered) == (0, 0, 0)
    assert snapshot() == once
    assert LearnerSeen.objects.count() == seen


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes the whole database's write lock: one writer at a time anyway",
)
def test_a_second_run_while_one_holds_the_lock_does_nothing(world):
    who = learner("KR")
    attempt(who, world.qa1, at(5))
    RollupState.objects.create(pk=1)
    locked = threading.Event()
    release = threading.Event()

    def hold_lock():
        with transaction.atomic():
            assert _lock_state() is not None
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert locked.wait(10)
    try:
        result = rollup_learning()
    finally:
        release.set()
        holder.join()
    assert result.locked
    assert snapshot() == ({}, {})
    assert rollup_learning().attempts == 1
