"""Take the README's screenshot: the dashboard in headless Chromium, offline (no tiles), saved as a PNG.

    python docs/make_screenshot.py [--data data/incidents.csv] [--out docs/screenshot.png]

Every host but 127.0.0.1 is blocked, so the map shows what it shows with no network: the
countries' outline and, when ``build`` wrote the labels file beside the table, the places' names.
With no ``--data`` file on disk, it shows the small demonstration table of the tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.files import labels_file  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from dashboard.ui.launch import start_in_background  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "incidents.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temporary:
        data = args.data
        if not data.exists():
            from tests.ui.tables import write_reports

            data = write_reports(Path(temporary))
            print(f"{args.data} is missing: showing the tests' demonstration table", file=sys.stderr)
        process, base = start_in_background(data, Settings(tiles="none"))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOOPBACK)
                              else route.abort())
                page = context.new_page()
                page.goto(base)
                page.locator(MAP_FRAME).wait_for(state="visible", timeout=60_000)
                frame = page.locator(MAP_FRAME).element_handle().content_frame()
                assert frame is not None, "the map's iframe has no document"
                frame.wait_for_function("() => window.incidentCount !== undefined && window.outlineDrawn === true",
                                        timeout=60_000)
                if labels_file(data).is_file():
                    frame.wait_for_function("() => window.placeLabelsShown > 0", timeout=60_000)
                page.locator("[data-testid=stApp]").and_(
                    page.locator("[data-test-script-state=notRunning]")).wait_for(timeout=60_000)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=20)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
