"""The why section and the place correction in the page (AppTest): candidate, name search, map click."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.review import ReviewStore, default_path, report_keys
from dashboard.schema import C, read_table
from dashboard.ui import panels
from dashboard.why import Span, WhyPlace, WhyRow, why_bytes, why_file
from tests.ui.tables import write_reports
from tests.ui.test_app import start
from tests.ui.test_review_page import HILLTOP, hill_key, named

HOSTILE = '<script>window.__x=1</script><img src=x onerror="alert(1)"> ![x](http://127.0.0.2/x.png)'
FORT = WhyPlace("Hill Fort", "village", "South Province", "Examplestan", "EX", 300, 12.5, 22.5, 1.25)
VILLAGE = WhyPlace("Hillside", "village", "North Province", "Examplestan", "EX", 90, 11.75, 21.5)


def clicks(monkeypatch, marker: tuple[float, float], map_click: tuple[float, float] | None = None) -> None:
    """streamlit-folium's answer: the marker clicked last and the map's last click."""
    answer = {"last_object_clicked": {"lat": marker[0], "lng": marker[1]},
              "last_clicked": None if map_click is None else {"lat": map_click[0], "lng": map_click[1]}}
    monkeypatch.setattr(panels, "st_folium", lambda *args, **kwargs: answer)


@pytest.fixture()
def data(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.delenv("DASHBOARD_READ_ONLY", raising=False)
    monkeypatch.delenv("DASHBOARD_REVIEW_DB", raising=False)
    clicks(monkeypatch, HILLTOP)
    path = write_reports(tmp_path)
    table = read_table(path)
    keys = report_keys(table)
    rows = {}
    for key, evidence in zip(keys, table[C.evidence]):
        at = evidence.find("hill")
        rows[str(key)] = WhyRow(HOSTILE, WhyPlace("Hilltop", "hill", "North Province", "Examplestan", "EX", 0,
                                                   12.0, 22.0, 2.5),
                                beaten=(FORT,), reasons=(HOSTILE,),
                                spans=(Span(at, at + 4, "place"),) if at >= 0 else ())
    why_file(path).write_bytes(why_bytes(rows, (FORT, VILLAGE)))
    return path


def entries(path: Path):
    return ReviewStore(default_path(path)).history()


def test_the_why_section_shows_the_decision_with_hostile_text_escaped(monkeypatch, data: Path) -> None:
    app = start(monkeypatch, data)
    bodies = [element.proto.body for element in app.get("html")]
    why = [body for body in bodies if 'class="why"' in body]
    assert why, bodies
    assert "Hill Fort (village; South Province, Examplestan; population 300) score 1.25" in why[0]
    assert "<script" not in why[0] and "<img" not in why[0]
    assert "&lt;script&gt;window.__x=1&lt;/script&gt;" in why[0]
    assert '<mark data-why="place"' in why[0]


def test_moving_a_row_to_another_candidate_is_a_correction(monkeypatch, data: Path) -> None:
    app = named(start(monkeypatch, data))
    key = hill_key(data)
    app.selectbox(key=f"why_candidate_{key}").set_value(
        "Hill Fort (village; South Province, Examplestan; population 300)")
    app.button(key=f"why_use_candidate_{key}").click().run()
    assert not app.exception
    entry = entries(data).iloc[0]
    assert (entry["location"], entry["latitude"], entry["longitude"], entry["admin1"]) == (
        "Hill Fort", "12.5", "22.5", "South Province")


def test_a_place_found_by_name_is_a_correction(monkeypatch, data: Path) -> None:
    app = named(start(monkeypatch, data))
    key = hill_key(data)
    app.text_input(key=f"why_search_{key}").input("hillS").run()
    found = app.selectbox(key=f"why_found_{key}")
    assert found.options == ["Hillside (village; North Province, Examplestan; population 90)"]
    app.button(key=f"why_use_found_{key}").click().run()
    entry = entries(data).iloc[0]
    assert (entry["location"], entry["latitude"], entry["longitude"]) == ("Hillside", "11.75", "21.5")


def test_a_point_clicked_on_the_map_after_asking_for_it_is_a_correction(monkeypatch, data: Path) -> None:
    clicks(monkeypatch, HILLTOP, (12.0, 22.0))  # the marker click also reached the map
    app = named(start(monkeypatch, data))
    key = hill_key(data)
    assert not app.button(key=f"why_pick_{key}").disabled
    app.button(key=f"why_pick_{key}").click().run()
    assert not [b for b in app.button if b.key == f"why_use_click_{key}"]  # the old click is not taken
    clicks(monkeypatch, HILLTOP, (13.25, 23.5))
    app.run()
    app.button(key=f"why_use_click_{key}").click().run()
    assert not app.exception
    entry = entries(data).iloc[0]
    assert (entry["latitude"], entry["longitude"], entry["location"]) == ("13.250000", "23.500000", None)


def test_read_only_shows_the_why_section_but_no_place_control(monkeypatch, data: Path) -> None:
    monkeypatch.setenv("DASHBOARD_READ_ONLY", "1")
    app = start(monkeypatch, data)
    assert any('class="why"' in element.proto.body for element in app.get("html"))
    assert not [b for b in app.button if b.key and b.key.startswith("why_")]
