"""What a learner should do next: pure selection, no framework.

The caller gives the lessons in the order a course teaches them (each with the
objectives it teaches), what is known of the learner per objective (P(known) and
whether it was practised), the objectives' prerequisites and the objectives the
learner is forgetting (review cards due, most urgent first). ``recommend`` answers
with one step and why:

1. an objective being forgotten comes first (a review is short and keeps it);
2. otherwise the first objective in course order that is not mastered, except that
   an unmastered prerequisite taught by one of the lessons goes before it (the
   deepest one first);
3. a lesson never practised is a lesson to read; one practised but not mastered is
   a practice set;
4. nothing when every objective of the lessons is mastered.

Objectives without a lesson in the list cannot be recommended, so a prerequisite
taught nowhere here does not block anything.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ipcoop.lib.mastery import MASTERED


class Reason(StrEnum):
    REVIEW = "review"  # you are forgetting it
    PREREQUISITE = "prerequisite"  # another objective builds on it
    NEW = "new"  # you have not yet practised it
    PRACTISE = "practise"  # practised, not yet mastered


class Kind(StrEnum):
    REVIEW = "review"  # the review queue
    LESSON = "lesson"  # read the lesson
    PRACTICE = "practice"  # the lesson's practice set


@dataclass(frozen=True)
class LessonItem:
    key: Hashable  # what the caller needs to link to the lesson
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    kind: Kind
    objective: str
    reason: Reason
    lesson: Hashable | None = None
    for_objective: str | None = None  # with PREREQUISITE: the objective that needs it


def recommend(
    lessons: Sequence[LessonItem],
    mastery: Mapping[str, float],
    practised: Collection[str],
    prerequisites: Mapping[str, Collection[str]],
    forgetting: Sequence[str] = (),
    threshold: float = MASTERED,
) -> Recommendation | None:
    """The next step for a learner (see the module's docstring), or None."""
    first_lesson: dict[str, Hashable] = {}
    for item in lessons:
        for code in item.objectives:
            first_lesson.setdefault(code, item.key)
    if forgetting:
        code = forgetting[0]
        return Recommendation(Kind.REVIEW, code, Reason.REVIEW, first_lesson.get(code))

    def open_(code: str) -> bool:
        return code in first_lesson and mastery.get(code, 0.0) < threshold

    def deepest_open_prerequisite(code: str, seen: set[str]) -> tuple[str, str] | None:
        """(the prerequisite to learn first, the objective that directly needs it)."""
        for prerequisite in sorted(prerequisites.get(code, ())):
            if prerequisite in seen or not open_(prerequisite):
                continue
            seen.add(prerequisite)
            return deepest_open_prerequisite(prerequisite, seen) or (prerequisite, code)
        return None

    for code in first_lesson:
        if not open_(code):
            continue
        found = deepest_open_prerequisite(code, {code})
        target = found[0] if found else code
        if found:
            reason, needed_by = Reason.PREREQUISITE, found[1]
        else:
            reason = Reason.PRACTISE if code in practised else Reason.NEW
            needed_by = None
        kind = Kind.PRACTICE if target in practised else Kind.LESSON
        return Recommendation(kind, target, reason, first_lesson[target], needed_by)
    return None


def skippable(objectives: Collection[str], mastery: Mapping[str, float]) -> bool:
    """A lesson the learner may skip: it teaches something, all of it mastered."""
    return bool(objectives) and all(mastery.get(c, 0.0) >= MASTERED for c in objectives)
