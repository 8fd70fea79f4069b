"""Course packages: every problem reported with its path, nothing half-imported,
round trips identical (JSON and zip), re-import in place."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ipcoop.academy import services
from ipcoop.academy.models import Attempt, Course, Lesson, Objective, Question
from ipcoop.academy.package import (
    PackageError,
    dumps,
    export_package,
    export_zip,
    import_package,
    read_package,
    validate_package,
)
from tests.academy.fixture import package

pytestmark = pytest.mark.django_db


def test_fixture_package_is_valid():
    assert validate_package(package()) == []


def test_every_problem_is_reported_with_its_path():
    data = package()
    data["course"]["units"][0]["lessons"][1]["title"] = {"ko": "제목"}
    data["course"]["sdgs"] = [9, 4]
    data["course"]["units"][1]["lessons"][0]["key_points"]["ko"] = ["하나"]
    data["questions"][0]["choices"][1]["correct"] = True
    data["questions"][1]["lesson"] = "no-such-lesson"
    data["questions"][2]["objective"] = "TM-101"
    data["questions"][3]["pairs"] = data["questions"][3]["pairs"][:2]
    data["objectives"][0]["title"]["xx"] = "?"
    data["course"]["surprise"] = 1
    problems = validate_package(data)
    assert "course.units[0].lessons[1].title: English text is required" in problems
    assert any(p.startswith("course.sdgs:") for p in problems)
    assert (
        "course.units[1].lessons[0].key_points: every language must have the same number of items"
        in problems
    )
    assert (
        "questions[0].choices: a single-choice question needs exactly one correct choice"
        in problems
    )
    assert any(p.startswith("questions[1].lesson:") for p in problems)
    assert any(p.startswith("questions[2].objective:") for p in problems)
    assert "questions[3].pairs: needs 3 to 5 pairs" in problems
    assert any(p.startswith("objectives[0].title.xx: unknown language") for p in problems)
    assert "course.surprise: is not a known key (remove it)" in problems


def test_missing_course_language_and_cycles_and_unused_objectives():
    data = package()
    del data["questions"][0]["feedback"]["ko"]
    data["objectives"][0]["prerequisites"] = ["PAT-102"]
    data["objectives"].append(
        {
            "code": "TM-199",
            "topic": "trademarks",
            "title": {"en": "x", "ko": "x"},
            "audiences": ["children"],
            "prerequisites": [],
        }
    )
    problems = validate_package(data)
    assert "questions[0].feedback: translation missing for course language 'ko'" in problems
    assert any("prerequisites go round in a circle" in p for p in problems)
    assert any(p.startswith("objectives[3]: TM-199 is used by no lesson") for p in problems)


def test_nothing_is_imported_when_anything_is_wrong():
    data = package()
    data["questions"][-1]["accepted"] = {}
    with pytest.raises(PackageError) as caught:
        import_package(data)
    assert any(p.startswith("questions[4].accepted") for p in caught.value.problems)
    assert Course.objects.count() == Objective.objects.count() == Question.objects.count() == 0


def test_round_trip_is_identical_and_reimport_is_idempotent():
    data = package()
    course = import_package(data)
    assert export_package(course) == data
    assert json.loads(dumps(export_package(course))) == data
    import_package(data, publish=True)
    assert Course.objects.count() == 1
    assert Lesson.objects.count() == 3
    assert Question.objects.count() == 5
    assert export_package(Course.objects.get()) == data
    # Each lesson still has a single version: publishing did not copy unchanged content.
    assert all(lesson.versions.count() == 1 for lesson in Lesson.objects.all())


def test_reimport_keeps_attempts_and_versions_changed_lessons(personas):
    course = import_package(package(), publish=True)
    question = Question.objects.get(key="q-single")
    services.record_attempt(
        learner=personas.learner,
        question=question,
        answer={"choice": 0},
        idempotency_key="7f1cbb44-3f2e-4d6c-9a36-1a3b0e5f4c11",
    )
    changed = package()
    changed["course"]["units"][0]["lessons"][0]["body"]["en"] = "A changed body."
    changed["questions"][0]["prompt"]["en"] = "Which one is an invention, really?"
    import_package(changed)
    lesson = Lesson.objects.get(slug="what-is-an-invention")
    assert lesson.versions.count() == 2
    assert lesson.published_version.body["en"].startswith("An **invention**")
    assert lesson.latest_version.body["en"] == "A changed body."
    assert Attempt.objects.get().question_id == question.pk
    stored = Question.objects.get(key="q-single")
    # Learners keep the published question until the lesson's next version is published.
    assert stored.prompt["en"] == "Which one is an invention?"
    assert stored.pending["prompt"]["en"].endswith("really?")
    assert export_package(course) == changed


def test_zip_round_trip_with_files():
    data = package()
    data["course"]["units"][0]["lessons"][0]["images"] = [
        {"src": "files/bulb.svg", "alt": {"en": "A light bulb", "ko": "전구"}}
    ]
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("course.json", json.dumps(data))
        archive.writestr("files/bulb.svg", svg)
    read, files = read_package(buffer.getvalue())
    course = import_package(read, files=files)
    out = export_zip(course)
    again, again_files = read_package(out)
    assert again == data
    assert again_files == {"bulb.svg": svg}


def test_zip_missing_file_is_reported():
    data = package()
    data["course"]["units"][0]["lessons"][0]["images"] = [
        {"src": "files/missing.png", "alt": {"en": "x", "ko": "x"}}
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("course.json", json.dumps(data))
    read, files = read_package(buffer.getvalue())
    assert validate_package(read, files=files) == [
        "course.units[0].lessons[0].images[0].src: files/missing.png is not in the zip package"
    ]


def test_commands_import_and_export(tmp_path, capsys):
    source = tmp_path / "course.json"
    source.write_text(json.dumps(package()), encoding="utf-8")
    call_command("import_course", str(source))
    out = tmp_path / "out.json"
    call_command("export_course", "test-ideas", "-o", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == package()
    call_command("export_course", "test-ideas", "-o", str(tmp_path / "out.zip"))
    assert read_package((tmp_path / "out.zip").read_bytes())[0] == package()
    bad = package()
    bad["format"] = "other"
    source.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_course", str(source))
    assert 'format: must be "ipcoop-course/1"' in capsys.readouterr().err


def test_seed_academy_publishes_and_is_idempotent(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(package()), encoding="utf-8")
    call_command("seed_academy", "--directory", str(tmp_path))
    call_command("seed_academy", "--directory", str(tmp_path))
    course = Course.objects.get()
    assert course.status == "published"
    assert all(lesson.published_version_id for lesson in course.lessons.all())
    assert Question.objects.filter(published=True).count() == 5


def _paths(value, prefix=()):
    """Every place in a JSON document: (path tuple) for each dict key and list item."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _replace(data, path, new):
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new


WEIRD = [None, 7, True, "x", [], {}, [{}], [[1]], {"en": None}, [{"a": 1}]]


def test_validation_never_crashes_on_malformed_packages():
    """Any value anywhere replaced by something of another shape: a list of
    problems, never an exception."""
    original = package()
    checked = 0
    for path in list(_paths(original))[1:]:
        for weird in WEIRD:
            data = package()
            _replace(data, path, weird)
            problems = validate_package(data)
            assert isinstance(problems, list)
            assert all(isinstance(p, str) for p in problems)
            checked += 1
    assert checked > 1000
    assert validate_package([]) == ["(root): must be a JSON object"]
