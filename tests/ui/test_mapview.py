"""Rows -> map: one payload, local assets only, escaped text, clicked point -> rows."""

from __future__ import annotations

import json
import re

import pytest

from dashboard.aggregate import incidents_from_reports
from dashboard.schema import C
from dashboard.ui.assets import VENDOR_URL
from dashboard.ui.mapview import build_map, map_payload, rows_at, safe_url, script_json
from dashboard.ui.filters import FilterState, apply_filters
from tests.ui.tables import IMG_EVIDENCE, SCRIPT_EVIDENCE, sample_reports


def rendered(fmap) -> str:
    return fmap.get_root().render()


def test_payload_has_one_entry_per_row_with_a_point() -> None:
    rows = sample_reports()
    payload = map_payload(rows)
    assert len(payload["lat"]) == len(rows) == len(payload["t"]) == len(payload["ev"])
    strings = payload["s"]
    assert [strings[i] for i in payload["ev"]] == list(rows[C.evidence])
    assert len(set(strings)) == len(strings)  # each text once


def test_incident_popup_lists_each_source_with_its_own_figure() -> None:
    reports = sample_reports()
    incidents = incidents_from_reports(reports)
    payload = map_payload(incidents, reports)
    s = payload["s"]
    first = [(s[payload["sn"][j]], s[payload["su"][j]], s[payload["sf"][j]])
             for j in range(payload["so"][0], payload["so"][1])]
    assert first == [("Daily Example", "https://daily.example/a1", "10"),
                     ("Evening Example", "https://evening.example/b1", "13-19")]
    assert s[payload["k"][0]] == "10-19"


def test_javascript_urls_never_become_links() -> None:
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url(" https://a.example/x ") == "https://a.example/x"
    payload = map_payload(sample_reports())
    assert "javascript:alert(1)" not in payload["s"]


def test_script_json_cannot_close_the_script_element() -> None:
    text = script_json({"e": SCRIPT_EVIDENCE + IMG_EVIDENCE + "&amp;"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["e"] == SCRIPT_EVIDENCE + IMG_EVIDENCE + "&amp;"


def test_map_html_loads_only_local_assets_and_has_no_raw_article_html() -> None:
    html = rendered(build_map(sample_reports(), tiles="none"))
    assert "<script>window.__xssScript" not in html and "<img src=x" not in html
    remote = [u for u in re.findall(r'(?:src|href)="(https?://[^"]+)"', html)]
    assert remote == []
    for asset in ("leaflet/dist/leaflet.js", "leaflet.markercluster/dist/leaflet.markercluster.js",
                  "topojson-client/dist/topojson-client.min.js", "world-atlas/countries-110m.json"):
        assert f"{VENDOR_URL}/{asset}" in html
    assert "innerHTML" not in html


def test_tiles_setting_chooses_the_tile_layer() -> None:
    assert "tile.openstreetmap.org" in rendered(build_map(sample_reports()))
    local = rendered(build_map(sample_reports(), tiles="http://127.0.0.1:8080/{z}/{x}/{y}.png"))
    assert "127.0.0.1:8080" in local and "openstreetmap" not in local and "countries-110m" not in local


def test_map_fits_the_rows() -> None:
    rows = apply_filters(sample_reports(), FilterState(locations=("Harbor City", "Hilltop")))
    html = rendered(build_map(rows))
    assert re.search(r"fitBounds\(\s*\[\[10\.0, 20\.0\], \[12\.0, 22\.0\]\]", html)


def test_empty_rows_still_make_a_map() -> None:
    rows = sample_reports().iloc[0:0]
    assert map_payload(rows)["lat"] == []
    assert "fitBounds" not in rendered(build_map(rows))


@pytest.mark.parametrize(("lat", "lng", "expected"), [
    (10.0, 20.0, ["inc-harbor", "inc-harbor", "inc-market"]),
    (12.000001, 22.0, ["inc-hill"]),
    (12.1, 22.0, []),
    (float("nan"), 0.0, []),
])
def test_rows_at_the_clicked_point(lat, lng, expected) -> None:
    assert list(rows_at(sample_reports(), lat, lng)[C.incident_id]) == expected
