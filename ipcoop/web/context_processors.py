"""What every page's shell needs: languages, and the pages this person may administer."""

from django.conf import settings
from django.http import HttpRequest

from ipcoop import access
from ipcoop.notifications.services import unread_count

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
        # Lazy: evaluated only where the template asks (one query at most).
        "administered": lambda: list(access.administered_organisations(user)),
        # One cheap count, only on pages of signed-in people (the shell asks for it there).
        "inbox_unread": lambda: unread_count(user),
    }
