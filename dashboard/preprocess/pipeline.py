"""Calls the stages in order, nothing else: files -> articles -> places -> incidents -> table.

:func:`process_article` is the pure per-article part (article in, rows out); :func:`run_build`
reads the files, reports and skips bad ones, reconciles reports across articles and writes the
tables atomically, returning a :class:`BuildSummary`. Unusable outputs are refused before any
article is read; a build that reads no article raises :class:`NothingReadError` and writes nothing;
the reports and incidents tables are replaced together (:func:`dashboard.files.atomic_write_many`).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from dashboard.aggregate import incidents_from_reports
from dashboard.errors import ArticleError, NothingReadError, SettingError, one_line
from dashboard.files import atomic_write_many
from dashboard.preprocess.incidents.events import extract_incidents
from dashboard.preprocess.ingest import Article, Skipped, find_articles, manifest_entry, read_article, read_manifest
from dashboard.preprocess.map_labels import label_outputs
from dashboard.preprocess.places.gazetteer import Gazetteer, load_gazetteer
from dashboard.preprocess.places.locate import corpus_focus, locate_places
from dashboard.preprocess.places.nominatim import Geocoder, make_geocoder
from dashboard.preprocess.reconcile import reconcile
from dashboard.schema import C, Incident, table_bytes, to_frame, validate
from dashboard.settings import Settings

TABLE_SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class BuildOptions:
    inputs: tuple[Path, ...]
    out: Path
    incidents_out: Path | None = None
    manifest: Path | None = None
    settings: Settings = field(default_factory=Settings)
    progress: bool = False


@dataclass
class BuildSummary:
    articles_read: int = 0
    read: list[str] = field(default_factory=list)  # keys of the articles read
    skipped: list[Skipped] = field(default_factory=list)  # articles tried and not read, with the reason
    passed_over: list[Skipped] = field(default_factory=list)  # paths not tried, with the reason
    replaced: list[tuple[str, int]] = field(default_factory=list)  # (article, invalid byte sequences replaced)
    rows: int = 0
    incidents: int = 0
    seconds: float = 0.0
    geocoding: str = ""
    outputs: list[Path] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"articles read: {self.articles_read}; skipped: {len(self.skipped)}; "
                 f"passed over: {len(self.passed_over)}; rows written: {self.rows}; incidents: {self.incidents}; "
                 f"{self.seconds:.2f} s"]
        lines += [f"  skipped {one_line(s.name)}: {s.reason}" for s in self.skipped]
        lines += [f"  passed over {one_line(s.name)}: {s.reason}" for s in self.passed_over]
        if self.replaced:
            lines.append(f"invalid bytes replaced: {sum(n for _, n in self.replaced)} sequence(s) in "
                         f"{len(self.replaced)} article(s)")
            lines += [f"  {name}: {count} replaced" for name, count in self.replaced]
        if self.geocoding:
            lines.append(f"geocoding: {self.geocoding}")
        lines += [f"wrote {path}" for path in self.outputs]
        return "\n".join(lines)

    def reasons(self, limit: int = 5) -> str:
        """Why nothing was read, on one line: the first ``limit`` skipped or passed-over paths."""
        every = self.skipped + self.passed_over
        shown = "; ".join(f"{one_line(s.name)}: {s.reason}" for s in every[:limit])
        return shown + (f" (and {len(every) - limit} more)" if len(every) > limit else "")


def process_article(article: Article, gazetteer: Gazetteer, geocoder: Geocoder | None = None,
                    focus: dict[str, float] | None = None) -> list[Incident]:
    """One article -> its report rows (before reconciliation across articles); ``focus`` is the
    build's prior over countries (:func:`corpus_focus`)."""
    return extract_incidents(article, locate_places(article.text, gazetteer, geocoder, focus))


def run_build(options: BuildOptions) -> BuildSummary:
    """Read, extract, reconcile, validate, write. Bad articles are skipped and reported; bad settings raise."""
    started = time.perf_counter()
    _check_outputs(options)
    manifest = read_manifest(options.manifest) if options.manifest else {}
    files, passed_over = find_articles(options.inputs)
    if options.manifest:  # the manifest in an article folder is no article, and no news either
        passed_over = [p for p in passed_over if not _same_file(Path(p.name), options.manifest)]
    summary = BuildSummary(passed_over=list(passed_over))
    if not files:
        raise NothingReadError("no articles found in " + ", ".join(str(p) for p in options.inputs)
                               + (f" ({summary.reasons()})" if passed_over else ""))
    settings = options.settings
    gazetteer = load_gazetteer()
    geocoder = make_geocoder(settings)
    max_bytes = settings.max_article_bytes

    reports: list[Incident] = []
    articles: list[Article] = []
    for file in _progress(files, options.progress):
        try:
            articles.append(read_article(file.path, manifest_entry(manifest, file.key), max_bytes=max_bytes,
                                         name=file.key))
        except ArticleError as err:
            summary.skipped.append(Skipped(err.name, err.reason))
    # The build's focus (countries of the sure places of all articles) is a prior for each one.
    focus = corpus_focus((a.text for a in articles), gazetteer, settings.countries)
    try:
        for article in articles:
            reports.extend(process_article(article, gazetteer, geocoder, focus))
            summary.articles_read += 1
            summary.read.append(article.name)
            if article.replaced:
                summary.replaced.append((article.name, article.replaced))
    finally:
        if geocoder is not None:
            geocoder.close()
    if not summary.articles_read:
        raise NothingReadError(f"no article could be read, nothing written: {summary.reasons()}")

    reports = reconcile(reports, settings.merge_km, settings.merge_days)
    table = to_frame(reports)
    outputs = [(options.out, table_bytes(table, options.out))]
    if options.incidents_out:
        outputs.append((options.incidents_out, table_bytes(incidents_from_reports(validate(table)),
                                                           options.incidents_out)))
    outputs += label_outputs(table, gazetteer, [path for path, _ in outputs])  # the map's place names, beside each
    atomic_write_many(outputs)  # both tables (and their labels), or neither
    summary.outputs = [path for path, _ in outputs]
    summary.rows = len(table)
    summary.incidents = table[C.incident_id].nunique()
    if geocoder is not None:
        summary.geocoding = geocoder.stats.render()
    summary.seconds = time.perf_counter() - started
    return summary


def _check_outputs(options: BuildOptions) -> None:
    """Refuse, before any article is read, outputs that cannot be written or would overwrite an input."""
    outputs = [path for path in (options.out, options.incidents_out) if path is not None]
    for path in outputs:
        if path.suffix.lower() not in TABLE_SUFFIXES:
            raise SettingError(f"{path}: the output must end in .csv or .parquet")
        if path.is_dir():
            raise SettingError(f"{path} is a folder; give a file name")
        _check_writable_folder(path)
    if len(outputs) == 2 and _same_file(*outputs):
        raise SettingError(f"--out and --incidents are the same file ({options.out}); give two names")
    inputs = [p for p in (options.manifest, *options.inputs) if p is not None]
    for path in outputs:
        for other in inputs:
            if _same_file(path, other):
                raise SettingError(f"{path} is also an input ({other}); give another output name")
    if options.manifest and not options.manifest.is_file():
        raise SettingError(f"manifest {options.manifest} does not exist")


def _same_file(first: Path, second: Path) -> bool:
    try:
        if first.exists() and second.exists():
            return os.path.samefile(first, second)
        return first.resolve() == second.resolve()
    except OSError:
        return False


def _check_writable_folder(path: Path) -> None:
    """The output's folder (or the nearest folder that exists above it) must be a writable folder."""
    folder = path.absolute().parent
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise SettingError(f"cannot write {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SettingError(f"cannot write {path}: the folder {folder} is not writable")


def _progress(items: Sequence[Any], show: bool) -> Iterator[Any]:
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

