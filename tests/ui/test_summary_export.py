"""Summary figures, toll text and the exports (exact text, as datasette's CSV tests)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from dashboard.schema import C, read_table
from dashboard.ui.export import csv_bytes, geojson_bytes
from dashboard.ui.filters import FilterState, apply_filters
from dashboard.ui.summary import rows_without_point, summarise, timeline, toll_text
from tests.ui.tables import FORMULA_EVIDENCE, report, sample_reports


@pytest.mark.parametrize(("low", "high", "text"), [
    (40, None, "40+"), (10, 10, "10"), (13, 19, "13-19"), (None, 5, "up to 5"), (None, None, ""), (0, 0, "0"),
])
def test_toll_text(low, high, text) -> None:
    assert toll_text(low, high) == text


def test_summary_counts_and_ranges() -> None:
    rows = apply_filters(sample_reports(), FilterState())
    summary = summarise(rows)
    assert (summary.incidents, summary.places, summary.sources) == (5, 5, 3)
    assert summary.killed == (10 + 13 + 40 + 3, None)  # "40+" leaves the total open
    assert summary.killed_text == "66+"
    assert summary.injured_text == "5"


def test_timeline_counts_incidents_per_day_and_type() -> None:
    days = timeline(sample_reports())
    first = days[days["day"] == pd.Timestamp("2024-03-01")]
    assert first[[C.event_type, "count"]].values.tolist() == [["armed attack", 1]]  # two reports, one incident
    assert int(days["count"].sum()) == 6


def test_csv_is_exactly_the_rows_and_neutralises_formulas(tmp_path) -> None:
    rows = apply_filters(sample_reports(), FilterState(event_types=("air or missile strike",)))
    data = csv_bytes(rows)
    text = data.decode("utf-8")
    assert text.count("\n") == 2  # header and one row
    assert "'" + FORMULA_EVIDENCE.replace('"', '""') in text
    assert ",'-Sky Wing," in text and ",'@Wire Example," in text
    assert ",3,3," in text  # numbers unchanged
    path = tmp_path / "out.csv"
    path.write_bytes(data)
    back = read_table(path)
    assert list(back[C.incident_id]) == ["inc-hill"]


def test_geojson_has_one_feature_per_row_with_lng_lat_order() -> None:
    rows = apply_filters(sample_reports(), FilterState(locations=("Riverbend",)))
    collection = json.loads(geojson_bytes(rows))
    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [20.6, 10.5]}
    assert feature["properties"][C.injured_min] == 5 and feature["properties"][C.killed_min] is None
    assert feature["properties"][C.date] == "2024-03-03"


def test_geojson_row_without_point_has_null_geometry() -> None:
    rows = sample_reports().head(1).assign(**{C.latitude: float("nan"), C.longitude: float("nan")})
    [feature] = json.loads(geojson_bytes(rows))["features"]
    assert feature["geometry"] is None
    assert json.loads(io.BytesIO(geojson_bytes(rows.iloc[0:0])).read())["features"] == []


def test_an_incident_without_a_place_is_counted_but_names_no_place() -> None:
    from dashboard.schema import to_frame
    rows = to_frame([report(incident_id="a", location="Harbor City", mention="Harbor City", latitude=1.0,
                            longitude=2.0, killed_min=3, killed_max=3, evidence="x"),
                     report(incident_id="b", killed_min=7, killed_max=7, evidence="y")])
    summary = summarise(rows)
    assert (summary.incidents, summary.places, summary.killed) == (2, 1, (10, 10))
    assert rows_without_point(rows) == 1
