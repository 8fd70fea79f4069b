"""What next: the pure selection (prerequisites first, mastered skipped, reviews first)."""

from __future__ import annotations

from ipcoop.academy.paths import Kind, LessonItem, Reason, Recommendation, recommend, skippable

LESSONS = [
    LessonItem("l1", ("PAT-201",)),
    LessonItem("l2", ("PAT-202",)),
    LessonItem("l3", ("PAT-203", "PAT-204")),
]


def test_a_new_learner_starts_with_the_first_lesson():
    assert recommend(LESSONS, {}, set(), {}) == Recommendation(
        Kind.LESSON, "PAT-201", Reason.NEW, "l1"
    )


def test_mastered_objectives_are_skipped():
    known = {"PAT-201": 0.97, "PAT-202": 0.95}
    assert recommend(LESSONS, known, {"PAT-201"}, {}) == Recommendation(
        Kind.LESSON, "PAT-203", Reason.NEW, "l3"
    )


def test_practised_but_not_mastered_is_a_practice_set():
    step = recommend(LESSONS, {"PAT-201": 0.6}, {"PAT-201"}, {})
    assert step == Recommendation(Kind.PRACTICE, "PAT-201", Reason.PRACTISE, "l1")


def test_an_unmastered_prerequisite_comes_first_deepest_first():
    # PAT-201 is known; PAT-203 needs PAT-204, which needs PAT-202.
    known = {"PAT-201": 0.99}
    prerequisites = {"PAT-203": ["PAT-204"], "PAT-204": ["PAT-202"]}
    lessons = [LESSONS[0], LessonItem("l3", ("PAT-203",)), LessonItem("l4", ("PAT-204",))]
    lessons.append(LessonItem("l2", ("PAT-202",)))
    step = recommend(lessons, known, set(), prerequisites)
    assert step == Recommendation(Kind.LESSON, "PAT-202", Reason.PREREQUISITE, "l2", "PAT-204")
    # Once PAT-202 is mastered, PAT-204 (needed by PAT-203) is next.
    known["PAT-202"] = 0.96
    step = recommend(lessons, known, {"PAT-202"}, prerequisites)
    assert step == Recommendation(Kind.LESSON, "PAT-204", Reason.PREREQUISITE, "l4", "PAT-203")


def test_a_mastered_or_untaught_prerequisite_does_not_block():
    prerequisites = {"PAT-201": ["PAT-202", "TM-201"]}
    known = {"PAT-202": 0.99}
    step = recommend(LESSONS, known, set(), prerequisites)
    assert step == Recommendation(Kind.LESSON, "PAT-201", Reason.NEW, "l1")


def test_cycles_in_prerequisites_end():
    prerequisites = {"PAT-201": ["PAT-202"], "PAT-202": ["PAT-201"]}
    step = recommend(LESSONS, {}, set(), prerequisites)
    assert step is not None and step.objective == "PAT-202"


def test_an_objective_being_forgotten_comes_first():
    known = {"PAT-201": 0.99}
    step = recommend(LESSONS, known, {"PAT-201"}, {}, forgetting=["PAT-201", "PAT-202"])
    assert step == Recommendation(Kind.REVIEW, "PAT-201", Reason.REVIEW, "l1")


def test_nothing_left_when_everything_is_mastered():
    known = dict.fromkeys(("PAT-201", "PAT-202", "PAT-203", "PAT-204"), 0.99)
    assert recommend(LESSONS, known, set(known), {}) is None
    assert recommend([], {}, set(), {}) is None


def test_a_lesson_is_skippable_when_all_its_objectives_are_mastered():
    assert skippable(("PAT-203", "PAT-204"), {"PAT-203": 0.99, "PAT-204": 0.95})
    assert not skippable(("PAT-203", "PAT-204"), {"PAT-203": 0.99, "PAT-204": 0.94})
    assert not skippable((), {})
