"""Calls the stages in order, nothing else: files -> articles -> places -> incidents -> table.

:func:`process_article` is the pure per-article part (article in, rows out); :func:`run_build`
reads the files, reports and skips bad ones, reconciles reports across articles and writes the
tables atomically, returning a :class:`BuildSummary`.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from dashboard.aggregate import incidents_from_reports
from dashboard.errors import ArticleError, SettingError
from dashboard.preprocess.incidents.events import extract_incidents
from dashboard.preprocess.places.gazetteer import Gazetteer, load_gazetteer
from dashboard.preprocess.places.locate import locate_places
from dashboard.preprocess.places.nominatim import Geocoder, make_geocoder
from dashboard.preprocess.ingest import Article, Skipped, find_article_files, read_article, read_manifest
from dashboard.preprocess.reconcile import reconcile
from dashboard.schema import C, Incident, to_frame, validate, write_table
from dashboard.settings import SETTINGS

TABLE_SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class BuildOptions:
    inputs: tuple[Path, ...]
    out: Path
    incidents_out: Path | None = None
    manifest: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    progress: bool = False


@dataclass
class BuildSummary:
    articles_read: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    rows: int = 0
    incidents: int = 0
    seconds: float = 0.0
    geocoding: str = ""
    outputs: list[Path] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"articles read: {self.articles_read}; skipped: {len(self.skipped)}; "
                 f"rows written: {self.rows}; incidents: {self.incidents}; {self.seconds:.2f} s"]
        lines += [f"  skipped {s.name}: {s.reason}" for s in self.skipped]
        if self.geocoding:
            lines.append(f"geocoding: {self.geocoding}")
        lines += [f"wrote {path}" for path in self.outputs]
        return "\n".join(lines)


def process_article(article: Article, gazetteer: Gazetteer, geocoder: Geocoder | None = None) -> list[Incident]:
    """One article -> its report rows (before reconciliation across articles)."""
    return extract_incidents(article, locate_places(article.text, gazetteer, geocoder))


def run_build(options: BuildOptions) -> BuildSummary:
    """Read, extract, reconcile, validate, write. Bad articles are skipped and reported; bad settings raise."""
    started = time.perf_counter()
    _check_outputs(options)
    manifest = read_manifest(options.manifest) if options.manifest else {}
    files, missing = find_article_files(options.inputs)
    summary = BuildSummary(skipped=list(missing))
    if not files:
        raise SettingError("no articles found in " + ", ".join(str(p) for p in options.inputs))
    settings = {s.name: s.default for s in SETTINGS} | dict(options.settings)
    gazetteer = load_gazetteer(cache=settings["cache"])
    geocoder = make_geocoder(settings)
    max_bytes = int(settings["max_article_bytes"])

    reports: list[Incident] = []
    try:
        for path in _progress(files, options.progress):
            try:
                article = read_article(path, manifest.get(path.name), max_bytes=max_bytes)
            except ArticleError as err:
                summary.skipped.append(Skipped(err.name, err.reason))
                continue
            reports.extend(process_article(article, gazetteer, geocoder))
            summary.articles_read += 1
    finally:
        if geocoder is not None:
            geocoder.close()

    reports = reconcile(reports, float(settings["merge_km"]), int(settings["merge_days"]))
    table = to_frame(reports)
    summary.outputs.append(write_table(table, options.out))
    summary.rows = len(table)
    summary.incidents = table[C.incident_id].nunique()
    if options.incidents_out:
        summary.outputs.append(write_table(incidents_from_reports(validate(table)), options.incidents_out))
    if geocoder is not None:
        summary.geocoding = geocoder.stats.render()
    summary.seconds = time.perf_counter() - started
    return summary


def _check_outputs(options: BuildOptions) -> None:
    for path in filter(None, (options.out, options.incidents_out)):
        if path.suffix.lower() not in TABLE_SUFFIXES:
            raise SettingError(f"{path}: the output must end in .csv or .parquet")
        if path.exists() and path.is_dir():
            raise SettingError(f"{path} is a folder; give a file name")
    if options.manifest and not options.manifest.is_file():
        raise SettingError(f"manifest {options.manifest} does not exist")


def _progress(items: Sequence[Path], show: bool) -> Iterator[Path]:
    """Yield ``items``, drawing a one-line progress bar on stderr when ``show`` (a terminal, long runs)."""
    if not show or len(items) < 20:
        yield from items
        return
    total, width = len(items), 30
    for index, item in enumerate(items, start=1):
        yield item
        if index % max(total // 200, 1) == 0 or index == total:
            filled = width * index // total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {index}/{total} articles")
            sys.stderr.flush()
    sys.stderr.write("\n")

