"""Fixtures for the browser tests: one Chromium for the whole package, a fresh context per test.

Every page opened through these fixtures is watched: a JavaScript error, a console error or a
Content-Security-Policy violation fails the test that visited the page.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"

# Reported by the page itself too, in case a browser words its console message differently.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("Content Security Policy violation: " + event.violatedDirective
    + " blocked " + (event.blockedURI || "inline code") + " at " + event.sourceFile
    + ":" + event.lineNumber);
});
"""

_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _serialized_contents() -> dict[str, str]:
    """The copy of the reference data (migrations' data) that serialized_rollback reloads."""
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


def _restore_serialized_contents(serialized: dict[str, str]) -> None:
    """Once Playwright runs, this thread sees new connection objects (Django keeps them
    per context), without that copy: give it back, so each browser test starts with
    the organisations and other reference data after the flush of the one before."""
    from django.db import connections

    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API marks an asyncio loop as running in this thread between its calls,
    # so Django refuses ORM calls (fixtures, assertions, the transactional flush) without this.
    # Package scope: the loop and the variable are gone once the browser tests are done.
    previous = os.environ.get(_ASYNC_UNSAFE)
    os.environ[_ASYNC_UNSAFE] = "true"
    serialized = _serialized_contents()
    manager = sync_playwright().start()
    _restore_serialized_contents(serialized)
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop(_ASYNC_UNSAFE, None)
        else:
            os.environ[_ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@dataclass
class ConsoleWatch:
    """What the pages of one test reported: JS errors, console errors, CSP violations."""

    problems: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        csp = any(
            words in text
            for words in ("Content Security Policy", "Content-Security-Policy", "Refused to")
        )
        if message.type == "error" or csp:
            where = message.location.get("url") or (message.page.url if message.page else "")
            line = message.location.get("lineNumber", 0)
            self.problems.append(f"console {message.type} on {where}:{line}: {text}")

    def on_page_error(self, error: PlaywrightError) -> None:
        self.problems.append(f"JavaScript error: {error.message}")


@pytest.fixture
def console_watch() -> ConsoleWatch:
    return ConsoleWatch()


OpenPage = Callable[..., Page]


@pytest.fixture
def open_page(browser: Browser, live_server, console_watch: ConsoleWatch) -> Iterator[OpenPage]:
    """Open a page in a new browser context (own cookies), watched for console problems.

    open_page(width=360, language="ko") gives a 360 px wide window whose language cookie
    is Korean; the browser itself asks for English (Accept-Language) unless locale= says else.
    """
    contexts: list[BrowserContext] = []

    def _open(
        *,
        width: int = 1280,
        height: int = 800,
        language: str | None = None,
        locale: str = "en-GB",
        java_script_enabled: bool = True,
    ) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            java_script_enabled=java_script_enabled,
            base_url=live_server.url,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        if language:
            context.add_cookies(
                [{"name": "ipcoop_language", "value": language, "url": live_server.url}]
            )
        context.add_init_script(_REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        page.on("console", console_watch.on_console)
        page.on("pageerror", console_watch.on_page_error)
        return page

    yield _open
    for context in contexts:
        context.close()
    if console_watch.problems:
        pytest.fail(
            "The browser reported problems on the pages visited:\n"
            + "\n".join(console_watch.problems),
            pytrace=False,
        )


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """A 1280 × 800 English page in a fresh context."""
    return open_page()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
