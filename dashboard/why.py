"""Why a report row is where it is and says what it says: the record both wings share.

In: the build's per-row explanations (:mod:`dashboard.preprocess.explain` makes them from the place
stage's decisions). Out: the *why file* beside each table (``reports.csv`` -> ``reports.why.json``,
:func:`why_file`), written atomically with the table; the app reads it (:func:`read_why`) and never
runs the pipeline.

The file is JSON: ``format`` (:data:`FORMAT`), ``rows`` (report key -> :class:`WhyRow` as a dict)
and ``places`` (the gazetteer's places around the table's rows, as :class:`WhyPlace` lists, largest
first): the names a reviewer may search to move a row. Everything in it is plain text from the data:
the app escapes it all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Protocol, Sequence, runtime_checkable

from dashboard.errors import DashboardError

#: Bump when the keys or their meaning change (the app then ignores an older file).
FORMAT = 1


class WhyFileError(DashboardError, ValueError):
    """The why file cannot be read."""


def why_file(table: str | Path) -> Path:
    """Where a table's why file lives: beside it (``incidents.csv`` -> ``incidents.why.json``)."""
    table = Path(table)
    return table.with_name(f"{table.stem}.why.json")


@dataclass(frozen=True, slots=True)
class WhyPlace:
    """A gazetteer place as the panel shows it; ``score`` is the resolver's (None: not scored)."""

    name: str
    kind: str
    admin1: str
    country: str
    country_code: str
    population: int
    latitude: float
    longitude: float
    score: float | None = None

    def to_list(self) -> list[Any]:
        return [self.name, self.kind, self.admin1, self.country, self.country_code, self.population,
                self.latitude, self.longitude, self.score]

    @classmethod
    def from_list(cls, values: Sequence[Any]) -> WhyPlace:
        name, kind, admin1, country, code, population, lat, lon, score = values
        return cls(str(name), str(kind), str(admin1), str(country), str(code), int(population or 0),
                   float(lat), float(lon), None if score is None else float(score))


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``start:end`` of the evidence sentence; ``what``: "place" or a toll kind (killed ...)."""

    start: int
    end: int
    what: str


@dataclass(frozen=True, slots=True)
class WhyRow:
    """Why one report row: the words as written, the place chosen, the candidates it beat (the
    article backed them: scored, best first) and those it did not back, what decided (in words),
    and the spans of place and toll words in the row's evidence sentence."""

    mention: str
    chosen: WhyPlace | None
    beaten: tuple[WhyPlace, ...] = ()
    unbacked: tuple[WhyPlace, ...] = ()
    reasons: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "mention": self.mention,
            "chosen": None if self.chosen is None else self.chosen.to_list(),
            "beaten": [p.to_list() for p in self.beaten],
            "unbacked": [p.to_list() for p in self.unbacked],
            "reasons": list(self.reasons),
            "spans": [[s.start, s.end, s.what] for s in self.spans],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WhyRow:
        chosen = data.get("chosen")
        return cls(
            str(data.get("mention", "")),
            None if chosen is None else WhyPlace.from_list(chosen),
            tuple(WhyPlace.from_list(p) for p in data.get("beaten", ())),
            tuple(WhyPlace.from_list(p) for p in data.get("unbacked", ())),
            tuple(str(r) for r in data.get("reasons", ())),
            tuple(Span(int(a), int(b), str(w)) for a, b, w in data.get("spans", ())),
        )


@dataclass(frozen=True, slots=True)
class WhyData:
    """A why file read back: the rows' explanations by report key, and the places one may search."""

    rows: Mapping[str, WhyRow]
    places: tuple[WhyPlace, ...]


def row_json(row: Mapping[str, Any]) -> str:
    """One row's explanation (:meth:`WhyRow.to_json`) as the JSON text the why file holds for it:
    made once, where the row is made, and only joined afterwards (:func:`why_bytes_of_texts`)."""
    return _json_text(row)


def why_bytes(rows: Mapping[str, WhyRow], places: Sequence[WhyPlace]) -> bytes:
    """The why file's bytes (keys sorted: the same table gives the same bytes)."""
    return why_bytes_of_texts({key: row_json(row.to_json()) for key, row in rows.items()},
                              [p.to_list() for p in places])


def why_bytes_of_texts(rows: Mapping[str, str], places: Sequence[Sequence[Any]]) -> bytes:
    """:func:`why_bytes` of rows already as JSON text (:func:`row_json`) and places as lists: the
    texts are joined, not parsed and encoded again (the bytes are those of the whole file encoded
    at once)."""
    return b"".join(why_chunks(rows, places))


#: Rows of the why file encoded at a time by :func:`why_chunks`.
WHY_CHUNK_ROWS = 20_000


def why_chunks(rows: Mapping[str, str], places: Sequence[Sequence[Any]],
               size: int = WHY_CHUNK_ROWS, layout: WhyLayout | None = None) -> Iterator[bytes]:
    """:func:`why_bytes_of_texts` in pieces of ``size`` rows, for a writer that takes them one after
    the other (:func:`dashboard.files.atomic_write_many`): the file's bytes are never whole in memory.
    ``layout``: where the file's rows lie in it, filled as they are written."""
    keys = sorted(rows)
    if layout is not None:
        layout.keys = keys
    yield WHY_HEAD
    for start in range(0, len(keys), size):
        chunk = keys[start:start + size]
        entries = [why_entry(key, text) for key, text in zip(chunk, _encoded(rows, chunk))]
        if layout is not None:
            layout.lengths += map(len, entries)
        piece = b",".join(entries)
        yield piece if start == 0 else b"," + piece
    yield why_tail(places)


#: What a why file starts with, before its first row.
WHY_HEAD = f'{{"format":{FORMAT},"rows":{{'.encode("utf-8")


def why_entry(key: str, text: bytes) -> bytes:
    """One row of the why file: its report key and its explanation (JSON text, as UTF-8); the rows
    are joined by commas, in the order of their keys."""
    return _json_string(key).encode("utf-8") + b":" + text


def why_tail(places: Sequence[Sequence[Any]]) -> bytes:
    """What a why file ends with, after its last row: the places one may search."""
    return f'}},"places":{_json_text(list(places))}}}'.encode("utf-8")


@dataclass
class WhyLayout:
    """Where a why file's rows lie in it (:func:`why_chunks`): their keys in order and each one's
    bytes; :data:`WHY_HEAD` comes first, a comma between two rows, the places after the last."""

    keys: list[str] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)


def _encoded(rows: Mapping[str, str], keys: Sequence[str]) -> list[bytes]:
    """The texts of ``keys`` as UTF-8: at once from a mapping that holds them so
    (:class:`EncodedTexts`), else each encoded here."""
    if isinstance(rows, EncodedTexts):
        return rows.encoded(keys)
    return [rows[key].encode("utf-8") for key in keys]


@runtime_checkable
class EncodedTexts(Protocol):
    """Explanations that give many texts at once as their UTF-8 bytes (a build's: the bytes are
    what it keeps and what the file holds, so they are never decoded and encoded again)."""

    def encoded(self, keys: Sequence[str]) -> list[bytes]: ...


#: A string as JSON text, as ``json.dumps(ensure_ascii=False)`` writes it (its own encoder, without the call's setup).
_json_string = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      check_circular=False)  # plain data, built here: no cycle to look for


def parse_why(data: bytes, name: str = "why file") -> WhyData:
    """A why file's bytes -> :class:`WhyData`; raises :class:`WhyFileError` with one line."""
    try:
        loaded = json.loads(data.decode("utf-8"))
        if not isinstance(loaded, dict) or loaded.get("format") != FORMAT:
            raise WhyFileError(f"{name}: not a why file of format {FORMAT} (rebuild the table)")
        rows = {str(key): WhyRow.from_json(value) for key, value in loaded.get("rows", {}).items()}
        places = tuple(WhyPlace.from_list(p) for p in loaded.get("places", ()))
    except WhyFileError:
        raise
    except (UnicodeDecodeError, ValueError, TypeError, AttributeError, KeyError) as err:
        raise WhyFileError(f"{name}: cannot be read ({type(err).__name__}); rebuild the table") from err
    return WhyData(rows, places)


def read_why(table: str | Path) -> WhyData | None:
    """The why file beside ``table``; None when there is none (a table built before it existed)."""
    path = why_file(table)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise WhyFileError(f"{path}: cannot be read ({err.strerror or err})") from err
    return parse_why(data, str(path))
