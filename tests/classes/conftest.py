"""Class fixtures: the Academy's test course published, a teacher's class in Korea for
children of 8 to 10, and a child who joined it."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from ipcoop.academy.models import Course
from ipcoop.academy.package import import_package
from ipcoop.classes import services
from ipcoop.classes.models import ClassMember, SchoolClass
from tests.academy.fixture import package

PICTURES = ["sun", "cat", "boat"]


@pytest.fixture
def fresh_limits(settings):
    """A low limit for joins and picture sign-ins, counted from zero."""
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "class_signin": "3/m"}
    yield
    cache.clear()


@pytest.fixture
def course(db) -> Course:
    return import_package(package(), publish=True, review_note="test")


def make_class(teacher, course, **changes) -> SchoolClass:
    fields = {
        "name": "Class 3B",
        "audience": "children",
        "country": "KR",
        "age_min": 8,
        "age_max": 10,
        "courses": [course],
    }
    fields.update(changes)
    return services.create_class(by=teacher, **fields)


@pytest.fixture
def school_class(personas, course) -> SchoolClass:
    return make_class(personas.teacher, course)


def join(school_class: SchoolClass, name: str = "Minji", keys=None) -> ClassMember:
    user = services.join_class(
        code=school_class.code, display_name=name, picture_keys=keys or PICTURES
    )
    return ClassMember.objects.select_related("school_class").get(user=user)


@pytest.fixture
def child(school_class) -> ClassMember:
    return join(school_class)
