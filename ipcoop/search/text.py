"""Text for the search index and for queries: folding, language, numbers, stems, snippets.

Framework-light and pure (only ``django.utils.html`` for escaping). The index keeps a
*folded* copy of every document: NFC, case-folded, Latin diacritics removed (so
Vietnamese matches with or without them; ``đ`` becomes ``d``), followed by extra
forms — digits-only numbers ("10-2023-0012345" also as "1020230012345") and English
singulars ("inventors" also as "inventor"). A query is folded the same way, so a
substring of the folded text is a match in every script, spaced or not.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_TERMS = 8
MAX_TERM_LENGTH = 100
SNIPPET_SCAN = 2000  # characters searched first for a snippet's match

_NUMBER = re.compile(r"\d[\d\-./ ]*\d")
_NUMBER_QUERY = re.compile(r"^[\d\-./\s]*\d[\d\-./\s]*$")
_ASCII_WORD = re.compile(r"[a-z]{4,}")
_EDGE_PUNCTUATION = "\"'“”‘’.,;:!?()[]{}<>«»"


def _is_latin(char: str) -> bool:
    code = ord(char)
    return code < 0x0250 or 0x1E00 <= code <= 0x1EFF


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character as the index stores it (may be empty or several characters)."""
    if char in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFD", char)
    if _is_latin(decomposed[0]):
        decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", decomposed).casefold()


def fold(text: str) -> str:
    """Text as the index stores it: NFC, case-folded, without Latin diacritics."""
    text = unicodedata.normalize("NFC", text or "")
    if text.isascii():
        return text.lower()
    return "".join(fold_char(char) for char in text)


def singular(word: str) -> str:
    """A plain English singular: enough for "inventors" to find "inventor"."""
    if len(word) < 4 or not word.isascii() or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


def extra_forms(folded: str) -> str:
    """Digits-only forms of numbers written with separators, and English singulars."""
    forms: list[str] = []
    for match in _NUMBER.finditer(folded):
        digits = re.sub(r"\D", "", match.group())
        if digits != match.group():
            forms.append(digits)
    for word in _ASCII_WORD.findall(folded):
        stem = singular(word)
        if stem != word:
            forms.append(stem)
    return " ".join(dict.fromkeys(forms))


def index_text(*parts: str) -> str:
    """The folded, searchable text of a document made of ``parts``."""
    folded = "\n".join(fold(part) for part in parts if part)
    extras = extra_forms(folded)
    return f"{folded}\n{extras}" if extras else folded


def query_terms(query: str) -> list[str]:
    """The folded terms a query must all match (at most eight).

    A query that is only a number ("10-2023 0012345") is one digits-only term;
    a term written as a number with separators loses them; English plurals become
    singular (a substring of both forms).
    """
    folded = fold(" ".join((query or "").split()))
    if _NUMBER_QUERY.match(folded):
        digits = re.sub(r"\D", "", folded)
        return [digits[:MAX_TERM_LENGTH]]
    terms: list[str] = []
    for raw in folded.split():
        term = raw.strip(_EDGE_PUNCTUATION)
        if not term:
            continue
        if _NUMBER.fullmatch(term):
            term = re.sub(r"\D", "", term)
        term = singular(term)[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def title_key(text: str) -> str:
    """What an exact title match compares: folded, single spaces."""
    return " ".join(fold(text).split())


# Language of a document, from its script ----------------------------------------

_SCRIPTS = (
    ("ko", ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F))),
    ("th", ((0x0E00, 0x0E7F),)),
    ("lo", ((0x0E80, 0x0EFF),)),
    ("km", ((0x1780, 0x17FF), (0x19E0, 0x19FF))),
    ("my", ((0x1000, 0x109F),)),
)
_VIETNAMESE = set("ăâđêôơưĂÂĐÊÔƠƯ")


def detect_language(text: str) -> str:
    """The language a text is written in, told by its script: ko, th, lo, km, my, vi
    (Latin with Vietnamese letters or tone marks) or en (any other Latin text)."""
    counts = dict.fromkeys([code for code, _ranges in _SCRIPTS], 0)
    latin = vietnamese = 0
    for char in text[:4000]:
        code = ord(char)
        if char.isascii():
            latin += char.isalpha()
            continue
        if char in _VIETNAMESE or 0x1EA0 <= code <= 0x1EF9:
            vietnamese += 1
            latin += 1
            continue
        for language, ranges in _SCRIPTS:
            if any(low <= code <= high for low, high in ranges):
                counts[language] += 1
                break
        else:
            latin += char.isalpha()
    language, best = max(counts.items(), key=lambda item: item[1])
    if best and best * 3 >= latin:
        return language
    if latin and vietnamese * 25 >= latin:
        return "vi"
    return "en"


# Snippets -------------------------------------------------------------------------


def _match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text`` (original character offsets, merged)."""
    table = {} if text.isascii() else {ord(char): fold_char(char) for char in set(text)}
    if text.isascii():  # folding keeps every offset
        folded, origin = text.lower(), range(len(text) + 1)
    elif all(len(folded_char) == 1 for folded_char in table.values()):
        # One character for one (Thai, Khmer, Korean, most accented Latin): offsets kept,
        # and str.translate folds the whole text at once.
        folded, origin = text.translate(table), range(len(text) + 1)
    else:
        folded_chars: list[str] = []
        origin = []
        for position, char in enumerate(text):
            for folded_char in fold_char(char):
                folded_chars.append(folded_char)
                origin.append(position)
        folded = "".join(folded_chars)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if not term:
            continue
        start = folded.find(term)
        while start != -1 and len(spans) < 200:
            spans.append((origin[start], origin[start + len(term) - 1] + 1))
            start = folded.find(term, start + len(term))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[str], width: int | None = None) -> SafeString:
    """``text`` HTML-escaped with every match wrapped in <mark>; with ``width``, only a
    window of about that many characters around the first match, with ellipses."""
    text = unicodedata.normalize("NFC", text or "")
    # A long text: look for the first match near the start before folding all of it.
    spans = _match_spans(text[:SNIPPET_SCAN], terms) if width else []
    if not spans:
        spans = _match_spans(text, terms)
    start, end = 0, len(text)
    if width is not None and len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, first - width // 3)
        if start:
            space = text.find(" ", start, first)
            start = space + 1 if space != -1 else start
        end = min(len(text), start + width)
    pieces: list[str] = ["…" if start else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped
