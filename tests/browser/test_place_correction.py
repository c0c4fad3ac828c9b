"""Correcting a row's place by clicking the map, in real Chromium: the marker moves, and stays moved
after a reload and after the table is built again from its articles. Short articles of our own."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.geodesy import km_between
from dashboard.preprocess.pipeline import BuildOptions, run_build
from dashboard.review import ReviewError, ReviewStore, default_path
from dashboard.schema import C, read_table
from dashboard.settings import Settings
from dashboard.why import read_why
from tests.browser.conftest import (MAP_FRAME, WAIT_S, click_marker_until_shown, map_frame_where, running_app,
                                    wait_until_idle)

pytestmark = pytest.mark.browser

ARTICLES = {
    "daquq.txt": "Gunmen killed four people in Daquq on Monday, police said.",
    "mosul.txt": "A roadside bomb wounded three soldiers near Mosul on Tuesday.",
}
LEAFLET_MAP = "Object.keys(window).filter((k) => k.startsWith('map_')).map((k) => window[k])[0]"
#: The points of the single circle markers drawn.
MARKERS = ("() => { const m = " + LEAFLET_MAP + "; if (!m) { return null; } const out = []; m.eachLayer((l) => { "
           "if (l instanceof L.CircleMarker && l.options.className === 'incident-marker') { "
           "const p = l.getLatLng(); out.push([p.lat, p.lng]); } }); return out; }")


def build(folder: Path, out: Path, cache: Path) -> None:
    run_build(BuildOptions(inputs=(folder,), out=out, settings=Settings(cache=str(cache), jobs=1)))


@pytest.fixture()
def built(tmp_path: Path) -> tuple[Path, Path, Path]:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "reports.csv"
    build(folder, out, tmp_path / "cache")
    return folder, out, tmp_path / "cache"


def markers_where(page, check, timeout: float = WAIT_S) -> list[list[float]]:
    """The map's single markers once ``check(points)`` holds (the map's frame may be replaced mid-rerun)."""
    _, seen = map_frame_where(page, MARKERS, lambda points: bool(points) and check(points), timeout,
                              "the markers' condition")
    return seen


def near(points: list[list[float]], lat: float, lng: float, km: float = 0.05) -> bool:
    return any(km_between(a, o, lat, lng) <= km for a, o in points)


def stored_point(data: Path, timeout: float = WAIT_S) -> tuple[float, float]:
    """The point of the first correction in the store beside ``data``, once there is one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if default_path(data).exists():
            try:
                history = ReviewStore(default_path(data)).history()
            except ReviewError:  # the app is creating it: its tables come in its first transaction
                history = None
            if history is not None and not history.empty:
                entry = history.iloc[0]
                return float(entry[C.latitude]), float(entry[C.longitude])
        time.sleep(0.2)
    raise AssertionError("no correction was stored")


def test_a_place_corrected_on_the_map_moves_the_marker_through_reload_and_rebuild(session, built) -> None:
    folder, data, cache = built
    table = read_table(data)
    daquq = table[(table[C.mention] == "Daquq")].iloc[0]
    before = (float(daquq[C.latitude]), float(daquq[C.longitude]))
    why = read_why(data)
    assert why is not None and len(why.rows) == len(table)
    page = session.page
    with running_app(data) as server:
        page.goto(server.base + "/?place=Daquq")
        markers_where(page, lambda points: len(points) == 1 and near(points, *before))
        page.get_by_label("Your name (for reviews)").fill("Ann")
        page.get_by_label("Your name (for reviews)").press("Enter")
        wait_until_idle(page)
        frame = page.frame_locator(MAP_FRAME)
        # the details panel: the why section of the row, then its place correction
        click_marker_until_shown(page, page.get_by_text("Why here, why this toll").first)
        page.get_by_text("Correct the place").first.click()
        page.get_by_role("button", name="Pick the point on the map").click()
        expect(page.get_by_text("Click the map where this row happened.")).to_be_visible()
        frame.locator(".leaflet-container").click(position={"x": 140, "y": 420})  # away from the marker
        page.get_by_role("button", name="Move to the map click").click()
        moved = stored_point(data)
        assert km_between(*moved, *before) > 1  # the click was somewhere else
        markers_where(page, lambda points: near(points, *moved) and not near(points, *before))

        page.reload()
        markers_where(page, lambda points: near(points, *moved) and not near(points, *before))

        build(folder, data, cache)  # the same articles built again: the table keeps the correction
        rebuilt = read_table(data)
        row = rebuilt[rebuilt[C.mention] == "Daquq"].iloc[0]
        assert km_between(float(row[C.latitude]), float(row[C.longitude]), *moved) < 0.05
        assert row[C.review] == "corrected"
        page.reload()
        markers_where(page, lambda points: near(points, *moved) and not near(points, *before))
    assert session.errors == []


HOSTILE_ARTICLE = ('Gunmen killed four people in Daquq on Monday <img src=x onerror="window.__xssImg = 1">'
                   '<script>window.__xssScript = 1</script> police said.')


def test_hostile_article_text_in_the_why_section_is_shown_as_text_and_runs_nothing(session, tmp_path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "hostile.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    data = tmp_path / "reports.csv"
    build(folder, data, tmp_path / "cache")
    page = session.page
    with running_app(data) as server:
        page.goto(server.base + "/?place=Daquq")
        markers_where(page, lambda points: len(points) == 1)
        click_marker_until_shown(page, page.get_by_text("Why here, why this toll").first)
        page.get_by_text("Why here, why this toll").first.click()
        section = page.locator(".why").first
        expect(section).to_contain_text('onerror="window.__xssImg = 1"')  # the markup, as text
        expect(section.locator("mark[data-why=place]").first).to_have_text("Daquq")
        expect(section.locator("mark[data-why=toll]").first).to_contain_text("four")
        assert section.locator("img, script").count() == 0
        assert page.evaluate("() => [typeof window.__xssImg, typeof window.__xssScript]") == ["undefined", "undefined"]
    assert session.errors == []
