"""Translated content: a {language: text} object per field, English as the fallback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

FALLBACK = "en"


def content_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


def current_language() -> str:
    lang = (get_language() or FALLBACK).split("-")[0]
    return lang if lang in content_languages() else FALLBACK


@dataclass(frozen=True)
class Shown:
    """A text as shown: the text, the language it is in, and whether it fell back."""

    text: Any
    lang: str
    fallback: bool

    def __str__(self) -> str:
        return str(self.text)


def pick(value: Any, lang: str | None = None) -> Shown:
    """The text of ``value`` in ``lang`` (default: the active language), else English."""
    lang = lang or current_language()
    if not isinstance(value, dict):
        return Shown(value if value is not None else "", lang, False)
    text = value.get(lang)
    if text not in (None, "", []):
        return Shown(text, lang, False)
    return Shown(value.get(FALLBACK, ""), FALLBACK, lang != FALLBACK)


def text(value: Any, lang: str | None = None) -> Any:
    return pick(value, lang).text
