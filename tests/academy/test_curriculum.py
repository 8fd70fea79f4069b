"""The curriculum shipped in ipcoop/academy/curriculum/: every package valid, round
trips identically, and meets the minimum size for its audience."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipcoop.academy.models import Course
from ipcoop.academy.package import export_package, import_package, validate_package

CURRICULUM = Path(__file__).resolve().parents[2] / "ipcoop" / "academy" / "curriculum"
MINIMUMS = {"professionals": (5, 25)}
DEFAULT_MINIMUM = (4, 20)


@pytest.mark.django_db
def test_every_curriculum_package_round_trips_and_meets_the_minimums():
    paths = sorted(CURRICULUM.glob("*.json"))
    assert paths, f"No course packages found in {CURRICULUM.name}/: the curriculum is missing."
    failures = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        problems = validate_package(data)
        if problems:
            failures.append(f"{path.name}: {problems[:10]}")
            continue
        course = import_package(data, publish=True)
        if export_package(course) != data:
            failures.append(f"{path.name}: export differs from the file")
        if course.slug != path.stem:
            failures.append(f"{path.name}: the file name must be the course slug ({course.slug})")
        lessons = sum(len(unit["lessons"]) for unit in data["course"]["units"])
        least_lessons, least_questions = MINIMUMS.get(data["course"]["audience"], DEFAULT_MINIMUM)
        if lessons < least_lessons or len(data["questions"]) < least_questions:
            failures.append(
                f"{path.name}: {lessons} lessons and {len(data['questions'])} questions; "
                f"needs at least {least_lessons} and {least_questions}"
            )
    # With every course in, each still exports as its file: no two files give one
    # objective code different definitions.
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        course = Course.objects.filter(slug=data["course"]["slug"]).first()
        if course is not None and export_package(course) != data:
            failures.append(f"{path.name}: an objective is defined differently in another file")
    assert not failures, "\n".join(failures)
