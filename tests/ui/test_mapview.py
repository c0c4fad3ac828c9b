"""Rows -> map payload and map: one payload, local assets only, text as data, clicked point -> rows."""

from __future__ import annotations

import gzip
import json
import os
import re
import threading

import pytest

from dashboard.aggregate import incidents_from_reports
from dashboard.schema import C
from dashboard.ui.assets import VENDOR_URL
from dashboard.ui.filters import FilterState, apply_filters
from dashboard.ui.mapview import (
    build_map, map_details_json, map_points_json, read_payload, row_positions, rows_at, safe_url,
)
from dashboard.ui.payloads import CACHE_URL, prune, publish, publish_later, wait_for_pending
from tests.ui.tables import IMG_EVIDENCE, SCRIPT_EVIDENCE, sample_reports

URL = "/app/static/cache/points.json"
DETAILS_URL = "/app/static/cache/details.json"


def rendered(fmap) -> str:
    return fmap.get_root().render()


def payload(rows, reports=None) -> dict:
    return read_payload(map_points_json(rows), map_details_json(rows, reports))


def test_payload_has_one_entry_per_row_with_a_point() -> None:
    rows = sample_reports()
    data = payload(rows)
    assert len(data["lat"]) == len(rows) == len(data["t"]) == len(data["ev"])
    assert data["ev"] == list(rows[C.evidence])  # article text travels unchanged, as data
    assert data["types"][data["t"][0]] == "armed attack"
    assert data["so"] is None and data["sn"] == list(rows[C.source])


def test_rows_without_a_point_are_left_off_the_map() -> None:
    rows = sample_reports()
    rows.loc[0, [C.latitude, C.longitude]] = float("nan")
    data = payload(rows)
    assert len(data["lat"]) == len(data["ev"]) == len(rows) - 1
    assert data["ev"] == list(rows[C.evidence])[1:]  # the n-th point's details are the n-th entries


def test_a_filtered_view_points_into_the_details_of_the_whole_table() -> None:
    table = sample_reports()
    rows = apply_filters(table, FilterState(locations=("Hilltop", "Old Market")))
    positions = row_positions(table, rows)
    points = map_points_json(rows, positions)
    assert json.loads(points)["k"] == list(positions) and list(positions) != list(range(len(rows)))
    data = read_payload(points, map_details_json(table))  # the one details file serves every filter
    assert data["ev"] == list(rows[C.evidence]) and data["sn"] == list(rows[C.source])
    assert data["place"] == list(rows[C.location])


def test_row_positions_refuse_rows_of_another_table() -> None:
    table = sample_reports()
    with pytest.raises(ValueError):
        row_positions(table.head(2), table)


def test_the_points_file_carries_no_text_of_the_articles() -> None:
    rows = sample_reports()
    points = json.loads(map_points_json(rows))
    assert set(points) == {"types", "colours", "lat", "lng", "t", "r"}
    assert len(points["r"]) == len(rows) and min(points["r"]) >= 5.0
    assert not set(json.loads(map_details_json(rows))) & set(points)


def test_payload_texts_are_stored_once() -> None:
    raw = json.loads(map_details_json(sample_reports()))
    assert sorted(raw["sn"]["v"]) == sorted(set(sample_reports()[C.source]))
    assert len(raw["sn"]["c"]) == 7


def test_incident_popup_lists_each_source_with_its_own_figure() -> None:
    reports = sample_reports()
    incidents = incidents_from_reports(reports)
    data = payload(incidents, reports)
    first = [(data["sn"][j], data["su"][j], data["sl"][j], data["sh"][j])
             for j in range(data["so"][0], data["so"][1])]
    assert first == [("Daily Example", "https://daily.example/a1", 10, 10),
                     ("Evening Example", "https://evening.example/b1", 13, 19)]
    assert (data["kl"][0], data["kh"][0]) == (10, 19)
    assert data["kl"][1] == 40 and data["kh"][1] is None  # "40+"


def test_an_incident_table_alone_lists_its_joined_sources_by_name() -> None:
    incidents = incidents_from_reports(sample_reports())
    data = payload(incidents)
    assert data["sn"][data["so"][0]:data["so"][1]] == ["Daily Example", "Evening Example"]
    assert data["su"][data["so"][0]:data["so"][1]] == ["https://daily.example/a1", "https://evening.example/b1"]


def test_javascript_urls_never_become_links() -> None:
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url(" https://a.example/x ") == "https://a.example/x"
    assert "javascript:alert(1)" not in payload(sample_reports())["su"]


def test_payload_links_are_the_http_ones_trimmed() -> None:
    rows = sample_reports().head(4).copy()
    rows[C.source_url] = [" https://a.example/x ", "javascript:alert(1)", "HTTP://b.example/y", "data:text/html,x"]
    assert payload(rows)["su"] == ["https://a.example/x", "", "HTTP://b.example/y", ""]


def test_template_syntax_in_article_text_is_not_evaluated() -> None:
    rows = sample_reports()
    rows.loc[0, C.evidence] = "{{ 7 * 7 }} and {% if true %}x{% endif %}"
    assert payload(rows)["ev"][0] == "{{ 7 * 7 }} and {% if true %}x{% endif %}"
    assert "7 * 7" not in rendered(build_map(rows, URL, DETAILS_URL))  # the text never passes through a template


def test_map_html_loads_only_local_assets_and_no_article_text() -> None:
    html = rendered(build_map(sample_reports(), URL, DETAILS_URL, tiles="none"))
    assert SCRIPT_EVIDENCE not in html and IMG_EVIDENCE[:20] not in html
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []
    for asset in ("leaflet/dist/leaflet.js", "topojson-client/dist/topojson-client.min.js",
                  "world-atlas/countries-110m.json"):
        assert f"{VENDOR_URL}/{asset}" in html
    assert f'window.loadIncidents("{URL}", "{DETAILS_URL}", ' in html
    assert "innerHTML" not in html


def test_tiles_setting_chooses_the_tile_layer() -> None:
    assert "tile.openstreetmap.org" in rendered(build_map(sample_reports(), URL, DETAILS_URL))
    local = rendered(build_map(sample_reports(), URL, DETAILS_URL, tiles="http://127.0.0.1:8080/{z}/{x}/{y}.png"))
    assert "127.0.0.1:8080" in local and "openstreetmap" not in local and "countries-110m" not in local


def test_map_fits_the_rows() -> None:
    rows = apply_filters(sample_reports(), FilterState(locations=("Harbor City", "Hilltop")))
    assert f'window.loadIncidents("{URL}", "{DETAILS_URL}", [[10.0, 20.0], [12.0, 22.0]]);' in rendered(build_map(rows, URL, DETAILS_URL))


def test_empty_rows_still_make_a_map() -> None:
    rows = sample_reports().iloc[0:0]
    assert payload(rows)["lat"] == []
    assert f'window.loadIncidents("{URL}", "{DETAILS_URL}", null);' in rendered(build_map(rows, URL, DETAILS_URL))


@pytest.mark.parametrize(("lat", "lng", "expected"), [
    (10.0, 20.0, ["inc-harbor", "inc-harbor", "inc-market"]),
    (12.000001, 22.0, ["inc-hill"]),
    (12.1, 22.0, []),
    (float("nan"), 0.0, []),
])
def test_rows_at_the_clicked_point(lat, lng, expected) -> None:
    assert list(rows_at(sample_reports(), lat, lng)[C.incident_id]) == expected


def test_published_payloads_are_gzip_files_of_the_bytes(tmp_path) -> None:
    data = map_points_json(sample_reports())
    url = publish(data, tmp_path)
    assert url.endswith(".json.gz")
    assert gzip.decompress((tmp_path / url.rsplit("/", 1)[1]).read_bytes()) == data


def test_a_kept_name_publishes_the_same_file_without_hashing_again(tmp_path, monkeypatch) -> None:
    data = map_points_json(sample_reports())
    url = publish(data, tmp_path)
    monkeypatch.setattr("dashboard.ui.payloads.payload_name", lambda _: pytest.fail("hashed again"))
    assert publish(data, tmp_path, name=url.rsplit("/", 1)[1]) == url


def test_publish_names_payloads_by_content_and_prunes_the_oldest(tmp_path) -> None:
    first = publish(b'{"a":1}', tmp_path, keep=2)
    assert first.startswith(CACHE_URL + "/") and publish(b'{"a":1}', tmp_path, keep=2) == first
    os.utime(tmp_path / first.rsplit("/", 1)[1], (1, 1))  # the least recently used
    publish(b'{"a":2}', tmp_path, keep=2)
    publish(b'{"a":3}', tmp_path, keep=2)
    names = sorted(p.name for p in tmp_path.glob("*.json.gz"))
    assert len(names) == 2 and first.rsplit("/", 1)[1] not in names
    assert prune(tmp_path, keep=5) == []


def test_a_payload_published_later_is_named_at_once_and_made_once(tmp_path) -> None:
    calls: list[int] = []
    started, release = threading.Event(), threading.Event()

    def make() -> bytes:
        calls.append(1)
        started.set()
        release.wait(10)
        return b'{"ev": ["x"]}'

    url = publish_later("table-v1|details", make, tmp_path)
    started.wait(10)
    assert publish_later("table-v1|details", make, tmp_path) == url  # asked again while being made
    assert not (tmp_path / url.rsplit("/", 1)[1]).exists()
    release.set()
    wait_for_pending()
    assert gzip.decompress((tmp_path / url.rsplit("/", 1)[1]).read_bytes()) == b'{"ev": ["x"]}'
    assert calls == [1]
    assert publish_later("table-v1|details", make, tmp_path) == url and calls == [1]  # there: not made again
    assert publish_later("table-v2|details", make, tmp_path) != url  # another version, another file
    wait_for_pending()


def test_a_payload_that_fails_is_logged_and_tried_again(tmp_path, caplog) -> None:
    def broken() -> bytes:
        raise ValueError("no")

    url = publish_later("broken|details", broken, tmp_path)
    wait_for_pending()
    assert "could not be made" in caplog.text and not (tmp_path / url.rsplit("/", 1)[1]).exists()
    assert publish_later("broken|details", lambda: b"{}", tmp_path) == url
    wait_for_pending()
    assert (tmp_path / url.rsplit("/", 1)[1]).exists()
