"""A marker's popup in real headless Chromium: opened near the map's edge, it stays open while the map pans to show it.

Leaflet pans the map to show a popup that opening would leave partly outside the map ("autopan");
that pan redraws the markers, which must not remove the marker whose popup is open (which closed it).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import map_frame_where, wait_until_idle

pytestmark = pytest.mark.browser

#: The folium map object of the frame (streamlit-folium names it map_div).
LEAFLET_MAP = "Object.keys(window).filter((k) => k.startsWith('map_')).map((k) => window[k])[0]"
HILLTOP = (12.0, 22.0)
EVIDENCE = "Jets struck a depot on the hill."


def map_frame(session, server, **query: str):
    """The map's frame of a fresh page, once its points and popup texts have arrived."""
    session.page.goto(server.base + "/?" + "&".join(f"{k}={v}" for k, v in query.items()))
    wait_until_idle(session.page)  # a frame taken earlier may be replaced by a rerun on a busy machine
    frame, _ = map_frame_where(session.page, "() => window.incidentCount === 1 && window.incidentDetails === true",
                               bool, what="the map's point and popup texts")
    return frame


def test_a_popup_opened_near_the_edge_stays_open_while_the_map_pans_to_show_it(session, server) -> None:
    frame = map_frame(session, server, place="Hilltop")
    lat, lng = HILLTOP
    # move the marker to a few pixels below the map's top edge: its popup opens above it
    frame.evaluate(f"""() => {{
        const m = {LEAFLET_MAP};
        const y = m.latLngToContainerPoint([{lat}, {lng}]).y;
        m.panBy([0, y - 14], {{animate: false}});
    }}""")
    frame.wait_for_function(f"() => {LEAFLET_MAP}.latLngToContainerPoint([{lat}, {lng}]).y < 20")
    marker = frame.locator("path.incident-marker")
    expect(marker).to_have_count(1)
    frame.evaluate(f"""() => {{
        const m = {LEAFLET_MAP};
        window.autoPanned = false;
        window.pansEnded = 0;
        window.popupsClosed = 0;
        m.on("autopanstart", () => {{ window.autoPanned = true; }});
        m.on("moveend", () => {{ window.pansEnded += 1; }});
        m.on("popupclose", () => {{ window.popupsClosed += 1; }});
    }}""")
    marker.click(force=True)
    # the map panned to show the popup, and that pan has ended (the markers were redrawn)
    frame.wait_for_function("() => window.autoPanned === true && window.pansEnded >= 1", timeout=15_000)
    assert frame.evaluate("() => window.popupsClosed") == 0
    popup = frame.locator(".leaflet-popup .incident-popup")
    expect(popup).to_have_count(1)
    expect(frame.locator(".leaflet-popup")).to_have_css("opacity", "1")  # a closing popup fades out before it goes
    expect(popup.locator(".incident-evidence")).to_contain_text(EVIDENCE)
    box, area = popup.bounding_box(), frame.locator(".leaflet-container").bounding_box()
    assert box is not None and area is not None and box["y"] >= area["y"]  # wholly in view: the pan showed it
    assert frame.evaluate(f"() => {LEAFLET_MAP}.latLngToContainerPoint([{lat}, {lng}]).y") > 100
    # the click also reran the app (the details panel shows the incident): the popup is still open
    session.page.get_by_text(EVIDENCE, exact=False).first.wait_for(timeout=15_000)
    expect(popup).to_have_count(1)
    assert frame.evaluate("() => window.popupsClosed") == 0
    expect(frame.locator("path.incident-marker")).to_have_count(1)
    assert session.errors == []
