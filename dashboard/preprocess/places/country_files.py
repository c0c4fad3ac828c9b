"""GeoNames country files (``CC.txt`` of download.geonames.org/export/dump) added to the embedded index.

In: country-dump files (UTF-8, no header, 19 tab-separated columns, no quoting), optionally a
Who's On First concordance ``wof_concordance.tsv`` beside them (country_code, wof_id, geonameid,
...), and the world index of :mod:`~dashboard.preprocess.places.world_index`.
Out, in ``<cache>/gazetteer/`` (``cache`` is the setting, ``DASHBOARD_CACHE``):

- ``CC.marshal``: the file's places, parsed and checked (the source file is no longer needed);
- ``imported.json``: what is loaded, from which file, how many places;
- ``index-<world>-<digest>.marshal``: the world index with every imported country's places merged
  in, in the world index's own compact format; builds load it instead of the world index.

Every feature class is read: populated places (P) become cities, towns, villages or
neighbourhoods; admin areas (A: ADM1 -> admin1, ADM2 ... ADM5 -> admin2, both of "region"
precision, with their admin codes), spots (S: air bases, airports, camps, other sites), terrain
(T, H, V, U) and areas (L). A place that is already known merges into the known row instead of
being added again: the same GeoNames id (or, for a WOF row, the GeoNames id the concordance gives),
or the same folded name within :data:`MERGE_KM` (admin areas: same country, level and name within
:data:`ADMIN_MERGE_KM`). Its spellings, population and admin codes join the known row. Admin
areas carry no population (as the embedded ones): their people are their towns', and a district
must not outweigh the town it is named after.

A bad file (wrong column count, bad coordinates or id, not UTF-8) stops everything with one line
naming the file and line; all files are read before anything is written, and every file is
written to a temporary name and renamed, so nothing half-imported stays.
"""

from __future__ import annotations

import hashlib
import io
import json
import marshal
import math
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from dashboard import settings as settings_module
from dashboard.errors import GazetteerError
from dashboard.files import atomic_write_bytes
from dashboard.preprocess.places import world_index
from dashboard.preprocess.places.placenames import fold_name
from dashboard.preprocess.places.world_index import KIND_CODES, IndexBuilder, WorldIndex

FOLDER = "gazetteer"
MANIFEST = "imported.json"
CONCORDANCE = "wof_concordance.tsv"
COLUMNS = 19
#: Places of one group with the same folded name at most this far apart are one place.
MERGE_KM = 5.0
#: Admin areas: their points (label point, median of towns) may lie further apart.
ADMIN_MERGE_KM = 150.0
#: Populated places of this many people or more, or capitals (PPLA, PPLC), are "city"; of 1,000 or more "town".
CITY_POPULATION = 15000
_PART_FORMAT = 1
#: Bump when the merging rules change: combined indexes are then derived again from the parts.
_COMBINE_FORMAT = 4

_CC = re.compile(r"^[A-Z]{2}$")
_GROUPS = {"city": "populated", "town": "populated", "village": "populated", "neighbourhood": "populated",
           "site": "site", "camp": "site", "terrain": "terrain", "region": "region", "admin1": "admin1",
           "admin2": "admin2", "country": "country"}
_ADMIN = frozenset({"admin1", "admin2"})


def kind_of(feature_class: str, feature_code: str, population: int) -> str:
    """The index kind of a GeoNames feature class and code."""
    if feature_class == "A":
        if feature_code.startswith("PCL"):
            return "country"
        if feature_code.startswith("ADM1"):
            return "admin1"
        return "admin2" if feature_code.startswith(("ADM", "ADMD")) else "region"
    if feature_class == "P":
        if feature_code == "PPLX":
            return "neighbourhood"
        if feature_code in ("PPLC", "PPLG", "PPLA") or population >= CITY_POPULATION:
            return "city"
        return "town" if population >= 1000 or feature_code.startswith("PPLA") else "village"
    if feature_class == "S":
        return "camp" if feature_code.startswith("CMP") else "site"
    if feature_class == "L":
        return "region" if feature_code in ("AREA", "RGN", "RGNE", "RGNH", "RGNL", "ZN", "ZNB") else "site"
    if feature_class == "R":
        return "site"
    return "terrain"  # T, H, U, V: mountains, wadis, valleys, forests


@dataclass(slots=True)
class Imported:
    """One imported file, as ``gazetteer list`` shows it."""

    country_code: str
    source: str  # the file it came from
    places: int  # rows read
    added: int  # new rows in the index
    merged: int  # rows that were already known (merged into that row)
    imported: str  # UTC time of the import


# -- where things are -------------------------------------------------------------------------

def folder_of(cache: str | Path | None = None) -> Path:
    """``<cache>/gazetteer``, ``cache`` defaulting to the ``cache`` setting (``DASHBOARD_CACHE``)."""
    if cache is None:
        cache = settings_module.resolve().cache
    return Path(cache) / FOLDER


def stamp(folder: Path) -> str | None:
    """A token that changes with every import or removal; None when nothing is imported."""
    try:
        return (folder / MANIFEST).read_text(encoding="utf-8")
    except OSError:
        return None


def list_imported(cache: str | Path | None = None) -> list[Imported]:
    text = stamp(folder_of(cache))
    if not text:
        return []
    try:
        return [Imported(**entry) for entry in json.loads(text)]
    except (ValueError, TypeError) as err:
        raise GazetteerError(f"{folder_of(cache) / MANIFEST} is damaged ({err}): remove the folder and add the files again") from err


# -- reading a country file ------------------------------------------------------------------

def _country_of(path: Path, codes: dict[str, int]) -> str:
    stem = path.name.split(".")[0].upper()
    if _CC.match(stem):
        return stem
    if not codes:
        raise GazetteerError(f"{path}: no places in the file")
    return max(codes, key=codes.get)


def read_concordance(path: Path) -> dict[int, int]:
    """``wof_concordance.tsv``: WOF id -> GeoNames id (rows without a GeoNames id are left out)."""
    found: dict[int, int] = {}
    try:
        with path.open(encoding="utf-8") as stream:
            header = stream.readline().rstrip("\r\n").split("\t")
            if "wof_id" not in header or "geonameid" not in header:
                raise GazetteerError(f"{path} line 1: the columns wof_id and geonameid are missing")
            wof, gid = header.index("wof_id"), header.index("geonameid")
            for number, line in enumerate(stream, start=2):
                fields = line.rstrip("\r\n").split("\t")
                try:
                    if len(fields) > max(wof, gid) and fields[gid].strip():
                        found[int(fields[wof])] = int(fields[gid])
                except ValueError as err:
                    raise GazetteerError(f"{path} line {number}: {err}") from err
    except (OSError, UnicodeDecodeError) as err:
        raise GazetteerError(f"cannot read the concordance {path}: {err}") from err
    return found


def _checked(fields: list[str], where: str) -> tuple[int, str, float, float, int]:
    """One line's id, name, point and population; GazetteerError naming ``where`` when unusable."""
    if len(fields) != COLUMNS:
        raise GazetteerError(f"{where}: {len(fields)} tab-separated columns, a GeoNames country file has {COLUMNS}")
    try:
        gid = int(fields[0])
    except ValueError:
        raise GazetteerError(f"{where}: geonameid {fields[0]!r} is not a number") from None
    try:
        lat, lon = float(fields[4]), float(fields[5])
    except ValueError:
        raise GazetteerError(f"{where}: coordinates {fields[4]!r}, {fields[5]!r} are not numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        raise GazetteerError(f"{where}: coordinates {lat}, {lon} are out of range")
    try:
        population = int(fields[14] or 0)
    except ValueError:
        raise GazetteerError(f"{where}: population {fields[14]!r} is not a number") from None
    name = fields[1].strip()
    if not name:
        raise GazetteerError(f"{where}: the place has no name")
    return gid, name, lat, lon, population


def read_country_file(path: Path) -> tuple[str, dict[str, list]]:
    """The file's country code and its places as columns; a bad line raises GazetteerError
    naming the file and the line."""
    path = Path(path)
    columns: dict[str, list] = {name: [] for name in (
        "geonameid", "name", "spellings", "latitude", "longitude", "kind", "country_code", "admin1_code",
        "population", "concordance")}
    concordance = read_concordance(path.parent / CONCORDANCE) if (path.parent / CONCORDANCE).is_file() else {}
    codes: dict[str, int] = {}
    seen: set[int] = set()
    try:
        stream = path.open("rb")
    except OSError as err:
        raise GazetteerError(f"cannot read {path}: {err.strerror or err}") from err
    with stream:
        for number, raw in enumerate(stream, start=1):
            where = f"{path} line {number}"
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as err:
                raise GazetteerError(f"{where}: not UTF-8 (byte {err.start + 1})") from err
            if not line.strip():
                continue
            fields = line.split("\t")  # no quoting: a double quote is part of the name
            gid, name, lat, lon, population = _checked(fields, where)
            if gid in seen:
                continue  # the same row twice: the first stands
            seen.add(gid)
            cc = fields[8].strip().upper()
            codes[cc] = codes.get(cc, 0) + 1
            spellings = [s for s in {fields[2].strip(), *fields[3].split(",")} - {name, ""}
                         if world_index.usable_alternate(s.strip())]
            columns["geonameid"].append(gid)
            columns["name"].append(name)
            columns["spellings"].append([s.strip() for s in sorted(spellings)])
            columns["latitude"].append(lat)
            columns["longitude"].append(lon)
            columns["kind"].append(kind_of(fields[6].strip(), fields[7].strip(), population))
            columns["country_code"].append(cc)
            columns["admin1_code"].append(fields[10].strip())
            columns["population"].append(population)
            columns["concordance"].append(concordance.get(gid, 0))
    if not columns["name"]:
        raise GazetteerError(f"{path}: no places in the file")
    return _country_of(path, codes), columns


# -- the combined index ----------------------------------------------------------------------

def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlon = abs(lon1 - lon2)
    dlon = min(dlon, 360.0 - dlon) * math.cos(math.radians((lat1 + lat2) / 2))
    return 111.195 * math.hypot(lat1 - lat2, dlon)


def combine(world: WorldIndex, parts: Iterable[tuple[str, dict[str, list]]]) -> tuple[WorldIndex, dict[str, tuple[int, int]]]:
    """The world index with the parts' places merged in; per country (added, merged)."""
    merger = _Merger(world)
    counts: dict[str, tuple[int, int]] = {}
    for cc, part in parts:
        added = merged = 0
        for i in range(len(part["geonameid"])):
            if merger.take(cc, {column: values[i] for column, values in part.items()}):
                merged += 1
            else:
                added += 1
        counts[cc] = (added, merged)
    return merger.finish(), counts


#: Kinds whose small places (under SEAT_POPULATION people) are not indexed under a country's name.
_MINOR = frozenset({"village", "neighbourhood", "site", "camp", "terrain"})


class _Merger:
    """Places of country files merged one by one into a copy of the world index."""

    def __init__(self, world: WorldIndex) -> None:
        self.index = index = IndexBuilder.from_index(world)
        self.by_id: dict[int, int] = {gid: row for row, gid in enumerate(index.geonameid)}
        self.by_id.update(index.extra_ids)
        self.kinds = [KIND_CODES[k] for k in index.kind]
        # Admin areas by (country, kind, folded spelling): their bare names may not be indexed.
        self.admin_keys: dict[tuple[str, str, str], list[int]] = {}
        for key, rows in index.names.items():
            for row in rows:
                if self.kinds[row] in _ADMIN:
                    self.admin_keys.setdefault((index.country_code[row], self.kinds[row], key), []).append(row)
        self.from_world = len(index)
        # A country's name is the country's: a hamlet or site spelled so ("Kenia" in Congo) is not
        # indexed under it (villages, neighbourhoods, sites and terrain of under SEAT_POPULATION people).
        self.country_keys = {fold_name(name) for name in index.country_names.values()}
        self.pending_admin: list[tuple[int, str, list[str], str]] = []

    def take(self, cc: str, place: dict) -> bool:
        """Merge one place of country ``cc``'s file; True when it was already known (merged)."""
        gid, name, kind, spellings = place["geonameid"], place["name"], place["kind"], place["spellings"]
        lat, lon, pcc = place["latitude"], place["longitude"], place["country_code"] or cc
        key = fold_name(name)
        target = self.by_id.get(gid)
        if target is None and place["concordance"]:
            target = self.by_id.get(place["concordance"])
        if target is None:
            keys = [key, *map(fold_name, spellings)] if kind in _ADMIN else []
            target = self._same_place(key, kind, pcc, lat, lon, keys)
        if target is not None:
            self._merge(target, gid, place)
            return True
        self._add(gid, place, pcc, key)
        return False

    def _same_place(self, key: str, kind: str, cc: str, lat: float, lon: float, keys: list[str]) -> int | None:
        index = self.index
        if kind in _ADMIN:
            for other in keys:
                for row in self.admin_keys.get((cc, kind, other), ()):
                    if _km(lat, lon, index.latitude[row], index.longitude[row]) <= ADMIN_MERGE_KM:
                        return row
            return None
        if kind == "country":
            return index.country_rows.get(cc)
        group = _GROUPS[kind]
        for row in index.names.get(key, ()):
            if (_GROUPS[self.kinds[row]] == group and index.country_code[row] == cc
                    and _km(lat, lon, index.latitude[row], index.longitude[row]) <= MERGE_KM):
                return row
        return None

    def _merge(self, target: int, gid: int, place: dict) -> None:
        index, kind = self.index, self.kinds[target]
        name, spellings, admin1 = place["name"], place["spellings"], place["admin1_code"]
        self.by_id[gid] = target
        if index.geonameid[target] != gid:
            index.extra_ids[gid] = target
        if kind == "country":
            return  # a country keeps its own names (WOF lists odd ones)
        if kind not in _ADMIN:  # an area's people are its towns': it never outweighs them
            index.population[target] = max(index.population[target], place["population"])
        if not index.admin1_code[target] and admin1:
            index.admin1_code[target] = admin1
        if kind in _ADMIN:
            if target < self.from_world:  # a derived median point gives way to the file's own
                index.latitude[target], index.longitude[target] = round(place["latitude"], 5), round(place["longitude"], 5)
            self.pending_admin.append((target, name, spellings, kind))
        elif kind in _MINOR and index.population[target] < world_index.SEAT_POPULATION:
            index.spell(target, [sp for sp in [name, *spellings] if fold_name(sp) not in self.country_keys])
        else:
            index.spell(target, [name, *spellings])

    def _add(self, gid: int, place: dict, pcc: str, key: str) -> None:
        index, kind = self.index, place["kind"]
        name, spellings, admin1, population = place["name"], place["spellings"], place["admin1_code"], place["population"]
        lat, lon = place["latitude"], place["longitude"]
        if kind in _ADMIN:
            row = index.add(gid, name, lat, lon, pcc, admin1, 0, kind, own_name=False)
            self.pending_admin.append((row, name, spellings, kind))
            for other in {key, *map(fold_name, spellings)}:
                self.admin_keys.setdefault((pcc, kind, other), []).append(row)
        elif kind in _MINOR and population < world_index.SEAT_POPULATION:
            keep = [sp for sp in spellings if fold_name(sp) not in self.country_keys]
            row = index.add(gid, name, lat, lon, pcc, admin1, population, kind, keep,
                            own_name=key not in self.country_keys)
        else:
            row = index.add(gid, name, lat, lon, pcc, admin1, population, kind, spellings)
        self.kinds.append(kind)
        self.by_id[gid] = row

    def finish(self) -> WorldIndex:
        taken = world_index.seat_test(self.index)
        for row, name, spellings, kind in self.pending_admin:
            cc = self.index.country_code[row]
            self.index.spell(row, world_index.admin_spellings(name, spellings, kind, "",
                                                             lambda key, cc=cc: taken(cc, key)))
        world_index.place_areas_at_seats(self.index)  # the files' towns and areas too
        return self.index.finish()


def _part_path(folder: Path, cc: str) -> Path:
    return folder / f"{cc}.marshal"


def _read_part(folder: Path, cc: str) -> dict[str, list]:
    try:
        data = marshal.loads(_part_path(folder, cc).read_bytes())
        if data.get("format") != _PART_FORMAT:
            raise ValueError("an older format")
        return data["columns"]
    except (OSError, ValueError, EOFError, TypeError, KeyError) as err:
        raise GazetteerError(f"the imported places of {cc} cannot be read ({err}): add its file again") from err


def index_path(folder: Path, world_cache_dir: Path, manifest_text: str) -> Path:
    digest = hashlib.sha1(manifest_text.encode("utf-8")).hexdigest()[:12]
    return folder / f"index-{world_index.cache_file(world_cache_dir).stem}-c{_COMBINE_FORMAT}-{digest}.marshal"


def load_index(folder: Path, world_cache_dir: Path) -> WorldIndex:
    """The combined index of ``folder`` (derived again from the parts when missing or stale)."""
    text = stamp(folder)
    if not text:
        return world_index.load_world(world_cache_dir)
    path = index_path(folder, world_cache_dir, text)
    if path.exists():
        try:
            return world_index.read_index(path)
        except (ValueError, EOFError, TypeError, KeyError, OSError):
            pass
    return _write_index(folder, world_cache_dir, text)[0]


def _write_index(folder: Path, world_cache_dir: Path, text: str) -> tuple[WorldIndex, dict[str, tuple[int, int]]]:
    entries = json.loads(text)
    world = world_index.load_world(world_cache_dir)
    index, counts = combine(world, ((e["country_code"], _read_part(folder, e["country_code"])) for e in entries))
    path = index_path(folder, world_cache_dir, text)
    world_index.write_index(path, index)
    for old in folder.glob("index-*.marshal"):
        if old != path:
            old.unlink(missing_ok=True)
    return index, counts


def _commit(folder: Path, world_cache_dir: Path, entries: list[Imported]) -> list[Imported]:
    """Write the combined index for ``entries`` (with their counts), then the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = sorted(entries, key=lambda e: e.country_code)
    draft = json.dumps([asdict(e) for e in entries], indent=1)
    _, counts = _write_index(folder, world_cache_dir, draft)
    for entry in entries:
        entry.added, entry.merged = counts.get(entry.country_code, (entry.added, entry.merged))
    text = json.dumps([asdict(e) for e in entries], indent=1)
    if text != draft:  # the counts changed the manifest: keep the index under its final name
        old = index_path(folder, world_cache_dir, draft)
        os.replace(old, index_path(folder, world_cache_dir, text))
    atomic_write_bytes(folder / MANIFEST, text.encode("utf-8"))
    return entries


# -- the commands ----------------------------------------------------------------------------

def add_files(paths: Iterable[Path], cache: str | Path | None, world_cache_dir: Path,
              sources: dict[str, str] | None = None) -> list[Imported]:
    """Import country files: every file is read and checked before anything is written.
    ``sources`` names where a country's file came from (a URL) when not the path itself."""
    folder = folder_of(cache)
    parsed: dict[str, tuple[Path, dict[str, list]]] = {}
    for path in paths:
        cc, columns = read_country_file(Path(path))
        if cc in parsed:
            raise GazetteerError(f"{path}: country {cc} is given twice ({parsed[cc][0]})")
        parsed[cc] = (Path(path), columns)
    if not parsed:
        raise GazetteerError("no country file given")
    keep = {e.country_code: e for e in list_imported(cache)}
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    folder.mkdir(parents=True, exist_ok=True)
    for cc, (path, columns) in parsed.items():
        atomic_write_bytes(_part_path(folder, cc), marshal.dumps({"format": _PART_FORMAT, "columns": columns}))
        source = (sources or {}).get(cc) or str(Path(path).resolve())
        keep[cc] = Imported(cc, source, len(columns["name"]), 0, 0, now)
    parsed_codes = set(parsed)
    parsed.clear()  # the parts are read back one by one: keep the peak memory down
    entries = _commit(folder, world_cache_dir, list(keep.values()))
    return [e for e in entries if e.country_code in parsed_codes]


def remove_countries(codes: Iterable[str], cache: str | Path | None, world_cache_dir: Path) -> list[str]:
    folder = folder_of(cache)
    entries = {e.country_code: e for e in list_imported(cache)}
    wanted = [c.strip().upper() for c in codes]
    unknown = [c for c in wanted if c not in entries]
    if unknown:
        raise GazetteerError(f"not imported: {', '.join(unknown)} (see 'gazetteer list')")
    for cc in wanted:
        del entries[cc]
    if entries:
        _commit(folder, world_cache_dir, list(entries.values()))
    else:
        (folder / MANIFEST).unlink(missing_ok=True)
        for old in folder.glob("index-*.marshal"):
            old.unlink(missing_ok=True)
    for cc in wanted:
        _part_path(folder, cc).unlink(missing_ok=True)
    return wanted


def download(codes: Iterable[str], base_url: str, into: Path, timeout: float = 60.0) -> list[Path]:
    """Fetch ``<base_url>/CC.zip`` for each code and unpack its ``CC.txt`` into ``into``."""
    found = []
    for code in codes:
        cc = code.strip().upper()
        if not _CC.match(cc):
            raise GazetteerError(f"{code!r} is not a two-letter country code")
        url = f"{base_url.rstrip('/')}/{cc}.zip"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as answer:
                payload = answer.read()
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise GazetteerError(f"cannot download {url}: {getattr(err, 'reason', None) or err}") from err
        try:
            with zipfile.ZipFile(io.BytesIO(payload)) as archive:
                member = next((n for n in archive.namelist() if n.rsplit("/", 1)[-1].upper() == f"{cc}.TXT"), None)
                if member is None:
                    raise GazetteerError(f"{url}: the archive holds no {cc}.txt")
                target = into / f"{cc}.txt"
                with archive.open(member) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
        except zipfile.BadZipFile as err:
            raise GazetteerError(f"{url}: not a zip archive ({err})") from err
        found.append(target)
    return found


def download_and_add(codes: Iterable[str], base_url: str, cache: str | Path | None, world_cache_dir: Path,
                     timeout: float = 60.0) -> list[Imported]:
    with tempfile.TemporaryDirectory(prefix="gazetteer-") as temporary:
        files = download(codes, base_url, Path(temporary), timeout)
        sources = {path.stem.upper(): f"{base_url.rstrip('/')}/{path.stem.upper()}.zip" for path in files}
        return add_files(files, cache, world_cache_dir, sources)
