"""Take the README's screenshots of reviewing and adding articles, in headless Chromium, offline.

    python docs/make_review_screenshots.py [--out docs]

Builds a small collection of our own short articles (in a temporary folder, with the same code
the page uses to add articles), serves it with ``--articles`` and no tiles, and saves:

- ``review.png``: a row's details after a click on its marker, verified by "Ann", its correction
  form open (the top of the page: the map, the details and the first fields);
- ``upload.png``: the *Add articles* form with a saved page chosen and a pasted text filled in.

Every host but 127.0.0.1 is blocked. Each step waits on a condition of the page, never a fixed time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.schema import C, read_table  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from dashboard.ui.launch import start_in_background  # noqa: E402
from dashboard.ui.uploads import NewArticle, add_articles  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1")
WAIT_MS = 120_000

ARTICLES = {
    "kirkuk-checkpoint.txt": "---\ntitle: Gunmen attack a checkpoint\nsource: Example Wire\npublished: 2024-03-04\n---\n"
                             "Gunmen killed four policemen at a checkpoint in Kirkuk on Monday, police said. "
                             "Two other officers were wounded in the attack.\n",
    "hawija-bomb.txt": "---\ntitle: Roadside bomb hits a patrol\nsource: Evening Example\npublished: 2024-03-03\n---\n"
                       "A roadside bomb killed three soldiers near Hawija on Sunday, officials said.\n",
    "daquq-farmers.txt": "---\ntitle: Farmers abducted\nsource: Example Wire\npublished: 2024-03-02\n---\n"
                         "Militants abducted six farmers in Daquq on Saturday, a local official said.\n",
}
SAVED_PAGE = (b"<!doctype html><html><head><title>Market blast | Example News</title>"
              b"<meta property='og:site_name' content='Example News'></head><body><nav>Home | World</nav>"
              b"<article><h1>Market blast</h1><p>A car bomb killed seven people in Tikrit on Sunday.</p></article>"
              b"</body></html>")


def idle(page) -> None:
    page.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for(timeout=WAIT_MS)


def map_frame(page):
    page.locator(MAP_FRAME).wait_for(state="visible", timeout=WAIT_MS)
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    assert frame is not None, "the map's iframe has no document"
    frame.wait_for_function("() => window.incidentCount > 0 && document.querySelector('path.incident-marker')",
                            timeout=WAIT_MS)
    return frame


def review_screenshot(page, base: str, place: str, out: Path) -> None:
    page.goto(f"{base}/?place={place}")
    map_frame(page).locator("path.incident-marker").first.click(force=True)
    page.get_by_text("review: unreviewed").wait_for(timeout=WAIT_MS)
    name = page.get_by_role("textbox", name="Your name (for reviews)")
    name.fill("Ann")
    name.press("Enter")
    idle(page)
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("review: verified").wait_for(timeout=WAIT_MS)
    idle(page)
    page.get_by_text("Correct this row", exact=True).click()
    page.get_by_role("textbox", name="location").wait_for(timeout=WAIT_MS)
    page.get_by_role("heading", name="Incident map").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(out / "review.png"))


def upload_screenshot(page, base: str, out: Path) -> None:
    page.goto(base + "/")
    map_frame(page)
    idle(page)
    page.get_by_text("Add articles", exact=True).click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [{"name": "market-blast.html", "mimeType": "text/html", "buffer": SAVED_PAGE}])
    page.get_by_test_id("stFileChip").wait_for(timeout=WAIT_MS)
    page.get_by_role("textbox", name="Article text").fill(
        "Gunmen wounded two guards at a power station in Baiji on Monday, police said.")
    page.get_by_role("textbox", name="Article source").fill("Example Wire")
    page.get_by_role("textbox", name="Article URL").fill("https://wire.example/baiji")
    page.screenshot(path=str(out / "upload.png"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "articles"
        folder.mkdir()
        table = Path(temporary) / "reports.csv"
        settings = Settings(tiles="none", articles=str(folder), cache=str(Path(temporary) / "cache"), jobs=1)
        os.environ.update(DASHBOARD_CACHE=settings.cache, DASHBOARD_JOBS="1")  # the first build, as the page makes it
        add_articles([NewArticle(name, text.encode()) for name, text in ARTICLES.items()], table, folder)
        rows = read_table(table)
        place = rows.loc[rows[C.article] == "kirkuk-checkpoint.txt", C.location].dropna().iloc[0]
        process, base = start_in_background(table, settings)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 1750})
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOOPBACK)
                              else route.abort())
                page = context.new_page()
                args.out.mkdir(parents=True, exist_ok=True)
                review_screenshot(page, base, place, args.out)
                upload_screenshot(context.new_page(), base, args.out)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=20)
    print(f"saved {args.out / 'review.png'} and {args.out / 'upload.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
