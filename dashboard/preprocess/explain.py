"""Why each report row is where it is and says what it says, for the why file beside the table.

In: an article, its resolved places with the place stage's :class:`Decision` of each (by mention
start: :func:`~dashboard.preprocess.places.locate.locate_places` with ``decisions=``), and the rows
made from them. Out: :func:`explain_rows`, one :class:`~dashboard.why.WhyRow` (as JSON) per row, in
the rows' order; :class:`Explanations`, where a build keeps them (on disk) until the end;
:func:`why_outputs`, the why file's bytes beside each table, keyed by the rows' report keys
(:func:`dashboard.review.report_keys`), with the gazetteer's places around the rows for the page's
place search. Nothing here resolves a place again: the decisions are the resolver's own.
"""

from __future__ import annotations

import array
import itertools
import math
import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Iterable, Iterator, Mapping, Sequence

import pandas as pd

from dashboard.files import temporary_space
from dashboard.preprocess.incidents.casualties import read_tolls
from dashboard.preprocess.incidents.sentences import split_sentences
from dashboard.preprocess.ingest import Article
from dashboard.preprocess.places.gazetteer import REGION_KINDS, Gazetteer, Place
from dashboard.preprocess.places.geoparse import Decision, ResolvedMention
from dashboard.schema import C, Incident, IncidentCells
from dashboard.why import Span, WhyLayout, WhyPlace, WhyRow, row_json, why_chunks, why_file

#: At most this many other candidates are kept per row (best first), and this many the article did not back.
MAX_BEATEN = 8
MAX_UNBACKED = 5
#: Places of the search list: within this many degrees of a located row, at most this many (largest first).
SEARCH_MARGIN_DEGREES = 1
MAX_SEARCH_PLACES = 30_000

#: Bytes of explanations the why file reads into memory at once (past it, one read a text).
READ_WHOLE_BYTES = 160_000_000

#: (article, mention, evidence): what names a row's explanation before report keys are known.
Identity = tuple[str, str, str]


class Explanations:
    """Each row's explanation (JSON text, :func:`explain_rows`) by the row's number in the build (the
    order the rows come in, the table's), kept on disk while a build runs: the texts go to an
    anonymous temporary file (in ``folder``) as the rows come, and are read back one by one as the
    why file is written; memory holds only where each text lies, eight bytes a row. Rows of one
    article that share an :data:`Identity` share the last of their texts (as a dict by identity
    would keep it). Use it as a context manager: the file has no name (nothing is left behind on any
    exit) and is closed at the end."""

    _LENGTH_BITS = 32  # where = offset << _LENGTH_BITS | length; 0: no text
    _WHAT = "the rows' explanations"  # what the file keeps, for an error about it

    def __init__(self, folder: Path | None = None) -> None:
        # In ``folder`` (the output's: a disk with room for the why file, where the system's
        # temporary folder may be memory) when it is one, else in the system's temporary folder.
        self._folder = folder if folder is not None and folder.is_dir() else None
        self._file = tempfile.TemporaryFile(dir=self._folder)
        self._where = array.array("Q")
        self._end = 0
        self._unflushed = False  # written since the last flush
        self._whole: bytes | None = None  # every text, once read at once (:meth:`read_whole`)

    def extend(self, rows: Sequence[Incident | IncidentCells], texts: Sequence[str] | None) -> None:
        """The next rows (one article's, in order) and their texts (None: they have none)."""
        if texts is None:
            self._where.extend(itertools.repeat(0, len(rows)))
            return
        self.extend_stored(rows, self.stored(texts))

    def stored(self, texts: Iterable[str]) -> list[int]:
        """``texts`` written to the file now, ahead of their rows: where each lies, for
        :meth:`extend_stored` (a long text's sections' texts, kept there until all its rows are in)."""
        self._whole = None  # (read again when asked for)
        data = [text.encode("utf-8") for text in texts]
        lengths = list(map(len, data))
        wheres = [offset << self._LENGTH_BITS | length
                  for offset, length in zip(itertools.accumulate(lengths, initial=self._end), lengths)]
        with temporary_space(self._WHAT, self._folder):
            self._file.write(b"".join(data))  # one write a call, not one a text
        self._end += sum(lengths)
        self._unflushed = True
        return wheres

    def extend_stored(self, rows: Sequence[Incident | IncidentCells], wheres: Sequence[int]) -> None:
        """:meth:`extend` with texts already :meth:`stored`."""
        named = identities(rows)
        last: dict[Identity, int] = dict(zip(named, wheres, strict=True))  # a later row of one identity wins
        self._where.extend(wheres if len(last) == len(named) else [last[identity] for identity in named])

    def has(self, number: int) -> bool:
        return 0 <= number < len(self._where) and self._where[number] != 0

    def text(self, number: int) -> str:
        """The text of row ``number`` (KeyError when it has none)."""
        if not self.has(number):
            raise KeyError(number)
        return self.stored_text(self._where[number])

    def encoded(self, numbers: Iterable[int]) -> list[bytes]:
        """The texts of rows ``numbers`` as UTF-8 (KeyError when one has none), read together."""
        wheres = []
        for number in numbers:
            if not self.has(number):
                raise KeyError(number)
            wheres.append(self._where[number])
        return self._bytes_at(wheres)

    def stored_text(self, where: int) -> str:
        """The text :meth:`stored` put at ``where``."""
        return self._bytes_at([where])[0].decode("utf-8")

    def _bytes_at(self, wheres: Sequence[int]) -> list[bytes]:
        """The bytes :meth:`stored` put at each of ``wheres``: from memory once read whole, else from the file."""
        self._flushed()
        mask = (1 << self._LENGTH_BITS) - 1
        whole = self._whole
        if whole is not None:
            return [whole[where >> self._LENGTH_BITS:(where >> self._LENGTH_BITS) + (where & mask)] for where in wheres]
        descriptor = self._file.fileno()
        return [os.pread(descriptor, where & mask, where >> self._LENGTH_BITS) for where in wheres]

    def read_whole(self, budget: int = READ_WHOLE_BYTES) -> None:
        """Read every text into memory at once when they are no more than ``budget`` bytes: the
        texts are then read from there (the why file takes them in the order of their keys, not
        the order they were written: a read each otherwise)."""
        self._flushed()
        if self._end <= budget:
            self._file.seek(0)
            self._whole = self._file.read(self._end)
            self._file.seek(self._end)

    def _flushed(self) -> None:
        if self._unflushed:  # what was written, out of the buffer (once, before the texts are read)
            with temporary_space(self._WHAT, self._folder):
                self._file.flush()
            self._unflushed = False

    def __len__(self) -> int:
        return len(self._where)

    def close(self) -> None:
        self._file.close()
        self._where = array.array("Q")
        self._whole = None

    def __enter__(self) -> Explanations:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


class _TextsByKey(Mapping[str, str]):
    """The explanations under the rows' report keys, read from ``texts`` only when asked for."""

    def __init__(self, numbers: dict[str, int], texts: Explanations) -> None:
        self._numbers, self._texts = numbers, texts

    def __getitem__(self, key: str) -> str:
        return self._texts.text(self._numbers[key])

    def encoded(self, keys: Sequence[str]) -> list[bytes]:
        """The texts of ``keys`` as the UTF-8 bytes they are kept as (:class:`~dashboard.why.EncodedTexts`)."""
        return self._texts.encoded([self._numbers[key] for key in keys])

    def __len__(self) -> int:
        return len(self._numbers)

    def __iter__(self) -> Iterator[str]:
        return iter(self._numbers)


def why_place(place: Place, score: float | None = None) -> WhyPlace:
    return WhyPlace(place.name, place.kind, place.admin1, place.country, place.country_code, place.population,
                    place.latitude, place.longitude, None if score is None else round(score, 3))


def place_spans(evidence: str, words: str) -> list[Span]:
    """Every whole-word occurrence of the place's words (as written, white space collapsed as in the
    evidence) in the evidence sentence."""
    words = " ".join(words.split())
    spans: list[Span] = []
    if not words:
        return spans
    at = evidence.find(words)
    while at >= 0:
        end = at + len(words)
        if (at == 0 or not evidence[at - 1].isalnum()) and (end == len(evidence) or not evidence[end].isalnum()):
            spans.append(Span(at, end, "place"))
        at = evidence.find(words, at + 1)
    return spans


def toll_spans(evidence: str) -> list[Span]:
    """The figures the toll reader takes as tolls in the evidence (number to victims' words), with
    their kind. Evidence joined from several sentences is read a sentence at a time, as the toll
    stage read it (each sentence's reading is then the one that stage made, still in the cache)."""
    spans = []
    for sentence in split_sentences(evidence):
        spans.extend(Span(sentence.start + f.start, sentence.start + f.end, f.kind)
                     for f in read_tolls(sentence.text).figures)
    return spans


def _has_toll(row: Incident) -> bool:
    return any(v is not None for v in (row.killed_min, row.killed_max, row.injured_min, row.injured_max,
                                       row.captured_min, row.captured_max))


def explain_rows(article: Article, places: Sequence[ResolvedMention], decisions: Mapping[int, Decision | None],
                 rows: Sequence[Incident]) -> list[str]:
    """One explanation (:meth:`WhyRow.to_json`, as JSON text: :func:`~dashboard.why.row_json`) per
    row of ``rows``, in order."""
    by_words: dict[tuple[str, float | None, float | None], ResolvedMention] = {}
    for resolved in places:
        by_words.setdefault((resolved.mention.text, resolved.latitude, resolved.longitude), resolved)
    explained = []
    tolls: dict[str, list[Span]] = {}  # by evidence: the rows of one incident at several places share it
    for row in rows:
        resolved = by_words.get((row.mention, row.latitude, row.longitude))
        decision = decisions.get(resolved.mention.start) if resolved is not None else None
        if _has_toll(row) and row.evidence not in tolls:
            tolls[row.evidence] = toll_spans(row.evidence)
        spans = place_spans(row.evidence, row.mention) + (tolls[row.evidence] if _has_toll(row) else [])
        spans.sort(key=lambda s: (s.start, s.end))
        if decision is None:
            chosen = why_place(resolved.place) if resolved is not None and resolved.place is not None else None
            if not row.mention:
                reasons: tuple[str, ...] = ("the text gives no place for this incident",)
            elif chosen is None:
                reasons = ("no place found: the gazetteer lacks the name and the text gives no area for it",)
            else:
                reasons = ()
            explained.append(row_json(WhyRow(row.mention, chosen, reasons=reasons, spans=tuple(spans)).to_json()))
            continue
        explained.append(row_json(WhyRow(
            row.mention, why_place(decision.place, decision.score),
            tuple(why_place(p, score) for p, score in decision.beaten[:MAX_BEATEN]),
            tuple(why_place(p) for p in decision.unbacked[:MAX_UNBACKED]),
            decision.reasons, tuple(spans)).to_json()))
    return explained


def identities(rows: Iterable[Incident | IncidentCells]) -> list[Identity]:
    return [(row.article, row.mention, row.evidence) for row in rows]


class TableRows:
    """What the why file needs of a table, gathered piece by piece (:meth:`add`): each row's report
    key with the row's number, and the one-degree cells of its located rows (for the place search)."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.cells: set[tuple[int, int]] = set()

    def add(self, table: pd.DataFrame, keys: pd.Series, first: int) -> None:
        """``keys``: the table's report keys (:func:`~dashboard.review.report_keys`); ``first``: the
        number of its first row (a piece's place in the whole table)."""
        self.numbers.update(zip(keys.tolist(), range(first, first + len(table))))
        located = table[table[C.latitude].notna() & table[C.longitude].notna()]
        self.cells.update((math.floor(float(a)), math.floor(float(o)))
                          for a, o in zip(located[C.latitude].tolist(), located[C.longitude].tolist()))


def search_places(cells: Iterable[tuple[int, int]], gazetteer: Gazetteer, margin: int = SEARCH_MARGIN_DEGREES,
                  limit: int = MAX_SEARCH_PLACES) -> list[WhyPlace]:
    """The gazetteer's places (with points of their own, no provinces or countries) within ``margin``
    degrees of the one-degree ``cells`` of the located rows, largest first: what the page's place
    search looks through."""
    seen: set[str] = set()
    found: list[Place] = []
    done: set[tuple[int, int]] = set()
    for lat, lon in sorted(cells):
        for i in range(-margin, margin + 1):
            for j in range(-margin, margin + 1):
                cell = (lat + i, lon + j)
                if cell in done or not -90 <= cell[0] < 90:
                    continue
                done.add(cell)
                for place in gazetteer.places_in(cell[0], cell[1], cell[0] + 1, cell[1] + 1):
                    if place.kind not in REGION_KINDS and place.own_point and place.key not in seen:
                        seen.add(place.key)
                        found.append(place)
    found.sort(key=lambda p: (-p.population, p.name, p.key))
    return [why_place(p) for p in found[:limit]]


def why_outputs(table: TableRows, explained: Explanations, gazetteer: Gazetteer,
                tables: Iterable[Path], layout: WhyLayout | None = None) -> list[tuple[Path, Iterator[bytes]]]:
    """The why file beside each of ``tables`` (the build writes them with the tables, atomically):
    each row's explanation under its report key. ``layout``: where the first file's rows lie in it,
    filled as it is written."""
    rows = {key: number for key, number in table.numbers.items() if explained.has(number)}
    places = [p.to_list() for p in search_places(table.cells, gazetteer)]
    # the texts are read as each piece of the file is written: from memory when they fit its
    # budget (read at once now), else from disk one by one
    explained.read_whole()
    return [(why_file(path), why_chunks(_TextsByKey(rows, explained), places, layout=layout if n == 0 else None))
            for n, path in enumerate(tables)]
