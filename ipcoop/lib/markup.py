"""Markdown written by people, rendered to HTML that is safe to put in a page.

Authors' text goes through Markdown and then through an allow-list sanitiser
(nh3): no scripts, no event handlers, no style attributes, no javascript: links.
"""

import functools

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML. Raw HTML in the source is escaped or stripped.

    A pure function of the text, so the HTML of texts seen lately is kept in memory:
    a lesson's paragraphs and questions are rendered once per process, not per request.
    """
    return _render_markdown(text or "")


@functools.lru_cache(maxsize=4096)
def _render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)


def plain_text(text: str) -> str:
    """The words of a Markdown text without any markup (for summaries and search)."""
    return nh3.clean(markdown.markdown(text or ""), tags=set()).strip()
