"""The build's files from its reconciled rows, the reports table written piece by piece.

In: every report row of a build, in order, with its incident id
(:func:`~dashboard.preprocess.reconcile.incident_ids`), and why each row is so
(:class:`~dashboard.preprocess.explain.Explanations`). Out: :func:`build_outputs`, each file with its content for :func:`dashboard.files.atomic_write_many`: the reports table, the
incidents table (``--incidents``), the labels beside each and the why file.

The rows become the table a piece at a time (:data:`PIECE_ROWS` rows): each piece is made a frame,
given its incident ids, report keys (:class:`dashboard.review.KeysInOrder`: they rank the like
rows of an article across pieces) and the stored reviews, validated, and written while the next is
made; its row objects are let go once it is made. So the table is never whole in memory, neither as
rows and frame at once nor as a frame. What the labels and why files need of the table (its
points, its own places, each row's report key) is gathered as the pieces pass, and those files are
made after it. The incidents table sums up each incident's reports, so with ``--incidents`` the
pieces are also kept and joined.

A CSV reports table alone (no ``--incidents``) is written by :func:`_csv_table`: an article whose
rows come from the article cache with the lines an earlier build gave them is written as those
lines, each given its incident id and review state (the only cells other articles and reviewers
change), not made a frame, checked and written again, and keeps the report keys that build gave
its rows (they depend on the article's rows alone); only new rows and rows a reviewer corrected
are, and their lines are handed to the cache for the next build. That is most of what a rebuild
of a grown folder costs to write.
"""

from __future__ import annotations

import array
import functools
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pandas as pd

from dashboard.aggregate import incidents_from_reports
from dashboard.files import Content, labels_file
from dashboard.preprocess.explain import Explanations, TableRows, why_outputs
from dashboard.preprocess.map_labels import TablePoints, labels_json
from dashboard.preprocess.places.gazetteer import Gazetteer
from dashboard.preprocess.report_rows import ReportRows
from dashboard.review import FIELDS, UNREVIEWED, KeysInOrder, ReviewStore, apply_reviews, store_path
from dashboard.schema import C, csv_lines, frame_of_cell_columns, frame_of_cells, pieces_chunks, table_chunks, validated
from dashboard.why import WhyLayout, why_file

#: Rows of the reports table made, checked and written at a time: a piece's frame and text are some
#: 1 KB a row beside the rows, so pieces are kept small.
PIECE_ROWS = 10_000


@dataclass
class Written:
    """What a build's files hold beside their bytes, gathered as they are made (for the next build:
    :mod:`~dashboard.preprocess.last_build`): the table's points, the one-degree cells of its located
    rows and where the why file's rows lie."""

    points: TablePoints = field(default_factory=TablePoints)
    rows: TableRows = field(default_factory=TableRows)
    why: WhyLayout = field(default_factory=WhyLayout)
    # a CSV table's: the bytes of its first line, and of each row's line with its line feed
    header_bytes: int = 0
    line_bytes: array.array = field(default_factory=lambda: array.array("q"))


def build_outputs(reports: ReportRows, ids: Sequence[str], out: Path, incidents_out: Path | None,
                  review_db: str, explained: Explanations, gazetteer: Gazetteer,
                  keep_lines: Callable[[str, list[str], list[str]], None] | None = None,
                  written: Written | None = None, reviews: pd.DataFrame | None = None) -> list[tuple[Path, Content]]:
    """Every file of the build with its content, the reports table first; the others' contents are
    made once the table's has been taken whole. The rows are taken from ``reports`` as the table is
    made. ``keep_lines(owner, lines, keys)``: where the lines a CSV table gives an article's rows
    are kept, with the rows' report keys, for the next build
    (:meth:`~dashboard.preprocess.article_cache.ArticleCache.put_lines`); ``written``: what the
    files hold, filled as they are made; ``reviews``: the table's reviews, when read already."""
    if reviews is None:  # a rebuild keeps every review
        reviews = ReviewStore(store_path(out, review_db), create=False).current()
    written = written or Written()
    points, rows = written.points, written.rows
    kept: list[pd.DataFrame] | None = [] if incidents_out is not None else None

    keys_in_order = KeysInOrder()  # an article's rows may fall in two pieces

    piece_of = functools.partial(_piece_of, ids=ids, reviews=reviews)

    def pieces() -> Iterator[pd.DataFrame]:
        start = 0
        for some in itertools.chain(reports.pieces(PIECE_ROWS), [[]] if not len(reports) else []):
            keys = keys_in_order.of(frame_of_cell_columns(some, _KEY_COLUMNS))
            keys.index = pd.RangeIndex(start, start + len(some))
            piece = piece_of(some, keys, start, range(len(some)))
            del some  # the rows live on in the piece only
            points.add(piece)
            rows.add(piece, keys, start)
            if kept is not None:
                kept.append(piece)
            yield piece
            start += len(piece)

    if incidents_out is None and out.suffix.lower() == ".csv":
        table: Content = _csv_table(reports, ids, reviews, written, keep_lines)
    else:
        table = pieces_chunks(pieces(), out)
    outputs: list[tuple[Path, Content]] = [(out, table)]
    if incidents_out is not None:
        def incidents() -> Content:
            assert kept is not None and incidents_out is not None
            whole = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]
            kept.clear()
            return table_chunks(validated(incidents_from_reports(whole)), incidents_out)
        outputs.append((incidents_out, _later(incidents)))
    labels = functools.cache(lambda: labels_json(points, gazetteer))  # the same file beside each table
    outputs += [(labels_file(path), _later(labels)) for path, _ in list(outputs)]
    outputs.append((why_file(out), _later(lambda: why_outputs(rows, explained, gazetteer, [out], written.why)[0][1])))
    return outputs


#: What a row's report key is made of, and what the labels and why files need of a row.
_KEY_COLUMNS = (C.article, C.mention, C.evidence)
_PLACE_COLUMNS = (C.location, C.latitude, C.longitude, C.geo_precision)


def _piece_of(cells: list[tuple[Any, ...]], keys: pd.Series, start: int, at: Sequence[int], ids: Sequence[str],
              reviews: pd.DataFrame) -> pd.DataFrame:
    """The validated table of the rows ``cells``, the table's rows ``at`` counted from ``start``."""
    frame = frame_of_cells(cells)
    frame.index = pd.Index([start + i for i in at], dtype="int64")  # a problem is reported at its line
    frame[C.incident_id] = [ids[start + i] for i in at]
    return validated(apply_reviews(frame, reviews, keys)).frame


def csv_header(reviews: pd.DataFrame) -> str:
    """The first line of a CSV reports table (without its line feed)."""
    return csv_lines(_piece_of([], pd.Series([], dtype=object), 0, [], [], reviews))[0]


def _csv_table(reports: ReportRows, ids: Sequence[str], reviews: pd.DataFrame, written: Written,
               keep_lines: Callable[[str, list[str], list[str]], None] | None) -> Iterator[bytes]:
    """The CSV table, a piece at a time (:func:`csv_row_lines`), with where its lines lie into ``written``."""
    header = (csv_header(reviews) + "\n").encode("utf-8")
    written.header_bytes = len(header)
    yield header
    for lines in csv_row_lines(reports, ids, reviews, written.points, written.rows, keep_lines):
        written.line_bytes.extend(len(line) + 1 if line.isascii() else len(line.encode("utf-8")) + 1
                                  for line in lines)
        yield ("\n".join(lines) + "\n").encode("utf-8")


def csv_row_lines(reports: ReportRows, ids: Sequence[str], reviews: pd.DataFrame, points: TablePoints,
                  rows: TableRows, keep_lines: Callable[[str, list[str], list[str]], None] | None
                  ) -> Iterator[list[str]]:
    """The lines of the CSV table's rows (without line feeds), a piece at a time, the rows taken from
    ``reports`` and given ``ids`` in order; what the labels and why files need of them into
    ``points`` and ``rows``. A row whose line an earlier build wrote (the article
    cache's, :attr:`~dashboard.preprocess.report_rows.Piece.lines`: the cells between its incident
    id and its review state, which are the only ones other articles and reviews change) is that
    line again, given its incident id and review state, with the report key that build gave it
    (:attr:`~dashboard.preprocess.report_rows.Piece.keys`); the others (new rows, rows a reviewer
    corrected) are made a table, validated and written as :func:`pieces_chunks` writes them, and
    their lines and keys kept (``keep_lines``) for the next build, an article's once all its rows are."""
    keys_in_order = KeysInOrder()
    piece_of = functools.partial(_piece_of, ids=ids, reviews=reviews)
    states = dict(zip(reviews["key"].tolist(), reviews["state"].tolist()))
    changed = reviews[list(FIELDS)].notna().any(axis=1).to_numpy(dtype=bool) if len(reviews) else []
    corrected = set(reviews["key"][changed].tolist()) if len(reviews) else set()
    owner: str | None = None  # the article whose lines are being gathered, and its lines and keys so far
    gathered: tuple[list[str], list[str]] | None = ([], [])
    start = 0
    for cells, known, owners, known_keys in reports.pieces_with_lines(PIECE_ROWS):
        place = frame_of_cell_columns(cells, _PLACE_COLUMNS)
        place.index = pd.RangeIndex(start, start + len(cells))
        key_list = _report_keys(cells, known_keys, keys_in_order)
        keys = pd.Series(key_list, index=place.index, dtype=object)
        fresh = [i for i, (line, key) in enumerate(zip(known, key_list)) if line is None or key in corrected]
        lines = [f"{ids[start + i]},{line},{states.get(key, UNREVIEWED)}"
                 if line is not None else "" for i, (line, key) in enumerate(zip(known, key_list))]
        if fresh:
            piece = piece_of([cells[i] for i in fresh], keys.iloc[fresh], start, fresh)
            made = csv_lines(piece)[1]
            for i, line in zip(fresh, made, strict=True):
                lines[i] = line
            for name in _PLACE_COLUMNS:  # as reviews left them
                values = place[name].to_numpy(copy=True)
                values[fresh] = piece[name].to_numpy()
                place[name] = values
        del cells
        points.add(place)
        rows.add(place, keys, start)
        if keep_lines is not None:
            for i, (line, key, row_owner) in enumerate(zip(known, key_list, owners)):
                if row_owner != owner:
                    if owner is not None and gathered is not None:
                        keep_lines(owner, *gathered)
                    owner, gathered = row_owner, ([], [])
                if gathered is None or line is not None or key in corrected or row_owner is None:
                    gathered = None  # known already, or not the article's own
                    continue
                state = states.get(key, UNREVIEWED)
                gathered[0].append(lines[i][len(ids[start + i]) + 1:len(lines[i]) - len(state) - 1])
                gathered[1].append(key)
        yield lines
        start += len(lines)
    if keep_lines is not None and owner is not None and gathered is not None:
        keep_lines(owner, *gathered)


def _report_keys(cells: list[tuple[Any, ...]], known: list[str | None], keys_in_order: KeysInOrder) -> list[str]:
    """The report keys of a piece's rows: those an earlier build gave them (the article cache's,
    :attr:`~dashboard.preprocess.report_rows.Piece.keys`: an article's rows have all or none), the
    others made (:class:`dashboard.review.KeysInOrder`, given only those rows: an article's rows
    stay together)."""
    keys = list(known)
    unknown = [i for i, key in enumerate(known) if key is None]
    if unknown:
        made = keys_in_order.of(frame_of_cell_columns([cells[i] for i in unknown], _KEY_COLUMNS)).tolist()
        for i, key in zip(unknown, made):
            keys[i] = key
    return keys  # type: ignore[return-value]


def _later(make: Callable[[], Content]) -> Iterator[bytes]:
    """The content ``make`` gives, made when the writer first asks for it (after the files before it)."""
    content = make()
    if isinstance(content, bytes):
        yield content
    else:
        yield from content
