"""Calls the stages in order, nothing else: files -> articles -> places -> incidents -> table.

:func:`process_article` is the pure per-article part (article in, rows out); :func:`run_build`
reads the files, reports and skips bad ones, reconciles reports across articles and writes the
tables atomically, returning a :class:`BuildSummary`. Unusable outputs are refused before any
article is read; a build that reads no article raises :class:`NothingReadError` and writes nothing;
the reports and incidents tables are replaced together (:func:`dashboard.files.atomic_write_many`).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import itertools
import logging
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from dashboard.errors import ArticleError, NothingReadError, SettingError, one_line
from dashboard.files import atomic_write_many
from dashboard.preprocess import article_cache, last_build, sections
from dashboard.preprocess.article_cache import ArticleCache, Entry, corpus_id
from dashboard.preprocess.explain import Explanations
from dashboard.preprocess.ingest import (Article, ArticleFile, Metadata, Skipped, find_articles, is_html_path,
                                         manifest_entry, parse_article, read_bytes, read_manifest)
from dashboard.preprocess.last_build import LastBuild
from dashboard.preprocess.outputs import Written, build_outputs
from dashboard.preprocess.places.gazetteer import Gazetteer, load_gazetteer
from dashboard.preprocess.places.geoparse import Parsed, focus_from_votes, focus_read_by
from dashboard.preprocess.places.nominatim import Geocoder, make_geocoder
from dashboard.preprocess.reconcile import ReportsOf, reconciled
from dashboard.preprocess.report_rows import ReportRows
from dashboard.preprocess.runner import (ArticleUnit, Job, Read, Runner, Section, article_rows, default_jobs,
                                         explained_rows, fewer_collections, joined, long_text_sections, make_runner,
                                         read_batch, read_whole, rows_batch)
from dashboard.schema import Incident
from dashboard.review import ReviewStore, store_path
from dashboard.settings import Settings

_LOG = logging.getLogger("dashboard")

TABLE_SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class BuildOptions:
    inputs: tuple[Path, ...]
    out: Path
    incidents_out: Path | None = None
    manifest: Path | None = None
    settings: Settings = field(default_factory=Settings)
    progress: bool = False
    use_cache: bool = True  # False: --no-cache (every article read anew, the cache left as it is)


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
    cache: str = ""  # what the article cache gave
    runner: str = ""  # what ran the per-article stages
    outputs: list[Path] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"articles read: {self.articles_read}; skipped: {len(self.skipped)}; "
                 f"passed over: {len(self.passed_over)}; rows written: {self.rows}; incidents: {self.incidents}; "
                 f"{self.seconds:.2f} s"]
        lines += [f"  ran on: {self.runner}"] if self.runner else []
        lines += [f"  article cache: {self.cache}"] if self.cache else []
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
                    focus: dict[str, float] | None = None, parsed: Parsed | None = None) -> list[Incident]:
    """One article -> its report rows (before reconciliation across articles); ``focus`` is the
    build's prior over countries (:func:`corpus_focus`); ``parsed``: what the first pass found."""
    return article_rows(article, gazetteer, geocoder, focus, parsed)


def run_build(options: BuildOptions) -> BuildSummary:
    """Read, extract, reconcile, validate, write. Bad articles are skipped and reported; bad settings raise.

    The per-article passes run on :mod:`~dashboard.preprocess.runner` (this process, ``jobs``
    processes or a Dask cluster) and skip what :mod:`~dashboard.preprocess.article_cache` holds;
    a rebuild after articles were only added writes the others' rows as the last build wrote them
    (:mod:`~dashboard.preprocess.last_build`); whatever runs them, the tables are the same, byte for byte.
    """
    started = time.perf_counter()
    _check_outputs(options)
    manifest = read_manifest(options.manifest) if options.manifest else {}
    files, passed_over = _articles_of(options)
    settings = options.settings
    geocoder = make_geocoder(settings)
    # Rows made with a geocoder depend on its answers (and its budget): not cached.
    cache = (ArticleCache(Path(settings.cache), corpus_id(options.inputs, options.manifest))
             if options.use_cache and geocoder is None else None)
    try:
        growing = _growing(options, cache)
        try:
            summary = _build(options, files, passed_over, manifest, geocoder, cache, growing)
        except last_build.CannotGrow as err:  # the last build's cached rows found damaged: built whole
            _LOG.warning("the last build cannot be grown from (%s); every article's rows are taken", err)
            files, passed_over = _articles_of(options)
            summary = _build(options, files, passed_over, manifest, geocoder, cache,
                             dataclasses.replace(growing, last=None, why_not=str(err)) if growing is not None else None)
    finally:
        if geocoder is not None:
            geocoder.close()
        if cache is not None:
            cache.close()
    if geocoder is not None:
        summary.geocoding = geocoder.stats.render()
    summary.seconds = time.perf_counter() - started
    return summary


def _articles_of(options: BuildOptions) -> tuple[list[ArticleFile], list[Skipped]]:
    """The article files of the inputs and the paths passed over; raises when there is none."""
    files, passed_over = find_articles(options.inputs)
    if options.manifest:  # the manifest in an article folder is no article, and no news either
        passed_over = [p for p in passed_over if not _same_file(Path(p.name), options.manifest)]
    if not files:
        raise NothingReadError("no articles found in " + ", ".join(str(p) for p in options.inputs)
                               + (f" ({BuildSummary(passed_over=list(passed_over)).reasons()})" if passed_over else ""))
    return files, list(passed_over)


@dataclass(frozen=True)
class _Growing:
    """A build that keeps what it wrote for the next (a CSV reports table alone, with the article
    cache), and the last build it may grow from (None: it cannot, for ``why_not``)."""

    stamp: str
    reviews: Any  # the table's reviews (a frame)
    last: LastBuild | None
    why_not: str


def _growing(options: BuildOptions, cache: ArticleCache | None) -> _Growing | None:
    if cache is None or options.incidents_out is not None or options.out.suffix.lower() != ".csv":
        return None
    settings = options.settings
    reviews = ReviewStore(store_path(options.out, settings.review_db), create=False).current()
    stamp = last_build.stamp(article_cache.version(settings), settings.merge_km, settings.merge_days, reviews)
    last, why_not = last_build.load(cache.last_build(), stamp)
    return _Growing(stamp, reviews, last, why_not)


def _build(options: BuildOptions, files: list[ArticleFile], passed_over: list[Skipped],
           manifest: dict[str, Metadata], geocoder: Geocoder | None, cache: ArticleCache | None,
           growing: _Growing | None) -> BuildSummary:
    """:func:`run_build` once its inputs, geocoder, cache and last build are known."""
    settings = options.settings
    summary = BuildSummary(passed_over=passed_over)
    # why each row is so, for the why file (on disk meanwhile, beside the output), and the rows
    # (held, or there too past a budget) with what reconciling needs of them
    folder = options.out.absolute().parent
    with Explanations(folder) as explained, ReportRows(folder) as reports:
        found = ReportsOf()
        with fewer_collections(), make_runner(settings.jobs or default_jobs(), settings.dask,
                                              settings.cache) as runner:
            articles = _per_article(files, manifest, settings, runner, cache, geocoder, summary, options.progress,
                                    explained, reports, found, growing.last if growing is not None else None)
        if not summary.articles_read:
            raise NothingReadError(f"no article could be read, nothing written: {summary.reasons()}")
        if growing is not None and articles.taken is None:
            summary.cache += ("; the last build's files not reused: "
                              + (growing.why_not or "an article of it changed or went, or its part of the focus moved"))

        keep: Callable[[], LastBuild] | None = None  # what the next build may grow from
        with _unscanned():
            if growing is not None and growing.last is not None and articles.taken is not None:
                assert cache is not None
                grown = last_build.grown_outputs(
                    growing.last, articles.keys, articles.digests, articles.taken, articles.made, reports, found,
                    explained, cache.rows_of, growing.reviews, options.out, settings.merge_km, settings.merge_days,
                    growing.stamp, lambda: load_gazetteer(cache=settings.cache), cache.put_lines)
                summary.rows, summary.incidents = grown.rows, grown.incidents
                outputs = grown.outputs
                atomic_write_many(outputs)
                keep = grown.keep
            else:
                result = reconciled(found, settings.merge_km, settings.merge_days, profiles=growing is not None)
                summary.rows, summary.incidents = len(reports), len(set(result.ids))
                written = Written()
                outputs = build_outputs(reports, result.ids, options.out, options.incidents_out,  # takes the rows
                                        settings.review_db, explained, load_gazetteer(cache=settings.cache),
                                        cache.put_lines if cache is not None else None, written,
                                        growing.reviews if growing is not None else None)
                atomic_write_many(outputs)  # both tables (and their labels), or neither
                if growing is not None:
                    keep = functools.partial(last_build.of_build, growing.stamp, options.out, articles.keys,
                                             articles.digests, articles.made, result, written, settings.merge_km)
        if cache is not None:
            cache.flush()  # the lines the table gave the rows made in this build, for the next
            if keep is not None:
                cache.keep_last_build(keep().encode())
    summary.outputs = [path for path, _ in outputs]
    return summary


@dataclass
class _Articles:
    """The articles a build took, in order: each one's entry key and part of the focus (with the
    article cache), the rows it gave the build, and the article of the last build it is (None: the
    build does not grow from the last one; an article None: a new one, its rows in ``made``)."""

    keys: list[str]
    digests: list[str]
    made: list[int]
    taken: list[int | None] | None


def _per_article(files: list[ArticleFile], manifest: dict[str, Metadata], settings: Settings, runner: Runner,
                 cache: ArticleCache | None, geocoder: Geocoder | None, summary: BuildSummary,
                 progress: bool, explained: Explanations, reports: ReportRows, found: ReportsOf,
                 last: LastBuild | None = None) -> _Articles:
    """Both per-article passes over ``files`` (in key order): the focus votes, then the rows, into
    ``reports`` and (what reconciling needs of them) ``found``, and into ``explained`` why each row
    is so. ``files`` is emptied once each has its job (the jobs keep their paths as text). When
    every article of ``last`` is found as it was, theirs are not taken: only the others' rows are."""
    build_version = article_cache.version(settings) if cache is not None else ""
    jobs: list[Job] = []
    keys: list[str] = []
    failed: dict[int, Skipped] = {}  # position in files -> why it could not be read
    # Position in jobs -> the sections of a long plain text, cut here and spread over the workers
    # (what the first pass parsed in each goes into them after it).
    long: dict[int, list[Section]] = {}
    paths: list[str] = []  # of the files the cache keeps signatures of
    signed_known = 0  # files not read: known by their signature
    started_ns = time.time_ns()
    for index, file in enumerate(_progress(files, progress, "reading")):
        listed = manifest_entry(manifest, file.key)
        metadata = listed or _NO_METADATA  # one value shared by the articles the manifest does not list
        where = file.where
        is_html = is_html_path(where)
        status = _status(where)
        short = is_html or (status is not None and status.st_size <= sections.SECTION_CHARS)  # no sections
        if cache is None and short:
            # read where the first pass runs (the cache's keys and a long text's sections need the bytes here)
            jobs.append(Job.of_path(file.key, metadata, is_html, where, settings.max_article_bytes))
            continue
        paths.append(where)
        signed = article_cache.signature(status, started_ns) if cache is not None and status is not None else ""
        known = cache.known_digest(where, signed) if cache is not None and short else None
        if known is not None:  # the file has not changed since a build read it: not read here
            jobs.append(Job.of_file(file.key, known, metadata, is_html, where, settings.max_article_bytes))
            keys.append(article_cache.entry_key(build_version, file.key, listed, known))
            signed_known += 1
            continue
        try:
            data = read_bytes(file.path, settings.max_article_bytes, file.key)
            pieces = ([] if is_html or len(data) <= sections.SECTION_CHARS
                      else long_text_sections(parse_article(file.key, data, metadata, is_html)))
        except ArticleError as err:
            failed[index] = Skipped(err.name, err.reason)
            continue
        if pieces:
            long[len(jobs)] = pieces
        # The job keeps the path and the bytes' digest, not the bytes: read again where it runs.
        digest = hashlib.sha256(data).digest()
        jobs.append(Job.of_file(file.key, digest, metadata, is_html, where, settings.max_article_bytes))
        if cache is not None:
            keys.append(article_cache.entry_key(build_version, file.key, listed, digest))
            cache.saw(where, signed, digest)  # the signature from before the file was read
        del data, pieces  # a long text's bytes not kept through both passes (its sections hold its text)
    count = len(files)
    files.clear()
    stored = cache.get_many(keys) if cache is not None else {}
    entries = [stored.get(key) for key in keys] if cache is not None else [None] * len(jobs)
    del stored

    # Pass 1: each article parsed, the countries of its sure places counted for the focus.
    unread = [unit for position, (job, entry) in enumerate(zip(jobs, entries)) if entry is None
              for unit in long.get(position, [job])]
    bar = _Bar(len(unread), progress, "articles parsed" if not long else "articles and sections parsed")
    # what workers parse comes back frozen (pickled), held and handed on so to the second pass
    fresh = iter(runner.map(read_batch, unread, settings.cache, not runner.in_process, progress=bar.add))
    kept = _TextBudget(KEPT_TEXT_CHARS)
    reads = []
    for position, (job, entry) in enumerate(zip(jobs, entries)):
        if entry is not None:
            reads.append(Read(job.name, entry.votes, entry.replaced, entry.skipped, entry.countries))
        elif position in long:
            parts = [next(fresh) for _ in long[position]]
            long[position] = [dataclasses.replace(section, parsed=part.parsed)
                              for section, part in zip(long[position], parts)]
            reads.append(read_whole(long[position][0].article, job.digest, parts))
        else:
            reads.append(kept.take(next(fresh)))
    bar.end()
    focus = focus_from_votes((r.votes for r in reads if not r.skipped), settings.countries)
    digests = _focus_digests(focus, reads) if cache is not None else [""] * len(reads)

    # Pass 2: the rows of each article read (those made under the same part of the focus come from the cache).
    def cached_rows(entry: Entry | None, digest: str) -> bool:
        return entry is not None and entry.stored and entry.focus == digest

    # The last build's articles, when each is found as it was: their rows are in its files.
    taken = None if last is None else last_build.reused_articles(
        last, keys, digests, [entry is not None and (bool(entry.skipped) or cached_rows(entry, digest))
                              for entry, digest in zip(entries, digests)])
    kept_digests = list(digests)

    # What the first pass parsed and read is held by todo alone, and let go as each unit is done
    # (of a long text's sections, only how many there are is kept); each answer keeps what the
    # rest of the build reads of it, made as its unit is.
    todo: list[ArticleUnit | Section] = []
    for position, (job, read, entry, digest) in enumerate(zip(jobs, reads, entries, digests)):
        if not read.skipped and not cached_rows(entry, digest) and not (taken is not None and taken[position] is not None):
            todo += long.get(position, [ArticleUnit(job, read.digest, read.parsed, read.article)])
        reads[position] = read.answer(for_cache=cache is not None)
    bar = _Bar(len(todo), progress, "articles done" if not long else "articles and sections done")
    sections_of = {position: len(pieces) for position, pieces in long.items()}
    long.clear()
    if geocoder is None:
        made = iter(runner.map(rows_batch, _taken(todo), focus, settings.cache, progress=bar.add))
    else:  # one geocoder, its rate limit and its budget: here, in order
        gazetteer = load_gazetteer(cache=settings.cache)
        made = (bar.added(explained_rows(unit.article, gazetteer, geocoder, focus, unit.parsed, unit.start)
                          if isinstance(unit, Section)
                          else explained_rows(unit.read(), gazetteer, geocoder, focus, unit.parsed))
                for unit in _taken(todo))
    made_for = 0  # articles whose rows were made (a long text's sections are one article)
    skipped = dict(failed)
    positions = [index for index in range(count) if index not in failed]
    jobs_count = len(jobs)
    # The rows the cache holds, read as their turn comes (not held from the start), and the jobs of
    # those articles, to make their rows here if the entry is found damaged then; the second
    # pass's jobs are in todo, and an answer has its article's name.
    from_cache = [cached_rows(entry, digest) and (taken is None or taken[position] is None)
                  for position, (entry, digest) in enumerate(zip(entries, digests))]
    stored = cache.rows_of([key for key, cached in zip(keys, from_cache) if cached]) if cache is not None \
        else iter(())
    again: list[Job | None] = [job if cached else None for job, cached in zip(jobs, from_cache)]
    del from_cache
    jobs.clear()
    here: Gazetteer | None = None  # to make the rows of a damaged entry in this process
    row_counts = [0] * jobs_count  # the rows each article gave
    # Each article's answer and entry let go once its rows are in (the rows are what grows).
    for position, (index, key, read, entry, digest) in enumerate(
            zip(positions, keys or itertools.repeat(""), _taken(reads), _taken(entries),
                _taken(digests))):
        wheres = None  # where a long text's explanations already lie in ``explained``
        lines = known_keys = None  # the rows' lines as the table last had them, and their report keys (from the cache)
        job, again[position] = again[position], None
        if taken is not None and taken[position] is not None:  # its rows are in the last build's files
            if read.skipped:
                skipped[index] = Skipped(read.name, read.skipped)
            else:
                summary.articles_read += 1
                summary.read.append(read.name)
                if read.replaced:
                    summary.replaced.append((read.name, read.replaced))
            continue
        if read.skipped:
            skipped[index] = Skipped(read.name, read.skipped)
            rows, why = None, None
        elif cached_rows(entry, digest) and (kept := next(stored)) is not None:
            rows, why, lines, known_keys = kept
        elif cached_rows(entry, digest):  # its stored rows are damaged: made here, and stored anew
            here = here or load_gazetteer(cache=settings.cache)
            try:
                assert job is not None
                rows, why = explained_rows(job.article(), here, None, focus)
            except ArticleError as err:  # gone or changed since: skipped, as the first pass would
                read, rows, why = dataclasses.replace(read, skipped=err.reason), None, None
                skipped[index] = Skipped(read.name, read.skipped)
            entry = None
            made_for += 1
        elif position in sections_of:  # each section's explanations stored as it comes, not held
            rows, wheres = joined([(part, explained.stored(texts))
                                   for part, texts in (next(made) for _ in range(sections_of.pop(position)))])
            why = [explained.stored_text(where) for where in wheres] if cache is not None else None
            made_for += 1
        else:
            rows, why = next(made)
            made_for += 1
        if not read.skipped:
            row_counts[position] = len(rows or [])
            reports.add(rows or [], lines, key if cache is not None else None, known_keys)
            found.add(rows or [])
            if wheres is not None:
                explained.extend_stored(rows or [], wheres)
            else:
                explained.extend(rows or [], why)
            summary.articles_read += 1
            summary.read.append(read.name)
            if read.replaced:
                summary.replaced.append((read.name, read.replaced))
        if cache is not None and not (entry is not None and (read.skipped or cached_rows(entry, digest))):
            cache.put(key, Entry(read.votes, read.replaced, read.skipped, digest, rows, why, read.countries))
    bar.end()
    summary.skipped = [skipped[index] for index in sorted(skipped)]
    if cache is not None:
        dropped = cache.keep_only(keys, paths)
        summary.cache = (f"{cache.hits} of {jobs_count} articles known; rows made for {made_for}; "
                         f"{dropped} old entries dropped; {signed_known} files known by their signature, not read")
        if taken is not None:
            summary.cache += f"; {sum(t is not None for t in taken)} articles written as the last build wrote them"
    summary.runner = runner.describe()
    return _Articles(keys, kept_digests, row_counts, taken)


_NO_METADATA = Metadata()


def _taken(items: list[Any]) -> Iterator[Any]:
    """The items of ``items``, each let go by the list as it is given (the list ends empty)."""
    items.reverse()
    while items:
        yield items.pop()


def _status(path: str) -> os.stat_result | None:
    """The file's status (its size: none shorter in bytes than a section holds a longer text); None
    when it cannot be had (the first pass reads it, and says why it cannot)."""
    try:
        return os.stat(path)
    except OSError:
        return None


#: Characters of article text a build keeps from its first pass for its second, with what the
#: first pass parsed in it (the second otherwise reads, decodes and parses the file again): small
#: builds skip the second reading, large ones stay in bounded memory.
KEPT_TEXT_CHARS = 32_000_000


class _TextBudget:
    """Lets the first pass's articles through until their text reaches ``chars``; later ones lose
    their article and what was parsed in it (the second pass reads and parses those files again)."""

    def __init__(self, chars: int) -> None:
        self.left = chars

    def take(self, read: Read) -> Read:
        if read.article is None:
            return read
        self.left -= len(read.article.text)
        return read if self.left >= 0 else dataclasses.replace(read, article=None, parsed=None)


@contextmanager
def _unscanned() -> Iterator[None]:
    """The objects alive when the tables are made (the rows, their explanations, the gazetteer) kept
    out of the cyclic collector's sight meanwhile (``gc.freeze``): the many objects made then set off
    full collections that would scan them again and again. Reference counting still frees them; the
    collector sees them again afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _focus_digests(focus: dict[str, float], reads: Sequence[Read]) -> list[str]:
    """Each article's digest of the part of the build's focus its rows depend on (the article
    cache keeps rows made under the same part)."""
    by_countries: dict[tuple[str, ...], str] = {}  # articles of the same countries read the same part
    for read in reads:
        if read.countries not in by_countries:
            by_countries[read.countries] = article_cache.focus_digest(focus_read_by(focus, read.countries))
    return [by_countries[read.countries] for read in reads]


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


def _progress(items: Sequence[Any], show: bool, label: str = "articles") -> Iterator[Any]:
    """Yield ``items``, drawing a one-line progress bar on stderr when ``show`` (a terminal, long runs)."""
    bar = _Bar(len(items), show, label)
    for item in items:
        yield item
        bar.add(1)
    bar.end()


class _Bar:
    """A one-line progress bar on stderr, moved on as articles finish (any order); silent when not shown."""

    WIDTH = 30

    def __init__(self, total: int, show: bool, label: str) -> None:
        self.total, self.show, self.label, self.count, self.drawn = total, show and total >= 20, label, 0, 0

    def add(self, count: int) -> None:
        self.count += count
        if self.show and (self.count - self.drawn >= max(self.total // 200, 1) or self.count == self.total):
            self.drawn = self.count
            filled = self.WIDTH * self.count // self.total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.count}/{self.total} {self.label}")
            sys.stderr.flush()

    def added(self, value: Any) -> Any:
        self.add(1)
        return value

    def end(self) -> None:
        if self.show and self.drawn:
            sys.stderr.write("\n")
            self.show = False
