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
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path
from typing import Callable, Iterator, Sequence

import pandas as pd

from dashboard.aggregate import incidents_from_reports
from dashboard.files import Content, labels_file
from dashboard.preprocess.explain import Explanations, TableRows, why_outputs
from dashboard.preprocess.map_labels import TablePoints, labels_json
from dashboard.preprocess.places.gazetteer import Gazetteer
from dashboard.preprocess.report_rows import ReportRows
from dashboard.review import KeysInOrder, ReviewStore, apply_reviews, store_path
from dashboard.schema import C, frame_of_cells, pieces_chunks, table_chunks, validated
from dashboard.why import why_file

#: Rows of the reports table made, checked and written at a time: a piece's frame and text are some
#: 1 KB a row beside the rows, so pieces are kept small.
PIECE_ROWS = 10_000


def build_outputs(reports: ReportRows, ids: Sequence[str], out: Path, incidents_out: Path | None,
                  review_db: str, explained: Explanations, gazetteer: Gazetteer) -> list[tuple[Path, Content]]:
    """Every file of the build with its content, the reports table first; the others' contents are
    made once the table's has been taken whole. The rows are taken from ``reports`` as the table is made."""
    reviews = ReviewStore(store_path(out, review_db), create=False).current()  # a rebuild keeps every review
    points, rows = TablePoints(), TableRows()
    kept: list[pd.DataFrame] | None = [] if incidents_out is not None else None

    keys_in_order = KeysInOrder()  # an article's rows may fall in two pieces

    def pieces() -> Iterator[pd.DataFrame]:
        start = 0
        for some in itertools.chain(reports.pieces(PIECE_ROWS), [[]] if not len(reports) else []):
            end = start + len(some)
            frame = frame_of_cells(some)
            del some  # the rows live on in the piece only
            frame.index = pd.RangeIndex(start, end)  # a problem is reported at its line of the whole table
            frame[C.incident_id] = list(ids[start:end])
            keys = keys_in_order.of(frame)
            piece = validated(apply_reviews(frame, reviews, keys)).frame
            points.add(piece)
            rows.add(piece, keys, start)
            if kept is not None:
                kept.append(piece)
            yield piece
            start = end

    outputs: list[tuple[Path, Content]] = [(out, pieces_chunks(pieces(), out))]
    if incidents_out is not None:
        def incidents() -> Content:
            assert kept is not None and incidents_out is not None
            whole = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]
            kept.clear()
            return table_chunks(validated(incidents_from_reports(whole)), incidents_out)
        outputs.append((incidents_out, _later(incidents)))
    labels = functools.cache(lambda: labels_json(points, gazetteer))  # the same file beside each table
    outputs += [(labels_file(path), _later(labels)) for path, _ in list(outputs)]
    outputs.append((why_file(out), _later(lambda: why_outputs(rows, explained, gazetteer, [out])[0][1])))
    return outputs


def _later(make: Callable[[], Content]) -> Iterator[bytes]:
    """The content ``make`` gives, made when the writer first asks for it (after the files before it)."""
    content = make()
    if isinstance(content, bytes):
        yield content
    else:
        yield from content
