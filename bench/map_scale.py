"""Map at scale: 100,000 synthetic incidents, the dashboard's map against one plain folium.Marker per row.

Prints: server-side map build time (ours: points and details JSON + map), first map paint in headless Chromium (navigation -> clusters
drawn), and a filter change redrawn (search box -> new markers drawn), for our map and for the
same map made of plain ``folium.Marker`` objects, no popups (folium's popups need jQuery from a
CDN), no clustering, at ``--plain-rows`` rows (100,000 take minutes).
Run by hand (``make bench``), never by the tests. Needs the assets (``make assets``) and Chromium.

    python bench/map_scale.py [--rows 100000] [--plain-rows 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.schema import EVENT_TYPES, C, INCIDENT_COLUMNS, coerce, write_table  # noqa: E402
from dashboard.ui.filters import FilterState, apply_filters  # noqa: E402
from dashboard.ui.launch import start_in_background  # noqa: E402
from dashboard.ui.mapview import build_map, map_details_json, map_points_json  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SEARCH = "clash"  # the filter change: evidence search for one event type's word
OURS_DRAWN = """() => window.incidentCount === undefined ? -1 : window.incidentCount"""
PLAIN_DRAWN = """() => document.querySelectorAll('.leaflet-marker-icon').length"""

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


def wait_markers(page, drawn_js: str, expected: int, timeout: float) -> float:
    """Seconds until the single map iframe shows ``expected`` markers."""
    begin = time.perf_counter()
    while time.perf_counter() - begin < timeout:
        frames = page.locator(MAP_FRAME).all()
        if len(frames) == 1:
            frame = frames[0].element_handle().content_frame()
            try:
                if frame is not None and frame.evaluate(drawn_js) == expected:
                    return time.perf_counter() - begin
            except Exception:  # noqa: BLE001 - the frame is replaced mid-poll; poll again
                pass
        time.sleep(0.05)
    return float("nan")


def measure_page(browser, base: str, drawn_js: str, total: int, after_filter: int,
                 timeout: float) -> tuple[float, float, float]:
    """(page shell, first map paint, filter change) in seconds; a first visit warms the app's data cache.

    The shell is Streamlit's own start in the browser up to the first widget, without the map.
    """
    warm = browser.new_page(viewport={"width": 1400, "height": 1000})
    warm.goto(base)
    wait_markers(warm, drawn_js, total, timeout)
    warm.close()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1")) else route.abort())
    begin = time.perf_counter()
    page.goto(base)
    box = page.get_by_label("Search the evidence")
    box.wait_for(timeout=timeout * 1000)
    shell = time.perf_counter() - begin
    first = wait_markers(page, drawn_js, total, timeout)
    first = time.perf_counter() - begin if first == first else first
    box.fill(SEARCH)
    begin = time.perf_counter()
    box.press("Enter")
    change = wait_markers(page, drawn_js, after_filter, timeout)
    page.close()
    return shell, first, change


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--plain-rows", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = synthetic(args.rows)
    plain_rows = rows.head(args.plain_rows)
    points_ours, _ = timed(map_points_json, rows)
    details_ours, _ = timed(map_details_json, rows)
    build_ours, fmap = timed(build_map, rows, "/app/static/cache/points.json", "/app/static/cache/details.json", "none")
    build_ours += points_ours + details_ours
    render_ours, _ = timed(lambda: fmap.get_root().render())
    build_plain, pmap = timed(plain_map, plain_rows)
    render_plain, _ = timed(lambda: pmap.get_root().render())
    after_ours = len(apply_filters(rows, FilterState(text=SEARCH)))
    after_plain = len(apply_filters(plain_rows, FilterState(text=SEARCH)))

    with tempfile.TemporaryDirectory(prefix="map-scale-") as temporary:
        folder = Path(temporary)
        ours_data = write_table(rows, folder / "ours.parquet")
        plain_data = write_table(plain_rows, folder / "plain.parquet")
        plain_app = folder / "plain_page.py"
        plain_app.write_text(PLAIN_PAGE, encoding="utf-8")
        (folder / "static").symlink_to(ROOT / "dashboard" / "static")  # same local Leaflet
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            results = {}
            for name, app, data, drawn, total, after in (
                ("ours", ROOT / "dashboard" / "app.py", ours_data, OURS_DRAWN, len(rows), after_ours),
                ("plain", plain_app, plain_data, PLAIN_DRAWN, len(plain_rows), after_plain),
            ):
                process, base = start_in_background(data, {"tiles": "none"}, app=app)
                try:
                    results[name] = measure_page(browser, base, drawn, total, after, args.timeout)
                finally:
                    process.terminate()
                    process.wait(timeout=20)
            browser.close()

    print(f"{'':34}{'ours':>14}{'plain folium.Marker':>22}")
    print(f"{'rows on the map':34}{len(rows):>14,}{len(plain_rows):>22,}")
    print(f"{'server: build the map (s)':34}{build_ours:>14.2f}{build_plain:>22.2f}")
    print(f"{'server: build + render HTML (s)':34}{build_ours + render_ours:>14.2f}{build_plain + render_plain:>22.2f}")
    print(f"{'browser: page shell, no map (s)':34}{results['ours'][0]:>14.2f}{results['plain'][0]:>22.2f}")
    print(f"{'browser: first map paint (s)':34}{results['ours'][1]:>14.2f}{results['plain'][1]:>22.2f}")
    print(f"{'browser: filter change redraw (s)':34}{results['ours'][2]:>14.2f}{results['plain'][2]:>22.2f}")
    print(f"(filter: evidence contains {SEARCH!r}: {after_ours:,} / {after_plain:,} rows left; "
          f"goals for ours: build < 0.5 s, first paint < 3 s, filter change < 1 s; nan = not within {args.timeout:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
