import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcoop.settings")

application = get_wsgi_application()
# Import every view and build the API now, not on a new worker's first request.
get_resolver().url_patterns  # noqa: B018
