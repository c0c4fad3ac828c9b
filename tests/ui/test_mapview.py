"""Rows -> map payload and map: local assets only, text as data, clicked point -> rows.

The payloads are read here as the map reads them: by its own JS (``dashboard/static/map/payload.js``,
run with node through ``tests/js/popup_contents.mjs``), so Python keeps no twin of the decoder.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from dashboard.aggregate import incidents_from_reports
from dashboard.schema import C
from dashboard.ui.assets import (
    CACHE_DIR, MAP_CODE_DIR, MAP_CODE_FILES, MAP_CODE_URL, VENDOR_URL, map_code_bundle,
)
from dashboard.ui.filters import FilterState, apply_filters
from dashboard.ui.mapview import (
    MAP_CODE_VERSION, build_map, map_details_json, map_points_json, row_positions, rows_at, safe_url,
)
from dashboard.files import labels_file
from dashboard.ui.payloads import CACHE_URL, prune, publish, publish_labels, publish_later, wait_for_pending
from dashboard.ui.summary import toll_text
from tests.ui.tables import IMG_EVIDENCE, SCRIPT_EVIDENCE, sample_reports

URL = "/app/static/cache/points.json"
DETAILS_URL = "/app/static/cache/details.json"
JS_TESTS = Path(__file__).resolve().parents[1] / "js"


def rendered(fmap) -> str:
    return fmap.get_root().render()


def _node(payloads: dict) -> object:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed (apt-get install nodejs npm)")
        pytest.skip("node is not installed")
    done = subprocess.run([node, str(JS_TESTS / "popup_contents.mjs")], input=json.dumps(payloads),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def popups(points: bytes, details: bytes, first: int = 0) -> list[dict]:
    """Each point's popup content as the map's JS reads the two payloads (see payload.js popupContent);
    ``first``: the table's row of the details' first row (a piece of the texts)."""
    return _node({"points": base64.b64encode(points).decode("ascii"), "details": json.loads(details), "first": first})


def decoded_points(points: bytes) -> dict:
    """The points file as the map's JS reads it (payload.js decodePoints): lists, and k None when left out."""
    return _node({"points": base64.b64encode(points).decode("ascii")})


def popups_of(rows, reports=None) -> list[dict]:
    return popups(map_points_json(rows), map_details_json(rows, reports))


def test_payload_has_one_entry_per_row_with_a_point() -> None:
    rows = sample_reports()
    points = decoded_points(map_points_json(rows))
    shown = popups_of(rows)
    assert len(points["lat"]) == len(points["lng"]) == len(points["t"]) == len(rows) == len(shown)
    assert [p["evidence"] for p in shown] == list(rows[C.evidence])  # article text travels unchanged, as data
    assert points["types"][points["t"][0]] == rows[C.event_type].iloc[0] == shown[0]["type"]
    assert [[s["name"] for s in p["sources"]] for p in shown] == [[name or "source"] for name in rows[C.source]]


def test_rows_without_a_point_are_left_off_the_map() -> None:
    rows = sample_reports()
    rows.loc[0, [C.latitude, C.longitude]] = float("nan")
    points = decoded_points(map_points_json(rows))
    assert len(points["lat"]) == len(rows) - 1 and points["k"] == list(range(1, len(rows)))
    assert [p["evidence"] for p in popups_of(rows)] == list(rows[C.evidence])[1:]  # each point finds its row


def test_a_filtered_view_points_into_the_details_of_the_whole_table() -> None:
    table = sample_reports()
    rows = apply_filters(table, FilterState(locations=("Hilltop", "Old Market")))
    positions = row_positions(table, rows)
    points = map_points_json(rows, positions)
    assert decoded_points(points)["k"] == list(positions) and list(positions) != list(range(len(rows)))
    shown = popups(points, map_details_json(table))  # the one details file serves every filter
    assert [p["evidence"] for p in shown] == list(rows[C.evidence])
    assert [p["sources"][0]["name"] for p in shown] == list(rows[C.source])
    assert [p["place"] for p in shown] == list(rows[C.location])


def test_row_positions_refuse_rows_of_another_table() -> None:
    table = sample_reports()
    with pytest.raises(ValueError):
        row_positions(table.head(2), table)


def test_the_points_file_carries_no_text_of_the_articles() -> None:
    rows = sample_reports()
    points = decoded_points(map_points_json(rows))
    assert set(points) == {"types", "colours", "lat", "lng", "t", "r", "k"} and points["k"] is None
    assert len(points["r"]) == len(rows) and min(points["r"]) >= 5.0
    assert not set(json.loads(map_details_json(rows))) & set(points)


def test_payload_texts_are_stored_once() -> None:
    raw = json.loads(map_details_json(sample_reports()))
    assert sorted(raw["sn"]["v"]) == sorted(set(sample_reports()[C.source]))
    assert len(raw["sn"]["c"]) == 7


def test_incident_popup_lists_each_source_with_its_own_figure() -> None:
    reports = sample_reports()
    incidents = incidents_from_reports(reports)
    details = json.loads(map_details_json(incidents, reports))
    assert details["so"][:3] == [0, 2, 3]  # the first incident's sources are entries 0 and 1
    assert (details["sl"][:2], details["sh"][:2]) == ([10, 13], [10, 19])
    shown = popups_of(incidents, reports)
    assert shown[0]["sources"] == [
        {"name": "Daily Example", "url": "https://daily.example/a1", "killed": "10"},
        {"name": "Evening Example", "url": "https://evening.example/b1", "killed": "13-19"},
    ]
    assert (shown[0]["killed"], shown[1]["killed"]) == ("10-19", "40+")


def test_an_incident_table_alone_lists_its_joined_sources_by_name() -> None:
    incidents = incidents_from_reports(sample_reports())
    first = popups_of(incidents)[0]["sources"]
    assert first == [{"name": "Daily Example", "url": "https://daily.example/a1", "killed": ""},
                     {"name": "Evening Example", "url": "https://evening.example/b1", "killed": ""}]


def test_javascript_urls_never_become_links() -> None:
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url(" https://a.example/x ") == "https://a.example/x"
    details = json.loads(map_details_json(sample_reports()))
    assert "javascript:alert(1)" in set(sample_reports()[C.source_url]) and "javascript:alert(1)" not in details["su"]["v"]
    assert all(s["url"].startswith("https://") or s["url"] == "" for p in popups_of(sample_reports()) for s in p["sources"])


def test_payload_links_are_the_http_ones_trimmed() -> None:
    rows = sample_reports().head(4).copy()
    rows[C.source_url] = [" https://a.example/x ", "javascript:alert(1)", "HTTP://b.example/y", "data:text/html,x"]
    assert json.loads(map_details_json(rows))["su"] == {"v": ["https://a.example/x", "", "HTTP://b.example/y", ""]}
    assert [p["sources"][0]["url"] for p in popups_of(rows)] == ["https://a.example/x", "", "HTTP://b.example/y", ""]


def test_template_syntax_in_article_text_is_not_evaluated() -> None:
    rows = sample_reports()
    rows.loc[0, C.evidence] = "{{ 7 * 7 }} and {% if true %}x{% endif %}"
    assert popups_of(rows)[0]["evidence"] == "{{ 7 * 7 }} and {% if true %}x{% endif %}"
    assert "7 * 7" not in rendered(build_map(rows, URL, DETAILS_URL))  # the text never passes through a template


def test_the_details_panel_and_the_popups_write_tolls_alike() -> None:
    """Python's toll_text against the cases the map's JS tollText is tested with (tests/js/tolls.test.mjs)."""
    cases = json.loads((JS_TESTS / "toll_texts.json").read_text(encoding="utf-8"))["cases"]
    assert len(cases) >= 5
    for low, high, text in cases:
        assert toll_text(low, high) == text, (low, high)


def test_map_html_loads_only_local_assets_and_no_article_text() -> None:
    html = rendered(build_map(sample_reports(), URL, DETAILS_URL, tiles="none"))
    assert SCRIPT_EVIDENCE not in html and IMG_EVIDENCE[:20] not in html
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []
    for asset in ("leaflet/dist/leaflet.js", "topojson-client/dist/topojson-client.min.js",
                  "world-atlas/countries-110m.json"):
        assert f"{VENDOR_URL}/{asset}" in html
    assert f'window.loadIncidents("{URL}", "{DETAILS_URL}", ' in html


def test_the_map_code_is_loaded_from_its_files_in_order_and_given_options_as_json() -> None:
    html = rendered(build_map(sample_reports(), URL, DETAILS_URL, tiles="none"))
    sources = re.findall(r'<script src="([^"]+)"', html)
    ours = [src for src in sources if src.startswith((CACHE_URL + "/", MAP_CODE_URL + "/"))]
    assert ours == [f"{CACHE_URL}/map-code-{MAP_CODE_VERSION}.js"]  # one script: one round trip, not seven
    assert sources.index(ours[0]) > sources.index(f"{VENDOR_URL}/leaflet/dist/leaflet.js")  # after Leaflet
    bundle = (CACHE_DIR / ours[0].rsplit("/", 1)[1]).read_text(encoding="utf-8")
    starts = [bundle.index((MAP_CODE_DIR / file).read_text(encoding="utf-8").rstrip()) for file in MAP_CODE_FILES]
    assert starts == sorted(starts)  # every file, whole, in loading order
    call = re.search(r"IncidentMap\.incidentLayer\((map_\w+), (\{.*\})\);", html)
    assert call is not None
    options = json.loads(call.group(2))
    assert options["outlineUrl"] == f"{VENDOR_URL}/world-atlas/countries-110m.json" and options["cellPx"] > 0
    assert options["offline"] is True  # no tiles: outline and place names from the first markers on
    with_tiles = rendered(build_map(sample_reports(), URL, DETAILS_URL))
    tiled = json.loads(re.search(r"IncidentMap\.incidentLayer\(map_\w+, (\{.*\})\);", with_tiles).group(1))
    # with tiles the outline waits for a tile that fails to load
    assert tiled["offline"] is False and tiled["outlineUrl"] == options["outlineUrl"]


def test_the_code_bundle_is_written_once_per_version_and_older_ones_removed(tmp_path) -> None:
    code = tmp_path / "code"
    code.mkdir()
    for k, file in enumerate(MAP_CODE_FILES):
        (code / file).write_text(f"(function () {{ globalThis.loaded = {k}; }})()\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = map_code_bundle("v1", cache, code)
    assert first == f"{CACHE_URL}/map-code-v1.js"
    text = (cache / "map-code-v1.js").read_text(encoding="utf-8")
    assert [text.index(f"loaded = {k};") for k in range(len(MAP_CODE_FILES))] == sorted(
        text.index(f"loaded = {k};") for k in range(len(MAP_CODE_FILES)))
    assert text.count("})()\n;") == len(MAP_CODE_FILES)  # each file's call ends before the next begins
    (code / MAP_CODE_FILES[0]).write_text("changed()\n", encoding="utf-8")
    assert map_code_bundle("v1", cache, code) == first and "changed" not in (cache / "map-code-v1.js").read_text()
    map_code_bundle("v2", cache, code)
    assert sorted(p.name for p in cache.iterdir()) == ["map-code-v2.js"]
    assert (cache / "map-code-v2.js").read_text(encoding="utf-8").startswith("// tolls.js\nchanged()")


def test_the_code_version_hashes_the_map_code(tmp_path, monkeypatch) -> None:
    import dashboard.ui.mapview as mapview

    for file in MAP_CODE_FILES:
        (tmp_path / file).write_bytes((MAP_CODE_DIR / file).read_bytes())
    monkeypatch.setattr(mapview, "MAP_CODE_DIR", tmp_path)
    assert mapview._code_version() == MAP_CODE_VERSION
    (tmp_path / "grid.js").write_bytes((tmp_path / "grid.js").read_bytes() + b"\n// changed\n")
    assert mapview._code_version() != MAP_CODE_VERSION


def test_tiles_setting_chooses_the_tile_layer() -> None:
    assert "tile.openstreetmap.org" in rendered(build_map(sample_reports(), URL, DETAILS_URL))
    local = rendered(build_map(sample_reports(), URL, DETAILS_URL, tiles="http://127.0.0.1:8080/{z}/{x}/{y}.png"))
    assert "127.0.0.1:8080" in local and "openstreetmap" not in local and '"offline": false' in local


def test_map_fits_the_rows() -> None:
    rows = apply_filters(sample_reports(), FilterState(locations=("Harbor City", "Hilltop")))
    assert f'window.loadIncidents("{URL}", "{DETAILS_URL}", [[10.0, 20.0], [12.0, 22.0]], null);' in rendered(build_map(rows, URL, DETAILS_URL))


def test_empty_rows_still_make_a_map() -> None:
    rows = sample_reports().iloc[0:0]
    assert decoded_points(map_points_json(rows))["lat"] == [] and popups_of(rows) == []
    assert f'window.loadIncidents("{URL}", "{DETAILS_URL}", null, null);' in rendered(build_map(rows, URL, DETAILS_URL))


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


LABELS_URL = "/app/static/cache/labels.json.gz"


def test_the_rows_hand_the_map_their_place_labels_or_null() -> None:
    html = rendered(build_map(sample_reports(), URL, DETAILS_URL, tiles="none", labels_url=LABELS_URL))
    assert re.search(r'window\.loadIncidents\("[^"]+", "[^"]+", \[\[[^\]]+\], \[[^\]]+\]\], "' + re.escape(LABELS_URL) + r'"\);',
                     html)
    assert re.search(r"window\.loadIncidents\([^;]*, null\);", rendered(build_map(sample_reports(), URL, DETAILS_URL)))


def _labels(names: list[str]) -> dict:
    return {"format": 1, "classes": ["capital", "large city", "city", "town", "village"], "name": names,
            "lat": [1.0] * len(names), "lng": [2.0] * len(names), "z": [7] * len(names), "c": [3] * len(names)}


def test_the_labels_file_beside_the_table_is_published_as_gzip(tmp_path) -> None:
    table = tmp_path / "reports.csv"
    assert labels_file(table) == tmp_path / "reports.labels.json"
    assert publish_labels(table, cache_dir=tmp_path / "cache") is None  # none written: the outline only
    data = json.dumps(_labels(["Town <b>one</b>", "Two"])).encode()
    labels_file(table).write_bytes(data)
    url = publish_labels(table, cache_dir=tmp_path / "cache")
    assert url is not None and url.startswith(CACHE_URL + "/")
    assert gzip.decompress((tmp_path / "cache" / url.rsplit("/", 1)[1]).read_bytes()) == data


@pytest.mark.parametrize("content", [
    b"not json", b"[]", json.dumps({**_labels(["A"]), "format": 99}).encode(),
    json.dumps({**_labels(["A", "B"]), "lat": [1.0]}).encode(),  # columns of different lengths
    json.dumps({key: value for key, value in _labels(["A"]).items() if key != "z"}).encode(),
])
def test_a_labels_file_that_is_not_ours_is_left_out_with_a_warning(tmp_path, caplog, content) -> None:
    table = tmp_path / "reports.csv"
    labels_file(table).write_bytes(content)
    assert publish_labels(table, cache_dir=tmp_path / "cache") is None
    assert "cannot be used" in caplog.text and not (tmp_path / "cache").exists()


def test_a_payload_removed_by_another_pruner_meanwhile_is_passed_over(tmp_path, monkeypatch) -> None:
    for k in range(3):
        publish(f"payload {k}".encode(), cache_dir=tmp_path)
    listed = sorted(tmp_path.glob("*.json.gz"))
    gone = tmp_path / ("0" * 32 + ".json.gz")  # listed, then removed before its look-up
    monkeypatch.setattr(Path, "glob", lambda self, pattern: iter([*listed, gone]))
    assert len(prune(tmp_path, keep=1)) == 2
