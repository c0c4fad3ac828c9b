"""Runs the per-article stages (parse, locate places, extract incidents) here, in worker
processes, or on a Dask distributed cluster; the results come back in input order.

A build's articles go through in two passes, each a map over articles: :func:`read_batch` (the
article parsed, the countries of its sure places counted for the build's focus) and, once the
focus is known, :func:`rows_batch` (the article's report rows). Articles travel as :class:`Job`
values: the file's path and the digest of the bytes the build saw (taken by the first pass where it
reads the file, or by the build when its article cache needs the bytes), read again where the job
runs (this process or its workers: the build never holds every article's text), or, for a Dask
cluster, the bytes themselves (read when the batch is sent), so that a worker needs no shared disk.

A text longer than a section (:mod:`~dashboard.preprocess.sections`) in a plain-text file is cut
by the build, and each :class:`Section` goes through both passes as a unit of its own, so that one
long text is read on every worker; an HTML page's text is only known once extracted, and its
sections are read one after another where the page is read.

Each worker process loads the gazetteer once (:func:`_gazetteer`, kept per process); the work
is sent in batches of a few articles (a section is a batch by itself), and :meth:`Runner.map` yields results in input order while
counting articles as they finish (any order), so the output is the same whatever runs it.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import itertools
import multiprocessing
import os
import pickle
import queue
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from dashboard.errors import ArticleError, SettingError
from dashboard.pickling import as_values
from dashboard.preprocess.explain import explain_rows
from dashboard.preprocess.incidents.casualties import read_tolls
from dashboard.preprocess.incidents.events import extract_incidents
from dashboard.preprocess.incidents.rows import MENTION
from dashboard.preprocess.ingest import Article, Metadata, parse_article, read_bytes
from dashboard.preprocess.places.gazetteer import Gazetteer, load_gazetteer
from dashboard.preprocess.places.geoparse import Parsed, article_focus, parse
from dashboard.preprocess.places.locate import locate_places
from dashboard.preprocess.places.nominatim import Geocoder
from dashboard.preprocess.sections import sections
from dashboard.schema import Incident

#: Articles per task sent to a worker: enough to make the cost of sending small.
BATCH = 64
#: Batches in flight per worker: keeps workers busy while bounding what waits in memory.
WINDOW_PER_WORKER = 4


@as_values
@dataclass(frozen=True, slots=True)
class Job:
    """One article to process: its key, the file's bytes (or where to read them) and what the
    manifest says about it."""

    name: str
    data: bytes  # b"" with a path: read from the path where the job runs
    metadata: Metadata
    is_html: bool
    path: str = ""
    digest: bytes = b""  # SHA-256 of the bytes the build saw at the path
    max_bytes: int = 0

    @classmethod
    def of_file(cls, name: str, digest: bytes, metadata: Metadata, is_html: bool, path: str | Path,
                max_bytes: int) -> Job:
        """The job of a file whose bytes the build knows by their SHA-256 ``digest`` (read, or
        known from the article cache): it is read again where it runs, and checked against it."""
        return cls(name, b"", metadata, is_html, str(path), digest, max_bytes)

    @classmethod
    def of_path(cls, name: str, metadata: Metadata, is_html: bool, path: str | Path, max_bytes: int) -> Job:
        """The job of a file not read yet: the first pass reads it and hands on the digest of what
        it read (:attr:`Read.digest`), against which the second pass checks (:meth:`seen_as`)."""
        return cls(name, b"", metadata, is_html, str(path), b"", max_bytes)

    def seen_as(self, digest: bytes) -> Job:
        """This job, to be checked against the bytes' ``digest`` when it has no digest yet."""
        if self.path and not self.digest and digest:  # (not dataclasses.replace: this runs once an article)
            return Job(self.name, self.data, self.metadata, self.is_html, self.path, digest, self.max_bytes)
        return self

    def content(self) -> bytes:
        """The article's bytes; ArticleError when the file is gone or no longer the one the build saw."""
        if not self.path:
            return self.data
        data = read_bytes(Path(self.path), self.max_bytes, self.name)
        if self.digest and hashlib.sha256(data).digest() != self.digest:
            raise ArticleError(self.name, "changed while the build ran (build again)")
        return data

    def loaded(self) -> Job:
        """This job with its bytes in it (to send where the file cannot be read)."""
        return dataclasses.replace(self, data=self.content(), path="", digest=b"") if self.path else self

    def article(self) -> Article:
        return parse_article(self.name, self.content(), self.metadata, self.is_html)


@as_values
@dataclass(frozen=True, slots=True)
class Section:
    """One section of a long article, a unit of work by itself: the section as an article of the
    same metadata, where its text starts in the article's, and (for the second pass) what the first
    pass parsed in it."""

    article: Article
    start: int
    parsed: Parsed | bytes | None = None  # bytes: frozen (:func:`frozen`)


class ArticleUnit(NamedTuple):
    """The second pass's unit for one article: its job, the digest of the bytes the first pass read
    (checked when the file is read again), what the first pass parsed in it, and the article it read
    (None: read again where the unit runs). The job itself is not copied with the digest: a build
    holds a unit for each article until its turn."""

    job: Job
    digest: bytes
    parsed: Parsed | bytes | None
    article: Article | None

    def read(self) -> Article:
        """The article: the one the first pass read, or the file read again (ArticleError when it
        changed meanwhile)."""
        return self.article if self.article is not None else self.job.seen_as(self.digest).article()

    def sendable(self) -> ArticleUnit:
        """This unit with the article's bytes in it when it must be read again (for workers that
        may not see this machine's files)."""
        if self.article is not None or not self.job.path:
            return self
        return self._replace(job=self.job.seen_as(self.digest).loaded(), digest=b"")


def long_text_sections(article: Article) -> list[Section]:
    """``article``'s sections, or [] when its text is no longer than one section."""
    parts = _parts(article, None)
    return [Section(part, start) for part, _, start in parts] if len(parts) > 1 else []


@as_values
@dataclass(frozen=True, slots=True)
class Read:
    """The first pass's answer for one article: its focus votes and the countries of its names'
    candidates (the part of the build's focus it depends on), or why it was skipped."""

    name: str
    votes: tuple[tuple[str, float], ...] = ()
    replaced: int = 0
    skipped: str = ""  # the reason, when the article could not be read
    countries: tuple[str, ...] = ()  # of its names' candidates: the part of the build's focus it reads
    #: What finding read in the text, handed to the second pass so that the article is parsed
    #: once (None from the article cache: the second pass parses it again); frozen (:func:`frozen`)
    #: when it comes from a worker.
    parsed: Parsed | bytes | None = None
    digest: bytes = b""  # SHA-256 of the bytes read, for the second pass to check (Job.seen_as)
    #: The article as read, for the second pass not to read and decode it again; the build keeps
    #: it only up to a budget of text (:func:`~dashboard.preprocess.pipeline` ``KEPT_TEXT_CHARS``).
    article: Article | None = None

    def answer(self, for_cache: bool = True) -> Read:
        """This read without the text and parse it holds for the second pass and, unless
        ``for_cache`` (the article cache's entry keeps them), without its votes, countries and digest
        (once the focus and the second pass's jobs are made, a build without the cache reads no more
        of it than its name, what was replaced and why it was skipped)."""
        if not for_cache:
            return Read(self.name, (), self.replaced, self.skipped)
        if self.parsed is None and self.article is None:
            return self
        return Read(self.name, self.votes, self.replaced, self.skipped, self.countries, None, self.digest, None)


def frozen(parsed: Parsed | None) -> bytes | None:
    """What the first pass parsed, pickled where it was made, for the build to hold and hand on to
    the second pass as it is: some five times smaller than the objects, and neither unpickled nor
    pickled again by the build (a long text's parse is millions of small objects)."""
    return None if parsed is None else pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)


def thawed(parsed: Parsed | bytes | None) -> Parsed | None:
    """:func:`frozen`'s parse as objects again (a parse that is not frozen as it is)."""
    return pickle.loads(parsed) if isinstance(parsed, bytes) else parsed


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _gazetteer(cache: str | None = None) -> Gazetteer:
    """The gazetteer with the country files imported under ``cache`` (the build's ``cache`` setting),
    cached per process: loaded once per worker."""
    return load_gazetteer(cache=cache)


#: The cyclic collector's thresholds while articles are processed: the stages make many short-lived
#: containers (tokens, candidates, readings) that reference counting frees, and with Python's
#: default (700 new objects) the collector ran some 500 times per 1,000 articles, its full
#: collections scanning every object the build keeps, for 5% of the build's time.
ARTICLE_WORK_GC_THRESHOLDS = (20_000, 10, 10)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The cyclic collector run less often meanwhile (:data:`ARTICLE_WORK_GC_THRESHOLDS`); the
    previous thresholds are put back afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(*ARTICLE_WORK_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _init_worker(cache: str | None = None) -> None:
    gc.set_threshold(*ARTICLE_WORK_GC_THRESHOLDS)  # a worker process does nothing else
    _gazetteer(cache)


def _parts(article: Article, parsed: Parsed | None, start: int = 0) -> list[tuple[Article, Parsed | None, int]]:
    """The article, or its sections (:mod:`~dashboard.preprocess.sections`) when its text is longer
    than one, each with what the first pass parsed in it (a sectioned article's is parsed again) and
    where its text starts in the article's (``start``: where the article's own text starts, when it
    is itself a section)."""
    pieces = sections(article.text)
    if len(pieces) == 1:
        return [(article, parsed, start)]
    starts = itertools.accumulate((len(piece) for piece in pieces[:-1]), initial=start)
    return [(dataclasses.replace(article, text=piece), None, at) for piece, at in zip(pieces, starts)]


def _place_of(row: Incident) -> tuple[object, ...]:
    return (row.location, row.country_code, row.latitude, row.longitude) if row.latitude is not None \
        else ("unresolved", row.mention.casefold())


def joined(parts: list[tuple[list[Incident], list[Any]]]) -> tuple[list[Incident], list[Any]]:
    """The rows (and whatever goes with each) of an article's sections as one article's, as
    :func:`extract_incidents` orders them: the incident rows, then a ``mention`` row for each place
    that no incident row has, once, in text order."""
    if len(parts) == 1:
        return parts[0]
    pairs = [pair for rows, extras in parts for pair in zip(rows, extras, strict=True)]
    events = [(row, extra) for row, extra in pairs if row.event_type != MENTION]
    used = {_place_of(row) for row, _ in events}
    mentions = []
    for row, extra in pairs:
        if row.event_type == MENTION and _place_of(row) not in used:
            used.add(_place_of(row))
            mentions.append((row, extra))
    joined = events + mentions
    return [row for row, _ in joined], [extra for _, extra in joined]


def article_rows(article: Article, gazetteer: Gazetteer, geocoder: Geocoder | None = None,
                 focus: dict[str, float] | None = None, parsed: Parsed | None = None) -> list[Incident]:
    """One article -> its report rows (before reconciliation across articles); ``parsed``: its
    text's places as the first pass found them."""
    parts = []
    for part, found, start in _parts(article, parsed):
        rows = extract_incidents(part, locate_places(part.text, gazetteer, geocoder, focus, found), start)
        parts.append((rows, [None] * len(rows)))
    return joined(parts)[0]


#: One article's rows and, in the same order, why each is so (:func:`explain_rows`).
Made = tuple[list[Incident], list[str]]


def explained_rows(article: Article, gazetteer: Gazetteer, geocoder: Geocoder | None = None,
                   focus: dict[str, float] | None = None, parsed: Parsed | bytes | None = None,
                   start: int = 0) -> Made:
    """:func:`article_rows` with the place stage's decisions kept, and each row's explanation
    (``start``: where the text starts in the whole article's, when ``article`` is a :class:`Section`'s)."""
    parts = []
    for part, found, at in _parts(article, thawed(parsed), start):
        decisions: dict[int, Any] = {}
        places = locate_places(part.text, gazetteer, geocoder, focus, found, decisions)
        read_tolls.cache_clear()  # the sentences read for this article's rows, read again by the explanations
        rows = extract_incidents(part, places, at)
        parts.append((rows, explain_rows(part, places, decisions, rows)))
        read_tolls.cache_clear()
    return joined(parts)


def read_one(job: Job, gazetteer: Gazetteer) -> Read:
    try:
        data = job.content()
        article = parse_article(job.name, data, job.metadata, job.is_html)
    except ArticleError as err:
        return Read(job.name, skipped=err.reason)
    pieces = sections(article.text)
    parsed = parse(article.text, gazetteer) if len(pieces) == 1 else None  # a long text: parsed by sections
    votes: list[tuple[str, float]] = []
    countries: set[str] = set()
    for piece in pieces:
        part = article_focus(piece, gazetteer, parsed)
        votes += part.votes
        countries |= part.countries
    digest = job.digest or hashlib.sha256(data).digest()
    return Read(job.name, tuple(votes), article.replaced, countries=tuple(sorted(countries)), parsed=parsed,
                digest=digest, article=article)


def read_section(section: Section, gazetteer: Gazetteer) -> Read:
    """The first pass over one section: its focus votes, and what it parsed (kept for the second)."""
    parsed = parse(section.article.text, gazetteer)
    part = article_focus(section.article.text, gazetteer, parsed)
    return Read(section.article.name, part.votes, countries=tuple(sorted(part.countries)), parsed=parsed)


def read_whole(article: Article, digest: bytes, reads: Sequence[Read]) -> Read:
    """The first pass's answer for ``article`` from its sections' (``reads``, in text order), as
    :func:`read_one` gives it for the whole text."""
    votes = tuple(vote for read in reads for vote in read.votes)
    countries = sorted({country for read in reads for country in read.countries})
    return Read(article.name, votes, article.replaced, countries=tuple(countries), digest=digest)


def read_batch(items: Sequence[Job | Section], cache: str | None = None, freeze: bool = False) -> list[Read]:
    """The first pass over ``items``; ``freeze``: each parse :func:`frozen` (a worker's answer)."""
    gazetteer = _gazetteer(cache)  # once a batch: finding it checks the imported files on disk
    reads = [read_section(item, gazetteer) if isinstance(item, Section) else read_one(item, gazetteer)
             for item in items]
    if freeze:
        reads = [dataclasses.replace(read, parsed=frozen(read.parsed)) if isinstance(read.parsed, Parsed) else read
                 for read in reads]
    return reads


def rows_batch(items: Sequence[ArticleUnit | Section], focus: dict[str, float], cache: str | None = None) -> list[Made]:
    """The rows of each article (:class:`ArticleUnit`) or section (:func:`joined` makes an article's
    from its sections'), each with why it is so."""
    gazetteer = _gazetteer(cache)
    return [explained_rows(item.article, gazetteer, None, focus, item.parsed, item.start) if isinstance(item, Section)
            else explained_rows(item.read(), gazetteer, None, focus, item.parsed) for item in items]


def batches(items: Iterable[Any]) -> Iterator[Sequence[Any]]:
    """``items`` in batches of :data:`BATCH`, each :class:`Section` a batch by itself (it is as much
    text as hundreds of articles)."""
    batch: list[Any] = []
    for item in items:
        if isinstance(item, Section):
            if batch:
                yield batch
            yield [item]
            batch = []
            continue
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


Progress = Callable[[int], None]


class Runner:
    """Runs a batch function over items; results in input order, ``progress(n)`` as batches finish."""

    workers = 1
    in_process = True  # the results are this process's own objects (not sent back from elsewhere)

    def map(self, function: Callable[..., list[Any]], items: Iterable[Any], *args: Any,
            progress: Progress | None = None) -> Iterator[Any]:
        for batch in batches(items):
            yield from function(batch, *args)
            if progress is not None:
                progress(len(batch))

    def describe(self) -> str:
        return "1 process"

    def close(self) -> None:
        pass

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _FutureRunner(Runner):
    """Shared by the process pool and Dask: submit batches in a window, yield in order."""

    in_process = False

    def _submit(self, function: Callable[..., list[Any]], batch: Sequence[Any], *args: Any) -> Any:
        raise NotImplementedError

    def map(self, function: Callable[..., list[Any]], items: Iterable[Any], *args: Any,
            progress: Progress | None = None) -> Iterator[Any]:
        """The first window of batches is submitted now, not when the first result is asked for:
        the workers start on them while the caller goes on (a rebuild reads the cached articles
        before it comes to the first new one)."""
        finished: queue.SimpleQueue[Any] = queue.SimpleQueue()
        sizes: dict[Any, int] = {}
        pending: deque[Any] = deque()
        todo = batches(items)

        def submit_next() -> None:
            batch = next(todo, None)
            if batch is not None:
                future = self._submit(function, batch, *args)
                sizes[future] = len(batch)
                pending.append(future)
                future.add_done_callback(finished.put)

        try:
            for _ in range(max(self.workers * WINDOW_PER_WORKER, 2)):
                submit_next()
        except BaseException:
            for future in pending:
                future.cancel()
            raise
        return self._in_order(finished, sizes, pending, submit_next, progress)

    @staticmethod
    def _in_order(finished: queue.SimpleQueue[Any], sizes: dict[Any, int], pending: deque[Any],
                  submit_next: Callable[[], None], progress: Progress | None) -> Iterator[Any]:
        """The results of the batches ``pending`` (and those ``submit_next`` adds as each is taken), in order."""
        done: set[Any] = set()
        try:
            while pending:
                future = finished.get()  # any batch that finished, in whatever order
                done.add(future)
                if progress is not None:
                    progress(sizes[future])
                while pending and pending[0] in done:
                    head = pending.popleft()
                    done.discard(head)
                    del sizes[head]
                    results = head.result()
                    submit_next()
                    yield from results
        finally:
            for future in pending:
                future.cancel()


class ProcessRunner(_FutureRunner):
    """``jobs`` worker processes on this machine, each with its own gazetteer."""

    def __init__(self, jobs: int, cache: str | None = None) -> None:
        self.workers = jobs
        if multiprocessing.get_start_method() == "fork":
            _gazetteer(cache)  # loaded once here: the forked workers share it instead of each loading it
        self._pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(cache,))
        # The workers started now, while this process holds little: a pool starts them at its first
        # task, which comes after the files are listed and the cache's entries read, and forked
        # then, the workers would count all that as theirs (and copy it, as their collector
        # touches it).
        self._pool.submit(os.getpid).result()

    def _submit(self, function: Callable[..., list[Any]], batch: Sequence[Any], *args: Any) -> Any:
        return self._pool.submit(function, batch, *args)

    def describe(self) -> str:
        return f"{self.workers} processes"

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner(_FutureRunner):
    """The workers of a Dask distributed cluster (``tcp://HOST:PORT`` of its scheduler)."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError as err:
            raise SettingError("--dask needs Dask distributed: pip install 'dask[distributed]'") from err
        try:
            self._client = Client(address, timeout="20s")
        except (OSError, TimeoutError, ValueError) as err:
            raise SettingError(f"cannot reach the Dask scheduler at {address}: {err}") from err
        self.address = address
        self.workers = max(len(self._client.scheduler_info().get("workers", {})), 1)

    def _submit(self, function: Callable[..., list[Any]], batch: Sequence[Any], *args: Any) -> Any:
        # The workers may not see this machine's files: the articles' bytes go with the batch.
        batch = [item.loaded() if isinstance(item, Job) else item.sendable() if isinstance(item, ArticleUnit) else item
                 for item in batch]
        return self._client.submit(function, batch, *args, pure=False)

    def describe(self) -> str:
        return f"Dask cluster {self.address} ({self.workers} workers)"

    def close(self) -> None:
        self._client.close()


def make_runner(jobs: int, dask: str = "", cache: str | None = None) -> Runner:
    """The Dask cluster when ``dask`` names a scheduler, else ``jobs`` local processes (1: this one);
    ``cache`` is the folder of the imported country files the workers' gazetteer includes."""
    if dask:
        return DaskRunner(dask)
    if jobs <= 1:
        return Runner()
    return ProcessRunner(jobs, cache)
