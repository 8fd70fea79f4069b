"""What a page shows of Academy content: texts picked in the reader's language
(English when a part is not translated, with a note) and Markdown made safe."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from ipcoop.academy import services
from ipcoop.academy.i18n import Shown, language_name, pick
from ipcoop.academy.models import Course, LessonVersion, Question
from ipcoop.lib.markup import render_markdown


@dataclass
class Part:
    """One part of a page in one language; ``fallback`` when shown in English instead."""

    fallback: bool = False
    shown: list[Shown] = field(default_factory=list)

    def add(self, value: Any, lang: str) -> Any:
        shown = pick(value, lang)
        self.shown.append(shown)
        self.fallback = self.fallback or shown.fallback
        return shown.text


def untranslated_note_language(lang: str) -> str:
    return language_name(lang)


def course_card(course: Course, lang: str) -> dict:
    part = Part()
    return {
        "course": course,
        "title": part.add(course.title, lang),
        "summary": part.add(course.summary, lang),
        "fallback": part.fallback,
        "languages": [language_name(code) for code in course.languages],
    }


def image_src(course: Course, src: str) -> str:
    if src.startswith("files/"):
        return reverse("academy:course_file", args=[course.slug, src[6:]])
    try:
        return static(src)
    except ValueError:  # not collected: never break a lesson over a missing picture
        return f"{settings.STATIC_URL}{src}"


def lesson_content(course: Course, version: LessonVersion, lang: str) -> dict:
    head, points, media = Part(), Part(), Part()
    title = head.add(version.title, lang)
    body = render_markdown(head.add(version.body, lang))
    key_points = points.add(version.key_points, lang) or []
    images = [
        {"src": image_src(course, image["src"]), "alt": media.add(image.get("alt"), lang)}
        for image in version.images or []
    ]
    video = None
    if version.video:
        video = {
            "url": version.video["url"],
            "transcript": render_markdown(media.add(version.video.get("transcript"), lang)),
        }
    return {
        "title": title,
        "body": body,
        "body_fallback": head.fallback,
        "key_points": key_points,
        "points_fallback": points.fallback,
        "images": images,
        "video": video,
        "media_fallback": media.fallback,
        "sources": version.sources or [],
        "minutes": version.minutes,
    }


def question_view(
    question: Question,
    lang: str,
    *,
    result: Any = None,
    answer: dict | None = None,
    error: str = "",
) -> dict:
    """A question ready for the player: texts, options in display order, a fresh
    idempotency key, and the outcome of the answer just given (if any)."""
    part = Part()
    prompt = render_markdown(part.add(question.prompt, lang))
    choices = [
        {"index": i, "text": part.add(choice["text"], lang)}
        for i, choice in enumerate(question.choices or [])
    ]
    lefts = []
    rights = []
    if question.type == "matching":
        order = services.shuffled_rights(question)
        rights = [{"index": i, "text": part.add(question.pairs[i]["right"], lang)} for i in order]
        lefts = [
            {"index": i, "text": part.add(pair["left"], lang)}
            for i, pair in enumerate(question.pairs)
        ]
    feedback = None
    given = answer or {}
    if result is not None:
        feedback = render_markdown(part.add(question.feedback, lang))
        given = result.attempt.answer
    matches = given.get("matches") or []
    for left in lefts:
        left["chosen"] = matches[left["index"]] if left["index"] < len(matches) else None
    return {
        "question": question,
        "prompt": prompt,
        "choices": choices,
        "lefts": lefts,
        "rights": rights,
        "fallback": part.fallback,
        "key": uuid.uuid4(),
        "result": result,
        "correct": result.attempt.correct if result is not None else None,
        "feedback": feedback,
        "given": given,
        "chosen": set(given.get("choices") or ([given["choice"]] if "choice" in given else [])),
        "error": error,
    }


def answer_from_post(question: Question, post: Any) -> dict:
    """The answer a player form sent, in the shape ``record_attempt`` takes."""
    kind = question.type
    if kind == "single":
        return {"choice": post.get("choice")}
    if kind == "multiple":
        return {"choices": post.getlist("choices")}
    if kind == "true_false":
        return {"value": post.get("value", "")}
    if kind == "matching":
        return {"matches": [post.get(f"match-{i}", "") for i in range(len(question.pairs))]}
    return {"text": post.get("text", "")}
