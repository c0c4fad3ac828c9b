"""Map at scale: 100,000 synthetic incidents, the dashboard's map against one plain folium.Marker per row.

Prints, for our page and for the same page whose map is one plain ``folium.Marker`` per row (no
popups: folium's need jQuery from a CDN; no clustering) at ``--plain-rows`` rows (100,000 take
minutes): the server's map build (ours: the points of a filtered view, the details of the whole
table, the map), and in headless Chromium, over ``--visits`` fresh visits (median and range):
the page shell (navigation -> the search box shows), the first map paint (navigation -> the frame
that shows the markers) and a filter change (Enter in the search box -> the frame with the new
markers). Times in the page are the map's own clock (``window.incidentDrawnAt``), not polling.
Beside them, the same visits to a bare Streamlit page (a title and one text box): the floor that
no change to our page can go below on this machine. Also the server process's memory after the
visits (resident now and at its peak, from ``/proc``) and the machine's load average before and
after (the figures of a shared machine move with it).
Run by hand (``make bench``), never by the tests. Needs the assets (``make assets``) and Chromium.

    python bench/map_scale.py [--rows 100000] [--plain-rows 10000] [--visits 5]
    python bench/map_scale.py --rows 1000000 --plain-rows 2000 --plain-visits 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.schema import EVENT_TYPES, C, INCIDENT_COLUMNS, coerce, write_table  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from dashboard.ui.columns import TableColumns, summary_of, timeline_of  # noqa: E402
from dashboard.ui.filters import FilterState, apply_filters, filter_mask  # noqa: E402
from dashboard.ui.launch import start_in_background  # noqa: E402
from dashboard.ui.mapview import build_map, map_details_json, map_points_json_of  # noqa: E402
from dashboard.ui.payloads import PIECE_ROWS, publish  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 # offline: no host but the loopback address resolves (a Playwright route that
                 # blocked requests would add a round trip to this script to each of the page's
                 # hundred requests, and so to the figures)
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SEARCH = "clash"  # the filter change: evidence search for one event type's word
#: [rows drawn, when they reached the screen (ms since the epoch)]; -1 before.
OURS_DRAWN = """() => window.incidentDrawnAt === undefined ? [-1, -1] : [window.incidentCount, window.incidentDrawnAt]"""
PLAIN_DRAWN = """() => [document.querySelectorAll('.leaflet-marker-icon').length, Date.now()]"""
#: Notes when the search box first shows, in the page's own clock (so polling adds nothing to the figure).
SHELL_WATCH = """
new MutationObserver(function (changes, observer) {
    if (document.querySelector('input[aria-label="Search the evidence"]')) {
        window.searchBoxAt = Date.now();
        observer.disconnect();
    }
}).observe(document, {subtree: true, childList: true});
"""
#: Seconds between two looks at the page: the times come from the page's clock, so a slow poll
#: only makes the run longer, while a fast one would take the browser's time from the page.
POLL = 0.25
BARE_PAGE = '''
import streamlit as st
st.title("Incident map")
st.text_input("Search the evidence")
'''

PLAIN_PAGE = '''
import sys
import folium
import streamlit as st
from streamlit_folium import st_folium
from dashboard.schema import read_table
from dashboard.ui.assets import asset_url
from dashboard.ui.filters import FilterState, apply_filters
rows = read_table(sys.argv[sys.argv.index("--data") + 1])
text = st.text_input("Search the evidence")
rows = apply_filters(rows, FilterState(text=text))
fmap = folium.Map(location=[33, 43], zoom_start=5, tiles=None)
fmap.default_js = [("leaflet", asset_url("leaflet", "dist/leaflet.js"))]
fmap.default_css = [("leaflet_css", asset_url("leaflet", "dist/leaflet.css"))]
for row in rows.itertuples(index=False):
    folium.Marker([row.latitude, row.longitude]).add_to(fmap)
st_folium(fmap, key="plain", height=540, use_container_width=True, returned_objects=["last_object_clicked"])
'''


def synthetic(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` incidents over a 9 x 9 degree box, 2,000 places, 60 sources, a year of dates."""
    rng = np.random.default_rng(seed)
    types = [t for t in EVENT_TYPES if t != "mention"]
    kind = rng.integers(0, len(types), n)
    place = rng.integers(0, 2000, n)
    killed = rng.integers(0, 60, n).astype("float64")
    killed[rng.random(n) < 0.3] = np.nan
    start = dt.date(2024, 1, 1)
    frame = pd.DataFrame({
        C.incident_id: [f"i{i:06d}" for i in range(n)],
        C.date: [start + dt.timedelta(days=int(d)) for d in rng.integers(0, 365, n)],
        C.date_precision: "day",
        C.location: [f"Place {p}" for p in place], C.mention: [f"Place {p}" for p in place],
        C.admin1: "Region", C.country: "Examplestan", C.country_code: "EX",
        C.latitude: rng.uniform(29.0, 38.0, n).round(5), C.longitude: rng.uniform(39.0, 48.0, n).round(5),
        C.geo_precision: "place", C.event_type: [types[k] for k in kind],
        C.killed_min: killed, C.killed_max: killed,
        C.injured_min: np.nan, C.injured_max: np.nan, C.captured_min: np.nan, C.captured_max: np.nan,
        C.actor: "", C.source: [f"Outlet {s}" for s in rng.integers(0, 60, n)],
        C.source_url: [f"https://outlet.example/{i}" for i in range(n)],
        C.article: [f"a{i}.txt" for i in range(n)], C.title: "", C.published: None,
        C.evidence: [f"Report {i}: a {types[k]} at Place {p} left people dead."
                     for i, (k, p) in enumerate(zip(kind, place))],
        "sources": 1,
    })
    return coerce(frame[list(INCIDENT_COLUMNS)])


def plain_map(rows: pd.DataFrame):
    import folium

    fmap = folium.Map(location=[33, 43], zoom_start=5, tiles=None)
    for row in rows.itertuples(index=False):
        folium.Marker([row.latitude, row.longitude]).add_to(fmap)
    return fmap


def timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def wait_markers(page, drawn_js: str, expected: int, after_ms: float, timeout: float) -> float:
    """When (ms since the epoch, the page's clock) the single map iframe showed ``expected`` markers
    drawn after ``after_ms``; nan when not within ``timeout`` seconds."""
    begin = time.perf_counter()
    while time.perf_counter() - begin < timeout:
        frames = page.locator(MAP_FRAME).all()
        if len(frames) == 1:
            frame = frames[0].element_handle().content_frame()
            try:
                count, at = frame.evaluate(drawn_js) if frame is not None else (-1, -1)
                if count == expected and at >= after_ms:
                    return float(at)
            except Exception:  # noqa: BLE001 - the frame is replaced mid-poll; poll again
                pass
        time.sleep(POLL)
    return float("nan")


def visit(browser, base: str, drawn_js: str | None, total: int, after_filter: int,
          timeout: float) -> tuple[float, float, float]:
    """(page shell, first map paint, filter change) in seconds of one fresh visit (nan: no map)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(SHELL_WATCH)
    try:
        page.goto(base)
        start = page.evaluate("() => performance.timeOrigin")  # navigation start, ms since the epoch
        box = page.get_by_label("Search the evidence")
        box.wait_for(timeout=timeout * 1000)
        shell = (page.evaluate("() => window.searchBoxAt") - start) / 1000
        if drawn_js is None:
            return shell, float("nan"), float("nan")
        first = (wait_markers(page, drawn_js, total, start, timeout) - start) / 1000
        box.fill(SEARCH)
        pressed = page.evaluate("() => Date.now()")
        box.press("Enter")
        change = (wait_markers(page, drawn_js, after_filter, pressed, timeout) - pressed) / 1000
        return shell, first, change
    finally:
        page.close()


def measure_page(browser, base: str, drawn_js: str | None, total: int, after_filter: int,
                 timeout: float, visits: int) -> list[tuple[float, float, float]]:
    """``visits`` fresh visits, after one that warms the app's caches (the first run reads the table:
    at a million rows that takes minutes on a busy machine, so it gets ten times the timeout)."""
    visit(browser, base, drawn_js, total, after_filter, timeout * 10)
    return [visit(browser, base, drawn_js, total, after_filter, timeout) for _ in range(visits)]


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, resident at the peak) of a process, in MB (Linux ``/proc``; nan elsewhere)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return float("nan"), float("nan")
    found = {line.split(":")[0]: float(line.split()[1]) / 1024 for line in status.splitlines()
             if line.startswith(("VmRSS:", "VmHWM:"))}
    return found.get("VmRSS", float("nan")), found.get("VmHWM", float("nan"))


def spread(values: list[float]) -> str:
    """Median and range, e.g. "3.41 (3.02-3.90)"."""
    kept = [v for v in values if v == v]
    if not kept:
        return "n/a"
    return f"{statistics.median(kept):.2f} ({min(kept):.2f}-{max(kept):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--plain-rows", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--plain-visits", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    rows = synthetic(args.rows)
    plain_rows = rows.head(args.plain_rows)
    columns_ours, columns = timed(TableColumns.of, rows)  # once per data file
    everything, searched = FilterState(), FilterState(text=SEARCH)
    columns_ours += timed(filter_mask, rows, searched, columns)[0]  # the first search makes the upper-case evidence
    filter_ours, mask = timed(filter_mask, rows, searched, columns)
    mask_all = filter_mask(rows, everything, columns)
    summary_ours = timed(summary_of, columns, mask)[0] + timed(timeline_of, columns, mask)[0]
    points_ours, points = timed(map_points_json_of, columns, mask_all)
    piece_ours, piece = timed(map_details_json, rows.iloc[:PIECE_ROWS])
    with tempfile.TemporaryDirectory(prefix="map-scale-payloads-") as scratch:  # their gzip files, as the app writes them
        points_ours += timed(publish, points, Path(scratch))[0]
        piece_ours += timed(publish, piece, Path(scratch))[0]
    changed_ours, changed = timed(map_points_json_of, columns, mask)
    build_ours, fmap = timed(build_map, rows, "/app/static/cache/points.json.gz", "/app/static/cache/details.json.gz",
                             "none")
    build_ours += points_ours  # per filtered view
    render_ours, _ = timed(lambda: fmap.get_root().render())
    build_plain, pmap = timed(plain_map, plain_rows)
    render_plain, _ = timed(lambda: pmap.get_root().render())
    after_ours = int(mask.sum())
    after_plain = len(apply_filters(plain_rows, searched))

    with tempfile.TemporaryDirectory(prefix="map-scale-") as temporary:
        folder = Path(temporary)
        ours_data = write_table(rows, folder / "ours.parquet")
        plain_data = write_table(plain_rows, folder / "plain.parquet")
        plain_app, bare_app = folder / "plain_page.py", folder / "bare_page.py"
        plain_app.write_text(PLAIN_PAGE, encoding="utf-8")
        bare_app.write_text(BARE_PAGE, encoding="utf-8")
        (folder / "static").symlink_to(ROOT / "dashboard" / "static")  # same local Leaflet
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            results, memory = {}, {}
            for name, app, data, drawn, total, after, visits in (
                ("bare", bare_app, ours_data, None, 0, 0, args.visits),
                ("ours", ROOT / "dashboard" / "app.py", ours_data, OURS_DRAWN, len(rows), after_ours, args.visits),
                ("plain", plain_app, plain_data, PLAIN_DRAWN, len(plain_rows), after_plain, args.plain_visits),
            ):
                process, base = start_in_background(data, Settings(tiles="none"), app=app)
                try:
                    results[name] = measure_page(browser, base, drawn, total, after, args.timeout, visits)
                    memory[name] = memory_mb(process.pid)
                finally:
                    process.terminate()
                    process.wait(timeout=20)
            browser.close()

    def column(name: str, k: int) -> str:
        return spread([r[k] for r in results[name]])

    load_after = os.getloadavg()
    w = 40
    print(f"{'':{w}}{'ours':>22}{'plain folium.Marker':>24}")
    print(f"{'rows on the map':{w}}{len(rows):>22,}{len(plain_rows):>24,}")
    print(f"{'server: columns + search column, once (s)':{w}}{columns_ours:>22.2f}")
    print(f"{'server: filter mask, evidence search (s)':{w}}{filter_ours:>22.3f}")
    print(f"{'server: summary + timeline of it (s)':{w}}{summary_ours:>22.3f}")
    print(f"{'server: its points + file (s)':{w}}{changed_ours:>22.3f}")
    print(f"{'server: all points + file (s)':{w}}{points_ours:>22.2f}")
    print(f"{'server: popup texts, one piece + file':{w}}{piece_ours:>22.3f}")
    print(f"{'server: build the map (s)':{w}}{build_ours:>22.2f}{build_plain:>24.2f}")
    print(f"{'server: build + render HTML (s)':{w}}{build_ours + render_ours:>22.2f}{build_plain + render_plain:>24.2f}")
    print(f"{'browser: page shell (s)':{w}}{column('ours', 0):>22}{column('plain', 0):>24}")
    print(f"{'browser: first map paint (s)':{w}}{column('ours', 1):>22}{column('plain', 1):>24}")
    print(f"{'browser: filter change redrawn (s)':{w}}{column('ours', 2):>22}{column('plain', 2):>24}")
    print(f"{'bare Streamlit page, shell (s)':{w}}{column('bare', 0):>22}")
    for name in ("ours", "bare"):
        now, peak = memory[name]
        print(f"{f'server memory, {name} (MB, now / peak)':{w}}{f'{now:,.0f} / {peak:,.0f}':>22}")
    print(f"(median (range) of {args.visits} fresh visits ({args.plain_visits} for plain markers); filter: evidence "
          f"contains {SEARCH!r}: {after_ours:,} / {after_plain:,} rows left; goals for ours: first paint < 3 s, "
          f"filter change < 1 s; n/a = not within {args.timeout:.0f} s; points of the search: "
          f"{len(changed) / 1e6:.1f} MB of JSON, of every row: {len(points) / 1e6:.1f} MB; load average before "
          f"{load_before[0]:.2f}, after {load_after[0]:.2f} ({load_after[2]:.2f} over 15 minutes) on "
          f"{os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
