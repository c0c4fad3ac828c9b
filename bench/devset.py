"""Shared loading for the dev-set benchmarks (devset_truth.py, devset_tolls.py): coded items -> our rows.

Reads the three coded sets of ``../shared/devset`` (never copied into the repository) into one
:class:`Item` record each: its texts, the date they were published, and the coder's answer (point,
precision, killed and injured figures). :func:`build_set` then builds one set the way a user would
build a folder of articles: every text is written as one article file in a temporary folder, its
date goes into a manifest's ``published`` column, and the project's own ``run_build`` (the function
``python -m dashboard build`` calls) reads, extracts and reconciles them offline (``geocoder=none``),
writing the report table, which is read back. The gazetteer is loaded once per process.

The texts of an item:
- ACLED: the coder's ``notes``, published on ``event_date`` (``YYYYMMDD``, ``DD Month YYYY`` or
  ``YYYY-MM-DD``).
- GTD: the ``summary``, published on ``iyear``-``imonth``-``iday`` (a 0 month or day taken as 1).
- UCDP: each distinct headline of ``source_headline`` (several reports joined by ';'; a part in lower
  case continues the one before) is its own article published on ``source_date``; the reports of
  one item are reconciled like any others.

Scoring is per item, over the item's own rows: reconciliation may join reports of two items (the
same place and day), but no other item's rows ever count for an item (:meth:`Built.incidents_of`
summarises only the item's reports).

``--mode files``: every file of ``../shared/gazetteer`` is first imported with
``python -m dashboard gazetteer add FILE...`` into a temporary cache folder (the ``cache``
setting, ``DASHBOARD_CACHE``), which the build then uses. :func:`prepare_mode` says when that
command does not exist yet.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Only the pipeline module, the schema and the incidents table's maker: the stages' modules may move.
from dashboard.aggregate import incidents_from_reports  # noqa: E402
from dashboard.preprocess import pipeline  # noqa: E402
from dashboard.schema import C, read_table  # noqa: E402



def _shared() -> Path:
    """``../shared`` of the repository; from a worktree nested deeper, the nearest ``shared`` above it."""
    for folder in ROOT.parents:
        if (folder / "shared" / "devset").is_dir():
            return folder / "shared"
    return ROOT.parent / "shared"


SHARED = _shared()
DEVSET = SHARED / "devset"
GAZETTEER_FILES = SHARED / "gazetteer"
OUT = ROOT / "bench" / "out"
SETS = ("acled", "gtd", "ucdp")
MODES = ("default", "files")
MENTION = "mention"
SPOT_PRECISIONS = frozenset({"place", "town"})
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Item:
    """One coded event: its texts and the coder's answer."""

    id: str  # "acled-0001": set + row number in its file (1-based)
    set: str
    country: str
    texts: tuple[str, ...]
    published: dt.date | None
    place: str  # the coder's place, "town / district / province"
    latitude: float | None
    longitude: float | None
    precision: int | None  # ACLED geo_precision, GTD specificity, UCDP where_prec
    killed: int | None  # ACLED fatalities, GTD nkill, UCDP best
    killed_low: int | None = None  # UCDP low / high
    killed_high: int | None = None
    injured: int | None = None  # GTD nwound (None for NA)
    place_names: tuple[str, ...] = ()  # the coder's town and district names (UCDP), for "names no place"

    @property
    def point(self) -> tuple[float, float] | None:
        return None if self.latitude is None or self.longitude is None else (self.latitude, self.longitude)

    def text(self) -> str:
        return "\n".join(self.texts)


@dataclass
class Built:
    """Our report rows of one set, by item."""

    items: list[Item]
    rows: dict[str, list[dict]] = field(default_factory=dict)  # item id -> report rows (dicts)
    frame: pd.DataFrame | None = None
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    #: item id -> km from the coder's point to the nearest place named in its text (see nearest_named_km)
    nearest_named: dict[str, float | None] = field(default_factory=dict)

    def rows_of(self, item: Item) -> list[dict]:
        return self.rows.get(item.id, [])

    incidents: dict[str, list[dict]] = field(default_factory=dict)  # item id -> its incidents

    def incidents_of(self, item: Item) -> list[dict]:
        """The item's incidents: its reports summarised per incident_id as the incident table does."""
        if not self.incidents and self.frame is not None and len(self.frame):
            # One incident table for the set, each item's reports apart (its id in front of incident_id).
            frame = self.frame.copy()
            frame[C.incident_id] = frame["_item"] + "|" + frame[C.incident_id]
            table = incidents_from_reports(frame.drop(columns="_item"))
            for record in table.to_dict("records"):
                self.incidents.setdefault(record[C.incident_id].split("|", 1)[0], []).append(record)
        return self.incidents.get(item.id, [])


# --- reading the coded sets ---------------------------------------------------------------------


def _int(text: str) -> int | None:
    text = (text or "").strip()
    if not text or text.upper() == "NA":
        return None
    return int(float(text))


def _float(text: str) -> float | None:
    text = (text or "").strip()
    if not text or text.upper() == "NA":
        return None
    return float(text)


def acled_date(text: str) -> dt.date | None:
    """ACLED's event_date in the formats of its exports: 20201230, 30 December 2020, 2024-12-30."""
    text = text.strip()
    for fmt in ("%Y%m%d", "%d %B %Y", "%Y-%m-%d", "%d-%b-%y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def read_acled(devset: Path) -> list[Item]:
    items = []
    for number, row in enumerate(_rows(devset / "acled_dev_rows.csv"), start=1):
        items.append(Item(
            id=f"acled-{number:04d}", set="acled", country=row["country"], texts=(row["notes"].strip(),),
            published=acled_date(row["event_date"]),
            place=" / ".join(v for v in (row["location"], row["admin2"], row["admin1"]) if v and v != "NA"),
            latitude=_float(row["latitude"]), longitude=_float(row["longitude"]),
            precision=_int(row["geo_precision"]), killed=_int(row["fatalities"]),
        ))
    return items


def read_gtd(devset: Path) -> list[Item]:
    items = []
    for number, row in enumerate(_rows(devset / "gtd_dev_rows.csv"), start=1):
        year, month, day = int(row["iyear"]), _int(row["imonth"]) or 1, _int(row["iday"]) or 1
        items.append(Item(
            id=f"gtd-{number:04d}", set="gtd", country=row["country_txt"], texts=(row["summary"].strip(),),
            published=dt.date(year, month, day),
            place=" / ".join(v for v in (row["city"], row["provstate"]) if v and v not in ("NA", "Unknown")),
            latitude=_float(row["latitude"]), longitude=_float(row["longitude"]),
            precision=_int(row["specificity"]), killed=_int(row["nkill"]), injured=_int(row["nwound"]),
        ))
    return items


def read_ucdp(devset: Path) -> list[Item]:
    items = []
    for number, row in enumerate(_rows(devset / "ucdp_iraq_dev.csv"), start=1):
        headlines = tuple(dict.fromkeys(ucdp_headlines(row["source_headline"])))
        published = row["source_date"][:10] or row["date_start"][:10]
        items.append(Item(
            id=f"ucdp-{number:04d}", set="ucdp", country="Iraq", texts=headlines,
            published=dt.date.fromisoformat(published) if published else None,
            place=" / ".join(v for v in (row["where_coordinates"], row["adm_2"], row["adm_1"]) if v),
            latitude=_float(row["latitude"]), longitude=_float(row["longitude"]),
            precision=_int(row["where_prec"]), killed=_int(row["best"]),
            killed_low=_int(row["low"]), killed_high=_int(row["high"]),
            place_names=tuple(v for v in (row["where_coordinates"], row["adm_2"]) if v),
        ))
    return items


def ucdp_headlines(text: str) -> list[str]:
    """UCDP joins its sources' headlines with ';'; a part that starts in lower case continues the one before."""
    out: list[str] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if out and part[0].islower():
            out[-1] += "; " + part
        else:
            out.append(part)
    return out


READERS = {"acled": read_acled, "gtd": read_gtd, "ucdp": read_ucdp}


def read_items(devset: Path, name: str) -> list[Item]:
    return READERS[name](devset)


# --- building -----------------------------------------------------------------------------------


def build_set(items: list[Item], settings: dict | None = None) -> Built:
    """Every item's texts as article files of one build (run_build, offline); our report rows by item."""
    built = Built(items)
    with tempfile.TemporaryDirectory(prefix="devset-build-") as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        owner: dict[str, str] = {}
        with (Path(tmp) / "manifest.csv").open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["file", "published"])
            for item in items:
                for number, text in enumerate(item.texts, start=1):
                    name = f"{item.id}-{number}.txt"
                    (folder / name).write_text(text + "\n", encoding="utf-8")
                    owner[name] = item.id
                    writer.writerow([name, item.published.isoformat() if item.published else ""])
        out = Path(tmp) / "reports.parquet"
        options = pipeline.BuildOptions(inputs=(folder,), out=out, manifest=Path(tmp) / "manifest.csv",
                                        settings=pipeline.Settings().replace(geocoder="none", **(settings or {})))
        summary = pipeline.run_build(options)
        built.skipped = [f"{s.name}: {s.reason}" for s in summary.skipped]
        built.seconds = summary.seconds
        frame = read_table(out)
    frame["_item"] = frame[C.article].map(owner)
    built.frame = frame
    for record in frame.to_dict("records"):
        built.rows.setdefault(record["_item"], []).append(record)
    return built


# --- modes --------------------------------------------------------------------------------------


def has_gazetteer_add() -> bool:
    """Whether this checkout's CLI has ``gazetteer add`` (argparse exits 2 on an unknown command)."""
    probe = subprocess.run([sys.executable, "-m", "dashboard", "gazetteer", "add", "--help"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120, check=False)
    return probe.returncode == 0


def prepare_mode(mode: str, cache_dir: Path, gazetteer_dir: Path = GAZETTEER_FILES) -> dict | None:
    """Settings for the build in ``mode``; None when the mode cannot run here (a line says why).

    ``files``: the current cache folder is copied to ``cache_dir`` (so the world index need not be
    derived again), every country file is imported there with ``gazetteer add``, and the
    environment points ``DASHBOARD_CACHE`` at it for this process.
    """
    if mode == "default":
        return {}
    if not has_gazetteer_add():
        print("mode files: unavailable (no `gazetteer add` command yet)")
        return None
    files = sorted(gazetteer_dir.glob("*.txt"))
    if not files:
        print(f"mode files: unavailable (no country files in {gazetteer_dir})")
        return None
    current = Path(os.environ.get("DASHBOARD_CACHE", "data/cache"))
    current = current if current.is_absolute() else ROOT / current
    if current.is_dir():
        shutil.copytree(current, cache_dir, dirs_exist_ok=True)
    env = dict(os.environ, DASHBOARD_CACHE=str(cache_dir))
    done = subprocess.run([sys.executable, "-m", "dashboard", "gazetteer", "add", *map(str, files)],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise SystemExit(f"mode files: gazetteer add failed: {message[-1] if message else done.returncode}")
    os.environ["DASHBOARD_CACHE"] = str(cache_dir)
    print(f"mode files: {len(files)} country files imported into {cache_dir}")
    return {"cache": str(cache_dir)}


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEVSET, help="folder of the coded sets (default ../shared/devset)")
    parser.add_argument("--mode", choices=MODES, default="default",
                        help="default: the embedded gazetteer; files: every ../shared/gazetteer file imported first")
    parser.add_argument("--gazetteer-files", type=Path, default=GAZETTEER_FILES, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the misses CSV (default bench/out)")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated subset of acled,gtd,ucdp")
    args = parser.parse_args()
    args.sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = set(args.sets) - set(SETS)
    if unknown:
        parser.error(f"unknown set(s): {', '.join(sorted(unknown))}")
    if not args.devset.is_dir():
        parser.error(f"{args.devset} is not a folder")
    return args


def misses_path(args: argparse.Namespace, stem: str) -> Path:
    """bench/out/<stem>_misses_<mode>.csv; a subset of the sets is named in the file name."""
    subset = "" if list(args.sets) == list(SETS) else "_" + "-".join(args.sets)
    return args.out / f"{stem}_misses_{args.mode}{subset}.csv"


def build_all(args: argparse.Namespace, nearest_named: bool = False) -> dict[str, Built] | None:
    """Every chosen set built in ``args.mode``; None when the mode is unavailable. ``nearest_named``:
    each item's :func:`nearest_named_km` too, with the mode's gazetteer (``Built.nearest_named``)."""
    with tempfile.TemporaryDirectory(prefix="devset-cache-") as cache:
        settings = prepare_mode(args.mode, Path(cache), args.gazetteer_files)
        if settings is None:
            return None
        built = {name: build_set(read_items(args.devset, name), settings) for name in args.sets}
        if nearest_named:
            gazetteer = pipeline.load_gazetteer(cache=settings.get("cache"))
            for result in built.values():
                result.nearest_named = {item.id: nearest_named_km(item, gazetteer) for item in result.items}
        return built


#: A run of words as a place's name may be written: letters, digits, apostrophes and hyphens.
_NAME_WORD = re.compile(r"[\w'’-]+")
MAX_NAME_WORDS = 5


def nearest_named_km(item: Item, gazetteer: pipeline.Gazetteer) -> float | None:
    """How far from the coder's point the nearest place lies that the gazetteer holds under a name
    written in the item's text (any run of one to five words that begins with a capital letter,
    looked up as the build looks names up); None when there is no such place or no coder's point.
    Within R, the item could be placed right by some choice among the gazetteer's candidates; beyond
    it, no choice could: the gazetteer's own share of a miss, apart from the resolver's."""
    if item.point is None:
        return None
    words = _NAME_WORD.findall(item.text())
    nearest = None
    for start, first in enumerate(words):
        if not first[:1].isupper():
            continue
        for end in range(start + 1, min(start + MAX_NAME_WORDS, len(words)) + 1):
            for place in gazetteer.lookup(" ".join(words[start:end])):
                distance = km(place.latitude, place.longitude, *item.point)
                nearest = distance if nearest is None else min(nearest, distance)
    return nearest


# --- scoring helpers ----------------------------------------------------------------------------


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def has_point(row: dict) -> bool:
    return not (_missing(row.get(C.latitude)) or _missing(row.get(C.longitude)))


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number(value: object) -> int | None:
    return None if _missing(value) or value is pd.NaT else int(value)


def fold(text: str) -> str:
    """Lower case, accents and apostrophes gone, other punctuation a space (for name matching)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and ch not in "'’‘ʻʼ`´")
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else f"{part}/0 (-)"


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    """Write atomically (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".part")
    with partial.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    partial.replace(path)
    return path
