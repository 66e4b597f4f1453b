"""Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM,
# used by the test around it, must be told that this is not async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    path = _chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (.ci/install-chromium installs it)")
        pytest.skip("Chromium is not installed (make test installs Debian's package as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def log_in(page, email: str) -> None:
    from postroom.accounts.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/app/$"))


def browser_page(browser, live_server, **options):
    """A page in a fresh browser context against the live server, and its clean-up."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    # Stop the page (htmx polls) and let the server finish its requests before the
    # test database is flushed underneath them.
    page.goto("about:blank")
    context.close()
    _wait_for_requests()


@pytest.fixture
def page(browser, live_server):
    yield from browser_page(browser, live_server)


def _wait_for_requests(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any("process_request_thread" in t.name for t in threading.enumerate()):
            return
        time.sleep(0.05)
