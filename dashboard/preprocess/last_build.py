"""The last build of a corpus, kept so that a rebuild of a grown folder writes only what is new.

In: what a build with the article cache wrote as a CSV reports table alone (its table, labels and
why files, and what was gathered on the way: :class:`~dashboard.preprocess.outputs.Written`), each
article's entry, part of the focus and rows, and the rows' components
(:func:`~dashboard.preprocess.reconcile.reconciled`). Out: :class:`LastBuild`, kept in the article
cache (one a corpus, :meth:`LastBuild.encode`); at the next build, when only articles were added
since, the files made from the old ones (:func:`grown_outputs`), the bytes a build from scratch
writes. "Only added" means: every article of the last build is found again with the same entry
and the same part of the focus (:func:`reused_articles`), and the settings, the reviews and the
three files it wrote are as they were (:func:`load`). Then:

- an old article's rows are the rows it had (the article cache's rule), and so are their lines,
  but for their incident ids and review states; the reviews are as they were;
- grouping one component of the graph of compatible pairs alone gives its groups as grouping
  everything does (:attr:`~dashboard.preprocess.reconcile.Grouped.components`). A new report only
  changes the components holding an old report compatible with it: the old reports it may be a
  candidate of are found through an index of every report's place keys (hashed) and days
  (:class:`_Index`: a superset, a false hit only costs time), read back from the article cache and
  compared with it; the components of those that match are grouped again with the new reports.
  Every other row keeps its id, and its line its bytes;
- the why file holds rows by report key: old ones are copied as their bytes, new ones put between;
- the labels and the why file's places are kept when the new rows bring no new point or
  one-degree cell, else made anew.

Any other change (an article deleted or changed, other settings or reviews, a file written since)
builds as before; either way the build keeps its own for the next.
"""

from __future__ import annotations

import array
import functools
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from dashboard.files import Content, labels_file
from dashboard.preprocess import reconcile
from dashboard.preprocess.article_cache import REPORT_KEY_CHARS
from dashboard.preprocess.explain import Explanations, TableRows, search_places
from dashboard.preprocess.map_labels import TablePoints, labels_json
from dashboard.preprocess.outputs import Written, csv_header, csv_row_lines
from dashboard.preprocess.places.gazetteer import Gazetteer
from dashboard.preprocess.reconcile import Profile, Report, ReportsOf
from dashboard.preprocess.report_rows import ReportRows
from dashboard.why import WHY_HEAD, why_entry, why_file, why_tail

#: Bump when what is kept, or how, changes (an older one is then not used).
FORMAT = 1
_ID_BYTES = reconcile.ID_HEX_DIGITS
_KEY_BYTES = REPORT_KEY_CHARS


class CannotGrow(Exception):
    """The last build's rows needed for reconciling could not be read back: build from scratch."""


@dataclass(frozen=True)
class FileMark:
    """A file as the build wrote it: a later write, move or copy over it changes the mark."""

    path: str
    size: int
    modified_ns: int
    inode: int

    @classmethod
    def of(cls, path: str | Path) -> FileMark | None:
        try:
            status = os.stat(path)
        except OSError:
            return None
        return cls(str(Path(path).absolute()), status.st_size, status.st_mtime_ns, status.st_ino)

    def unchanged(self) -> bool:
        return FileMark.of(self.path) == self


def stamp(build_version: str, merge_km: float, merge_days: int, reviews: pd.DataFrame) -> str:
    """What else a build's files depend on: the rows' version (code, gazetteer, settings that change
    rows), the settings that merge reports, and the reviews."""
    return hashlib.sha256(json.dumps([FORMAT, build_version, merge_km, merge_days,
                                      reviews.to_csv(index=False)]).encode("utf-8")).hexdigest()


@dataclass
class _Index:
    """Every report with a profile under each of its filed place keys
    (:func:`~dashboard.preprocess.reconcile.filed_keys`, hashed), sorted by hash, with its first row
    in the table and its first and last day."""

    hashes: np.ndarray
    rows: np.ndarray
    first: np.ndarray
    last: np.ndarray

    @classmethod
    def of(cls, profiled: Sequence[tuple[Profile, int]], merge_km: float) -> _Index:
        """``profiled``: each report's profile and first row."""
        # machine integers as they come (a corpus's reports file millions of keys), each profile's
        # hashes made once (reports share their profiles)
        hashes, rows, first, last = (array.array("q") for _ in range(4))
        keys_of: dict[int, list[int]] = {}
        for profile, row in profiled:
            keys = keys_of.get(id(profile))
            if keys is None:
                keys = keys_of[id(profile)] = _hashes(reconcile.filed_keys(profile, merge_km))
            hashes.extend(keys)
            rows.extend([row] * len(keys))
            first.extend([profile.span[0]] * len(keys))
            last.extend([profile.span[1]] * len(keys))
        return cls._sorted(*(np.frombuffer(values, dtype=np.int64) if len(values) else np.empty(0, dtype=np.int64)
                             for values in (hashes, rows, first, last)))

    @classmethod
    def _sorted(cls, hashes: np.ndarray, rows: np.ndarray, first: np.ndarray, last: np.ndarray) -> _Index:
        order = np.argsort(hashes, kind="stable")
        return cls(hashes[order], rows[order], first[order], last[order])

    def candidates(self, profiles: Sequence[Profile], merge_km: float, merge_days: int) -> list[set[int]]:
        """For each of ``profiles``, the first rows of the reports that may be its candidates (one of
        their filed keys among its keys, their days within ``merge_days`` of its days): every
        report grouping would compare it with, and maybe others."""
        found: list[set[int]] = []
        for profile in profiles:
            wanted = np.array(_hashes(reconcile.looked_keys(profile, merge_km)), dtype=np.int64)
            starts = np.searchsorted(self.hashes, wanted, side="left")
            ends = np.searchsorted(self.hashes, wanted, side="right")
            rows: set[int] = set()
            for start, end in zip(starts.tolist(), ends.tolist()):
                if start < end:
                    near = ((self.first[start:end] <= profile.span[1] + merge_days)
                            & (self.last[start:end] >= profile.span[0] - merge_days))
                    rows.update(self.rows[start:end][near].tolist())
            found.append(rows)
        return found

    def without(self, rows: np.ndarray) -> _Index:
        """The index without the reports whose first rows ``rows`` (a mask of every row) marks."""
        kept = ~rows[self.rows]
        return _Index(self.hashes[kept], self.rows[kept], self.first[kept], self.last[kept])

    def moved(self, rows: np.ndarray) -> _Index:
        """The index with each report's first row ``rows[row]`` (where it lies in the next table)."""
        return _Index(self.hashes, rows[self.rows], self.first, self.last)

    def joined(self, other: _Index) -> _Index:
        return self._sorted(*(np.concatenate([a, b]) for a, b in zip(self.arrays(), other.arrays())))

    def arrays(self) -> tuple[np.ndarray, ...]:
        return self.hashes, self.rows, self.first, self.last


def _hashes(keys: frozenset[tuple]) -> list[int]:
    return [_key_hash(key) for key in keys]


@functools.lru_cache(maxsize=1 << 16)
def _key_hash(key: tuple) -> int:
    """A place key as 64 bits, the same in every process (``hash`` of a string is not)."""
    return int.from_bytes(hashlib.blake2b(repr(key).encode("utf-8"), digest_size=8).digest(), "little", signed=True)


@dataclass
class LastBuild:
    """A build's files and where each article's rows lie in them, for the next build."""

    stamp: str  # :func:`stamp`
    files: tuple[FileMark, FileMark, FileMark]  # the table, its labels and its why file
    articles: list[str]  # each article's entry key, in the build's order (skipped ones too)
    focus: list[str]  # each article's part of the focus (its digest)
    counts: np.ndarray  # each article's rows
    header: int  # bytes of the table's first line
    lengths: np.ndarray  # each row's bytes in the table, its line feed included
    ids: np.ndarray  # each row's incident id (bytes)
    components: np.ndarray  # each row's component (-1: its report has no profile)
    why_keys: np.ndarray  # the why file's report keys, in order (bytes)
    why_lengths: np.ndarray  # each one's bytes in the why file
    points: np.ndarray  # the table's located points, each once (the labels file is made from them)
    own: list[tuple[str, float, float]]  # the places the table names, each once (their order is the labels' no matter)
    cells: np.ndarray  # the one-degree cells of its located rows (the why file's places are made from them)
    index: _Index

    def encode(self) -> bytes:
        digests = list(dict.fromkeys(self.focus))  # articles of the same countries share theirs
        number = {digest: n for n, digest in enumerate(digests)}
        meta = {"format": FORMAT, "stamp": self.stamp, "files": [list(vars(mark).values()) for mark in self.files],
                "header": self.header, "own": self.own, "digests": digests}
        data = io.BytesIO()
        np.savez(data, meta=_text(json.dumps(meta)), articles=_text("\n".join(self.articles)),
                 focus=np.array([number[digest] for digest in self.focus], dtype=np.int64), counts=self.counts, lengths=self.lengths, ids=self.ids,
                 components=self.components, why_keys=self.why_keys, why_lengths=self.why_lengths,
                 points=self.points, cells=self.cells, index=np.stack(self.index.arrays()) if len(self.index.hashes)
                 else np.empty((4, 0), dtype=np.int64))
        return data.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> LastBuild | None:
        """The build ``data`` keeps, or None when it is not one this code wrote (or is damaged)."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as saved:
                meta = json.loads(bytes(saved["meta"]).decode("utf-8"))
                if meta.get("format") != FORMAT:
                    return None
                articles = bytes(saved["articles"]).decode("utf-8")
                digests = [str(digest) for digest in meta["digests"]]
                focus = [digests[n] for n in saved["focus"].tolist()]
                index = saved["index"]
                found = cls(str(meta["stamp"]), tuple(FileMark(str(p), int(s), int(m), int(i))  # type: ignore[arg-type]
                                                      for p, s, m, i in meta["files"]),
                            articles.split("\n") if articles else [], focus,
                            saved["counts"], int(meta["header"]), saved["lengths"], saved["ids"],
                            saved["components"], saved["why_keys"], saved["why_lengths"], saved["points"],
                            [(str(n), float(a), float(o)) for n, a, o in meta["own"]], saved["cells"], _Index(*index))
        except (ValueError, KeyError, IndexError, TypeError, OSError, EOFError, zipfile.BadZipFile):
            return None
        rows = len(found.lengths)
        if (len(found.files) != 3 or not len(found.articles) == len(found.focus) == len(found.counts)
                or int(found.counts.sum()) != rows or len(found.ids) != rows or len(found.components) != rows
                or len(found.why_keys) != len(found.why_lengths) or found.index.hashes.ndim != 1
                or (len(found.index.rows) and not 0 <= int(found.index.rows.min()) <= int(found.index.rows.max()) < rows)):
            return None
        return found

    def usable(self, current_stamp: str) -> str:
        """Why this build cannot be grown from ("" when it can)."""
        if self.stamp != current_stamp:
            return "settings, code or reviews changed"
        if not all(mark.unchanged() for mark in self.files):
            return "its files were changed or moved"
        return ""

    @property
    def starts(self) -> np.ndarray:
        """Where each article's rows start among the rows (and where the last one's end)."""
        return np.concatenate([[0], np.cumsum(self.counts)]).astype(np.int64)


def _text(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def load(stored: bytes | None, current_stamp: str) -> tuple[LastBuild | None, str]:
    """The corpus's last build if a rebuild may grow from it, else None and why not."""
    if stored is None:
        return None, "no last build kept"
    last = LastBuild.decode(stored)
    if last is None:
        return None, "the last build kept is of another version"
    reason = last.usable(current_stamp)
    return (last, "") if not reason else (None, reason)


def reused_articles(last: LastBuild, keys: Sequence[str], digests: Sequence[str],
                    reusable: Sequence[bool]) -> list[int | None] | None:
    """For each article of this build (its entry key), the last build's article it is (None: a new
    one); None when some article of the last build is not found again as it was: the same entry,
    the same part of the focus, its rows (or its skipping) in the cache (``reusable``), in order."""
    where = {key: position for position, key in enumerate(keys)}
    taken: list[int | None] = [None] * len(keys)
    previous = -1
    for index, (key, focus) in enumerate(zip(last.articles, last.focus)):
        position = where.get(key)
        if position is None or position <= previous or digests[position] != focus or not reusable[position]:
            return None
        taken[position] = index
        previous = position
    return taken


@dataclass
class Grown:
    """The files of a build grown from the last one, and what to keep of it once they are written."""

    outputs: list[tuple[Path, Content]]
    rows: int
    incidents: int
    keep: Callable[[], LastBuild]  # called once the files are written


def grown_outputs(last: LastBuild, keys: Sequence[str], digests: Sequence[str], taken: Sequence[int | None],
                  made: Sequence[int], reports: ReportRows,
                  found: ReportsOf, explained: Explanations, stored_rows: Callable[[list[str]], Iterator[Any]],
                  reviews: pd.DataFrame, out: Path, merge_km: float, merge_days: int, current_stamp: str,
                  gazetteer: Callable[[], Gazetteer],
                  keep_lines: Callable[[str, list[str], list[str]], None] | None) -> Grown:
    """The table, labels and why files of this build from ``last``'s and the new rows.

    ``keys``, ``digests``: each article's entry key and part of the focus, ``taken``: each one's
    article of the last build (:func:`reused_articles`), ``made``: the rows of each other one, in
    ``reports`` (their reports in ``found``, their explanations in ``explained``);
    ``stored_rows(keys)``: the cache's rows of old articles
    (:meth:`~dashboard.preprocess.article_cache.ArticleCache.rows_of`)."""
    old_rows, new_rows = len(last.lengths), len(reports)
    # Reconciling: the new reports and the old components they may touch.
    regrouped = _reconciled(last, found, stored_rows, merge_km, merge_days)
    ids, components, changed = regrouped.ids, regrouped.components, regrouped.changed
    # The new rows' lines (and what the labels and why files need of them).
    points, rows = TablePoints(), TableRows()
    new_lines = [line for piece in csv_row_lines(reports, ids, reviews, points, rows, keep_lines)
                 for line in piece]
    new_encoded = [(line + "\n").encode("utf-8") for line in new_lines]
    del new_lines
    runs = _runs(last, taken, made)
    old_starts = last.header + np.concatenate([[0], np.cumsum(last.lengths)]).astype(np.int64)
    changed_rows = np.array(sorted(changed), dtype=np.int64)

    table_mark, labels_mark, why_mark = last.files
    old_table = Path(table_mark.path).read_bytes()
    if not old_table.startswith((csv_header(reviews) + "\n").encode("utf-8")):
        raise CannotGrow("the last table has another header")

    def table() -> Iterator[bytes | memoryview]:
        view = memoryview(old_table)
        yield view[:last.header]
        for is_old, start, end in runs:
            if not is_old:
                yield b"".join(new_encoded[start:end])
                continue
            at = start
            for row in changed_rows[np.searchsorted(changed_rows, start):np.searchsorted(changed_rows, end)].tolist():
                if at < row:
                    yield view[old_starts[at]:old_starts[row]]
                yield changed[row].encode("ascii") + view[old_starts[row] + _ID_BYTES:old_starts[row + 1]]
                at = row + 1
            if at < end:
                yield view[old_starts[at]:old_starts[end]]

    # The why file: the new rows' entries put between the old ones, by key.
    numbers = {key: number for key, number in rows.numbers.items() if explained.has(number)}
    new_keys = sorted(numbers)
    new_entries = [why_entry(key, text) for key, text in zip(new_keys, explained.encoded([numbers[k] for k in new_keys]))]
    new_key_bytes = np.array([key.encode("ascii") for key in new_keys], dtype=f"S{_KEY_BYTES}")
    inserted = np.searchsorted(last.why_keys, new_key_bytes).tolist() if new_keys else []
    why_starts = len(WHY_HEAD) + np.concatenate([[0], np.cumsum(last.why_lengths + 1)]).astype(np.int64)
    old_why = Path(why_mark.path).read_bytes()
    old_entries = len(last.why_lengths)
    tail_at = int(why_starts[-1] - 1) if old_entries else len(WHY_HEAD)
    new_cells = np.array(sorted(rows.cells), dtype=np.int64).reshape(-1, 2)
    cells = np.unique(np.concatenate([last.cells.reshape(-1, 2), new_cells]), axis=0)
    grow_places = len(cells) != len(last.cells)

    def why() -> Iterator[bytes | memoryview]:
        view = memoryview(old_why)
        yield WHY_HEAD
        written, at = 0, 0
        for position, entry in zip(inserted + [old_entries], new_entries + [b""]):
            if at < position:  # old rows at..position, their commas between them
                if written:
                    yield b","
                yield view[why_starts[at]:why_starts[position] - 1]
                written += 1
                at = position
            if entry:
                yield (b"," if written else b"") + entry
                written += 1
        if grow_places:
            yield why_tail([p.to_list() for p in search_places(map(tuple, cells.tolist()), gazetteer())])
        else:
            yield view[tail_at:]

    new_points = points.points()
    every_point = np.unique(np.concatenate([last.points.reshape(-1, 2), new_points]), axis=0)
    every_own = list(dict.fromkeys([*last.own, *points.own()]))

    def labels() -> Iterator[bytes]:
        if len(every_point) == len(last.points) and len(every_own) == len(last.own):
            yield Path(labels_mark.path).read_bytes()
        else:
            yield labels_json(TablePoints.of_points(every_point, every_own), gazetteer())

    outputs: list[tuple[Path, Content]] = [(out, _gathered(table())), (labels_file(out), labels()),
                                           (why_file(out), _gathered(why()))]

    old_ids = _with_changes(last.ids, changed)
    new_ids = np.array([new_id.encode("ascii") for new_id in ids], dtype=f"S{_ID_BYTES}")

    def pieces(old: np.ndarray, new: np.ndarray) -> np.ndarray:
        return np.concatenate([old[start:end] if is_old else new[start:end] for is_old, start, end in runs]
                              or [old[:0]])

    def keep() -> LastBuild:
        old_counts = last.counts.tolist()
        counts = np.array([old_counts[index] if index is not None else count for index, count in zip(taken, made)],
                          dtype=np.int64)
        new_lengths = np.array([len(line) for line in new_encoded], dtype=np.int64)
        why_keys = np.concatenate([last.why_keys, new_key_bytes])
        order = np.argsort(why_keys, kind="stable")
        entry_lengths = np.concatenate([last.why_lengths, np.array([len(e) for e in new_entries], dtype=np.int64)])
        # where each old and each new row lies in this table: the index's rows moved there
        old_at, new_at = np.zeros(old_rows, dtype=np.int64), np.zeros(new_rows, dtype=np.int64)
        at = 0
        for is_old, start, end in runs:
            (old_at if is_old else new_at)[start:end] = np.arange(at, at + end - start)
            at += end - start
        regrouped_at = np.concatenate([new_at, old_at])  # the regrouped reports' rows count the new ones first
        index = regrouped.kept.moved(old_at).joined(
            _Index.of([(profile, int(regrouped_at[row])) for profile, row in regrouped.profiled], merge_km))
        return LastBuild(
            current_stamp, _marks(out), list(keys), list(digests), counts, last.header,
            pieces(last.lengths, new_lengths), pieces(old_ids, new_ids),
            pieces(components[new_rows:], components[:new_rows]), why_keys[order], entry_lengths[order], every_point,
            every_own, cells, index)

    return Grown(outputs, old_rows + new_rows, len(np.unique(np.concatenate([old_ids, new_ids]))), keep)


#: Bytes of small pieces joined before they are handed to the writer (it flushes each to disk).
GATHER_BYTES = 8 << 20


def _gathered(pieces: Iterator[bytes | memoryview]) -> Iterator[bytes | memoryview]:
    """``pieces`` with the small ones joined up to :data:`GATHER_BYTES` (a large one goes as it is)."""
    held: list[bytes | memoryview] = []
    size = 0
    for piece in pieces:
        if len(piece) >= GATHER_BYTES:
            if held:
                yield b"".join(held)
                held, size = [], 0
            yield piece
            continue
        held.append(piece)
        size += len(piece)
        if size >= GATHER_BYTES:
            yield b"".join(held)
            held, size = [], 0
    if held:
        yield b"".join(held)


def _with_changes(ids: np.ndarray, changed: dict[int, str]) -> np.ndarray:
    if not changed:
        return ids
    ids = ids.copy()
    for row, new_id in changed.items():
        ids[row] = new_id.encode("ascii")
    return ids


def _marks(out: Path) -> tuple[FileMark, FileMark, FileMark]:
    marks = tuple(FileMark.of(path) for path in (out, labels_file(out), why_file(out)))
    if any(mark is None for mark in marks):
        raise OSError(f"{out} or a file beside it is missing just after it was written")
    return marks  # type: ignore[return-value]


def _runs(last: LastBuild, taken: Sequence[int | None], made: Sequence[int]) -> list[tuple[bool, int, int]]:
    """The table's rows in order, as runs of the last build's rows (True, first, end) and of the new
    rows (False, first, end)."""
    starts = last.starts.tolist()
    runs: list[list[Any]] = []
    new_at = 0
    for index, count in zip(taken, made):
        if index is not None:
            start, end = starts[index], starts[index + 1]
            if start == end:
                continue
            if runs and runs[-1][0] and runs[-1][2] == start:
                runs[-1][2] = end
            else:
                runs.append([True, start, end])
        elif count:
            if runs and not runs[-1][0]:
                runs[-1][2] += count
            else:
                runs.append([False, new_at, new_at + count])
            new_at += count
    return [(bool(a), int(b), int(c)) for a, b, c in runs]


@dataclass
class _Regrouped:
    """What reconciling the new reports gave, rows counted in one line: the new rows, then the old.

    ``ids``: the new rows' incident ids; ``components``: every row's; ``changed``: the old rows whose
    id changed (row among the old ones -> id); ``kept``: the last index without the reports grouped
    again; ``profiled``: the profile and first row of each report grouped again."""

    ids: list[str]
    components: np.ndarray
    changed: dict[int, str]
    kept: _Index
    profiled: list[tuple[Profile, int]]


def _reconciled(last: LastBuild, found: ReportsOf, stored_rows: Callable[[list[str]], Iterator[Any]],
                merge_km: float, merge_days: int) -> _Regrouped:
    """The new reports grouped with the old components they touch: those holding an old report
    compatible with a new one (found among the index's candidates, read back from the cache)."""
    new_reports, found.reports = found.reports, []
    new_rows = found.rows
    profiled_new = [r.profile for r in new_reports if r.profile is not None]
    candidates = last.index.candidates(profiled_new, merge_km, merge_days)
    old = _OldReports(last, stored_rows)
    old.read(np.array(sorted(set().union(*candidates)), dtype=np.int64))
    touched = {int(last.components[row]) for profile, rows in zip(profiled_new, candidates) for row in rows
               if reconcile.match_strength(old.at(row), profile, merge_km, merge_days) is not None}
    in_touched = np.isin(last.components, np.array(sorted(touched), dtype=np.int64))
    old.read(np.flatnonzero(in_touched))
    old_reports = old.of_rows(in_touched)
    # positions: the new rows first, then the old ones
    units = [*new_reports, *(Report(r.key, r.article, tuple(new_rows + i for i in r.rows), r.profile)
                             for r in old_reports)]
    groups = reconcile.grouped(units, merge_km, merge_days)
    group_ids = reconcile.group_ids(units, groups.roots)
    next_component = int(last.components.max()) + 1 if len(last.components) else 0
    components = np.concatenate([np.full(new_rows, -1, dtype=np.int64), last.components])
    ids = [""] * new_rows
    changed: dict[int, str] = {}
    profiled: list[tuple[Profile, int]] = []
    old_ids = last.ids
    for unit, root, component in zip(units, groups.roots, groups.components):
        new_id = group_ids[root]
        number = -1 if component < 0 else next_component + component
        for row in unit.rows:
            components[row] = number
            if row < new_rows:
                ids[row] = new_id
            elif old_ids[row - new_rows] != new_id.encode("ascii"):
                changed[row - new_rows] = new_id
        if unit.profile is not None:
            profiled.append((unit.profile, unit.rows[0]))
    first_rows = np.zeros(len(last.lengths), dtype=bool)
    first_rows[[r.rows[0] for r in old_reports]] = True
    return _Regrouped(ids, components, changed, last.index.without(first_rows), profiled)


class _OldReports:
    """The last build's reports of some of its rows, read back from the article cache (an article's at a time)."""

    def __init__(self, last: LastBuild, stored_rows: Callable[[list[str]], Iterator[Any]]) -> None:
        self._last, self._stored_rows = last, stored_rows
        self._starts = last.starts
        self._read: set[int] = set()  # articles read
        self._by_row: dict[int, Report] = {}  # first row -> report

    def read(self, rows: np.ndarray) -> None:
        """Read the reports of the articles that hold ``rows``."""
        articles = [a for a in np.unique(np.searchsorted(self._starts, rows, side="right") - 1).tolist()
                    if a not in self._read]
        found = ReportsOf()
        for article, kept in zip(articles, self._stored_rows([self._last.articles[a] for a in articles])):
            if kept is None or len(kept.rows) != self._last.counts[article]:
                raise CannotGrow(f"the cached rows of {self._last.articles[article]} cannot be read")
            found.rows = int(self._starts[article])  # the positions of the last build's rows
            found.add(kept.rows)
            self._read.add(article)
        self._by_row.update((report.rows[0], report) for report in found.reports)

    def at(self, row: int) -> Profile:
        """The profile of the report whose first row is ``row`` (read)."""
        profile = self._by_row[row].profile
        assert profile is not None  # the index holds reports with a profile only
        return profile

    def of_rows(self, rows: np.ndarray) -> list[Report]:
        """The reports read whose first row ``rows`` (a mask of every row) marks, in order."""
        return [self._by_row[row] for row in sorted(self._by_row) if rows[row]]


def of_build(current_stamp: str, out: Path, articles: list[str], focus: list[str], counts: list[int],
             reconciled: reconcile.Reconciled, written: Written, merge_km: float) -> LastBuild:
    """What a build from scratch keeps for the next, from what it gathered as it wrote its files."""
    return LastBuild(current_stamp, _marks(out), articles, focus, np.array(counts, dtype=np.int64),
                     written.header_bytes, np.frombuffer(written.line_bytes, dtype=np.int64).copy(),
                     np.array([row_id.encode("ascii") for row_id in reconciled.ids], dtype=f"S{_ID_BYTES}"),
                     np.array(reconciled.components, dtype=np.int64),
                     np.array([key.encode("ascii") for key in written.why.keys], dtype=f"S{_KEY_BYTES}"),
                     np.array(written.why.lengths, dtype=np.int64), written.points.points(), written.points.own(),
                     np.array(sorted(written.rows.cells), dtype=np.int64).reshape(-1, 2),
                     _Index.of(reconciled.profiled, merge_km))
