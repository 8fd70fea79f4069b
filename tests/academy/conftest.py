"""Academy fixtures: the test package imported and published, a second educator,
and a draft course and a draft lesson that must stay hidden."""

from __future__ import annotations

import pytest

from ipcoop.academy.models import Course, Lesson
from ipcoop.academy.package import import_package
from ipcoop.people.models import Role
from tests.academy.fixture import package
from tests.conftest import make_user


@pytest.fixture
def course(db) -> Course:
    return import_package(package(), publish=True, review_note="test")


@pytest.fixture
def educator2(personas):
    return make_user("academy.reviewer", Role.EDUCATOR, "asean-ip-academy")


@pytest.fixture
def draft_course(db) -> Course:
    """A course never published, with a title the tests search for."""
    data = package(slug="secret-draft-course", title={"en": "Secret draft course", "ko": "비밀"})
    for i, q in enumerate(data["questions"]):
        q["key"] = f"draft-{i}"
    return import_package(data)


@pytest.fixture
def draft_lesson(course, personas) -> Lesson:
    """A lesson added to the published course and not yet published."""
    from ipcoop.academy import services

    unit = course.units.first()
    version = services.save_lesson(
        by=personas.educator,
        unit=unit,
        lesson=None,
        lang="en",
        slug="secret-draft-lesson",
        title="Secret draft lesson",
        body="Not for learners yet.",
        key_points=["One", "Two"],
        minutes=5,
        objectives=["PAT-101"],
        sources=[],
    )
    return version.lesson
