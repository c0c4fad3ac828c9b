"""Take the README's screenshot: the dashboard in headless Chromium, offline (no tiles), saved as a PNG.

    python docs/make_screenshot.py [--data data/incidents.csv] [--out docs/screenshot.png]

With no ``--data`` file on disk, it shows the small demonstration table of the tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.settings import Settings
from dashboard.ui.launch import start_in_background  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


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
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(base)
                page.locator(MAP_FRAME).wait_for(state="visible", timeout=60_000)
                frame = page.locator(MAP_FRAME).element_handle().content_frame()
                assert frame is not None, "the map's iframe has no document"
                frame.wait_for_function("() => window.incidentCount !== undefined", timeout=60_000)
                time.sleep(1.5)  # the country outline and the chart settle
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
