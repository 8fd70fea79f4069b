"""The children's and the students' starter courses, read as plain JSON.

These tests read the curriculum files with ``json`` only (not through the
importer), so they check the content itself: enough lessons and questions, every
text in every course language, questions that belong to the lesson teaching their
objective, well-formed answers of each question type, safe pictures and sources for
every legal fact. Each check is a function that lists problems; the second half
of the file breaks a copy of a course in one way at a time and proves the check
notices.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ACADEMY = Path(__file__).resolve().parents[2] / "ipcoop" / "academy"
CURRICULUM = ACADEMY / "curriculum"
STATIC = ACADEMY / "static"

COURSES = {
    "ideas-are-treasures": {"audience": "children", "languages": ["en", "ko", "th"]},
    "your-first-patent-trademark-copyright": {"audience": "students", "languages": ["en", "ko"]},
}
KNOWN_LANGUAGES = {"en", "ko", "th", "vi", "id", "ms", "fil", "km", "lo", "my"}
QUESTION_TYPES = {"single", "multiple", "true_false", "matching", "short_answer"}
PREFIXES = {
    "patents": "PAT",
    "trademarks": "TM",
    "designs": "DES",
    "copyright": "CR",
    "trade-secrets": "TS",
    "geographical-indications": "GI",
    "enforcement": "ENF",
    "4ir-ai": "AI",
    "4ir-blockchain": "BC",
    "4ir-metaverse": "MV",
    "sdgs": "SDG",
}
MIN_LESSONS = 4
MIN_QUESTIONS = 20
MAX_SVG_BYTES = 3 * 1024

# Wording that states a legal fact: a duration, an article, a law, a treaty, an
# office or registration. A lesson or question using it must name its sources.
LEGAL_FACT = re.compile(
    r"\b\d+\s*(?:years?|months?)\b|\bArt(?:icle)?\.?\s*\d|\bAct\b|\bConvention\b|"
    r"\bAgreement\b|\bTRIPS\b|\bKIPO\b|Department of Intellectual Property|\bPCT\b|"
    r"\bNice\b|\blaws?\b|\bregist(?:er|ered|ration)\b|\bfirst-to-file\b",
    re.IGNORECASE,
)


def load(slug: str) -> dict:
    return json.loads((CURRICULUM / f"{slug}.json").read_text(encoding="utf-8"))


def all_lessons(doc: dict) -> list[dict]:
    return [lesson for unit in doc["course"]["units"] for lesson in unit["lessons"]]


def translated_texts(doc: dict) -> Iterator[tuple[str, object]]:
    """Every translatable text of a package with its JSON path."""
    for i, objective in enumerate(doc["objectives"]):
        yield f"objectives[{i}].title", objective["title"]
    course = doc["course"]
    yield "course.title", course["title"]
    yield "course.summary", course["summary"]
    for u, unit in enumerate(course["units"]):
        yield f"units[{u}].title", unit["title"]
        for n, lesson in enumerate(unit["lessons"]):
            path = f"units[{u}].lessons[{n}]"
            yield f"{path}.title", lesson["title"]
            yield f"{path}.body", lesson["body"]
            for m, image in enumerate(lesson["images"]):
                yield f"{path}.images[{m}].alt", image["alt"]
            if lesson["video"] is not None:
                yield f"{path}.video.transcript", lesson["video"]["transcript"]
    for i, question in enumerate(doc["questions"]):
        path = f"questions[{i}]"
        yield f"{path}.prompt", question["prompt"]
        yield f"{path}.feedback", question["feedback"]
        for c, choice in enumerate(question["choices"]):
            yield f"{path}.choices[{c}].text", choice["text"]
        for p, pair in enumerate(question["pairs"]):
            yield f"{path}.pairs[{p}].left", pair["left"]
            yield f"{path}.pairs[{p}].right", pair["right"]


# ---------------------------------------------------------------- the checks


def count_problems(doc: dict) -> list[str]:
    problems = []
    lessons = all_lessons(doc)
    if len(lessons) < MIN_LESSONS:
        problems.append(f"{len(lessons)} lessons, at least {MIN_LESSONS} needed")
    if len(doc["questions"]) < MIN_QUESTIONS:
        problems.append(f"{len(doc['questions'])} questions, at least {MIN_QUESTIONS} needed")
    missing = QUESTION_TYPES - {q["type"] for q in doc["questions"]}
    if missing:
        problems.append(f"no question of type {sorted(missing)}")
    for lesson in lessons:
        if not any(q["lesson"] == lesson["slug"] for q in doc["questions"]):
            problems.append(f"lesson {lesson['slug']} has no practice questions")
    return problems


def text_problems(doc: dict) -> list[str]:
    """Every text in every course language, non-empty; key points aligned."""
    languages = doc["course"]["languages"]
    problems = []
    if "en" not in languages:
        problems.append("course.languages lacks en")
    for path, text in translated_texts(doc):
        if not isinstance(text, dict):
            problems.append(f"{path}: not an object of texts per language")
            continue
        for lang in languages:
            value = text.get(lang)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{path}: no {lang} text")
        unknown = set(text) - KNOWN_LANGUAGES
        if unknown:
            problems.append(f"{path}: unknown languages {sorted(unknown)}")
    for lesson in all_lessons(doc):
        points = lesson["key_points"]
        for lang in languages:
            items = points.get(lang)
            filled = isinstance(items, list) and all(
                isinstance(x, str) and x.strip() for x in items
            )
            if not filled:
                problems.append(f"{lesson['slug']}.key_points: no {lang} points")
        counts = {len(items) for items in points.values()}
        if len(counts) != 1 or not 2 <= counts.pop() <= 5:
            problems.append(f"{lesson['slug']}.key_points: 2-5 points, same count per language")
    return problems


def objective_problems(doc: dict) -> list[str]:
    audience = doc["course"]["audience"]
    codes = [o["code"] for o in doc["objectives"]]
    problems = []
    if codes != sorted(set(codes)):
        problems.append("objectives are not distinct and sorted by code")
    for objective in doc["objectives"]:
        code = objective["code"]
        prefix, _, number = code.partition("-")
        if PREFIXES.get(objective["topic"]) != prefix:
            problems.append(f"{code}: prefix does not match topic {objective['topic']}")
        if not (number.isdigit() and len(number) == 3 and 100 <= int(number) <= 199):
            problems.append(f"{code}: children and students objectives are numbered 100-199")
        if audience not in objective["audiences"]:
            problems.append(f"{code}: does not list the course audience {audience}")
        for pre in objective["prerequisites"]:
            if pre not in codes or pre == code:
                problems.append(f"{code}: prerequisite {pre} is not another objective here")
    taught = {code for lesson in all_lessons(doc) for code in lesson["objectives"]}
    for code in taught - set(codes):
        problems.append(f"{code}: taught by a lesson but not defined")
    return problems


def question_problems(doc: dict) -> list[str]:
    languages = doc["course"]["languages"]
    lessons = {lesson["slug"]: lesson for lesson in all_lessons(doc)}
    codes = {o["code"] for o in doc["objectives"]}
    problems = []
    keys = [q["key"] for q in doc["questions"]]
    if len(keys) != len(set(keys)):
        problems.append("question keys are not unique")
    for q in doc["questions"]:
        key, kind = q["key"], q["type"]
        lesson = lessons.get(q["lesson"])
        if lesson is None:
            problems.append(f"{key}: lesson {q['lesson']} does not exist")
        elif q["objective"] not in codes:
            problems.append(f"{key}: objective {q['objective']} does not exist")
        elif q["objective"] not in lesson["objectives"]:
            problems.append(f"{key}: objective {q['objective']} is not taught by {q['lesson']}")
        if kind not in QUESTION_TYPES:
            problems.append(f"{key}: unknown type {kind}")
        if q["difficulty"] not in (1, 2, 3):
            problems.append(f"{key}: difficulty must be 1, 2 or 3")
        correct = [c for c in q["choices"] if c["correct"] is True]
        if kind == "single" and (len(q["choices"]) < 2 or len(correct) != 1):
            problems.append(f"{key}: single needs exactly one correct choice of several")
        if kind == "multiple" and (len(q["choices"]) < 2 or not correct):
            problems.append(f"{key}: multiple needs at least one correct choice of several")
        if kind not in ("single", "multiple") and q["choices"] != []:
            problems.append(f"{key}: choices must be empty for {kind}")
        if kind == "true_false" and not isinstance(q["answer"], bool):
            problems.append(f"{key}: true_false needs answer true or false")
        if kind != "true_false" and q["answer"] is not None:
            problems.append(f"{key}: answer must be null for {kind}")
        if kind == "matching":
            if not 3 <= len(q["pairs"]) <= 5:
                problems.append(f"{key}: matching needs 3 to 5 pairs")
            rights = [json.dumps(p["right"], sort_keys=True) for p in q["pairs"]]
            if len(rights) != len(set(rights)):
                problems.append(f"{key}: two pairs share a right side")
        elif q["pairs"] != []:
            problems.append(f"{key}: pairs must be empty for {kind}")
        if kind == "short_answer":
            for lang in languages:
                answers = q["accepted"].get(lang)
                if not answers or not all(isinstance(a, str) and a.strip() for a in answers):
                    problems.append(f"{key}: no accepted {lang} answer")
        elif q["accepted"] != {}:
            problems.append(f"{key}: accepted must be empty for {kind}")
    return problems


def svg_problems(path: Path) -> list[str]:
    if path.suffix != ".svg":
        return [f"{path.name}: not an SVG file"]
    raw = path.read_bytes()
    problems = []
    if len(raw) > MAX_SVG_BYTES:
        problems.append(f"{path.name}: {len(raw)} bytes, at most {MAX_SVG_BYTES}")
    text = raw.decode("utf-8")
    if re.search(r"<\s*script", text, re.IGNORECASE):
        problems.append(f"{path.name}: contains a script")
    if re.search(r"\bon[a-z]+\s*=", text, re.IGNORECASE):
        problems.append(f"{path.name}: contains an event handler")
    if re.search(r"href\s*=\s*[\"'](?!#)", text, re.IGNORECASE):
        problems.append(f"{path.name}: refers to an external resource")
    if re.search(r"url\(\s*[\"']?(?!#)|@import|<\s*foreignObject", text, re.IGNORECASE):
        problems.append(f"{path.name}: loads or embeds external content")
    try:
        root = ET.fromstring(raw)  # noqa: S314 - our own files, checked for content
    except ET.ParseError as error:
        return [*problems, f"{path.name}: not well-formed XML ({error})"]
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        problems.append(f"{path.name}: root element is not svg")
    if any(el.tag.endswith("}text") for el in root.iter()):
        problems.append(f"{path.name}: has text inside the picture")
    return problems


def image_problems(doc: dict, static_root: Path = STATIC) -> list[str]:
    problems = []
    for lesson in all_lessons(doc):
        for image in lesson["images"]:
            src = image["src"]
            if not src.startswith("academy/curriculum/") or ".." in src.split("/"):
                problems.append(f"{lesson['slug']}: {src} is not under academy/curriculum/")
                continue
            path = static_root / src
            if not path.is_file():
                problems.append(f"{lesson['slug']}: {src} does not exist")
                continue
            problems += svg_problems(path)
    return problems


def _english(text: object) -> str:
    return text.get("en", "") if isinstance(text, dict) else ""


def _sources_ok(sources: list) -> bool:
    return bool(sources) and all(
        isinstance(s.get("title"), str)
        and s["title"].strip()
        and (s.get("url") == "" or str(s.get("url")).startswith("https://"))
        for s in sources
    )


def source_problems(doc: dict) -> list[str]:
    """A lesson or question stating a legal fact names its sources."""
    problems = []
    for lesson in all_lessons(doc):
        said = _english(lesson["body"]) + " " + " ".join(lesson["key_points"].get("en", []))
        if LEGAL_FACT.search(said) and not _sources_ok(lesson["sources"]):
            problems.append(f"{lesson['slug']}: states a legal fact without sources")
        elif lesson["sources"] and not _sources_ok(lesson["sources"]):
            problems.append(f"{lesson['slug']}: a source lacks a title or an https address")
    for q in doc["questions"]:
        said = " ".join(
            [_english(q["prompt"]), _english(q["feedback"])]
            + [_english(c["text"]) for c in q["choices"]]
            + [_english(p["left"]) + " " + _english(p["right"]) for p in q["pairs"]]
        )
        if LEGAL_FACT.search(said) and not _sources_ok(q["sources"]):
            problems.append(f"{q['key']}: states a legal fact without sources")
    return problems


CHECKS: dict[str, Callable[[dict], list[str]]] = {
    "counts": count_problems,
    "texts": text_problems,
    "objectives": objective_problems,
    "questions": question_problems,
    "images": image_problems,
    "sources": source_problems,
}


# ---------------------------------------------------------------- the real files


@pytest.mark.parametrize("slug", sorted(COURSES))
def test_course_identity_matches_its_audience_and_languages(slug):
    doc = load(slug)
    course = doc["course"]
    assert doc["format"] == "ipcoop-course/1"
    assert list(doc) == ["format", "objectives", "course", "questions"]
    assert course["slug"] == slug
    assert course["audience"] == COURSES[slug]["audience"]
    assert course["languages"] == COURSES[slug]["languages"]


@pytest.mark.parametrize("check", sorted(CHECKS))
@pytest.mark.parametrize("slug", sorted(COURSES))
def test_course_passes_check(slug, check):
    assert CHECKS[check](load(slug)) == []


def test_childrens_course_has_pictures_in_every_lesson():
    for lesson in all_lessons(load("ideas-are-treasures")):
        assert 1 <= len(lesson["images"]) <= 2, lesson["slug"]


def test_shared_objectives_are_defined_identically_in_both_courses():
    children = {o["code"]: o for o in load("ideas-are-treasures")["objectives"]}
    students = {o["code"]: o for o in load("your-first-patent-trademark-copyright")["objectives"]}
    shared = set(children) & set(students)
    assert shared == {"CR-101", "PAT-101", "TM-101"}
    for code in shared:
        assert children[code] == students[code], code
        assert set(children[code]["audiences"]) == {"children", "students"}
    for code in set(children) - shared:
        assert children[code]["audiences"] == ["children"], code
    for code in set(students) - shared:
        assert students[code]["audiences"] == ["students"], code


# ---------------------------------------------------------------- broken copies


def _first(doc: dict, kind: str) -> dict:
    return next(q for q in doc["questions"] if q["type"] == kind)


def _lesson_with_images(doc: dict) -> dict:
    return next(lesson for lesson in all_lessons(doc) if lesson["images"])


def _drop_lessons(doc):
    doc["course"]["units"] = doc["course"]["units"][:1]
    doc["course"]["units"][0]["lessons"] = doc["course"]["units"][0]["lessons"][:1]


def _drop_questions(doc):
    doc["questions"] = doc["questions"][:10]


def _drop_a_type(doc):
    doc["questions"] = [q for q in doc["questions"] if q["type"] != "matching"]


def _drop_korean_from_a_choice(doc):
    del _first(doc, "single")["choices"][0]["text"]["ko"]


def _blank_body(doc):
    all_lessons(doc)[0]["body"]["ko"] = "   "


def _unequal_key_points(doc):
    all_lessons(doc)[0]["key_points"]["ko"].pop()


def _objective_of_another_lesson(doc):
    lessons = all_lessons(doc)
    question = next(q for q in doc["questions"] if q["lesson"] == lessons[0]["slug"])
    question["objective"] = lessons[-1]["objectives"][0]


def _missing_lesson(doc):
    doc["questions"][0]["lesson"] = "no-such-lesson"


def _two_correct_in_single(doc):
    for choice in _first(doc, "single")["choices"]:
        choice["correct"] = True


def _two_pairs(doc):
    question = _first(doc, "matching")
    question["pairs"] = question["pairs"][:2]


def _six_pairs(doc):
    question = _first(doc, "matching")
    question["pairs"] = [copy.deepcopy(question["pairs"][0]) for _ in range(6)]


def _korean_answers_missing(doc):
    del _first(doc, "short_answer")["accepted"]["ko"]


def _answer_on_a_single(doc):
    _first(doc, "single")["answer"] = True


def _true_false_without_answer(doc):
    _first(doc, "true_false")["answer"] = None


def _no_lesson_sources(doc):
    lesson = next(item for item in all_lessons(doc) if LEGAL_FACT.search(item["body"]["en"]))
    lesson["sources"] = []


def _no_question_sources(doc):
    question = next(
        q
        for q in doc["questions"]
        if LEGAL_FACT.search(_english(q["prompt"]) + " " + _english(q["feedback"]))
    )
    question["sources"] = []


def _wrong_objective_number(doc):
    doc["objectives"][0]["code"] = doc["objectives"][0]["code"][:-3] + "201"


def _wrong_audience(doc):
    doc["objectives"][-1]["audiences"] = ["professionals"]


BREAKAGES = {
    "too few lessons": (_drop_lessons, count_problems),
    "too few questions": (_drop_questions, count_problems),
    "a question type missing": (_drop_a_type, count_problems),
    "a choice without Korean": (_drop_korean_from_a_choice, text_problems),
    "a blank Korean body": (_blank_body, text_problems),
    "key points of unequal length": (_unequal_key_points, text_problems),
    "objective not taught by the lesson": (_objective_of_another_lesson, question_problems),
    "question of no lesson": (_missing_lesson, question_problems),
    "single with two correct choices": (_two_correct_in_single, question_problems),
    "matching with two pairs": (_two_pairs, question_problems),
    "matching with six pairs": (_six_pairs, question_problems),
    "short answer without Korean answers": (_korean_answers_missing, question_problems),
    "single with a true/false answer": (_answer_on_a_single, question_problems),
    "true/false without answer": (_true_false_without_answer, question_problems),
    "legal lesson without sources": (_no_lesson_sources, source_problems),
    "legal question without sources": (_no_question_sources, source_problems),
    "objective numbered for adults": (_wrong_objective_number, objective_problems),
    "objective not for this audience": (_wrong_audience, objective_problems),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
@pytest.mark.parametrize("slug", sorted(COURSES))
def test_check_notices_a_broken_copy(slug, breakage):
    doc = copy.deepcopy(load(slug))
    mutate, check = BREAKAGES[breakage]
    assert check(doc) == []
    mutate(doc)
    assert check(doc) != []


def test_child_course_without_thai_text_is_noticed():
    doc = load("ideas-are-treasures")
    del doc["course"]["summary"]["th"]
    assert text_problems(doc) == ["course.summary: no th text"]


@pytest.fixture
def static_copy(tmp_path: Path) -> Path:
    """A copy of the course pictures, safe to spoil."""
    target = tmp_path / "academy" / "curriculum"
    shutil.copytree(STATIC / "academy" / "curriculum", target)
    return tmp_path


BAD_SVGS = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "external href": (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<image xlink:href="https://example.org/x.png"/></svg>'
    ),
    "event handler": '<svg xmlns="http://www.w3.org/2000/svg" onload="go()"></svg>',
    "text": '<svg xmlns="http://www.w3.org/2000/svg"><text x="1" y="1">Hi</text></svg>',
    "too big": (
        '<svg xmlns="http://www.w3.org/2000/svg">'
        + '<circle cx="1" cy="1" r="1"/>' * 200
        + "</svg>"
    ),
    "not svg": '<html xmlns="http://www.w3.org/1999/xhtml"></html>',
}


@pytest.mark.parametrize("slug", ["ideas-are-treasures"])
@pytest.mark.parametrize("bad", sorted(BAD_SVGS))
def test_unsafe_or_missing_picture_is_noticed(slug, bad, static_copy):
    doc = load(slug)
    assert image_problems(doc, static_copy) == []
    src = _lesson_with_images(doc)["images"][0]["src"]
    (static_copy / src).write_text(BAD_SVGS[bad], encoding="utf-8")
    assert image_problems(doc, static_copy) != []


def test_missing_picture_is_noticed(static_copy):
    doc = load("ideas-are-treasures")
    src = _lesson_with_images(doc)["images"][0]["src"]
    (static_copy / src).unlink()
    assert image_problems(doc, static_copy) == [
        f"{_lesson_with_images(doc)['slug']}: {src} does not exist"
    ]
