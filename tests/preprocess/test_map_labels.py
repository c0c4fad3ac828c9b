"""The labels file the build writes beside a table: which places the map names without tiles, from what zoom."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard.files import labels_file
from dashboard.preprocess.map_labels import (
    CITY_ZOOM, FORMAT, LARGE_CITY_ZOOM, TOWN_ZOOM, VILLAGE_ZOOM, label_outputs, labels_json,
)
from dashboard.preprocess.places.gazetteer import load_gazetteer
from dashboard.schema import C


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def place(gazetteer, name: str, country: str):
    return next(p for p in gazetteer.lookup(name) if p.country_code == country)


def table(points: list[tuple[str, float, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(points, columns=[C.location, C.latitude, C.longitude, C.geo_precision])


@pytest.fixture(scope="module")
def labels(gazetteer) -> dict:
    kirkuk = place(gazetteer, "Kirkuk", "IQ")
    rows = table([("Kirkuk", kirkuk.latitude, kirkuk.longitude, "town"),
                  ("Nowhere Farm", 35.9, 44.9, "place"),  # a geocoder's answer the gazetteer lacks
                  ("", None, None, "")])
    return json.loads(labels_json(rows, gazetteer))


def entry(labels: dict, name: str) -> dict | None:
    if name not in labels["name"]:
        return None
    i = labels["name"].index(name)
    return {key: labels[key][i] for key in ("name", "lat", "lng", "z", "c")}


def test_the_file_has_one_entry_per_label_in_columns(labels) -> None:
    assert labels["format"] == FORMAT
    assert len({len(labels[key]) for key in ("name", "lat", "lng", "z", "c")}) == 1
    assert len(labels["name"]) > 100


def test_places_near_the_rows_are_named_from_their_zoom(labels, gazetteer) -> None:
    assert entry(labels, "Kirkuk")["z"] == LARGE_CITY_ZOOM
    dibis = place(gazetteer, "Dibis", "IQ")  # a town 40 km away, not in the table
    assert entry(labels, dibis.name) == {"name": dibis.name, "lat": round(dibis.latitude, 4),
                                         "lng": round(dibis.longitude, 4), "z": TOWN_ZOOM, "c": 3}
    bashir = place(gazetteer, "Bashir", "IQ")  # a village of the curated file
    assert entry(labels, bashir.name)["z"] == VILLAGE_ZOOM


def test_far_places_only_when_capitals_or_large_cities(labels, gazetteer) -> None:
    assert entry(labels, "Paris")["c"] == 0 and entry(labels, "Paris")["z"] == 2  # a capital
    large = place(gazetteer, "Osaka", "JP")
    assert entry(labels, large.name)["c"] == 1
    small = place(gazetteer, "Lyon", "FR")  # half a million, far from the rows
    assert small.population < 1_000_000 and entry(labels, small.name) is None


def test_provinces_and_countries_are_left_to_the_outline(labels) -> None:
    assert entry(labels, "Iraq") is None and entry(labels, "France") is None


def test_a_place_the_table_names_is_named_at_town_zoom_before_other_towns(labels) -> None:
    own = entry(labels, "Nowhere Farm")
    assert own is not None and own["z"] == TOWN_ZOOM
    towns = [i for i, z in enumerate(labels["z"]) if z == TOWN_ZOOM]
    assert labels["name"][towns[0]] == "Nowhere Farm"


def test_labels_come_in_priority_order(labels) -> None:
    assert labels["z"] == sorted(labels["z"])
    cities = [name for name, z in zip(labels["name"], labels["z"]) if z == CITY_ZOOM]
    assert cities  # cities of 100,000 around the rows


def test_the_file_stays_small_and_spread_rows_do_not_take_in_the_land_between(gazetteer) -> None:
    near = labels_json(table([("A", 35.0, 44.0, "town")]), gazetteer)
    apart = labels_json(table([("A", 35.0, 44.0, "town"), ("B", 35.0, 84.0, "town")]), gazetteer)
    assert len(near) < 100_000
    middle = [lng for lng in json.loads(apart)["lng"] if 50 < lng < 78]
    between = json.loads(labels_json(table([]), gazetteer))  # the capitals and large cities only
    assert len(middle) == len([lng for lng in between["lng"] if 50 < lng < 78])


def test_the_labels_go_beside_each_table(gazetteer, tmp_path: Path) -> None:
    outputs = label_outputs(table([]), gazetteer, [tmp_path / "reports.csv", tmp_path / "incidents.parquet"])
    assert [path for path, _ in outputs] == [tmp_path / "reports.labels.json", tmp_path / "incidents.labels.json"]
    assert labels_file(tmp_path / "reports.csv") == outputs[0][0]


def test_labels_do_not_depend_on_how_often_or_in_what_order_rows_repeat_a_place(gazetteer) -> None:
    kirkuk = place(gazetteer, "Kirkuk", "IQ")
    once = table([("Kirkuk", kirkuk.latitude, kirkuk.longitude, "town"), ("Nowhere Farm", 35.9, 44.9, "place"),
                  ("Far Farm", -12.34565, 20.00005, "place"), ("", None, None, "")])
    again = pd.concat([once, once.iloc[::-1], once]).reset_index(drop=True)
    assert labels_json(again, gazetteer) == labels_json(once, gazetteer)
    assert b"Far Farm" in labels_json(again, gazetteer)
