"""The report's pages in a real headless Chromium: pytest fixtures and the checks every page test makes.

The browser is the system's Chromium (Debian's `chromium`; `make test` installs it when run as root), driven by
Playwright for Python, which never downloads a browser of its own here. $ARENA_CHROMIUM names another binary.
Without either the browser or Playwright, every test that asks for `page` skips with one line saying why.

Fixtures: `browser` (one per test module) and `page` (a fresh 1400x900 tab in its own context per test). A page
records its console errors, uncaught exceptions and failed requests; `assert_no_console_errors(page)` fails the test
with all of them listed. While the browser is open, Playwright's sync API keeps an asyncio loop marked running in
the thread, so asyncio.run() and async tests fail there: hence one browser per module, not per session, and browser
tests in modules of their own, whose fixtures that play games (`results_dir`) are session-scoped and so set up first.

Screenshots: `screenshot(page, "overview.png")` writes the PNG into the test's tmp folder and returns its path.
With ARENA_SCREENSHOTS set to a folder it also writes it there; that is how the documentation's pictures are
refreshed:

    ARENA_SCREENSHOTS=docs/images .venv/bin/pytest -q tests/arena/report/test_browser_overview.py
"""

from __future__ import annotations

import os
import shutil
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request

SYSTEM_CHROMIUM = "/usr/bin/chromium"
MISSING_CHROMIUM = "headless Chromium not installed: apt-get install chromium (make test installs it when run as root)"
VIEWPORT = {"width": 1400, "height": 900}  # the width every report page must fit without scrolling sideways
TIMEOUT_MS = 10_000  # a page of the report is a local file: anything slower is a hang, not a slow network
# Quiet and self-contained: no updates, sync, first-run dialogs or background traffic (nothing outside is reachable),
# no sandbox (tests run as root, where Chromium's sandbox refuses to start) and no GPU (machines have none).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@dataclass
class PageRecord:
    """What one page reported while a test drove it, and where that test keeps its files."""

    folder: Path
    problems: list[str] = field(default_factory=list)


# Keyed by the page itself so the helpers take only a page, as the tests hold it; entries go with their pages.
_records: weakref.WeakKeyDictionary[Page, PageRecord] = weakref.WeakKeyDictionary()


def chromium_path() -> str | None:
    """The Chromium binary to drive: $ARENA_CHROMIUM, else the system's, or None when neither is there."""
    chosen = os.environ.get("ARENA_CHROMIUM") or SYSTEM_CHROMIUM
    return chosen if os.access(chosen, os.X_OK) else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per module (see above); skips the tests that need it when it or Playwright is missing."""
    executable = chromium_path()
    if executable is None:
        chosen = os.environ.get("ARENA_CHROMIUM")
        pytest.skip(f"ARENA_CHROMIUM={chosen} is not an executable" if chosen else MISSING_CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright not importable: pip install -e '.[test]' (make test does)")
    # launch() gives the browser a fresh user-data-dir of its own and deletes it on close: no profile is shared.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    """A new tab in a context of its own (no storage shared between tests) that records what went wrong in it."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    record = PageRecord(folder=tmp_path)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            record.problems.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def on_request_failed(request: Request) -> None:
        record.problems.append(f"request failed: {request.url} ({request.failure})")

    opened.on("console", on_console)
    opened.on("pageerror", lambda error: record.problems.append(f"uncaught exception: {error.name}: {error.message}"))
    opened.on("requestfailed", on_request_failed)
    _records[opened] = record
    yield opened
    context.close()


def assert_no_console_errors(page: Page) -> None:
    """Fails listing every console error, uncaught exception and failed request of `page` so far."""
    problems = _records[page].problems
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Saves `page` as the PNG `name` in the test's tmp folder, and in $ARENA_SCREENSHOTS when set; returns the first."""
    path = _records[page].folder / name
    page.screenshot(path=str(path), full_page=full_page)
    if shared := os.environ.get("ARENA_SCREENSHOTS"):
        Path(shared).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(shared) / name)
    return path
