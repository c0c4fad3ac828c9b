"""Real headless Chromium against ``streamlit run`` on a free loopback port, every other host blocked.

No browser at /usr/bin/chromium: the tests are skipped, except in CI ($CI set) where they fail.

Waiting: a test waits on a condition (Playwright's ``expect(...)``, ``wait_for``,
``wait_for_function``), never on a fixed sleep or on the order in which the page's parts arrive:
Streamlit sends the elements of one run one by one (the summary after the map), the map draws
after fetching its points, and a popup is filled when the details file arrives.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from dashboard.settings import Settings
from dashboard.ui.launch import start_in_background
from tests.ui.tables import write_reports

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = ROOT / "test-artifacts"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1")
#: How long a wait may last before the test fails (s). Only a failing test waits this long; on a
#: busy machine a fresh server's first page took over 30 s (two busy loops on both cores).
WAIT_S = 90.0


@dataclass
class Server:
    base: str
    data: Path


@contextmanager
def running_app(data: Path, settings: Settings | None = None) -> Iterator[Server]:
    """The dashboard on ``data`` (no tiles, or with ``settings``), stopped on leaving."""
    from dashboard.ui.assets import missing_assets

    if missing_assets():
        pytest.fail("the map's offline assets are missing: run 'make assets' (python -m dashboard fetch-assets)")
    process, base = start_in_background(data, settings or Settings(tiles="none"))
    try:
        yield Server(base, data)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    with running_app(write_reports(tmp_path_factory.mktemp("browser"))) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"no browser at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Session:
    """A page whose requests to anything but 127.0.0.1 are blocked and recorded, with its errors.

    ``requests``: the address of every request the page and its frames made (blocked or not).
    """

    page: object
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


@pytest.fixture()
def session(browser) -> Iterator[Session]:
    with open_session(browser) as opened:
        yield opened


@contextmanager
def open_session(browser) -> Iterator[Session]:
    """A new browser context (its own cookies and Streamlit session) with one page, as :class:`Session`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    context.set_default_timeout(WAIT_S * 1000)  # every wait_for, wait_for_function, click, download
    expect.set_options(timeout=WAIT_S * 1000)  # every expect(...)
    page = context.new_page()
    recorded = Session(page)

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(LOOPBACK):
            request_route.continue_()
        else:
            recorded.blocked.append(url)
            request_route.abort()

    context.route("**/*", route)
    context.on("request", lambda request: recorded.requests.append(request.url))
    page.on("pageerror", lambda error: recorded.errors.append(str(error)))
    page.on("console", lambda message: recorded.console.append(f"{message.type}: {message.text}"))
    yield recorded
    context.close()


def wait_until_idle(page) -> None:
    """Until the app's script has run to its end (every element of the run sent) and none is asked for."""
    expect(page.locator("[data-testid=stApp]")).to_have_attribute("data-test-script-state", "notRunning")


def map_frame_where(page, script: str, check, timeout: float = WAIT_S, what: str = "the map's condition"):
    """(frame, value) once the map's iframe is the only one and ``check`` holds for ``script``
    evaluated in it.

    During a rerun Streamlit shows the old iframe beside the new one (a frame can go away between
    two looks), so this polls the condition rather than waiting on one frame.
    """
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        frames = page.locator(MAP_FRAME).all()
        if len(frames) == 1:
            frame = frames[0].element_handle().content_frame()
            if frame is not None:
                try:
                    seen = frame.evaluate(script)
                except PlaywrightError:  # the frame went away mid-rerun
                    seen = None
                if check(seen):
                    return frame, seen
        page.wait_for_timeout(200)  # the next look
    raise AssertionError(f"{what} never held; last seen {seen}")


def click_marker_until_shown(page, shown, timeout: float = WAIT_S) -> None:
    """Click the map's first marker until ``shown`` (a locator on the page) is visible.

    The click reruns the app to fill the details panel; a click that lands while the page reruns
    (its map frame being replaced) is lost on a busy machine, so it is made again.
    """
    deadline = time.monotonic() + timeout
    while True:
        wait_until_idle(page)
        page.frame_locator(MAP_FRAME).locator("path.incident-marker").first.click(force=True)
        try:
            expect(shown).to_be_visible(timeout=10_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
