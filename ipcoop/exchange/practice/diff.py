"""Word-level differences between two versions of a text, as escaped HTML."""

from __future__ import annotations

import difflib

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def word_diff(old: str, new: str) -> SafeString:
    """``new`` with the words added in ``<ins>`` and the words removed in ``<del>``.

    Words are split on white space; every word is escaped, so the result is safe
    to put in a page whatever the texts contain.
    """
    before, after = (old or "").split(), (new or "").split()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(before[a1:a2])))
            continue
        if op in {"delete", "replace"}:
            parts.append(f"<del>{escape(' '.join(before[a1:a2]))}</del>")
        if op in {"insert", "replace"}:
            parts.append(f"<ins>{escape(' '.join(after[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 (every word escaped above)
