"""What every page's shell needs: languages, and the pages this person may administer."""

from django.conf import settings
from django.http import HttpRequest

from ipcoop import access


def shell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "shell_languages": settings.LANGUAGES,
        # Lazy: evaluated only where the template asks (one query at most).
        "administered": lambda: list(access.administered_organisations(user)),
    }
