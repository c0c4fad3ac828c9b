"""Where a build keeps its report rows between the articles' pass and the table's writing.

In: each article's rows as they come (:meth:`ReportRows.add`, in the build's order). Out: the same
rows, in the same order, a piece at a time (:meth:`ReportRows.pieces`), each let go once given; each
row as its cells (:data:`~dashboard.schema.cells_of`), which is all the table is made from
(:func:`~dashboard.schema.frame_of_cells`), and which pickle and come back without a constructor
call per row (past the budget, every row goes to disk and back).

Up to :data:`KEPT_ROWS` rows are held in memory. Past that the build would hold every row of a
large corpus at once (some 1 KB a row: 1.7 GB for a million short articles), so the rows held go,
pickled in runs of :data:`RUN_ROWS`, to an anonymous temporary file beside the output, and so do
the later ones as they come; memory keeps only the run being filled. What reconciling needs of the
rows is taken as they come (:class:`~dashboard.preprocess.reconcile.ReportsOf`), so no step needs
every row object at once. Each row goes with the line an earlier build wrote for it and the article
cache's key of its article (:class:`Piece`), for the CSV table to reuse lines and keep new ones.
"""

from __future__ import annotations

import itertools
import pickle
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Iterator, NamedTuple, Sequence

from dashboard.files import temporary_space
from dashboard.schema import Incident, IncidentCells, cells_of_row

#: Rows held in memory (as cells); a build with more keeps them in a temporary file.
KEPT_ROWS = 250_000
#: Rows pickled together into the temporary file (and read back together).
RUN_ROWS = 10_000

_WHAT = "the build's rows"


class Piece(NamedTuple):
    """Rows of a build, in order: each row's cells, its line as an earlier build wrote it (the
    article cache's, :func:`~dashboard.preprocess.outputs.build_outputs`; None: not known), the
    article cache's key of its article (None: no cache) and its report key as that build gave it
    (None: not known)."""

    cells: list[tuple[Any, ...]]
    lines: list[str | None]
    owners: list[str | None]
    keys: list[str | None]


def _empty() -> Piece:
    return Piece([], [], [], [])


class ReportRows:
    """A build's report rows in order: in memory up to ``kept`` rows, then on disk (in ``folder``:
    the output's, a disk with room for the table, where the system's temporary folder may be memory).
    Use it as a context manager: the file has no name (nothing is left behind on any exit)."""

    def __init__(self, folder: Path | None = None, kept: int | None = None, run: int | None = None) -> None:
        self._folder = folder if folder is not None and folder.is_dir() else None
        self._kept = KEPT_ROWS if kept is None else kept
        self._run = max(RUN_ROWS if run is None else run, 1)
        self._held = _empty()  # rows as their cells, with their lines, owners and keys
        self._file: IO[bytes] | None = None
        self._count = 0

    def add(self, rows: Sequence[Incident | IncidentCells], lines: list[str] | None = None, owner: str | None = None,
            keys: list[str] | None = None) -> None:
        """The next rows (one article's, in order), made cells a run at a time: past the budget, no
        more than a run of a long text's rows is held as cells beside the rows themselves.
        ``lines``: the rows' lines as an earlier build wrote them (:attr:`Piece.lines`), ``owner``:
        the key of the article's entry in the article cache, ``keys``: the rows' report keys as
        that build gave them (:attr:`Piece.keys`)."""
        if lines is not None and len(lines) != len(rows):
            raise ValueError(f"{len(lines)} lines for {len(rows)} rows")
        if keys is not None and len(keys) != len(rows):
            raise ValueError(f"{len(keys)} report keys for {len(rows)} rows")
        for start in range(0, len(rows), self._run):
            run = rows[start:start + self._run]
            held = self._held  # (a new one after each spill)
            held.cells.extend(map(cells_of_row, run))
            held.lines.extend(lines[start:start + self._run] if lines is not None else itertools.repeat(None, len(run)))
            held.owners.extend(itertools.repeat(owner, len(run)))
            held.keys.extend(keys[start:start + self._run] if keys is not None else itertools.repeat(None, len(run)))
            self._count += len(run)
            with temporary_space(_WHAT, self._folder):
                if self._file is None and len(held.cells) > self._kept:
                    self._file = tempfile.TemporaryFile(dir=self._folder)
                if self._file is not None and len(held.cells) >= self._run:
                    self._spill()

    def _spill(self) -> None:
        assert self._file is not None
        pickle.dump(tuple(self._held), self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._held = _empty()

    def __len__(self) -> int:
        return self._count

    @property
    def on_disk(self) -> bool:
        """Whether some rows went to the temporary file."""
        return self._file is not None

    def pieces(self, size: int) -> Iterator[list[tuple[Any, ...]]]:
        """Every row as its cells, in order, in lists of ``size`` rows (the last may be shorter; none
        when there are no rows); the rows are let go as they are given (a second call gives nothing)."""
        return (piece.cells for piece in self.pieces_with_lines(size))

    def pieces_with_lines(self, size: int) -> Iterator[Piece]:
        """:meth:`pieces`, each with its rows' lines and owners."""
        pending = _empty()
        for run in self._runs():
            for mine, theirs in zip(pending, run):
                mine.extend(theirs)
            del run
            while len(pending.cells) >= size:
                piece = Piece(*(part[:size] for part in pending))
                pending = Piece(*(part[size:] for part in pending))
                yield piece
                del piece
        if pending.cells:
            yield pending

    def _runs(self) -> Iterator[Piece]:
        if self._file is not None:
            with temporary_space(_WHAT, self._folder):
                self._file.seek(0)  # what is still buffered written first
            while True:
                try:
                    yield Piece(*pickle.load(self._file))
                except EOFError:
                    break
            self._file.truncate(0)
        held, self._held = self._held, _empty()
        yield held

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._held = []

    def __enter__(self) -> ReportRows:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
