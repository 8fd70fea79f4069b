"""Course packages: one course as one JSON document, checked, imported and exported.

Format "ipcoop-course/1"
------------------------

A package is a JSON object with three keys, in this order:

``format``
    Always ``"ipcoop-course/1"``.
``objectives``
    The learning objectives the course uses (taught by a lesson, checked by a
    question, or a prerequisite of one of those), sorted by code. Each has
    ``code`` (``PREFIX-NNN``; the prefix names the topic: PAT, TM, DES, CR, TS, GI,
    ENF, AI, BC, MV, SDG), ``topic`` (a topic code), ``title`` (translated),
    ``audiences`` (some of children, students, adults, professionals) and
    ``prerequisites`` (codes of other objectives of the same package, without cycles).
``course``
    ``slug`` (lowercase letters, digits, hyphens), ``audience``, ``level``
    (beginner, intermediate, advanced), ``topics``, ``sdgs`` (distinct SDG numbers
    1–17, ascending), ``minutes``, ``languages`` (the languages every text of the
    package is written in; English always), ``title``, ``summary`` and ``units``.
    A unit has a ``title`` and ``lessons``; a lesson has ``slug`` (unique in the
    course), ``title``, ``minutes``, ``body`` (Markdown, sanitised when shown),
    ``key_points`` (2–5 translated points), ``images`` (``src`` — a static path, or
    ``files/<name>`` for a file carried in a zip — and a translated ``alt``),
    ``video`` (null, or ``url`` (https) and a translated ``transcript``),
    ``objectives`` (codes) and ``sources`` (``title`` and ``url``, which may be "").
``questions``
    The practice questions in the order they are practised. Each has ``key``
    (unique in the course: re-importing updates it in place), ``lesson`` (a lesson
    slug), ``objective`` (one of that lesson's objectives), ``type`` (single,
    multiple, true_false, matching, short_answer), ``difficulty`` (1–3), ``prompt``,
    ``choices`` (single: exactly one correct; multiple: at least one; others []),
    ``answer`` (true_false: true or false; others null), ``pairs`` (matching: 3–5
    left/right pairs; others []), ``accepted`` (short_answer: a list of accepted
    answers per language, compared ignoring case and spaces; others {}),
    ``feedback`` (why the right answer is right) and ``sources``.

A translated text is an object from language code to text, with "en" always
present and other keys among the platform's languages; a translated list has the
same number of items in every language. Every key listed above is required and no
other key is accepted, so that exporting an imported course gives back the same
document.

A zip package holds the JSON as ``course.json`` at its root and the files it names
under ``files/``.

``validate_package(data)`` lists every problem with its JSON path, e.g.
``course.units[0].lessons[2].title: English text is required``; ``import_package``
imports nothing unless that list is empty.
"""

from __future__ import annotations

import io
import json
import mimetypes
import re
import zipfile
from typing import Any
from urllib.parse import urlparse

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ipcoop.academy.i18n import content_languages
from ipcoop.academy.models import (
    TOPIC_PREFIXES,
    Audience,
    Course,
    CourseFile,
    Lesson,
    LessonVersion,
    Level,
    Objective,
    Question,
    QuestionType,
    Status,
    Topic,
    Unit,
)
from ipcoop.search.services import index_item as index_for_search

FORMAT = "ipcoop-course/1"
# Addresses the Academy uses itself (/academy/me/, /academy/author/, …/files/, …/complete/).
RESERVED_COURSE_SLUGS = frozenset({"me", "author"})
RESERVED_LESSON_SLUGS = frozenset({"files", "complete", "answer", "placement"})
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
CODE = re.compile(r"^([A-Z]+)-(\d{3})$")
FILE_NAME = re.compile(r"^files/[A-Za-z0-9][A-Za-z0-9._-]*$")
STATIC_PATH = re.compile(r"^[A-Za-z0-9_-]+(?:/[A-Za-z0-9._-]+)+$")
MAX_FILE_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"}

OBJECTIVE_KEYS = ["code", "topic", "title", "audiences", "prerequisites"]
COURSE_KEYS = [
    "slug",
    "audience",
    "level",
    "topics",
    "sdgs",
    "minutes",
    "languages",
    "title",
    "summary",
    "units",
]
UNIT_KEYS = ["title", "lessons"]
LESSON_KEYS = [
    "slug",
    "title",
    "minutes",
    "body",
    "key_points",
    "images",
    "video",
    "objectives",
    "sources",
]
QUESTION_KEYS = [
    "key",
    "lesson",
    "objective",
    "type",
    "difficulty",
    "prompt",
    "choices",
    "answer",
    "pairs",
    "accepted",
    "feedback",
    "sources",
]


class PackageError(ValidationError):
    """A package that cannot be imported; ``problems`` lists every reason with its path."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems)


# Checking ---------------------------------------------------------------------------


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.languages: list[str] = ["en"]

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def keys(self, path: str, value: Any, expected: list[str]) -> bool:
        if not isinstance(value, dict):
            self.error(path, "must be an object")
            return False
        for key in expected:
            if key not in value:
                self.error(f"{path}.{key}", "is missing")
        for key in value:
            if key not in expected:
                self.error(f"{path}.{key}", "is not a known key (remove it)")
        return True

    def text(self, path: str, value: Any, *, required: bool = True) -> None:
        """A translated text: {"en": "...", ...} with every course language."""
        if not isinstance(value, dict):
            self.error(path, 'must be an object of texts per language, e.g. {"en": "..."}')
            return
        allowed = content_languages()
        for lang, item in value.items():
            if lang not in allowed:
                self.error(f"{path}.{lang}", f"unknown language (use one of {', '.join(allowed)})")
            elif not isinstance(item, str):
                self.error(f"{path}.{lang}", "must be a string")
            elif required and not item.strip():
                self.error(f"{path}.{lang}", "must not be empty")
        if not isinstance(value.get("en"), str) or not value.get("en", "").strip():
            self.error(path, "English text is required")
        for lang in self.languages:
            if lang != "en" and lang not in value:
                self.error(path, f"translation missing for course language {lang!r}")

    def text_list(self, path: str, value: Any, *, least: int, most: int) -> None:
        if not isinstance(value, dict):
            self.error(path, 'must be an object of lists per language, e.g. {"en": ["..."]}')
            return
        allowed = content_languages()
        counts = set()
        for lang, items in value.items():
            if lang not in allowed:
                self.error(f"{path}.{lang}", "unknown language")
                continue
            if not isinstance(items, list) or not all(
                isinstance(i, str) and i.strip() for i in items
            ):
                self.error(f"{path}.{lang}", "must be a list of non-empty strings")
                continue
            counts.add(len(items))
        if "en" not in value:
            self.error(path, "English text is required")
        elif isinstance(value["en"], list) and not least <= len(value["en"]) <= most:
            self.error(path, f"must have {least} to {most} items")
        if len(counts) > 1:
            self.error(path, "every language must have the same number of items")
        for lang in self.languages:
            if lang != "en" and lang not in value:
                self.error(path, f"translation missing for course language {lang!r}")

    def integer(self, path: str, value: Any, low: int, high: int) -> bool:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.error(path, f"must be a whole number from {low} to {high}")
            return False
        return True

    def sources(self, path: str, value: Any) -> None:
        if not isinstance(value, list):
            self.error(path, "must be a list")
            return
        for i, source in enumerate(value):
            p = f"{path}[{i}]"
            if not self.keys(p, source, ["title", "url"]):
                continue
            if not isinstance(source.get("title"), str) or not source["title"].strip():
                self.error(f"{p}.title", "must be a non-empty string")
            url = source.get("url")
            if not isinstance(url, str) or (url and not _is_web_url(url)):
                self.error(f"{p}.url", 'must be an http(s) address or ""')


def _is_web_url(url: str, schemes: tuple[str, ...] = ("http", "https")) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in schemes and bool(parsed.netloc)


def validate_package(data: Any, *, files: dict[str, bytes] | None = None) -> list[str]:
    """Every problem of a package, each as "<JSON path>: <what to fix>"; [] if none.

    ``files`` are the files of a zip package (name → bytes); when given, every
    ``files/<name>`` image must be among them.
    """
    c = _Checker()
    if not isinstance(data, dict):
        return ["(root): must be a JSON object"]
    c.keys("(root)", data, ["format", "objectives", "course", "questions"])
    if data.get("format") != FORMAT:
        c.error("format", f'must be "{FORMAT}"')
    course = data.get("course")
    if isinstance(course, dict):
        langs = course.get("languages")
        if (
            isinstance(langs, list)
            and all(isinstance(x, str) for x in langs)
            and set(langs) <= set(content_languages())
        ):
            c.languages = list(langs)

    # Objectives
    objectives = data.get("objectives")
    codes: dict[str, dict] = {}
    if not isinstance(objectives, list):
        c.error("objectives", "must be a list")
        objectives = []
    previous = ""
    for i, obj in enumerate(objectives):
        p = f"objectives[{i}]"
        if not c.keys(p, obj, OBJECTIVE_KEYS):
            continue
        code = obj.get("code")
        topic = obj.get("topic")
        match = CODE.match(code) if isinstance(code, str) else None
        if not match:
            c.error(f"{p}.code", "must look like PAT-101 (topic prefix, hyphen, three digits)")
        else:
            if code in codes:
                c.error(f"{p}.code", f"{code} is listed twice")
            if code < previous:
                c.error(f"{p}.code", "objectives must be sorted by code")
            previous = code
            codes[code] = obj
        if not isinstance(topic, str) or topic not in TOPIC_PREFIXES:
            c.error(f"{p}.topic", f"must be one of {', '.join(TOPIC_PREFIXES)}")
        elif match and match.group(1) != TOPIC_PREFIXES[topic]:
            c.error(f"{p}.code", f"topic {topic} needs the prefix {TOPIC_PREFIXES[topic]}-")
        c.text(f"{p}.title", obj.get("title"))
        audiences = obj.get("audiences")
        if (
            not isinstance(audiences, list)
            or not audiences
            or not all(a in Audience.values for a in audiences)
            or len(set(audiences)) != len(audiences)
        ):
            c.error(f"{p}.audiences", f"must be a non-empty list of {', '.join(Audience.values)}")
        pres = obj.get("prerequisites")
        if not isinstance(pres, list) or not all(isinstance(x, str) for x in pres):
            c.error(f"{p}.prerequisites", "must be a list of objective codes")
        elif pres != sorted(set(pres)):
            c.error(f"{p}.prerequisites", "must be distinct codes sorted by code")
    for i, obj in enumerate(objectives):
        if not isinstance(obj, dict) or not isinstance(obj.get("prerequisites"), list):
            continue
        for j, pre in enumerate(obj["prerequisites"]):
            if not isinstance(pre, str) or pre not in codes:
                c.error(f"objectives[{i}].prerequisites[{j}]", f"{pre} is not an objective here")
            elif pre == obj.get("code"):
                c.error(f"objectives[{i}].prerequisites[{j}]", "an objective cannot need itself")
    cycle = _find_cycle(
        {
            code: [p for p in _list(obj.get("prerequisites")) if isinstance(p, str) and p in codes]
            for code, obj in codes.items()
        }
    )
    if cycle:
        c.error("objectives", f"prerequisites go round in a circle: {' → '.join(cycle)}")

    # Course
    lessons: dict[str, dict] = {}
    used: set[str] = set()
    if c.keys("course", course, COURSE_KEYS):
        slug = course.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug):
            c.error("course.slug", "use lowercase letters, digits and single hyphens")
        elif slug in RESERVED_COURSE_SLUGS:
            c.error("course.slug", f"{slug} is reserved for the Academy's own pages")
        if course.get("audience") not in Audience.values:
            c.error("course.audience", f"must be one of {', '.join(Audience.values)}")
        if course.get("level") not in Level.values:
            c.error("course.level", f"must be one of {', '.join(Level.values)}")
        topics = course.get("topics")
        if (
            not isinstance(topics, list)
            or not topics
            or not all(t in Topic.values for t in topics)
            or len(set(topics)) != len(topics)
        ):
            c.error("course.topics", f"must be a non-empty list of {', '.join(Topic.values)}")
        sdgs = course.get("sdgs")
        if (
            not isinstance(sdgs, list)
            or not all(
                isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= 17 for s in sdgs
            )
            or sdgs != sorted(set(sdgs))
        ):
            c.error("course.sdgs", "must be distinct SDG numbers 1 to 17 in ascending order")
        c.integer("course.minutes", course.get("minutes"), 1, 10000)
        langs = course.get("languages")
        if (
            not isinstance(langs, list)
            or "en" not in langs
            or not all(isinstance(x, str) and x in content_languages() for x in langs)
            or len(set(langs)) != len(langs)
        ):
            c.error(
                "course.languages",
                f"must list distinct languages among {', '.join(content_languages())}, with en",
            )
        c.text("course.title", course.get("title"))
        c.text("course.summary", course.get("summary"))
        units = course.get("units")
        if not isinstance(units, list) or not units:
            c.error("course.units", "must be a non-empty list")
            units = []
        for u, unit in enumerate(units):
            up = f"course.units[{u}]"
            if not c.keys(up, unit, UNIT_KEYS):
                continue
            c.text(f"{up}.title", unit.get("title"))
            unit_lessons = unit.get("lessons")
            if not isinstance(unit_lessons, list) or not unit_lessons:
                c.error(f"{up}.lessons", "must be a non-empty list")
                continue
            for n, lesson in enumerate(unit_lessons):
                lp = f"{up}.lessons[{n}]"
                if not c.keys(lp, lesson, LESSON_KEYS):
                    continue
                _check_lesson(c, lp, lesson, codes, lessons, used, files)

    # Questions
    questions = data.get("questions")
    if not isinstance(questions, list):
        c.error("questions", "must be a list")
        questions = []
    keys: set[str] = set()
    for i, question in enumerate(questions):
        qp = f"questions[{i}]"
        if not c.keys(qp, question, QUESTION_KEYS):
            continue
        _check_question(c, qp, question, codes, lessons, keys)
        if isinstance(question.get("objective"), str):
            used.add(question["objective"])

    # Every objective listed is used (directly, or as a prerequisite of a used one).
    needed = _closure(used & set(codes), codes)
    for i, obj in enumerate(objectives):
        code = obj.get("code") if isinstance(obj, dict) else None
        if isinstance(code, str) and code in codes and code not in needed:
            c.error(
                f"objectives[{i}]",
                f"{obj['code']} is used by no lesson or question (remove it or use it)",
            )
    return c.errors


def _check_lesson(
    c: _Checker,
    lp: str,
    lesson: dict,
    codes: dict[str, dict],
    lessons: dict[str, dict],
    used: set[str],
    files: dict[str, bytes] | None,
) -> None:
    slug = lesson.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        c.error(f"{lp}.slug", "use lowercase letters, digits and single hyphens")
    elif slug in RESERVED_LESSON_SLUGS:
        c.error(f"{lp}.slug", f"{slug} is reserved: choose another")
    elif slug in lessons:
        c.error(f"{lp}.slug", f"{slug} is used by another lesson of this course")
    else:
        lessons[slug] = lesson
    c.text(f"{lp}.title", lesson.get("title"))
    c.integer(f"{lp}.minutes", lesson.get("minutes"), 1, 600)
    c.text(f"{lp}.body", lesson.get("body"))
    c.text_list(f"{lp}.key_points", lesson.get("key_points"), least=2, most=5)
    images = lesson.get("images")
    if not isinstance(images, list):
        c.error(f"{lp}.images", "must be a list")
        images = []
    for m, image in enumerate(images):
        ip = f"{lp}.images[{m}]"
        if not c.keys(ip, image, ["src", "alt"]):
            continue
        src = image.get("src")
        if not isinstance(src, str) or not (FILE_NAME.match(src) or STATIC_PATH.match(src)):
            c.error(f"{ip}.src", 'must be a static path like "academy/x.svg" or "files/<name>"')
        elif ".." in src.split("/"):
            c.error(f"{ip}.src", "must not climb out of its folder")
        elif "." + src.rsplit(".", 1)[-1].lower() not in IMAGE_TYPES:
            c.error(f"{ip}.src", f"must be an image ({', '.join(sorted(IMAGE_TYPES))})")
        elif src.startswith("files/") and files is not None and src[6:] not in files:
            c.error(f"{ip}.src", f"{src} is not in the zip package")
        elif not src.startswith("files/") and not finders.find(src):
            c.error(f"{ip}.src", f"no static file {src} (put it under an app's static/ folder)")
        c.text(f"{ip}.alt", image.get("alt"))
    video = lesson.get("video")
    if video is not None and c.keys(f"{lp}.video", video, ["url", "transcript"]):
        if not isinstance(video.get("url"), str) or not _is_web_url(video["url"], ("https",)):
            c.error(f"{lp}.video.url", "must be an https address")
        c.text(f"{lp}.video.transcript", video.get("transcript"))
    objectives = lesson.get("objectives")
    if not isinstance(objectives, list) or not objectives:
        c.error(f"{lp}.objectives", "must list at least one objective code")
    else:
        if len(set(map(str, objectives))) != len(objectives):
            c.error(f"{lp}.objectives", "lists an objective twice")
        for o, code in enumerate(objectives):
            if not isinstance(code, str) or code not in codes:
                c.error(f"{lp}.objectives[{o}]", f"{code} is not in the package's objectives")
            else:
                used.add(code)
    c.sources(f"{lp}.sources", lesson.get("sources"))


def _check_question(
    c: _Checker,
    qp: str,
    q: dict,
    codes: dict[str, dict],
    lessons: dict[str, dict],
    keys: set[str],
) -> None:
    key = q.get("key")
    if not isinstance(key, str) or not KEY.match(key) or len(key) > 80:
        c.error(f"{qp}.key", "use lowercase letters, digits, hyphens and underscores")
    elif key in keys:
        c.error(f"{qp}.key", f"{key} is used by another question")
    else:
        keys.add(key)
    lesson = lessons.get(q.get("lesson")) if isinstance(q.get("lesson"), str) else None
    if lesson is None:
        c.error(f"{qp}.lesson", f"{q.get('lesson')!r} is not a lesson slug of this course")
    objective = q.get("objective")
    if not isinstance(objective, str) or objective not in codes:
        c.error(f"{qp}.objective", f"{objective!r} is not in the package's objectives")
    elif lesson is not None and objective not in _list(lesson.get("objectives")):
        c.error(f"{qp}.objective", f"{objective} is not one of lesson {q['lesson']}'s objectives")
    kind = q.get("type")
    if not isinstance(kind, str) or kind not in QuestionType.values:
        c.error(f"{qp}.type", f"must be one of {', '.join(QuestionType.values)}")
    c.integer(f"{qp}.difficulty", q.get("difficulty"), 1, 3)
    c.text(f"{qp}.prompt", q.get("prompt"))
    c.text(f"{qp}.feedback", q.get("feedback"))
    c.sources(f"{qp}.sources", q.get("sources"))

    choices, answer, pairs, accepted = (
        q.get("choices"),
        q.get("answer"),
        q.get("pairs"),
        q.get("accepted"),
    )
    if kind in ("single", "multiple"):
        if not isinstance(choices, list) or len(choices) < 2:
            c.error(f"{qp}.choices", "needs at least two choices")
        else:
            correct = 0
            for i, choice in enumerate(choices):
                cp = f"{qp}.choices[{i}]"
                if not c.keys(cp, choice, ["text", "correct"]):
                    continue
                c.text(f"{cp}.text", choice.get("text"))
                if not isinstance(choice.get("correct"), bool):
                    c.error(f"{cp}.correct", "must be true or false")
                elif choice["correct"]:
                    correct += 1
            if kind == "single" and correct != 1:
                c.error(
                    f"{qp}.choices", "a single-choice question needs exactly one correct choice"
                )
            if kind == "multiple" and correct < 1:
                c.error(f"{qp}.choices", "needs at least one correct choice")
    elif choices != []:
        c.error(f"{qp}.choices", "must be [] for this type")
    if kind == "true_false":
        if not isinstance(answer, bool):
            c.error(f"{qp}.answer", "must be true or false")
    elif answer is not None:
        c.error(f"{qp}.answer", "must be null for this type")
    if kind == "matching":
        if not isinstance(pairs, list) or not 3 <= len(pairs) <= 5:
            c.error(f"{qp}.pairs", "needs 3 to 5 pairs")
        else:
            for i, pair in enumerate(pairs):
                pp = f"{qp}.pairs[{i}]"
                if c.keys(pp, pair, ["left", "right"]):
                    c.text(f"{pp}.left", pair.get("left"))
                    c.text(f"{pp}.right", pair.get("right"))
            rights = [
                json.dumps(p.get("right"), sort_keys=True) for p in pairs if isinstance(p, dict)
            ]
            if len(set(rights)) != len(rights):
                c.error(f"{qp}.pairs", "two pairs have the same right side")
    elif pairs != []:
        c.error(f"{qp}.pairs", "must be [] for this type")
    if kind == "short_answer":
        if not isinstance(accepted, dict):
            c.error(f"{qp}.accepted", 'must be an object of answer lists, e.g. {"en": ["..."]}')
        else:
            for lang, items in accepted.items():
                if lang not in content_languages():
                    c.error(f"{qp}.accepted.{lang}", "unknown language")
                elif (
                    not isinstance(items, list)
                    or not items
                    or not all(isinstance(x, str) and x.strip() for x in items)
                ):
                    c.error(f"{qp}.accepted.{lang}", "must be a non-empty list of answers")
            for lang in c.languages:
                if lang not in accepted:
                    c.error(f"{qp}.accepted", f"accepted answers missing for language {lang!r}")
    elif accepted != {}:
        c.error(f"{qp}.accepted", "must be {} for this type")


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def _closure(start: set[str], codes: dict[str, dict]) -> set[str]:
    seen = set()
    todo = list(start)
    while todo:
        code = todo.pop()
        if code in seen:
            continue
        seen.add(code)
        pres = _list(codes.get(code, {}).get("prerequisites"))
        todo.extend(p for p in pres if isinstance(p, str) and p in codes)
    return seen


# Reading files ----------------------------------------------------------------------


def read_package(raw: bytes) -> tuple[Any, dict[str, bytes]]:
    """A package's JSON and files from the bytes of a .json or .zip file.

    Raises ``PackageError`` when the bytes are neither.
    """
    if raw[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                names = archive.namelist()
                if "course.json" not in names:
                    raise PackageError(["(zip): course.json is missing at the root"])
                data = json.loads(archive.read("course.json").decode("utf-8"))
                files: dict[str, bytes] = {}
                for info in archive.infolist():
                    if info.filename.startswith("files/") and not info.is_dir():
                        if info.file_size > MAX_FILE_BYTES:
                            raise PackageError([f"(zip): {info.filename} is larger than 2 MB"])
                        files[info.filename[6:]] = archive.read(info)
                return data, files
        except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PackageError([f"(zip): not a readable package ({exc})"]) from exc
    try:
        return json.loads(raw.decode("utf-8")), {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError([f"(root): not valid JSON ({exc})"]) from exc


# Importing --------------------------------------------------------------------------


def _version_content(lesson: dict) -> dict:
    return {
        "title": lesson["title"],
        "minutes": lesson["minutes"],
        "body": lesson["body"],
        "key_points": lesson["key_points"],
        "images": lesson["images"],
        "video": lesson["video"],
        "objectives": lesson["objectives"],
        "sources": lesson["sources"],
    }


def _same_content(version: LessonVersion | None, content: dict) -> bool:
    return version is not None and all(getattr(version, k) == v for k, v in content.items())


@transaction.atomic
def import_package(
    data: Any,
    *,
    by: Any = None,
    files: dict[str, bytes] | None = None,
    publish: bool = False,
    review_note: str = "",
) -> Course:
    """Import (or update in place) the course of a package.

    Side effects: creates or updates objectives (a code already present takes the
    package's definition), the course, its units, lessons, questions and zip files;
    a lesson whose content changed gets a new version (a draft, or published when
    ``publish``), an unchanged lesson keeps its versions; units, lessons and
    questions no longer in the package are removed (their attempts with them) unless
    learners' attempts point at them, in which case they are kept unpublished. With
    ``publish`` the course and every lesson are published with ``review_note`` as the
    review record. Raises ``PackageError`` listing every problem, writing nothing.
    """
    problems = validate_package(data, files=files)
    if problems:
        raise PackageError(problems)
    now = timezone.now()
    files = files or {}

    # Objectives
    objs: dict[str, Objective] = {}
    for item in data["objectives"]:
        obj, _created = Objective.objects.update_or_create(
            code=item["code"],
            defaults={
                "topic": item["topic"],
                "title": item["title"],
                "audiences": item["audiences"],
            },
        )
        objs[obj.code] = obj
    for item in data["objectives"]:
        objs[item["code"]].prerequisites.set([objs[p] for p in item["prerequisites"]])

    # Course
    c = data["course"]
    defaults = {k: c[k] for k in COURSE_KEYS if k not in ("slug", "units")}
    course = Course.objects.filter(slug=c["slug"]).first()
    if course is None:
        course = Course.objects.create(slug=c["slug"], author=by, **defaults)
    else:
        for k, v in defaults.items():
            setattr(course, k, v)
    if publish:
        course.status = Status.PUBLISHED
        course.published_at = course.published_at or now
        course.review_note = review_note
    course.save()

    for name, content in files.items():
        CourseFile.objects.update_or_create(
            course=course,
            name=name,
            defaults={
                "content": content,
                "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
            },
        )

    # Units and lessons
    old_units = list(course.units.order_by("position", "pk"))
    existing = {lesson.slug: lesson for lesson in course.lessons.select_related("latest_version")}
    kept_lessons: set[int] = set()
    kept_units: set[int] = set()
    position = 0
    for u, unit_data in enumerate(c["units"]):
        unit = old_units[u] if u < len(old_units) else Unit(course=course)
        unit.position = u
        unit.title = unit_data["title"]
        unit.save()
        kept_units.add(unit.pk)
        for lesson_data in unit_data["lessons"]:
            position += 1
            lesson = existing.get(lesson_data["slug"])
            if lesson is None:
                lesson = Lesson.objects.create(
                    course=course, unit=unit, slug=lesson_data["slug"], position=position
                )
            else:
                lesson.unit = unit
                lesson.position = position
            kept_lessons.add(lesson.pk)
            content = _version_content(lesson_data)
            latest = lesson.latest_version
            if _same_content(latest, content):
                version = latest
            elif latest is not None and latest.status != Status.PUBLISHED:
                version = latest
                for k, v in content.items():
                    setattr(version, k, v)
                version.status = Status.DRAFT  # changed content is reviewed afresh
                version.author = by or version.author
                version.save()
            else:
                number = (latest.number + 1) if latest else 1
                version = LessonVersion.objects.create(
                    lesson=lesson, number=number, author=by, **content
                )
            if publish and version.status != Status.PUBLISHED:
                version.status = Status.PUBLISHED
                version.published_at = now
                version.review_note = review_note
                version.save()
            lesson.latest_version = version
            if version.status == Status.PUBLISHED:
                lesson.published_version = version
            lesson.save()
    lessons = {lesson.slug: lesson for lesson in course.lessons.all()}

    # Questions
    old_questions = {q.key: q for q in course.questions.all()}
    kept_questions: set[int] = set()
    for position, item in enumerate(data["questions"], start=1):
        lesson = lessons[item["lesson"]]
        values = {
            "lesson": lesson,
            "objective": objs[item["objective"]],
            "position": position,
            "type": item["type"],
            "difficulty": item["difficulty"],
            "prompt": item["prompt"],
            "choices": item["choices"],
            "answer": item["answer"],
            "pairs": item["pairs"],
            "accepted": item["accepted"],
            "feedback": item["feedback"],
            "sources": item["sources"],
        }
        question = old_questions.get(item["key"])
        if question is None:
            question = Question(course=course, key=item["key"])
            question.published = lesson.published_version_id is not None
        live = question.pk and question.published and not publish
        if live and lesson.published_version_id:
            # Learners keep the published question until the lesson's next version.
            content = {k: v for k, v in values.items() if k not in ("lesson", "position")}
            content["objective_id"] = content.pop("objective").pk
            question.lesson, question.position = lesson, position
            changed = any(getattr(question, k) != v for k, v in content.items())
            question.pending = content if changed else None
        else:
            for k, v in values.items():
                setattr(question, k, v)
            question.pending = None
        if publish:
            question.published = True
        question.save()
        kept_questions.add(question.pk)

    # What the package no longer has
    gone_questions = course.questions.exclude(pk__in=kept_questions)
    gone_questions.filter(attempts__isnull=True).delete()
    gone_questions.update(published=False, position=10**6)
    gone_lessons = course.lessons.exclude(pk__in=kept_lessons)
    gone_lessons.filter(attempts__isnull=True, progress__isnull=True).delete()
    gone_lessons.update(published_version=None, position=10**6)
    course.units.exclude(pk__in=kept_units).filter(lessons__isnull=True).delete()
    index_for_search(course)
    return course


# Exporting --------------------------------------------------------------------------


def export_package(course: Course, *, published_only: bool = False) -> dict:
    """The package of a course: its latest lesson versions (or, with
    ``published_only``, the published ones and published questions)."""
    units = []
    lessons_by_unit: dict[int, list[Lesson]] = {}
    lessons = list(
        course.lessons.exclude(position=10**6)
        .select_related("latest_version", "published_version")
        .order_by("position", "pk")
    )
    for lesson in lessons:
        lessons_by_unit.setdefault(lesson.unit_id, []).append(lesson)
    used: set[str] = set()
    exported_lessons: set[int] = set()
    for unit in course.units.order_by("position", "pk"):
        unit_lessons = []
        for lesson in lessons_by_unit.get(unit.pk, []):
            version = lesson.published_version if published_only else lesson.latest_version
            if version is None:
                continue
            exported_lessons.add(lesson.pk)
            used.update(version.objectives)
            unit_lessons.append(
                {
                    "slug": lesson.slug,
                    "title": version.title,
                    "minutes": version.minutes,
                    "body": version.body,
                    "key_points": version.key_points,
                    "images": version.images,
                    "video": version.video,
                    "objectives": version.objectives,
                    "sources": version.sources,
                }
            )
        if unit_lessons:
            units.append({"title": unit.title, "lessons": unit_lessons})
    questions = []
    for q in (
        course.questions.filter(lesson_id__in=exported_lessons)
        .exclude(position=10**6)
        .select_related("lesson", "objective")
        .order_by("position", "pk")
    ):
        if published_only and not q.published:
            continue
        if not published_only:
            q = q.with_pending()
        used.add(q.objective.code)
        questions.append(
            {
                "key": q.key,
                "lesson": q.lesson.slug,
                "objective": q.objective.code,
                "type": q.type,
                "difficulty": q.difficulty,
                "prompt": q.prompt,
                "choices": q.choices,
                "answer": q.answer,
                "pairs": q.pairs,
                "accepted": q.accepted,
                "feedback": q.feedback,
                "sources": q.sources,
            }
        )
    # Objectives used, with their prerequisites, sorted by code.
    objectives: dict[str, Objective] = {}
    todo = set(used)
    while todo:
        found = Objective.objects.filter(code__in=todo).prefetch_related("prerequisites")
        todo = set()
        for obj in found:
            objectives[obj.code] = obj
            todo.update(p.code for p in obj.prerequisites.all() if p.code not in objectives)
    return {
        "format": FORMAT,
        "objectives": [
            {
                "code": obj.code,
                "topic": obj.topic,
                "title": obj.title,
                "audiences": obj.audiences,
                "prerequisites": sorted(p.code for p in obj.prerequisites.all()),
            }
            for obj in sorted(objectives.values(), key=lambda o: o.code)
        ],
        "course": {
            "slug": course.slug,
            "audience": course.audience,
            "level": course.level,
            "topics": course.topics,
            "sdgs": course.sdgs,
            "minutes": course.minutes,
            "languages": course.languages,
            "title": course.title,
            "summary": course.summary,
            "units": units,
        },
        "questions": questions,
    }


def dumps(data: dict) -> str:
    """The package as text: UTF-8 JSON with a two-space indent."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def export_zip(course: Course, *, published_only: bool = False) -> bytes:
    """The course as a zip: course.json and the files its lessons name under files/."""
    data = export_package(course, published_only=published_only)
    named = {
        image["src"][6:]
        for unit in data["course"]["units"]
        for lesson in unit["lessons"]
        for image in lesson["images"]
        if image["src"].startswith("files/")
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("course.json", dumps(data))
        for f in course.files.filter(name__in=named).order_by("name"):
            archive.writestr(f"files/{f.name}", bytes(f.content))
    return buffer.getvalue()
