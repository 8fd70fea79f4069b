"""The starter courses for adults and professionals: complete, translated, consistent and sourced.

The files are read with json only, so these checks hold for the data itself, whatever the
importer does with it.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

CURRICULUM = Path(__file__).resolve().parents[2] / "ipcoop" / "academy" / "curriculum"
ADULTS = "protecting-your-brand-in-asean-and-korea"
PROFESSIONALS = "ip-for-4ir-technologies"
# slug: (audience, objective numbers, minimum lessons, minimum questions)
COURSES = {
    ADULTS: ("adults", range(200, 300), 4, 20),
    PROFESSIONALS: ("professionals", range(300, 400), 5, 25),
}
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
OFFICES = [
    "KIPO",
    "BruIPO",
    "DGIP",
    "MyIPO",
    "IPD",
    "IPOPHL",
    "IPOS",
    "IP Viet Nam",
    "Department of Intellectual Property Rights",
    "Department of Industrial Property",
]
TYPES = {"single", "multiple", "true_false", "matching", "short_answer"}
PLATFORM_LANGUAGES = {"en", "ko", "th", "vi", "id", "ms", "fil", "km", "lo", "my"}
# A date, an article, an Act or a case number in a text means it states a legal fact.
LEGAL_FACT = re.compile(r"\b(19|20)\d\d\b|\bArt\. ?\d|\bAct\b|\bJ \d+/\d\d\b")


def load(slug: str) -> dict:
    return json.loads((CURRICULUM / f"{slug}.json").read_text(encoding="utf-8"))


def lessons_of(data: dict) -> list[dict]:
    return [lesson for unit in data["course"]["units"] for lesson in unit["lessons"]]


def texts(data: dict):
    """Every translated text (T) of a package, with a readable path."""
    course = data["course"]
    for obj in data["objectives"]:
        yield f"objective {obj['code']} title", obj["title"]
    yield "course title", course["title"]
    yield "course summary", course["summary"]
    for u, unit in enumerate(course["units"]):
        yield f"unit {u} title", unit["title"]
        for lesson in unit["lessons"]:
            yield f"{lesson['slug']} title", lesson["title"]
            yield f"{lesson['slug']} body", lesson["body"]
            for image in lesson["images"]:
                yield f"{lesson['slug']} image alt", image["alt"]
            if lesson["video"] is not None:
                yield f"{lesson['slug']} transcript", lesson["video"]["transcript"]
    for q in data["questions"]:
        yield f"{q['key']} prompt", q["prompt"]
        yield f"{q['key']} feedback", q["feedback"]
        for i, choice in enumerate(q["choices"]):
            yield f"{q['key']} choice {i}", choice["text"]
        for i, pair in enumerate(q["pairs"]):
            yield f"{q['key']} pair {i} left", pair["left"]
            yield f"{q['key']} pair {i} right", pair["right"]


@pytest.fixture(params=list(COURSES), scope="module")
def package(request) -> dict:
    return load(request.param)


def test_top_level_keys_and_format_follow_the_spec(package):
    assert list(package) == ["format", "objectives", "course", "questions"]
    assert package["format"] == "ipcoop-course/1"
    assert list(package["course"]) == COURSE_KEYS
    for lesson in lessons_of(package):
        assert list(lesson) == LESSON_KEYS
    for q in package["questions"]:
        assert list(q) == QUESTION_KEYS


def test_minimum_counts_and_all_question_types(package):
    course = package["course"]
    audience, _numbers, min_lessons, min_questions = COURSES[course["slug"]]
    assert course["audience"] == audience
    assert len(lessons_of(package)) >= min_lessons
    assert len(package["questions"]) >= min_questions
    assert set(Counter(q["type"] for q in package["questions"])) == TYPES


def test_every_text_has_exactly_the_course_languages_and_is_not_empty(package):
    languages = package["course"]["languages"]
    assert "en" in languages and set(languages) <= PLATFORM_LANGUAGES
    for path, text in texts(package):
        assert sorted(text) == sorted(languages), path
        for lang in languages:
            assert isinstance(text[lang], str) and text[lang].strip(), f"{path} [{lang}]"
    for lesson in lessons_of(package):
        points = lesson["key_points"]
        assert sorted(points) == sorted(languages), lesson["slug"]
        assert len({len(items) for items in points.values()}) == 1, lesson["slug"]
        assert 2 <= len(points["en"]) <= 5, lesson["slug"]
        assert all(item.strip() for items in points.values() for item in items), lesson["slug"]


def test_objectives_are_sorted_in_the_audience_range_and_all_used(package):
    audience, numbers, _l, _q = COURSES[package["course"]["slug"]]
    codes = [obj["code"] for obj in package["objectives"]]
    assert codes == sorted(set(codes))
    for obj in package["objectives"]:
        assert int(obj["code"].split("-")[1]) in numbers, obj["code"]
        assert obj["audiences"] == [audience], obj["code"]
        assert set(obj["prerequisites"]) <= set(codes) - {obj["code"]}, obj["code"]
    taught = {code for lesson in lessons_of(package) for code in lesson["objectives"]}
    assert taught == set(codes)


def test_every_question_belongs_to_a_lesson_that_teaches_its_objective(package):
    lessons = {lesson["slug"]: lesson for lesson in lessons_of(package)}
    assert len(lessons) == len(lessons_of(package)), "lesson slugs must be unique"
    keys = [q["key"] for q in package["questions"]]
    assert len(keys) == len(set(keys))
    for q in package["questions"]:
        assert q["lesson"] in lessons, q["key"]
        assert q["objective"] in lessons[q["lesson"]]["objectives"], q["key"]
        assert q["difficulty"] in (1, 2, 3), q["key"]


def test_answer_fields_match_each_question_type(package):
    languages = package["course"]["languages"]
    for q in package["questions"]:
        kind, key = q["type"], q["key"]
        correct = [c for c in q["choices"] if c["correct"] is True]
        if kind == "single":
            assert len(q["choices"]) >= 2 and len(correct) == 1, key
        elif kind == "multiple":
            assert len(q["choices"]) >= 2 and len(correct) >= 1, key
        else:
            assert q["choices"] == [], key
        if kind == "true_false":
            assert isinstance(q["answer"], bool), key
        else:
            assert q["answer"] is None, key
        if kind == "matching":
            assert 3 <= len(q["pairs"]) <= 5, key
            for lang in languages:
                rights = [pair["right"][lang] for pair in q["pairs"]]
                assert len(set(rights)) == len(rights), f"{key}: two equal right sides [{lang}]"
        else:
            assert q["pairs"] == [], key
        if kind == "short_answer":
            assert sorted(q["accepted"]) == sorted(languages), key
            for lang in languages:
                assert q["accepted"][lang] and all(a.strip() for a in q["accepted"][lang]), key
        else:
            assert q["accepted"] == {}, key


def test_lessons_and_questions_stating_legal_facts_cite_sources(package):
    for lesson in lessons_of(package):
        # Every lesson of these two courses states legal facts (laws, offices, treaties).
        assert lesson["sources"], f"{lesson['slug']} states legal facts but cites no source"
        for source in lesson["sources"]:
            assert list(source) == ["title", "url"] and source["title"].strip(), lesson["slug"]
            assert source["url"] == "" or source["url"].startswith("https://"), source
    for q in package["questions"]:
        text = q["prompt"]["en"] + " " + q["feedback"]["en"]
        if LEGAL_FACT.search(text):
            assert q["sources"], f"{q['key']} states a legal fact but cites no source"


def test_objective_codes_shared_by_the_two_courses_have_one_definition():
    adults = {obj["code"]: obj for obj in load(ADULTS)["objectives"]}
    professionals = {obj["code"]: obj for obj in load(PROFESSIONALS)["objectives"]}
    for code in set(adults) & set(professionals):
        assert adults[code] == professionals[code], code


def test_adults_course_names_every_office_and_the_international_routes():
    data = load(ADULTS)
    body = " ".join(lesson["body"]["en"] for lesson in lessons_of(data))
    for office in OFFICES:
        assert office in body, office
    for route in ["Madrid", "Hague", "PCT"]:
        assert route in body, route
    cited = {source["url"] for lesson in lessons_of(data) for source in lesson["sources"]}
    assert {"https://www.wipo.int/madrid/en/", "https://www.kipo.go.kr"} <= cited


def test_professional_course_cites_the_dabus_decisions_as_recorded():
    data = load(PROFESSIONALS)
    lesson = next(x for x in lessons_of(data) if "AI-301" in x["objectives"])
    titles = " | ".join(source["title"] for source in lesson["sources"])
    for reference in [
        "2022GuHap89524",
        "30 June 2023",
        "2023Nu52088",
        "16 May 2024",
        "28 September 2022",
        "J 8/20",
        "Art. 33(1)",
        "South Africa",
    ]:
        assert reference in titles, reference
    body = lesson["body"]["en"]
    for reference in ["2022GuHap89524", "2023Nu52088", "J 8/20", "28 Sept 2022"]:
        assert reference in body, reference
    if "ko" in data["course"]["languages"]:
        assert "2022구합89524" in lesson["body"]["ko"] and "2023누52088" in lesson["body"]["ko"]


def test_professional_course_does_not_attribute_a_blockchain_guideline_to_an_office():
    data = load(PROFESSIONALS)
    lesson = next(x for x in lessons_of(data) if "BC-301" in x["objectives"])
    statement = "No office-specific examination guideline for blockchain inventions"
    assert statement in lesson["body"]["en"]
    assert all("blockchain" not in source["title"].lower() for source in lesson["sources"])
