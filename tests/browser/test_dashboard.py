"""The dashboard in real headless Chromium, offline: markers, filters, popups, downloads, escaping, URL."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from dashboard.aggregate import incidents_from_reports
from dashboard.schema import read_table
from dashboard.ui.export import csv_bytes
from dashboard.ui.filters import FilterState, apply_filters
from tests.browser.conftest import (ARTIFACTS, MAP_FRAME, WAIT_S, click_marker_until_shown, map_frame_where,
                                    wait_until_idle)
from tests.ui.tables import IMG_EVIDENCE, SCRIPT_EVIDENCE

pytestmark = pytest.mark.browser

#: Markers drawn: the counts on the cluster icons plus the single circle markers.
DRAWN = """() => {
    const clusters = Array.from(document.querySelectorAll('.marker-cluster span'))
        .reduce((sum, span) => sum + Number(span.textContent), 0);
    return clusters + document.querySelectorAll('path.incident-marker').length;
}"""
#: [points the map holds, markers drawn] (-1 before the payload has arrived).
COUNTS = "() => window.incidentCount !== undefined ? [window.incidentCount, (" + DRAWN + ")()] : [-1, -1]"
XSS_FLAGS = "() => [typeof window.__xssScript, typeof window.__xssImg]"


def open_page(session, server, **query: str) -> None:
    url = server.base + "/" + ("?" + urlencode(query) if query else "")
    session.page.goto(url)


def wait_map(page, expected: int, timeout: float = WAIT_S):
    """The map's iframe once it is the only one and its clusters and markers add up to ``expected``."""
    frame, _ = map_frame_where(page, COUNTS, lambda seen: seen == [expected, expected], timeout,
                               f"expected {expected} markers (layer, drawn)")
    return frame


def expected_incidents(server, state: FilterState):
    return apply_filters(incidents_from_reports(read_table(server.data)), state)


def test_markers_match_the_rows_offline_and_a_screenshot_is_saved(session, server) -> None:
    open_page(session, server)
    rows = expected_incidents(server, FilterState())
    assert len(rows) == 5
    frame = wait_map(session.page, len(rows))
    frame.wait_for_function("() => document.querySelectorAll('path:not(.incident-marker)').length > 20")
    assert not any(url.endswith((".js", ".css", ".json")) for url in session.blocked), session.blocked
    assert session.errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    session.page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000


def test_changing_a_filter_changes_the_markers(session, server) -> None:
    open_page(session, server)
    wait_map(session.page, 5).evaluate("() => { window.sameMap = true; }")
    box = session.page.get_by_label("Search the evidence")
    box.fill("arrested")
    box.press("Enter")
    session.page.wait_for_function("() => new URLSearchParams(location.search).get('q') === 'arrested'")
    frame = wait_map(session.page, 1)
    assert frame.evaluate("() => window.sameMap") is True  # the map got new rows, it was not rebuilt
    assert len(expected_incidents(server, FilterState(text="arrested"))) == 1


def test_the_url_query_restores_a_filter(session, server) -> None:
    open_page(session, server, type="capture/arrest")
    wait_map(session.page, 1)
    expect(session.page.locator("[data-testid=stSidebar]").get_by_text("capture/arrest").first).to_be_visible()


def test_a_popup_and_the_details_show_the_evidence(session, server) -> None:
    open_page(session, server, place="Hilltop")
    wait_map(session.page, 1)
    popup = session.page.frame_locator(MAP_FRAME).locator(".incident-popup")
    click_marker_until_shown(session.page, popup)
    # the popup opens at once and is filled when the details file arrives
    expect(popup.locator(".incident-evidence")).to_contain_text("Jets struck a depot on the hill.")
    link = popup.locator("a")
    expect(link).to_have_attribute("href", "https://wire.example/c1")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    details = session.page.get_by_text("Jets struck a depot on the hill.", exact=False)
    details.first.wait_for()  # the click reran the app and filled the details panel


@pytest.mark.parametrize(("place", "evidence", "tag"), [
    ("Old Market", SCRIPT_EVIDENCE, "script"),
    ("Riverbend", IMG_EVIDENCE, "img"),
])
def test_article_html_is_shown_as_text_and_never_runs(session, server, place, evidence, tag) -> None:
    open_page(session, server, place=place)
    wait_map(session.page, 1)
    frame = session.page.frame_locator(MAP_FRAME)
    click_marker_until_shown(session.page, frame.locator(".incident-popup"))
    shown = frame.locator(".incident-popup .incident-evidence")
    expect(shown).to_have_text(evidence)  # once the details file has arrived
    assert shown.locator(tag).count() == 0
    assert frame.locator('img[src="x"]').count() == 0
    session.page.get_by_text(evidence[:40], exact=False).first.wait_for()  # details panel
    assert session.page.locator('img[src="x"]').count() == 0
    assert wait_map(session.page, 1).evaluate(XSS_FLAGS) == ["undefined", "undefined"]  # the map's frame now
    assert session.page.evaluate(XSS_FLAGS) == ["undefined", "undefined"]
    assert session.errors == []
    assert not [line for line in session.console if "__xss" in line]
    if tag == "img":  # a javascript: source address must not become a link
        assert frame.locator(".incident-popup a").count() == 0


def test_the_downloaded_csv_is_the_filtered_rows(session, server, tmp_path) -> None:
    open_page(session, server, place="Harbor City")
    rows = expected_incidents(server, FilterState(locations=("Harbor City",)))
    wait_map(session.page, len(rows))
    with session.page.expect_download() as download:
        session.page.get_by_role("button", name="Download CSV").click()
    path = tmp_path / "download.csv"
    download.value.save_as(path)
    assert path.read_bytes() == csv_bytes(rows)
    assert len(rows) == 2


def test_an_incident_lists_each_source_with_its_own_figure(session, server) -> None:
    open_page(session, server, place="Harbor City")
    frame = wait_map(session.page, 2)  # the attack and the old-market bombing share the city's point
    frame.locator(".marker-cluster").first.click()
    stack = frame.locator(".incident-stack")
    sources = stack.locator(".incident-sources li")  # filled when the details file arrives
    expect(sources.nth(0)).to_have_text("Daily Example (killed 10)")
    expect(sources.nth(1)).to_have_text("Evening Example (killed 13-19)")
    expect(stack).to_contain_text("killed: 10-19")
    session.page.get_by_text("Evening Example (killed 13-19)").first.wait_for()  # details panel


#: The folium map object of the frame (folium names it map_<id>).
LEAFLET_MAP = "Object.keys(window).filter((k) => k.startsWith('map_')).map((k) => window[k])[0]"
#: streamlit-folium sends the map's state this long (ms) after the last move (underscore's debounce).
FOLIUM_DEBOUNCE_MS = 250


def test_zooming_does_not_rerun_the_app_but_a_marker_click_does(session, server) -> None:
    reruns: list[int] = []  # rerun requests the page sent: they carry the widgets' states (ids "$$ID-...")
    session.page.on("websocket", lambda socket: socket.on(
        "framesent", lambda payload: reruns.append(1) if "$$ID-" in str(payload) else None))
    open_page(session, server, place="Hilltop")
    frame = wait_map(session.page, 1)
    wait_until_idle(session.page)
    before = len(reruns)
    session.page.evaluate("() => { window.probed = false; window.addEventListener('message', "
                          "(e) => { if (e.data === 'zoom-probe') { window.probed = true; } }); }")
    frame.evaluate("() => { window.zoomed = false; const m = " + LEAFLET_MAP + ", z0 = m.getZoom(); "
                   "m.on('moveend', function done() { if (m.getZoom() < z0) { m.off('moveend', done); "
                   "setTimeout(() => { window.zoomed = true; }, 4 * " + str(FOLIUM_DEBOUNCE_MS) + "); } }); }")
    frame.locator(".leaflet-control-zoom-out").click()
    # Any state the zoom made the map send is posted to the page before the timer set after the
    # zoom ends fires (timers fire in deadline order), and before the probe posted after it.
    frame.wait_for_function("() => window.zoomed === true")
    frame.evaluate("() => window.parent.postMessage('zoom-probe', '*')")
    session.page.wait_for_function("() => window.probed === true")
    wait_until_idle(session.page)
    assert len(reruns) == before  # the page asked for no rerun
    frame.locator("path.incident-marker").first.click(force=True)
    session.page.get_by_text("Jets struck a depot on the hill.").first.wait_for()
    assert len(reruns) > before


def drawn_after(frame, view_js: str) -> int:
    """Markers drawn (cluster counts plus single circles) once the map has moved to a view and drawn it.

    The map redraws in its own ``moveend`` handler, registered before this one, so the count read
    in this handler is the new view's.
    """
    frame.evaluate("() => { window.drawnNow = null; const m = " + LEAFLET_MAP
                   + "; m.once('moveend', () => { window.drawnNow = (" + DRAWN + ")(); }); " + view_js + "; }")
    frame.wait_for_function("() => window.drawnNow !== null")
    return frame.evaluate("() => window.drawnNow")


def test_cluster_counts_add_up_to_the_rows_at_every_zoom(session, server) -> None:
    open_page(session, server)
    frame = wait_map(session.page, 5)
    for zoom in (1, 3, 6):
        assert drawn_after(frame, f"m.setView([11, 21], {zoom}, {{animate: false}})") == 5, zoom
    # at the last zoom the town's two incidents still share one spot: one group of 2, never split
    assert drawn_after(frame, "m.setView([10, 20], 18, {animate: false})") == 2
    assert frame.locator(".marker-cluster span").all_inner_texts() == ["2"]


def test_the_timeline_shows_a_bar_per_day_with_incidents(session, server) -> None:
    open_page(session, server)
    wait_map(session.page, 5)
    bars = session.page.locator(".incident-timeline .incident-bar")
    days = {row.date() for row in expected_incidents(server, FilterState())["date"]}
    assert len(days) > 1
    expect(bars).to_have_count(len(days))  # the summary is sent after the map: wait for it
    heights = [bars.nth(k).bounding_box()["height"] for k in range(len(days))]
    assert min(heights) > 10  # drawn, not removed or flattened by the page's HTML cleaning
    expect(bars.first).to_have_attribute("title", re.compile("^" + re.escape(min(days).isoformat() + ": ")))
