"""The map with no network: the countries' outline and the names of places, in real headless Chromium.

The table is the build over the seed articles (it writes the labels file beside the table); every
host but 127.0.0.1 is blocked. With ``--tiles none`` the map names the towns around the seed
data at the view the page opens with; with tiles that cannot load, it switches to the same names
by itself. A screenshot of the first is saved in test-artifacts/offline_labels.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.files import labels_file
from dashboard.preprocess.pipeline import BuildOptions, run_build
from dashboard.settings import Settings
from tests.browser.conftest import ARTIFACTS, MAP_FRAME, Server, map_frame_where, running_app, wait_until_idle

pytestmark = pytest.mark.browser

#: Places around the seed data the map must name at the page's first view (as GeoNames spells
#: them, a label may hold more: "Al Hawijah").
SEED_VIEW_NAMES = ("Kirkuk", "Daquq", "Hawija", "Dibis")


@pytest.fixture(scope="module")
def seed_table(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("offline") / "reports.csv"
    run_build(BuildOptions(inputs=(seeds_dir,), out=out, manifest=seeds_dir / "manifest.csv",
                           settings=Settings(geocoder="none")))
    assert labels_file(out).is_file()
    return out


def map_frame(session, server: Server):
    """The map's iframe and its frame once the page has run to its end and the map drew its
    incidents (a frame taken earlier may be replaced by a rerun on a busy machine)."""
    session.page.goto(server.base)
    wait_until_idle(session.page)
    frame, _ = map_frame_where(session.page, "() => window.incidentCount || 0", lambda count: bool(count),
                               what="the map's incidents drawn")
    return session.page.locator(MAP_FRAME), frame


def assert_named(iframe, frame, names: tuple[str, ...]) -> None:
    """Each name is a label drawn inside the map's frame."""
    box = iframe.bounding_box()
    for name in names:
        label = frame.locator(".place-label-text", has_text=name)
        expect(label.first).to_be_visible(timeout=30_000)
        where = label.first.bounding_box()
        assert where is not None and box is not None
        assert box["x"] <= where["x"] and where["x"] + where["width"] <= box["x"] + box["width"], name
        assert box["y"] <= where["y"] and where["y"] + where["height"] <= box["y"] + box["height"], name


def test_without_tiles_the_seed_view_names_its_towns(session, seed_table) -> None:
    with running_app(seed_table, Settings(tiles="none")) as server:
        iframe, frame = map_frame(session, server)
        assert_named(iframe, frame, SEED_VIEW_NAMES)
        frame.wait_for_function("() => window.outlineDrawn === true", timeout=30_000)
        # the names are drawn as text: no label holds markup
        assert frame.locator(".place-label-text *").count() == 0
        # zoomed out to the world, the towns give way to capitals
        frame.evaluate("() => Object.keys(window).filter((k) => k.startsWith('map_')).map((k) => window[k])[0].setZoom(3)")
        expect(frame.locator(".place-label-text", has_text="Dibis")).to_have_count(0, timeout=15_000)
        expect(frame.locator(".place-label-text", has_text="Baghdad").first).to_be_visible()
        frame.evaluate("() => Object.keys(window).filter((k) => k.startsWith('map_')).map((k) => window[k])[0].setZoom(7)")
        assert_named(iframe, frame, SEED_VIEW_NAMES)
        wait_until_idle(session.page)
        ARTIFACTS.mkdir(exist_ok=True)
        session.page.screenshot(path=str(ARTIFACTS / "offline_labels.png"))
    assert not session.errors


def test_tiles_that_fail_to_load_switch_the_map_to_the_names(session, seed_table) -> None:
    with running_app(seed_table, Settings(tiles="openstreetmap")) as server:
        iframe, frame = map_frame(session, server)
        frame.wait_for_function("() => window.mapOffline === true", timeout=30_000)
        assert any("tile.openstreetmap.org" in url for url in session.blocked)
        assert_named(iframe, frame, SEED_VIEW_NAMES)
    assert not session.errors
