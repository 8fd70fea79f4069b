"""Security headers and cookies, checked over HTTP against the platform served by gunicorn.

The platform runs as in production (IPCOOP_ENV=production, DEBUG off, the command line of
`make run`) on a free loopback port with a fresh SQLite database and collected static files.
Only SECURE_SSL_REDIRECT is off, because there is no TLS on loopback.
"""

import http.client
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

import pytest

from tests.faultkit import BIN, ROOT, TRACE_MARKS, free_port, production_env

PASSWORD = "live-check-Password-2026"
PAGES = ["/", "/academy/", "/cooperation/", "/account/signin/", "/api/v1/docs"]

SETUP = """
import django
from django.core.management import call_command
django.setup()
call_command("migrate", interactive=False, verbosity=0)
call_command("createuser", "livecheck", password={password!r})
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(base: str, path: str, *, data: dict | None = None, headers: dict | None = None):
    """(status, headers, body) of one request; redirects and errors are answers too."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    # Plain HTTP to the loopback address the test served the platform on.
    request = urllib.request.Request(base + path, data=body, headers=headers or {})  # noqa: S310
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def cookies_of(headers) -> dict[str, str]:
    """Each Set-Cookie header by cookie name (the raw header, flags included)."""
    return {line.split("=", 1)[0].strip(): line for line in headers.get_all("Set-Cookie") or []}


def assert_cookie_flags(raw: str, *, http_only: bool) -> None:
    flags = [part.strip().lower() for part in raw.split(";")[1:]]
    assert "secure" in flags, raw
    assert any(flag in {"samesite=lax", "samesite=strict"} for flag in flags), raw
    if http_only:
        assert "httponly" in flags, raw


def assert_no_trace(body: str) -> None:
    for mark in TRACE_MARKS:
        assert mark not in body, f"{mark!r} in an error page"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    env = production_env(
        folder,
        IPCOOP_VAR_DIR=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'live.sqlite3'}",
        # Collected with a manifest, as a deployment serves them.
        STATIC_MANIFEST="1",
        # Behind the TLS proxy that production has: X-Forwarded-Proto from 127.0.0.1 counts.
        SECURE_PROXY_SSL_HEADER="1",
    )
    run = {"cwd": ROOT, "env": env, "stdout": subprocess.PIPE, "stderr": subprocess.STDOUT}
    # The database and the static files are independent: prepared side by side.
    setup = subprocess.Popen(
        [sys.executable, "-c", SETUP.format(password=PASSWORD)], **run, text=True
    )
    static = subprocess.Popen(
        [str(BIN / "ipcoop"), "collectstatic", "--no-input", "-v0"], **run, text=True
    )
    try:
        outputs = [step.communicate(timeout=90)[0] for step in (setup, static)]
    finally:
        for step in (setup, static):
            if step.poll() is None:
                step.kill()
            step.wait()
    for step, output in zip((setup, static), outputs, strict=True):
        assert step.returncode == 0, output
    port = free_port()
    log = (folder / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "ipcoop.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            "127.0.0.1",
            # Its own control socket, so that a server already running here is not disturbed.
            "--control-socket",
            str(folder / "gunicorn.ctl"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert server.poll() is None, (folder / "gunicorn.log").read_text()
            try:
                if fetch(base, "/healthz")[0] == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer in 20 s"
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_the_security_headers(live, path):
    status, headers, body = fetch(live, path)
    assert status == 200, body[:500]

    csp = headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    for name, sources in directives.items():
        for source in sources:
            # Only the page's own origin, 'none' and data: images; no host of anyone else.
            assert source in {"'self'", "'none'", "data:"}, f"{name} allows {source}"
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    # gunicorn names itself ("gunicorn", its default) but tells no version; Django adds none.
    assert headers["Server"] == "gunicorn"
    assert headers.get("X-Powered-By") is None

    # No page loads a script, a style sheet or a picture from another host.
    loaded = re.findall(r'<(?:script|img|iframe|source)[^>]+src="([^"]+)"', body)
    loaded += re.findall(r'<link[^>]+href="([^"]+)"', body)
    for url in loaded:
        assert urllib.parse.urlsplit(url).hostname in {None, "127.0.0.1"}, url
    assert "<script>" not in body
    assert " style=" not in body


def test_cookies_are_secure_httponly_and_samesite(live):
    status, headers, body = fetch(live, "/account/signin/")
    assert status == 200
    csrf_cookie = cookies_of(headers)["csrftoken"]
    assert_cookie_flags(csrf_cookie, http_only=False)  # the CSRF cookie is read by no script
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    jar = SimpleCookie()
    jar.load(csrf_cookie)
    cookie = f"csrftoken={jar['csrftoken'].value}"

    # Signing in sets the session cookie (and the language cookie).
    status, headers, body = fetch(
        live,
        "/account/signin/",
        data={"csrfmiddlewaretoken": token, "username": "livecheck", "password": PASSWORD},
        headers={"Cookie": cookie},
    )
    assert status == 302, body[:500]
    set_cookies = cookies_of(headers)
    assert "sessionid" in set_cookies
    for name, raw in set_cookies.items():
        # No script reads the CSRF or the language cookie, but only these two may lack HttpOnly.
        assert_cookie_flags(raw, http_only=name not in {"csrftoken", "ipcoop_language"})

    # Choosing a language sets its cookie with the same flags.
    status, headers, _ = fetch(
        live,
        "/language/",
        data={"csrfmiddlewaretoken": token, "language": "ko", "next": "/"},
        headers={"Cookie": cookie},
    )
    assert status in {200, 302}
    assert_cookie_flags(cookies_of(headers)["ipcoop_language"], http_only=False)


def test_strict_transport_security_only_over_https(live):
    _, headers, _ = fetch(live, "/", headers={"X-Forwarded-Proto": "https"})
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    _, headers, _ = fetch(live, "/")
    assert headers.get("Strict-Transport-Security") is None


def test_error_pages_show_no_stack_trace(live):
    status, headers, body = fetch(live, "/no-such-page/../missing-" + "x" * 20)
    assert status == 404
    assert headers["Content-Security-Policy"]
    assert_no_trace(body)

    status, _, body = fetch(live, "/api/v1/no-such-endpoint")
    assert status == 404
    assert_no_trace(body)

    # A form posted without its CSRF token: refused, with a plain page.
    status, _, body = fetch(live, "/account/signin/", data={"username": "x", "password": "y"})
    assert status == 403
    assert_no_trace(body)

    # A host that is not allowed: refused, without Django's debug page.
    status, _, body = fetch(live, "/", headers={"Host": "evil.example"})
    assert status == 400
    assert_no_trace(body)

    # Malformed input to the API: a 4xx answer, never a 500.
    status, _, body = fetch(live, "/api/v1/search?limit=not-a-number")
    assert 400 <= status < 500
    assert_no_trace(body)
