"""What every page's shell needs: languages, and the pages this person may administer."""

import functools

from django.conf import settings
from django.http import HttpRequest

from ipcoop import access
from ipcoop.notifications.services import unread_count
from ipcoop.web import pagecache

# Which part of the navigation a page belongs to, by URL namespace or name.
COOPERATION_NAMESPACES = {
    "practice",
    "updates",
    "consultations",
    "statistics",
    "worksharing",
    "meetings",
    "proposals",
    "projects",
}


def nav_section(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.app_name in COOPERATION_NAMESPACES or match.url_name == "cooperation":
        return "cooperation"
    if match.app_name == "academy":
        return "academy"
    return ""


def shell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "nav_section": nav_section(request),
        "shell_languages": settings.LANGUAGES,
        # Lazy, and computed once however often the template asks (one query at most).
        "administered": functools.cache(lambda: list(access.administered_organisations(user))),
        # One cheap count, only on pages of signed-in people (the shell asks for it there).
        "inbox_unread": functools.cache(lambda: unread_count(user)),
        # Children have no API tokens (the footer leaves the link out).
        "shell_is_child": functools.cache(lambda: access.is_child(user)),
        # A page cached for visitors holds a placeholder for the CSRF token.
        **pagecache.placeholder_token(request),
    }
