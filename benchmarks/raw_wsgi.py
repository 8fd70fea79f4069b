"""The floor of the Python server: a bare WSGI app that returns stored bytes.

The load test serves it with the same gunicorn command and worker count as the
platform, so the difference between the two is what Django and the platform cost.

    RAW_WSGI_DIR=/some/dir gunicorn benchmarks.raw_wsgi:app --bind 127.0.0.1:PORT

Every ``<name>.html`` file of ``RAW_WSGI_DIR`` is read once at start-up and served at
``/<name>.html`` with status 200, ``text/html; charset=utf-8`` and its length; any other
path is a 404. Nothing is read from the request (no cookie, no session, no database).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path


def _pages(folder: Path) -> dict[str, bytes]:
    return {f"/{path.name}": path.read_bytes() for path in sorted(folder.glob("*.html"))}


PAGES = _pages(Path(os.environ.get("RAW_WSGI_DIR", ".")))
_NOT_FOUND = b"not found\n"


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    body = PAGES.get(environ.get("PATH_INFO", ""))
    if body is None:
        start_response(
            "404 Not Found",
            [("Content-Type", "text/plain"), ("Content-Length", str(len(_NOT_FOUND)))],
        )
        return [_NOT_FOUND]
    start_response(
        "200 OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]
